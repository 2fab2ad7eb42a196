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
//! Numbers are read correctly rounded, as `str::parse::<f64>` reads them:
//! up to 19 significant digits from about 1e-15 to 1e27 (every number
//! `JSON.stringify` writes for values in the documented ranges) in one
//! rounding (`numbers.rs`), anything else by `decimal.rs`.

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
pub(crate) fn shortened(key: &str) -> &str {
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

mod decimal;
pub(crate) mod fields;
mod numbers;
mod strings;
mod writer;

pub(crate) use fields::read_fields;
pub use fields::Fields;
pub use numbers::display_f64;
pub use writer::{ToJson, Writer};

#[cfg(test)]
mod tests;
