//! Helpers for the CLI tests: a temporary site directory, input writers, a
//! runner for the real binary, and a checker that loads each catalogue with
//! the core library's own parser and checks the documented limits.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub struct Site {
    pub dir: tempfile::TempDir,
}

/// One log row: user, item, timestamp (ms), kind.
pub type Row<'a> = (&'a str, &'a str, i64, &'a str);

impl Site {
    pub fn new() -> Self {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write input");
        p
    }

    /// Items `ids`, each in category `c`.
    pub fn items(&self, ids: &[&str]) -> PathBuf {
        let mut s = String::from("id,title,categories\n");
        for id in ids {
            s.push_str(&format!("{id},Title {id},c\n"));
        }
        self.write("items.csv", &s)
    }

    pub fn events(&self, rows: &[Row<'_>]) -> PathBuf {
        let mut s = String::from("user,item,timestamp,kind\n");
        for (u, i, t, k) in rows {
            s.push_str(&format!("{u},{i},{t},{k}\n"));
        }
        self.write("events.csv", &s)
    }

    /// Runs `ondevice-builder build --events E --items I --out OUT extra...`.
    pub fn run(&self, events: &Path, items: &Path, extra: &[&str]) -> std::process::Output {
        let out = self.path("out.json");
        Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
            .arg("build")
            .arg("--events")
            .arg(events)
            .arg("--items")
            .arg(items)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("run the builder")
    }

    /// A build that must succeed; returns the catalogue, already checked.
    pub fn build(&self, events: &Path, items: &Path, extra: &[&str]) -> Value {
        let output = self.run(events, items, extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "build failed: {stderr}");
        let text = std::fs::read_to_string(self.path("out.json")).expect("output file");
        let doc: Value = serde_json::from_str(&text).expect("output is JSON");
        check_catalogue(&text, &doc);
        doc
    }

    /// A build that must fail; returns stderr after checking that no output
    /// file and no temporary file was left behind.
    pub fn fail(&self, events: &Path, items: &Path, extra: &[&str]) -> String {
        let before = self.listing();
        let output = self.run(events, items, extra);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !output.status.success(),
            "build should have failed; stderr: {stderr}"
        );
        assert!(
            !self.path("out.json").exists(),
            "an output file was left behind"
        );
        assert_eq!(
            self.listing(),
            before,
            "files appeared in the output directory"
        );
        stderr
    }

    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("list dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Users `prefix0..prefixN`.
pub fn users(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

pub fn item<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("item {id} missing"))
}

pub fn popularity(doc: &Value, id: &str) -> i64 {
    item(doc, id)["popularity"]
        .as_i64()
        .expect("popularity is an integer")
}

/// The `related` or `next` list of an item as (id, weight).
pub fn list(doc: &Value, id: &str, field: &str) -> Vec<(String, f64)> {
    match item(doc, id).get(field) {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .expect("array")
            .iter()
            .map(|n| {
                (
                    n["id"].as_str().expect("id").to_string(),
                    n["weight"].as_f64().expect("weight"),
                )
            })
            .collect(),
    }
}

pub fn ids(list: &[(String, f64)]) -> Vec<&str> {
    list.iter().map(|(id, _)| id.as_str()).collect()
}

/// The documented limits, checked independently of the builder's code, and
/// the core library's parser, which must accept the file without warnings.
pub fn check_catalogue(text: &str, doc: &Value) {
    assert!(text.len() <= 64 * 1024 * 1024);
    assert_eq!(doc["version"], 1);
    let categories = doc["categories"].as_array().expect("categories");
    assert!(categories.len() <= 256);
    for c in categories {
        assert!(c["id"].as_str().expect("id").len() <= 128);
        assert!(c["label"].as_str().expect("label").len() <= 128);
        if let Some(s) = c.get("sensitive") {
            assert_eq!(s, true, "sensitive is written only when true");
        }
    }
    let items = doc["items"].as_array().expect("items");
    assert!(items.len() <= 200_000);
    for it in items {
        let id = it["id"].as_str().expect("id");
        assert!(!id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic()));
        if let Some(t) = it.get("title") {
            assert!(t.as_str().expect("title").len() <= 512);
        }
        assert!(it["categories"].as_array().expect("categories").len() <= 16);
        let p = it["popularity"].as_f64().expect("popularity");
        assert!(p.is_finite() && p >= 0.0);
        if let Some(t) = it.get("publishedAt") {
            assert!(t.as_f64().expect("publishedAt") >= 0.0);
        }
        for field in ["related", "next"] {
            if let Some(v) = it.get(field) {
                let list = v.as_array().expect("list");
                assert!(
                    !list.is_empty() && list.len() <= 100,
                    "{field} of {id}: empty lists are left out"
                );
                for pair in list.windows(2) {
                    let (a, b) = (
                        pair[0]["weight"].as_f64().expect("w"),
                        pair[1]["weight"].as_f64().expect("w"),
                    );
                    assert!(
                        a > b || (a == b && pair[0]["id"].as_str() < pair[1]["id"].as_str()),
                        "{field} of {id} not sorted: {list:?}"
                    );
                }
                for n in list {
                    let w = n["weight"].as_f64().expect("weight");
                    assert!((0.0..=1.0).contains(&w), "{field} of {id}: weight {w}");
                    assert_ne!(n["id"], it["id"], "{field} of {id} points to itself");
                }
            }
        }
    }
    let (_, warnings) = ondevice::core::Catalogue::from_json(text)
        .unwrap_or_else(|e| panic!("the core rejects the catalogue: {e}"));
    assert!(
        warnings.is_empty(),
        "the core warns: {:?}",
        warnings
            .iter()
            .map(|w| w.message.clone())
            .collect::<Vec<_>>()
    );
}
