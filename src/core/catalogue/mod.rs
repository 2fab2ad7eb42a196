//! The site's catalogue: untrusted input, validated with path-named errors,
//! then interned into flat arrays that the ranking loop reads without
//! allocating: ids and titles in one string each with offsets, an
//! open-addressing id index, category indices, neighbour lists as offsets into
//! one array, and `ln(1 + popularity)` computed once here instead of per rank.
//!
//! Two input forms share one validation (`builder.rs`): JSON (`json_form.rs`,
//! read by `json::Reader` in two passes: the document into spans, then the
//! checks) and the compact binary form (`compact.rs`, COMPACT.md). The id
//! index is `index.rs`.

use serde::Serialize;

use super::call_arguments::{FilterInput, Preset};
use super::error::{Error, Result};
use super::limits::*;
use super::preferences::check_category;
use super::weights::Weights;

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

/// A site rule (`"rules"`): pin an item at a position, or boost an item or
/// a category by some score points, optionally only in one placement and
/// from / until some time. Always shown to the person as the site's doing.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub item: Option<u32>,
    pub category: Option<u16>,
    /// 1-based position; 0 for a boost.
    pub pin: u16,
    pub boost: f64,
    pub placement: Option<String>,
    /// Milliseconds since the epoch (±infinity when open).
    pub from: f64,
    pub until: f64,
}

impl Rule {
    /// Whether the rule applies to a list for `placement` at `now`.
    pub fn applies(&self, placement: Option<&str>, now: i64) -> bool {
        let here = self
            .placement
            .as_deref()
            .is_none_or(|p| Some(p) == placement);
        here && (self.from..=self.until).contains(&(now as f64))
    }
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
    /// Named presets of rank options (`"placements"`; JSON form only).
    placements: Vec<(String, Preset)>,
    /// The site's pins and boosts (`"rules"`; JSON form only).
    rules: Vec<Rule>,
}

impl Catalogue {
    /// The site's filter as a per-category mark (0 no say, 1 wanted, 2
    /// refused; empty when it names no category). An unknown category is an
    /// error under `root` (a typo would silently empty the list).
    pub fn category_filter(&self, f: &FilterInput, root: &str) -> Result<Vec<u8>> {
        let mut marks = Vec::new();
        if f.categories.is_none() && f.exclude_categories.is_empty() {
            return Ok(marks);
        }
        marks.resize(self.categories.len(), 0u8);
        let wanted = f.categories.as_deref().unwrap_or_default();
        for (list, value, name) in [
            (wanted, 1u8, "categories"),
            (&f.exclude_categories[..], 2, "excludeCategories"),
        ] {
            for (k, id) in list.iter().enumerate() {
                check_category(id, Some(self), false)
                    .map_err(|m| Error::invalid(format!("{root}.{name}[{k}]"), m))?;
                let c = self.category(id).unwrap_or(u16::MAX);
                if let Some(slot) = marks.get_mut(usize::from(c)) {
                    // Refused wins over wanted.
                    *slot = (*slot).max(value);
                }
            }
        }
        Ok(marks)
    }

    /// The preset of placement `name`, if the catalogue has it.
    pub fn placement(&self, name: &str) -> Option<&Preset> {
        self.placements
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    }

    /// Whether the catalogue names placements or rules (the compact form
    /// carries neither: `to_compact` leaves them out).
    pub fn has_placements_or_rules(&self) -> bool {
        !self.placements.is_empty() || !self.rules.is_empty()
    }

    /// The site's rules, in catalogue order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The placements' names, for messages.
    pub fn known_placements(&self) -> String {
        let names: Vec<&str> = self.placements.iter().map(|(n, _)| n.as_str()).collect();
        if names.is_empty() {
            return "none (the catalogue has no placements)".into();
        }
        names.join(", ")
    }

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
        let mut raw = RawCatalogue::read(json).map_err(|e| e.into_error("catalogue"))?;
        raw.build()
    }

    /// Parses and validates the compact binary form (see `compact.rs`).
    pub fn from_compact(bytes: &[u8]) -> Result<(Catalogue, Vec<Warning>)> {
        compact::read(bytes)
    }

    /// The compact binary form of this catalogue (for the aggregates builder
    /// and for tests). Loading it gives back an equal catalogue, with
    /// neighbour weights rounded as `form` says, and without placements
    /// (JSON only; see `has_placements_or_rules`).
    pub fn to_compact(&self, form: CompactForm) -> Vec<u8> {
        compact_writer::write(self, form)
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

mod builder;
mod compact;
mod compact_writer;
mod index;
mod json_form;

pub use compact::CompactForm;
/// The first three bytes of the compact form (the fourth is its version).
pub use compact::MAGIC as COMPACT_MAGIC;
use index::IdIndex;
use json_form::RawCatalogue;

#[cfg(test)]
mod tests;
