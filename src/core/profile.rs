//! The stored profile (preferences + history) and its JSON schema. The
//! stored document carries a schema `version`; an export wraps it with a
//! format tag so a file can be recognised and imported back.

use serde_json::{json, Value};

use super::error::{join_path, Error, Result};
use super::history::History;
use super::limits::{check_id, quote, MAX_PROFILE_BYTES, MAX_TIMESTAMP_MS};
use super::preferences::{self, Preferences};
use super::privacy::Budget;

/// Schema version written by this build.
pub const PROFILE_VERSION: u64 = 1;
/// `format` tag of an export file.
pub const EXPORT_FORMAT: &str = "ondevice-export";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub preferences: Preferences,
    pub history: History,
    pub budget: Budget,
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
        })
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
        // Version 1 is the first schema; older versions would be migrated here.
        if version < 1 {
            return Decoded::Corrupt(Error::invalid(format!("{root}.version"), format!("{version} is not a known version; known: 1")));
        }
        match Self::decode_v1(v, root) {
            Ok(p) => Decoded::Ok(p),
            Err(e) => Decoded::Corrupt(e),
        }
    }

    fn decode_v1(v: &Value, root: &str) -> Result<Profile> {
        let Value::Object(fields) = v else {
            return Err(Error::invalid(root, "expected an object"));
        };
        if let Some(k) = fields.keys().find(|k| !matches!(k.as_str(), "version" | "preferences" | "history" | "privacy")) {
            return Err(Error::invalid(format!("{root}.{k}"), "unknown field; known: version, preferences, history, privacy"));
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
        for (id, f) in &history.folded {
            if !f.weight.is_finite() {
                return Err(Error::invalid(format!("{root}.history.folded[{}].weight", quote(id)), "is not a finite number"));
            }
        }
        let budget = match fields.get("privacy") {
            Some(b) => from_value::<Budget>(b, &format!("{root}.privacy"))?.validated(&format!("{root}.privacy"))?,
            None => Budget::default(),
        };
        Ok(Profile { preferences, history, budget })
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
            Decoded::Future(n) => Err(Error::invalid("import.data.version", format!("{n} is newer than this version of ondevice understands (1)"))),
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
    fn import_refuses_non_exports() {
        let e = Profile::import(&sample().to_json()).unwrap_err();
        assert_eq!(e.path(), "import.format");
        let e = Profile::import("{\"format\":\"ondevice-export\",\"data\":{\"version\":1,\"preferences\":{\"personalization\":9}}}").unwrap_err();
        assert_eq!(e.path(), "import.data.preferences.personalization");
    }
}
