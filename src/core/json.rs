//! A small JSON reader and writer for the documents that cross the JS
//! boundary: the catalogue, `rank`/`record` options, and the results.
//!
//! Why not serde: derive-generated deserializers are monomorphized per type
//! and per deserializer (and again under `serde_path_to_error`), and they were
//! most of the wasm module's size. Here the reader is a cursor over the bytes;
//! each document is read by plain code that knows its fields, so the path of
//! a bad value (`items[41].categories[2]`) comes for free and nothing is
//! allocated for values that are skipped. Messages keep serde_json's wording
//! (`missing field `items``, `invalid type: string "70", expected f64`, `at
//! line L column C`), which callers and tests already know.
//!
//! Numbers are read correctly rounded for up to 19 significant digits from
//! about 1e-15 to 1e27, which covers every number `JSON.stringify` writes for
//! values in the documented ranges; beyond that the result is within a few
//! units in the last place (see `decimal_to_f64`).

use std::borrow::Cow;
use std::fmt::Write as _;

use super::limits::quote;

/// Nesting deeper than this is refused (serde_json's limit too).
const MAX_DEPTH: u32 = 128;

/// A reading error: where (a path relative to the document), what, and the
/// byte offset it was noticed at.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    /// Path segments, innermost first (they are added while unwinding).
    rev_path: Vec<Segment>,
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> Self {
        JsonError {
            rev_path: Vec::new(),
            message: message.into(),
        }
    }

    /// The path below the document root: `items[3].id`, or "" for the root.
    pub fn path(&self) -> String {
        let mut s = String::new();
        for seg in self.rev_path.iter().rev() {
            match seg {
                Segment::Key(k) if s.is_empty() => s.push_str(k),
                Segment::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Segment::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
            }
        }
        s
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn in_key(mut self, key: &str) -> Self {
        self.rev_path.push(Segment::Key(key.to_string()));
        self
    }

    pub fn in_index(mut self, i: usize) -> Self {
        self.rev_path.push(Segment::Index(i));
        self
    }

    /// As a core error under `root` (`catalogue`, `options`, ...).
    pub fn into_error(self, root: &str) -> super::error::Error {
        let path = super::error::join_path(root, &self.path());
        super::error::Error::invalid(path, self.message)
    }
}

pub type JsonResult<T> = Result<T, JsonError>;

/// What the next value is, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// A cursor over one JSON document.
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

/// Byte equality without `memcmp`, for short ids and literals. In wasm
/// (opt-level "z") `==` on slices calls compiler-builtins' byte-at-a-time
/// `memcmp`; with this loop instead, the 10k-item JSON catalogue of the
/// benchmark loads ~14% faster in Chromium (41.0 -> 35.5 ms, median).
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Byte offset of the cursor (for spans into the source).
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// Reads `literal` if the text at the cursor is exactly that (no
    /// whitespace skipped): for fast paths over the usual compact form of a
    /// document, which `rewind` and read in full when it does not match.
    #[inline]
    pub(crate) fn eat(&mut self, literal: &[u8]) -> bool {
        let end = self.pos + literal.len();
        if self
            .bytes()
            .get(self.pos..end)
            .is_some_and(|b| same(b, literal))
        {
            self.pos = end;
            return true;
        }
        false
    }

    /// Back to an earlier `offset()` (a fast path that did not match).
    pub(crate) fn rewind(&mut self, offset: usize) {
        self.pos = offset;
    }

    /// The source text between two offsets.
    pub fn source(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// An error at the cursor, with serde_json's " at line L column C".
    pub fn error(&self, message: impl std::fmt::Display) -> JsonError {
        let upto = self.bytes().get(..self.pos).unwrap_or(self.bytes());
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = upto.iter().rev().take_while(|&&b| b != b'\n').count();
        JsonError::new(format!("{message} at line {line} column {column}"))
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    #[inline]
    fn peek_byte(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.pos).copied()
    }

    /// What kind of value comes next.
    pub fn peek(&mut self) -> JsonResult<Kind> {
        match self.peek_byte() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'n') => Ok(Kind::Null),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b'"') => Ok(Kind::String),
            Some(b'[') => Ok(Kind::Array),
            Some(b'{') => Ok(Kind::Object),
            Some(_) => Err(self.error("expected value")),
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub fn finish(&mut self) -> JsonResult<()> {
        match self.peek_byte() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    fn literal(&mut self, word: &str) -> JsonResult<()> {
        let end = self.pos + word.len();
        if self.bytes().get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(())
        } else {
            self.pos += 1;
            Err(self.error("expected ident"))
        }
    }

    /// Reads the next value if it is `null`; true if it was.
    pub fn null(&mut self) -> JsonResult<bool> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads a value of another kind than `expected` and describes it the way
    /// serde does: `invalid type: string "70", expected f64`.
    pub fn invalid_type(&mut self, expected: &str) -> JsonError {
        let start = self.offset();
        let found = match self.peek() {
            Err(e) => return e,
            Ok(Kind::Null) => self.literal("null").map(|_| "null".to_string()),
            Ok(Kind::Bool) => self.boolean().map(|b| format!("boolean `{b}`")),
            Ok(Kind::String) => self.string().map(|s| format!("string {}", quote(&s))),
            // Not read: the error is the answer, however deep the value.
            Ok(Kind::Array) => Ok("sequence".to_string()),
            Ok(Kind::Object) => Ok("map".to_string()),
            Ok(Kind::Number) => self.number_token().map(|(_, float)| {
                let raw = self.source(start, self.offset()).trim_start();
                if float {
                    format!("floating point `{raw}`")
                } else {
                    format!("integer `{raw}`")
                }
            }),
        };
        match found {
            Err(e) => e,
            Ok(found) => {
                let mut e = self.error(format!("invalid type: {found}, expected {expected}"));
                if found == "null" {
                    // JSON.stringify turns NaN and Infinity into null: say so.
                    e.message
                        .push_str(" (NaN and Infinity are not allowed; JSON turns them into null)");
                }
                e
            }
        }
    }

    pub fn boolean(&mut self) -> JsonResult<bool> {
        match self.peek_byte() {
            Some(b't') => self.literal("true").map(|_| true),
            Some(b'f') => self.literal("false").map(|_| false),
            _ => Err(self.invalid_type("a boolean")),
        }
    }

    /// A number (serde calls it `f64`); anything else is a type error.
    pub fn number(&mut self) -> JsonResult<f64> {
        if self.peek()? != Kind::Number {
            return Err(self.invalid_type("f64"));
        }
        let (x, _) = self.number_token()?;
        if x.is_infinite() {
            // 1e999: not a number JSON can carry (serde_json's message).
            return Err(self.error("number out of range"));
        }
        Ok(x)
    }

    /// Reads a number token; returns its value and whether it had a fraction
    /// or exponent.
    fn number_token(&mut self) -> JsonResult<(f64, bool)> {
        match self.plain_number() {
            Some(x) => Ok(x),
            None => self.any_number_token(),
        }
    }

    /// A whole number at the cursor as this module writes them (optional
    /// minus, at most 18 digits, no fraction or exponent): exactly what
    /// `fields::whole` reads from the same text. `None` (and nothing read)
    /// for anything else. For fast paths, like `eat`.
    #[inline]
    pub(crate) fn plain_integer(&mut self) -> Option<i64> {
        let b = self.bytes();
        let negative = b.get(self.pos) == Some(&b'-');
        let start = self.pos + usize::from(negative);
        let mut i = start;
        let mut n: i64 = 0;
        while let Some(&d @ b'0'..=b'9') = b.get(i) {
            if i - start == 18 {
                return None;
            }
            n = n * 10 + i64::from(d - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0
            || (digits > 1 && b.get(start) == Some(&b'0'))
            || matches!(b.get(i), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        self.pos = i;
        Some(if negative { -n } else { n })
    }

    /// The common case of `number_token`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
    /// with at most 19 digits in all, which fit a u64 exactly; `None` (and
    /// nothing read) for anything else. Same value as the general path: the
    /// same mantissa and exponent go to `decimal_to_f64`. No whitespace is
    /// skipped (callers outside this file use it as a fast path).
    #[inline]
    pub(crate) fn plain_number(&mut self) -> Option<(f64, bool)> {
        let b = self.bytes();
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut mantissa: u64 = 0;
        let start = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            _ => return None,
        }
        let mut fraction = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let first = i;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                i += 1;
            }
            fraction = i - first;
            if fraction == 0 {
                return None;
            }
        }
        // More than 19 digits may have wrapped: the general path.
        if i - start - usize::from(fraction > 0) > 19 || matches!(b.get(i), Some(b'e' | b'E')) {
            return None;
        }
        self.pos = i;
        let magnitude = decimal_to_f64(mantissa, -(fraction as i64), true);
        Some((if negative { -magnitude } else { magnitude }, fraction > 0))
    }

    fn any_number_token(&mut self) -> JsonResult<(f64, bool)> {
        let b = self.bytes();
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        // Up to 19 significant digits in a u64; further digits only move the
        // exponent (and make the result inexact, see the module comment).
        let mut mantissa: u64 = 0;
        let mut digits = 0u32;
        let mut exp10: i64 = 0;
        let mut exact = true;
        let mut take =
            |d: u8, after_point: bool, mantissa: &mut u64, digits: &mut u32, exp10: &mut i64| {
                if *digits < 19 {
                    *mantissa = *mantissa * 10 + u64::from(d);
                    if *mantissa != 0 {
                        *digits += 1;
                    }
                    if after_point {
                        *exp10 -= 1;
                    }
                } else {
                    exact &= d == 0;
                    if !after_point {
                        *exp10 += 1;
                    }
                }
            };
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    take(d - b'0', false, &mut mantissa, &mut digits, &mut exp10);
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                take(d - b'0', true, &mut mantissa, &mut digits, &mut exp10);
                i += 1;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            float = true;
            i += 1;
            let minus = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
            let mut e: i64 = 0;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                e = (e * 10 + i64::from(d - b'0')).min(1_000_000);
                i += 1;
            }
            exp10 += if minus { -e } else { e };
        }
        self.pos = i;
        let magnitude = decimal_to_f64(mantissa, exp10.clamp(-400, 400), exact);
        Ok((if negative { -magnitude } else { magnitude }, float))
    }

    /// A string value; borrowed from the source unless it has escapes.
    pub fn string(&mut self) -> JsonResult<Cow<'a, str>> {
        if self.peek_byte() != Some(b'"') {
            return Err(self.invalid_type("a string"));
        }
        self.string_token()
    }

    /// A string at the cursor (no whitespace skipped) without escapes or
    /// control characters, as a byte range of the source; `None` (and
    /// nothing read) for anything else. For fast paths, like `eat`.
    #[inline]
    pub(crate) fn plain_string(&mut self) -> Option<(usize, usize)> {
        let b = self.bytes();
        if b.get(self.pos) != Some(&b'"') {
            return None;
        }
        let start = self.pos + 1;
        let mut i = start;
        while let Some(&c) = b.get(i) {
            if c == b'"' {
                self.pos = i + 1;
                return Some((start, i));
            }
            if c == b'\\' || c < 0x20 {
                return None;
            }
            i += 1;
        }
        None
    }

    /// A string value as a byte range of the source when it has no escapes
    /// (`Ok(Err(text))` when it has): no `&str` is made on the fast path.
    pub fn string_span(&mut self) -> JsonResult<Result<(usize, usize), String>> {
        if self.peek_byte() != Some(b'"') {
            return Err(self.invalid_type("a string"));
        }
        let b = self.bytes();
        let start = self.pos + 1;
        let mut i = start;
        while let Some(&c) = b.get(i) {
            if c == b'"' {
                self.pos = i + 1;
                return Ok(Ok((start, i)));
            }
            if c == b'\\' || c < 0x20 {
                break;
            }
            i += 1;
        }
        self.string_token().map(|s| Err(s.into_owned()))
    }

    fn string_token(&mut self) -> JsonResult<Cow<'a, str>> {
        let b = self.bytes();
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match b.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.error("EOF while parsing a string"));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(self.source(start, i)));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => {
                    self.pos = i + 1;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                Some(_) => i += 1,
            }
        }
        // Slow path: escapes.
        let mut out = String::from(self.source(start, i));
        loop {
            match b.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.error("EOF while parsing a string"));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    i += 1;
                    let c = match b.get(i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos = i + 1;
                            let c = self.unicode_escape()?;
                            i = self.pos;
                            out.push(c);
                            continue;
                        }
                        _ => {
                            self.pos = i;
                            return Err(self.error("invalid escape"));
                        }
                    };
                    out.push(c);
                    i += 1;
                }
                Some(0..=0x1f) => {
                    self.pos = i + 1;
                    return Err(self.error(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ));
                }
                Some(_) => {
                    // Copy a run of plain characters at once (keeps UTF-8 whole).
                    let run = i;
                    while let Some(&c) = b.get(i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        i += 1;
                    }
                    out.push_str(self.source(run, i));
                }
            }
        }
    }

    /// After `\u`: four hex digits, and a low surrogate after a high one.
    fn unicode_escape(&mut self) -> JsonResult<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes().get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error("unexpected end of hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone leading surrogate in hex escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> JsonResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.bytes().get(self.pos) {
                Some(&c @ b'0'..=b'9') => c - b'0',
                Some(&c @ b'a'..=b'f') => c - b'a' + 10,
                Some(&c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn enter(&mut self) -> JsonResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    /// Reads an object, calling `field` with each key; the callback must read
    /// the value. Errors inside get `.key` added to their path. Keys repeated
    /// in one object are refused (`duplicate field`), as serde does, when the
    /// callback reports them through `Fields`.
    pub fn object(
        &mut self,
        expected: &str,
        mut field: impl FnMut(&mut Self, &str) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.object_dyn(expected, &mut field)
    }

    // One copy of the loop for every caller (a generic one per closure was
    // several KB of wasm).
    fn object_dyn(
        &mut self,
        expected: &str,
        field: &mut dyn FnMut(&mut Self, &str) -> JsonResult<()>,
    ) -> JsonResult<()> {
        if self.peek_byte() == Some(b'[') {
            // serde reads a struct from a sequence too, so a malformed or too
            // deep array in an object's place reports that, as before.
            let start = self.pos;
            self.skip()?;
            self.pos = start;
        }
        if self.peek_byte() != Some(b'{') {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        let mut first = true;
        loop {
            match self.peek_byte() {
                Some(b'}') if first => break,
                Some(b'}') => return Err(self.error("trailing comma")),
                Some(b'"') => {}
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("key must be a string")),
            }
            first = false;
            let key = self.string_token()?;
            if self.peek_byte() != Some(b':') {
                return Err(if self.peek_byte().is_none() {
                    self.error("EOF while parsing an object")
                } else {
                    self.error("expected `:`")
                });
            }
            self.pos += 1;
            field(self, &key).map_err(|e| e.in_key(shortened(&key)))?;
            match self.peek_byte() {
                Some(b',') => self.pos += 1,
                Some(b'}') => break,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// Reads an array of at most `limit` entries, calling `element` with each
    /// index; errors inside get `[i]` added to their path. More entries than
    /// `limit` is an error before they are read (bounded allocation).
    pub fn array(
        &mut self,
        limit: usize,
        expected: &str,
        mut element: impl FnMut(&mut Self, usize) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.array_dyn(limit, expected, &mut element)
    }

    fn array_dyn(
        &mut self,
        limit: usize,
        expected: &str,
        element: &mut dyn FnMut(&mut Self, usize) -> JsonResult<()>,
    ) -> JsonResult<()> {
        if self.peek_byte() != Some(b'[') {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        let mut i = 0;
        loop {
            match self.peek_byte() {
                Some(b']') if i == 0 => break,
                Some(b']') => return Err(self.error("trailing comma")),
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => {}
            }
            if i == limit {
                return Err(self.error(format!(
                    "more than {limit} entries; allowed: at most {limit}"
                )));
            }
            element(self, i).map_err(|e| e.in_index(i))?;
            i += 1;
            match self.peek_byte() {
                Some(b',') => self.pos += 1,
                Some(b']') => break,
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// Reads and discards any value (unknown fields).
    pub fn skip(&mut self) -> JsonResult<()> {
        match self.peek()? {
            Kind::Null => self.literal("null"),
            Kind::Bool => self.boolean().map(drop),
            Kind::Number => self.number_token().map(drop),
            Kind::String => self.string_token().map(drop),
            Kind::Array => self.array(usize::MAX, "", |r, _| r.skip()),
            Kind::Object => self.object("", |r, _| r.skip()),
        }
    }
}

/// A key as shown in paths and messages: a hostile megabyte key is cut (at a
/// character boundary) so that an error stays readable.
fn shortened(key: &str) -> &str {
    const SHOWN: usize = 64;
    if key.len() <= SHOWN {
        return key;
    }
    let mut end = SHOWN;
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    key.get(..end).unwrap_or("")
}

/// Which of an object's fields were seen, for `missing field` and
/// `duplicate field` (at most 32 fields per object).
pub struct Fields {
    names: &'static [&'static str],
    seen: u32,
}

impl Fields {
    pub fn new(names: &'static [&'static str]) -> Self {
        Fields { names, seen: 0 }
    }

    /// The index of `key` among the names, marking it seen; `None` for an
    /// unknown key. A repeated key is an error.
    pub fn see(&mut self, r: &Reader, key: &str) -> JsonResult<Option<usize>> {
        let Some(i) = self.names.iter().position(|n| *n == key) else {
            return Ok(None);
        };
        let bit = 1u32 << (i % 32);
        if self.seen & bit != 0 {
            return Err(r.error(format!("duplicate field `{key}`")));
        }
        self.seen |= bit;
        Ok(Some(i))
    }

    /// Like `see`, but an unknown key is an error naming the known ones.
    pub fn see_known(&mut self, r: &Reader, key: &str) -> JsonResult<usize> {
        match self.see(r, key)? {
            Some(i) => Ok(i),
            None => Err(r.error(format!(
                "unknown field `{}`, expected {}",
                shortened(key),
                self.one_of()
            ))),
        }
    }

    fn one_of(&self) -> String {
        let quoted: Vec<String> = self.names.iter().map(|n| format!("`{n}`")).collect();
        match quoted.as_slice() {
            [] => "nothing".into(),
            [a] => a.clone(),
            [a, b] => format!("{a} or {b}"),
            _ => format!("one of {}", quoted.join(", ")),
        }
    }

    /// After the object: every name in `required` must have been seen.
    pub fn require(&self, r: &Reader, required: &[&str]) -> JsonResult<()> {
        for name in required {
            match self.names.iter().position(|n| n == name) {
                Some(i) if self.seen & (1 << (i % 32)) != 0 => {}
                // Named as a field of the object, like any other bad field.
                _ => return Err(r.error(format!("missing field `{name}`")).in_key(name)),
            }
        }
        Ok(())
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa · 10^exp10`, correctly rounded when `exact` (at most 19
/// significant digits) and -31 <= exp10 <= 27: every number JSON.stringify
/// writes from 1e-15 to 1e27. Otherwise (more digits, extreme exponents)
/// within a few units in the last place.
fn decimal_to_f64(mantissa: u64, exp10: i64, exact: bool) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    // Clinger's fast path: both operands exact, one rounding.
    if mantissa < (1 << 53) && (-22..=22).contains(&exp10) {
        let m = mantissa as f64;
        let p = pow10(exp10.unsigned_abs());
        return if exp10 < 0 { m / p } else { m * p };
    }
    // Otherwise 10^e = 5^e · 2^e: one exact integer step with u128 and one
    // rounding (u128 -> f64 rounds to nearest), then an exact power-of-two
    // scaling.
    if exact && (0..=27).contains(&exp10) {
        if let Some(product) = u128::from(mantissa).checked_mul(5u128.pow(exp10 as u32)) {
            return (product as f64) * pow2(exp10 as i32);
        }
    }
    if exact && (-31..0).contains(&exp10) {
        // mantissa / 5^k with at least 55 quotient bits and a sticky bit for
        // the remainder, so that the one rounding is the correct one.
        let k = exp10.unsigned_abs() as u32;
        let shift = 127 - (128 - u128::from(mantissa).leading_zeros());
        let (q, r) = (
            (u128::from(mantissa) << shift) / 5u128.pow(k),
            (u128::from(mantissa) << shift) % 5u128.pow(k),
        );
        let q = if r != 0 { q | 1 } else { q };
        return (q as f64) * pow2(-((shift + k) as i32));
    }
    // Rare (more than 19 digits or huge exponents): two roundings.
    let mut x = mantissa as f64;
    let mut e = exp10;
    while e > 22 {
        x *= 1e22;
        e -= 22;
    }
    while e < -22 {
        x /= 1e22;
        e += 22;
    }
    if e < 0 {
        x / pow10(e.unsigned_abs())
    } else {
        x * pow10(e.unsigned_abs())
    }
}

/// 10^e for e <= 22 (exact in f64); callers keep e in that range.
fn pow10(e: u64) -> f64 {
    POW10.get(e as usize).copied().unwrap_or(f64::INFINITY)
}

fn pow2(e: i32) -> f64 {
    // Exact for the exponents used above (-160..=27): normal powers of two.
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// Writes JSON text. Numbers are written as serde_json writes them (shortest
/// round-trip form; non-finite as `null`), so results are byte-identical.
#[derive(Default)]
pub struct Writer {
    pub out: String,
}

impl Writer {
    pub fn new() -> Self {
        Writer {
            out: String::with_capacity(256),
        }
    }

    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.out.push_str(s);
        self
    }

    pub fn string(&mut self, s: &str) -> &mut Self {
        self.out.push('"');
        let mut run = 0;
        for (i, b) in s.bytes().enumerate() {
            let escaped = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.out.push_str(s.get(run..i).unwrap_or(""));
            if escaped.is_empty() {
                let _ = write!(self.out, "\\u{b:04x}");
            } else {
                self.out.push_str(escaped);
            }
            run = i + 1;
        }
        self.out.push_str(s.get(run..).unwrap_or(""));
        self.out.push('"');
        self
    }

    pub fn number(&mut self, x: f64) -> &mut Self {
        if x.is_finite() {
            self.out.push_str(zmij::Buffer::new().format_finite(x));
        } else {
            self.out.push_str("null");
        }
        self
    }

    pub fn integer(&mut self, x: i64) -> &mut Self {
        let _ = write!(self.out, "{x}");
        self
    }

    pub fn boolean(&mut self, b: bool) -> &mut Self {
        self.raw(if b { "true" } else { "false" })
    }

    /// `"key":` (with a comma before it unless it is the first key).
    pub fn key(&mut self, key: &str) -> &mut Self {
        if !self.out.ends_with('{') {
            self.out.push(',');
        }
        self.string(key);
        self.out.push(':');
        self
    }

    /// A comma before an array element unless it is the first.
    pub fn element(&mut self) -> &mut Self {
        if !self.out.ends_with('[') {
            self.out.push(',');
        }
        self
    }

    pub fn array<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) -> &mut Self {
        self.out.push('[');
        for item in items {
            self.element();
            each(self, item);
        }
        self.out.push(']');
        self
    }
}

/// Values that the shell hands to JS as JSON text.
pub trait ToJson {
    fn write_json(&self, w: &mut Writer);

    fn to_json(&self) -> String {
        let mut w = Writer::new();
        self.write_json(&mut w);
        w.out
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, w: &mut Writer) {
        w.array(self, |w, x| x.write_json(w));
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, w: &mut Writer) {
        self.as_slice().write_json(w);
    }
}

/// `x` as Rust's `{}` formats an f64 (positional, shortest round-trip
/// digits: `1000000000000000`, `0.0000001`, `-0`, `NaN`, `inf`), without the
/// 14 KB of core's float formatting: error messages quote numbers this way.
/// (When two shortest forms are equally close, e.g. ...797.25, the last
/// digit may differ from Rust's; both read back as `x`.)
pub fn display_f64(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x).as_bytes();
    // `text` is `-?D+(.D+)?(e[+-]?D+)?`: collect the digits without leading
    // and trailing zeros, and where the decimal point falls among them.
    let (sign, rest) = match text.split_first() {
        Some((b'-', rest)) => ("-", rest),
        _ => ("", text),
    };
    let (mut digits, mut point, mut exp, mut seen_point, mut in_exp, mut exp_negative) =
        (String::new(), 0i32, 0i32, false, false, false);
    for &b in rest {
        match b {
            b'e' | b'E' => in_exp = true,
            b'-' if in_exp => exp_negative = true,
            b'0'..=b'9' if in_exp => {
                exp = exp.saturating_mul(10).saturating_add(i32::from(b - b'0'))
            }
            b'.' => seen_point = true,
            b'0'..=b'9' => {
                if !seen_point {
                    point += 1;
                }
                if b == b'0' && digits.is_empty() {
                    point -= 1;
                } else {
                    digits.push(char::from(b));
                }
            }
            _ => {}
        }
    }
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return format!("{sign}0");
    }
    // digits · 10^(point - digits.len()): `point` digits before the decimal point.
    let point = point + if exp_negative { -exp } else { exp };
    let n = digits.len() as i32;
    let mut s = String::from(sign);
    if point <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-point) as usize));
        s.push_str(digits);
    } else if point >= n {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', (point - n) as usize));
    } else {
        s.push_str(digits.get(..point as usize).unwrap_or(""));
        s.push('.');
        s.push_str(digits.get(point as usize..).unwrap_or(""));
    }
    s
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
