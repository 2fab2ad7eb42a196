//! The site's catalogue: untrusted input, validated with path-named errors,
//! then interned into flat arrays that the ranking loop reads without
//! allocating: ids and titles in one string each with offsets, an
//! open-addressing id index, category indices, neighbour lists as offsets into
//! one array, and `ln(1 + popularity)` computed once here instead of per rank.
//!
//! Two input forms share one validation (`Builder`): JSON (read by
//! `json::Reader` in two passes: the document into spans, then the checks)
//! and the compact binary form (`compact.rs`).

use serde::Serialize;

use super::error::{Error, Result};
use super::json::{display_f64, same, Fields, JsonResult, Reader};
use super::limits::*;
use super::weights::{Weights, SITE_WEIGHTS, SITE_WEIGHT_NAMES};

/// The only catalogue format version this build reads.
pub const CATALOGUE_VERSION: u32 = 1;

/// A category as the site declared it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub sensitive: bool,
}

/// One directed, weighted link to another item (`related` or `next`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub target: u32,
    pub weight: f32,
}

/// Something in the catalogue that was accepted but not used, with how often.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub code: &'static str,
    pub count: usize,
    pub message: String,
    /// The first few paths where it happened.
    pub examples: Vec<String>,
}

const WARNING_EXAMPLES: usize = 5;

const REPEATABLE: u8 = 1;
const HAS_TITLE: u8 = 2;

/// A validated catalogue. Items are addressed by their index (catalogue order).
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    categories: Vec<Category>,
    category_index: IdIndex,
    ids: String,
    id_offsets: Vec<u32>,
    titles: String,
    title_offsets: Vec<u32>,
    index: IdIndex,
    item_categories: Vec<u16>,
    category_offsets: Vec<u32>,
    popularity: Vec<f64>,
    /// `ln(1 + popularity)`, the popularity signal before normalisation.
    log_popularity: Vec<f64>,
    /// NaN when the item has no `publishedAt` (valid times are finite).
    published_at: Vec<f64>,
    flags: Vec<u8>,
    related: Vec<Edge>,
    related_offsets: Vec<u32>,
    next: Vec<Edge>,
    next_offsets: Vec<u32>,
    max_popularity: f64,
    /// The site's ranking weights (`"weights"`), if it set any.
    weights: Option<Weights>,
}

impl Catalogue {
    /// The site's ranking weights, if the catalogue sets any (`"weights"`);
    /// fields it leaves out keep `Weights::DEFAULT`.
    pub fn weights(&self) -> Option<&Weights> {
        self.weights.as_ref()
    }

    /// Parses and validates a catalogue document. On error nothing is kept.
    pub fn from_json(json: &str) -> Result<(Catalogue, Vec<Warning>)> {
        if json.len() > MAX_CATALOGUE_BYTES {
            return Err(Error::invalid(
                "catalogue",
                format!(
                    "is {} bytes; allowed: at most {MAX_CATALOGUE_BYTES}",
                    json.len()
                ),
            ));
        }
        Self::from_json_of_any_size(json)
    }

    /// `from_json` without the limit on the text's size, for the aggregates
    /// builder: it writes the compact form of catalogues whose JSON would be
    /// too large to send. Every other limit and check is the same.
    pub fn from_json_of_any_size(json: &str) -> Result<(Catalogue, Vec<Warning>)> {
        let raw = RawCatalogue::read(json).map_err(|e| e.into_error("catalogue"))?;
        raw.build()
    }

    /// Parses and validates the compact binary form (see `compact.rs`).
    pub fn from_compact(bytes: &[u8]) -> Result<(Catalogue, Vec<Warning>)> {
        compact::read(bytes)
    }

    /// The compact binary form of this catalogue (for the aggregates builder
    /// and for tests). Loading it gives back an equal catalogue, with
    /// neighbour weights rounded as `form` says.
    pub fn to_compact(&self, form: CompactForm) -> Vec<u8> {
        compact::write(self, form)
    }

    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn category(&self, id: &str) -> Option<u16> {
        let found = self.category_index.find(id.as_bytes(), |c| {
            self.categories
                .get(c as usize)
                .map_or(&[][..], |c| c.id.as_bytes())
        })?;
        u16::try_from(found).ok()
    }

    pub fn category_at(&self, c: u16) -> Option<&Category> {
        self.categories.get(usize::from(c))
    }

    pub fn item(&self, id: &str) -> Option<u32> {
        self.index.find(id.as_bytes(), |i| {
            slice(self.ids.as_bytes(), &self.id_offsets, i)
        })
    }

    pub fn id(&self, i: u32) -> &str {
        text(&self.ids, &self.id_offsets, i)
    }

    /// The title, or the id when the catalogue gave none.
    pub fn title(&self, i: u32) -> &str {
        if self.flag(i, HAS_TITLE) {
            text(&self.titles, &self.title_offsets, i)
        } else {
            self.id(i)
        }
    }

    #[inline(always)]
    pub fn item_categories(&self, i: u32) -> &[u16] {
        slice(&self.item_categories, &self.category_offsets, i)
    }

    #[inline(always)]
    pub fn related(&self, i: u32) -> &[Edge] {
        slice(&self.related, &self.related_offsets, i)
    }

    #[inline(always)]
    pub fn next(&self, i: u32) -> &[Edge] {
        slice(&self.next, &self.next_offsets, i)
    }

    pub fn popularity(&self, i: u32) -> f64 {
        self.popularity.get(i as usize).copied().unwrap_or(0.0)
    }

    /// `ln(1 + popularity)`, exactly as `(1.0 + popularity).ln()`.
    #[inline(always)]
    pub fn log_popularity(&self, i: u32) -> f64 {
        self.log_popularity.get(i as usize).copied().unwrap_or(0.0)
    }

    #[inline(always)]
    pub fn published_at(&self, i: u32) -> Option<f64> {
        self.published_at
            .get(i as usize)
            .copied()
            .filter(|t| !t.is_nan())
    }

    #[inline(always)]
    pub fn repeatable(&self, i: u32) -> bool {
        self.flag(i, REPEATABLE)
    }

    #[inline(always)]
    fn flag(&self, i: u32, bit: u8) -> bool {
        self.flags.get(i as usize).is_some_and(|f| f & bit != 0)
    }

    pub fn max_popularity(&self) -> f64 {
        self.max_popularity
    }

    pub fn known_categories(&self) -> String {
        let mut s = String::new();
        for c in self.categories.iter().take(20) {
            if !s.is_empty() {
                s.push_str(", ");
            }
            s.push_str(&c.id);
        }
        if self.categories.len() > 20 {
            s.push_str(&format!(", … ({} in all)", self.categories.len()));
        }
        if s.is_empty() {
            s.push_str("(none)");
        }
        s
    }
}

#[inline]
fn slice<'a, T>(data: &'a [T], offsets: &[u32], i: u32) -> &'a [T] {
    let i = i as usize;
    match (offsets.get(i), offsets.get(i + 1)) {
        (Some(&a), Some(&b)) => data.get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}

fn text<'a>(data: &'a str, offsets: &[u32], i: u32) -> &'a str {
    let i = i as usize;
    match (offsets.get(i), offsets.get(i + 1)) {
        (Some(&a), Some(&b)) => data.get(a as usize..b as usize).unwrap_or(""),
        _ => "",
    }
}

/// Open-addressing hash index from a string key to an index (item or
/// category). Keys are not stored twice: the table holds `index + 1` and the
/// caller resolves an index to its key's bytes (no `str` boundary checks on
/// the hot path of loading). FNV-1a, linear probing, load <= 1/2.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    slots: Vec<u32>,
}

fn fnv1a(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdIndex {
            slots: vec![0; (2 * n).next_power_of_two().max(16)],
        }
    }

    fn start(&self, key: &[u8]) -> usize {
        let h = fnv1a(key);
        ((h ^ (h >> 29)) as usize) & (self.slots.len().wrapping_sub(1))
    }

    /// Finds `key`; `key_of` returns the key of a stored index.
    pub(crate) fn find<'k>(&self, key: &[u8], key_of: impl Fn(u32) -> &'k [u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut p = self.start(key);
        loop {
            match self.slots.get(p).copied() {
                None | Some(0) => return None,
                Some(slot) if same(key_of(slot - 1), key) => return Some(slot - 1),
                Some(_) => p = (p + 1) & mask,
            }
        }
    }

    /// Inserts `index` under `key`, or returns the index already there.
    pub(crate) fn insert<'k>(
        &mut self,
        key: &[u8],
        index: u32,
        key_of: impl Fn(u32) -> &'k [u8],
    ) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut p = self.start(key);
        loop {
            match self.slots.get_mut(p) {
                None => return None,
                Some(slot @ 0) => {
                    *slot = index + 1;
                    return None;
                }
                Some(slot) if same(key_of(*slot - 1), key) => return Some(*slot - 1),
                Some(_) => p = (p + 1) & mask,
            }
        }
    }
}

/// Collects validated pieces in catalogue order and runs every check that
/// both input forms share, with the same messages and paths.
pub(crate) struct Builder {
    c: Catalogue,
    /// Items in the catalogue (neighbour indices must be below).
    items: u32,
    dropped: WarningCounter,
    self_refs: WarningCounter,
    repeated: WarningCounter,
    marks: Marks,
    /// The entry of the neighbour array that `indexed_edges` refused.
    pub(crate) bad_entry: usize,
}

/// Where a neighbour points, before it is resolved.
pub(crate) enum Target<'a> {
    Id(&'a str),
    Index(u32),
}

impl Builder {
    pub(crate) fn new(categories: usize, items: usize) -> Builder {
        let c = Catalogue {
            categories: Vec::with_capacity(categories),
            category_index: IdIndex::with_capacity(categories),
            ids: String::new(),
            id_offsets: Vec::with_capacity(items + 1),
            titles: String::new(),
            title_offsets: Vec::with_capacity(items + 1),
            index: IdIndex::with_capacity(items),
            item_categories: Vec::with_capacity(items * 2),
            category_offsets: Vec::with_capacity(items + 1),
            popularity: Vec::with_capacity(items),
            log_popularity: Vec::with_capacity(items),
            published_at: Vec::with_capacity(items),
            flags: Vec::with_capacity(items),
            related: Vec::new(),
            related_offsets: Vec::with_capacity(items + 1),
            next: Vec::new(),
            next_offsets: Vec::with_capacity(items + 1),
            max_popularity: 0.0,
            weights: None,
        };
        Builder {
            c,
            items: items as u32,
            dropped: WarningCounter::new(
                "unknownReference",
                "references to items not in the catalogue were dropped",
            ),
            self_refs: WarningCounter::new(
                "selfReference",
                "items listing themselves as a neighbour were dropped",
            ),
            repeated: WarningCounter::new(
                "duplicateReference",
                "repeated neighbours in one list were dropped (the first is kept)",
            ),
            marks: Marks::new(items),
            bad_entry: 0,
        }
    }

    /// Room for what the input announces (category entries, related and next
    /// entries, bytes of ids), so that the big arrays grow once.
    pub(crate) fn reserve(
        &mut self,
        categories: usize,
        related: usize,
        next: usize,
        id_bytes: usize,
    ) {
        self.c.item_categories.reserve(categories);
        self.c.related.reserve(related);
        self.c.next.reserve(next);
        self.c.ids.reserve(id_bytes);
    }

    pub(crate) fn category(
        &mut self,
        i: usize,
        id: &str,
        label: &str,
        sensitive: bool,
    ) -> Result<()> {
        let path = || format!("catalogue.categories[{i}]");
        check_id(id).map_err(|m| Error::invalid(format!("{}.id", path()), m))?;
        if label.is_empty() || label.len() > MAX_LABEL_BYTES {
            return Err(Error::invalid(
                format!("{}.label", path()),
                format!("is {} bytes; allowed: 1 to {MAX_LABEL_BYTES}", label.len()),
            ));
        }
        let cats = &self.c.categories;
        // i < MAX_CATEGORIES (256), enforced while parsing.
        if let Some(first) = self.c.category_index.insert(id.as_bytes(), i as u32, |c| {
            cats.get(c as usize).map_or(&[][..], |c| c.id.as_bytes())
        }) {
            return Err(Error::invalid(
                format!("{}.id", path()),
                format!(
                    "duplicate id {}; first used by categories[{first}]",
                    quote(id)
                ),
            ));
        }
        self.c.categories.push(Category {
            id: id.to_string(),
            label: label.to_string(),
            sensitive,
        });
        Ok(())
    }

    /// Item ids come first, all of them, so that neighbours can refer forward.
    pub(crate) fn id(&mut self, i: usize, id: &str) -> Result<()> {
        let path = || format!("catalogue.items[{i}].id");
        // `check_id`'s rule, byte by byte (the slow path builds the message).
        if id.is_empty() || id.len() > MAX_ID_BYTES || !id.bytes().all(|b| b.is_ascii_graphic()) {
            check_id(id).map_err(|m| Error::invalid(path(), m))?;
        }
        let (ids, offsets) = (&self.c.ids, &self.c.id_offsets);
        // n <= MAX_ITEMS < u32::MAX, so the index fits.
        if let Some(first) = self.c.index.insert(id.as_bytes(), i as u32, |j| {
            slice(ids.as_bytes(), offsets, j)
        }) {
            return Err(Error::invalid(
                path(),
                format!("duplicate id {}; first used by items[{first}]", quote(id)),
            ));
        }
        if self.c.id_offsets.is_empty() {
            self.c.id_offsets.push(0);
        }
        self.c.ids.push_str(id);
        self.c.id_offsets.push(self.c.ids.len() as u32);
        Ok(())
    }

    fn at(i: usize, field: &str) -> String {
        format!("catalogue.items[{i}].{field}")
    }

    /// `catalogue.items[i].related[j]` (or `next`).
    #[inline(never)]
    fn edge_path(i: usize, next: bool, j: usize) -> String {
        format!(
            "catalogue.items[{i}].{}[{j}]",
            if next { "next" } else { "related" }
        )
    }

    pub(crate) fn title(&mut self, i: usize, title: Option<&str>) -> Result<()> {
        if self.c.title_offsets.is_empty() {
            self.c.title_offsets.push(0);
        }
        let mut flags = 0;
        if let Some(title) = title {
            if title.len() > MAX_TITLE_BYTES {
                return Err(Error::invalid(
                    Self::at(i, "title"),
                    format!(
                        "is {} bytes; allowed: at most {MAX_TITLE_BYTES}",
                        title.len()
                    ),
                ));
            }
            self.c.titles.push_str(title);
            flags = HAS_TITLE;
        }
        self.c.title_offsets.push(self.c.titles.len() as u32);
        self.c.flags.push(flags);
        Ok(())
    }

    /// One category of item `i` (the `j`-th), by id or by index.
    pub(crate) fn item_category(&mut self, i: usize, j: usize, category: Target) -> Result<()> {
        let path = || Self::at(i, &format!("categories[{j}]"));
        let ci = match category {
            Target::Id(id) => self.c.category(id).ok_or_else(|| {
                Error::invalid(
                    path(),
                    format!(
                        "unknown category {}; known: {}",
                        quote(id),
                        self.c.known_categories()
                    ),
                )
            })?,
            Target::Index(ci) => match u16::try_from(ci) {
                Ok(ci) if usize::from(ci) < self.c.categories.len() => ci,
                _ => {
                    return Err(Error::invalid(
                        path(),
                        format!(
                            "category index {ci} is out of range; there are {} categories",
                            self.c.categories.len()
                        ),
                    ))
                }
            },
        };
        let start = self.c.category_offsets.last().copied().unwrap_or(0) as usize;
        if self
            .c
            .item_categories
            .get(start..)
            .unwrap_or(&[])
            .contains(&ci)
        {
            let shown = self.c.category_at(ci).map_or("", |c| c.id.as_str());
            return Err(Error::invalid(
                path(),
                format!("category {} is listed twice", quote(shown)),
            ));
        }
        self.c.item_categories.push(ci);
        Ok(())
    }

    /// Popularity, publication time and the repeatable flag of item `i`;
    /// closes its category list.
    pub(crate) fn numbers(
        &mut self,
        i: usize,
        popularity: Option<f64>,
        published: Option<f64>,
        repeatable: bool,
    ) -> Result<()> {
        if self.c.category_offsets.is_empty() {
            self.c.category_offsets.push(0);
        }
        self.c
            .category_offsets
            .push(self.c.item_categories.len() as u32);
        let popularity = match popularity {
            Some(p) => check_number(|| Self::at(i, "popularity"), p, MAX_NUMBER)?,
            None => 0.0,
        };
        let published = match published {
            // Before 1970 is fine (old films and books): negative ms.
            Some(t) if t.is_finite() && t.abs() <= MAX_TIMESTAMP_MS => t + 0.0,
            Some(t) => {
                let max = display_f64(MAX_TIMESTAMP_MS);
                return Err(Error::invalid(
                    Self::at(i, "publishedAt"),
                    format!(
                        "{} is out of range; allowed: ms since 1970 from -{max} to {max}",
                        display_f64(t)
                    ),
                ));
            }
            None => f64::NAN,
        };
        self.c.popularity.push(popularity);
        self.c.log_popularity.push((1.0 + popularity).ln());
        self.c.max_popularity = self.c.max_popularity.max(popularity);
        self.c.published_at.push(published);
        if repeatable {
            if let Some(f) = self.c.flags.last_mut() {
                *f |= REPEATABLE;
            }
        }
        Ok(())
    }

    /// The `related` (`next == false`) or `next` list of item `i`, by id.
    /// Weights are checked in order; unknown, self and repeated references
    /// are dropped and counted as warnings.
    pub(crate) fn edges<'t>(
        &mut self,
        i: usize,
        next: bool,
        edges: impl Iterator<Item = (&'t str, f64)>,
    ) -> Result<()> {
        let me = i as u32;
        let (out, offsets) = if next {
            (&mut self.c.next, &mut self.c.next_offsets)
        } else {
            (&mut self.c.related, &mut self.c.related_offsets)
        };
        if offsets.is_empty() {
            offsets.push(0);
        }
        let start = out.len();
        self.marks.next_list();
        for (j, (id, weight)) in edges.enumerate() {
            let path = || Self::edge_path(i, next, j);
            let w = check_number(|| format!("{}.weight", path()), weight, MAX_NUMBER)?;
            let Some(t) = self.c.index.find(id.as_bytes(), |k| {
                slice(self.c.ids.as_bytes(), &self.c.id_offsets, k)
            }) else {
                self.dropped.add(format!("{}.id {}", path(), quote(id)));
                continue;
            };
            if t == me {
                self.self_refs.add(path());
            } else if self.marks.repeated(t, out.get(start..).unwrap_or(&[])) {
                self.repeated.add(path());
            } else {
                out.push(Edge {
                    target: t,
                    weight: w as f32,
                });
            }
        }
        offsets.push(out.len() as u32);
        Ok(())
    }

    /// Installs a whole neighbour array read in bulk (the compact form's
    /// sections); `indexed_edges` then checks each item's part of it in place.
    pub(crate) fn bulk_edges(&mut self, next: bool, edges: Vec<Edge>) {
        *if next {
            &mut self.c.next
        } else {
            &mut self.c.related
        } = edges;
    }

    /// Like `edges`, over entries `a..b` of the array that `bulk_edges`
    /// installed, where targets are item indices: the same checks and
    /// messages, but an index out of range is an error. Self and repeated
    /// references are dropped by moving the kept entries down (in place:
    /// kept entries never move up, and when nothing is dropped nothing moves).
    pub(crate) fn indexed_edges(&mut self, i: usize, next: bool, a: usize, b: usize) -> Result<()> {
        let (n, me) = (self.items, i as u32);
        let (out, offsets) = if next {
            (&mut self.c.next, &mut self.c.next_offsets)
        } else {
            (&mut self.c.related, &mut self.c.related_offsets)
        };
        if offsets.is_empty() {
            offsets.push(0);
        }
        // The kept entries so far end at `start`, at or before `a`.
        let start = offsets.last().copied().unwrap_or(0) as usize;
        let Some(list) = out.get_mut(start..b) else {
            return Ok(());
        };
        let skip = a - start.min(a);
        let mut write = 0;
        self.marks.next_list();
        for read in skip..list.len() {
            let Some(&e) = list.get(read) else { break };
            // `check_number` in f64, as for JSON: NaN fails both comparisons.
            if !(f64::from(e.weight) >= 0.0 && f64::from(e.weight) <= MAX_NUMBER) || e.target >= n {
                self.bad_entry = start + read;
                return Err(Self::bad_edge(i, next, read - skip, e, n));
            }
            if e.target == me
                || self
                    .marks
                    .repeated(e.target, list.get(..write).unwrap_or(&[]))
            {
                let counter = if e.target == me {
                    &mut self.self_refs
                } else {
                    &mut self.repeated
                };
                counter.add(Self::edge_path(i, next, read - skip));
                continue;
            }
            if write != read {
                if let Some(slot) = list.get_mut(write) {
                    *slot = e;
                }
            }
            write += 1;
        }
        offsets.push((start + write) as u32);
        Ok(())
    }

    /// The error for entry `j` of a compact list (the weight is checked
    /// first, as in `edges`).
    #[cold]
    #[inline(never)]
    fn bad_edge(i: usize, next: bool, j: usize, e: Edge, n: u32) -> Error {
        let path = Self::edge_path(i, next, j);
        match check_number(|| format!("{path}.weight"), f64::from(e.weight), MAX_NUMBER) {
            Err(error) => error,
            Ok(_) => Error::invalid(
                format!("{path}.target"),
                format!(
                    "item index {} is out of range; there are {n} items",
                    e.target
                ),
            ),
        }
    }

    pub(crate) fn finish(self) -> (Catalogue, Vec<Warning>) {
        let warnings = [self.dropped, self.self_refs, self.repeated]
            .into_iter()
            .filter_map(WarningCounter::finish)
            .collect();
        let mut c = self.c;
        for offsets in [
            &mut c.id_offsets,
            &mut c.title_offsets,
            &mut c.category_offsets,
            &mut c.related_offsets,
            &mut c.next_offsets,
        ] {
            if offsets.is_empty() {
                offsets.push(0);
            }
        }
        // What `indexed_edges` dropped leaves a tail behind the last list.
        c.related
            .truncate(c.related_offsets.last().map_or(0, |&e| e as usize));
        c.next
            .truncate(c.next_offsets.last().map_or(0, |&e| e as usize));
        (c, warnings)
    }
}

/// Which targets the neighbour list being read holds, to drop repeats: a
/// byte per item, set to the list's number (mod 255) when the item joins
/// the list. A mark that matches may be left from a list 255 lists before,
/// so a match is confirmed by scanning the list (at most 100 entries); a
/// scan per entry instead was quadratic in the list's length.
struct Marks {
    marks: Vec<u8>,
    list: u8,
}

impl Marks {
    fn new(items: usize) -> Marks {
        Marks {
            marks: vec![0; items],
            list: 0,
        }
    }

    fn next_list(&mut self) {
        self.list = self.list.wrapping_add(1).max(1);
    }

    /// Whether `t` is already in `kept` (the current list); marks it.
    #[inline(always)]
    fn repeated(&mut self, t: u32, kept: &[Edge]) -> bool {
        match self.marks.get_mut(t as usize) {
            Some(m) if *m != self.list => {
                *m = self.list;
                false
            }
            _ => kept.iter().any(|e| e.target == t),
        }
    }
}

/// A little-endian u32 from 4 bytes (0 if fewer; callers pass `chunks_exact(4)`).
#[inline]
pub(crate) fn le32(c: &[u8]) -> u32 {
    c.try_into().map(u32::from_le_bytes).unwrap_or(0)
}

/// `x` if it is a finite number from 0 to `max`; `path` is only built for
/// the error (this runs once per neighbour of every item).
#[inline]
fn check_number(path: impl FnOnce() -> String, x: f64, max: f64) -> Result<f64> {
    // The JSON reader never yields NaN or infinities, but the compact form
    // can hold them; keep the check total.
    if !x.is_finite() || x < 0.0 || x > max {
        return Err(out_of_range(path(), x, max));
    }
    // -0 is accepted as 0.
    Ok(x + 0.0)
}

#[cold]
#[inline(never)]
fn out_of_range(path: String, x: f64, max: f64) -> Error {
    Error::invalid(
        path,
        format!(
            "{} is out of range; allowed: a finite number from 0 to {}",
            display_f64(x),
            display_f64(max)
        ),
    )
}

struct WarningCounter {
    code: &'static str,
    what: &'static str,
    count: usize,
    examples: Vec<String>,
}

impl WarningCounter {
    fn new(code: &'static str, what: &'static str) -> Self {
        WarningCounter {
            code,
            what,
            count: 0,
            examples: Vec::new(),
        }
    }

    fn add(&mut self, path: String) {
        self.count += 1;
        if self.examples.len() < WARNING_EXAMPLES {
            self.examples.push(path);
        }
    }

    fn finish(self) -> Option<Warning> {
        (self.count > 0).then(|| Warning {
            code: self.code,
            count: self.count,
            message: format!(
                "{} {}; first: {}",
                self.count,
                self.what,
                self.examples.join("; ")
            ),
            examples: self.examples,
        })
    }
}

/// A string of the source document: a byte range of the JSON text, or, for
/// the rare string with escapes, of `RawCatalogue::unescaped`.
#[derive(Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

const UNESCAPED: u32 = 1 << 31;

/// `{"id":"…","weight":…}` exactly, the id without escapes and the weight a
/// plain decimal; `None` otherwise (the caller rewinds).
#[inline]
fn plain_edge(r: &mut Reader) -> Option<(Span, f64)> {
    if !r.eat(b"{\"id\":") {
        return None;
    }
    let (a, b) = r.plain_string()?;
    if !r.eat(b",\"weight\":") {
        return None;
    }
    let (weight, _) = r.plain_number()?;
    r.eat(b"}").then_some((
        Span {
            start: a as u32,
            len: (b - a) as u32,
        },
        weight,
    ))
}

/// The first pass over a JSON catalogue: structure and types, into flat
/// arrays of spans and numbers; no string is copied unless it has escapes.
#[derive(Default)]
struct RawCatalogue<'a> {
    source: &'a str,
    unescaped: String,
    version: Option<Span>,
    weights: Option<Vec<(usize, f64)>>,
    /// id, label, sensitive, repeatable
    categories: Vec<(Span, Span, bool, bool)>,
    /// The catalogue's `repeatable` default.
    repeatable: bool,
    ids: Vec<Span>,
    titles: Vec<Option<Span>>,
    numbers: Vec<(Option<f64>, Option<f64>, Option<bool>)>,
    item_categories: Vec<Span>,
    category_ends: Vec<u32>,
    related: Vec<(Span, f64)>,
    related_ends: Vec<u32>,
    next: Vec<(Span, f64)>,
    next_ends: Vec<u32>,
}

const TOP: &[&str] = &["version", "categories", "items", "weights", "repeatable"];
const CATEGORY: &[&str] = &["id", "label", "sensitive", "repeatable"];
const ITEM: &[&str] = &[
    "id",
    "title",
    "categories",
    "popularity",
    "publishedAt",
    "repeatable",
    "related",
    "next",
];
const EDGE: &[&str] = &["id", "weight"];

impl<'a> RawCatalogue<'a> {
    fn read(source: &'a str) -> JsonResult<RawCatalogue<'a>> {
        let mut raw = RawCatalogue {
            source,
            ..RawCatalogue::default()
        };
        // The type error's wording for an item's `categories`, made once
        // rather than for every item.
        let categories_expected = format!("an array of at most {MAX_ITEM_CATEGORIES} entries");
        let mut r = Reader::new(source);
        let mut fields = Fields::new(TOP);
        r.object("a catalogue object", |r, key| match fields.see(r, key)? {
            Some(0) => {
                let start = r.offset();
                r.skip()?;
                let text = r.source(start, r.offset()).trim_start();
                let start = r.offset() - text.len();
                raw.version = Some(Span {
                    start: start as u32,
                    len: text.len() as u32,
                });
                Ok(())
            }
            Some(1) => r.array(
                MAX_CATEGORIES,
                &format!("an array of at most {MAX_CATEGORIES} entries"),
                |r, _| raw.category(r),
            ),
            Some(2) => r.array(
                MAX_ITEMS,
                &format!("an array of at most {MAX_ITEMS} entries"),
                |r, _| raw.item(r, &categories_expected),
            ),
            Some(3) => {
                let mut fields = Fields::new(&SITE_WEIGHT_NAMES);
                let mut weights = Vec::new();
                r.object("an object", |r, key| {
                    let k = fields.see_known(r, key)?;
                    weights.push((k, r.number()?));
                    Ok(())
                })?;
                raw.weights = Some(weights);
                Ok(())
            }
            Some(4) => r.boolean().map(|b| raw.repeatable = b),
            _ => r.skip(),
        })?;
        fields.require(&r, &["version", "categories", "items"])?;
        r.finish()?;
        Ok(raw)
    }

    fn text(&self, s: Span) -> &str {
        let (base, start) = if s.start & UNESCAPED != 0 {
            (self.unescaped.as_str(), s.start & !UNESCAPED)
        } else {
            (self.source, s.start)
        };
        base.get(start as usize..(start + s.len) as usize)
            .unwrap_or("")
    }

    fn string(&mut self, r: &mut Reader<'a>) -> JsonResult<Span> {
        Ok(match r.string_span()? {
            Ok((start, end)) => Span {
                start: start as u32,
                len: (end - start) as u32,
            },
            Err(unescaped) => {
                let start = self.unescaped.len() as u32 | UNESCAPED;
                self.unescaped.push_str(&unescaped);
                Span {
                    start,
                    len: unescaped.len() as u32,
                }
            }
        })
    }

    fn category(&mut self, r: &mut Reader<'a>) -> JsonResult<()> {
        let mut fields = Fields::new(CATEGORY);
        let (mut id, mut label, mut sensitive) = (Span::default(), Span::default(), false);
        let mut repeatable = false;
        r.object("an object", |r, key| match fields.see(r, key)? {
            Some(0) => self.string(r).map(|s| id = s),
            Some(1) => self.string(r).map(|s| label = s),
            Some(2) => r.boolean().map(|b| sensitive = b),
            Some(3) => r.boolean().map(|b| repeatable = b),
            _ => r.skip(),
        })?;
        fields.require(r, &["id", "label"])?;
        self.categories.push((id, label, sensitive, repeatable));
        Ok(())
    }

    fn item(&mut self, r: &mut Reader<'a>, categories_expected: &str) -> JsonResult<()> {
        let mut fields = Fields::new(ITEM);
        let (mut id, mut title) = (Span::default(), None);
        let (mut popularity, mut published, mut repeatable) = (None, None, None);
        r.object("an object", |r, key| match fields.see(r, key)? {
            Some(0) => self.string(r).map(|s| id = s),
            Some(1) => {
                title = if r.null()? {
                    None
                } else {
                    Some(self.string(r)?)
                };
                Ok(())
            }
            Some(2) => r.array(MAX_ITEM_CATEGORIES, categories_expected, |r, _| {
                let s = self.string(r)?;
                self.item_categories.push(s);
                Ok(())
            }),
            Some(3) => r.number().map(|x| popularity = Some(x)),
            Some(4) => r.number().map(|x| published = Some(x)),
            Some(5) => r.boolean().map(|b| repeatable = Some(b)),
            Some(k @ (6 | 7)) => self.neighbours(r, k == 7),
            _ => r.skip(),
        })?;
        fields.require(r, &["id"])?;
        self.ids.push(id);
        self.titles.push(title);
        self.numbers.push((popularity, published, repeatable));
        self.category_ends.push(self.item_categories.len() as u32);
        self.related_ends.push(self.related.len() as u32);
        self.next_ends.push(self.next.len() as u32);
        Ok(())
    }

    /// A `related` or `next` list. Most of a catalogue is these, as
    /// JSON.stringify writes them (`[{"id":"…","weight":…},…]`), and that
    /// spelling is read here in one loop without the array and object
    /// machinery. Anything else (spaces, another key order, more fields,
    /// escapes, too many entries, an error) is read again from the start by
    /// the general reader, so results and messages do not depend on the path.
    fn neighbours(&mut self, r: &mut Reader<'a>, next: bool) -> JsonResult<()> {
        let start = r.offset();
        let list = if next {
            &mut self.next
        } else {
            &mut self.related
        };
        let before = list.len();
        if r.eat(b"[") {
            if r.eat(b"]") {
                return Ok(());
            }
            while list.len() - before < MAX_NEIGHBOURS {
                let Some(edge) = plain_edge(r) else { break };
                list.push(edge);
                if r.eat(b",") {
                    continue;
                }
                if r.eat(b"]") {
                    return Ok(());
                }
                break;
            }
        }
        list.truncate(before);
        r.rewind(start);
        let expected = format!("an array of at most {MAX_NEIGHBOURS} entries");
        r.array(MAX_NEIGHBOURS, &expected, |r, _| {
            let edge = self.edge(r)?;
            if next {
                self.next.push(edge);
            } else {
                self.related.push(edge);
            }
            Ok(())
        })
    }

    fn edge(&mut self, r: &mut Reader<'a>) -> JsonResult<(Span, f64)> {
        let mut fields = Fields::new(EDGE);
        let (mut id, mut weight) = (Span::default(), 0.0);
        r.object("an object", |r, key| match fields.see(r, key)? {
            Some(0) => self.string(r).map(|s| id = s),
            Some(1) => r.number().map(|x| weight = x),
            _ => r.skip(),
        })?;
        fields.require(r, EDGE)?;
        Ok((id, weight))
    }

    /// The second pass: every check, in the order of the original loader.
    fn build(&self) -> Result<(Catalogue, Vec<Warning>)> {
        let version = self.version.map_or("null", |v| self.text(v));
        if version != "1" {
            // The value as written (`2`, `"1"`), cut if it is long.
            let mut end = version.len().min(60);
            while !version.is_char_boundary(end) {
                end -= 1;
            }
            let shown = match version.get(..end) {
                Some(cut) if end < version.len() => format!("{cut}… ({} bytes)", version.len()),
                _ => version.to_string(),
            };
            return Err(Error::invalid(
                "catalogue.version",
                format!("{shown} is not supported; supported: {CATALOGUE_VERSION}"),
            ));
        }
        let n = self.ids.len();
        let mut b = Builder::new(self.categories.len(), n);
        b.reserve(
            self.item_categories.len(),
            self.related.len(),
            self.next.len(),
            self.ids.iter().map(|s| s.len as usize).sum(),
        );
        for (i, &(id, label, sensitive, _)) in self.categories.iter().enumerate() {
            b.category(i, self.text(id), self.text(label), sensitive)?;
        }
        for (i, &id) in self.ids.iter().enumerate() {
            b.id(i, self.text(id))?;
        }
        let range = |ends: &[u32], i: usize| {
            let start = if i == 0 {
                0
            } else {
                ends.get(i - 1).copied().unwrap_or(0) as usize
            };
            start..ends.get(i).copied().unwrap_or(0) as usize
        };
        let repeatable_categories: Vec<&str> = self
            .categories
            .iter()
            .filter(|c| c.3)
            .map(|c| self.text(c.0))
            .collect();
        for i in 0..n {
            b.title(
                i,
                self.titles.get(i).copied().flatten().map(|t| self.text(t)),
            )?;
            let cats = self
                .item_categories
                .get(range(&self.category_ends, i))
                .unwrap_or(&[]);
            for (j, &c) in cats.iter().enumerate() {
                b.item_category(i, j, Target::Id(self.text(c)))?;
            }
            let (popularity, published, repeatable) =
                self.numbers.get(i).copied().unwrap_or_default();
            // The item's own flag, else any of its categories', else the
            // catalogue's default.
            let repeatable = repeatable.unwrap_or_else(|| {
                self.repeatable
                    || (!repeatable_categories.is_empty()
                        && cats
                            .iter()
                            .any(|&c| repeatable_categories.contains(&self.text(c))))
            });
            b.numbers(i, popularity, published, repeatable)?;
            for (next, list, ends) in [
                (false, &self.related, &self.related_ends),
                (true, &self.next, &self.next_ends),
            ] {
                let edges = list.get(range(ends, i)).unwrap_or(&[]);
                b.edges(i, next, edges.iter().map(|&(id, w)| (self.text(id), w)))?;
            }
        }
        let (mut catalogue, warnings) = b.finish();
        if let Some(set) = &self.weights {
            catalogue.weights = Some(site_weights(set).map_err(|(_, e)| e)?);
        }
        Ok((catalogue, warnings))
    }
}

/// The site's `weights`, given as (entry of `SITE_WEIGHTS`, value) pairs,
/// each checked; the error says which pair.
fn site_weights(set: &[(usize, f64)]) -> std::result::Result<Weights, (usize, Error)> {
    let mut w = Weights::DEFAULT;
    for (j, &(k, x)) in set.iter().enumerate() {
        let name = SITE_WEIGHTS.get(k).map_or("", |s| s.0);
        let x = Weights::check_site(k, x)
            .map_err(|m| (j, Error::invalid(format!("catalogue.weights.{name}"), m)))?;
        w.set_site(k, x);
    }
    Ok(w)
}

#[path = "compact.rs"]
mod compact;
pub use compact::CompactForm;
/// The first three bytes of the compact form (the fourth is its version).
pub use compact::MAGIC as COMPACT_MAGIC;

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
