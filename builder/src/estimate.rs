//! `ondevice-builder estimate`: population shares from opt-in statistics
//! reports (JSON Lines, one `privateReport()` per line). The arithmetic is
//! the core's (`ondevice::core::privacy::estimate`), shared with the device
//! code's tests; this module only reads files and prints.
//!
//! Reports that do not parse, or that do not match the catalogue's
//! non-sensitive categories (another domain, another mechanism, malformed
//! bits), are counted and skipped, never fatal.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;

use ondevice::core::privacy::{self, Estimate, Report};
use ondevice::core::Catalogue;
use serde::Serialize;

/// What an `estimate` run found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimates {
    pub estimates: Vec<Estimate>,
    /// Reports used.
    pub reports: usize,
    /// Lines that are not a report at all (not JSON, wrong fields).
    pub unparsable: usize,
    /// Reports that parse but do not fit this catalogue's categories or the mechanism.
    pub mismatched: usize,
    /// Every interval holds together with this probability (Bonferroni).
    pub confidence: f64,
}

/// Reads the catalogue (for its non-sensitive categories, in order) and the
/// reports, and estimates each category's share.
pub fn run(reports_path: &Path, catalogue_path: &Path) -> Result<Estimates, String> {
    let text = fs::read_to_string(catalogue_path)
        .map_err(|e| format!("{}: {e}", catalogue_path.display()))?;
    let (catalogue, _) =
        Catalogue::from_json(&text).map_err(|e| format!("{}: {e}", catalogue_path.display()))?;
    let domain: Vec<String> = catalogue
        .categories()
        .iter()
        .filter(|c| !c.sensitive)
        .map(|c| c.id.clone())
        .collect();

    let file =
        fs::File::open(reports_path).map_err(|e| format!("{}: {e}", reports_path.display()))?;
    let mut reports = Vec::new();
    let mut unparsable = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("{}: line {}: {e}", reports_path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Report>(&line) {
            Ok(r) => reports.push(r),
            Err(_) => unparsable += 1,
        }
    }
    let (estimates, used, mismatched) = privacy::estimate(&domain, &reports);
    Ok(Estimates {
        estimates,
        reports: used,
        unparsable,
        mismatched,
        confidence: 0.95,
    })
}

/// A table for people.
pub fn table(e: &Estimates) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<24} {:>8} {:>22}",
        "category", "share", "95% (all together)"
    );
    for x in &e.estimates {
        let _ = writeln!(
            out,
            "{:<24} {:>8.4} {:>10.4} .. {:<9.4}",
            x.category, x.share, x.low, x.high
        );
    }
    let _ = writeln!(out, "reports used: {}; unparsable lines skipped: {}; reports for another domain or mechanism skipped: {}", e.reports, e.unparsable, e.mismatched);
    out
}
