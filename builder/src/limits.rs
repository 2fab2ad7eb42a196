//! The core library's catalogue limits (`src/core/limits.rs`), mirrored here
//! so the builder does not depend on the wasm crate. A test checks that the
//! two files agree.

/// Largest catalogue document the core accepts, in bytes of JSON.
pub const MAX_CATALOGUE_BYTES: usize = 64 * 1024 * 1024;
/// Items in one catalogue.
pub const MAX_ITEMS: usize = 200_000;
/// Categories in one catalogue.
pub const MAX_CATEGORIES: usize = 256;
/// Categories one item may belong to.
pub const MAX_ITEM_CATEGORIES: usize = 16;
/// Entries in one item's `related` or `next` list.
pub const MAX_NEIGHBOURS: usize = 100;
/// Bytes in an item or category id.
pub const MAX_ID_BYTES: usize = 128;
/// Bytes in an item title.
pub const MAX_TITLE_BYTES: usize = 512;
/// Bytes in a category label.
pub const MAX_LABEL_BYTES: usize = 128;
/// Largest number accepted for popularity.
pub const MAX_NUMBER: f64 = 1e15;
/// Latest timestamp JS can represent (ms since epoch).
pub const MAX_TIMESTAMP_MS: i64 = 8_640_000_000_000_000;

/// Ids are 1..=128 bytes of printable ASCII without spaces (the core's
/// `check_id`).
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("must not be empty".into());
    }
    if id.len() > MAX_ID_BYTES {
        return Err(format!("is {} bytes long; allowed: at most {MAX_ID_BYTES}", id.len()));
    }
    if let Some(c) = id.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!("contains {c:?}; allowed: printable ASCII without spaces"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `pub const NAME: TYPE = VALUE;` in the core's limits file.
    fn core_value(source: &str, name: &str) -> String {
        let prefix = format!("pub const {name}:");
        let line = source.lines().find(|l| l.trim_start().starts_with(&prefix));
        let line = line.unwrap_or_else(|| panic!("{name} not found in src/core/limits.rs"));
        let value = line.split('=').nth(1).unwrap_or_default();
        value.trim().trim_end_matches(';').replace('_', "")
    }

    #[test]
    fn limits_match_the_core() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../src/core/limits.rs");
        let source = std::fs::read_to_string(path).expect("the core's limits file");
        let eval = |s: &str| -> f64 { s.split('*').map(|f| f.trim().parse::<f64>().expect(s)).product() };
        let pairs: [(&str, f64); 10] = [
            ("MAX_CATALOGUE_BYTES", MAX_CATALOGUE_BYTES as f64),
            ("MAX_ITEMS", MAX_ITEMS as f64),
            ("MAX_CATEGORIES", MAX_CATEGORIES as f64),
            ("MAX_ITEM_CATEGORIES", MAX_ITEM_CATEGORIES as f64),
            ("MAX_NEIGHBOURS", MAX_NEIGHBOURS as f64),
            ("MAX_ID_BYTES", MAX_ID_BYTES as f64),
            ("MAX_TITLE_BYTES", MAX_TITLE_BYTES as f64),
            ("MAX_LABEL_BYTES", MAX_LABEL_BYTES as f64),
            ("MAX_NUMBER", MAX_NUMBER),
            ("MAX_TIMESTAMP_MS", MAX_TIMESTAMP_MS as f64),
        ];
        for (name, ours) in pairs {
            assert_eq!(eval(&core_value(&source, name)), ours, "{name} differs from src/core/limits.rs");
        }
    }

    #[test]
    fn ids_must_be_printable_ascii() {
        assert!(check_id("m1").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("a b").is_err());
        assert!(check_id("caf\u{e9}").is_err());
        assert!(check_id(&"x".repeat(MAX_ID_BYTES + 1)).is_err());
    }
}
