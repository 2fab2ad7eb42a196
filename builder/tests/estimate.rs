//! The `estimate` command on simulated reports: 50,000 devices with known
//! interests (a seeded generator for the simulation only; devices use the
//! system's cryptographic source), plus lines that must be skipped.

use std::fs;
use std::process::Command;

use ondevice::core::privacy::{self, Report, EPSILON_PER_REPORT, P, REPORT_FORMAT};
use serde_json::{json, Value};

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn estimates_cover_the_simulated_truth_and_bad_lines_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let categories = ["action", "drama", "comedy", "health"];
    let catalogue = json!({ "version": 1,
        "categories": categories.iter().map(|c| json!({ "id": c, "label": c, "sensitive": *c == "health" })).collect::<Vec<_>>(),
        "items": [{ "id": "a" }] });
    fs::write(dir.path().join("catalogue.json"), catalogue.to_string()).unwrap();

    let domain: Vec<String> = categories[..3].iter().map(|s| s.to_string()).collect();
    let truth = [0.5, 0.2, 0.05];
    let mut rng = SplitMix(42);
    let mut held = [0u64; 3];
    let mut lines = Vec::new();
    let n = 50_000;
    for _ in 0..n {
        let set: Vec<bool> = truth
            .iter()
            .map(|&t| ((rng.next() >> 11) as f64 / (1u64 << 53) as f64) < t)
            .collect();
        for (h, &b) in held.iter_mut().zip(&set) {
            *h += u64::from(b);
        }
        let bits = privacy::perturb(&set, privacy::q(), &mut |buf| {
            for chunk in buf.chunks_mut(8) {
                let b = rng.next().to_le_bytes();
                chunk.copy_from_slice(&b[..chunk.len()]);
            }
            Ok(())
        })
        .unwrap();
        let r = Report {
            format: REPORT_FORMAT.into(),
            version: 1,
            mechanism: "oue".into(),
            epsilon: EPSILON_PER_REPORT,
            p: P,
            q: privacy::q(),
            categories: domain.clone(),
            bits,
        };
        lines.push(serde_json::to_string(&r).unwrap());
    }
    lines.push("not json".into());
    lines.push(json!({ "hello": 1 }).to_string());
    let mut other: Value = serde_json::from_str(&lines[0]).unwrap();
    other["categories"] = json!(["x", "y", "z"]);
    lines.push(other.to_string());
    fs::write(dir.path().join("reports.jsonl"), lines.join("\n")).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
        .args(["estimate", "--reports"])
        .arg(dir.path().join("reports.jsonl"))
        .arg("--catalogue")
        .arg(dir.path().join("catalogue.json"))
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["reports"], n);
    assert_eq!(result["unparsable"], 2);
    assert_eq!(result["mismatched"], 1);
    let estimates = result["estimates"].as_array().unwrap();
    assert_eq!(
        estimates.len(),
        3,
        "the sensitive category is not part of the domain"
    );
    for (e, &h) in estimates.iter().zip(&held) {
        let actual = h as f64 / n as f64;
        let (low, high) = (e["low"].as_f64().unwrap(), e["high"].as_f64().unwrap());
        assert!(
            low <= actual && actual <= high,
            "{}: {actual} not in [{low}, {high}]",
            e["category"]
        );
        assert!(high - low < 0.05, "{e}");
    }
}

#[test]
fn a_missing_reports_file_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
        .args([
            "estimate",
            "--reports",
            "/nonexistent/reports.jsonl",
            "--catalogue",
            "/nonexistent/catalogue.json",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/catalogue.json"));
}
