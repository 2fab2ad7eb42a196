//! The site's item list and categories: read, validated against the core's
//! limits, and kept in the site's order (the catalogue keeps it too).

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{quote, BuildError, Location, Result};
use crate::fields::{check_timestamp, parse_flag, parse_timestamp};
use crate::input::{cell, csv_error, csv_reader, for_each_json_line, json_text, kind_of, Format};
use crate::limits::{
    check_id, MAX_CATEGORIES, MAX_ITEMS, MAX_ITEM_CATEGORIES, MAX_LABEL_BYTES, MAX_TITLE_BYTES,
};

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub sensitive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub title: String,
    /// Indices into `ItemList::categories`.
    pub categories: Vec<usize>,
    pub published_at: Option<i64>,
    pub repeatable: Option<bool>,
}

#[derive(Debug)]
pub struct ItemList {
    pub categories: Vec<Category>,
    pub items: Vec<Item>,
    index: HashMap<String, u32>,
}

impl ItemList {
    /// The position of an item in the site's list.
    pub fn position(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }
}

/// One item row before validation, whatever the format.
struct RawItem {
    id: String,
    title: String,
    categories: Vec<String>,
    published_at: Option<i64>,
    repeatable: Option<bool>,
}

/// Reads the optional categories file (`id,label,sensitive`, CSV or JSONL).
pub fn read_categories(path: &Path) -> Result<Vec<Category>> {
    let mut out: Vec<Category> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut push = |id: String, label: String, sensitive: bool, at: Location| -> Result<()> {
        let line = match at {
            Location::Line(n) => n,
            _ => 0,
        };
        check_id(&id).map_err(|m| BuildError::input(path, at, format!("id {} {m}", quote(&id))))?;
        if let Some(first) = seen.get(&id) {
            return Err(BuildError::input(
                path,
                at,
                format!(
                    "duplicate category id {}; first defined on line {first}",
                    quote(&id)
                ),
            ));
        }
        let label = if label.is_empty() { id.clone() } else { label };
        if label.len() > MAX_LABEL_BYTES {
            return Err(BuildError::input(
                path,
                at,
                format!(
                    "label {} is {} bytes; allowed: at most {MAX_LABEL_BYTES}",
                    quote(&label),
                    label.len()
                ),
            ));
        }
        if out.len() == MAX_CATEGORIES {
            return Err(BuildError::input(
                path,
                at,
                format!("more than {MAX_CATEGORIES} categories"),
            ));
        }
        seen.insert(id.clone(), line);
        out.push(Category {
            id,
            label,
            sensitive,
        });
        Ok(())
    };
    match Format::of(path, "--categories", &[Format::Csv, Format::JsonLines])? {
        Format::Csv => {
            let (mut reader, header) = csv_reader(path)?;
            let expected = "id[,label][,sensitive]";
            let id = header.required(path, "id", expected)?;
            let (label, sensitive) = (header.optional("label"), header.optional("sensitive"));
            let mut record = csv::StringRecord::new();
            while reader
                .read_record(&mut record)
                .map_err(|e| csv_error(path, e))?
            {
                let at = Location::Line(record.position().map_or(0, |p| p.line()));
                let flag = cell(&record, sensitive);
                let flag = if flag.is_empty() {
                    false
                } else {
                    parse_flag(flag)
                        .map_err(|m| BuildError::input(path, at, format!("sensitive: {m}")))?
                };
                push(
                    cell(&record, Some(id)).to_string(),
                    cell(&record, label).to_string(),
                    flag,
                    at,
                )?;
            }
        }
        _ => for_each_json_line(path, |obj, at| {
            let text = |key| json_text(obj, key).map_err(|m| BuildError::input(path, at, m));
            let id = text("id")?.unwrap_or_default().into_owned();
            let label = text("label")?.unwrap_or_default().into_owned();
            let sensitive = match obj.get("sensitive") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(v) => {
                    return Err(BuildError::input(
                        path,
                        at,
                        format!("sensitive: expected true or false, found {}", kind_of(v)),
                    ))
                }
            };
            push(id, label, sensitive, at)
        })?,
    }
    if out.is_empty() {
        return Err(BuildError::input(
            path,
            Location::File,
            "no categories; leave out --categories to take them from the items",
        ));
    }
    Ok(out)
}

/// Reads the item list. With `declared` categories every item category must
/// be one of them; without, categories are collected from the items in order
/// of first use, labelled by their id, none sensitive.
pub fn read_items(path: &Path, declared: Option<Vec<Category>>) -> Result<ItemList> {
    let mut list = Builder::new(path, declared);
    match Format::of(path, "--items", &[Format::Csv, Format::JsonLines])? {
        Format::Csv => {
            let (mut reader, header) = csv_reader(path)?;
            let expected = "id,title,categories[,published_at][,repeatable]";
            let id = header.required(path, "id", expected)?;
            let title = header.required(path, "title", expected)?;
            let cats = header.required(path, "categories", expected)?;
            let (published, repeatable) = (
                header.optional("published_at"),
                header.optional("repeatable"),
            );
            let mut record = csv::StringRecord::new();
            while reader
                .read_record(&mut record)
                .map_err(|e| csv_error(path, e))?
            {
                let at = Location::Line(record.position().map_or(0, |p| p.line()));
                let bad =
                    |field: &str, m: String| BuildError::input(path, at, format!("{field}: {m}"));
                let published = match cell(&record, published) {
                    "" => None,
                    s => Some(parse_timestamp(s).map_err(|m| bad("published_at", m))?),
                };
                let repeatable = match cell(&record, repeatable) {
                    "" => None,
                    s => Some(parse_flag(s).map_err(|m| bad("repeatable", m))?),
                };
                let categories = cell(&record, Some(cats))
                    .split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect();
                let raw = RawItem {
                    id: cell(&record, Some(id)).to_string(),
                    title: cell(&record, Some(title)).to_string(),
                    categories,
                    published_at: published,
                    repeatable,
                };
                list.push(raw, at)?;
            }
        }
        _ => for_each_json_line(path, |obj, at| {
            let raw = raw_json_item(obj).map_err(|m| BuildError::input(path, at, m))?;
            list.push(raw, at)
        })?,
    }
    list.finish()
}

fn raw_json_item(obj: &Map<String, Value>) -> Result<RawItem, String> {
    let id = json_text(obj, "id")?.unwrap_or_default().into_owned();
    let title = match obj.get("title") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(v) => return Err(format!("title: expected a string, found {}", kind_of(v))),
    };
    let categories = match obj.get("categories") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.trim().to_string()),
                other => Err(format!(
                    "categories[{i}]: expected a string, found {}",
                    kind_of(other)
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(v) => {
            return Err(format!(
                "categories: expected an array of strings, found {}",
                kind_of(v)
            ))
        }
    };
    let published_at = match obj.get("publishedAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            Some(parse_timestamp(s.trim()).map_err(|m| format!("publishedAt: {m}"))?)
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(ms) => Some(check_timestamp(ms).map_err(|m| format!("publishedAt: {m}"))?),
            None => {
                return Err(format!(
                    "publishedAt: {n} is not integer milliseconds since the epoch"
                ))
            }
        },
        Some(v) => {
            return Err(format!(
                "publishedAt: expected integer ms or an RFC 3339 string, found {}",
                kind_of(v)
            ))
        }
    };
    let repeatable = match obj.get("repeatable") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => {
            return Err(format!(
                "repeatable: expected true or false, found {}",
                kind_of(v)
            ))
        }
    };
    Ok(RawItem {
        id,
        title,
        categories,
        published_at,
        repeatable,
    })
}

/// Validates items one at a time, so each error can name its line.
struct Builder<'p> {
    path: &'p Path,
    declared: bool,
    categories: Vec<Category>,
    category_index: HashMap<String, usize>,
    items: Vec<Item>,
    index: HashMap<String, u32>,
    lines: Vec<u64>,
}

impl<'p> Builder<'p> {
    fn new(path: &'p Path, declared: Option<Vec<Category>>) -> Self {
        let categories = declared.clone().unwrap_or_default();
        let category_index = categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Builder {
            path,
            declared: declared.is_some(),
            categories,
            category_index,
            items: Vec::new(),
            index: HashMap::new(),
            lines: Vec::new(),
        }
    }

    fn push(&mut self, raw: RawItem, at: Location) -> Result<()> {
        let bad = |m: String| BuildError::input(self.path, at, m);
        check_id(&raw.id).map_err(|m| bad(format!("id {} {m}", quote(&raw.id))))?;
        if let Some(&first) = self.index.get(&raw.id) {
            let first_line = self.lines.get(first as usize).copied().unwrap_or(0);
            return Err(bad(format!(
                "duplicate item id {}; first defined on line {first_line}",
                quote(&raw.id)
            )));
        }
        if raw.title.len() > MAX_TITLE_BYTES {
            return Err(bad(format!(
                "item {}: title is {} bytes; allowed: at most {MAX_TITLE_BYTES}",
                quote(&raw.id),
                raw.title.len()
            )));
        }
        if raw.categories.len() > MAX_ITEM_CATEGORIES {
            return Err(bad(format!(
                "item {}: {} categories; allowed: at most {MAX_ITEM_CATEGORIES}",
                quote(&raw.id),
                raw.categories.len()
            )));
        }
        if self.items.len() == MAX_ITEMS {
            return Err(bad(format!(
                "more than {MAX_ITEMS} items; the core accepts at most {MAX_ITEMS}"
            )));
        }
        let mut categories = Vec::with_capacity(raw.categories.len());
        for c in &raw.categories {
            let index = self
                .category(c)
                .map_err(|m| bad(format!("item {}: category {}", quote(&raw.id), m)))?;
            if categories.contains(&index) {
                return Err(bad(format!(
                    "item {}: category {} is listed twice",
                    quote(&raw.id),
                    quote(c)
                )));
            }
            categories.push(index);
        }
        let position = self.items.len() as u32;
        self.index.insert(raw.id.clone(), position);
        self.lines.push(match at {
            Location::Line(n) => n,
            _ => 0,
        });
        self.items.push(Item {
            id: raw.id,
            title: raw.title,
            categories,
            published_at: raw.published_at,
            repeatable: raw.repeatable,
        });
        Ok(())
    }

    /// The index of a category, adding it when categories come from the items.
    fn category(&mut self, id: &str) -> Result<usize, String> {
        if let Some(&i) = self.category_index.get(id) {
            return Ok(i);
        }
        if self.declared {
            let known: Vec<&str> = self
                .categories
                .iter()
                .take(10)
                .map(|c| c.id.as_str())
                .collect();
            let more = if self.categories.len() > 10 {
                ", ..."
            } else {
                ""
            };
            return Err(format!(
                "{} is not in the categories file; known: {}{more}",
                quote(id),
                known.join(", ")
            ));
        }
        check_id(id).map_err(|m| format!("{} {m}", quote(id)))?;
        if self.categories.len() == MAX_CATEGORIES {
            return Err(format!(
                "{} would be category number {}; allowed: at most {MAX_CATEGORIES}",
                quote(id),
                MAX_CATEGORIES + 1
            ));
        }
        self.categories.push(Category {
            id: id.to_string(),
            label: id.to_string(),
            sensitive: false,
        });
        self.category_index
            .insert(id.to_string(), self.categories.len() - 1);
        Ok(self.categories.len() - 1)
    }

    fn finish(self) -> Result<ItemList> {
        if self.items.is_empty() {
            return Err(BuildError::input(
                self.path,
                Location::File,
                "no items; the item list is empty",
            ));
        }
        Ok(ItemList {
            categories: self.categories,
            items: self.items,
            index: self.index,
        })
    }
}
