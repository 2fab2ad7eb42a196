//! The compact catalogue: the same content as the JSON form, as packed
//! little-endian arrays, so that loading is copying and checking rather than
//! parsing, and the download is a fraction of the JSON's size. It is validated
//! by the same `Builder` as JSON (same limits, same messages, same warnings
//! for self and repeated references); only references are by index here, so
//! an index out of range is an error instead of a dropped unknown id.
//!
//! Layout (version 1), every count and offset a u32:
//!
//! ```text
//! header   "ODC1"  k categories  n items  c item-category entries
//!                  r related entries  x next entries  s string bytes
//! u32 × (2k + 2n)  string ends: cumulative ends in the string bytes of the
//!                  category ids (k), labels (k), item ids (n), titles (n)
//! u8  × k          category flags: 1 = sensitive
//! u8  × n          item flags: 1 = repeatable, 2 = has a title, 4 = has publishedAt
//! f64 × n          popularity
//! f64 × n          publishedAt (0 unless flag 4)
//! u32 × n          category ends (cumulative)      u8  × c  category index
//! u32 × n          related ends (cumulative)       u32 × r  target item index   f32 × r  weight
//! u32 × n          next ends (cumulative)          u32 × x  target item index   f32 × x  weight
//! u8  × s          the strings, UTF-8
//! ```
//!
//! Nothing may follow. Weights are f32 because the catalogue keeps them as
//! f32 whichever form they arrive in. `bench/perf/COMPACT.md` has the same
//! description with an encoder in JavaScript.

use super::{le32, Builder, Catalogue, Edge, Target, Warning, HAS_TITLE, REPEATABLE};
use crate::core::error::{Error, Result};
use crate::core::limits::{
    MAX_CATALOGUE_BYTES, MAX_CATEGORIES, MAX_ITEMS, MAX_ITEM_CATEGORIES, MAX_NEIGHBOURS,
};

pub const MAGIC: &[u8; 4] = b"ODC1";
const HEADER: usize = 4 + 6 * 4;
const HAS_PUBLISHED: u8 = 4;

fn invalid(message: impl std::fmt::Display) -> Error {
    Error::invalid("catalogue", message)
}

/// A cursor that hands out the sections in order. The length is checked
/// against the header before any section is taken, so a section is never
/// short (if it were, it would come out empty and fail a later check).
struct Sections<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Sections<'a> {
    fn take(&mut self, len: usize) -> &'a [u8] {
        let end = self.pos.saturating_add(len);
        let s = self.bytes.get(self.pos..end).unwrap_or(&[]);
        self.pos = end;
        s
    }

    fn u32s(&mut self, count: usize) -> Vec<u32> {
        self.take(count.saturating_mul(4))
            .chunks_exact(4)
            .map(le32)
            .collect()
    }
}

/// Entry `i` of a section of little-endian f64s.
fn le64(section: &[u8], i: usize) -> f64 {
    section
        .get(8 * i..8 * i + 8)
        .and_then(|c| c.try_into().ok())
        .map_or(0.0, f64::from_le_bytes)
}

/// `[start, end)` of entry `i` of a cumulative-ends array, checked against
/// the previous end and the total.
fn range(
    ends: &[u32],
    i: usize,
    total: usize,
    path: impl Fn() -> String,
) -> Result<(usize, usize)> {
    let start = if i == 0 {
        0
    } else {
        ends.get(i - 1).copied().unwrap_or(0) as usize
    };
    let end = ends.get(i).copied().unwrap_or(0) as usize;
    if end < start || end > total {
        return Err(Error::invalid(
            path(),
            format!("end {end} is out of order (previous end {start}, total {total})"),
        ));
    }
    Ok((start, end))
}

pub(super) fn read(bytes: &[u8]) -> Result<(Catalogue, Vec<Warning>)> {
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(invalid(format!(
            "is {} bytes; allowed: at most {MAX_CATALOGUE_BYTES}",
            bytes.len()
        )));
    }
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return Err(invalid("is not a compact catalogue (it does not start with \"ODC1\"); a JSON catalogue is passed as an object or a string"));
    }
    let mut s = Sections { bytes, pos: 4 };
    if bytes.len() < HEADER {
        return Err(invalid(format!(
            "compact form ends inside the header (needs {HEADER} bytes, has {})",
            bytes.len()
        )));
    }
    let header = s.u32s(6);
    let count = |i: usize| header.get(i).copied().unwrap_or(0) as usize;
    let (k, n, c, r, x, strings_len) = (count(0), count(1), count(2), count(3), count(4), count(5));
    if k > MAX_CATEGORIES {
        return Err(Error::invalid(
            "catalogue.categories",
            format!("more than {MAX_CATEGORIES} entries; allowed: at most {MAX_CATEGORIES}"),
        ));
    }
    if n > MAX_ITEMS {
        return Err(Error::invalid(
            "catalogue.items",
            format!("more than {MAX_ITEMS} entries; allowed: at most {MAX_ITEMS}"),
        ));
    }
    // The exact size the header implies, before anything is allocated.
    let expected = [
        (2 * k + 2 * n) * 4,
        k,
        n,
        16 * n,
        4 * n + c,
        4 * n + 8 * r,
        4 * n + 8 * x,
        strings_len,
    ]
    .iter()
    .try_fold(HEADER, |a, &b| a.checked_add(b));
    if expected != Some(bytes.len()) {
        return Err(invalid(format!(
            "compact form is {} bytes; its header describes {}",
            bytes.len(),
            expected.map_or("more than that".into(), |e| e.to_string())
        )));
    }
    let string_ends = s.u32s(2 * k + 2 * n);
    let category_flags = s.take(k);
    let item_flags = s.take(n);
    let popularity = s.take(8 * n);
    let published = s.take(8 * n);
    let category_ends = s.u32s(n);
    let item_categories = s.take(c);
    let related_ends = s.u32s(n);
    // Neighbours are read in place (no copy of the two largest sections).
    let related_targets = s.take(4 * r);
    let related_weights = s.take(4 * r);
    let next_ends = s.u32s(n);
    let next_targets = s.take(4 * x);
    let next_weights = s.take(4 * x);
    let strings = s.take(strings_len);

    // Valid UTF-8 as a whole and cut at character boundaries is the same as
    // every string valid on its own; one check instead of 2k + 2n.
    let all = std::str::from_utf8(strings).ok();
    let string = |i: usize, path: &dyn Fn() -> String| -> Result<&str> {
        let (a, b) = range(&string_ends, i, strings.len(), path)?;
        match all.and_then(|all| all.get(a..b)) {
            Some(s) => Ok(s),
            None => std::str::from_utf8(strings.get(a..b).unwrap_or(&[]))
                .map_err(|_| Error::invalid(path(), "is not valid UTF-8")),
        }
    };
    let mut builder = Builder::new(k, n);
    builder.reserve(c, 0, 0, strings_len);
    // The neighbour arrays in one pass each, checked item by item below.
    builder.bulk_edges(false, edges(related_targets, related_weights));
    builder.bulk_edges(true, edges(next_targets, next_weights));
    for i in 0..k {
        let path = || format!("catalogue.categories[{i}].id");
        let id = string(i, &path)?;
        let label = string(k + i, &|| format!("catalogue.categories[{i}].label"))?;
        let sensitive = category_flags.get(i).is_some_and(|f| f & 1 != 0);
        builder.category(i, id, label, sensitive)?;
    }
    for i in 0..n {
        builder.id(
            i,
            string(2 * k + i, &|| format!("catalogue.items[{i}].id"))?,
        )?;
    }
    for i in 0..n {
        let at = |field: &str| format!("catalogue.items[{i}].{field}");
        let flags = item_flags.get(i).copied().unwrap_or(0);
        let title = string(2 * k + n + i, &|| at("title"))?;
        if flags & HAS_TITLE == 0 && !title.is_empty() {
            return Err(Error::invalid(
                at("title"),
                format!(
                    "is {} bytes but the item's flags say it has no title",
                    title.len()
                ),
            ));
        }
        builder.title(i, (flags & HAS_TITLE != 0).then_some(title))?;
        let (a, b) = range(&category_ends, i, c, || at("categories"))?;
        if b - a > MAX_ITEM_CATEGORIES {
            return Err(Error::invalid(at("categories"), format!("more than {MAX_ITEM_CATEGORIES} entries; allowed: at most {MAX_ITEM_CATEGORIES}")));
        }
        for (j, &ci) in item_categories.get(a..b).unwrap_or(&[]).iter().enumerate() {
            builder.item_category(i, j, Target::Index(u32::from(ci)))?;
        }
        let popularity = Some(le64(popularity, i));
        let published = Some(le64(published, i)).filter(|_| flags & HAS_PUBLISHED != 0);
        builder.numbers(i, popularity, published, flags & REPEATABLE != 0)?;
        for (next, ends, total) in [(false, &related_ends, r), (true, &next_ends, x)] {
            let field = if next { "next" } else { "related" };
            let (a, b) = range(ends, i, total, || at(field))?;
            if b - a > MAX_NEIGHBOURS {
                return Err(Error::invalid(
                    at(field),
                    format!(
                        "more than {MAX_NEIGHBOURS} entries; allowed: at most {MAX_NEIGHBOURS}"
                    ),
                ));
            }
            builder.indexed_edges(i, next, a, b)?;
        }
    }
    for (what, ends, total) in [
        ("categories", &category_ends, c),
        ("related", &related_ends, r),
        ("next", &next_ends, x),
        ("strings", &string_ends, strings_len),
    ] {
        let used = ends.last().copied().unwrap_or(0) as usize;
        if used != total {
            return Err(invalid(format!(
                "the header announces {total} {what} entries but the items use {used}"
            )));
        }
    }
    Ok(builder.finish())
}

/// Targets and weights as the catalogue keeps them (-0 becomes 0, as
/// `check_number` does for JSON).
fn edges(targets: &[u8], weights: &[u8]) -> Vec<Edge> {
    targets
        .chunks_exact(4)
        .zip(weights.chunks_exact(4))
        .map(|(t, w)| Edge {
            target: le32(t),
            weight: f32::from_bits(le32(w)) + 0.0,
        })
        .collect()
}

struct Out(Vec<u8>);

impl Out {
    fn u32(&mut self, v: usize) {
        self.0.extend_from_slice(&(v as u32).to_le_bytes());
    }
}

pub(super) fn write(c: &Catalogue) -> Vec<u8> {
    let n = c.len();
    let k = c.categories.len();
    let mut strings = String::new();
    let mut ends = Vec::with_capacity(2 * k + 2 * n);
    for s in c
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .chain(c.categories.iter().map(|c| c.label.as_str()))
    {
        strings.push_str(s);
        ends.push(strings.len());
    }
    for i in 0..n as u32 {
        strings.push_str(c.id(i));
        ends.push(strings.len());
    }
    for i in 0..n as u32 {
        if c.flag(i, HAS_TITLE) {
            strings.push_str(c.title(i));
        }
        ends.push(strings.len());
    }
    let mut o = Out(Vec::new());
    o.0.extend_from_slice(MAGIC);
    for v in [
        k,
        n,
        c.item_categories.len(),
        c.related.len(),
        c.next.len(),
        strings.len(),
    ] {
        o.u32(v);
    }
    for e in ends {
        o.u32(e);
    }
    o.0.extend(c.categories.iter().map(|c| u8::from(c.sensitive)));
    for i in 0..n as u32 {
        let published = if c.published_at(i).is_some() {
            HAS_PUBLISHED
        } else {
            0
        };
        o.0.push(c.flags.get(i as usize).copied().unwrap_or(0) | published);
    }
    for i in 0..n as u32 {
        o.0.extend_from_slice(&c.popularity(i).to_le_bytes());
    }
    for i in 0..n as u32 {
        o.0.extend_from_slice(&c.published_at(i).unwrap_or(0.0).to_le_bytes());
    }
    for &e in c.category_offsets.iter().skip(1) {
        o.u32(e as usize);
    }
    o.0.extend(c.item_categories.iter().map(|&ci| ci as u8));
    for (offsets, edges) in [(&c.related_offsets, &c.related), (&c.next_offsets, &c.next)] {
        for &e in offsets.iter().skip(1) {
            o.u32(e as usize);
        }
        for e in edges.iter() {
            o.u32(e.target as usize);
        }
        for e in edges.iter() {
            o.0.extend_from_slice(&e.weight.to_le_bytes());
        }
    }
    o.0.extend_from_slice(strings.as_bytes());
    o.0
}
