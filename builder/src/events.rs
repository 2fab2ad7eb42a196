//! The interaction log: read row by row in Rust (so every error names its
//! line), validated against the item list, and kept as columns ready for the
//! SQL engine.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::error::{quote, BuildError, Location, Result};
use crate::fields::{check_timestamp, parse_kind, parse_timestamp, Kind};
use crate::input::{cell, csv_error, csv_reader, for_each_json_line, json_text, kind_of, Format};
use crate::items::ItemList;
use crate::progress::Progress;

/// The validated log, one entry per row in input order (the row's index is
/// its `seq`, which breaks timestamp ties).
#[derive(Debug, Default)]
pub struct Events {
    /// Pseudonymous user number: users are numbered in order of first
    /// appearance, so the original ids go no further than this reader.
    pub user: Vec<i64>,
    /// Position of the item in the site's item list.
    pub item: Vec<u32>,
    /// Milliseconds since the epoch.
    pub ts: Vec<i64>,
    pub kind: Vec<Kind>,
    /// Distinct users seen.
    pub users: usize,
}

impl Events {
    pub fn len(&self) -> usize {
        self.user.len()
    }

    pub fn is_empty(&self) -> bool {
        self.user.is_empty()
    }
}

/// A timestamp as the format gives it.
pub enum Timestamp<'a> {
    Text(&'a str),
    Millis(i64),
}

/// Validates and appends rows; shared by the CSV, JSON Lines and Parquet readers.
pub struct Sink<'a> {
    path: &'a Path,
    items: &'a ItemList,
    items_path: &'a Path,
    progress: &'a Progress,
    users: HashMap<String, i64>,
    events: Events,
}

impl<'a> Sink<'a> {
    pub fn push(
        &mut self,
        user: &str,
        item: &str,
        ts: Timestamp<'_>,
        kind: Option<&str>,
        at: Location,
    ) -> Result<()> {
        let bad = |m: String| BuildError::input(self.path, at, m);
        if user.is_empty() {
            return Err(bad("user: must not be empty".into()));
        }
        if item.is_empty() {
            return Err(bad("item: must not be empty".into()));
        }
        let Some(position) = self.items.position(item) else {
            return Err(bad(format!(
                "item {} is not in the item list ({})",
                quote(item),
                self.items_path.display()
            )));
        };
        let ts = match ts {
            Timestamp::Text(s) => parse_timestamp(s),
            Timestamp::Millis(ms) => check_timestamp(ms),
        }
        .map_err(|m| bad(format!("timestamp: {m}")))?;
        let kind = match kind {
            None | Some("") => Kind::View,
            Some(k) => parse_kind(k).map_err(|m| bad(format!("kind: {m}")))?,
        };
        let next_user = self.users.len() as i64;
        let user = *self.users.entry(user.to_string()).or_insert(next_user);
        self.events.user.push(user);
        self.events.item.push(position);
        self.events.ts.push(ts);
        self.events.kind.push(kind);
        self.progress.rows(self.path, self.events.len() as u64);
        Ok(())
    }

    fn finish(mut self) -> Result<Events> {
        if self.events.is_empty() {
            return Err(BuildError::input(
                self.path,
                Location::File,
                "no events; the log is empty",
            ));
        }
        self.events.users = self.users.len();
        Ok(self.events)
    }
}

/// Reads the log (`.csv`, `.jsonl` or `.parquet`) against the item list.
pub fn read_events(
    path: &Path,
    items: &ItemList,
    items_path: &Path,
    progress: &Progress,
) -> Result<Events> {
    let mut sink = Sink {
        path,
        items,
        items_path,
        progress,
        users: HashMap::new(),
        events: Events::default(),
    };
    match Format::of(
        path,
        "--events",
        &[Format::Csv, Format::JsonLines, Format::Parquet],
    )? {
        Format::Csv => read_csv(path, &mut sink)?,
        Format::JsonLines => read_json_lines(path, &mut sink)?,
        Format::Parquet => crate::parquet_events::read_parquet(path, &mut sink)?,
    }
    sink.finish()
}

fn read_csv(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    let (mut reader, header) = csv_reader(path)?;
    let expected = "user,item,timestamp[,kind]";
    let user = header.required(path, "user", expected)?;
    let item = header.required(path, "item", expected)?;
    let timestamp = header.required(path, "timestamp", expected)?;
    let kind = header.optional("kind");
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let at = Location::Line(record.position().map_or(0, |p| p.line()));
        let kind = kind.map(|k| cell(&record, Some(k)));
        sink.push(
            cell(&record, Some(user)),
            cell(&record, Some(item)),
            Timestamp::Text(cell(&record, Some(timestamp))),
            kind,
            at,
        )?;
    }
    Ok(())
}

fn read_json_lines(path: &Path, sink: &mut Sink<'_>) -> Result<()> {
    for_each_json_line(path, |obj, at| {
        let bad = |m: String| BuildError::input(path, at, m);
        let user = json_text(obj, "user")
            .map_err(bad)?
            .ok_or_else(|| bad("missing field \"user\"".into()))?;
        let item = json_text(obj, "item")
            .map_err(bad)?
            .ok_or_else(|| bad("missing field \"item\"".into()))?;
        let ts = match obj.get("timestamp") {
            None | Some(Value::Null) => return Err(bad("missing field \"timestamp\"".into())),
            Some(Value::String(s)) => Timestamp::Text(s.trim()),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(ms) => Timestamp::Millis(ms),
                None => {
                    return Err(bad(format!(
                        "timestamp: {n} is not integer milliseconds since the epoch"
                    )))
                }
            },
            Some(v) => {
                return Err(bad(format!(
                    "timestamp: expected integer ms or an RFC 3339 string, found {}",
                    kind_of(v)
                )))
            }
        };
        let kind = match obj.get("kind") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim()),
            Some(v) => {
                return Err(bad(format!(
                    "kind: expected a string, found {}",
                    kind_of(v)
                )))
            }
        };
        sink.push(&user, &item, ts, kind, at)
    })
}
