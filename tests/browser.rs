//! The shell in headless Chromium, touching the real `localStorage`:
//! persistence across instances, corrupted values, a full quota, future
//! versions, two instances of one profile, and `forget`.
#![cfg(target_arch = "wasm32")]

use js_sys::JSON;
use ondevice::wasm::Personalizer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CATALOGUE: &str = r#"{"version":1,
  "categories":[{"id":"sci-fi","label":"Sci-Fi"},{"id":"drama","label":"Drama"}],
  "items":[{"id":"m1","title":"Alien","categories":["sci-fi"],"popularity":400,"related":[{"id":"m2","weight":0.5}]},
           {"id":"m2","title":"Aliens","categories":["sci-fi"],"popularity":300},
           {"id":"m3","title":"Heat","categories":["drama"],"popularity":500}]}"#;

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

fn get(v: &JsValue, field: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(field)).unwrap()
}

fn open(profile: &str) -> Personalizer {
    let p = Personalizer::new(Some(js(&format!(r#"{{"profile":"{profile}"}}"#)))).unwrap();
    p.load_catalogue(JsValue::from_str(CATALOGUE)).unwrap();
    p
}

fn summary(p: &Personalizer) -> JsValue {
    p.profile_summary().unwrap()
}

fn notice_codes(p: &Personalizer) -> Vec<String> {
    let notices: js_sys::Array = get(&summary(p), "notices").into();
    notices
        .iter()
        .map(|n| get(&n, "code").as_string().unwrap())
        .collect()
}

fn clean(profile: &str) {
    let s = storage();
    s.remove_item(&format!("ondevice:profile:{profile}"))
        .unwrap();
    s.remove_item(&format!("ondevice:quarantine:{profile}"))
        .unwrap();
}

#[wasm_bindgen_test]
fn preferences_and_history_persist_across_instances() {
    clean("persist");
    let a = open("persist");
    a.set_preferences(js(
        r#"{"historyConsent":true,"categories":{"drama":-0.5},"variety":0.4}"#,
    ))
    .unwrap();
    assert!(a.record(js(r#"{"itemId":"m1","kind":"like"}"#)).unwrap());
    let stored = storage()
        .get_item("ondevice:profile:persist")
        .unwrap()
        .expect("written through");
    assert!(stored.contains("\"version\":2"), "{stored}");
    assert!(stored.contains("\"m1\""));
    let before = JSON::stringify(&a.rank(None).unwrap()).unwrap();
    drop(a);

    let b = open("persist");
    let prefs = b.preferences().unwrap();
    assert_eq!(get(&prefs, "variety").as_f64(), Some(0.4));
    assert_eq!(
        get(&get(&prefs, "categories"), "drama").as_f64(),
        Some(-0.5)
    );
    let s = summary(&b);
    assert_eq!(get(&s, "totalEvents").as_f64(), Some(1.0));
    assert_eq!(get(&s, "persistent").as_bool(), Some(true));
    assert!(get(&s, "bytesStored").as_f64().unwrap() > 100.0);
    assert_eq!(JSON::stringify(&b.rank(None).unwrap()).unwrap(), before);
}

#[wasm_bindgen_test]
fn corrupted_value_is_quarantined_without_throwing() {
    clean("corrupt");
    storage()
        .set_item(
            "ondevice:profile:corrupt",
            "{\"version\":1,\"preferences\":{\"varie",
        )
        .unwrap();
    let p = open("corrupt");
    assert_eq!(notice_codes(&p), ["quarantined"]);
    assert_eq!(
        storage()
            .get_item("ondevice:quarantine:corrupt")
            .unwrap()
            .as_deref(),
        Some("{\"version\":1,\"preferences\":{\"varie")
    );
    assert_eq!(
        get(&p.preferences().unwrap(), "historyConsent").as_bool(),
        Some(false)
    );
    // The main key is clean and usable again.
    p.set_preferences(js(r#"{"variety":0.1}"#)).unwrap();
    assert!(storage()
        .get_item("ondevice:profile:corrupt")
        .unwrap()
        .unwrap()
        .contains("\"variety\":0.1"));
}

#[wasm_bindgen_test]
fn a_future_version_is_left_untouched() {
    clean("future");
    let future = r#"{"version":42,"somethingNew":[1,2,3]}"#;
    storage()
        .set_item("ondevice:profile:future", future)
        .unwrap();
    let p = open("future");
    assert_eq!(notice_codes(&p), ["futureVersion"]);
    p.set_preferences(js(r#"{"personalization":0.3}"#)).unwrap();
    assert_eq!(get(&summary(&p), "persistent").as_bool(), Some(false));
    assert_eq!(
        storage()
            .get_item("ondevice:profile:future")
            .unwrap()
            .as_deref(),
        Some(future)
    );
    clean("future");
}

#[wasm_bindgen_test]
fn a_full_quota_compacts_history_and_keeps_preferences() {
    clean("quota");
    let p = open("quota");
    p.set_preferences(js(r#"{"historyConsent":true,"categories":{"sci-fi":0.9}}"#))
        .unwrap();
    for i in 0..40 {
        p.record(js(&format!(
            r#"{{"itemId":"m{}","kind":"view"}}"#,
            1 + i % 3
        )))
        .unwrap();
    }
    // Fill the rest of localStorage so the next write does not fit.
    let s = storage();
    let chunk = "x".repeat(256 * 1024);
    let mut fillers = 0;
    while s.set_item(&format!("filler-{fillers}"), &chunk).is_ok() {
        fillers += 1;
    }
    let mut small = "x".repeat(4096);
    while !small.is_empty() {
        if s.set_item(&format!("filler-{fillers}"), &small).is_ok() {
            fillers += 1;
        } else {
            small.truncate(small.len() / 2);
        }
    }
    let recorded = p.record(js(r#"{"itemId":"m3","kind":"like"}"#));
    let codes = notice_codes(&p);
    for i in 0..fillers {
        s.remove_item(&format!("filler-{i}")).unwrap();
    }
    assert!(recorded.unwrap());
    assert!(
        codes
            .iter()
            .any(|c| c == "quotaCompacted" || c == "writeFailed"),
        "{codes:?}"
    );
    // Preferences survive in memory and, when written, in storage.
    assert_eq!(
        get(&get(&p.preferences().unwrap(), "categories"), "sci-fi").as_f64(),
        Some(0.9)
    );
    let stored = s.get_item("ondevice:profile:quota").unwrap().unwrap();
    assert!(stored.contains("\"sci-fi\":0.9"), "{stored}");
    assert!(p.rank(None).is_ok());
    clean("quota");
}

#[wasm_bindgen_test]
fn two_instances_of_one_profile_lose_no_preference_change() {
    clean("tabs");
    let a = open("tabs");
    let b = open("tabs");
    a.set_preferences(js(r#"{"variety":0.7}"#)).unwrap();
    b.set_preferences(js(r#"{"personalization":0.4}"#)).unwrap();
    a.set_preferences(js(r#"{"frequencyCap":9}"#)).unwrap();
    assert!(b.sync().unwrap());
    for p in [&a, &b] {
        let prefs = p.preferences().unwrap();
        assert_eq!(get(&prefs, "variety").as_f64(), Some(0.7));
        assert_eq!(get(&prefs, "personalization").as_f64(), Some(0.4));
        assert_eq!(get(&prefs, "frequencyCap").as_f64(), Some(9.0));
    }
    clean("tabs");
}

#[wasm_bindgen_test]
fn forget_deletes_every_key_of_the_profile() {
    clean("forget");
    storage()
        .set_item("ondevice:profile:forget", "not json")
        .unwrap();
    let p = open("forget");
    p.set_preferences(js(r#"{"historyConsent":true}"#)).unwrap();
    p.record(js(r#"{"itemId":"m1","kind":"view"}"#)).unwrap();
    assert!(storage()
        .get_item("ondevice:quarantine:forget")
        .unwrap()
        .is_some());
    storage().set_item("unrelated-site-key", "kept").unwrap();
    p.forget().unwrap();
    let s = storage();
    let keys: Vec<String> = (0..s.length().unwrap())
        .filter_map(|i| s.key(i).unwrap())
        .collect();
    assert!(keys.iter().all(|k| !k.ends_with(":forget")), "{keys:?}");
    assert_eq!(
        s.get_item("unrelated-site-key").unwrap().as_deref(),
        Some("kept")
    );
    assert_eq!(get(&summary(&p), "totalEvents").as_f64(), Some(0.0));
    s.remove_item("unrelated-site-key").unwrap();
}

#[wasm_bindgen_test]
fn errors_are_js_errors_naming_the_field() {
    clean("errors");
    let p = open("errors");
    let err = p.set_preferences(js(r#"{"variety":"lots"}"#)).unwrap_err();
    let e: js_sys::Error = err.dyn_into().expect("an Error object, not a string");
    assert!(String::from(e.message()).starts_with("preferences.variety:"));
    assert_eq!(
        get(&e, "field").as_string().as_deref(),
        Some("preferences.variety")
    );
    assert!(Personalizer::new(Some(js(r#"{"storage":"disk"}"#))).is_err());
}

#[wasm_bindgen_test]
fn private_reports_need_opt_in_and_use_the_browser_crypto() {
    clean("ldp");
    let p = open("ldp");
    assert!(p.private_report().is_err());
    p.set_preferences(js(r#"{"shareStatistics":true,"categories":{"drama":1}}"#))
        .unwrap();
    let report = p.private_report().unwrap();
    let bits: js_sys::Array = get(&report, "bits").into();
    assert_eq!(bits.length(), 2);
    assert_eq!(get(&report, "epsilon").as_f64(), Some(2.0));
    // Memoized for the period: asking again gives the same bits.
    assert_eq!(
        JSON::stringify(&p.private_report().unwrap()).unwrap(),
        JSON::stringify(&report).unwrap()
    );
    assert_eq!(
        get(&get(&summary(&p), "privacy"), "spent").as_f64(),
        Some(2.0)
    );
    clean("ldp");
}
