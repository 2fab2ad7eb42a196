//! The JSON form of the catalogue: a first pass into spans and numbers
//! (`RawCatalogue`), then `Builder`'s checks.

use super::builder::{site_weights, Builder, Target};
use super::{Catalogue, Rule, Warning, CATALOGUE_VERSION};
use crate::core::call_arguments::Preset;
use crate::core::error::{Error, Result};
use crate::core::json::{display_f64, read_fields, Fields, JsonResult, Reader};
use crate::core::limits::*;
use crate::core::preferences::check_category;
use crate::core::typed_values::{map, refuse_repeat};
use crate::core::weights::SITE_WEIGHT_NAMES;

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

/// A rule as written (`"rules"`); checked in `build`.
#[derive(Default)]
struct RawRule {
    item: Option<String>,
    category: Option<String>,
    pin: Option<f64>,
    boost: Option<f64>,
    placement: Option<String>,
    from: Option<f64>,
    until: Option<f64>,
}

/// The first pass over a JSON catalogue: structure and types, into flat
/// arrays of spans and numbers; no string is copied unless it has escapes.
#[derive(Default)]
pub(super) struct RawCatalogue<'a> {
    source: &'a str,
    unescaped: String,
    version: Option<Span>,
    weights: Option<Vec<(usize, f64)>>,
    placements: Vec<(String, Preset)>,
    rules: Vec<RawRule>,
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

impl<'a> RawCatalogue<'a> {
    pub(super) fn read(source: &'a str) -> JsonResult<RawCatalogue<'a>> {
        let mut raw = RawCatalogue {
            source,
            ..RawCatalogue::default()
        };
        // The type error's wording for an item's `categories`, made once
        // rather than for every item.
        let categories_expected = format!("an array of at most {MAX_ITEM_CATEGORIES} entries");
        let mut r = Reader::new(source);
        let reader = &mut r;
        let fields = read_fields!(reader, "a catalogue object", {
            "version" => {
                let start = reader.offset();
                reader.skip()?;
                let text = reader.source(start, reader.offset()).trim_start();
                let start = reader.offset() - text.len();
                raw.version = Some(Span {
                    start: start as u32,
                    len: text.len() as u32,
                });
            },
            "categories" => reader.array(
                MAX_CATEGORIES,
                &format!("an array of at most {MAX_CATEGORIES} entries"),
                |r, _| raw.category(r),
            )?,
            "items" => reader.array(
                MAX_ITEMS,
                &format!("an array of at most {MAX_ITEMS} entries"),
                |r, _| raw.item(r, &categories_expected),
            )?,
            "weights" => {
                let mut fields = Fields::new(&SITE_WEIGHT_NAMES);
                let mut weights = Vec::new();
                reader.object("an object", |r, key| {
                    let k = fields.see_known(r, key)?;
                    weights.push((k, r.number()?));
                    Ok(())
                })?;
                raw.weights = Some(weights);
            },
            "repeatable" => raw.repeatable = reader.boolean()?,
            "rules" => reader.array(
                MAX_RULES,
                &format!("an array of at most {MAX_RULES} entries"),
                |r, _| {
                    let mut rule = RawRule::default();
                    let text = |r: &mut Reader| Ok::<_, _>(Some(r.string()?.into_owned()));
                    read_fields!(r, "an object", {
                        "item" => rule.item = text(r)?,
                        "category" => rule.category = text(r)?,
                        "pin" => rule.pin = Some(r.number()?),
                        "boost" => rule.boost = Some(r.number()?),
                        "placement" => rule.placement = text(r)?,
                        "from" => rule.from = Some(r.number()?),
                        "until" => rule.until = Some(r.number()?),
                    })?;
                    raw.rules.push(rule);
                    Ok(())
                },
            )?,
            "placements" => map(reader, MAX_PLACEMENTS, |r, name| {
                let preset = Preset::read(r)?;
                let repeated = raw.placements.iter().any(|(n, _)| n == name);
                refuse_repeat(r, name, repeated)?;
                raw.placements.push((name.to_string(), preset));
                Ok(())
            })?,
        } else skip)?;
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
        let (mut id, mut label, mut sensitive) = (Span::default(), Span::default(), false);
        let mut repeatable = false;
        let fields = read_fields!(r, "an object", {
            "id" => id = self.string(r)?,
            "label" => label = self.string(r)?,
            "sensitive" => sensitive = r.boolean()?,
            "repeatable" => repeatable = r.boolean()?,
        } else skip)?;
        fields.require(r, &["id", "label"])?;
        self.categories.push((id, label, sensitive, repeatable));
        Ok(())
    }

    fn item(&mut self, r: &mut Reader<'a>, categories_expected: &str) -> JsonResult<()> {
        let (mut id, mut title) = (Span::default(), None);
        let (mut popularity, mut published, mut repeatable) = (None, None, None);
        let fields = read_fields!(r, "an object", {
            "id" => id = self.string(r)?,
            "title" => title = if r.null()? { None } else { Some(self.string(r)?) },
            "categories" => r.array(MAX_ITEM_CATEGORIES, categories_expected, |r, _| {
                let s = self.string(r)?;
                self.item_categories.push(s);
                Ok(())
            })?,
            "popularity" => popularity = Some(r.number()?),
            "publishedAt" => published = Some(r.number()?),
            "repeatable" => repeatable = Some(r.boolean()?),
            "related" => self.neighbours(r, false)?,
            "next" => self.neighbours(r, true)?,
        } else skip)?;
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
        let (mut id, mut weight) = (Span::default(), 0.0);
        let fields = read_fields!(r, "an object", {
            "id" => id = self.string(r)?,
            "weight" => weight = r.number()?,
        } else skip)?;
        fields.require_all(r)?;
        Ok((id, weight))
    }

    /// The second pass: every check, in the order of the original loader.
    pub(super) fn build(&mut self) -> Result<(Catalogue, Vec<Warning>)> {
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
        // Each placement is checked like the call options it stands for.
        for (name, preset) in &self.placements {
            let root = format!("catalogue.placements.{name}");
            check_id(name).map_err(|m| Error::invalid(&root, format!("placement name {m}")))?;
            if let Some(l) = preset.limit {
                if l.fract() != 0.0 || !(1.0..=MAX_LIMIT as f64).contains(&l) {
                    return Err(Error::not_allowed(
                        format!("{root}.limit"),
                        l,
                        "a whole number from 1 to 1000",
                    ));
                }
            }
            if let Some(f) = &preset.filter {
                catalogue.category_filter(f, &format!("{root}.filter"))?;
            }
        }
        catalogue.placements = std::mem::take(&mut self.placements);
        let mut warnings = warnings;
        catalogue.rules = self.checked_rules(&catalogue, &mut warnings)?;
        Ok((catalogue, warnings))
    }

    /// The rules, checked against the catalogue: a rule naming an unknown
    /// item is dropped with a warning (like a `related` reference); every
    /// other fault is an error naming the field.
    fn checked_rules(&self, cat: &Catalogue, warnings: &mut Vec<Warning>) -> Result<Vec<Rule>> {
        let mut rules = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        for (k, raw) in self.rules.iter().enumerate() {
            let root = format!("catalogue.rules[{k}]");
            let bad = |field: &str, m: String| Error::invalid(format!("{root}.{field}"), m);
            let (item, category) = match (&raw.item, &raw.category) {
                (Some(id), None) => match cat.item(id) {
                    Some(i) => (Some(i), None),
                    None => {
                        dropped.push(format!("{root}.item {}", quote(id)));
                        continue;
                    }
                },
                (None, Some(id)) => {
                    check_category(id, Some(cat), false).map_err(|m| bad("category", m))?;
                    (None, cat.category(id))
                }
                _ => {
                    return Err(Error::invalid(
                        &root,
                        "names an item or a category: one of them",
                    ))
                }
            };
            let (pin, boost) = match (raw.pin, raw.boost) {
                (Some(_), None) if item.is_none() => {
                    return Err(bad(
                        "pin",
                        "only an item can be pinned; boost a category".into(),
                    ))
                }
                (Some(p), None) if p.fract() == 0.0 && (1.0..=MAX_LIMIT as f64).contains(&p) => {
                    (p as u16, 0.0)
                }
                (Some(p), None) => {
                    return Err(Error::not_allowed(
                        format!("{root}.pin"),
                        p,
                        "a position from 1 to 1000",
                    ))
                }
                (None, Some(b)) if (0.0..=MAX_BOOST).contains(&b) => (0, b),
                (None, Some(b)) => {
                    return Err(Error::not_allowed(
                        format!("{root}.boost"),
                        b,
                        "score points from 0 to 4",
                    ))
                }
                _ => {
                    return Err(Error::invalid(
                        &root,
                        "pins (pin) or boosts (boost): one of them",
                    ))
                }
            };
            if let Some(p) = raw
                .placement
                .as_deref()
                .filter(|p| cat.placement(p).is_none())
            {
                return Err(bad(
                    "placement",
                    format!(
                        "unknown placement {}; known: {}",
                        quote(p),
                        cat.known_placements()
                    ),
                ));
            }
            for (field, t) in [("from", raw.from), ("until", raw.until)] {
                if let Some(t) = t.filter(|t| !(0.0..=MAX_TIMESTAMP_MS).contains(t)) {
                    return Err(Error::not_allowed(
                        format!("{root}.{field}"),
                        t,
                        "milliseconds since 1970, from 0 to 8640000000000000",
                    ));
                }
            }
            let from = raw.from.unwrap_or(f64::NEG_INFINITY);
            let until = raw.until.unwrap_or(f64::INFINITY);
            if until < from {
                return Err(bad(
                    "until",
                    format!(
                        "{} is before from ({})",
                        display_f64(until),
                        display_f64(from)
                    ),
                ));
            }
            rules.push(Rule {
                item,
                category,
                pin,
                boost,
                placement: raw.placement.clone(),
                from,
                until,
            });
        }
        if !dropped.is_empty() {
            warnings.push(Warning {
                code: "unknownRuleItem",
                count: dropped.len(),
                message: format!(
                    "{} rules naming items not in the catalogue were dropped",
                    dropped.len()
                ),
                examples: dropped.into_iter().take(5).collect(),
            });
        }
        Ok(rules)
    }
}
