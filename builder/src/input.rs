//! What the three text readers share: picking the format from the file
//! extension, finding CSV columns by header name, walking JSON Lines with line
//! numbers, and reading loosely typed JSON fields.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{quote, BuildError, Location, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
    Parquet,
}

impl Format {
    /// The format named by the extension, if `allowed` lists it.
    pub fn of(path: &Path, option: &'static str, allowed: &[Format]) -> Result<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let format = match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::JsonLines),
            "parquet" => Some(Format::Parquet),
            _ => None,
        };
        match format {
            Some(f) if allowed.contains(&f) => Ok(f),
            _ => {
                let names: Vec<&str> = allowed.iter().map(|f| f.extension()).collect();
                Err(BuildError::option(
                    option,
                    format!(
                        "{}: unknown extension {}; allowed: {}",
                        path.display(),
                        quote(&ext),
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => ".csv",
            Format::JsonLines => ".jsonl",
            Format::Parquet => ".parquet",
        }
    }
}

/// A CSV reader that trims cells and reports its header.
pub fn csv_reader(path: &Path) -> Result<(csv::Reader<File>, Header)> {
    let file = File::open(path).map_err(|e| BuildError::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file);
    let names = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    Ok((reader, Header { names }))
}

/// A csv crate error (bad UTF-8, wrong number of fields) with its line.
pub fn csv_error(path: &Path, e: csv::Error) -> BuildError {
    let line = e
        .position()
        .map(|p| Location::Line(p.line()))
        .unwrap_or(Location::File);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => BuildError::io(path, io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => BuildError::input(
            path,
            line,
            format!("row has {len} fields; the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { .. } => BuildError::input(path, line, "not valid UTF-8"),
        other => BuildError::input(path, line, format!("{other:?}")),
    }
}

pub struct Header {
    names: Vec<String>,
}

impl Header {
    pub fn optional(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The index of a required column, or an error listing what the header has.
    pub fn required(&self, path: &Path, name: &str, expected: &str) -> Result<usize> {
        self.optional(name).ok_or_else(|| {
            BuildError::input(
                path,
                Location::Line(1),
                format!(
                    "header has no column {name:?}; found: {}; expected: {expected}",
                    self.names.join(",")
                ),
            )
        })
    }
}

/// The cell of a record at `index`, empty when absent.
pub fn cell(record: &csv::StringRecord, index: Option<usize>) -> &str {
    index.and_then(|i| record.get(i)).unwrap_or("")
}

/// Calls `f` with each non-blank line of a JSON Lines file parsed as an object.
pub fn for_each_json_line(
    path: &Path,
    mut f: impl FnMut(&Map<String, Value>, Location) -> Result<()>,
) -> Result<()> {
    let file = File::open(path).map_err(|e| BuildError::io(path, e))?;
    let mut reader = BufReader::new(file);
    let mut text = String::new();
    let mut line_no = 0u64;
    loop {
        text.clear();
        line_no += 1;
        let read = reader.read_line(&mut text).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => {
                BuildError::input(path, Location::Line(line_no), "not valid UTF-8")
            }
            _ => BuildError::io(path, e),
        })?;
        if read == 0 {
            return Ok(());
        }
        if text.trim().is_empty() {
            continue;
        }
        let at = Location::Line(line_no);
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => f(&map, at)?,
            Ok(other) => {
                return Err(BuildError::input(
                    path,
                    at,
                    format!("expected a JSON object, found {}", kind_of(&other)),
                ))
            }
            Err(e) => return Err(BuildError::input(path, at, format!("invalid JSON: {e}"))),
        }
    }
}

/// A text field that may also be written as an integer (`"user": 42`).
/// Missing and `null` are `None`.
pub fn json_text<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
) -> Result<Option<Cow<'a, str>>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(Cow::Borrowed(s.trim()))),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(Cow::Owned(n.to_string()))),
        Some(other) => Err(format!(
            "{key}: expected a string or an integer, found {}",
            kind_of(other)
        )),
    }
}

/// A short description of a JSON value for error messages.
pub fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}
