//! The site's catalogue: untrusted input, validated with path-named errors,
//! then interned into flat arrays that the ranking loop reads without
//! allocating (category indices, neighbour lists as offsets into one array).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::bounded::bounded;
use super::error::{Error, Result};
use super::limits::*;

/// The only catalogue format version this build reads.
pub const CATALOGUE_VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalogue {
    version: serde_json::Value,
    #[serde(deserialize_with = "bounded::<_, _, MAX_CATEGORIES>")]
    categories: Vec<RawCategory>,
    #[serde(deserialize_with = "bounded::<_, _, MAX_ITEMS>")]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
struct RawCategory {
    id: String,
    label: String,
    #[serde(default)]
    sensitive: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, deserialize_with = "bounded::<_, _, MAX_ITEM_CATEGORIES>")]
    categories: Vec<String>,
    #[serde(default, deserialize_with = "present_number")]
    popularity: Option<f64>,
    #[serde(default, deserialize_with = "present_number")]
    published_at: Option<f64>,
    #[serde(default)]
    repeatable: bool,
    #[serde(default, deserialize_with = "bounded::<_, _, MAX_NEIGHBOURS>")]
    related: Vec<RawEdge>,
    #[serde(default, deserialize_with = "bounded::<_, _, MAX_NEIGHBOURS>")]
    next: Vec<RawEdge>,
}

/// An optional number that, when present, must be a number: `null` (what
/// JSON.stringify makes of NaN and Infinity) is an error, not "absent".
fn present_number<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<f64>, D::Error> {
    f64::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct RawEdge {
    id: String,
    weight: f64,
}

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

/// A validated catalogue. Items are addressed by their index (catalogue order).
#[derive(Debug, Clone)]
pub struct Catalogue {
    categories: Vec<Category>,
    category_index: HashMap<String, u16>,
    ids: Vec<String>,
    titles: Vec<Option<String>>,
    index: HashMap<String, u32>,
    item_categories: Vec<u16>,
    category_offsets: Vec<u32>,
    popularity: Vec<f64>,
    published_at: Vec<Option<f64>>,
    repeatable: Vec<bool>,
    related: Vec<Edge>,
    related_offsets: Vec<u32>,
    next: Vec<Edge>,
    next_offsets: Vec<u32>,
}

impl Catalogue {
    /// Parses and validates a catalogue document. On error nothing is kept.
    pub fn from_json(json: &str) -> Result<(Catalogue, Vec<Warning>)> {
        if json.len() > MAX_CATALOGUE_BYTES {
            return Err(Error::invalid(
                "catalogue",
                format!("is {} bytes; allowed: at most {MAX_CATALOGUE_BYTES}", json.len()),
            ));
        }
        let raw: RawCatalogue = serde_json::from_str(json).map_err(|e| {
            Error::from_json("catalogue", e, || {
                serde_path_to_error::deserialize::<_, RawCatalogue>(&mut serde_json::Deserializer::from_str(json))
            })
        })?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawCatalogue) -> Result<(Catalogue, Vec<Warning>)> {
        match raw.version.as_u64() {
            Some(v) if v == u64::from(CATALOGUE_VERSION) => {}
            _ => {
                return Err(Error::invalid(
                    "catalogue.version",
                    format!("{} is not supported; supported: {CATALOGUE_VERSION}", raw.version),
                ))
            }
        }
        let (categories, category_index) = validate_categories(raw.categories)?;

        let n = raw.items.len();
        let mut index = HashMap::with_capacity(n);
        for (i, item) in raw.items.iter().enumerate() {
            let path = format!("catalogue.items[{i}].id");
            check_id(&item.id).map_err(|m| Error::invalid(&path, m))?;
            // n <= MAX_ITEMS < u32::MAX, so the index fits.
            if let Some(first) = index.insert(item.id.clone(), i as u32) {
                return Err(Error::invalid(
                    path,
                    format!("duplicate id {}; first used by items[{first}]", quote(&item.id)),
                ));
            }
        }

        let mut c = Catalogue {
            categories,
            category_index,
            ids: Vec::with_capacity(n),
            titles: Vec::with_capacity(n),
            index,
            item_categories: Vec::with_capacity(n * 2),
            category_offsets: Vec::with_capacity(n + 1),
            popularity: Vec::with_capacity(n),
            published_at: Vec::with_capacity(n),
            repeatable: Vec::with_capacity(n),
            related: Vec::new(),
            related_offsets: Vec::with_capacity(n + 1),
            next: Vec::new(),
            next_offsets: Vec::with_capacity(n + 1),
        };
        c.category_offsets.push(0);
        c.related_offsets.push(0);
        c.next_offsets.push(0);
        let mut dropped = WarningCounter::new("unknownReference", "references to items not in the catalogue were dropped");
        let mut self_refs = WarningCounter::new("selfReference", "items listing themselves as a neighbour were dropped");
        let mut repeated = WarningCounter::new("duplicateReference", "repeated neighbours in one list were dropped (the first is kept)");

        for (i, item) in raw.items.into_iter().enumerate() {
            let at = |field: &str| format!("catalogue.items[{i}].{field}");
            if let Some(title) = &item.title {
                if title.len() > MAX_TITLE_BYTES {
                    return Err(Error::invalid(at("title"), format!("is {} bytes; allowed: at most {MAX_TITLE_BYTES}", title.len())));
                }
            }
            let start = c.item_categories.len();
            for (j, cat) in item.categories.iter().enumerate() {
                let Some(&ci) = c.category_index.get(cat) else {
                    return Err(Error::invalid(
                        at(&format!("categories[{j}]")),
                        format!("unknown category {}; known: {}", quote(cat), c.known_categories()),
                    ));
                };
                if c.item_categories[start..].contains(&ci) {
                    return Err(Error::invalid(at(&format!("categories[{j}]")), format!("category {} is listed twice", quote(cat))));
                }
                c.item_categories.push(ci);
            }
            let popularity = match item.popularity {
                Some(p) => check_number(&at("popularity"), p, MAX_NUMBER)?,
                None => 0.0,
            };
            let published = match item.published_at {
                // Before 1970 is fine (old films and books): negative ms.
                Some(t) if t.is_finite() && t.abs() <= MAX_TIMESTAMP_MS => Some(t + 0.0),
                Some(t) => {
                    return Err(Error::invalid(
                        at("publishedAt"),
                        format!("{t} is out of range; allowed: ms since 1970 from -{MAX_TIMESTAMP_MS} to {MAX_TIMESTAMP_MS}"),
                    ))
                }
                None => None,
            };
            let me = i as u32;
            for (field, edges, out, offsets) in [
                ("related", &item.related, &mut c.related, &mut c.related_offsets),
                ("next", &item.next, &mut c.next, &mut c.next_offsets),
            ] {
                let list_start = out.len();
                for (j, e) in edges.iter().enumerate() {
                    let path = at(&format!("{field}[{j}]"));
                    let w = check_number(&format!("{path}.weight"), e.weight, MAX_NUMBER)?;
                    match c.index.get(&e.id) {
                        None => dropped.add(format!("{path}.id {}", quote(&e.id))),
                        Some(&t) if t == me => self_refs.add(path),
                        Some(&t) if out[list_start..].iter().any(|x: &Edge| x.target == t) => repeated.add(path),
                        Some(&t) => out.push(Edge { target: t, weight: w as f32 }),
                    }
                }
                offsets.push(out.len() as u32);
            }
            c.category_offsets.push(c.item_categories.len() as u32);
            c.ids.push(item.id);
            c.titles.push(item.title);
            c.popularity.push(popularity);
            c.published_at.push(published);
            c.repeatable.push(item.repeatable);
        }
        let warnings = [dropped, self_refs, repeated].into_iter().filter_map(WarningCounter::finish).collect();
        Ok((c, warnings))
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    pub fn category(&self, id: &str) -> Option<u16> {
        self.category_index.get(id).copied()
    }

    pub fn category_at(&self, c: u16) -> Option<&Category> {
        self.categories.get(usize::from(c))
    }

    pub fn item(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub fn id(&self, i: u32) -> &str {
        self.ids.get(i as usize).map_or("", String::as_str)
    }

    /// The title, or the id when the catalogue gave none.
    pub fn title(&self, i: u32) -> &str {
        match self.titles.get(i as usize) {
            Some(Some(t)) => t,
            _ => self.id(i),
        }
    }

    pub fn item_categories(&self, i: u32) -> &[u16] {
        slice(&self.item_categories, &self.category_offsets, i)
    }

    pub fn related(&self, i: u32) -> &[Edge] {
        slice(&self.related, &self.related_offsets, i)
    }

    pub fn next(&self, i: u32) -> &[Edge] {
        slice(&self.next, &self.next_offsets, i)
    }

    pub fn popularity(&self, i: u32) -> f64 {
        self.popularity.get(i as usize).copied().unwrap_or(0.0)
    }

    pub fn published_at(&self, i: u32) -> Option<f64> {
        self.published_at.get(i as usize).copied().flatten()
    }

    pub fn repeatable(&self, i: u32) -> bool {
        self.repeatable.get(i as usize).copied().unwrap_or(false)
    }

    pub fn max_popularity(&self) -> f64 {
        self.popularity.iter().copied().fold(0.0, f64::max)
    }

    pub fn known_categories(&self) -> String {
        let mut s: String = self.categories.iter().take(20).map(|c| c.id.as_str()).collect::<Vec<_>>().join(", ");
        if self.categories.len() > 20 {
            s.push_str(&format!(", … ({} in all)", self.categories.len()));
        }
        if s.is_empty() {
            s.push_str("(none)");
        }
        s
    }
}

fn slice<'a, T>(data: &'a [T], offsets: &[u32], i: u32) -> &'a [T] {
    let i = i as usize;
    match (offsets.get(i), offsets.get(i + 1)) {
        (Some(&a), Some(&b)) => data.get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}

fn validate_categories(raw: Vec<RawCategory>) -> Result<(Vec<Category>, HashMap<String, u16>)> {
    let mut index = HashMap::with_capacity(raw.len());
    let mut out = Vec::with_capacity(raw.len());
    for (i, c) in raw.into_iter().enumerate() {
        let path = format!("catalogue.categories[{i}]");
        check_id(&c.id).map_err(|m| Error::invalid(format!("{path}.id"), m))?;
        if c.label.is_empty() || c.label.len() > MAX_LABEL_BYTES {
            return Err(Error::invalid(
                format!("{path}.label"),
                format!("is {} bytes; allowed: 1 to {MAX_LABEL_BYTES}", c.label.len()),
            ));
        }
        // i < MAX_CATEGORIES (256), enforced while parsing.
        if let Some(first) = index.insert(c.id.clone(), i as u16) {
            return Err(Error::invalid(
                format!("{path}.id"),
                format!("duplicate id {}; first used by categories[{first}]", quote(&c.id)),
            ));
        }
        out.push(Category { id: c.id, label: c.label, sensitive: c.sensitive });
    }
    Ok((out, index))
}

fn check_number(path: &str, x: f64, max: f64) -> Result<f64> {
    // serde_json never yields NaN or infinities, but catalogues can also be
    // built in Rust; keep the check total.
    if !x.is_finite() || x < 0.0 || x > max {
        return Err(Error::invalid(path, format!("{x} is out of range; allowed: a finite number from 0 to {max}")));
    }
    // -0 is accepted as 0.
    Ok(x + 0.0)
}

struct WarningCounter {
    code: &'static str,
    what: &'static str,
    count: usize,
    examples: Vec<String>,
}

impl WarningCounter {
    fn new(code: &'static str, what: &'static str) -> Self {
        WarningCounter { code, what, count: 0, examples: Vec::new() }
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
            message: format!("{} {}; first: {}", self.count, self.what, self.examples.join("; ")),
            examples: self.examples,
        })
    }
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;
