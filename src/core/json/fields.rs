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

    /// After the object: every field must have been seen.
    pub fn require_all(&self, r: &Reader) -> JsonResult<()> {
        self.require(r, self.names)
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

/// The position of `name` in `names` (`usize::MAX` if absent), at compile
/// time: `read_fields!` turns each arm's name into the index `Fields::see`
/// returns, so arms are matched by name and dispatched by integer.
pub const fn index_of(names: &[&str], name: &str) -> usize {
    let (mut rest, mut i) = (names, 0);
    while let [first, tail @ ..] = rest {
        if same(first.as_bytes(), name.as_bytes()) {
            return i;
        }
        (rest, i) = (tail, i + 1);
    }
    usize::MAX
}

const fn same(mut a: &[u8], mut b: &[u8]) -> bool {
    loop {
        match (a, b) {
            ([x, a_rest @ ..], [y, b_rest @ ..]) if *x == *y => (a, b) = (a_rest, b_rest),
            ([], []) => return true,
            _ => return false,
        }
    }
}

/// Reads the object at the cursor, one arm per field, matched by name:
///
/// ```ignore
/// let fields = read_fields!(r, "struct Folded", {
///     "weight" => weight = r.number()?,
///     "at" => at = whole_number(r, "i64")?,
/// })?;
/// fields.require(r, &["weight", "at"])?;
/// ```
///
/// The field list is the arms' names; a field given twice is refused
/// (`duplicate field`), and so is an unknown one (naming the known ones), or,
/// with `else skip` after the arms, skipped (the catalogue's forward
/// compatibility). Evaluates to the reader's result with the `Fields` seen,
/// for `require`. Each arm is a statement; `r` in it is the reader.
macro_rules! read_fields {
    ($r:ident, $what:expr, { $($name:literal => $body:expr),+ $(,)? }) => {{
        const NAMES: &[&str] = &[$($name),+];
        let mut fields = $crate::core::json::Fields::new(NAMES);
        $r.object($what, |$r, key| {
            let i = fields.see_known($r, key)?;
            $crate::core::json::read_fields!(@arms i, NAMES, $($name => $body),+);
            Ok(())
        })
        .map(|()| fields)
    }};
    ($r:ident, $what:expr, { $($name:literal => $body:expr),+ $(,)? } else skip) => {{
        const NAMES: &[&str] = &[$($name),+];
        let mut fields = $crate::core::json::Fields::new(NAMES);
        $r.object($what, |$r, key| {
            let Some(i) = fields.see($r, key)? else {
                return $r.skip();
            };
            $crate::core::json::read_fields!(@arms i, NAMES, $($name => $body),+);
            Ok(())
        })
        .map(|()| fields)
    }};
    (@arms $i:ident, $names:ident, $($name:literal => $body:expr),+) => {
        match $i {
            $(
                i if i == const { $crate::core::json::fields::index_of($names, $name) } => {
                    $body;
                }
            )+
            _ => {}
        }
    };
}
pub(crate) use read_fields;

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

    /// Arms are matched by name whatever the order of the text's fields;
    /// repeated and unknown fields are refused, or unknown ones skipped.
    #[test]
    fn read_fields_matches_by_name() {
        let read = |text: &str| -> JsonResult<(f64, String)> {
            let mut r = Reader::new(text);
            let r = &mut r;
            let (mut weight, mut id) = (0.0, String::new());
            let fields = read_fields!(r, "an object", {
                "id" => id = r.string()?.into_owned(),
                "weight" => weight = r.number()?,
            })?;
            fields.require(r, &["id", "weight"])?;
            Ok((weight, id))
        };
        assert_eq!(
            read(r#"{"weight": 2, "id": "a"}"#).unwrap(),
            (2.0, "a".into())
        );
        assert_eq!(
            read(r#"{"id": "b", "weight": 3}"#).unwrap(),
            (3.0, "b".into())
        );
        let e = read(r#"{"id": "a", "id": "b", "weight": 1}"#).unwrap_err();
        assert!(e.message().starts_with("duplicate field `id`"), "{e:?}");
        let e = read(r#"{"id": "a", "colour": 1}"#).unwrap_err();
        assert!(
            e.message()
                .starts_with("unknown field `colour`, expected `id` or `weight`"),
            "{e:?}"
        );
        let e = read(r#"{"id": "a"}"#).unwrap_err();
        assert_eq!(
            (e.path(), e.message().starts_with("missing field `weight`")),
            ("weight".into(), true)
        );
        let mut r = Reader::new(r#"{"colour": [1], "weight": 4}"#);
        let r = &mut r;
        let mut weight = 0.0;
        read_fields!(r, "an object", { "weight" => weight = r.number()? } else skip).unwrap();
        assert_eq!(weight, 4.0);
        assert_eq!(index_of(&["a", "bb", "b"], "b"), 2);
        assert_eq!(index_of(&["a"], "c"), usize::MAX);
    }
}
