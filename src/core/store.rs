//! Persistence: a small `Store` trait (localStorage in the shell, memory in
//! tests) and the `Session` that keeps one profile written through to it.
//!
//! Rules: every change is written at once; a failing store never fails the
//! operation (the module keeps working in memory and reports it); a full store
//! compacts history and retries, never dropping preferences; an unreadable
//! stored value is moved to a quarantine key before anything overwrites it; a
//! value from a newer version is left untouched.

use litemap::LiteMap;

use super::catalogue::Catalogue;
use super::history::History;
use super::json::{ToJson, Writer};
use super::profile::{Decoded, Profile, PROFILE_VERSION};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No storage at all (disabled, sandboxed, private mode).
    Unavailable(String),
    /// The write would exceed the quota.
    QuotaExceeded,
    /// Anything else the browser threw.
    Failed(String),
}

/// Where a profile lives. Keys are namespaced by the session.
pub trait Store {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn save(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    fn clear(&mut self, key: &str) -> Result<(), StoreError>;
}

/// Keeps nothing beyond the object's life. With `quota` and `unavailable`
/// it also stands in for a full or missing browser storage in tests.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    pub map: LiteMap<String, String>,
    /// Total bytes of keys + values allowed.
    pub quota: Option<usize>,
    pub unavailable: bool,
}

impl Store for MemoryStore {
    fn load(&self, key: &str) -> Result<Option<String>, StoreError> {
        if self.unavailable {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        Ok(self.map.get(key).cloned())
    }

    fn save(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        if self.unavailable {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        if let Some(q) = self.quota {
            let others: usize = self
                .map
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum();
            if others + key.len() + value.len() > q {
                return Err(StoreError::QuotaExceeded);
            }
        }
        self.map.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn clear(&mut self, key: &str) -> Result<(), StoreError> {
        if self.unavailable {
            return Err(StoreError::Unavailable("storage is disabled".into()));
        }
        self.map.remove(key);
        Ok(())
    }
}

/// Something that went wrong with storage, reported in `profileSummary`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Notice {
    pub code: &'static str,
    pub message: String,
}

impl ToJson for Notice {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("code")
            .string(self.code)
            .key("message")
            .string(&self.message)
            .raw("}");
    }
}

const MAX_NOTICES: usize = 10;

// Concatenated, not `format!`ted: opening a profile runs (so the browser
// compiles, on that first call) none of the formatting machinery.
pub fn profile_key(name: &str) -> String {
    concat(&["ondevice:profile:", name])
}

pub fn quarantine_key(name: &str) -> String {
    concat(&["ondevice:quarantine:", name])
}

/// `parts.concat()` without the generic join that std instantiates for it
/// (1.2 KB of wasm, a second copy beside the one `[String]::join` needs).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

pub struct Session<S: Store> {
    store: S,
    key: String,
    quarantine: String,
    pub profile: Profile,
    /// The stored string as last read or written: if storage holds something
    /// else, another tab wrote it and we re-read before changing anything.
    last_seen: Option<String>,
    /// The history last written and its JSON: a save whose history is equal
    /// (a preference change, most saves) reuses the text instead of writing
    /// thousands of events again. Equality is checked, so it is never stale.
    written_history: Option<(History, String)>,
    persistent: bool,
    /// A newer version's value is stored: never overwrite it.
    read_only: bool,
    notices: Vec<Notice>,
}

impl<S: Store> Session<S> {
    pub fn open(store: S, name: &str, now: i64) -> Self {
        let mut s = Session {
            store,
            key: profile_key(name),
            quarantine: quarantine_key(name),
            profile: Profile::default(),
            last_seen: None,
            written_history: None,
            persistent: true,
            read_only: false,
            notices: Vec::new(),
        };
        s.sync(now, None);
        s
    }

    pub fn persistent(&self) -> bool {
        self.persistent && !self.read_only
    }

    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Bytes this profile occupies in storage (0 when not persisted).
    pub fn bytes_stored(&self) -> usize {
        self.last_seen
            .as_ref()
            .map_or(0, |s| s.len() + self.key.len())
    }

    fn notice(&mut self, code: &'static str, message: String) {
        if self.notices.len() == MAX_NOTICES {
            self.notices.remove(0);
        }
        self.notices.push(Notice { code, message });
    }

    /// Merges what storage holds if another tab changed it. Call before
    /// every change, and when the browser reports a `storage` event.
    /// Returns true when the profile changed.
    pub fn sync(&mut self, now: i64, catalogue: Option<&Catalogue>) -> bool {
        if !self.persistent || self.read_only {
            return false;
        }
        let stored = match self.store.load(&self.key) {
            Ok(v) => v,
            Err(e) => {
                self.persistent = false;
                self.notice(
                    "storageUnavailable",
                    format!(
                        "storage cannot be read ({}); working in memory only",
                        describe(&e)
                    ),
                );
                return false;
            }
        };
        if stored == self.last_seen {
            return false;
        }
        let Some(text) = stored else {
            // Another tab forgot everything.
            self.profile = Profile::default();
            self.last_seen = None;
            return true;
        };
        match Profile::decode(&text) {
            Decoded::Ok(theirs) => {
                // Another tab wrote (or this is the first read). Merge rather
                // than adopt: if that tab wrote from a stale read, this tab's
                // latest changes would otherwise be lost.
                let write_back;
                let mut merged;
                if self.profile == Profile::default() {
                    // Nothing here to lose (a tab opening): adopt it as it is,
                    // without the copies a merge makes, and write back only
                    // what the retention rules change.
                    merged = theirs;
                    let before = merged.history.shape();
                    merged
                        .history
                        .enforce(now, merged.preferences.retention_days, catalogue);
                    write_back = merged.history.shape() != before;
                } else {
                    merged = Profile::merge(&self.profile, &theirs);
                    merged
                        .history
                        .enforce(now, merged.preferences.retention_days, catalogue);
                    write_back = merged != theirs;
                }
                self.profile = merged;
                self.last_seen = Some(text);
                if write_back {
                    self.persist(now, catalogue);
                }
            }
            Decoded::Future(v) => {
                self.read_only = true;
                self.notice("futureVersion", format!("the stored profile has schema version {v}, newer than this version understands ({PROFILE_VERSION}); it is left untouched and this page works in memory only"));
            }
            Decoded::Corrupt(err) => self.quarantine(&text, &err, now),
        }
        true
    }

    fn quarantine(&mut self, text: &str, err: &super::error::Error, now: i64) {
        let key = self.quarantine.clone();
        match self.store.save(&key, text) {
            Ok(()) => {
                // A tab that already holds a valid profile keeps it and writes
                // it back (something overwrote storage while it was open); a
                // tab that is just opening starts clean.
                let kept = self.last_seen.is_some();
                let what = if kept {
                    "this page's profile was kept and written back"
                } else {
                    "the profile starts clean"
                };
                self.notice("quarantined", format!("the stored profile could not be read ({err}); it was moved to the key \"{key}\" and {what}"));
                if !kept {
                    self.profile = Profile::default();
                }
                self.last_seen = Some(text.to_string());
                self.persist(now, None);
            }
            Err(e) => {
                // Overwriting would lose the only copy: keep it, work in memory.
                self.read_only = true;
                self.notice("unreadable", format!("the stored profile could not be read ({err}) nor copied aside ({}); it is left untouched and this page works in memory only", describe(&e)));
            }
        }
    }

    /// Writes the profile through. On a full store, compacts history and
    /// retries; preferences are never dropped.
    pub fn persist(&mut self, _now: i64, catalogue: Option<&Catalogue>) {
        if !self.persistent || self.read_only {
            return;
        }
        let mut compactions = 0;
        loop {
            let text = self.profile_json();
            match self.store.save(&self.key, &text) {
                Ok(()) => {
                    self.last_seen = Some(text);
                    if compactions > 0 {
                        self.notice("quotaCompacted", format!("storage was full; the oldest history was folded into per-category counts ({compactions} compaction(s))"));
                    }
                    return;
                }
                Err(StoreError::QuotaExceeded) if !self.profile.history.is_empty() => {
                    compactions += 1;
                    if self.profile.history.events.is_empty() {
                        // Folded sums and impressions are all that is left.
                        self.profile.history = Default::default();
                    } else {
                        self.profile.history.compact(catalogue);
                    }
                }
                Err(e) => {
                    self.persistent = false;
                    self.notice("writeFailed", format!("the profile could not be saved ({}); changes are kept in memory for this page only", describe(&e)));
                    return;
                }
            }
        }
    }

    /// The profile's stored form, reusing the last written history's text
    /// when the history has not changed since.
    fn profile_json(&mut self) -> String {
        let history = &self.profile.history;
        let written = match self.written_history.take() {
            Some((h, json)) if h == *history => (h, json),
            _ => (history.clone(), history.to_json()),
        };
        let mut w = Writer::new();
        self.profile.write_with_history(&mut w, &written.1);
        self.written_history = Some(written);
        w.out
    }

    /// Deletes every key this session's profile wrote, and resets it. The
    /// new epoch makes the reset win over any other tab's older profile.
    pub fn forget(&mut self, now: i64) -> Result<(), StoreError> {
        self.profile = Profile {
            epoch: now,
            ..Profile::default()
        };
        self.last_seen = None;
        self.read_only = false;
        self.notices.clear();
        let result = self
            .store
            .clear(&self.key)
            .and(self.store.clear(&self.quarantine));
        match result {
            // Nothing reachable was stored.
            Err(StoreError::Unavailable(_)) => Ok(()),
            Err(e) => Err(e),
            Ok(()) => {
                // Storage works again for this session.
                self.persistent = true;
                Ok(())
            }
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }
}

pub fn describe(e: &StoreError) -> String {
    match e {
        StoreError::Unavailable(m) => format!("unavailable: {m}"),
        StoreError::QuotaExceeded => "quota exceeded".into(),
        StoreError::Failed(m) => m.clone(),
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
