//! The output: catalogue format v1, as the core library validates it, written
//! atomically (a temporary file in the same directory, renamed at the end) so
//! a failed build leaves no file, not even a partial one.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::aggregates::{Aggregates, Neighbour};
use crate::error::{BuildError, Result};
use crate::items::ItemList;
use crate::limits::{MAX_CATALOGUE_BYTES, MAX_NEIGHBOURS, MAX_NUMBER};
pub use ondevice::core::catalogue::CompactForm;

/// Weights are published with this many decimals: enough to rank, and it
/// keeps a 200,000-item catalogue within the core's 64 MiB.
pub const WEIGHT_DECIMALS: i32 = 6;

#[derive(Serialize)]
struct Catalogue<'a> {
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    weights: Option<&'a serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placements: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<&'a serde_json::Value>,
    categories: Vec<CategoryOut<'a>>,
    items: Vec<ItemOut<'a>>,
}

pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Reads the JSON object file given to `option`; `expected` names it in the
/// error when the file holds something else. Returns the object and the
/// option's error maker (`FILE: message`), for the caller's own checks.
fn read_object<'p>(
    path: &'p Path,
    option: &'static str,
    expected: &str,
) -> Result<(JsonObject, impl Fn(String) -> BuildError + 'p)> {
    let bad = move |message: String| BuildError::Option {
        option,
        message: format!("{}: {message}", path.display()),
    };
    let text = std::fs::read_to_string(path).map_err(|e| BuildError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(bad(format!("expected {expected}, found {value}")));
    };
    Ok((map, bad))
}

/// Reads `--rules`: a JSON object with the site's `rules` (pins and
/// boosts) and `placements`, published as the catalogue's fields of those
/// names; the core checks them when the catalogue is rendered.
pub fn read_rules(path: &Path) -> Result<JsonObject> {
    let (map, bad) = read_object(path, "--rules", "a JSON object with rules and placements")?;
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "rules" | "placements"))
    {
        return Err(bad(format!(
            "{key}: unknown field; allowed: rules, placements"
        )));
    }
    Ok(map)
}

/// Reads `--weights`: a JSON object whose every field is one of the core's
/// site weights, in its bounds (the core's own check, so that the device
/// never refuses what the builder wrote).
pub fn read_weights(path: &Path) -> Result<JsonObject> {
    use ondevice::core::weights::{Weights, SITE_WEIGHT_NAMES};
    let (map, bad) = read_object(path, "--weights", "a JSON object of weights")?;
    for (key, value) in &map {
        let Some(k) = SITE_WEIGHT_NAMES.iter().position(|n| n == key) else {
            return Err(bad(format!(
                "weights.{key}: unknown weight; allowed: {}",
                SITE_WEIGHT_NAMES.join(", ")
            )));
        };
        let x = value
            .as_f64()
            .ok_or_else(|| bad(format!("weights.{key}: {value} is not a number")))?;
        Weights::check_site(k, x).map_err(|m| bad(format!("weights.{key}: {m}")))?;
    }
    Ok(map)
}

#[derive(Serialize)]
struct CategoryOut<'a> {
    id: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemOut<'a> {
    id: &'a str,
    /// An empty title is left out; the core then shows the id.
    #[serde(skip_serializing_if = "str::is_empty")]
    title: &'a str,
    categories: Vec<&'a str>,
    popularity: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    published_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeatable: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<NeighbourOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    next: Vec<NeighbourOut<'a>>,
}

#[derive(Serialize, Debug, PartialEq)]
struct NeighbourOut<'a> {
    id: &'a str,
    weight: f64,
}

/// Counts of what the catalogue publishes, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub items_with_related: usize,
    pub related_entries: usize,
    pub items_with_next: usize,
    pub next_entries: usize,
}

/// What `render` writes besides the aggregates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape<'a> {
    /// The site's ranking weights (`--weights`).
    pub weights: Option<&'a serde_json::Map<String, serde_json::Value>>,
    /// The site's rules and placements (`--rules`).
    pub rules: Option<&'a serde_json::Map<String, serde_json::Value>>,
    /// JSON (None) or the compact form.
    pub form: Option<CompactForm>,
    /// Only the items marked here (`--max-items`; None: all), with
    /// neighbours among them only.
    pub keep: Option<&'a [bool]>,
    /// Entries per `related` and `next` list (the aggregates may hold more,
    /// to fill lists that `keep` shortens).
    pub related: usize,
    pub next: usize,
}

/// The `n` items a site would show first: the most popular item of each
/// category not yet covered (so that every category with items stays
/// present, while `n` allows), then the most popular of the rest; ties by
/// the item list's order.
pub fn candidates(items: &ItemList, popularity: &[i64], n: usize) -> Vec<bool> {
    let mut order: Vec<usize> = (0..items.items.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(popularity.get(i).copied().unwrap_or(0)),
            i,
        )
    });
    let mut keep = vec![false; items.items.len()];
    let mut covered = vec![false; items.categories.len()];
    let mut kept = 0;
    for &i in &order {
        let cats = items
            .items
            .get(i)
            .map_or(&[][..], |it| it.categories.as_slice());
        if kept < n && cats.iter().any(|&c| covered.get(c) == Some(&false)) {
            for &c in cats {
                if let Some(x) = covered.get_mut(c) {
                    *x = true;
                }
            }
            keep[i] = true;
            kept += 1;
        }
    }
    for &i in &order {
        if kept < n && !keep[i] {
            keep[i] = true;
            kept += 1;
        }
    }
    keep
}

/// The catalogue as JSON or in the compact form (`shape`), checked against
/// the core's size limit.
pub fn render(
    items: &ItemList,
    aggregates: &Aggregates,
    shape: Shape<'_>,
) -> Result<(Vec<u8>, Published)> {
    let Shape {
        weights,
        rules,
        form,
        keep,
        related: related_limit,
        next: next_limit,
    } = shape;
    let kept = |i: usize| keep.is_none_or(|k| k.get(i) == Some(&true));
    let mut published = Published::default();
    let categories = items
        .categories
        .iter()
        .map(|c| CategoryOut {
            id: &c.id,
            label: &c.label,
            sensitive: c.sensitive,
        })
        .collect();
    let mut out_items = Vec::with_capacity(items.items.len());
    for (i, item) in items.items.iter().enumerate() {
        if !kept(i) {
            continue;
        }
        let popularity = aggregates.popularity.get(i).copied().unwrap_or(0);
        if !(0.0..=MAX_NUMBER).contains(&(popularity as f64)) {
            return Err(BuildError::Output(format!(
                "items[{i}].popularity: {popularity} is out of range 0..={MAX_NUMBER}"
            )));
        }
        let related = publish(
            items,
            aggregates.related.get(i).map_or(&[], Vec::as_slice),
            &kept,
            related_limit,
        );
        let next = publish(
            items,
            aggregates.next.get(i).map_or(&[], Vec::as_slice),
            &kept,
            next_limit,
        );
        published.items_with_related += usize::from(!related.is_empty());
        published.related_entries += related.len();
        published.items_with_next += usize::from(!next.is_empty());
        published.next_entries += next.len();
        out_items.push(ItemOut {
            id: &item.id,
            title: &item.title,
            categories: item
                .categories
                .iter()
                .filter_map(|&c| items.categories.get(c))
                .map(|c| c.id.as_str())
                .collect(),
            popularity,
            published_at: item.published_at,
            repeatable: item.repeatable,
            related,
            next,
        });
    }
    let doc = Catalogue {
        version: 1,
        weights,
        placements: rules.and_then(|r| r.get("placements")),
        rules: rules.and_then(|r| r.get("rules")),
        categories,
        items: out_items,
    };
    let mut bytes = serde_json::to_vec(&doc).map_err(|e| BuildError::Output(e.to_string()))?;
    bytes.push(b'\n');
    if rules.is_some() {
        if form.is_some() {
            return Err(BuildError::option(
                "--rules",
                "the compact form carries no rules or placements (COMPACT.md); write JSON",
            ));
        }
        // The site's rules name items and categories: the core checks them
        // against this catalogue, so the device never refuses what is written.
        let text = std::str::from_utf8(&bytes).map_err(|e| BuildError::Output(e.to_string()))?;
        ondevice::core::catalogue::Catalogue::from_json_of_any_size(text)
            .map_err(|e| BuildError::option("--rules", format!("the core refuses them: {e}")))?;
    }
    let bytes = match form {
        None => bytes,
        // The core reads the JSON (every check it makes on a site's
        // catalogue) and writes its compact form.
        Some(form) => {
            let text =
                std::str::from_utf8(&bytes).map_err(|e| BuildError::Output(e.to_string()))?;
            let (catalogue, _) = ondevice::core::catalogue::Catalogue::from_json_of_any_size(text)
                .map_err(|e| BuildError::Output(format!("the core refuses the catalogue: {e}")))?;
            catalogue.to_compact(form)
        }
    };
    if bytes.len() > MAX_CATALOGUE_BYTES {
        return Err(BuildError::Output(format!(
            "the catalogue would be {} bytes; the core accepts at most {MAX_CATALOGUE_BYTES}; lower --related or --next{}",
            bytes.len(),
            if form.is_none() { ", or write the compact form (--format compact)" } else { "" }
        )));
    }
    Ok((bytes, published))
}

/// Rounds weights to `WEIGHT_DECIMALS`, then sorts by weight descending and
/// id (rounding can make two weights equal, and ties go by id); only kept
/// neighbours, at most `limit`.
fn publish<'a>(
    items: &'a ItemList,
    neighbours: &[Neighbour],
    kept: &dyn Fn(usize) -> bool,
    limit: usize,
) -> Vec<NeighbourOut<'a>> {
    let scale = 10f64.powi(WEIGHT_DECIMALS);
    let mut out: Vec<NeighbourOut<'a>> = neighbours
        .iter()
        .filter(|n| n.weight.is_finite() && kept(n.item as usize))
        .filter_map(|n| {
            let id = items.items.get(n.item as usize)?.id.as_str();
            Some(NeighbourOut {
                id,
                weight: ((n.weight * scale).round() / scale).clamp(0.0, 1.0),
            })
        })
        .collect();
    out.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.id.cmp(b.id)));
    out.truncate(limit.min(MAX_NEIGHBOURS));
    out
}

/// Writes `bytes` to `out` through a temporary file in the same directory.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |e: std::io::Error| BuildError::io(out, e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".ondevice-catalogue-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    #[cfg(unix)]
    {
        // tempfile creates 0600; a catalogue is meant to be served
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(io)?;
    }
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::read_items;

    fn items() -> ItemList {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("items.csv");
        std::fs::write(&path, "id,title,categories,published_at,repeatable\na,A,x|y,1700000000000,\nb,B,y,,true\nc,C,,,\n").expect("write");
        read_items(&path, None).expect("items")
    }

    #[test]
    fn weights_are_rounded_then_sorted_by_weight_and_id() {
        let items = items();
        let list = [
            Neighbour {
                item: 2,
                weight: 0.30000049,
            },
            Neighbour {
                item: 1,
                weight: 0.3,
            },
            Neighbour {
                item: 0,
                weight: 0.9,
            },
        ];
        let out = publish(&items, &list, &|_| true, 100);
        let ids: Vec<&str> = out.iter().map(|n| n.id).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(out[1].weight, 0.3);
        assert_eq!(out[2].weight, 0.3);
    }

    #[test]
    fn optional_fields_are_omitted_when_absent() {
        let items = items();
        let agg = Aggregates {
            popularity: vec![3, 0, 1],
            related: vec![
                vec![Neighbour {
                    item: 1,
                    weight: 0.5,
                }],
                vec![],
                vec![],
            ],
            next: vec![vec![], vec![], vec![]],
        };
        let shape = Shape {
            related: 20,
            next: 10,
            ..Shape::default()
        };
        let (bytes, published) = render(&items, &agg, shape).expect("render");
        let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(doc["version"], 1);
        assert_eq!(
            doc["categories"][0],
            serde_json::json!({"id": "x", "label": "x"})
        );
        assert_eq!(
            doc["items"][0],
            serde_json::json!({"id": "a", "title": "A", "categories": ["x", "y"], "popularity": 3, "publishedAt": 1700000000000i64, "related": [{"id": "b", "weight": 0.5}]})
        );
        assert_eq!(
            doc["items"][1],
            serde_json::json!({"id": "b", "title": "B", "categories": ["y"], "popularity": 0, "repeatable": true})
        );
        assert_eq!(
            published,
            Published {
                items_with_related: 1,
                related_entries: 1,
                items_with_next: 0,
                next_entries: 0
            }
        );
    }

    #[test]
    fn atomic_write_leaves_only_the_final_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("cat.json");
        write_atomically(&out, b"{}").expect("write");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["cat.json"]);
    }
}
