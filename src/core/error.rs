//! Typed errors of the core. The wasm shell turns them into JS `Error`
//! objects in exactly one place (`src/wasm/error.rs`).

use std::fmt;

/// Everything the core can refuse. Each variant names the offending field by
/// its path (`items[41].categories[2]`), the bad value and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Input that does not meet the documented format or limits.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// An operation needs a catalogue and none is loaded.
    #[error("{path}: no catalogue is loaded; call loadCatalogue first")]
    NoCatalogue { path: String },
    /// A privacy rule refuses the request (no opt-in, budget spent).
    #[error("{0}")]
    Refused(String),
}

impl Error {
    /// An invalid-input error. Messages are capped at `MAX_MESSAGE_BYTES`:
    /// a value quoted from hostile input (a megabyte string) must not become
    /// a megabyte error or storage notice.
    pub fn invalid(path: impl fmt::Display, message: impl fmt::Display) -> Self {
        Error::Invalid {
            path: cap(path.to_string(), MAX_MESSAGE_BYTES),
            message: cap(message.to_string(), MAX_MESSAGE_BYTES),
        }
    }

    /// `path: X is not allowed; allowed: ALLOWED`, for a number `x`.
    pub fn not_allowed(path: impl fmt::Display, x: f64, allowed: &str) -> Self {
        let mut message = super::json::display_f64(x);
        message.push_str(" is not allowed; allowed: ");
        message.push_str(allowed);
        Error::invalid(path, message)
    }

    /// The field path this error is about, for UIs that highlight a control.
    pub fn path(&self) -> &str {
        match self {
            Error::Invalid { path, .. } | Error::NoCatalogue { path } => path,
            Error::Refused(_) => "",
        }
    }
}

/// `root` + a path below it (`items[3].id`, or `.`/empty for the root).
pub(crate) fn join_path(root: &str, sub: &str) -> String {
    match sub {
        "" | "." | "?" => root.to_string(),
        s if s.starts_with('[') => format!("{root}{s}"),
        s if root.is_empty() => s.to_string(),
        s => format!("{root}.{s}"),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest path or message of an error, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 600;

/// `text` cut to at most `max` bytes on a character boundary, saying how long it was.
fn cap(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let len = text.len();
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&format!("… ({len} bytes in all)"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_like_js_accessors() {
        assert_eq!(
            join_path("catalogue", "items[3].id"),
            "catalogue.items[3].id"
        );
        assert_eq!(join_path("rank", "."), "rank");
        assert_eq!(join_path("ids", "[2]"), "ids[2]");
        assert_eq!(join_path("", "limit"), "limit");
    }

    #[test]
    fn messages_from_hostile_values_stay_short() {
        let e = Error::invalid(
            "import.data.history.events[0]",
            format!("invalid type: string {:?}", "é".repeat(500_000)),
        );
        assert!(
            e.to_string().len() < 2 * MAX_MESSAGE_BYTES,
            "{}",
            e.to_string().len()
        );
        assert!(
            e.to_string().ends_with("(1000023 bytes in all)"),
            "{}",
            &e.to_string()[e.to_string().len() - 40..]
        );
    }

    #[test]
    fn invalid_error_names_path_and_message() {
        let e = Error::invalid("preferences.variety", "1.5 is out of range; allowed: 0..1");
        assert_eq!(
            e.to_string(),
            "preferences.variety: 1.5 is out of range; allowed: 0..1"
        );
        assert_eq!(e.path(), "preferences.variety");
    }
}
