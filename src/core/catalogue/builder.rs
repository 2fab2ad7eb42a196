//! Validation shared by both input forms: `Builder` collects the pieces in
//! catalogue order with the same checks, messages, paths and warnings.

use super::index::IdIndex;
use super::{slice, Catalogue, Category, Edge, Warning, HAS_TITLE, REPEATABLE, WARNING_EXAMPLES};
use crate::core::error::{Error, Result};
use crate::core::json::display_f64;
use crate::core::limits::*;
use crate::core::weights::{Weights, SITE_WEIGHTS};

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
            placements: Vec::new(),
            rules: Vec::new(),
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

/// The site's `weights`, given as (entry of `SITE_WEIGHTS`, value) pairs,
/// each checked; the error says which pair.
pub(super) fn site_weights(set: &[(usize, f64)]) -> std::result::Result<Weights, (usize, Error)> {
    let mut w = Weights::DEFAULT;
    for (j, &(k, x)) in set.iter().enumerate() {
        let name = SITE_WEIGHTS.get(k).map_or("", |s| s.0);
        let x = Weights::check_site(k, x)
            .map_err(|m| (j, Error::invalid(format!("catalogue.weights.{name}"), m)))?;
        w.set_site(k, x);
    }
    Ok(w)
}
