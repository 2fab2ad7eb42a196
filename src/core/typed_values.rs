//! Typed values of the profile layer read with `json::Reader`: whole numbers
//! as serde reads them (`invalid type: floating point `1.5`, expected i64`),
//! maps of string keys, and the description of a bad value that preference
//! messages quote. Built on the reader's public API only.

use super::error::Error;
use super::json::{JsonError, JsonResult, Kind, Reader};
use super::limits::quote;

/// A whole number of type `T` (`i64`, `u64`, `u32`, `u8`), named `ty` in
/// messages the way serde names it. The digits are parsed from the source,
/// so values beyond 2^53 are exact.
pub fn whole_number<T: std::str::FromStr>(r: &mut Reader, ty: &str) -> JsonResult<T> {
    if r.peek()? != Kind::Number {
        return Err(r.invalid_type(ty));
    }
    let start = r.offset();
    r.number()?;
    let raw = r.source(start, r.offset()).trim_start();
    if raw.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return Err(r.error(format!(
            "invalid type: floating point `{raw}`, expected {ty}"
        )));
    }
    raw.parse()
        .map_err(|_| r.error(format!("invalid value: integer `{raw}`, expected {ty}")))
}

/// An object of string keys, each value read by `value`, at most `limit`
/// entries. Errors inside are under `.key`.
pub fn map(
    r: &mut Reader,
    limit: usize,
    mut value: impl FnMut(&mut Reader, &str) -> JsonResult<()>,
) -> JsonResult<()> {
    let mut n = 0;
    r.object("a map", |r, key| {
        n += 1;
        if n > limit {
            return Err(r.error(format!(
                "more than {limit} entries; allowed: at most {limit}"
            )));
        }
        value(r, key)
    })
}

/// An array of at most `limit` strings; `expected` names it in a type error.
pub fn strings(r: &mut Reader, limit: usize, expected: &str) -> JsonResult<Vec<String>> {
    let mut out = Vec::new();
    r.array(limit, expected, |r, _| {
        out.push(r.string()?.into_owned());
        Ok(())
    })?;
    Ok(out)
}

/// A map's key given twice (`repeated`: its insert replaced a value) is
/// refused, naming the key, as a field given twice is.
pub fn refuse_repeat(r: &Reader, key: &str, repeated: bool) -> JsonResult<()> {
    if repeated {
        return Err(r.error(format!("duplicate key `{}`", super::json::shortened(key))));
    }
    Ok(())
}

/// Reads any value and describes it for a message: `1.5`, `"much"`, `true`,
/// `an array`, `an object`, or null with the reason it is usually null.
pub fn describe(r: &mut Reader) -> JsonResult<String> {
    let start = r.offset();
    Ok(match r.peek()? {
        Kind::Null => {
            r.null()?;
            "null (NaN and Infinity become null in JSON)".into()
        }
        Kind::Bool => if r.boolean()? { "true" } else { "false" }.into(),
        Kind::Number => {
            r.number()?;
            r.source(start, r.offset()).trim_start().to_string()
        }
        Kind::String => quote(&r.string()?),
        Kind::Array => {
            r.skip()?;
            "an array".into()
        }
        Kind::Object => {
            r.skip()?;
            "an object".into()
        }
    })
}

/// Reading a document whose checks produce core errors with their own full
/// paths (`preferences.categories["a"]`) inside `Reader` callbacks, which
/// return `JsonError`s: `fail` keeps the core error and stops the reader;
/// `finish` returns it, or the reader's own error under `root`.
#[derive(Default)]
pub struct Checked {
    failure: Option<Error>,
}

impl Checked {
    pub fn fail(&mut self, e: Error) -> JsonError {
        self.failure = Some(e);
        JsonError::new("")
    }

    pub fn finish<T>(self, result: JsonResult<T>, root: &str) -> Result<T, Error> {
        match (self.failure, result) {
            (Some(e), _) => Err(e),
            (None, Ok(v)) => Ok(v),
            (None, Err(e)) => Err(e.into_error(root)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: std::str::FromStr>(text: &str, ty: &str) -> Result<T, String> {
        whole_number::<T>(&mut Reader::new(text), ty).map_err(|e| e.message().to_string())
    }

    #[test]
    fn whole_numbers_are_read_exactly_and_floats_refused() {
        assert_eq!(
            read::<i64>("9007199254740993", "i64"),
            Ok(9_007_199_254_740_993)
        );
        assert_eq!(read::<u64>("18446744073709551615", "u64"), Ok(u64::MAX));
        assert!(read::<i64>("1.5", "i64")
            .unwrap_err()
            .starts_with("invalid type: floating point `1.5`, expected i64"));
        assert!(read::<i64>("1e3", "i64")
            .unwrap_err()
            .contains("floating point"));
        assert!(read::<u64>("-5", "u64")
            .unwrap_err()
            .starts_with("invalid value: integer `-5`, expected u64"));
        assert!(read::<u8>("256", "u8").unwrap_err().contains("expected u8"));
        assert!(read::<i64>("\"5\"", "i64")
            .unwrap_err()
            .starts_with("invalid type: string \"5\", expected i64"));
    }

    #[test]
    fn descriptions_quote_what_was_written() {
        let d = |t: &str| describe(&mut Reader::new(t)).unwrap();
        assert_eq!(d("1.50"), "1.50");
        assert_eq!(d("\"much\""), "\"much\"");
        assert_eq!(d("[1, {}]"), "an array");
        assert_eq!(d("{\"a\": [1]}"), "an object");
        assert!(d("null").starts_with("null"));
        assert_eq!(d("false"), "false");
    }

    #[test]
    fn maps_are_bounded() {
        let mut r = Reader::new(r#"{"a":1,"b":2,"c":3}"#);
        let e = map(&mut r, 2, |r, _| r.skip()).unwrap_err();
        assert!(
            e.message().starts_with("more than 2 entries"),
            "{}",
            e.message()
        );
        assert_eq!(e.path(), "c");
    }
}
