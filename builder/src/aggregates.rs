//! Popularity, `related` and `next` computed as SQL (`builder/sql/*.sql`) on
//! an embedded DataFusion. Rust registers the validated events and the
//! parameters as tables, runs the count stages, releases the counts (with
//! Laplace noise when asked), runs the publish stages and reads the results.
//! `scripts/spark_equivalence.py` runs the same files on Spark.

use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema, SchemaRef};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::{BuildError, Result};
use crate::events::Events;
use crate::items::ItemList;
use crate::noise::{CountTable, Noise};
use crate::progress::Progress;

/// One SQL file: a single SELECT whose result becomes the view `view`.
pub struct Stage {
    pub view: &'static str,
    pub file: &'static str,
    pub sql: &'static str,
}

macro_rules! stage {
    ($view:literal, $file:literal) => {
        Stage {
            view: $view,
            file: $file,
            sql: include_str!(concat!("../sql/", $file)),
        }
    };
}

/// Exact counts over the capped events (`sql/1*.sql`).
pub const COUNT_STAGES: [Stage; 6] = [
    stage!("capped_events", "10_capped_events.sql"),
    stage!("item_users", "11_item_users.sql"),
    stage!("pair_users", "12_pair_users.sql"),
    stage!("user_transitions", "13_user_transitions.sql"),
    stage!("transition_users", "14_transition_users.sql"),
    stage!("transition_sources", "15_transition_sources.sql"),
];

/// What is published, from the released counts (`sql/2*.sql`).
pub const PUBLISH_STAGES: [Stage; 3] = [
    stage!("popularity", "20_popularity.sql"),
    stage!("related", "21_related.sql"),
    stage!("next", "22_next.sql"),
];

/// The `params` table the SQL reads its settings from (one row).
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub k: u64,
    pub max_events_per_user: u64,
    /// Each user's latest distinct positive items that form `related` pairs.
    pub max_pair_items: u64,
    pub related: u64,
    pub next: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Neighbour {
    /// Position in the item list.
    pub item: u32,
    pub weight: f64,
}

/// Results indexed by item position.
#[derive(Debug)]
pub struct Aggregates {
    pub popularity: Vec<i64>,
    /// In the SQL's rank order: weight descending, then neighbour id.
    pub related: Vec<Vec<Neighbour>>,
    pub next: Vec<Vec<Neighbour>>,
}

/// Runs all stages. With `dump`, also writes the normalized input and the
/// results as Parquet for the Spark check.
pub async fn compute(
    items: &ItemList,
    events: &Events,
    params: Params,
    mut noise: Option<&mut Noise>,
    dump: Option<&Path>,
    progress: &Progress,
) -> Result<Aggregates> {
    let partitions = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let ctx =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    register(&ctx, "events", events_batches(events, partitions)?)?;
    register(&ctx, "items", vec![vec![items_batch(items)?]])?;
    register(&ctx, "params", vec![vec![params_batch(params)?]])?;

    for stage in &COUNT_STAGES {
        let df = ctx
            .sql(stage.sql)
            .await
            .map_err(|e| BuildError::engine(stage.file, e))?;
        // Materialized in memory (one partition) before the next stage reads
        // it, as the Spark job caches its count stages.
        let declared = Arc::new(df.schema().as_arrow().clone());
        let batches = df
            .collect()
            .await
            .map_err(|e| BuildError::engine(stage.file, e))?;
        let rows = rows_in(&batches);
        let schema = batches.first().map_or(declared, |b| b.schema());
        let table = MemTable::try_new(schema, vec![batches])
            .map_err(|e| BuildError::engine(stage.file, e))?;
        ctx.register_table(stage.view, Arc::new(table))
            .map_err(|e| BuildError::engine(stage.file, e))?;
        progress.say(format_args!("SQL {}: {rows} rows", stage.file));
    }

    for table in CountTable::ALL {
        let name = format!("released_{}", table.view());
        match noise.as_deref_mut() {
            None => {
                let df = ctx
                    .sql(&format!("SELECT * FROM {}", table.view()))
                    .await
                    .map_err(|e| BuildError::engine(&name, e))?;
                ctx.register_table(name.as_str(), df.into_view())
                    .map_err(|e| BuildError::engine(&name, e))?;
            }
            Some(noise) => {
                let batch = noisy_counts(&ctx, table, noise, items).await?;
                register(&ctx, &name, vec![vec![batch]])?;
            }
        }
    }
    if noise.is_some() {
        progress.say("Laplace noise added to the four count tables");
    }

    for stage in &PUBLISH_STAGES {
        let df = ctx
            .sql(stage.sql)
            .await
            .map_err(|e| BuildError::engine(stage.file, e))?;
        ctx.register_table(stage.view, df.into_view())
            .map_err(|e| BuildError::engine(stage.file, e))?;
    }
    let popularity_rows = collect(
        &ctx,
        "popularity",
        "SELECT item_no, popularity FROM popularity",
    )
    .await?;
    let related_rows = collect(
        &ctx,
        "related",
        "SELECT item_no, neighbour_no, weight, neighbour_rank FROM related",
    )
    .await?;
    let next_rows = collect(
        &ctx,
        "next",
        "SELECT item_no, neighbour_no, weight, neighbour_rank FROM next",
    )
    .await?;

    progress.say(format_args!(
        "SQL 2x published: popularity {} rows, related {} rows, next {} rows",
        rows_in(&popularity_rows),
        rows_in(&related_rows),
        rows_in(&next_rows)
    ));
    if let Some(dir) = dump {
        crate::dump::write(&ctx, dir).await?;
        progress.say(format_args!(
            "normalized events and SQL results written to {}",
            dir.display()
        ));
    }

    let n = items.items.len();
    let mut popularity = vec![0i64; n];
    for batch in &popularity_rows {
        let nos = int64s(batch, "item_no")?;
        let counts = int64s(batch, "popularity")?;
        for row in 0..batch.num_rows() {
            let slot = usize::try_from(nos.value(row))
                .ok()
                .and_then(|at| popularity.get_mut(at));
            let slot = slot.ok_or_else(|| {
                BuildError::engine(
                    "popularity",
                    format!("item number {} out of range", nos.value(row)),
                )
            })?;
            *slot = counts.value(row);
        }
    }
    Ok(Aggregates {
        popularity,
        related: neighbours(items, &related_rows, "related")?,
        next: neighbours(items, &next_rows, "next")?,
    })
}

fn rows_in(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

fn register(ctx: &SessionContext, name: &str, partitions: Vec<Vec<RecordBatch>>) -> Result<()> {
    let schema = partitions.iter().flatten().next().map(|b| b.schema());
    let schema = schema.ok_or_else(|| BuildError::engine(name, "no batches"))?;
    let table = MemTable::try_new(schema, partitions).map_err(|e| BuildError::engine(name, e))?;
    ctx.register_table(name, Arc::new(table))
        .map_err(|e| BuildError::engine(name, e))?;
    Ok(())
}

/// The normalized events table: user_no BIGINT (users numbered in order of
/// first appearance), item_no BIGINT (position in the item list), ts BIGINT
/// (ms), kind STRING, seq BIGINT (row number in the log, from 0). Numbers
/// instead of strings make the pair self-join several times cheaper.
pub fn events_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("user_no", DataType::Int64, false),
        Field::new("item_no", DataType::Int64, false),
        Field::new("ts", DataType::Int64, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("seq", DataType::Int64, false),
    ]))
}

fn events_batches(events: &Events, partitions: usize) -> Result<Vec<Vec<RecordBatch>>> {
    const BATCH_ROWS: usize = 64 * 1024;
    let schema = events_schema();
    let mut out: Vec<Vec<RecordBatch>> = vec![Vec::new(); partitions];
    let mut start = 0;
    let mut part = 0;
    while start < events.len() {
        let end = (start + BATCH_ROWS).min(events.len());
        let range = start..end;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(
                events.user.get(range.clone()).unwrap_or_default().to_vec(),
            )),
            Arc::new(Int64Array::from_iter_values(
                events
                    .item
                    .get(range.clone())
                    .unwrap_or_default()
                    .iter()
                    .map(|&i| i64::from(i)),
            )),
            Arc::new(Int64Array::from(
                events.ts.get(range.clone()).unwrap_or_default().to_vec(),
            )),
            Arc::new(StringArray::from_iter_values(
                events
                    .kind
                    .get(range.clone())
                    .unwrap_or_default()
                    .iter()
                    .map(|k| k.name()),
            )),
            Arc::new(Int64Array::from_iter_values(range.map(|i| i as i64))),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| BuildError::engine("events", e))?;
        if let Some(p) = out.get_mut(part % partitions) {
            p.push(batch);
        }
        part += 1;
        start = end;
    }
    out.retain(|p| !p.is_empty());
    if out.is_empty() {
        out.push(vec![RecordBatch::new_empty(schema)]);
    }
    Ok(out)
}

/// The items table: item_no BIGINT, item_id STRING (the site's id, which
/// breaks ties between equal weights).
fn items_batch(items: &ItemList) -> Result<RecordBatch> {
    let schema = Schema::new(vec![
        Field::new("item_no", DataType::Int64, false),
        Field::new("item_id", DataType::Utf8, false),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(0..items.items.len() as i64)),
        Arc::new(StringArray::from_iter_values(
            items.items.iter().map(|i| i.id.as_str()),
        )),
    ];
    RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| BuildError::engine("items", e))
}

fn params_batch(p: Params) -> Result<RecordBatch> {
    let names = [
        "k",
        "max_events_per_user",
        "max_pair_items",
        "related_limit",
        "next_limit",
    ];
    let values = [
        p.k,
        p.max_events_per_user,
        p.max_pair_items,
        p.related,
        p.next,
    ];
    let schema = Schema::new(
        names
            .iter()
            .map(|n| Field::new(*n, DataType::Int64, false))
            .collect::<Vec<_>>(),
    );
    let columns: Vec<ArrayRef> = values
        .iter()
        .map(|&v| Arc::new(Int64Array::from(vec![v as i64])) as ArrayRef)
        .collect();
    RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| BuildError::engine("params", e))
}

/// A count table with noise drawn in a fixed order (item list order, or key
/// order), so a seed reproduces the same file whatever the engine's
/// partitioning.
async fn noisy_counts(
    ctx: &SessionContext,
    table: CountTable,
    noise: &mut Noise,
    items: &ItemList,
) -> Result<RecordBatch> {
    let view = table.view();
    let keys = table.keys();
    let mut fields: Vec<Field> = keys
        .iter()
        .map(|k| Field::new(*k, DataType::Int64, false))
        .collect();
    fields.push(Field::new("users", DataType::Int64, false));
    let schema = Arc::new(Schema::new(fields));
    let mut key_columns: Vec<Vec<i64>> = vec![Vec::new(); keys.len()];
    let mut users: Vec<i64> = Vec::new();
    if table == CountTable::ItemUsers {
        // Every item of the public list gets noise, zero counts included:
        // otherwise having any user at all would show.
        let mut exact = vec![0i64; items.items.len()];
        for batch in &collect(ctx, view, "SELECT item_no, users FROM item_users").await? {
            let (nos, counts) = (int64s(batch, "item_no")?, int64s(batch, "users")?);
            for row in 0..batch.num_rows() {
                if let Some(slot) = usize::try_from(nos.value(row))
                    .ok()
                    .and_then(|i| exact.get_mut(i))
                {
                    *slot = counts.value(row);
                }
            }
        }
        if let Some(column) = key_columns.first_mut() {
            column.extend(0..exact.len() as i64);
        }
        users.extend(exact.into_iter().map(|count| noise.add(table, count)));
    } else {
        let list = keys.join(", ");
        for batch in &collect(
            ctx,
            view,
            &format!("SELECT {list}, users FROM {view} ORDER BY {list}"),
        )
        .await?
        {
            for (k, column) in keys.iter().zip(key_columns.iter_mut()) {
                column.extend(int64s(batch, k)?.values().iter().copied());
            }
            let counts = int64s(batch, "users")?;
            users.extend(counts.values().iter().map(|&c| noise.add(table, c)));
        }
    }
    let mut columns: Vec<ArrayRef> = key_columns
        .into_iter()
        .map(|c| Arc::new(Int64Array::from(c)) as ArrayRef)
        .collect();
    columns.push(Arc::new(Int64Array::from(users)));
    RecordBatch::try_new(schema, columns).map_err(|e| BuildError::engine(view, e))
}

pub async fn collect(ctx: &SessionContext, stage: &str, sql: &str) -> Result<Vec<RecordBatch>> {
    let df = ctx
        .sql(sql)
        .await
        .map_err(|e| BuildError::engine(stage, e))?;
    df.collect().await.map_err(|e| BuildError::engine(stage, e))
}

fn column(batch: &RecordBatch, name: &str, to: &DataType) -> Result<ArrayRef> {
    let col = batch
        .column_by_name(name)
        .ok_or_else(|| BuildError::engine(name, "column missing from the result"))?;
    cast(col, to).map_err(|e| BuildError::engine(name, e))
}

fn int64s(batch: &RecordBatch, name: &str) -> Result<Int64Array> {
    Ok(column(batch, name, &DataType::Int64)?
        .as_primitive::<Int64Type>()
        .clone())
}

fn neighbours(items: &ItemList, rows: &[RecordBatch], stage: &str) -> Result<Vec<Vec<Neighbour>>> {
    let mut ranked: Vec<Vec<(i64, Neighbour)>> = vec![Vec::new(); items.items.len()];
    for batch in rows {
        let froms = int64s(batch, "item_no")?;
        let tos = int64s(batch, "neighbour_no")?;
        let weights = column(batch, "weight", &DataType::Float64)?;
        let weights = weights.as_primitive::<Float64Type>();
        let ranks = int64s(batch, "neighbour_rank")?;
        for row in 0..batch.num_rows() {
            if froms.is_null(row) || tos.is_null(row) || weights.is_null(row) {
                return Err(BuildError::engine(stage, "null in a result row"));
            }
            let (from, to) = (froms.value(row), tos.value(row));
            let n = ranked.len();
            let list = usize::try_from(from).ok().and_then(|f| ranked.get_mut(f));
            let list = list.ok_or_else(|| {
                BuildError::engine(stage, format!("item number {from} out of range"))
            })?;
            let to = u32::try_from(to).ok().filter(|&t| (t as usize) < n);
            let to = to.ok_or_else(|| {
                BuildError::engine(stage, format!("neighbour number out of range in row {row}"))
            })?;
            list.push((
                ranks.value(row),
                Neighbour {
                    item: to,
                    weight: weights.value(row),
                },
            ));
        }
    }
    Ok(ranked
        .into_iter()
        .map(|mut list| {
            list.sort_by_key(|(rank, _)| *rank);
            list.into_iter().map(|(_, n)| n).collect()
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Spark script runs every `sql/*.sql` in file-name order; the
    /// builder runs the stages it lists. They must be the same files.
    #[test]
    fn stages_are_exactly_the_sql_files_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sql");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("sql dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let ours: Vec<&str> = COUNT_STAGES
            .iter()
            .chain(PUBLISH_STAGES.iter())
            .map(|s| s.file)
            .collect();
        assert_eq!(files, ours);
        for s in COUNT_STAGES.iter().chain(PUBLISH_STAGES.iter()) {
            assert!(
                s.file.ends_with(&format!("_{}.sql", s.view)),
                "{} should define view {}",
                s.file,
                s.view
            );
        }
        let released: Vec<&str> = CountTable::ALL.iter().map(|t| t.view()).collect();
        for view in released {
            assert!(
                COUNT_STAGES.iter().any(|s| s.view == view),
                "{view} is released but not computed"
            );
        }
    }
}
