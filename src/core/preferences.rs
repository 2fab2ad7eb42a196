//! What the person chose with the sliders. Changes arrive as partial
//! objects; each field is checked and the whole patch is applied only if every
//! field is valid, so a bad value changes nothing.

use litemap::LiteMap;

use super::catalogue::{Catalogue, Category};
use super::error::{Error, Result};
use super::json::{Fields, JsonResult, Kind, Reader, ToJson, Writer};
use super::limits::{check_id, quote, MAX_CATEGORIES};
use super::typed_values::{describe, Checked};

pub const DEFAULT_PERSONALIZATION: f64 = 1.0;
pub const DEFAULT_VARIETY: f64 = 0.2;
pub const DEFAULT_FREQUENCY_CAP: u32 = 3;
pub const MAX_FREQUENCY_CAP: u32 = 100;
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
pub const MAX_RETENTION_DAYS: u32 = 365;

/// Every field of a preferences document, once: its JSON name, the
/// `Preferences` field, and whether it is one value (`plain`) or the sliders
/// (one value per category, stamped and merged per slider). `KEYS` (the
/// order messages list them in), `stamp_changes` and `merge` are made from
/// this list with `preference_fields!(macro(args))`.
macro_rules! preference_fields {
    ($then:ident ( $($args:tt)* )) => {
        $then! {
            $($args)*;
            "personalization" personalization plain,
            "categories" categories sliders,
            "blocked" blocked plain,
            "sensitive" sensitive plain,
            "variety" variety plain,
            "frequencyCap" frequency_cap plain,
            "historyConsent" history_consent plain,
            "retentionDays" retention_days plain,
            "shareStatistics" share_statistics plain
        }
    };
}

macro_rules! keys {
    ($name:ident, $text:ident; $key0:literal $field0:ident $kind0:ident
        $(, $key:literal $field:ident $kind:ident)*) => {
        const $name: &[&str] = &[$key0 $(, $key)*];
        const $text: &str = concat!($key0 $(, ", ", $key)*);
    };
}
preference_fields!(keys(KEYS, FIELDS));

/// `stamp(name, differs)` for each plain field of `$old` and `$new`.
macro_rules! stamp_plain {
    ($stamp:ident, $old:ident, $new:ident; $($key:literal $field:ident $kind:ident),+) => {
        $( stamp_plain!(@ $kind, $stamp($key, $old.$field != $new.$field)); )+
    };
    (@ plain, $($call:tt)*) => { $($call)* };
    (@ sliders, $($call:tt)*) => {};
}

/// Each plain field of `$out` taken from `$a` where `mine(name)`.
macro_rules! merge_plain {
    ($mine:ident, $out:ident, $a:ident; $($key:literal $field:ident $kind:ident),+) => {
        $( merge_plain!(@ $kind, if $mine($key) { $out.$field = $a.$field.clone(); }); )+
    };
    (@ plain, $($code:tt)*) => { $($code)* };
    (@ sliders, $($code:tt)*) => {};
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preferences {
    /// 0..1: how strongly to personalize; 0 is exactly the site's own order.
    pub personalization: f64,
    /// Category id -> -1 ("less") .. +1 ("more"). Zero entries are not kept.
    pub categories: LiteMap<String, f64>,
    /// Categories never shown (sorted, no repeats).
    pub blocked: Vec<String>,
    /// Sensitive categories the person explicitly turned on (sorted, no repeats).
    pub sensitive: Vec<String>,
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
            categories: LiteMap::new(),
            blocked: Vec::new(),
            sensitive: Vec::new(),
            variety: DEFAULT_VARIETY,
            frequency_cap: DEFAULT_FREQUENCY_CAP,
            history_consent: false,
            retention_days: DEFAULT_RETENTION_DAYS,
            share_statistics: false,
        }
    }
}

impl Preferences {
    /// Returns these preferences with the patch in `text` (a JSON object)
    /// applied, or the first invalid field. `root` prefixes paths in errors
    /// (`preferences`, or `profile.preferences` when reading storage). With a
    /// catalogue, category references are checked against it.
    pub fn patched_text(
        &self,
        text: &str,
        root: &str,
        catalogue: Option<&Catalogue>,
    ) -> Result<Preferences> {
        let mut r = Reader::new(text);
        let next = self.patched(&mut r, root, catalogue)?;
        r.finish().map_err(|e| e.into_error(root))?;
        Ok(next)
    }

    /// Like `patched_text`, reading the object at the reader's cursor.
    pub fn patched(
        &self,
        r: &mut Reader,
        root: &str,
        catalogue: Option<&Catalogue>,
    ) -> Result<Preferences> {
        if r.peek().map_err(|e| e.into_error(root))? != Kind::Object {
            let found = describe(r).map_err(|e| e.into_error(root))?;
            return Err(Error::invalid(
                root,
                format!("expected an object, found {found}"),
            ));
        }
        let mut next = self.clone();
        let mut checked = Checked::default();
        // A field given twice is refused, as in every other document.
        let mut seen = Fields::new(KEYS);
        let read = r.object("an object", |r, key| {
            seen.see(r, key)?;
            let path = crate::core::store::concat(&[root, ".", key]);
            let p = &mut next;
            let outcome = match key {
                "personalization" => unit(r, &path)?.map(|x| p.personalization = x),
                "variety" => unit(r, &path)?.map(|x| p.variety = x),
                "categories" => patch_sliders(r, &mut p.categories, &path, catalogue)?,
                "blocked" => category_set(r, &path, catalogue, false)?.map(|s| p.blocked = s),
                "sensitive" => category_set(r, &path, catalogue, true)?.map(|s| p.sensitive = s),
                "frequencyCap" => {
                    integer_in(r, &path, 1, MAX_FREQUENCY_CAP)?.map(|x| p.frequency_cap = x)
                }
                "retentionDays" => {
                    integer_in(r, &path, 1, MAX_RETENTION_DAYS)?.map(|x| p.retention_days = x)
                }
                "historyConsent" => flag(r, &path)?.map(|x| p.history_consent = x),
                "shareStatistics" => flag(r, &path)?.map(|x| p.share_statistics = x),
                _ => Err(Error::invalid(
                    path,
                    format!("unknown field; known: {FIELDS}"),
                )),
            };
            outcome.map_err(|e| checked.fail(e))
        });
        checked.finish(read, root)?;
        Ok(next)
    }

    /// The person hid this category ("Hide").
    pub fn blocks(&self, category: &Category) -> bool {
        self.blocked.contains(&category.id)
    }

    /// A sensitive category the person has not turned on: never learned,
    /// never shown.
    pub fn locks(&self, category: &Category) -> bool {
        category.sensitive && !self.sensitive.contains(&category.id)
    }

    /// The slider value for a category (0 when never moved).
    pub fn slider(&self, category: &str) -> f64 {
        self.categories.get(category).copied().unwrap_or(0.0)
    }
}

/// What the preferences panel and storage see (keys in alphabetical order,
/// as they have always been stored).
impl ToJson for Preferences {
    fn write_json(&self, w: &mut Writer) {
        let list = |w: &mut Writer, ids: &[String]| {
            w.array(ids, |w, id| {
                w.string(id);
            });
        };
        w.raw("{").key("blocked");
        list(w, &self.blocked);
        w.key("categories").raw("{");
        for (id, x) in self.categories.iter() {
            w.key(id).number(*x);
        }
        w.raw("}")
            .key("frequencyCap")
            .integer(i64::from(self.frequency_cap));
        w.key("historyConsent")
            .boolean(self.history_consent)
            .key("personalization")
            .number(self.personalization);
        w.key("retentionDays")
            .integer(i64::from(self.retention_days))
            .key("sensitive");
        list(w, &self.sensitive);
        w.key("shareStatistics")
            .boolean(self.share_statistics)
            .key("variety")
            .number(self.variety)
            .raw("}");
    }
}

/// A field's value, or why it is not allowed. The outer result is the
/// reader's (malformed JSON), the inner one the field's check.
type Checked1<T> = JsonResult<Result<T>>;

/// A number: its value and how it was written, or a description of
/// whatever else was there.
fn number(r: &mut Reader) -> JsonResult<Result<(f64, String), String>> {
    if r.peek()? != Kind::Number {
        return describe(r).map(Err);
    }
    let start = r.offset();
    let x = r.number()?;
    Ok(Ok((
        x,
        r.source(start, r.offset()).trim_start().to_string(),
    )))
}

/// A number in `0..=1`.
fn unit(r: &mut Reader, path: &str) -> Checked1<f64> {
    Ok(match number(r)? {
        Ok((x, _)) if (0.0..=1.0).contains(&x) => Ok(x + 0.0),
        Ok((_, raw)) | Err(raw) => Err(Error::invalid(
            path,
            format!("{raw} is not allowed; allowed: a number from 0 to 1"),
        )),
    })
}

fn integer_in(r: &mut Reader, path: &str, low: u32, high: u32) -> Checked1<u32> {
    Ok(match number(r)? {
        Ok((x, _)) if x.fract() == 0.0 && x >= f64::from(low) && x <= f64::from(high) => {
            Ok(x as u32)
        }
        Ok((_, raw)) | Err(raw) => Err(Error::invalid(
            path,
            format!("{raw} is not allowed; allowed: a whole number from {low} to {high}"),
        )),
    })
}

fn flag(r: &mut Reader, path: &str) -> Checked1<bool> {
    if r.peek()? == Kind::Bool {
        return r.boolean().map(Ok);
    }
    let found = describe(r)?;
    Ok(Err(Error::invalid(
        path,
        format!("{found} is not allowed; allowed: true or false"),
    )))
}

/// Why `id` cannot be listed, if it cannot (the caller names the path, made
/// only then: reading a stored profile formats nothing).
pub(crate) fn check_category(
    id: &str,
    catalogue: Option<&Catalogue>,
    sensitive_only: bool,
) -> std::result::Result<(), String> {
    check_id(id).map_err(|m| format!("category id {m}"))?;
    let Some(cat) = catalogue else { return Ok(()) };
    let Some(c) = cat.category(id).and_then(|c| cat.category_at(c)) else {
        return Err(format!(
            "unknown category {}; known: {}",
            quote(id),
            cat.known_categories()
        ));
    };
    if sensitive_only && !c.sensitive {
        return Err(format!(
            "{} is not a sensitive category; only sensitive categories are listed here",
            quote(id)
        ));
    }
    Ok(())
}

fn patch_sliders(
    r: &mut Reader,
    sliders: &mut LiteMap<String, f64>,
    path: &str,
    catalogue: Option<&Catalogue>,
) -> Checked1<()> {
    if r.peek()? != Kind::Object {
        let found = describe(r)?;
        return Ok(Err(Error::invalid(
            path,
            format!("expected an object of category id -> number from -1 to 1, found {found}"),
        )));
    }
    let mut next = sliders.clone();
    let mut failure = None;
    // The patch's own ids, to refuse one given twice.
    let mut given: Vec<String> = Vec::new();
    r.object("a map", |r, id| {
        let p = || format!("{path}[{}]", quote(id));
        let repeated = given.iter().any(|g| g == id);
        given.push(id.to_string());
        let checked = check_category(id, catalogue, false)
            .and_then(|()| match repeated {
                true => Err(format!("duplicate key {}", quote(id))),
                false => Ok(()),
            })
            .map_err(|m| Error::invalid(p(), m))
            .and(match number(r)? {
                Ok((x, _)) if (-1.0..=1.0).contains(&x) => Ok(x + 0.0),
                Ok((_, raw)) | Err(raw) => Err(Error::invalid(
                    p(),
                    format!("{raw} is not allowed; allowed: a number from -1 to 1"),
                )),
            });
        match keep_first(&mut failure, checked) {
            Some(0.0) => {
                next.remove(id);
            }
            Some(x) => {
                next.insert(id.to_string(), x);
            }
            None => {}
        }
        Ok(())
    })?;
    if let Some(e) = failure {
        return Ok(Err(e));
    }
    if next.len() > MAX_CATEGORIES {
        return Ok(Err(Error::invalid(
            path,
            format!("{} sliders; allowed: at most {MAX_CATEGORIES}", next.len()),
        )));
    }
    *sliders = next;
    Ok(Ok(()))
}

/// An entry's value, or `None` with its error kept if it is the list's
/// first (the list is read to its end, so malformed JSON later still wins).
fn keep_first<T>(failure: &mut Option<Error>, checked: Result<T>) -> Option<T> {
    match checked {
        Ok(value) => Some(value),
        Err(e) => {
            failure.get_or_insert(e);
            None
        }
    }
}

fn category_set(
    r: &mut Reader,
    path: &str,
    catalogue: Option<&Catalogue>,
    sensitive_only: bool,
) -> Checked1<Vec<String>> {
    if r.peek()? != Kind::Array {
        let found = describe(r)?;
        return Ok(Err(Error::invalid(
            path,
            format!("expected an array of category ids, found {found}"),
        )));
    }
    let mut out = Vec::new();
    let mut failure = None;
    r.array(MAX_CATEGORIES, "an array", |r, i| {
        let p = || format!("{path}[{i}]");
        let checked = if r.peek()? == Kind::String {
            let id = r.string()?;
            check_category(&id, catalogue, sensitive_only)
                .map(|()| id.into_owned())
                .map_err(|m| Error::invalid(p(), m))
        } else {
            let found = describe(r)?;
            Err(Error::invalid(
                p(),
                format!("expected a category id, found {found}"),
            ))
        };
        out.extend(keep_first(&mut failure, checked));
        Ok(())
    })?;
    if let Some(e) = failure {
        return Ok(Err(e));
    }
    super::sort::sort_by(&mut out, |a, b| a < b);
    out.dedup();
    Ok(Ok(out))
}

/// Change-time keys: one per field, and one per category slider
/// (`categories.<id>`), so that two tabs changing different sliders merge.
pub type ChangeTimes = LiteMap<String, i64>;

/// Records `now` for every field (and slider) that differs between `old` and `new`.
pub fn stamp_changes(old: &Preferences, new: &Preferences, changed: &mut ChangeTimes, now: i64) {
    let mut stamp = |key: &str, differs: bool| {
        if differs {
            changed.insert(key.to_string(), now);
        }
    };
    preference_fields!(stamp_plain(stamp, old, new));
    for id in old.categories.keys().chain(new.categories.keys()) {
        stamp(
            &format!("categories.{id}"),
            old.slider(id) != new.slider(id),
        );
    }
}

/// Per-field last-writer-wins merge of two tabs' preferences: each field
/// (and each slider) comes from the side that changed it last; ties keep
/// `theirs` (what storage holds).
pub fn merge(
    ours: (&Preferences, &ChangeTimes),
    theirs: (&Preferences, &ChangeTimes),
) -> (Preferences, ChangeTimes) {
    let (a, ca) = ours;
    let (b, cb) = theirs;
    let time = |c: &ChangeTimes, k: &str| c.get(k).copied().unwrap_or(i64::MIN);
    let mine = |k: &str| time(ca, k) > time(cb, k);
    let mut out = b.clone();
    preference_fields!(merge_plain(mine, out, a));
    for id in a
        .categories
        .keys()
        .map(String::as_str)
        .chain(ca.keys().filter_map(|k| k.strip_prefix("categories.")))
    {
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

/// Stored form of the change times: `{"field": ms, "categories.<id>": ms}`.
pub fn write_changes(changed: &ChangeTimes, w: &mut Writer) {
    w.raw("{");
    for (k, t) in changed.iter() {
        w.key(k).integer(*t);
    }
    w.raw("}");
}

/// Reads the stored change times (at most one per preference and slider).
pub fn read_changes(r: &mut Reader) -> JsonResult<ChangeTimes> {
    let mut out = ChangeTimes::new();
    super::typed_values::map(r, 2 * MAX_CATEGORIES + 16, |r, k| {
        let t = super::typed_values::whole_number(r, "i64")?;
        super::typed_values::refuse_repeat(r, k, out.insert(k.to_string(), t).is_some())
    })?;
    Ok(out)
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

    /// A field given twice is refused (not "the last one wins"), as in
    /// every other document, and nothing changes.
    #[test]
    fn a_field_given_twice_is_refused() {
        let p = Preferences::default();
        for text in [
            r#"{"variety": 0.2, "variety": 0.9}"#,
            r#"{"historyConsent": true, "variety": 0.2, "historyConsent": false}"#,
        ] {
            let e = p.patched_text(text, "preferences", None).unwrap_err();
            assert!(e.to_string().contains("duplicate field"), "{e}");
            assert!(e.path().starts_with("preferences."), "{}", e.path());
        }
        // Each field of the list is checked once, so every one may appear.
        let all = format!(
            "{{{}}}",
            KEYS.iter()
                .map(|k| format!("\"{k}\": null"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(!p
            .patched_text(&all, "preferences", None)
            .err()
            .is_some_and(|e| e.to_string().contains("duplicate")));
    }

    /// The declaration is the whole document: what is written is what is
    /// declared, and every declared field is stamped and merged.
    #[test]
    fn every_written_field_is_declared_stamped_and_merged() {
        let written: serde_json::Value =
            serde_json::from_str(&Preferences::default().to_json()).unwrap();
        let mut names: Vec<&str> = written
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut declared = KEYS.to_vec();
        names.sort_unstable();
        declared.sort_unstable();
        assert_eq!(names, declared);
        let all = r#"{"personalization": 0.5, "categories": {"a": 0.5}, "blocked": ["b"],
            "sensitive": ["s"], "variety": 0.9, "frequencyCap": 7, "historyConsent": true,
            "retentionDays": 30, "shareStatistics": true}"#;
        let before = Preferences::default();
        let after = before.patched_text(all, "p", None).unwrap();
        let mut changed = ChangeTimes::new();
        stamp_changes(&before, &after, &mut changed, 5);
        for key in KEYS.iter().filter(|&&k| k != "categories") {
            assert_eq!(changed.get(*key), Some(&5), "{key} is not stamped");
        }
        assert_eq!(changed.get("categories.a"), Some(&5));
        let (merged, _) = merge((&after, &changed), (&before, &ChangeTimes::new()));
        assert_eq!(merged, after);
    }

    #[test]
    fn patch_applies_every_field() {
        let p = Preferences::default()
            .patched_text(
                &json!({"personalization": 0.5, "variety": 0, "categories": {"sci-fi": 0.5}, "blocked": ["horror"],
                        "frequencyCap": 5, "historyConsent": true, "retentionDays": 30, "shareStatistics": true})
                .to_string(),
                "preferences",
                None,
            )
            .unwrap();
        assert_eq!(p.personalization, 0.5);
        assert_eq!(p.variety, 0.0);
        assert_eq!(p.slider("sci-fi"), 0.5);
        assert_eq!(p.blocked, ["horror"]);
        assert_eq!((p.frequency_cap, p.retention_days), (5, 30));
        assert!(p.history_consent && p.share_statistics);
    }

    #[test]
    fn slider_patch_merges_and_zero_removes() {
        let p = Preferences::default()
            .patched_text(
                &json!({"categories": {"a": 0.5, "b": -1}}).to_string(),
                "p",
                None,
            )
            .unwrap();
        let p = p
            .patched_text(&json!({"categories": {"a": 0}}).to_string(), "p", None)
            .unwrap();
        assert_eq!(p.categories.len(), 1);
        assert_eq!(p.slider("b"), -1.0);
    }

    #[test]
    fn bad_values_name_the_field_and_change_nothing() {
        let before = Preferences::default();
        let cases = [
            (
                json!({"personalization": 1.5}),
                "preferences.personalization",
            ),
            (json!({"variety": "much"}), "preferences.variety"),
            (json!({"variety": null}), "preferences.variety"),
            (json!({"frequencyCap": 2.5}), "preferences.frequencyCap"),
            (json!({"retentionDays": 0}), "preferences.retentionDays"),
            (json!({"retentionDays": 366}), "preferences.retentionDays"),
            (json!({"historyConsent": 1}), "preferences.historyConsent"),
            (
                json!({"categories": {"a": 2}}),
                "preferences.categories[\"a\"]",
            ),
            (
                json!({"categories": {"a b": 1}}),
                "preferences.categories[\"a b\"]",
            ),
            (json!({"blocked": "a"}), "preferences.blocked"),
            (json!({"blocked": [1]}), "preferences.blocked[0]"),
            (json!({"colour": "red"}), "preferences.colour"),
            (
                json!({"personalization": 0.2, "colour": "red"}),
                "preferences.colour",
            ),
        ];
        for (patch, path) in cases {
            let err = before
                .patched_text(&patch.to_string(), "preferences", None)
                .unwrap_err();
            assert_eq!(err.path(), path, "{err}");
        }
        assert_eq!(before, Preferences::default());
    }

    #[test]
    fn merge_keeps_each_tabs_latest_field() {
        let base = Preferences::default();
        let mut ca = ChangeTimes::new();
        let mut cb = ChangeTimes::new();
        let a = base
            .patched_text(
                &json!({"variety": 0.7, "categories": {"x": 1}}).to_string(),
                "p",
                None,
            )
            .unwrap();
        stamp_changes(&base, &a, &mut ca, 10);
        let b = base
            .patched_text(
                &json!({"personalization": 0.4, "categories": {"y": -1}}).to_string(),
                "p",
                None,
            )
            .unwrap();
        stamp_changes(&base, &b, &mut cb, 20);
        let (m, c) = merge((&a, &ca), (&b, &cb));
        assert_eq!(
            (m.variety, m.personalization, m.slider("x"), m.slider("y")),
            (0.7, 0.4, 1.0, -1.0)
        );
        assert_eq!(c.get("variety"), Some(&10));
        // The same field changed on both sides: the later change wins, from either side.
        let a2 = a
            .patched_text(&json!({"personalization": 0.9}).to_string(), "p", None)
            .unwrap();
        stamp_changes(&a, &a2, &mut ca, 30);
        assert_eq!(merge((&a2, &ca), (&b, &cb)).0.personalization, 0.9);
        assert_eq!(merge((&b, &cb), (&a2, &ca)).0.personalization, 0.9);
        // A slider set back to 0 (removed) later than the other side's value stays removed.
        let a3 = a2
            .patched_text(&json!({"categories": {"y": 0}}).to_string(), "p", None)
            .unwrap();
        let mut ca3 = ca.clone();
        stamp_changes(&b, &a3, &mut ca3, 40);
        assert_eq!(merge((&a3, &ca3), (&b, &cb)).0.slider("y"), 0.0);
    }

    #[test]
    fn sets_are_sorted_without_repeats_and_written_as_stored_before() {
        let p = Preferences::default()
            .patched_text(
                r#"{"blocked": ["b", "a", "b"], "categories": {"z": 0.5, "a": -1}}"#,
                "p",
                None,
            )
            .unwrap();
        assert_eq!(p.blocked, ["a", "b"]);
        assert_eq!(
            p.to_json(),
            r#"{"blocked":["a","b"],"categories":{"a":-1.0,"z":0.5},"frequencyCap":3,"historyConsent":false,"personalization":1.0,"retentionDays":90,"sensitive":[],"shareStatistics":false,"variety":0.2}"#
        );
    }

    #[test]
    fn malformed_json_and_bad_values_inside_lists_name_the_field() {
        let e = Preferences::default()
            .patched_text(r#"{"variety": 0.5,"#, "preferences", None)
            .unwrap_err();
        assert_eq!(e.path(), "preferences");
        let e = Preferences::default()
            .patched_text(r#"{"blocked": ["a", "b c", 7]}"#, "preferences", None)
            .unwrap_err();
        assert_eq!(e.path(), "preferences.blocked[1]", "{e}");
        let e = Preferences::default()
            .patched_text(
                r#"{"categories": {"a": 0.5, "b": "x"}}"#,
                "preferences",
                None,
            )
            .unwrap_err();
        assert_eq!(
            (e.path(), e.to_string().contains("\"x\" is not allowed")),
            ("preferences.categories[\"b\"]", true),
            "{e}"
        );
    }

    #[test]
    fn non_object_patch_is_refused() {
        let err = Preferences::default()
            .patched_text(&json!([1]).to_string(), "preferences", None)
            .unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
    }
}
