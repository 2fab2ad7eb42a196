//! `ondevice-builder assemble` on aggregates tables as the Spark job writes
//! them (Parquet part files under popularity/, related/, next/ and a
//! manifest): the catalogue it writes, and the errors for tables that do not
//! fit the item list. (The end-to-end comparison with `build` on the same log
//! runs Spark: scripts/spark_equivalence.sh, a stage of the test command.)

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use common::{check_catalogue, ids, list, popularity, Site};
use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::parquet::arrow::ArrowWriter;

type Edge<'a> = (&'a str, &'a str, f64, i64);

fn write_table(dir: &Path, name: &str, columns: Vec<(&str, ArrayRef)>) {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).expect("table dir");
    let batch = RecordBatch::try_from_iter(columns).expect("batch");
    let file = std::fs::File::create(folder.join("part-00000.snappy.parquet")).expect("part file");
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
}

fn edges(dir: &Path, name: &str, rows: &[Edge<'_>]) {
    write_table(
        dir,
        name,
        vec![
            (
                "item_id",
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))) as ArrayRef,
            ),
            (
                "neighbour_id",
                Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1))),
            ),
            (
                "weight",
                Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.2))),
            ),
            (
                "neighbour_rank",
                Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.3))),
            ),
        ],
    );
}

/// An aggregates directory: popularity of a and b, related a<->b, next a->c.
fn aggregates(site: &Site, related: &[Edge<'_>]) -> std::path::PathBuf {
    let dir = site.path("aggregates");
    write_table(
        &dir,
        "popularity",
        vec![
            (
                "item_id",
                Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef,
            ),
            ("popularity", Arc::new(Int64Array::from(vec![5, 3]))),
        ],
    );
    edges(&dir, "related", related);
    edges(&dir, "next", &[("a", "c", 1.0, 1)]);
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"format": "ondevice-aggregates", "version": 1,
            "params": {"k": 5, "max_events_per_user": 1000, "max_pair_items": 200, "related": 20, "next": 10}}"#,
    )
    .expect("manifest");
    dir
}

fn assemble(site: &Site, dir: &Path, items: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
        .arg("assemble")
        .arg("--aggregates")
        .arg(dir)
        .arg("--items")
        .arg(items)
        .arg("--out")
        .arg(site.path("out.json"))
        .args(extra)
        .output()
        .expect("run the builder")
}

const PAIR: [Edge<'static>; 2] = [("a", "b", 0.5, 1), ("b", "a", 0.5, 1)];

#[test]
fn the_tables_become_the_catalogue() {
    let site = Site::new();
    let items = site.items(&["a", "b", "c"]);
    let dir = aggregates(&site, &PAIR);
    let output = assemble(&site, &dir, &items, &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(site.path("out.json")).expect("catalogue");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    check_catalogue(&text, &doc);
    assert_eq!(popularity(&doc, "a"), 5);
    assert_eq!(popularity(&doc, "c"), 0);
    assert_eq!(list(&doc, "a", "related"), [("b".to_string(), 0.5)]);
    assert_eq!(ids(&list(&doc, "a", "next")), ["c"]);
    assert!(list(&doc, "c", "related").is_empty());
}

/// A table that does not fit the item list, or a directory that is not the
/// job's, is refused naming the table and the value; nothing is written.
#[test]
fn tables_that_do_not_fit_are_refused() {
    let cases: [(&[Edge<'_>], &[&str], &str); 5] = [
        (
            &[("a", "zz", 0.5, 1)],
            &[],
            "\"zz\" is not in the item list",
        ),
        (
            &[("a", "b", 1.5, 1)],
            &[],
            "weight of \"a\" -> \"b\": null or outside 0..=1",
        ),
        (
            &[("a", "b", 0.5, 1), ("a", "c", 0.4, 3)],
            &[],
            "the ranks of \"a\"'s list are not 1, 2, 3",
        ),
        (
            &PAIR,
            &["--related", "21"],
            "--related: 21 is more than the aggregates hold (the job ran with --related 20)",
        ),
        (
            &PAIR,
            &["--max-items", "0"],
            "--max-items: 0 is not allowed",
        ),
    ];
    for (related, extra, words) in cases {
        let site = Site::new();
        let items = site.items(&["a", "b", "c"]);
        let dir = aggregates(&site, related);
        let output = assemble(&site, &dir, &items, extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "accepted {related:?} {extra:?}");
        assert!(stderr.contains(words), "expected {words:?} in {stderr}");
        if words.contains("zz") || words.contains("weight") || words.contains("ranks") {
            assert!(stderr.contains("related"), "the table is named: {stderr}");
        }
        assert!(
            !site.path("out.json").exists(),
            "output written for {words}"
        );
    }
    let site = Site::new();
    let items = site.items(&["a", "b", "c"]);
    let dir = aggregates(&site, &PAIR);
    std::fs::remove_file(dir.join("manifest.json")).expect("rm");
    let stderr = String::from_utf8_lossy(&assemble(&site, &dir, &items, &[]).stderr).into_owned();
    assert!(stderr.contains("manifest.json"), "{stderr}");
    std::fs::write(dir.join("manifest.json"), r#"{"format": "something else"}"#).expect("write");
    let stderr = String::from_utf8_lossy(&assemble(&site, &dir, &items, &[]).stderr).into_owned();
    assert!(stderr.contains("not an aggregates manifest"), "{stderr}");
    std::fs::remove_dir_all(dir.join("next")).expect("rm");
    std::fs::write(
        dir.join("manifest.json"),
        r#"{"format": "ondevice-aggregates", "version": 1, "params": {"related": 20, "next": 10}}"#,
    )
    .expect("write");
    let stderr = String::from_utf8_lossy(&assemble(&site, &dir, &items, &[]).stderr).into_owned();
    assert!(
        stderr.contains("next") && stderr.contains("missing"),
        "{stderr}"
    );
}
