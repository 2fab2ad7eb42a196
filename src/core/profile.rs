//! The stored profile (preferences + history) and its JSON schema. The
//! stored document carries a schema `version`; an export wraps it with a
//! format tag so a file can be recognised and imported back.
//!
//! Schema history:
//! - 1: `preferences`, `history`, `privacy`.
//! - 2: adds `changedAt` (per preference field, the time of its last change)
//!   and `epoch` (time of the last forget or import), so that two tabs'
//!   writes merge per field. Version 1 documents are migrated on read: no
//!   change times (every field loses a tie to the other tab) and epoch 0.

use super::error::{Error, Result};
use super::history::History;
use super::json::{Fields, JsonError, Kind, Reader, ToJson, Writer};
use super::limits::{check_id, quote, MAX_PROFILE_BYTES, MAX_TIMESTAMP_MS};
use super::preferences::{self, ChangeTimes, Preferences};
use super::privacy::Budget;
use super::typed_values::{whole_number, Checked};

/// Largest integer JS represents exactly; counts above it are not counts.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Schema version written by this build.
pub const PROFILE_VERSION: u64 = 2;
/// `format` tag of an export file.
pub const EXPORT_FORMAT: &str = "ondevice-export";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub preferences: Preferences,
    pub history: History,
    pub budget: Budget,
    /// Preference field (or `categories.<id>`) -> ms of its last change.
    pub changed: ChangeTimes,
    /// Ms of the last forget or import: histories merge only within one epoch.
    pub epoch: i64,
}

/// What reading a stored document found. Returned once per load and
/// matched at once, so the size difference between variants costs nothing;
/// boxing the profile would cost an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Ok(Profile),
    /// Written by a newer version of ondevice: not understood, not overwritten.
    Future(u64),
    /// Unreadable; the error says where.
    Corrupt(Error),
}

/// The stored document: `{"changedAt","epoch","history","preferences",
/// "privacy","version"}` (alphabetical, as it has always been written).
impl ToJson for Profile {
    fn write_json(&self, w: &mut Writer) {
        self.write_with_history(w, &self.history.to_json());
    }
}

impl Profile {
    /// The stored document with `history` (this profile's history, already
    /// written) in place: history is most of the bytes and changes less
    /// often than the rest, so the store keeps it written between saves.
    pub fn write_with_history(&self, w: &mut Writer, history: &str) {
        w.raw("{").key("changedAt");
        preferences::write_changes(&self.changed, w);
        w.key("epoch")
            .integer(self.epoch)
            .key("history")
            .raw(history);
        w.key("preferences");
        self.preferences.write_json(w);
        w.key("privacy");
        self.budget.write_json(w);
        w.key("version").integer(PROFILE_VERSION as i64).raw("}");
    }
}

/// `N` when `text` ends with `,"version":N}` or `{"version":N}` (top-level:
/// the last `}` closes the object that holds the key), without reading the
/// rest: the stored form writes its version last.
fn trailing_version(text: &str) -> Option<u64> {
    let body = text.trim_end().strip_suffix('}')?.trim_end();
    let digits_at = body.rfind(|c: char| !c.is_ascii_digit())? + 1;
    let digits = body.get(digits_at..)?;
    let key = body
        .get(..digits_at)?
        .trim_end()
        .strip_suffix(':')?
        .trim_end()
        .strip_suffix("\"version\"")?;
    if !key.trim_end().ends_with([',', '{']) || digits.is_empty() || digits.len() > 3 {
        return None;
    }
    digits.parse().ok()
}

/// An export file: the stored document wrapped with what it is.
pub struct Export<'a> {
    pub profile: &'a Profile,
    pub name: &'a str,
    pub now: i64,
}

impl ToJson for Export<'_> {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{").key("data");
        self.profile.write_json(w);
        w.key("exportedAt")
            .integer(self.now)
            .key("format")
            .string(EXPORT_FORMAT);
        w.key("profile")
            .string(self.name)
            .key("version")
            .integer(PROFILE_VERSION as i64)
            .raw("}");
    }
}

impl Profile {
    /// Combines this tab's profile with what another tab stored. The epoch
    /// (time of the last forget or import) is a cutoff: on the side with the
    /// older epoch, preference changes and events from before the newer
    /// epoch are void (they were forgotten or replaced), but anything done
    /// after it is kept. Then preferences merge per field (latest change
    /// wins) and histories are united.
    pub fn merge(ours: &Profile, theirs: &Profile) -> Profile {
        let cutoff = ours.epoch.max(theirs.epoch);
        let (ours, theirs) = (ours.since(cutoff), theirs.since(cutoff));
        let (preferences, changed) = preferences::merge(
            (&ours.preferences, &ours.changed),
            (&theirs.preferences, &theirs.changed),
        );
        let budget = if ours.budget.spent > theirs.budget.spent {
            ours.budget.clone()
        } else {
            theirs.budget.clone()
        };
        Profile {
            preferences,
            history: History::merge(&ours.history, &theirs.history),
            budget,
            changed,
            epoch: cutoff,
        }
    }

    /// This profile as seen from a forget or import at `cutoff`: unchanged if
    /// it is already of that epoch; otherwise only what changed at or after
    /// `cutoff` survives (preference fields changed since, events since).
    fn since(&self, cutoff: i64) -> Profile {
        if self.epoch >= cutoff {
            return self.clone();
        }
        let fresh = Profile::default();
        let mut changed = self.changed.clone();
        changed.retain(|_, t| *t >= cutoff);
        // Start from defaults and take only the fields changed since the cutoff.
        let (preferences, _) = preferences::merge(
            (&self.preferences, &changed),
            (&fresh.preferences, &ChangeTimes::new()),
        );
        let mut history = History::default();
        history.events = self
            .history
            .events
            .iter()
            .filter(|e| e.at >= cutoff)
            .cloned()
            .collect();
        Profile {
            preferences,
            history,
            budget: Default::default(),
            changed,
            epoch: cutoff,
        }
    }

    /// Reads a stored document. Never panics; anything unexpected is `Corrupt`.
    pub fn decode(json: &str) -> Decoded {
        if json.len() > MAX_PROFILE_BYTES {
            return Decoded::Corrupt(Error::invalid(
                "profile",
                format!(
                    "is {} bytes; allowed: at most {MAX_PROFILE_BYTES}",
                    json.len()
                ),
            ));
        }
        Self::decode_in(json, "profile")
    }

    /// Reads the document `text` (stored, or an export's `data`), naming
    /// fields under `root`. The version is read first, in a pass of its own:
    /// a newer version's document may have any shape and is not parsed.
    fn decode_in(text: &str, root: &str) -> Decoded {
        if let Some(version @ 1..=PROFILE_VERSION) = trailing_version(text) {
            // As this module writes it: the version is the last key. A
            // document that is not what it seems still fails in the full read.
            return match Self::decode_fields(text, root, version) {
                Ok(p) => Decoded::Ok(p),
                Err(e) => Decoded::Corrupt(e),
            };
        }
        let mut version: Option<Option<u64>> = None;
        let mut r = Reader::new(text);
        let scan = if r.peek().is_ok_and(|k| k != Kind::Object) {
            r.skip().and_then(|()| r.finish())
        } else {
            r.object("an object", |r, key| {
                if key != "version" {
                    return r.skip();
                }
                let start = r.offset();
                r.skip()?;
                version = Some(r.source(start, r.offset()).trim_start().parse::<u64>().ok());
                Ok(())
            })
            .and_then(|()| r.finish())
        };
        if let Err(e) = scan {
            return Decoded::Corrupt(Error::invalid(
                root,
                format!("is not valid JSON: {}", e.message()),
            ));
        }
        let Some(Some(version)) = version else {
            return Decoded::Corrupt(Error::invalid(
                format!("{root}.version"),
                "missing or not a whole number",
            ));
        };
        if version > PROFILE_VERSION {
            return Decoded::Future(version);
        }
        if version < 1 {
            return Decoded::Corrupt(Error::invalid(
                format!("{root}.version"),
                format!("{version} is not a known version; known: 1, 2"),
            ));
        }
        match Self::decode_fields(text, root, version) {
            Ok(p) => Decoded::Ok(p),
            Err(e) => Decoded::Corrupt(e),
        }
    }

    /// Reads version 1 or 2; version 1 lacks `changedAt` and `epoch`, which
    /// migrate to "never changed" and 0.
    fn decode_fields(text: &str, root: &str, version: u64) -> Result<Profile> {
        let mut p = Profile::default();
        let mut checked = Checked::default();
        let mut r = Reader::new(text);
        // A field given twice is refused, as in every other document.
        let mut seen = Fields::new(&[
            "version",
            "preferences",
            "history",
            "privacy",
            "changedAt",
            "epoch",
        ]);
        let read = r.object("an object", |r, key| {
            seen.see(r, key)?;
            let path = crate::core::store::concat(&[root, ".", key]);
            let known = match version {
                1 => matches!(key, "version" | "preferences" | "history" | "privacy"),
                _ => matches!(
                    key,
                    "version" | "preferences" | "history" | "privacy" | "changedAt" | "epoch"
                ),
            };
            if !known {
                let list = if version == 1 {
                    "version, preferences, history, privacy"
                } else {
                    "version, preferences, history, privacy, changedAt, epoch"
                };
                return Err(checked.fail(Error::invalid(
                    path,
                    format!("unknown field in version {version}; known: {list}"),
                )));
            }
            let sub = |e: JsonError| e.into_error(&path);
            let outcome = match key {
                "version" => return r.skip(),
                "preferences" => Preferences::default()
                    .patched(r, &path, None)
                    .map(|x| p.preferences = x),
                "history" => History::read(r).map(|h| p.history = h).map_err(sub),
                "privacy" => Budget::read(r, &path).map(|b| p.budget = b),
                "changedAt" => preferences::read_changes(r)
                    .map(|c| p.changed = c)
                    .map_err(sub),
                _ => match whole_number::<i64>(r, "i64") {
                    Ok(t) if t >= 0 => {
                        p.epoch = t;
                        Ok(())
                    }
                    _ => Err(Error::invalid(&path, "expected a time in ms")),
                },
            };
            outcome.map_err(|e| checked.fail(e))
        });
        checked.finish(read, root)?;
        let history = &p.history;
        for (i, e) in history.events.iter().enumerate() {
            let path = |field: &str| format!("{root}.history.events[{i}].{field}");
            check_id(&e.item).map_err(|m| Error::invalid(path("item"), m))?;
            if e.at < 0 || e.at as f64 > MAX_TIMESTAMP_MS {
                return Err(Error::invalid(
                    path("at"),
                    format!("{} is not a valid time", e.at),
                ));
            }
            if i > 0 && history.events.get(i - 1).is_some_and(|prev| prev.at > e.at) {
                return Err(Error::invalid(path("at"), "events are not in time order"));
            }
        }
        for (kind, &n) in history.folded_counts.iter() {
            if n > MAX_SAFE_INTEGER {
                return Err(Error::invalid(
                    format!("{root}.history.foldedCounts.{}", kind.name()),
                    format!("{n} is not a count; allowed: at most {MAX_SAFE_INTEGER}"),
                ));
            }
        }
        for (id, f) in history.folded.iter() {
            if !f.weight.is_finite() {
                return Err(Error::invalid(
                    format!("{root}.history.folded[{}].weight", quote(id)),
                    "is not a finite number",
                ));
            }
        }
        Ok(p)
    }

    /// A versioned export of everything stored for this profile.
    pub fn export<'a>(&'a self, profile_name: &'a str, now: i64) -> Export<'a> {
        Export {
            profile: self,
            name: profile_name,
            now,
        }
    }

    /// Reads an export file. Refuses anything that is not one, naming why.
    pub fn import(json: &str) -> Result<Profile> {
        if json.len() > MAX_PROFILE_BYTES {
            return Err(Error::invalid(
                "import",
                format!(
                    "is {} bytes; allowed: at most {MAX_PROFILE_BYTES}",
                    json.len()
                ),
            ));
        }
        // One pass for the format tag and where `data` is; `data` is read
        // only once the file is known to be an export.
        let (mut format_ok, mut data) = (false, None);
        let mut r = Reader::new(json);
        let scan = if r.peek().is_ok_and(|k| k != Kind::Object) {
            r.skip().and_then(|()| r.finish())
        } else {
            // An export's two fields, each at most once (others are skipped).
            let mut seen = Fields::new(&["format", "data"]);
            r.object("an object", |r, key| {
                seen.see(r, key)?;
                let start = r.offset();
                match key {
                    "format" if r.peek()? == Kind::String => {
                        format_ok = r.string()? == EXPORT_FORMAT
                    }
                    "data" => {
                        r.skip()?;
                        data = Some((start, r.offset()));
                    }
                    _ => r.skip()?,
                }
                Ok(())
            })
            .and_then(|()| r.finish())
        };
        scan.map_err(|e| Error::invalid("import", format!("is not valid JSON: {}", e.message())))?;
        if !format_ok {
            return Err(Error::invalid(
                "import.format",
                format!("expected \"{EXPORT_FORMAT}\"; this is not an ondevice export"),
            ));
        }
        let (start, end) = data.ok_or_else(|| Error::invalid("import.data", "missing"))?;
        match Self::decode_in(json.get(start..end).unwrap_or(""), "import.data") {
            Decoded::Ok(p) => Ok(p),
            Decoded::Future(n) => Err(Error::invalid(
                "import.data.version",
                format!(
                    "{n} is newer than this version of ondevice understands ({PROFILE_VERSION})"
                ),
            )),
            Decoded::Corrupt(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::history::{Event, Kind};

    fn sample() -> Profile {
        let mut p = Profile::default();
        p.preferences.history_consent = true;
        p.preferences.categories.insert("sci-fi".into(), 0.5);
        p.history.events.push(Event {
            item: "m1".into(),
            kind: Kind::Like,
            at: 1_000,
        });
        p
    }

    #[test]
    fn stored_document_round_trips() {
        let p = sample();
        assert_eq!(Profile::decode(&p.to_json()), Decoded::Ok(p));
    }

    #[test]
    fn export_import_round_trips() {
        let p = sample();
        let file = p.export("default", 5).to_json();
        assert_eq!(Profile::import(&file).unwrap(), p);
    }

    /// Written by the serde-based code this replaced (commit 48ddb7e), from
    /// the profile `full()` builds: stored profiles and exports stay
    /// byte-for-byte what they were, and read back to the same profile.
    const STORED_BY_SERDE: &str = r#"{"changedAt":{"categories.drama":98,"variety":99},"epoch":42,"history":{"events":[{"at":1000,"item":"m1","kind":"like"},{"at":2000,"item":"q\"x","kind":"dismiss"}],"folded":{"drama":{"at":500,"weight":1.25e-7}},"foldedCounts":{"purchase":3,"view":7},"impressions":{"counts":{"m2":4},"day":20000}},"preferences":{"blocked":["horror"],"categories":{"drama":-1.0,"sci-fi":0.5},"frequencyCap":3,"historyConsent":true,"personalization":1.0,"retentionDays":90,"sensitive":["health"],"shareStatistics":false,"variety":0.35},"privacy":{"memo":[{"input":["a"],"report":{"bits":[1,0],"categories":["a","b"],"epsilon":2.0,"format":"ondevice-ldp-report","mechanism":"oue","p":0.5,"q":0.2689414213699951,"version":1}}],"periodStart":123,"spent":2.0},"version":2}"#;

    fn full() -> Profile {
        use crate::core::history::Folded;
        use crate::core::privacy::{Memo, Report};
        let mut p = Profile::default();
        p.preferences.history_consent = true;
        p.preferences.categories.insert("sci-fi".into(), 0.5);
        p.preferences.categories.insert("drama".into(), -1.0);
        p.preferences.blocked = vec!["horror".into()];
        p.preferences.sensitive = vec!["health".into()];
        p.preferences.variety = 0.35;
        p.history.events.push(Event {
            item: "m1".into(),
            kind: Kind::Like,
            at: 1_000,
        });
        p.history.events.push(Event {
            item: "q\"x".into(),
            kind: Kind::Dismiss,
            at: 2_000,
        });
        p.history.folded.insert(
            "drama".into(),
            Folded {
                weight: 1.25e-7,
                at: 500,
            },
        );
        p.history.folded_counts.insert(Kind::Purchase, 3);
        p.history.folded_counts.insert(Kind::View, 7);
        p.history.impressions.day = 20_000;
        p.history.impressions.counts.insert("m2".into(), 4);
        p.budget.period_start = Some(123);
        p.budget.spent = 2.0;
        let report = Report {
            format: "ondevice-ldp-report".into(),
            version: 1,
            mechanism: "oue".into(),
            epsilon: 2.0,
            p: 0.5,
            q: 0.2689414213699951,
            categories: vec!["a".into(), "b".into()],
            bits: vec![1, 0],
        };
        p.budget.memo.push(Memo {
            input: vec!["a".into()],
            report,
        });
        p.changed.insert("variety".into(), 99);
        p.changed.insert("categories.drama".into(), 98);
        p.epoch = 42;
        p
    }

    #[test]
    fn stored_form_is_what_the_serde_code_wrote() {
        assert_eq!(full().to_json(), STORED_BY_SERDE);
        assert_eq!(Profile::decode(STORED_BY_SERDE), Decoded::Ok(full()));
        let export = full().export("default", 5).to_json();
        assert_eq!(
            export,
            format!(
                r#"{{"data":{STORED_BY_SERDE},"exportedAt":5,"format":"ondevice-export","profile":"default","version":2}}"#
            )
        );
        assert_eq!(Profile::import(&export), Ok(full()));
    }

    /// A stored profile or an import that gives a top-level field twice is
    /// corrupt, as every other document refuses a repeated key.
    #[test]
    fn a_field_given_twice_is_corrupt() {
        let stored = STORED_BY_SERDE.replacen(r#""epoch":"#, r#""epoch":1,"epoch":"#, 1);
        assert_ne!(stored, STORED_BY_SERDE, "the sample has an epoch");
        match Profile::decode(&stored) {
            Decoded::Corrupt(e) => {
                assert_eq!(e.path(), "profile.epoch", "{e}");
                assert!(e.to_string().contains("duplicate field `epoch`"), "{e}");
            }
            other => panic!("accepted: {other:?}"),
        }
        let export = full().export("default", 5).to_json().replacen(
            r#""history":"#,
            r#""history":{},"history":"#,
            1,
        );
        let e = Profile::import(&export).unwrap_err();
        assert!(e.to_string().contains("duplicate field `history`"), "{e}");
    }

    #[test]
    fn every_field_of_the_stored_form_is_checked() {
        let cases = [
            (
                r#"{"version":2,"history":{"events":[{"item":"m1","kind":"view","at":1.5}]}}"#,
                "profile.history.events[0].at",
            ),
            (
                r#"{"version":2,"history":{"events":[{"item":"m1","kind":"view"}]}}"#,
                "profile.history.events[0].at",
            ),
            (
                r#"{"version":2,"history":{"folded":{"drama":{"weight":"x","at":1}}}}"#,
                "profile.history.folded.drama.weight",
            ),
            (
                r#"{"version":2,"history":{"foldedCounts":{"stare":1}}}"#,
                "profile.history.foldedCounts.stare",
            ),
            (
                r#"{"version":2,"history":{"impressions":{"day":1,"counts":{"m1":-1}}}}"#,
                "profile.history.impressions.counts.m1",
            ),
            (
                r#"{"version":2,"history":{"impressions":{"day":1}}}"#,
                "profile.history.impressions.counts",
            ),
            (
                r#"{"version":2,"history":{"extra":[]}}"#,
                "profile.history.extra",
            ),
            (
                r#"{"version":2,"privacy":{"spent":-1}}"#,
                "profile.privacy.spent",
            ),
            (
                r#"{"version":2,"privacy":{"memo":[{"input":[]}]}}"#,
                "profile.privacy.memo[0].report",
            ),
            (
                r#"{"version":2,"privacy":{"memo":[{"input":[],"report":{"bits":[2]}}]}}"#,
                "profile.privacy.memo[0].report.format",
            ),
            (
                r#"{"version":2,"privacy":{"periodStart":"soon"}}"#,
                "profile.privacy.periodStart",
            ),
            (
                r#"{"version":2,"changedAt":{"variety":"now"}}"#,
                "profile.changedAt.variety",
            ),
            (r#"{"version":2,"epoch":-3}"#, "profile.epoch"),
            (
                r#"{"version":2,"preferences":{"blocked":[3]}}"#,
                "profile.preferences.blocked[0]",
            ),
            (r#"{"version":2.0}"#, "profile.version"),
            (r#"[1,"#, "profile"),
        ];
        assert_corrupt_at(&cases);
    }

    /// Each document decodes as corrupt, with the error at that path.
    fn assert_corrupt_at(cases: &[(&str, &str)]) {
        for &(doc, path) in cases {
            match Profile::decode(doc) {
                Decoded::Corrupt(e) => assert_eq!(e.path(), path, "{doc}: {e}"),
                other => panic!("{doc}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_trailing_version_is_read_only_at_the_top_level() {
        assert_eq!(trailing_version(r#"{"version":2}"#), Some(2));
        assert_eq!(
            trailing_version(" {\"x\":[1], \"version\" : 1 }\n"),
            Some(1)
        );
        assert_eq!(trailing_version(r#"{"a":{"version":2}}"#), None);
        assert_eq!(trailing_version(r#"{"a\"version":2}"#), None);
        assert_eq!(trailing_version(r#"{"xversion":2}"#), None);
        assert_eq!(trailing_version(r#"{"version":"2"}"#), None);
        assert_eq!(trailing_version(r#"["version":2}"#), None);
        // Whatever the shortcut finds, the document is still read in full.
        assert!(matches!(
            Profile::decode(r#"{"history":{"events":[1]},"version":2}"#),
            Decoded::Corrupt(_)
        ));
        assert_eq!(
            Profile::decode(r#"{"preferences":{},"version":9}"#),
            Decoded::Future(9)
        );
        assert!(
            matches!(Profile::decode(r#"{"epoch":1,"version":1}"#), Decoded::Corrupt(e) if e.path() == "profile.epoch")
        );
    }

    #[test]
    fn future_versions_are_recognised_not_parsed() {
        assert_eq!(
            Profile::decode(r#"{"version": 7, "whatever": 1}"#),
            Decoded::Future(7)
        );
    }

    #[test]
    fn corrupt_documents_say_where() {
        let cases = [
            ("{\"version\":1,\"preferences\":{\"variety\":3}}", "profile.preferences.variety"),
            ("{\"version\":1,\"history\":{\"events\":[{\"item\":\"m1\",\"kind\":\"stare\",\"at\":1}]}}", "profile.history.events[0].kind"),
            ("{\"version\":1,\"history\":{\"events\":[{\"item\":\"m1\",\"kind\":\"view\",\"at\":-5}]}}", "profile.history.events[0].at"),
            ("{\"version\":1,\"extra\":1}", "profile.extra"),
            ("{\"preferences\":{}}", "profile.version"),
            ("{\"version\":1,\"pref", "profile"),
            ("[1,2]", "profile.version"),
        ];
        assert_corrupt_at(&cases);
    }

    #[test]
    fn version_1_documents_are_migrated() {
        let v1 = r#"{"version":1,"preferences":{"variety":0.6},"history":{"events":[{"item":"m1","kind":"view","at":5}]},"privacy":{"spent":2.0}}"#;
        match Profile::decode(v1) {
            Decoded::Ok(p) => {
                assert_eq!(p.preferences.variety, 0.6);
                assert_eq!(p.history.events.len(), 1);
                assert_eq!(p.budget.spent, 2.0);
                assert!(p.changed.is_empty());
                assert_eq!(p.epoch, 0);
                // Written back as the current version.
                assert!(p.to_json().contains("\"version\":2"));
            }
            other => panic!("{other:?}"),
        }
        // Version 2 fields are not accepted in a version 1 document.
        assert!(matches!(
            Profile::decode(r#"{"version":1,"epoch":3}"#),
            Decoded::Corrupt(_)
        ));
    }

    #[test]
    fn merge_unites_histories_and_respects_epochs() {
        let mut a = sample();
        let mut b = sample();
        b.history.events.push(Event {
            item: "m2".into(),
            kind: Kind::View,
            at: 2_000,
        });
        a.history.events.push(Event {
            item: "m3".into(),
            kind: Kind::View,
            at: 1_500,
        });
        let m = Profile::merge(&a, &b);
        let items: Vec<&str> = m.history.events.iter().map(|e| e.item.as_str()).collect();
        assert_eq!(items, ["m1", "m3", "m2"]);
        // A forget after everything either tab did wins whole.
        let forgotten = Profile {
            epoch: 9_000,
            ..Profile::default()
        };
        assert_eq!(Profile::merge(&a, &forgotten), forgotten);
        assert_eq!(Profile::merge(&forgotten, &a), forgotten);
    }

    #[test]
    fn a_forget_in_one_tab_keeps_what_the_other_tab_did_after_it() {
        use crate::core::preferences::stamp_changes;
        // Tab A forgot at t=100. Tab B, stale, had changed variety at t=50 and
        // recorded m1 at t=60; after the forget it changes personalization (t=150)
        // and records m2 (t=160).
        let forgot = Profile {
            epoch: 100,
            ..Profile::default()
        };
        let mut b = sample();
        let base = Preferences::default();
        let mut prefs = base.clone();
        prefs.variety = 0.9;
        stamp_changes(&base, &prefs.clone(), &mut b.changed, 50);
        let before = prefs.clone();
        prefs.personalization = 0.3;
        stamp_changes(&before, &prefs.clone(), &mut b.changed, 150);
        b.preferences = prefs;
        b.history.events = vec![
            Event {
                item: "m1".into(),
                kind: Kind::View,
                at: 60,
            },
            Event {
                item: "m2".into(),
                kind: Kind::View,
                at: 160,
            },
        ];
        for merged in [Profile::merge(&forgot, &b), Profile::merge(&b, &forgot)] {
            assert_eq!(merged.epoch, 100);
            assert_eq!(
                merged.preferences.personalization, 0.3,
                "kept: changed after the forget"
            );
            assert_eq!(
                merged.preferences.variety,
                Preferences::default().variety,
                "void: changed before the forget"
            );
            let items: Vec<&str> = merged
                .history
                .events
                .iter()
                .map(|e| e.item.as_str())
                .collect();
            assert_eq!(items, ["m2"]);
        }
    }

    #[test]
    fn counts_beyond_two_to_the_53_are_corrupt() {
        let doc = format!(
            r#"{{"version":2,"history":{{"foldedCounts":{{"view":{}}}}}}}"#,
            u64::MAX
        );
        match Profile::decode(&doc) {
            Decoded::Corrupt(e) => assert_eq!(e.path(), "profile.history.foldedCounts.view", "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn import_refuses_non_exports() {
        let e = Profile::import(&sample().to_json()).unwrap_err();
        assert_eq!(e.path(), "import.format");
        let e = Profile::import("{\"format\":\"ondevice-export\",\"data\":{\"version\":1,\"preferences\":{\"personalization\":9}}}").unwrap_err();
        assert_eq!(e.path(), "import.data.preferences.personalization");
    }
}
