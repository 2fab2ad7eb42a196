//! Which fields of an object were seen.

use super::{shortened, JsonResult, Reader};

/// Which of an object's fields were seen, for `missing field` and
/// `duplicate field`, as bits of a `u32`: at most 32 fields per object.
pub struct Fields {
    names: &'static [&'static str],
    seen: u32,
}

/// How many field names a `Fields` tracks.
const MAX_FIELDS: usize = 32;

impl Fields {
    /// Names past the 32nd are left out, so such a field reads as unknown
    /// (and its tests fail) instead of sharing a bit with another field.
    pub fn new(names: &'static [&'static str]) -> Self {
        let names = names.get(..MAX_FIELDS).unwrap_or(names);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 33rd name reads as unknown; it never aliases the first.
    #[test]
    fn names_past_the_32nd_are_unknown_not_aliased() {
        const NAMES: [&str; 33] = [
            "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13",
            "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25",
            "f26", "f27", "f28", "f29", "f30", "f31", "f32",
        ];
        let r = Reader::new("{}");
        let mut fields = Fields::new(&NAMES);
        assert_eq!(fields.see(&r, "f0").unwrap(), Some(0));
        assert_eq!(fields.see(&r, "f31").unwrap(), Some(31));
        assert_eq!(fields.see(&r, "f32").unwrap(), None);
        assert!(fields.see(&r, "f0").is_err(), "f0 twice is a duplicate");
    }
}
