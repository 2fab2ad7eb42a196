//! Parsing of single cells shared by every input format: timestamps, flags,
//! event kinds. Each returns a message naming the value and what is allowed;
//! the caller adds file, line and column.

use crate::error::quote;
use crate::limits::MAX_TIMESTAMP_MS;

/// What a person did with an item: the core's own event kinds, so the
/// builder reads exactly what the device records. Negative kinds are kept in
/// the log but count for nothing in popularity, `related` or `next`.
pub use ondevice::core::history::Kind;

/// A `kind` cell.
pub fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let allowed: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown kind {}; allowed: {}", quote(s), allowed.join(", "))
    })
}

/// A timestamp cell: integer milliseconds since the epoch, or an RFC 3339
/// date-time (`2024-03-01T12:00:00Z`, offsets allowed).
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    let ms = match s.parse::<i64>() {
        Ok(ms) => ms,
        Err(_) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => t.timestamp_millis(),
            Err(_) => {
                return Err(format!(
                    "{} is neither integer milliseconds since the epoch nor an RFC 3339 date-time (e.g. 2024-03-01T12:00:00Z)",
                    quote(s)
                ))
            }
        },
    };
    check_timestamp(ms).map_err(|m| format!("{}: {m}", quote(s)))
}

/// Timestamps are ms since 1970 up to the largest date JS can hold.
pub fn check_timestamp(ms: i64) -> Result<i64, String> {
    if (0..=MAX_TIMESTAMP_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(format!(
            "{ms} ms is out of range; allowed: 0..={MAX_TIMESTAMP_MS} (1970 to year 275760)"
        ))
    }
}

/// A flag cell: `true`/`false`/`1`/`0`, any case.
pub fn parse_flag(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!(
            "{} is not a flag; allowed: true, false, 1, 0",
            quote(s)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_accept_ms_and_rfc3339() {
        assert_eq!(parse_timestamp("1700000000000"), Ok(1_700_000_000_000));
        assert_eq!(
            parse_timestamp("2023-11-14T22:13:20Z"),
            Ok(1_700_000_000_000)
        );
        assert_eq!(
            parse_timestamp("2023-11-14T23:13:20+01:00"),
            Ok(1_700_000_000_000)
        );
        assert_eq!(
            parse_timestamp("2023-11-14T22:13:20.5Z"),
            Ok(1_700_000_000_500)
        );
        let e = parse_timestamp("yesterday").unwrap_err();
        assert!(e.contains("\"yesterday\"") && e.contains("RFC 3339"), "{e}");
        assert!(parse_timestamp("-5").unwrap_err().contains("out of range"));
        assert!(parse_timestamp("1.5").is_err());
        assert!(parse_timestamp("").is_err());
    }

    #[test]
    fn kinds_are_the_six_documented_ones() {
        for k in Kind::ALL {
            assert_eq!(parse_kind(k.name()), Ok(k));
        }
        let e = parse_kind("share").unwrap_err();
        assert!(e.contains("\"share\"") && e.contains("dismiss"), "{e}");
        assert!(parse_kind("View").is_err());
    }

    #[test]
    fn flags() {
        assert_eq!(parse_flag("TRUE"), Ok(true));
        assert_eq!(parse_flag("0"), Ok(false));
        assert!(parse_flag("yes").is_err());
    }
}
