//! `--dump-normalized DIR`: the validated events and items tables, the parameters and the
//! builder's SQL results as Parquet, so `scripts/spark_equivalence.py` can run
//! the same SQL on Spark and compare. The events keep per-user rows (with
//! pseudonymous user numbers): treat the directory as raw data, not as
//! something to publish.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::SessionContext;

use crate::error::{BuildError, Result};

const TABLES: [(&str, &str); 6] = [
    ("events", "SELECT user_no, item_no, ts, kind, seq FROM events ORDER BY seq"),
    ("items", "SELECT item_no, item_id FROM items ORDER BY item_no"),
    ("params", "SELECT k, max_events_per_user, max_pair_items, related_limit, next_limit FROM params"),
    ("popularity", "SELECT item_no, popularity FROM popularity ORDER BY item_no"),
    ("related", "SELECT item_no, neighbour_no, weight, neighbour_rank FROM related ORDER BY item_no, neighbour_rank"),
    ("next", "SELECT item_no, neighbour_no, weight, neighbour_rank FROM next ORDER BY item_no, neighbour_rank"),
];

pub async fn write(ctx: &SessionContext, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    for (name, sql) in TABLES {
        let df = ctx
            .sql(sql)
            .await
            .map_err(|e| BuildError::engine(name, e))?;
        let declared = Arc::new(df.schema().as_arrow().clone());
        let batches = df
            .collect()
            .await
            .map_err(|e| BuildError::engine(name, e))?;
        let schema = batches.first().map_or(declared, |b| b.schema());
        let path = dir.join(format!("{name}.parquet"));
        let file = File::create(&path).map_err(|e| BuildError::io(&path, e))?;
        let failed = |e: &dyn std::fmt::Display| {
            BuildError::engine(name, format!("writing {}: {e}", path.display()))
        };
        let mut writer = ArrowWriter::try_new(file, schema, None).map_err(|e| failed(&e))?;
        for batch in &batches {
            writer.write(batch).map_err(|e| failed(&e))?;
        }
        writer.close().map_err(|e| failed(&e))?;
    }
    Ok(())
}
