//! What the person chose with the sliders. Changes arrive as partial
//! objects; each field is checked and the whole patch is applied only if every
//! field is valid, so a bad value changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use super::catalogue::Catalogue;
use super::error::{Error, Result};
use super::limits::{check_id, quote, MAX_CATEGORIES};

pub const DEFAULT_PERSONALIZATION: f64 = 1.0;
pub const DEFAULT_VARIETY: f64 = 0.2;
pub const DEFAULT_FREQUENCY_CAP: u32 = 3;
pub const MAX_FREQUENCY_CAP: u32 = 100;
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
pub const MAX_RETENTION_DAYS: u32 = 365;

const FIELDS: &str = "personalization, categories, blocked, sensitive, variety, frequencyCap, historyConsent, retentionDays, shareStatistics";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    /// 0..1: how strongly to personalize; 0 is exactly the site's own order.
    pub personalization: f64,
    /// Category id -> -1 ("less") .. +1 ("more"). Zero entries are not kept.
    pub categories: BTreeMap<String, f64>,
    /// Categories never shown.
    pub blocked: BTreeSet<String>,
    /// Sensitive categories the person explicitly turned on.
    pub sensitive: BTreeSet<String>,
    /// 0..1: how much the top of the list is diversified across categories.
    pub variety: f64,
    /// Times one item may be shown per day before it is pushed down.
    pub frequency_cap: u32,
    /// Until true, nothing is recorded.
    pub history_consent: bool,
    /// 1..365: days history is kept.
    pub retention_days: u32,
    /// Opt-in to locally randomized statistics reports.
    pub share_statistics: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            personalization: DEFAULT_PERSONALIZATION,
            categories: BTreeMap::new(),
            blocked: BTreeSet::new(),
            sensitive: BTreeSet::new(),
            variety: DEFAULT_VARIETY,
            frequency_cap: DEFAULT_FREQUENCY_CAP,
            history_consent: false,
            retention_days: DEFAULT_RETENTION_DAYS,
            share_statistics: false,
        }
    }
}

impl Preferences {
    /// Returns these preferences with `patch` applied, or the first invalid
    /// field. `root` prefixes paths in errors (`preferences`, or
    /// `profile.preferences` when reading storage). With a catalogue, category
    /// references are checked against it.
    pub fn patched(&self, patch: &Value, root: &str, catalogue: Option<&Catalogue>) -> Result<Preferences> {
        let Value::Object(fields) = patch else {
            return Err(Error::invalid(root, format!("expected an object, found {}", kind_of(patch))));
        };
        let mut next = self.clone();
        for (key, value) in fields {
            let path = format!("{root}.{key}");
            match key.as_str() {
                "personalization" => next.personalization = unit(&path, value, 0.0)?,
                "variety" => next.variety = unit(&path, value, 0.0)?,
                "categories" => patch_sliders(&mut next.categories, &path, value, catalogue)?,
                "blocked" => next.blocked = category_set(&path, value, catalogue, false)?,
                "sensitive" => next.sensitive = category_set(&path, value, catalogue, true)?,
                "frequencyCap" => next.frequency_cap = whole(&path, value, 1, MAX_FREQUENCY_CAP)?,
                "retentionDays" => next.retention_days = whole(&path, value, 1, MAX_RETENTION_DAYS)?,
                "historyConsent" => next.history_consent = flag(&path, value)?,
                "shareStatistics" => next.share_statistics = flag(&path, value)?,
                _ => return Err(Error::invalid(path, format!("unknown field; known: {FIELDS}"))),
            }
        }
        Ok(next)
    }

    /// The slider value for a category (0 when never moved).
    pub fn slider(&self, category: &str) -> f64 {
        self.categories.get(category).copied().unwrap_or(0.0)
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null (NaN and Infinity become null in JSON)".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("{n}"),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A number in `low..=1`.
fn unit(path: &str, v: &Value, low: f64) -> Result<f64> {
    match v.as_f64() {
        Some(x) if (low..=1.0).contains(&x) => Ok(x + 0.0),
        _ => Err(Error::invalid(path, format!("{} is not allowed; allowed: a number from {low} to 1", kind_of(v)))),
    }
}

fn whole(path: &str, v: &Value, low: u32, high: u32) -> Result<u32> {
    let ok = v.as_f64().filter(|x| x.fract() == 0.0 && *x >= f64::from(low) && *x <= f64::from(high));
    match ok {
        Some(x) => Ok(x as u32),
        None => Err(Error::invalid(path, format!("{} is not allowed; allowed: a whole number from {low} to {high}", kind_of(v)))),
    }
}

fn flag(path: &str, v: &Value) -> Result<bool> {
    v.as_bool().ok_or_else(|| Error::invalid(path, format!("{} is not allowed; allowed: true or false", kind_of(v))))
}

fn check_category(path: &str, id: &str, catalogue: Option<&Catalogue>, sensitive_only: bool) -> Result<()> {
    check_id(id).map_err(|m| Error::invalid(path, format!("category id {m}")))?;
    let Some(cat) = catalogue else { return Ok(()) };
    let Some(c) = cat.category(id).and_then(|c| cat.category_at(c)) else {
        return Err(Error::invalid(path, format!("unknown category {}; known: {}", quote(id), cat.known_categories())));
    };
    if sensitive_only && !c.sensitive {
        return Err(Error::invalid(path, format!("{} is not a sensitive category; only sensitive categories are listed here", quote(id))));
    }
    Ok(())
}

fn patch_sliders(sliders: &mut BTreeMap<String, f64>, path: &str, v: &Value, catalogue: Option<&Catalogue>) -> Result<()> {
    let Value::Object(map) = v else {
        return Err(Error::invalid(path, format!("expected an object of category id -> number from -1 to 1, found {}", kind_of(v))));
    };
    let mut next = sliders.clone();
    for (id, x) in map {
        let p = format!("{path}[{}]", quote(id));
        check_category(&p, id, catalogue, false)?;
        let value = match x.as_f64() {
            Some(x) if (-1.0..=1.0).contains(&x) => x + 0.0,
            _ => return Err(Error::invalid(p, format!("{} is not allowed; allowed: a number from -1 to 1", kind_of(x)))),
        };
        if value == 0.0 {
            next.remove(id);
        } else {
            next.insert(id.clone(), value);
        }
    }
    if next.len() > MAX_CATEGORIES {
        return Err(Error::invalid(path, format!("{} sliders; allowed: at most {MAX_CATEGORIES}", next.len())));
    }
    *sliders = next;
    Ok(())
}

fn category_set(path: &str, v: &Value, catalogue: Option<&Catalogue>, sensitive_only: bool) -> Result<BTreeSet<String>> {
    let Value::Array(ids) = v else {
        return Err(Error::invalid(path, format!("expected an array of category ids, found {}", kind_of(v))));
    };
    if ids.len() > MAX_CATEGORIES {
        return Err(Error::invalid(path, format!("{} entries; allowed: at most {MAX_CATEGORIES}", ids.len())));
    }
    let mut out = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Value::String(id) = id else {
            return Err(Error::invalid(p, format!("expected a category id, found {}", kind_of(id))));
        };
        check_category(&p, id, catalogue, sensitive_only)?;
        out.insert(id.clone());
    }
    Ok(out)
}

/// Change-time keys: one per field, and one per category slider
/// (`categories.<id>`), so that two tabs changing different sliders merge.
pub type ChangeTimes = BTreeMap<String, i64>;

/// Records `now` for every field (and slider) that differs between `old` and `new`.
pub fn stamp_changes(old: &Preferences, new: &Preferences, changed: &mut ChangeTimes, now: i64) {
    let mut stamp = |key: &str, differs: bool| {
        if differs {
            changed.insert(key.to_string(), now);
        }
    };
    stamp("personalization", old.personalization != new.personalization);
    stamp("blocked", old.blocked != new.blocked);
    stamp("sensitive", old.sensitive != new.sensitive);
    stamp("variety", old.variety != new.variety);
    stamp("frequencyCap", old.frequency_cap != new.frequency_cap);
    stamp("historyConsent", old.history_consent != new.history_consent);
    stamp("retentionDays", old.retention_days != new.retention_days);
    stamp("shareStatistics", old.share_statistics != new.share_statistics);
    for id in old.categories.keys().chain(new.categories.keys()) {
        stamp(&format!("categories.{id}"), old.slider(id) != new.slider(id));
    }
}

/// Per-field last-writer-wins merge of two tabs' preferences: each field
/// (and each slider) comes from the side that changed it last; ties keep
/// `theirs` (what storage holds).
pub fn merge(ours: (&Preferences, &ChangeTimes), theirs: (&Preferences, &ChangeTimes)) -> (Preferences, ChangeTimes) {
    let (a, ca) = ours;
    let (b, cb) = theirs;
    let time = |c: &ChangeTimes, k: &str| c.get(k).copied().unwrap_or(i64::MIN);
    let mine = |k: &str| time(ca, k) > time(cb, k);
    let mut out = b.clone();
    if mine("personalization") {
        out.personalization = a.personalization;
    }
    if mine("blocked") {
        out.blocked = a.blocked.clone();
    }
    if mine("sensitive") {
        out.sensitive = a.sensitive.clone();
    }
    if mine("variety") {
        out.variety = a.variety;
    }
    if mine("frequencyCap") {
        out.frequency_cap = a.frequency_cap;
    }
    if mine("historyConsent") {
        out.history_consent = a.history_consent;
    }
    if mine("retentionDays") {
        out.retention_days = a.retention_days;
    }
    if mine("shareStatistics") {
        out.share_statistics = a.share_statistics;
    }
    for id in a.categories.keys().map(String::as_str).chain(ca.keys().filter_map(|k| k.strip_prefix("categories."))) {
        if mine(&format!("categories.{id}")) {
            match a.categories.get(id) {
                Some(&v) => out.categories.insert(id.to_string(), v),
                None => out.categories.remove(id),
            };
        }
    }
    let mut changed = cb.clone();
    for (k, &t) in ca {
        if t > time(cb, k) {
            changed.insert(k.clone(), t);
        }
    }
    (out, changed)
}

/// The preferences as a JSON object (for storage and export).
pub fn to_value(p: &Preferences) -> Value {
    serde_json::to_value(p).unwrap_or_else(|_| Value::Object(Map::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_documented_values() {
        let p = Preferences::default();
        assert_eq!(p.personalization, 1.0);
        assert_eq!(p.frequency_cap, 3);
        assert_eq!(p.retention_days, 90);
        assert!(!p.history_consent);
        assert!(!p.share_statistics);
    }

    #[test]
    fn patch_applies_every_field() {
        let p = Preferences::default()
            .patched(
                &json!({"personalization": 0.5, "variety": 0, "categories": {"sci-fi": 0.5}, "blocked": ["horror"],
                        "frequencyCap": 5, "historyConsent": true, "retentionDays": 30, "shareStatistics": true}),
                "preferences",
                None,
            )
            .unwrap();
        assert_eq!(p.personalization, 0.5);
        assert_eq!(p.variety, 0.0);
        assert_eq!(p.slider("sci-fi"), 0.5);
        assert!(p.blocked.contains("horror"));
        assert_eq!((p.frequency_cap, p.retention_days), (5, 30));
        assert!(p.history_consent && p.share_statistics);
    }

    #[test]
    fn slider_patch_merges_and_zero_removes() {
        let p = Preferences::default().patched(&json!({"categories": {"a": 0.5, "b": -1}}), "p", None).unwrap();
        let p = p.patched(&json!({"categories": {"a": 0}}), "p", None).unwrap();
        assert_eq!(p.categories.len(), 1);
        assert_eq!(p.slider("b"), -1.0);
    }

    #[test]
    fn bad_values_name_the_field_and_change_nothing() {
        let before = Preferences::default();
        let cases = [
            (json!({"personalization": 1.5}), "preferences.personalization"),
            (json!({"variety": "much"}), "preferences.variety"),
            (json!({"variety": null}), "preferences.variety"),
            (json!({"frequencyCap": 2.5}), "preferences.frequencyCap"),
            (json!({"retentionDays": 0}), "preferences.retentionDays"),
            (json!({"retentionDays": 366}), "preferences.retentionDays"),
            (json!({"historyConsent": 1}), "preferences.historyConsent"),
            (json!({"categories": {"a": 2}}), "preferences.categories[\"a\"]"),
            (json!({"categories": {"a b": 1}}), "preferences.categories[\"a b\"]"),
            (json!({"blocked": "a"}), "preferences.blocked"),
            (json!({"blocked": [1]}), "preferences.blocked[0]"),
            (json!({"colour": "red"}), "preferences.colour"),
            (json!({"personalization": 0.2, "colour": "red"}), "preferences.colour"),
        ];
        for (patch, path) in cases {
            let err = before.patched(&patch, "preferences", None).unwrap_err();
            assert_eq!(err.path(), path, "{err}");
        }
        assert_eq!(before, Preferences::default());
    }

    #[test]
    fn merge_keeps_each_tabs_latest_field() {
        let base = Preferences::default();
        let mut ca = ChangeTimes::new();
        let mut cb = ChangeTimes::new();
        let a = base.patched(&json!({"variety": 0.7, "categories": {"x": 1}}), "p", None).unwrap();
        stamp_changes(&base, &a, &mut ca, 10);
        let b = base.patched(&json!({"personalization": 0.4, "categories": {"y": -1}}), "p", None).unwrap();
        stamp_changes(&base, &b, &mut cb, 20);
        let (m, c) = merge((&a, &ca), (&b, &cb));
        assert_eq!((m.variety, m.personalization, m.slider("x"), m.slider("y")), (0.7, 0.4, 1.0, -1.0));
        assert_eq!(c.get("variety"), Some(&10));
        // The same field changed on both sides: the later change wins, from either side.
        let a2 = a.patched(&json!({"personalization": 0.9}), "p", None).unwrap();
        stamp_changes(&a, &a2, &mut ca, 30);
        assert_eq!(merge((&a2, &ca), (&b, &cb)).0.personalization, 0.9);
        assert_eq!(merge((&b, &cb), (&a2, &ca)).0.personalization, 0.9);
        // A slider set back to 0 (removed) later than the other side's value stays removed.
        let a3 = a2.patched(&json!({"categories": {"y": 0}}), "p", None).unwrap();
        let mut ca3 = ca.clone();
        stamp_changes(&b, &a3, &mut ca3, 40);
        assert_eq!(merge((&a3, &ca3), (&b, &cb)).0.slider("y"), 0.0);
    }

    #[test]
    fn non_object_patch_is_refused() {
        let err = Preferences::default().patched(&json!([1]), "preferences", None).unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
    }
}
