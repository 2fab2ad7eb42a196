//! Progress lines on stderr: what was done and the time since the start, so a
//! long run on a large log shows it is moving.

use std::time::Instant;

/// Rows between two "still reading" lines.
pub const ROWS_PER_REPORT: u64 = 1_000_000;

pub struct Progress {
    start: Instant,
    quiet: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            start: Instant::now(),
            quiet,
        }
    }

    /// One line: `[   1.23s] message`.
    pub fn say(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("[{:>8.2}s] {message}", self.start.elapsed().as_secs_f64());
        }
    }

    /// Called once per row read; speaks every `ROWS_PER_REPORT` rows.
    pub fn rows(&self, file: &std::path::Path, rows: u64) {
        if rows.is_multiple_of(ROWS_PER_REPORT) {
            self.say(format_args!("{}: {rows} rows read", file.display()));
        }
    }

    pub fn seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
}
