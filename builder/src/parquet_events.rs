//! Reads an interaction log from Parquet: columns `user`, `item` (string or
//! integer), `timestamp` (integer ms, a Parquet timestamp, or an RFC 3339
//! string) and optionally `kind` (string). Rows are numbered from 1.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, Schema, TimeUnit};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::{BuildError, Location, Result};
use crate::events::{Sink, Timestamp};

const BATCH_ROWS: usize = 64 * 1024;

enum Times {
    Millis(Int64Array),
    Text(StringArray),
}

pub fn read_parquet(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let file = File::open(path).map_err(|e| BuildError::io(path, e))?;
    let unreadable = |e: &dyn std::fmt::Display| {
        BuildError::input(
            path,
            Location::File,
            format!("not a readable Parquet file: {e}"),
        )
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| unreadable(&e))?;
    let schema = builder.schema().clone();
    let user = required(path, &schema, "user")?;
    let item = required(path, &schema, "item")?;
    let timestamp = required(path, &schema, "timestamp")?;
    let kind = schema.index_of("kind").ok();
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| unreadable(&e))?;
    let mut row = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| unreadable(&e))?;
        let users = text(path, "user", batch.column(user))?;
        let items = text(path, "item", batch.column(item))?;
        let times = times(path, batch.column(timestamp))?;
        let kinds = match kind {
            Some(k) => Some(text(path, "kind", batch.column(k))?),
            None => None,
        };
        for i in 0..batch.num_rows() {
            row += 1;
            let at = Location::Row(row);
            let null = |name: &str| BuildError::input(path, at, format!("{name}: is null"));
            if users.is_null(i) {
                return Err(null("user"));
            }
            if items.is_null(i) {
                return Err(null("item"));
            }
            let ts = match &times {
                Times::Millis(a) if a.is_valid(i) => Timestamp::Millis(a.value(i)),
                Times::Text(a) if a.is_valid(i) => Timestamp::Text(a.value(i).trim()),
                _ => return Err(null("timestamp")),
            };
            let kind = kinds
                .as_ref()
                .and_then(|k| k.is_valid(i).then(|| k.value(i).trim()));
            sink.push(users.value(i).trim(), items.value(i).trim(), ts, kind, at)?;
        }
    }
    Ok(())
}

fn required(path: &Path, schema: &Schema, name: &str) -> Result<usize> {
    schema.index_of(name).map_err(|_| {
        let found: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        BuildError::input(
            path,
            Location::File,
            format!(
                "no column {name:?}; found: {}; expected: user,item,timestamp[,kind]",
                found.join(",")
            ),
        )
    })
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
        || matches!(t, DataType::Dictionary(_, v) if matches!(**v, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View))
}

/// A string or integer column as strings.
fn text(path: &Path, name: &str, column: &ArrayRef) -> Result<StringArray> {
    let t = column.data_type();
    if !(is_text(t) || t.is_integer()) {
        return Err(BuildError::input(
            path,
            Location::File,
            format!("column {name:?} has type {t}; allowed: string or integer"),
        ));
    }
    let cast_err = |e: &dyn std::fmt::Display| {
        BuildError::input(path, Location::File, format!("column {name:?}: {e}"))
    };
    let utf8 = cast(column, &DataType::Utf8).map_err(|e| cast_err(&e))?;
    Ok(utf8.as_string::<i32>().clone())
}

fn times(path: &Path, column: &ArrayRef) -> Result<Times> {
    let t = column.data_type().clone();
    let cast_err = |e: &dyn std::fmt::Display| {
        BuildError::input(path, Location::File, format!("column \"timestamp\": {e}"))
    };
    let ms: ArrayRef = match &t {
        DataType::Timestamp(_, _) => {
            let as_ms = cast(column, &DataType::Timestamp(TimeUnit::Millisecond, None)).map_err(|e| cast_err(&e))?;
            cast(&as_ms, &DataType::Int64).map_err(|e| cast_err(&e))?
        }
        t if t.is_integer() => cast(column, &DataType::Int64).map_err(|e| cast_err(&e))?,
        t if is_text(t) => {
            let utf8 = cast(column, &DataType::Utf8).map_err(|e| cast_err(&e))?;
            return Ok(Times::Text(utf8.as_string::<i32>().clone()));
        }
        other => {
            return Err(BuildError::input(
                path,
                Location::File,
                format!("column \"timestamp\" has type {other}; allowed: integer ms, timestamp, or RFC 3339 string"),
            ))
        }
    };
    let ms: Arc<dyn Array> = ms;
    Ok(Times::Millis(ms.as_primitive::<Int64Type>().clone()))
}
