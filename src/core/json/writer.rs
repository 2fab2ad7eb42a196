//! Writes JSON text (numbers as serde_json writes them).

use std::fmt::Write as _;

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
