//! One error type for the whole build. Every input error names the file, the
//! line (text formats) or row (Parquet), the bad value and what is allowed.

use std::fmt;
use std::path::Path;

/// Where in an input file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// 1-based line of a CSV or JSON Lines file.
    Line(u64),
    /// 1-based data row of a Parquet file.
    Row(u64),
    /// The file as a whole (missing header, empty file).
    File,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Input that does not meet the documented format.
    #[error("{file}{at}: {message}")]
    Input {
        file: String,
        at: At,
        message: String,
    },
    /// An option out of its allowed range.
    #[error("{option}: {message}")]
    Option {
        option: &'static str,
        message: String,
    },
    /// The output would break a limit of the core library.
    #[error("output: {0}")]
    Output(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The SQL engine refused a query (a bug in `builder/sql`, not in the input).
    #[error("SQL stage {stage}: {message}")]
    Engine { stage: String, message: String },
}

/// `Location` formatted after a file name: `events.csv:7`, `events.parquet row 7`.
#[derive(Debug, Clone, Copy)]
pub struct At(pub Location);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Location::Line(n) => write!(f, ":{n}"),
            Location::Row(n) => write!(f, " row {n}"),
            Location::File => Ok(()),
        }
    }
}

impl BuildError {
    pub fn input(file: &Path, at: Location, message: impl fmt::Display) -> Self {
        BuildError::Input {
            file: file.display().to_string(),
            at: At(at),
            message: message.to_string(),
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        BuildError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn option(option: &'static str, message: impl fmt::Display) -> Self {
        BuildError::Option {
            option,
            message: message.to_string(),
        }
    }

    pub fn engine(stage: &str, err: impl fmt::Display) -> Self {
        BuildError::Engine {
            stage: stage.to_string(),
            message: err.to_string(),
        }
    }
}

pub type Result<T, E = BuildError> = std::result::Result<T, E>;

/// A value shown in an error, shortened so a 1 MB cell does not become a
/// 1 MB message: the core's own rule.
pub use ondevice::core::limits::quote;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_name_file_and_line_or_row() {
        let e = BuildError::input(Path::new("ev.csv"), Location::Line(7), "bad");
        assert_eq!(e.to_string(), "ev.csv:7: bad");
        let e = BuildError::input(Path::new("ev.parquet"), Location::Row(3), "bad");
        assert_eq!(e.to_string(), "ev.parquet row 3: bad");
        let e = BuildError::input(Path::new("ev.csv"), Location::File, "empty");
        assert_eq!(e.to_string(), "ev.csv: empty");
    }

    #[test]
    fn quote_shortens_on_char_boundaries() {
        let q = quote(&"é".repeat(100));
        assert!(q.ends_with("(200 bytes)"), "{q}");
        assert_eq!(quote("ab"), "\"ab\"");
    }
}
