//! Every kind of bad input stops the build with an error that names the file,
//! the line (or row) and the value, a non-zero exit, and no output file.

mod common;

use common::Site;

const ITEMS: &str = "id,title,categories\na,A,c\nb,B,c\n";
const GOOD_EVENTS: &str = "user,item,timestamp,kind\nu1,a,1000,view\nu1,b,2000,click\n";

/// Expects the build to fail with a message containing each of `parts`.
fn fails_with(site: &Site, events: &str, items: &str, extra: &[&str], parts: &[&str]) {
    let events = site.write("events.csv", events);
    let items = site.write("items.csv", items);
    let stderr = site.fail(&events, &items, extra);
    for p in parts {
        assert!(stderr.contains(p), "expected {p:?} in: {stderr}");
    }
}

#[test]
fn missing_column() {
    let site = Site::new();
    fails_with(
        &site,
        "user,item,ts\nu1,a,1000\n",
        ITEMS,
        &[],
        &[
            "events.csv:1",
            "no column \"timestamp\"",
            "found: user,item,ts",
        ],
    );
    fails_with(
        &site,
        GOOD_EVENTS,
        "id,name,categories\na,A,c\n",
        &[],
        &["items.csv:1", "no column \"title\""],
    );
}

#[test]
fn unparsable_timestamp() {
    let site = Site::new();
    let events = "user,item,timestamp,kind\nu1,a,1000,view\nu1,b,yesterday,view\n";
    fails_with(
        &site,
        events,
        ITEMS,
        &[],
        &["events.csv:3", "timestamp", "\"yesterday\"", "RFC 3339"],
    );
    let events = "user,item,timestamp\nu1,a,2024-13-01T00:00:00Z\n";
    fails_with(
        &site,
        events,
        ITEMS,
        &[],
        &["events.csv:2", "\"2024-13-01T00:00:00Z\""],
    );
    let events = "user,item,timestamp\nu1,a,-1\n";
    fails_with(&site, events, ITEMS, &[], &["events.csv:2", "out of range"]);
}

#[test]
fn unknown_kind() {
    let site = Site::new();
    let events = "user,item,timestamp,kind\nu1,a,1000,share\n";
    fails_with(
        &site,
        events,
        ITEMS,
        &[],
        &[
            "events.csv:2",
            "unknown kind \"share\"",
            "allowed: view, click, purchase, like, dislike, dismiss",
        ],
    );
}

#[test]
fn event_for_an_item_not_in_the_list() {
    let site = Site::new();
    let events = "user,item,timestamp\nu1,a,1000\nu2,zz,1000\n";
    fails_with(
        &site,
        events,
        ITEMS,
        &[],
        &[
            "events.csv:3",
            "item \"zz\" is not in the item list",
            "items.csv",
        ],
    );
}

#[test]
fn empty_log() {
    let site = Site::new();
    fails_with(
        &site,
        "user,item,timestamp,kind\n",
        ITEMS,
        &[],
        &["events.csv", "no events"],
    );
    fails_with(&site, "", ITEMS, &[], &["events.csv", "no column \"user\""]);
}

#[test]
fn duplicate_item_ids() {
    let site = Site::new();
    let items = "id,title,categories\na,A,c\nb,B,c\na,Again,c\n";
    fails_with(
        &site,
        GOOD_EVENTS,
        items,
        &[],
        &[
            "items.csv:4",
            "duplicate item id \"a\"",
            "first defined on line 2",
        ],
    );
}

#[test]
fn bad_item_rows() {
    let site = Site::new();
    fails_with(
        &site,
        GOOD_EVENTS,
        "id,title,categories\na b,A,c\n",
        &[],
        &["items.csv:2", "\"a b\"", "printable ASCII"],
    );
    let many: Vec<String> = (0..17).map(|i| format!("c{i}")).collect();
    let items = format!("id,title,categories\na,A,{}\n", many.join("|"));
    fails_with(
        &site,
        GOOD_EVENTS,
        &items,
        &[],
        &["items.csv:2", "17 categories", "at most 16"],
    );
    let items = format!("id,title,categories\na,{},c\n", "t".repeat(513));
    fails_with(
        &site,
        GOOD_EVENTS,
        &items,
        &[],
        &["items.csv:2", "513 bytes"],
    );
    fails_with(
        &site,
        GOOD_EVENTS,
        "id,title,categories\na,A,c,extra\n",
        &[],
        &["items.csv:2", "4 fields"],
    );
    fails_with(
        &site,
        GOOD_EVENTS,
        "id,title,categories,published_at\na,A,c,soon\n",
        &[],
        &["items.csv:2", "published_at", "\"soon\""],
    );
}

#[test]
fn unknown_category_when_categories_are_declared() {
    let site = Site::new();
    let cats = site.write("cats.csv", "id,label,sensitive\nc,Comedy,false\n");
    let items = "id,title,categories\na,A,c\nb,B,c|horror\n";
    let cats_arg = cats.to_string_lossy().into_owned();
    fails_with(
        &site,
        GOOD_EVENTS,
        items,
        &["--categories", &cats_arg],
        &[
            "items.csv:3",
            "\"horror\" is not in the categories file",
            "known: c",
        ],
    );
    site.write("cats.csv", "id,label,sensitive\nc,Comedy,maybe\n");
    fails_with(
        &site,
        GOOD_EVENTS,
        ITEMS,
        &["--categories", &cats_arg],
        &["cats.csv:2", "sensitive", "\"maybe\""],
    );
}

#[test]
fn bad_json_lines() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS);
    let events = site.write(
        "events.jsonl",
        "{\"user\":\"u1\",\"item\":\"a\",\"timestamp\":1000}\n{\"user\":\"u1\",\"item\":\"a\"\n",
    );
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.jsonl:2") && stderr.contains("invalid JSON"),
        "{stderr}"
    );
    let events = site.write(
        "events.jsonl",
        "\n{\"user\":\"u1\",\"item\":\"a\",\"timestamp\":1.5}\n",
    );
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.jsonl:2") && stderr.contains("1.5"),
        "{stderr}"
    );
    let events = site.write("events.jsonl", "{\"user\":\"u1\",\"timestamp\":1}\n");
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.jsonl:1") && stderr.contains("missing field \"item\""),
        "{stderr}"
    );
}

#[test]
fn bad_options() {
    let site = Site::new();
    fails_with(
        &site,
        GOOD_EVENTS,
        ITEMS,
        &["--related", "101"],
        &["--related", "101", "0..=100"],
    );
    fails_with(&site, GOOD_EVENTS, ITEMS, &["--k", "0"], &["--k"]);
    fails_with(
        &site,
        GOOD_EVENTS,
        ITEMS,
        &["--max-pair-items", "1"],
        &["--max-pair-items", "1 is not allowed", "at least 2"],
    );
    fails_with(
        &site,
        GOOD_EVENTS,
        ITEMS,
        &["--epsilon", "0"],
        &["--epsilon", "above 0"],
    );
    fails_with(
        &site,
        GOOD_EVENTS,
        ITEMS,
        &["--seed", "3"],
        &["--seed", "needs --epsilon"],
    );
    let items = site.write("items.csv", ITEMS);
    let events = site.write("events.txt", GOOD_EVENTS);
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.txt") && stderr.contains(".csv, .jsonl, .parquet"),
        "{stderr}"
    );
}

#[test]
fn a_failed_build_keeps_the_previous_catalogue() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS);
    let events = site.write("events.csv", GOOD_EVENTS);
    site.build(&events, &items, &[]);
    let before = std::fs::read(site.path("out.json")).expect("first catalogue");
    let bad = site.write("events.csv", "user,item,timestamp\nu1,a,never\n");
    let output = site.run(&bad, &items, &[]);
    assert!(!output.status.success());
    assert_eq!(
        std::fs::read(site.path("out.json")).expect("still there"),
        before
    );
    let mut listing = site.listing();
    listing.retain(|n| n.starts_with('.'));
    assert!(listing.is_empty(), "temporary files left: {listing:?}");
}

#[test]
fn bad_parquet() {
    use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::parquet::arrow::ArrowWriter;
    use std::sync::Arc;

    let site = Site::new();
    let items = site.write("items.csv", ITEMS);
    let write = |columns: Vec<(&str, ArrayRef)>| {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
                .collect::<Vec<_>>(),
        ));
        let batch = RecordBatch::try_new(
            schema.clone(),
            columns.into_iter().map(|(_, a)| a).collect(),
        )
        .expect("batch");
        let path = site.path("events.parquet");
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&path).expect("create"), schema, None)
                .expect("writer");
        w.write(&batch).expect("write");
        w.close().expect("close");
        path
    };
    let text = |v: Vec<Option<&str>>| Arc::new(StringArray::from(v)) as ArrayRef;

    let events = write(vec![
        ("user", text(vec![Some("u1")])),
        ("item", text(vec![Some("a")])),
    ]);
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.parquet") && stderr.contains("no column \"timestamp\""),
        "{stderr}"
    );

    let events = write(vec![
        ("user", text(vec![Some("u1"), Some("u2")])),
        ("item", text(vec![Some("a"), None])),
        (
            "timestamp",
            text(vec![
                Some("2024-01-01T00:00:00Z"),
                Some("2024-01-01T00:00:00Z"),
            ]),
        ),
    ]);
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.parquet row 2: item: is null"),
        "{stderr}"
    );

    let events = write(vec![
        ("user", text(vec![Some("u1")])),
        ("item", text(vec![Some("a")])),
        (
            "timestamp",
            Arc::new(Float64Array::from(vec![1.5])) as ArrayRef,
        ),
    ]);
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.parquet") && stderr.contains("\"timestamp\" has type Float64"),
        "{stderr}"
    );

    let events = site.write("events.parquet", "user,item,timestamp\n");
    let stderr = site.fail(&events, &items, &[]);
    assert!(
        stderr.contains("events.parquet: not a readable Parquet file"),
        "{stderr}"
    );
}

#[test]
fn site_weights_are_published_when_valid_and_refused_otherwise() {
    let site = Site::new();
    let events = site.write("events.csv", GOOD_EVENTS);
    let items = site.write("items.csv", ITEMS);
    let weights = site.write("weights.json", r#"{"popularity": 0.5, "recentItems": 20}"#);
    let doc = site.build(&events, &items, &["--weights", weights.to_str().unwrap()]);
    assert_eq!(
        doc["weights"],
        serde_json::json!({"popularity": 0.5, "recentItems": 20})
    );
    // Without --weights the catalogue has none: the core's defaults apply.
    assert!(site.build(&events, &items, &[]).get("weights").is_none());
    let site = Site::new();
    let events = site.write("events.csv", GOOD_EVENTS);
    let items = site.write("items.csv", ITEMS);
    for (text, says) in [
        (
            r#"{"related": 9}"#,
            "weights.related: 9 is not allowed; allowed: a number from 0 to 4",
        ),
        (
            r#"{"sliders": 1}"#,
            "weights.sliders: unknown weight; allowed: popularity,",
        ),
        (
            r#"{"related": "2"}"#,
            "weights.related: \"2\" is not a number",
        ),
        ("[1]", "expected a JSON object of weights"),
        ("{", "not JSON"),
    ] {
        let file = site.write("weights.json", text);
        let stderr = site.fail(&events, &items, &["--weights", file.to_str().unwrap()]);
        assert!(
            stderr.contains("--weights") && stderr.contains(says),
            "{text}: {stderr}"
        );
    }
}

#[test]
fn site_rules_and_placements_are_published_when_the_core_accepts_them() {
    let site = Site::new();
    let events = site.write("events.csv", GOOD_EVENTS);
    let items = site.write("items.csv", ITEMS);
    let rules = site.write(
        "rules.json",
        r#"{"placements": {"home": {"limit": 4}}, "rules": [{"item": "b", "pin": 1, "placement": "home"}, {"category": "c", "boost": 0.5}]}"#,
    );
    let doc = site.build(&events, &items, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(doc["placements"], serde_json::json!({"home": {"limit": 4}}));
    assert_eq!(
        doc["rules"][0],
        serde_json::json!({"item": "b", "pin": 1, "placement": "home"})
    );
    // Without --rules the catalogue has neither.
    let plain = site.build(&events, &items, &[]);
    assert!(plain.get("rules").is_none() && plain.get("placements").is_none());
    let site = Site::new();
    let events = site.write("events.csv", GOOD_EVENTS);
    let items = site.write("items.csv", ITEMS);
    for (text, says) in [
        (
            r#"{"rules": [{"category": "westerns", "boost": 1}]}"#,
            "catalogue.rules[0].category: unknown category \"westerns\"",
        ),
        (
            r#"{"rules": [{"item": "a", "pin": 0}]}"#,
            "catalogue.rules[0].pin: 0 is not allowed",
        ),
        (
            r#"{"placements": {"home": {"limit": "x"}}}"#,
            "catalogue.placements.home.limit",
        ),
        (
            r#"{"banners": []}"#,
            "banners: unknown field; allowed: rules, placements",
        ),
        ("[1]", "expected a JSON object with rules and placements"),
    ] {
        let file = site.write("rules.json", text);
        let stderr = site.fail(&events, &items, &["--rules", file.to_str().unwrap()]);
        assert!(
            stderr.contains("--rules") && stderr.contains(says),
            "{text}: {stderr}"
        );
    }
    // The compact form carries no rules: refused, not silently dropped.
    let file = site.write("rules.json", r#"{"rules": []}"#);
    let stderr = site.fail(
        &events,
        &items,
        &["--rules", file.to_str().unwrap(), "--format", "compact"],
    );
    assert!(
        stderr.contains("the compact form carries no rules"),
        "{stderr}"
    );
}
