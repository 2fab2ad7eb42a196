//! The same log in CSV, JSON Lines and Parquet, with ms or RFC 3339
//! timestamps, gives the same catalogue; categories files; noise.

mod common;

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray, TimestampMillisecondArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use datafusion::parquet::arrow::ArrowWriter;

use common::{list, popularity, Site};

const ITEMS_CSV: &str = "id,title,categories,published_at,repeatable\n\
a,Alien,sci-fi,1700000000000,false\n\
b,\"Aliens, the sequel\",sci-fi|action,2023-11-14T22:13:20Z,\n\
c,Heal,health,,true\n";

/// Six users go a -> b -> c, one minute apart, users 0-2 also dislike c.
fn rows() -> Vec<(String, &'static str, i64, &'static str)> {
    let mut out = Vec::new();
    for u in 0..6 {
        let t = 1_700_000_000_000 + u * 1_000_000;
        out.push((format!("user {u}"), "a", t, "view"));
        out.push((format!("user {u}"), "b", t + 60_000, "click"));
        out.push((
            format!("user {u}"),
            "c",
            t + 120_000,
            if u < 3 { "dislike" } else { "purchase" },
        ));
    }
    out
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("valid")
        .to_rfc3339()
}

fn write_parquet(site: &Site) -> std::path::PathBuf {
    let rows = rows();
    let schema = Arc::new(Schema::new(vec![
        Field::new("user", DataType::Utf8, false),
        Field::new("item", DataType::Utf8, false),
        Field::new(
            "timestamp",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            false,
        ),
        Field::new("kind", DataType::Utf8, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.0.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1))),
        Arc::new(TimestampMillisecondArray::from_iter_values(
            rows.iter().map(|r| r.2),
        )),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.3))),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).expect("batch");
    let path = site.path("events.parquet");
    let mut w = ArrowWriter::try_new(std::fs::File::create(&path).expect("create"), schema, None)
        .expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    path
}

#[test]
fn csv_json_lines_and_parquet_agree() {
    let site = Site::new();
    let items_csv = site.write("items.csv", ITEMS_CSV);
    let csv: String = std::iter::once("user,item,timestamp,kind\n".to_string())
        .chain(
            rows()
                .iter()
                .map(|(u, i, t, k)| format!("{u},{i},{t},{k}\n")),
        )
        .collect();
    let from_csv = site.build(&site.write("events.csv", &csv), &items_csv, &[]);

    let csv_rfc: String = std::iter::once("kind,timestamp,item,user\n".to_string())
        .chain(
            rows()
                .iter()
                .map(|(u, i, t, k)| format!("{k},{},{i},{u}\n", rfc3339(*t))),
        )
        .collect();
    assert_eq!(
        site.build(&site.write("events2.csv", &csv_rfc), &items_csv, &[]),
        from_csv,
        "RFC 3339 and column order"
    );

    let jsonl: String = rows()
        .iter()
        .map(|(u, i, t, k)| {
            serde_json::json!({"user": u, "item": i, "timestamp": t, "kind": k}).to_string() + "\n"
        })
        .collect();
    let items_jsonl = site.write(
        "items.jsonl",
        r#"{"id":"a","title":"Alien","categories":["sci-fi"],"publishedAt":1700000000000,"repeatable":false}
{"id":"b","title":"Aliens, the sequel","categories":["sci-fi","action"],"publishedAt":"2023-11-14T22:13:20Z"}
{"id":"c","title":"Heal","categories":["health"],"repeatable":true}
"#,
    );
    assert_eq!(
        site.build(&site.write("events.jsonl", &jsonl), &items_jsonl, &[]),
        from_csv,
        "JSON Lines"
    );
    assert_eq!(
        site.build(&write_parquet(&site), &items_csv, &[]),
        from_csv,
        "Parquet"
    );

    // and the content itself
    assert_eq!(popularity(&from_csv, "a"), 6);
    assert_eq!(popularity(&from_csv, "c"), 3, "dislikes count for nothing");
    assert_eq!(list(&from_csv, "a", "related")[0].0, "b");
    assert!(
        list(&from_csv, "a", "related")
            .iter()
            .all(|(id, _)| id != "c"),
        "only 3 users share a and c"
    );
    let b = common::item(&from_csv, "b");
    assert_eq!(b["publishedAt"], 1_700_000_000_000i64);
    assert!(b.get("repeatable").is_none());
    assert_eq!(
        from_csv["categories"][0],
        serde_json::json!({"id": "sci-fi", "label": "sci-fi"})
    );
}

#[test]
fn kind_column_is_optional_and_defaults_to_view() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS_CSV);
    let csv: String = std::iter::once("user,item,timestamp\n".to_string())
        .chain(rows().iter().map(|(u, i, t, _)| format!("{u},{i},{t}\n")))
        .collect();
    let doc = site.build(&site.write("events.csv", &csv), &items, &[]);
    assert_eq!(popularity(&doc, "c"), 6);
}

#[test]
fn categories_file_gives_labels_and_sensitivity() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS_CSV);
    let events = site.write("events.csv", "user,item,timestamp\nu,a,1\n");
    let cats = site.write("cats.csv", "id,label,sensitive\naction,Action,\nsci-fi,Sci-Fi,false\nhealth,Health,true\nunused,Unused,0\n");
    let doc = site.build(
        &events,
        &items,
        &["--categories", cats.to_str().expect("utf8 path")],
    );
    assert_eq!(
        doc["categories"],
        serde_json::json!([
            {"id": "action", "label": "Action"},
            {"id": "sci-fi", "label": "Sci-Fi"},
            {"id": "health", "label": "Health", "sensitive": true},
            {"id": "unused", "label": "Unused"}
        ])
    );
    let cats = site.write("cats.jsonl", "{\"id\":\"sci-fi\",\"label\":\"Sci-Fi\"}\n{\"id\":\"action\"}\n{\"id\":\"health\",\"sensitive\":true}\n");
    let doc = site.build(
        &events,
        &items,
        &["--categories", cats.to_str().expect("utf8 path")],
    );
    assert_eq!(
        doc["categories"][1],
        serde_json::json!({"id": "action", "label": "action"})
    );
    assert_eq!(doc["categories"][2]["sensitive"], true);
}

#[test]
fn noise_is_reproducible_with_a_seed_and_keeps_the_format() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS_CSV);
    let csv: String = std::iter::once("user,item,timestamp,kind\n".to_string())
        .chain(
            rows()
                .iter()
                .map(|(u, i, t, k)| format!("{u},{i},{t},{k}\n")),
        )
        .collect();
    let events = site.write("events.csv", &csv);
    let args = [
        "--epsilon",
        "1",
        "--seed",
        "7",
        "--max-events-per-user",
        "3",
    ];
    let first = site.build(&events, &items, &args);
    let again = site.build(&events, &items, &args);
    assert_eq!(first, again, "same seed, same file");
    let mut differs = false;
    for seed in ["8", "9", "10", "11"] {
        let other = site.build(
            &events,
            &items,
            &[
                "--epsilon",
                "1",
                "--seed",
                seed,
                "--max-events-per-user",
                "3",
            ],
        );
        differs |= other != first;
    }
    assert!(differs, "different seeds never changed the file");
    let unseeded = site.build(&events, &items, &["--epsilon", "0.5"]);
    assert_eq!(unseeded["items"].as_array().expect("items").len(), 3);
}

#[test]
fn progress_goes_to_stderr() {
    let site = Site::new();
    let items = site.write("items.csv", ITEMS_CSV);
    let events = site.write("events.csv", "user,item,timestamp\nu,a,1\n");
    let out = site.run(&events, &items, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("1 events from 1 users")
            && stderr.contains("12_pair_users.sql")
            && stderr.contains("wrote"),
        "{stderr}"
    );
}
