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

use serde_json::{json, Value};

use super::error::{join_path, Error, Result};
use super::history::History;
use super::limits::{check_id, quote, MAX_PROFILE_BYTES, MAX_TIMESTAMP_MS};
use super::preferences::{self, ChangeTimes, Preferences};
use super::privacy::Budget;

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

/// What reading a stored document found.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Ok(Profile),
    /// Written by a newer version of ondevice: not understood, not overwritten.
    Future(u64),
    /// Unreadable; the error says where.
    Corrupt(Error),
}

impl Profile {
    pub fn to_value(&self) -> Value {
        json!({
            "version": PROFILE_VERSION,
            "preferences": preferences::to_value(&self.preferences),
            "history": serde_json::to_value(&self.history).unwrap_or(Value::Null),
            "privacy": serde_json::to_value(&self.budget).unwrap_or(Value::Null),
            "changedAt": serde_json::to_value(&self.changed).unwrap_or(Value::Null),
            "epoch": self.epoch,
        })
    }

    /// Combines this tab's profile with what another tab stored. The epoch
    /// (time of the last forget or import) is a cutoff: on the side with the
    /// older epoch, preference changes and events from before the newer
    /// epoch are void (they were forgotten or replaced), but anything done
    /// after it is kept. Then preferences merge per field (latest change
    /// wins) and histories are united.
    pub fn merge(ours: &Profile, theirs: &Profile) -> Profile {
        let cutoff = ours.epoch.max(theirs.epoch);
        let (ours, theirs) = (ours.since(cutoff), theirs.since(cutoff));
        let (preferences, changed) = preferences::merge((&ours.preferences, &ours.changed), (&theirs.preferences, &theirs.changed));
        let budget = if ours.budget.spent > theirs.budget.spent { ours.budget.clone() } else { theirs.budget.clone() };
        Profile { preferences, history: History::merge(&ours.history, &theirs.history), budget, changed, epoch: cutoff }
    }

    /// This profile as seen from a forget or import at `cutoff`: unchanged if
    /// it is already of that epoch; otherwise only what changed at or after
    /// `cutoff` survives (preference fields changed since, events since).
    fn since(&self, cutoff: i64) -> Profile {
        if self.epoch >= cutoff {
            return self.clone();
        }
        let fresh = Profile::default();
        let changed: ChangeTimes = self.changed.iter().filter(|(_, &t)| t >= cutoff).map(|(k, &t)| (k.clone(), t)).collect();
        // Start from defaults and take only the fields changed since the cutoff.
        let (preferences, _) = preferences::merge((&self.preferences, &changed), (&fresh.preferences, &ChangeTimes::new()));
        let mut history = History::default();
        history.events = self.history.events.iter().filter(|e| e.at >= cutoff).cloned().collect();
        Profile { preferences, history, budget: Default::default(), changed, epoch: cutoff }
    }

    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Reads a stored document. Never panics; anything unexpected is `Corrupt`.
    pub fn decode(json: &str) -> Decoded {
        if json.len() > MAX_PROFILE_BYTES {
            return Decoded::Corrupt(Error::invalid("profile", format!("is {} bytes; allowed: at most {MAX_PROFILE_BYTES}", json.len())));
        }
        match serde_json::from_str::<Value>(json) {
            Ok(v) => Self::decode_value(&v, "profile"),
            Err(e) => Decoded::Corrupt(Error::invalid("profile", format!("is not valid JSON: {e}"))),
        }
    }

    pub fn decode_value(v: &Value, root: &str) -> Decoded {
        let Some(version) = v.get("version").and_then(Value::as_u64) else {
            return Decoded::Corrupt(Error::invalid(format!("{root}.version"), "missing or not a whole number"));
        };
        if version > PROFILE_VERSION {
            return Decoded::Future(version);
        }
        if version < 1 {
            return Decoded::Corrupt(Error::invalid(format!("{root}.version"), format!("{version} is not a known version; known: 1, 2")));
        }
        match Self::decode_fields(v, root, version) {
            Ok(p) => Decoded::Ok(p),
            Err(e) => Decoded::Corrupt(e),
        }
    }

    /// Reads version 1 or 2; version 1 lacks `changedAt` and `epoch`, which
    /// migrate to "never changed" and 0.
    fn decode_fields(v: &Value, root: &str, version: u64) -> Result<Profile> {
        let Value::Object(fields) = v else {
            return Err(Error::invalid(root, "expected an object"));
        };
        let known = |k: &str| match version {
            1 => matches!(k, "version" | "preferences" | "history" | "privacy"),
            _ => matches!(k, "version" | "preferences" | "history" | "privacy" | "changedAt" | "epoch"),
        };
        if let Some(k) = fields.keys().find(|k| !known(k)) {
            let list = if version == 1 { "version, preferences, history, privacy" } else { "version, preferences, history, privacy, changedAt, epoch" };
            return Err(Error::invalid(format!("{root}.{k}"), format!("unknown field in version {version}; known: {list}")));
        }
        let preferences = match fields.get("preferences") {
            Some(p) => Preferences::default().patched(p, &format!("{root}.preferences"), None)?,
            None => Preferences::default(),
        };
        let history: History = match fields.get("history") {
            Some(h) => from_value(h, &format!("{root}.history"))?,
            None => History::default(),
        };
        for (i, e) in history.events.iter().enumerate() {
            let path = format!("{root}.history.events[{i}]");
            check_id(&e.item).map_err(|m| Error::invalid(format!("{path}.item"), m))?;
            if e.at < 0 || e.at as f64 > MAX_TIMESTAMP_MS {
                return Err(Error::invalid(format!("{path}.at"), format!("{} is not a valid time", e.at)));
            }
            if i > 0 && history.events.get(i - 1).is_some_and(|prev| prev.at > e.at) {
                return Err(Error::invalid(format!("{path}.at"), "events are not in time order"));
            }
        }
        for (kind, &n) in &history.folded_counts {
            if n > MAX_SAFE_INTEGER {
                return Err(Error::invalid(format!("{root}.history.foldedCounts.{}", kind.name()), format!("{n} is not a count; allowed: at most {MAX_SAFE_INTEGER}")));
            }
        }
        for (id, &n) in &history.impressions.counts {
            if u64::from(n) > MAX_SAFE_INTEGER {
                return Err(Error::invalid(format!("{root}.history.impressions.counts[{}]", quote(id)), "is not a count"));
            }
        }
        for (id, f) in &history.folded {
            if !f.weight.is_finite() {
                return Err(Error::invalid(format!("{root}.history.folded[{}].weight", quote(id)), "is not a finite number"));
            }
        }
        let budget = match fields.get("privacy") {
            Some(b) => from_value::<Budget>(b, &format!("{root}.privacy"))?.validated(&format!("{root}.privacy"))?,
            None => Budget::default(),
        };
        let changed: ChangeTimes = match fields.get("changedAt") {
            Some(c) => from_value(c, &format!("{root}.changedAt"))?,
            None => ChangeTimes::new(),
        };
        if changed.len() > 2 * super::limits::MAX_CATEGORIES {
            return Err(Error::invalid(format!("{root}.changedAt"), "has more entries than there are preferences"));
        }
        let epoch = match fields.get("epoch") {
            None => 0,
            Some(e) => e.as_i64().filter(|t| *t >= 0).ok_or_else(|| Error::invalid(format!("{root}.epoch"), "expected a time in ms"))?,
        };
        Ok(Profile { preferences, history, budget, changed, epoch })
    }

    /// A versioned export of everything stored for this profile.
    pub fn export(&self, profile_name: &str, now: i64) -> Value {
        json!({
            "format": EXPORT_FORMAT,
            "version": PROFILE_VERSION,
            "profile": profile_name,
            "exportedAt": now,
            "data": self.to_value(),
        })
    }

    /// Reads an export file. Refuses anything that is not one, naming why.
    pub fn import(json: &str) -> Result<Profile> {
        if json.len() > MAX_PROFILE_BYTES {
            return Err(Error::invalid("import", format!("is {} bytes; allowed: at most {MAX_PROFILE_BYTES}", json.len())));
        }
        let v: Value = serde_json::from_str(json).map_err(|e| Error::invalid("import", format!("is not valid JSON: {e}")))?;
        if v.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
            return Err(Error::invalid("import.format", format!("expected \"{EXPORT_FORMAT}\"; this is not an ondevice export")));
        }
        let data = v.get("data").ok_or_else(|| Error::invalid("import.data", "missing"))?;
        match Self::decode_value(data, "import.data") {
            Decoded::Ok(p) => Ok(p),
            Decoded::Future(n) => Err(Error::invalid("import.data.version", format!("{n} is newer than this version of ondevice understands ({PROFILE_VERSION})"))),
            Decoded::Corrupt(e) => Err(e),
        }
    }
}

fn from_value<T: serde::de::DeserializeOwned>(v: &Value, root: &str) -> Result<T> {
    serde_path_to_error::deserialize(v).map_err(|e| Error::invalid(join_path(root, &e.path().to_string()), e.inner()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::history::{Event, Kind};

    fn sample() -> Profile {
        let mut p = Profile::default();
        p.preferences.history_consent = true;
        p.preferences.categories.insert("sci-fi".into(), 0.5);
        p.history.events.push(Event { item: "m1".into(), kind: Kind::Like, at: 1_000 });
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
        let file = p.export("default", 5).to_string();
        assert_eq!(Profile::import(&file).unwrap(), p);
    }

    #[test]
    fn future_versions_are_recognised_not_parsed() {
        assert_eq!(Profile::decode(r#"{"version": 7, "whatever": 1}"#), Decoded::Future(7));
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
        for (doc, path) in cases {
            match Profile::decode(doc) {
                Decoded::Corrupt(e) => assert_eq!(e.path(), path, "{e}"),
                other => panic!("{doc}: {other:?}"),
            }
        }
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
        assert!(matches!(Profile::decode(r#"{"version":1,"epoch":3}"#), Decoded::Corrupt(_)));
    }

    #[test]
    fn merge_unites_histories_and_respects_epochs() {
        let mut a = sample();
        let mut b = sample();
        b.history.events.push(Event { item: "m2".into(), kind: Kind::View, at: 2_000 });
        a.history.events.push(Event { item: "m3".into(), kind: Kind::View, at: 1_500 });
        let m = Profile::merge(&a, &b);
        let items: Vec<&str> = m.history.events.iter().map(|e| e.item.as_str()).collect();
        assert_eq!(items, ["m1", "m3", "m2"]);
        // A forget after everything either tab did wins whole.
        let forgotten = Profile { epoch: 9_000, ..Profile::default() };
        assert_eq!(Profile::merge(&a, &forgotten), forgotten);
        assert_eq!(Profile::merge(&forgotten, &a), forgotten);
    }

    #[test]
    fn a_forget_in_one_tab_keeps_what_the_other_tab_did_after_it() {
        use crate::core::preferences::stamp_changes;
        // Tab A forgot at t=100. Tab B, stale, had changed variety at t=50 and
        // recorded m1 at t=60; after the forget it changes personalization (t=150)
        // and records m2 (t=160).
        let forgot = Profile { epoch: 100, ..Profile::default() };
        let mut b = sample();
        let base = Preferences::default();
        let mut prefs = base.clone();
        prefs.variety = 0.9;
        stamp_changes(&base, &prefs.clone(), &mut b.changed, 50);
        let before = prefs.clone();
        prefs.personalization = 0.3;
        stamp_changes(&before, &prefs.clone(), &mut b.changed, 150);
        b.preferences = prefs;
        b.history.events = vec![Event { item: "m1".into(), kind: Kind::View, at: 60 }, Event { item: "m2".into(), kind: Kind::View, at: 160 }];
        for merged in [Profile::merge(&forgot, &b), Profile::merge(&b, &forgot)] {
            assert_eq!(merged.epoch, 100);
            assert_eq!(merged.preferences.personalization, 0.3, "kept: changed after the forget");
            assert_eq!(merged.preferences.variety, Preferences::default().variety, "void: changed before the forget");
            let items: Vec<&str> = merged.history.events.iter().map(|e| e.item.as_str()).collect();
            assert_eq!(items, ["m2"]);
        }
    }

    #[test]
    fn counts_beyond_two_to_the_53_are_corrupt() {
        let doc = format!(r#"{{"version":2,"history":{{"foldedCounts":{{"view":{}}}}}}}"#, u64::MAX);
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
