//! The reader's strings: borrowed spans when there is no escape, else
//! unescaped (surrogate pairs, \u escapes) into an owned string.

use std::borrow::Cow;

use super::{JsonResult, Reader};

impl<'a> Reader<'a> {
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

    pub(super) fn string_token(&mut self) -> JsonResult<Cow<'a, str>> {
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
}
