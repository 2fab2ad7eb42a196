//! Which fields of an object were seen.

use super::{shortened, JsonResult, Reader};

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
