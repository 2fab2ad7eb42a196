//! `ondevice-builder assemble`: the catalogue from aggregates that another
//! engine computed (the Spark job, `builder/spark/aggregates_job.py`):
//! `popularity(item_id, popularity)`, `related` and `next(item_id,
//! neighbour_id, weight, neighbour_rank)` as Parquet (a file or a directory
//! of part files each), and the job's `manifest.json`. They are small (items
//! x neighbours), so this runs on one machine with the item list.

use std::collections::HashMap;
use std::path::Path;

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::aggregates::{Aggregates, Neighbour};
use crate::error::{quote, BuildError, Location, Result};
use crate::items::ItemList;

/// The parameters the job ran with, from its manifest.
#[derive(Debug, Clone, Copy)]
pub struct JobParams {
    pub related: u64,
    pub next: u64,
}

/// Reads `dir/manifest.json`: it must be the job's (format and version).
pub fn read_manifest(dir: &Path) -> Result<JobParams> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| BuildError::io(&path, e))?;
    let bad = |m: String| BuildError::input(&path, Location::File, m);
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    if doc["format"] != "ondevice-aggregates" || doc["version"] != 1 {
        return Err(bad(
            "not an aggregates manifest of version 1 (format \"ondevice-aggregates\"); write it with builder/spark/aggregates_job.py".into(),
        ));
    }
    let param = |name: &str| {
        doc["params"][name]
            .as_u64()
            .ok_or_else(|| bad(format!("params.{name}: expected a whole number")))
    };
    Ok(JobParams {
        related: param("related")?,
        next: param("next")?,
    })
}

/// The three published tables, checked against the item list: every id must
/// be in it, weights in 0..=1, ranks from 1 without gaps.
pub async fn read(dir: &Path, items: &ItemList) -> Result<Aggregates> {
    let ctx = SessionContext::new();
    let mut popularity = vec![0i64; items.items.len()];
    for batch in &table(&ctx, dir, "popularity").await? {
        let (path, ids) = (
            dir.join("popularity"),
            strings(batch, "popularity", "item_id")?,
        );
        let counts = cast(column(batch, "popularity", "popularity")?, &DataType::Int64)
            .map_err(|e| BuildError::engine("popularity", e))?;
        let counts = counts.as_primitive::<Int64Type>();
        for row in 0..batch.num_rows() {
            let at = position(
                items,
                &path,
                "item_id",
                ids.get(row).and_then(|s| s.as_deref()),
            )?;
            let count = (!counts.is_null(row))
                .then(|| counts.value(row))
                .filter(|&c| c >= 0)
                .ok_or_else(|| {
                    BuildError::input(
                        &path,
                        Location::File,
                        "popularity: a null or negative count".to_string(),
                    )
                })?;
            if let Some(slot) = popularity.get_mut(at as usize) {
                *slot = count;
            }
        }
    }
    Ok(Aggregates {
        popularity,
        related: neighbours(&ctx, dir, "related", items).await?,
        next: neighbours(&ctx, dir, "next", items).await?,
    })
}

async fn table(ctx: &SessionContext, dir: &Path, name: &str) -> Result<Vec<RecordBatch>> {
    let path = dir.join(name);
    if !path.exists() {
        return Err(BuildError::input(
            &path,
            Location::File,
            "missing; the aggregates directory needs popularity, related, next and manifest.json"
                .to_string(),
        ));
    }
    let location = path.to_string_lossy().into_owned();
    let df = ctx
        .read_parquet(location, ParquetReadOptions::default())
        .await
        .map_err(|e| BuildError::engine(name, e))?;
    df.collect().await.map_err(|e| BuildError::engine(name, e))
}

fn column<'a>(batch: &'a RecordBatch, table: &str, name: &str) -> Result<&'a dyn Array> {
    batch
        .column_by_name(name)
        .map(|c| c.as_ref())
        .ok_or_else(|| BuildError::engine(table, format!("no column {name}")))
}

fn strings(batch: &RecordBatch, table: &str, name: &str) -> Result<Vec<Option<String>>> {
    let col = cast(column(batch, table, name)?, &DataType::Utf8)
        .map_err(|e| BuildError::engine(table, e))?;
    Ok(col
        .as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect())
}

fn position(items: &ItemList, path: &Path, field: &str, id: Option<&str>) -> Result<u32> {
    let id =
        id.ok_or_else(|| BuildError::input(path, Location::File, format!("{field}: a null id")))?;
    items.position(id).ok_or_else(|| {
        BuildError::input(
            path,
            Location::File,
            format!("{field}: {} is not in the item list", quote(id)),
        )
    })
}

async fn neighbours(
    ctx: &SessionContext,
    dir: &Path,
    name: &str,
    items: &ItemList,
) -> Result<Vec<Vec<Neighbour>>> {
    let path = dir.join(name);
    let mut ranked: HashMap<u32, Vec<(i64, Neighbour)>> = HashMap::new();
    for batch in &table(ctx, dir, name).await? {
        let froms = strings(batch, name, "item_id")?;
        let tos = strings(batch, name, "neighbour_id")?;
        let weights = cast(column(batch, name, "weight")?, &DataType::Float64)
            .map_err(|e| BuildError::engine(name, e))?;
        let weights = weights.as_primitive::<Float64Type>();
        let ranks = cast(column(batch, name, "neighbour_rank")?, &DataType::Int64)
            .map_err(|e| BuildError::engine(name, e))?;
        let ranks = ranks.as_primitive::<Int64Type>();
        for row in 0..batch.num_rows() {
            let (from_id, to_id) = (
                froms.get(row).and_then(|s| s.as_deref()),
                tos.get(row).and_then(|s| s.as_deref()),
            );
            let from = position(items, &path, "item_id", from_id)?;
            let to = position(items, &path, "neighbour_id", to_id)?;
            let weight = (!weights.is_null(row)).then(|| weights.value(row));
            let Some(weight) = weight.filter(|w| (0.0..=1.0).contains(w)) else {
                return Err(BuildError::input(
                    &path,
                    Location::File,
                    format!(
                        "weight of {} -> {}: null or outside 0..=1",
                        quote(from_id.unwrap_or("")),
                        quote(to_id.unwrap_or(""))
                    ),
                ));
            };
            let rank = if ranks.is_null(row) {
                0
            } else {
                ranks.value(row)
            };
            ranked
                .entry(from)
                .or_default()
                .push((rank, Neighbour { item: to, weight }));
        }
    }
    let mut out = vec![Vec::new(); items.items.len()];
    for (from, mut list) in ranked {
        list.sort_by_key(|(rank, _)| *rank);
        if list
            .iter()
            .enumerate()
            .any(|(i, (rank, _))| *rank != i as i64 + 1)
        {
            let id = items.items.get(from as usize).map_or("", |i| i.id.as_str());
            return Err(BuildError::input(
                &path,
                Location::File,
                format!(
                    "the ranks of {}'s list are not 1, 2, 3, ... (a table from another job?)",
                    quote(id)
                ),
            ));
        }
        if let Some(slot) = out.get_mut(from as usize) {
            *slot = list.into_iter().map(|(_, n)| n).collect();
        }
    }
    Ok(out)
}
