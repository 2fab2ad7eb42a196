//! The compact catalogue: the same content as the JSON form, as packed
//! little-endian arrays, so that loading is copying and checking rather than
//! parsing, and the download is a fraction of the JSON's size. It is validated
//! by the same `Builder` as JSON (same limits, same messages, same warnings
//! for self and repeated references); only references are by index here, so
//! an index out of range is an error instead of a dropped unknown id.
//!
//! Two versions are read. Version 1 (`ODC1`) keeps every number exact (f32
//! weights, u32 targets and ends). Version 2 (`ODC2`) is made for the wire:
//! neighbour weights quantized to 8 or 16 bits and delta-coded within each
//! list, targets as LEB128 varints, per-item counts instead of cumulative
//! ends, string lengths as u16, and the site's `weights`. `COMPACT.md` at the
//! repository's root documents every byte of both.
//!
//! Every error that a damaged file can cause names the section and the byte
//! offset (besides the field path, as for JSON).

use super::builder::{le32, site_weights, Builder, Target};
use super::{Catalogue, Edge, Warning, HAS_TITLE, REPEATABLE};
use crate::core::error::{Error, Result};
use crate::core::limits::{
    MAX_CATALOGUE_BYTES, MAX_CATEGORIES, MAX_ITEMS, MAX_ITEM_CATEGORIES, MAX_NEIGHBOURS,
};
use crate::core::weights::SITE_WEIGHTS;

/// What every compact catalogue starts with; the fourth byte is the version.
pub const MAGIC: &[u8; 3] = b"ODC";
pub(super) const HAS_PUBLISHED: u8 = 4;

/// How a compact catalogue is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactForm {
    /// Version 1: every number exact (f32 weights), fixed-width arrays.
    Version1,
    /// Version 2 with neighbour weights quantized to 8 bits: the largest
    /// rounding error is 1/510 of the list type's largest weight.
    Weights8,
    /// Version 2 with 16-bit weights: at most 1/131,070 of the largest weight.
    Weights16,
}

fn invalid(message: impl std::fmt::Display) -> Error {
    Error::invalid("catalogue", message)
}

/// `e` with where in the file it was found.
#[cold]
#[inline(never)]
fn located(e: Error, section: &str, at: usize) -> Error {
    match e {
        Error::Invalid { path, message } => Error::invalid(
            path,
            format!("{message} (compact form: section {section}, byte {at})"),
        ),
        e => e,
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

/// The sections after the header, in order (a section a version does not
/// have is empty).
const SCALES: usize = 0;
const SITE: usize = 1;
const STRING_ENDS: usize = 2;
const CATEGORY_FLAGS: usize = 3;
const ITEM_FLAGS: usize = 4;
const POPULARITY: usize = 5;
const PUBLISHED: usize = 6;
const CATEGORY_ENDS: usize = 7;
const ITEM_CATEGORIES: usize = 8;
/// The related sections (ends, targets, weights); next's follow at +3.
const RELATED: usize = 9;
const NEXT: usize = RELATED + 3;
const STRINGS: usize = 15;

/// The cumulative ends of entries `width` bytes wide: u32 ends as they are
/// (version 1), or the running sum of u8 counts or u16 lengths (version 2).
fn ends(section: &[u8], width: usize, v2: bool) -> Vec<u32> {
    let mut sum = 0u32;
    let mut out = Vec::with_capacity(section.len() / width);
    for c in section.chunks_exact(width) {
        let v = match c {
            [a] => u32::from(*a),
            [a, b] => u32::from(*a) | u32::from(*b) << 8,
            c => le32(c),
        };
        sum = if v2 { sum.saturating_add(v) } else { v };
        out.push(sum);
    }
    out
}

/// A neighbour section of version 2: targets as three planes (low, middle,
/// high byte of each index), and weights as `bits`-wide steps of `scale`
/// (planes of low, then high bytes for 16 bits), each the wrapping
/// difference from the previous weight of its list (lists end at `ends`).
fn v2_edges(targets: &[u8], weights: &[u8], ends: &[u32], bits: usize, scale: f32) -> Vec<Edge> {
    let total = targets.len() / 3;
    let byte = |plane: &[u8], p: usize, e: usize| {
        u32::from(plane.get(p * total + e).copied().unwrap_or(0))
    };
    let (mut list, mut q) = (0, 0u32);
    let mut out = Vec::with_capacity(total);
    for e in 0..total {
        while ends.get(list).is_some_and(|&end| end as usize <= e) {
            list += 1;
            q = 0;
        }
        let mut d = byte(weights, 0, e);
        if bits == 16 {
            d |= byte(weights, 1, e) << 8;
        }
        q = q.wrapping_add(d) & ((1 << bits) - 1);
        out.push(Edge {
            target: byte(targets, 0, e) | byte(targets, 1, e) << 8 | byte(targets, 2, e) << 16,
            weight: q as f32 * scale + 0.0,
        });
    }
    out
}

/// The names of the sections, as errors give them (version 2; version 1
/// has "ends" where version 2 has "counts" and "lengths").
const NAMES: [&str; 16] = [
    "scales",
    "site weights",
    "string lengths",
    "category flags",
    "item flags",
    "popularity",
    "published",
    "category counts",
    "item categories",
    "related counts",
    "related targets",
    "related weights",
    "next counts",
    "next targets",
    "next weights",
    "strings",
];

/// `e` located in section `s` of a file of version 2 or 1.
#[cold]
#[inline(never)]
fn in_section(e: Error, v2: bool, s: usize, at: usize) -> Error {
    let name = match (v2, s) {
        (false, STRING_ENDS) => "string ends",
        (false, CATEGORY_ENDS) => "category ends",
        (false, RELATED) => "related ends",
        (false, NEXT) => "next ends",
        _ => NAMES.get(s).copied().unwrap_or("strings"),
    };
    located(e, name, at)
}

pub(super) fn read(bytes: &[u8]) -> Result<(Catalogue, Vec<Warning>)> {
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(invalid(format!(
            "is {} bytes; allowed: at most {MAX_CATALOGUE_BYTES}",
            bytes.len()
        )));
    }
    let v2 = match bytes.get(..4) {
        Some(b"ODC1") => false,
        Some(b"ODC2") => true,
        _ => return Err(invalid("is not a compact catalogue (it does not start with \"ODC1\" or \"ODC2\"); a JSON catalogue is passed as an object or a string")),
    };
    let header_len = if v2 { 36 } else { 28 };
    let Some(header) = bytes.get(4..header_len) else {
        return Err(invalid(format!(
            "compact form ends inside the header (needs {header_len} bytes, has {})",
            bytes.len()
        )));
    };
    let header: Vec<usize> = header.chunks_exact(4).map(|c| le32(c) as usize).collect();
    let count = |i: usize| header.get(i).copied().unwrap_or(0);
    let (k, n, c, r, x, strings_len) = (count(0), count(1), count(2), count(3), count(4), count(5));
    // Version 1: targets are u32, weights f32; version 2 says.
    let (site, bits) = if v2 { (count(6), count(7)) } else { (0, 32) };
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
    if v2 && bits != 8 && bits != 16 {
        return Err(located(
            invalid(format!("weights are {bits} bits wide; allowed: 8 or 16")),
            "header",
            32,
        ));
    }
    if site >> SITE_WEIGHTS.len() != 0 {
        return Err(located(
            Error::invalid(
                "catalogue.weights",
                format!("mask {site} sets unknown weights"),
            ),
            "header",
            28,
        ));
    }
    // Widths of a string end or length, of an item's end or count, of a
    // target, of a weight.
    let (sw, iw, tw, ww) = if v2 {
        (2, 1, 3, bits / 8)
    } else {
        (4, 4, 4, 4)
    };
    let lens = [
        if v2 { 8 } else { 0 },
        8 * site.count_ones() as usize,
        sw * (2 * k + 2 * n),
        k,
        n,
        8 * n,
        8 * n,
        iw * n,
        c,
        iw * n,
        r.saturating_mul(tw),
        r.saturating_mul(ww),
        iw * n,
        x.saturating_mul(tw),
        x.saturating_mul(ww),
        strings_len,
    ];
    // Where each section starts, and the exact size the header implies,
    // before anything is allocated.
    let mut starts = [0usize; 16];
    let mut end = header_len;
    for (s, &len) in starts.iter_mut().zip(&lens) {
        *s = end;
        end = end.saturating_add(len);
    }
    if end != bytes.len() {
        return Err(size_error(v2, &starts, end, bytes.len()));
    }
    let start = |s: usize| starts.get(s).copied().unwrap_or(0);
    let sec = |s: usize| {
        lens.get(s)
            .and_then(|&len| bytes.get(start(s)..start(s) + len))
            .unwrap_or(&[])
    };
    let string_ends = ends(sec(STRING_ENDS), sw, v2);
    let category_ends = ends(sec(CATEGORY_ENDS), iw, v2);
    let list_ends = [ends(sec(RELATED), iw, v2), ends(sec(RELATED + 3), iw, v2)];
    let (category_flags, item_flags) = (sec(CATEGORY_FLAGS), sec(ITEM_FLAGS));
    let (popularity, published) = (sec(POPULARITY), sec(PUBLISHED));
    let item_categories = sec(ITEM_CATEGORIES);
    let strings = sec(STRINGS);
    let mut builder = Builder::new(k, n);
    builder.reserve(c, 0, 0, strings_len);
    // The neighbour arrays in one pass each, checked item by item below.
    for (next, s, ends) in [
        (false, RELATED, &list_ends[0]),
        (true, RELATED + 3, &list_ends[1]),
    ] {
        let (targets, weights) = (sec(s + 1), sec(s + 2));
        let edges = if v2 {
            let scale = sec(SCALES).get(4 * usize::from(next)..).unwrap_or(&[]);
            let scale = f32::from_bits(le32(scale.get(..4).unwrap_or(&[])));
            v2_edges(targets, weights, ends, bits, scale)
        } else {
            edges(targets, weights)
        };
        builder.bulk_edges(next, edges);
    }
    // The section and byte being read, for errors.
    let mut at = (STRINGS, starts[STRINGS]);
    let mut body = || -> Result<()> {
        // Valid UTF-8 as a whole and cut at character boundaries is the same
        // as every string valid on its own; one check instead of 2k + 2n.
        let all = std::str::from_utf8(strings).ok();
        let string = |i: usize, path: &dyn Fn() -> String, at: &mut (usize, usize)| {
            *at = (STRING_ENDS, starts[STRING_ENDS] + sw * i);
            let (a, b) = range(&string_ends, i, strings.len(), path)?;
            *at = (STRINGS, starts[STRINGS] + a);
            match all.and_then(|all| all.get(a..b)) {
                Some(s) => Ok(s),
                None => std::str::from_utf8(strings.get(a..b).unwrap_or(&[]))
                    .map_err(|_| Error::invalid(path(), "is not valid UTF-8")),
            }
        };
        for i in 0..k {
            let id = string(i, &|| format!("catalogue.categories[{i}].id"), &mut at)?;
            let label = string(
                k + i,
                &|| format!("catalogue.categories[{i}].label"),
                &mut at,
            )?;
            let sensitive = category_flags.get(i).is_some_and(|f| f & 1 != 0);
            builder.category(i, id, label, sensitive)?;
        }
        for i in 0..n {
            let id = string(2 * k + i, &|| format!("catalogue.items[{i}].id"), &mut at)?;
            builder.id(i, id)?;
        }
        for i in 0..n {
            let item = |field: &str| format!("catalogue.items[{i}].{field}");
            let flags = item_flags.get(i).copied().unwrap_or(0);
            let title = string(2 * k + n + i, &|| item("title"), &mut at)?;
            if flags & HAS_TITLE == 0 && !title.is_empty() {
                at = (ITEM_FLAGS, starts[ITEM_FLAGS] + i);
                return Err(Error::invalid(
                    item("title"),
                    format!(
                        "is {} bytes but the item's flags say it has no title",
                        title.len()
                    ),
                ));
            }
            builder.title(i, (flags & HAS_TITLE != 0).then_some(title))?;
            at = (CATEGORY_ENDS, starts[CATEGORY_ENDS] + iw * i);
            let (a, b) = range(&category_ends, i, c, || item("categories"))?;
            if b - a > MAX_ITEM_CATEGORIES {
                return Err(Error::invalid(item("categories"), format!("more than {MAX_ITEM_CATEGORIES} entries; allowed: at most {MAX_ITEM_CATEGORIES}")));
            }
            for (j, &ci) in item_categories.get(a..b).unwrap_or(&[]).iter().enumerate() {
                at = (ITEM_CATEGORIES, starts[ITEM_CATEGORIES] + a + j);
                builder.item_category(i, j, Target::Index(u32::from(ci)))?;
            }
            let popularity = Some(le64(popularity, i));
            let published = Some(le64(published, i)).filter(|_| flags & HAS_PUBLISHED != 0);
            at = (POPULARITY, starts[POPULARITY] + 8 * i);
            builder
                .numbers(i, popularity, published, flags & REPEATABLE != 0)
                .inspect_err(|e| {
                    if e.path().ends_with("publishedAt") {
                        at = (PUBLISHED, starts[PUBLISHED] + 8 * i);
                    }
                })?;
            for ((next, s, total), ends) in [(false, RELATED, r), (true, NEXT, x)]
                .into_iter()
                .zip(&list_ends)
            {
                let field = if next { "next" } else { "related" };
                at = (s, start(s) + iw * i);
                let (a, b) = range(ends, i, total, || item(field))?;
                if b - a > MAX_NEIGHBOURS {
                    return Err(Error::invalid(
                        item(field),
                        format!(
                            "more than {MAX_NEIGHBOURS} entries; allowed: at most {MAX_NEIGHBOURS}"
                        ),
                    ));
                }
                builder.indexed_edges(i, next, a, b).inspect_err(|e| {
                    let entry = builder.bad_entry;
                    // Version 2's planes: the entry's low byte.
                    let (s, width) = if e.path().ends_with(".weight") {
                        (s + 2, ww)
                    } else {
                        (s + 1, tw)
                    };
                    at = (s, start(s) + if v2 { entry } else { width * entry });
                })?;
            }
        }
        for (s, ends, total) in [
            (CATEGORY_ENDS, &category_ends, c),
            (RELATED, &list_ends[0], r),
            (RELATED + 3, &list_ends[1], x),
            (STRING_ENDS, &string_ends, strings_len),
        ] {
            let used = ends.last().copied().unwrap_or(0) as usize;
            if used != total {
                at = (s, start(s));
                return Err(invalid(format!(
                    "the header announces {total} entries but the section adds up to {used}"
                )));
            }
        }
        Ok(())
    };
    body().map_err(|e| in_section(e, v2, at.0, at.1))?;
    let (mut catalogue, warnings) = builder.finish();
    if site != 0 {
        let set: Vec<(usize, f64)> = (0..SITE_WEIGHTS.len())
            .filter(|k| site >> k & 1 != 0)
            .enumerate()
            .map(|(j, k)| (k, le64(sec(SITE), j)))
            .collect();
        let w =
            site_weights(&set).map_err(|(j, e)| in_section(e, v2, SITE, starts[SITE] + 8 * j))?;
        catalogue.weights = Some(w);
    }
    Ok((catalogue, warnings))
}

/// The error for a file whose length is not what its header describes:
/// which section it ends inside, or how much follows the last one.
#[cold]
#[inline(never)]
fn size_error(v2: bool, starts: &[usize; 16], expected: usize, len: usize) -> Error {
    let (what, s) = if len > expected {
        (
            format!("{} bytes follow the last section", len - expected),
            STRINGS,
        )
    } else {
        let s = starts.iter().rposition(|&start| start <= len).unwrap_or(0);
        ("it ends inside a section".into(), s)
    };
    in_section(
        invalid(format!(
            "compact form is {len} bytes; its header describes {expected}: {what}"
        )),
        v2,
        s,
        len.min(expected),
    )
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
