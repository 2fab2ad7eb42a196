use super::*;
use crate::core::fixtures;
use serde_json::json;

fn load(v: &serde_json::Value) -> Result<(Catalogue, Vec<Warning>)> {
    Catalogue::from_json(&v.to_string())
}

fn err_path(v: serde_json::Value) -> String {
    match load(&v) {
        Ok(_) => panic!("accepted: {v}"),
        Err(e) => {
            assert!(e.to_string().starts_with(e.path()), "{e}");
            e.path().to_string()
        }
    }
}

#[test]
fn loads_the_sample_and_interns_everything() {
    let (c, warnings) = load(&fixtures::films()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.len(), 6);
    let m1 = c.item("m1").unwrap();
    assert_eq!(c.title(m1), "Alien");
    assert_eq!(c.related(m1).len(), 2);
    assert_eq!(c.next(m1)[0].target, c.item("m3").unwrap());
    assert_eq!(c.item_categories(c.item("m3").unwrap()).len(), 2);
    assert!(c.repeatable(c.item("m5").unwrap()));
    assert_eq!(c.max_popularity(), 500.0);
    assert!(c.category_at(c.category("health").unwrap()).unwrap().sensitive);
}

#[test]
fn unknown_references_are_dropped_and_counted() {
    let mut v = fixtures::films();
    v["items"][0]["related"] = json!([{ "id": "nope", "weight": 0.1 }, { "id": "m1", "weight": 0.2 }, { "id": "m2", "weight": 0.3 }, { "id": "m2", "weight": 0.4 }]);
    v["items"][1]["next"] = json!([{ "id": "gone", "weight": 0.1 }]);
    let (c, warnings) = load(&v).unwrap();
    let codes: Vec<(&str, usize)> = warnings.iter().map(|w| (w.code, w.count)).collect();
    assert_eq!(codes, vec![("unknownReference", 2), ("selfReference", 1), ("duplicateReference", 1)]);
    assert!(warnings[0].message.contains("catalogue.items[0].related[0].id \"nope\""), "{}", warnings[0].message);
    let m1 = c.item("m1").unwrap();
    assert_eq!(c.related(m1), &[Edge { target: c.item("m2").unwrap(), weight: 0.3 }]);
}

#[test]
fn errors_name_the_path() {
    let base = fixtures::films();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = base.clone();
        f(&mut v);
        v
    };
    assert_eq!(err_path(with(&|v| v["version"] = json!(2))), "catalogue.version");
    assert_eq!(err_path(with(&|v| v["items"][3]["categories"][1] = json!("scifi"))), "catalogue.items[3].categories[1]");
    assert_eq!(err_path(with(&|v| v["items"][2]["id"] = json!("m1"))), "catalogue.items[2].id");
    assert_eq!(err_path(with(&|v| v["items"][2]["id"] = json!(""))), "catalogue.items[2].id");
    assert_eq!(err_path(with(&|v| v["items"][1]["popularity"] = json!(-1))), "catalogue.items[1].popularity");
    assert_eq!(err_path(with(&|v| v["items"][1]["popularity"] = json!(null))), "catalogue.items[1].popularity");
    assert_eq!(err_path(with(&|v| v["items"][1]["popularity"] = json!("many"))), "catalogue.items[1].popularity");
    assert_eq!(err_path(with(&|v| v["items"][1]["popularity"] = json!(1e300))), "catalogue.items[1].popularity");
    assert_eq!(err_path(with(&|v| v["items"][0]["related"][0]["weight"] = json!(-0.5))), "catalogue.items[0].related[0].weight");
    assert_eq!(err_path(with(&|v| v["items"][0]["publishedAt"] = json!(1e20))), "catalogue.items[0].publishedAt");
    assert_eq!(err_path(with(&|v| v["items"][0]["publishedAt"] = json!(-1e20))), "catalogue.items[0].publishedAt");
    assert_eq!(err_path(with(&|v| v["items"][0]["publishedAt"] = json!(null))), "catalogue.items[0].publishedAt");
    assert_eq!(err_path(with(&|v| v["items"][0]["title"] = json!("t".repeat(600)))), "catalogue.items[0].title");
    assert_eq!(err_path(with(&|v| v["categories"][1]["id"] = json!("sci-fi"))), "catalogue.categories[1].id");
    assert_eq!(err_path(with(&|v| v["categories"][1]["label"] = json!(""))), "catalogue.categories[1].label");
    assert_eq!(err_path(with(&|v| { v.as_object_mut().unwrap().remove("items"); })), "catalogue.items");
    assert_eq!(err_path(with(&|v| v["items"][4]["categories"] = json!(["drama", "drama"]))), "catalogue.items[4].categories[1]");
}

#[test]
fn unknown_category_message_lists_known_ones() {
    let mut v = fixtures::films();
    v["items"][41 % 6]["categories"][0] = json!("scifi");
    let e = load(&v).unwrap_err().to_string();
    assert!(e.contains("unknown category \"scifi\"; known: sci-fi, drama, comedy, health"), "{e}");
}

#[test]
fn limits_are_enforced_while_parsing() {
    let items: Vec<_> = (0..=MAX_ITEMS).map(|i| json!({ "id": format!("i{i}") })).collect();
    let v = json!({ "version": 1, "categories": [], "items": items });
    let e = load(&v).unwrap_err();
    assert_eq!(e.path(), "catalogue.items");
    assert!(e.to_string().contains("more than 200000 entries"), "{e}");

    let mut v = fixtures::films();
    v["items"][0]["related"] = json!((0..=MAX_NEIGHBOURS).map(|_| json!({ "id": "m2", "weight": 0.1 })).collect::<Vec<_>>());
    assert_eq!(load(&v).unwrap_err().path(), "catalogue.items[0].related");

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Catalogue::from_json(&deep).is_err());
    assert!(Catalogue::from_json(&" ".repeat(MAX_CATALOGUE_BYTES + 1)).unwrap_err().to_string().contains("bytes"));
}

#[test]
fn dates_before_1970_are_accepted() {
    let mut v = fixtures::films();
    v["items"][0]["publishedAt"] = json!(-1_262_304_000_000.0); // 1930
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.published_at(0), Some(-1_262_304_000_000.0));
}

#[test]
fn negative_zero_and_extra_fields_are_fine() {
    let mut v = fixtures::films();
    v["items"][0]["popularity"] = json!(-0.0);
    v["items"][0]["image"] = json!("https://example.com/a.png");
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.popularity(0), 0.0);
    assert!(c.popularity(0).is_sign_positive());
}

#[test]
fn hostile_keys_are_plain_data() {
    let v = json!({ "version": 1, "categories": [{ "id": "__proto__", "label": "P" }, { "id": "constructor", "label": "C" }],
                    "items": [{ "id": "__proto__", "categories": ["constructor"] }] });
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.item("__proto__"), Some(0));
}
