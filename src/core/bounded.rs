//! Sequence deserialization that stops at a limit, so a hostile document with
//! a million entries is refused before a million entries are allocated.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

struct BoundedVisitor<T, const N: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for BoundedVisitor<T, N> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an array of at most {N} entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(4096));
        while let Some(value) = seq.next_element()? {
            if out.len() == N {
                return Err(serde::de::Error::custom(format!("more than {N} entries; allowed: at most {N}")));
            }
            out.push(value);
        }
        Ok(out)
    }
}

/// `#[serde(deserialize_with = "bounded::<_, _, LIMIT>")]`
pub fn bounded<'de, D, T, const N: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(BoundedVisitor::<T, N>(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Doc {
        #[serde(deserialize_with = "bounded::<_, _, 3>")]
        xs: Vec<u8>,
    }

    #[test]
    fn accepts_up_to_the_limit_and_refuses_one_more() {
        let ok: Doc = serde_json::from_str(r#"{"xs":[1,2,3]}"#).unwrap();
        assert_eq!(ok.xs, vec![1, 2, 3]);
        let err = serde_json::from_str::<Doc>(r#"{"xs":[1,2,3,4]}"#).unwrap_err();
        assert!(err.to_string().contains("more than 3 entries"), "{err}");
    }
}
