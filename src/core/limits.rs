//! Documented limits on every input. Each is enforced with an error that
//! names the field; none is a silent truncation.

/// Largest catalogue document accepted, in bytes of JSON.
pub const MAX_CATALOGUE_BYTES: usize = 64 * 1024 * 1024;
/// Items in one catalogue.
pub const MAX_ITEMS: usize = 200_000;
/// Categories in one catalogue (category indices fit in a `u16`).
pub const MAX_CATEGORIES: usize = 256;
/// Categories one item may belong to.
pub const MAX_ITEM_CATEGORIES: usize = 16;
/// Entries in one item's `related` or `next` list.
pub const MAX_NEIGHBOURS: usize = 100;
/// Bytes in an item or category id (ids are printable ASCII, see `check_id`).
pub const MAX_ID_BYTES: usize = 128;
/// Bytes in an item title.
pub const MAX_TITLE_BYTES: usize = 512;
/// Bytes in a category label.
pub const MAX_LABEL_BYTES: usize = 128;
/// Largest number accepted for popularity and neighbour weights.
pub const MAX_NUMBER: f64 = 1e15;
/// Latest timestamp JS can represent (ms since epoch), for `publishedAt` and `at`.
pub const MAX_TIMESTAMP_MS: f64 = 8.64e15;
/// Events kept in history; older ones fold into per-category counts.
pub const MAX_EVENTS: usize = 2_000;
/// Items whose impressions are counted on one day (frequency capping).
pub const MAX_IMPRESSION_ITEMS: usize = 5_000;
/// Ids in one `recordImpressions` call or one `rank` `exclude` list.
pub const MAX_IDS_PER_CALL: usize = 10_000;
/// Largest `limit` of one `rank` call.
pub const MAX_LIMIT: usize = 1_000;
/// Most items `recentItems` returns.
pub const MAX_RECENT_ITEMS: usize = 100;
/// Largest stored profile or import document, in bytes of JSON.
pub const MAX_PROFILE_BYTES: usize = 4 * 1024 * 1024;
/// Bytes in a profile name (it becomes part of a storage key).
pub const MAX_PROFILE_NAME_BYTES: usize = 64;

/// Ids are 1..=128 bytes of printable ASCII without spaces. This rules out
/// ids that look alike but differ by Unicode normalization or invisible
/// characters, without shipping normalization tables in the wasm.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("must not be empty".into());
    }
    if id.len() > MAX_ID_BYTES {
        return Err(format!(
            "is {} bytes long; allowed: at most {MAX_ID_BYTES}",
            id.len()
        ));
    }
    if id.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(());
    }
    if let Some(c) = id.chars().find(|c| !c.is_ascii_graphic()) {
        let mut shown = String::from("'");
        escape_char(c, '\'', &mut shown);
        shown.push('\'');
        return Err(format!(
            "{} contains {shown}; allowed: printable ASCII without spaces",
            quote(id)
        ));
    }
    Ok(())
}

/// A string shown in an error, shortened so a 1 MB value does not become a
/// 1 MB message: in double quotes, with quotes, backslashes, control and
/// invisible characters escaped (`\n`, `\u{301}`).
pub fn quote(s: &str) -> String {
    const SHOWN: usize = 60;
    let mut end = s.len().min(SHOWN);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 2);
    out.push('"');
    for c in s.get(..end).unwrap_or("").chars() {
        escape_char(c, '"', &mut out);
    }
    out.push('"');
    if end < s.len() {
        out.push_str(&format!("… ({} bytes)", s.len()));
    }
    out
}

/// Like Rust's `{:?}` of a char, without its Unicode tables (which are
/// kilobytes of wasm): controls and the invisible characters that make two
/// ids look alike (combining marks, zero-width and direction marks, soft
/// hyphen, variation selectors, byte order mark, tags) are escaped as
/// `\u{..}`; other characters are shown as they are.
fn escape_char(c: char, quote: char, out: &mut String) {
    let invisible = matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F | 0x0300..=0x036F | 0x200B..=0x200F
        | 0x2028..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFFB | 0xE0000..=0xE0FFF);
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() || invisible => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Placements a catalogue may name.
pub const MAX_PLACEMENTS: usize = 64;

/// Rules a catalogue may hold.
pub const MAX_RULES: usize = 1000;

/// The largest boost a rule may give, in score points (the context weight's bound).
pub const MAX_BOOST: f64 = 4.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_printable_ascii() {
        assert!(check_id("m1").is_ok());
        assert!(check_id("sci-fi").is_ok());
        assert!(check_id("").is_err());
        assert!(check_id("a b").is_err());
        assert!(check_id("caf\u{e9}").is_err());
        assert!(check_id("cafe\u{301}").is_err());
        assert!(check_id(&"x".repeat(MAX_ID_BYTES)).is_ok());
        assert!(check_id(&"x".repeat(MAX_ID_BYTES + 1)).is_err());
    }

    #[test]
    fn quote_shortens_long_values_on_char_boundaries() {
        let long = "é".repeat(100);
        let q = quote(&long);
        assert!(q.len() < 100, "{q}");
        assert!(q.ends_with("(200 bytes)"));
        assert_eq!(quote("ab"), "\"ab\"");
    }

    #[test]
    fn quote_escapes_like_debug_formatting() {
        for s in [
            "ab",
            "a\"b",
            "back\\slash",
            "line\nbreak\ttab\r",
            "caf\u{e9}",
            "cafe\u{301}",
            "zero\u{200b}width",
            "bom\u{feff}",
            "nul\u{0}",
            "del\u{7f}",
            "emoji 😀",
            "rtl\u{202e}",
        ] {
            assert_eq!(quote(s), format!("{s:?}"), "{s}");
        }
        assert_eq!(
            check_id("cafe\u{301}").unwrap_err(),
            "\"cafe\\u{301}\" contains '\\u{301}'; allowed: printable ASCII without spaces"
        );
        assert_eq!(
            check_id("it's ok").unwrap_err(),
            "\"it's ok\" contains ' '; allowed: printable ASCII without spaces"
        );
    }
}
