//! What each input is fed to, and the properties checked beyond "does not
//! panic". A broken property panics with a message starting "property:",
//! so it is caught and saved exactly like a crash.
//!
//! Each target returns a short signature of what happened (which error
//! path, or which success); an input with a new signature joins the corpus.

use std::collections::BTreeMap;

use ondevice::core::json::ToJson;
use ondevice::core::profile::{Decoded, Profile};
use ondevice::core::store::{profile_key, quarantine_key, MemoryStore};
use ondevice::core::{Catalogue, Error, Personalizer};
use serde_json::Value;

/// The time every target runs at (Nov 2023), so runs are reproducible.
pub const NOW: i64 = 1_700_000_000_000;
const PROFILE: &str = "fuzz";
/// Messages longer than this are reported (not failed): `limits::quote`
/// exists so that a 1 MB value does not become a 1 MB message.
pub const LONG_MESSAGE: usize = 2048;

/// The catalogue the profile and import targets rank against.
const CATALOGUE: &str = include_str!("../corpus/catalogue/ok-fixture.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Catalogue,
    Compact,
    Profile,
    Import,
    Api,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Catalogue,
        Target::Compact,
        Target::Profile,
        Target::Import,
        Target::Api,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Catalogue => "catalogue",
            Target::Compact => "compact",
            Target::Profile => "profile",
            Target::Import => "import",
            Target::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }

    /// Runs one input. Panics on a crash or a broken property.
    pub fn run(self, input: &[u8]) -> Outcome {
        // JS strings reach the core as UTF-8 (wasm-bindgen replaces lone
        // surrogates), so invalid UTF-8 is replaced the same way here.
        if self == Target::Compact {
            return compact(input);
        }
        let text = String::from_utf8_lossy(input);
        match self {
            Target::Catalogue => catalogue(&text),
            Target::Compact => compact(input),
            Target::Profile => profile(&text),
            Target::Import => import(&text),
            Target::Api => api(&text),
        }
    }
}

/// What one execution found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub signature: String,
    pub ok: bool,
    /// Length of the longest error message seen (see `LONG_MESSAGE`).
    pub message_len: usize,
}

impl Outcome {
    fn ok(signature: impl Into<String>) -> Self {
        Outcome {
            signature: signature.into(),
            ok: true,
            message_len: 0,
        }
    }

    fn err(e: &Error, root: &str) -> Self {
        check_error(e, root);
        Outcome {
            signature: signature(e),
            ok: false,
            message_len: e.to_string().len(),
        }
    }
}

/// Every error names a field under the call's root and says something.
fn check_error(e: &Error, root: &str) {
    let path = e.path();
    let text = e.to_string();
    if let Error::Refused(_) = e {
        return;
    }
    assert!(
        path == root
            || path.starts_with(&format!("{root}."))
            || path.starts_with(&format!("{root}[")),
        "property: error path {path:?} is not under {root:?}: {text}"
    );
    assert!(
        text.starts_with(path) && text.len() > path.len() + 2,
        "property: message does not start with its path: {text}"
    );
}

/// The error path and the start of the message with indices, numbers and
/// quoted values abstracted: distinct validation branches get distinct
/// signatures, distinct bad values do not.
fn signature(e: &Error) -> String {
    let mut out = String::new();
    let (mut in_digits, mut quoted) = (false, false);
    for c in e.to_string().chars() {
        if out.len() >= 96 {
            break;
        }
        match c {
            '"' | '`' => {
                quoted = !quoted;
                if quoted {
                    out.push('"');
                }
            }
            _ if quoted => {}
            '0'..='9' => {
                if !in_digits {
                    out.push('#');
                }
                in_digits = true;
                continue;
            }
            _ => out.push(c),
        }
        in_digits = false;
    }
    out
}

/// Two encodings of one profile must be equal. A difference in structure
/// is one failure; numbers that differ only in their last bits (a float
/// that does not survive print + parse) are another, reported apart so that
/// one cannot hide the other.
fn same_document(a: &Value, b: &Value, what: &str) {
    if a == b {
        return;
    }
    assert!(close(a, b), "property: {what} differs: {a} vs {b}");
    panic!("property: {what} differs in the last bits of a number (float print/parse round trip): {a} vs {b}");
}

/// A profile's stored document, as a JSON value to compare.
fn doc(p: &Profile) -> Value {
    serde_json::from_str(&p.to_json())
        .unwrap_or_else(|e| panic!("property: a profile's stored form is not JSON: {e}"))
}

fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

fn catalogue(text: &str) -> Outcome {
    match Catalogue::from_json(text) {
        Ok((c, warnings)) => {
            check_catalogue(&c);
            let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
            Outcome::ok(format!("ok:{}", codes.join(",")))
        }
        Err(e) => Outcome::err(&e, "catalogue"),
    }
}

/// The compact form (either version): what JSON promises, and an accepted
/// file written again as version 1 (exact) loads to the same catalogue, and
/// as version 2 to the same site weights.
/// Every refusal of a damaged file names the section and byte, unless it
/// is about the file as a whole (magic, size limit, header) or a field.
fn compact(bytes: &[u8]) -> Outcome {
    use ondevice::core::catalogue::CompactForm;
    match Catalogue::from_compact(bytes) {
        Ok((c, warnings)) => {
            check_catalogue(&c);
            // Version 1 is exact but has no site weights; version 2 has them.
            let exact = c.to_compact(CompactForm::Version1);
            match Catalogue::from_compact(&exact) {
                Ok((d, _)) => assert!(
                    d.to_compact(CompactForm::Version1) == exact,
                    "property: an accepted compact catalogue changes when written again"
                ),
                Err(e) => panic!("property: a written compact catalogue is refused: {e}"),
            }
            match Catalogue::from_compact(&c.to_compact(CompactForm::Weights16)) {
                Ok((d, _)) => assert_eq!(
                    format!("{:?}", d.weights()),
                    format!("{:?}", c.weights()),
                    "property: the site weights change when written again"
                ),
                Err(e) => panic!("property: a written compact catalogue is refused: {e}"),
            }
            let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
            Outcome::ok(format!(
                "ok:{}:{}",
                bytes.get(3).copied().unwrap_or(0),
                codes.join(",")
            ))
        }
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains("(compact form: section ")
                    || text.contains("not a compact catalogue")
                    || text.contains("inside the header")
                    || text.contains("more than")
                    || bytes.len() > ondevice::core::limits::MAX_CATALOGUE_BYTES,
                "property: a compact error does not say where: {text}"
            );
            Outcome::err(&e, "catalogue")
        }
    }
}

/// Every item is found by its own id; every edge points at another item.
fn check_catalogue(c: &Catalogue) {
    for i in 0..c.len() as u32 {
        assert_eq!(
            c.item(c.id(i)),
            Some(i),
            "property: item {i} is not found by its own id"
        );
        for e in c.related(i).iter().chain(c.next(i)) {
            assert!(
                (e.target as usize) < c.len() && e.target != i,
                "property: bad edge {e:?} of item {i}"
            );
        }
    }
}

fn open_with(stored: Option<&str>) -> Personalizer<MemoryStore> {
    let mut store = MemoryStore::default();
    if let Some(s) = stored {
        store.map.insert(profile_key(PROFILE), s.to_string());
    }
    let mut p = match Personalizer::open(store, PROFILE, NOW) {
        Ok(p) => p,
        Err(e) => panic!("property: opening a profile failed: {e}"),
    };
    if let Err(e) = p.load_catalogue(CATALOGUE) {
        panic!("the fixture catalogue does not load: {e}");
    }
    p
}

/// Everything a page could observe about a personalizer's state.
fn snapshot(
    p: &Personalizer<MemoryStore>,
) -> (Value, BTreeMap<String, String>, Option<(usize, String)>) {
    let mut export: Value = serde_json::from_str(&p.export_data(NOW))
        .unwrap_or_else(|e| panic!("property: an export is not JSON: {e}"));
    if let Some(o) = export.as_object_mut() {
        o.remove("exportedAt");
    }
    let cat = p.catalogue().map(|c| {
        (
            c.len(),
            format!(
                "{:?}|{}|{}",
                c.categories(),
                c.id(0),
                c.id(c.len().saturating_sub(1) as u32)
            ),
        )
    });
    let stored = p
        .session()
        .store()
        .map
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (export, stored, cat)
}

/// Uses a personalizer the way a page does, read-only.
fn exercise(p: &mut Personalizer<MemoryStore>, now: i64) {
    let _ = p.summary(now);
    if let Ok(top) = p.rank("{\"limit\":1000}", now) {
        for r in top.iter().take(3) {
            if let Err(e) = p.explain(&r.id, "", now) {
                panic!("property: explain of ranked item {} failed: {e}", r.id);
            }
        }
    }
}

fn profile(text: &str) -> Outcome {
    let decoded = Profile::decode(text);
    let mut p = open_with(Some(text));
    let stored =
        |p: &Personalizer<MemoryStore>, key: String| p.session().store().map.get(&key).cloned();
    let outcome = match &decoded {
        Decoded::Ok(profile) => {
            match Profile::decode(&profile.to_json()) {
                Decoded::Ok(again) => same_document(
                    &doc(profile),
                    &doc(&again),
                    "a decoded profile, encoded and decoded again",
                ),
                other => {
                    panic!("property: ondevice cannot read back the profile it encoded: {other:?}")
                }
            }
            Outcome::ok("ok")
        }
        Decoded::Future(v) => Outcome::ok(format!("future:{}", v.min(&3))),
        Decoded::Corrupt(e) => {
            // Quarantined before anything overwrote it, and the profile starts clean.
            assert_eq!(
                stored(&p, quarantine_key(PROFILE)).as_deref(),
                Some(text),
                "property: corrupt value not quarantined"
            );
            assert!(
                !p.summary(NOW).notices.is_empty(),
                "property: quarantine not reported"
            );
            Outcome::err(e, "profile")
        }
    };
    exercise(&mut p, NOW);
    let _ = p.set_preferences("{\"variety\":0.5}", NOW);
    if let Decoded::Future(_) = decoded {
        assert_eq!(
            stored(&p, profile_key(PROFILE)).as_deref(),
            Some(text),
            "property: a future version was overwritten"
        );
    }
    outcome
}

fn import(text: &str) -> Outcome {
    let mut p = open_with(None);
    let _ = p.set_preferences(
        "{\"historyConsent\":true,\"categories\":{\"sci-fi\":0.5}}",
        NOW,
    );
    let _ = p.record("{\"itemId\":\"m2\",\"kind\":\"like\"}", NOW);
    let before = snapshot(&p);
    match Profile::import(text) {
        Ok(profile) => {
            match Profile::import(&profile.export(PROFILE, NOW).to_json()) {
                Ok(again) => same_document(
                    &doc(&profile),
                    &doc(&again),
                    "an imported profile, exported and imported again",
                ),
                Err(e) => panic!("property: ondevice cannot import its own export: {e}"),
            }
            // importData also knows the time: it refuses events more than a
            // day ahead, which the time-less decoder cannot; nothing else.
            match p.import_data(text, NOW) {
                Ok(()) => exercise(&mut p, NOW),
                Err(e) => {
                    assert!(
                        e.path().ends_with(".at"),
                        "property: Profile::import accepted what importData refused: {e}"
                    );
                    assert!(
                        snapshot(&p) == before,
                        "property: a refused import changed the state"
                    );
                }
            }
            Outcome::ok("ok")
        }
        Err(e) => {
            assert!(
                p.import_data(text, NOW).is_err(),
                "property: importData accepted what Profile::import refused"
            );
            assert!(
                snapshot(&p) == before,
                "property: a refused import changed the state"
            );
            Outcome::err(&e, "import")
        }
    }
}

/// JSON text of an argument: strings pass through as the shell passes them.
fn arg_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A script: `{ "stored"?: text, "quota"?: bytes, "catalogue": doc, "ops": [{ "op", "arg" }] }`.
fn api(text: &str) -> Outcome {
    let Ok(script) = serde_json::from_str::<Value>(text) else {
        return Outcome::ok("not a script");
    };
    let stored = script.get("stored").and_then(Value::as_str);
    let mut store = MemoryStore::default();
    if let Some(s) = stored {
        store.map.insert(profile_key(PROFILE), s.to_string());
    }
    store.quota = script
        .get("quota")
        .and_then(Value::as_u64)
        .map(|q| q.min(1 << 24) as usize);
    let future = stored.is_some_and(|s| matches!(Profile::decode(s), Decoded::Future(_)));
    let mut p = match Personalizer::open(store, PROFILE, NOW) {
        Ok(p) => p,
        Err(e) => panic!("property: opening a profile failed: {e}"),
    };
    let mut now = NOW;
    let mut signature = String::new();
    let mut ok = true;
    let mut message_len = 0;
    let mut forgot = false;
    let mut ops: Vec<Value> = script
        .get("ops")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    ops.truncate(64);
    if let Some(c) = script.get("catalogue") {
        ops.insert(0, serde_json::json!({ "op": "loadCatalogue", "arg": c }));
    }
    for op in &ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let arg = arg_text(op.get("arg"));
        let before = snapshot(&p);
        let (root, result): (&str, Result<(), Error>) = match name {
            "loadCatalogue" => ("catalogue", p.load_catalogue(&arg).map(drop)),
            "setPreferences" => ("preferences", p.set_preferences(&arg, now)),
            "record" => ("event", p.record(&arg, now).map(drop)),
            "recordImpressions" => ("ids", p.record_impressions(&arg, now).map(drop)),
            "rank" => ("", p.rank(&arg, now).map(drop)),
            "explain" => {
                let id = op
                    .get("arg")
                    .and_then(|a| a.get("itemId"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let options = arg_text(op.get("arg").and_then(|a| a.get("options")));
                ("", p.explain(id, &options, now).map(drop))
            }
            "importData" => ("import", p.import_data(&arg, now)),
            "forget" => {
                forgot = true;
                ("storage", p.forget(now))
            }
            "sync" => {
                p.sync(now);
                ("", Ok(()))
            }
            "summary" => {
                p.summary(now);
                ("", Ok(()))
            }
            "advance" => {
                let ms = op
                    .get("arg")
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    .clamp(-86_400_000, 400 * 86_400_000);
                now += ms;
                ("", Ok(()))
            }
            _ => continue,
        };
        match result {
            Ok(()) => signature.push_str(&format!("{name}+;")),
            Err(e) => {
                if !root.is_empty() {
                    check_error(&e, root);
                }
                assert!(
                    snapshot(&p) == before,
                    "property: a refused {name} changed the state: {e}"
                );
                ok = false;
                message_len = message_len.max(e.to_string().len());
                signature.push_str(&format!("{name}-{};", self::signature(&e)));
            }
        }
        if let Some(text) = p.session().store().map.get(&profile_key(PROFILE)) {
            if Some(text.as_str()) != stored {
                let decoded = Profile::decode(text);
                assert!(
                    matches!(decoded, Decoded::Ok(_)),
                    "property: ondevice wrote a document it cannot read: {decoded:?}"
                );
            }
        }
    }
    if future && !forgot {
        assert_eq!(
            p.session()
                .store()
                .map
                .get(&profile_key(PROFILE))
                .map(String::as_str),
            stored,
            "property: a future version was overwritten"
        );
    }
    exercise(&mut p, now);
    Outcome {
        signature,
        ok,
        message_len,
    }
}
