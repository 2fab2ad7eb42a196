//! Opt-in statistics with local differential privacy.
//!
//! Mechanism: optimized unary encoding (OUE; Wang, Blocki, Li, Jha, "Locally
//! Differentially Private Protocols for Frequency Estimation", USENIX
//! Security 2017), applied to a set-valued input. The domain is the
//! catalogue's non-sensitive categories; the input is the set S of the
//! person's top `TOP_INTERESTS` interests (possibly fewer, possibly none). Each
//! category becomes one bit, 1 if it is in S. Every bit is then reported as 1
//! with probability `p = 1/2` if it was 1 and `q = 1/(e^ε₁ + 1)` if it was 0.
//!
//! Privacy: for two inputs S, S', the output probabilities differ only at the
//! positions of S Δ S'. A position in S \ S' changes a probability by at most
//! p/q, a position in S' \ S by at most (1−q)/(1−p); both sets have at most
//! K = `TOP_INTERESTS` elements, so the ratio is at most (p(1−q)/(q(1−p)))^K =
//! e^{Kε₁}. One report is therefore ε = K·ε₁ = `EPSILON_PER_REPORT`-LDP.
//!
//! Repetition: reports are memoized per period and per input set (as RAPPOR's
//! "permanent randomized response", Erlingsson, Pihur, Korolova, CCS 2014):
//! asking again with the same interests returns the very same bits, so noise
//! cannot be averaged away. A changed input set needs a fresh report, which
//! spends budget; when `BUDGET_PER_PERIOD` is spent, reports are refused until
//! the period renews. Randomness comes from `getrandom` (the operating
//! system's or the browser's cryptographic source), never from a seed.

use super::error::{Error, Result};
use super::history::DAY_MS;
use super::json::{display_f64, read_fields, JsonResult, Reader, ToJson, Writer};
use super::limits::MAX_CATEGORIES;
use super::typed_values::{strings, whole_number};

/// How many top interests one report encodes (K).
pub const TOP_INTERESTS: usize = 2;
/// ε₁ of the per-bit perturbation.
pub const EPSILON_PER_BIT: f64 = 1.0;
/// ε of one report: K·ε₁.
pub const EPSILON_PER_REPORT: f64 = TOP_INTERESTS as f64 * EPSILON_PER_BIT;
/// Length of a budget period.
pub const PERIOD_DAYS: i64 = 30;
/// Total ε that fresh reports may spend in one period (two reports).
pub const BUDGET_PER_PERIOD: f64 = 2.0 * EPSILON_PER_REPORT;
/// Only interests at least this strong (on the −1..1 scale) are reported.
pub const MIN_INTEREST: f64 = 0.25;

/// Report format tag, for the site-side estimator.
pub const REPORT_FORMAT: &str = "ondevice-ldp-report";

/// Probability that a 1 bit is reported as 1 (OUE).
pub const P: f64 = 0.5;

/// Probability that a 0 bit is reported as 1 (OUE): 1/(e^ε₁ + 1).
pub fn q() -> f64 {
    1.0 / (EPSILON_PER_BIT.exp() + 1.0)
}

/// A locally randomized report: what a site may collect, if the person opts
/// in. (serde's derives serve the site-side estimator in the aggregates
/// builder; the wasm module reads and writes it with `json`.)
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Report {
    pub format: String,
    pub version: u32,
    pub mechanism: String,
    pub epsilon: f64,
    pub p: f64,
    pub q: f64,
    /// The domain: non-sensitive category ids in catalogue order.
    pub categories: Vec<String>,
    /// One randomized bit per category.
    pub bits: Vec<u8>,
}

/// The budget and memo, kept in the profile (exported, reset by `forget`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budget {
    /// Start of the current budget period (ms since epoch), if a report was made.
    pub period_start: Option<i64>,
    /// Epsilon spent in the current period.
    pub spent: f64,
    /// Fresh reports of this period, each with the input set it encodes.
    pub memo: Vec<Memo>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Memo {
    pub input: Vec<String>,
    pub report: Report,
}

/// The budget as `profileSummary().privacy` shows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize), serde(rename_all = "camelCase"))]
pub struct BudgetSummary {
    pub share_statistics: bool,
    pub epsilon_per_report: f64,
    pub budget_per_period: f64,
    pub period_days: i64,
    pub spent: f64,
    /// When the current period ends and the budget renews (null: no report yet).
    pub renews_at: Option<i64>,
}

impl Budget {
    pub fn validated(self, root: &str) -> Result<Budget> {
        if !self.spent.is_finite() || self.spent < 0.0 {
            return Err(Error::invalid(
                format!("{root}.spent"),
                format!(
                    "{} is not allowed; allowed: a finite number ≥ 0",
                    display_f64(self.spent)
                ),
            ));
        }
        if self
            .period_start
            .is_some_and(|t| !(0..=8_640_000_000_000_000).contains(&t))
        {
            return Err(Error::invalid(
                format!("{root}.periodStart"),
                "is not a valid time",
            ));
        }
        if self.memo.len() > (BUDGET_PER_PERIOD / EPSILON_PER_REPORT) as usize {
            return Err(Error::invalid(
                format!("{root}.memo"),
                "holds more reports than one period allows",
            ));
        }
        Ok(self)
    }

    /// Starts a new period if the current one is over.
    pub fn renew(&mut self, now: i64) {
        if self
            .period_start
            .is_some_and(|start| now >= start.saturating_add(PERIOD_DAYS * DAY_MS))
        {
            *self = Budget::default();
        }
    }

    pub fn summary(&self, share_statistics: bool) -> BudgetSummary {
        BudgetSummary {
            share_statistics,
            epsilon_per_report: EPSILON_PER_REPORT,
            budget_per_period: BUDGET_PER_PERIOD,
            period_days: PERIOD_DAYS,
            spent: self.spent,
            renews_at: self
                .period_start
                .map(|s| s.saturating_add(PERIOD_DAYS * DAY_MS)),
        }
    }

    /// The report for `input` over `domain`: the memoized one for this
    /// period, or a fresh one if the budget allows. `random` fills bytes from
    /// a cryptographic source.
    pub fn report(
        &mut self,
        domain: &[String],
        input: &[String],
        now: i64,
        random: &mut dyn FnMut(&mut [u8]) -> Result<()>,
    ) -> Result<Report> {
        self.renew(now);
        if let Some(m) = self
            .memo
            .iter()
            .find(|m| m.input == input && m.report.categories == domain)
        {
            return Ok(m.report.clone());
        }
        if self.spent + EPSILON_PER_REPORT > BUDGET_PER_PERIOD + 1e-9 {
            let renews = self
                .period_start
                .map_or(now, |s| s.saturating_add(PERIOD_DAYS * DAY_MS));
            return Err(Error::Refused(format!(
                "privateReport: the privacy budget of this period is spent (ε {} of {}); it renews at {renews} (ms since epoch)",
                display_f64(self.spent),
                display_f64(BUDGET_PER_PERIOD)
            )));
        }
        let truth: Vec<bool> = domain.iter().map(|c| input.contains(c)).collect();
        let bits = perturb(&truth, q(), random)?;
        let report = Report {
            format: REPORT_FORMAT.into(),
            version: 1,
            mechanism: "oue".into(),
            epsilon: EPSILON_PER_REPORT,
            p: P,
            q: q(),
            categories: domain.to_vec(),
            bits,
        };
        self.period_start.get_or_insert(now);
        self.spent += EPSILON_PER_REPORT;
        self.memo.push(Memo {
            input: input.to_vec(),
            report: report.clone(),
        });
        Ok(report)
    }
}

/// A uniform number in [0, 1) from 8 random bytes.
fn uniform(bytes: [u8; 8]) -> f64 {
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// The OUE perturbation of one bit vector: 1 stays 1 with probability P, 0
/// becomes 1 with probability `q`.
pub fn perturb(
    truth: &[bool],
    q: f64,
    random: &mut dyn FnMut(&mut [u8]) -> Result<()>,
) -> Result<Vec<u8>> {
    if truth.len() > MAX_CATEGORIES {
        return Err(Error::invalid("privateReport", "too many categories"));
    }
    let mut bytes = vec![0u8; truth.len() * 8];
    random(&mut bytes)?;
    Ok(truth
        .iter()
        .zip(bytes.chunks_exact(8))
        .map(|(&t, chunk)| {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            let threshold = if t { P } else { q };
            u8::from(uniform(b) < threshold)
        })
        .collect())
}

/// Randomness for reports: the platform's cryptographic source.
pub fn system_random(buf: &mut [u8]) -> Result<()> {
    // The error's text is not quoted: its Display pulls every OS error
    // message into the wasm module, and the browser has one source anyway.
    getrandom::fill(buf).map_err(|_| {
        Error::Refused(
            "privateReport: no cryptographic randomness available (crypto.getRandomValues failed)"
                .into(),
        )
    })
}

/// One category's estimated share of people interested in it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub category: String,
    /// Unbiased estimate of the share: (ones/n − q) / (p − q).
    pub share: f64,
    /// Standard error of `share`.
    pub std_error: f64,
    /// Simultaneous 95% confidence interval: all categories' intervals hold
    /// together with probability ≥ 95% (normal approximation, Bonferroni).
    pub low: f64,
    pub high: f64,
}

/// Site-side: unbiased per-category shares from reports, for the domain
/// `categories`. Reports that do not fit (another domain, another mechanism,
/// wrong length or bit values) are counted in the second value and skipped.
pub fn estimate(categories: &[String], reports: &[Report]) -> (Vec<Estimate>, usize, usize) {
    let q = q();
    let mut ones = vec![0u64; categories.len()];
    let (mut used, mut skipped) = (0usize, 0usize);
    for r in reports {
        let fits = r.format == REPORT_FORMAT
            && r.mechanism == "oue"
            && r.categories == categories
            && r.bits.len() == categories.len()
            && r.bits.iter().all(|&b| b <= 1)
            && (r.q - q).abs() < 1e-12
            && (r.p - P).abs() < 1e-12;
        if !fits {
            skipped += 1;
            continue;
        }
        used += 1;
        for (o, &b) in ones.iter_mut().zip(&r.bits) {
            *o += u64::from(b);
        }
    }
    let n = used as f64;
    let z = normal_quantile(1.0 - 0.025 / categories.len().max(1) as f64);
    let estimates = categories
        .iter()
        .zip(&ones)
        .map(|(c, &k)| {
            let share = if used == 0 {
                0.0
            } else {
                (k as f64 / n - q) / (P - q)
            };
            // Var(ones/n) = (f·p(1−p) + (1−f)·q(1−q)) / n, with f clamped to 0..1.
            let f = share.clamp(0.0, 1.0);
            let var = if used == 0 {
                f64::INFINITY
            } else {
                (f * P * (1.0 - P) + (1.0 - f) * q * (1.0 - q)) / (n * (P - q) * (P - q))
            };
            let se = var.sqrt();
            Estimate {
                category: c.clone(),
                share,
                std_error: se,
                low: share - z * se,
                high: share + z * se,
            }
        })
        .collect();
    (estimates, used, skipped)
}

/// The standard normal quantile for `prob` in (0.5, 1) (Abramowitz and
/// Stegun 26.2.23; absolute error below 4.5e-4).
pub fn normal_quantile(prob: f64) -> f64 {
    let tail = (1.0 - prob).clamp(1e-300, 0.5);
    let t = (-2.0 * tail.ln()).sqrt();
    t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
        / (1.0 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t)
}

/// Keys in alphabetical order, as the profile has always stored them.
impl ToJson for Report {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{").key("bits").array(&self.bits, |w, b| {
            w.integer(i64::from(*b));
        });
        w.key("categories").array(&self.categories, |w, c| {
            w.string(c);
        });
        w.key("epsilon")
            .number(self.epsilon)
            .key("format")
            .string(&self.format)
            .key("mechanism")
            .string(&self.mechanism);
        w.key("p")
            .number(self.p)
            .key("q")
            .number(self.q)
            .key("version")
            .integer(i64::from(self.version))
            .raw("}");
    }
}

/// Stored form: `{"memo":[{"input":[..],"report":{..}}],"periodStart":t|null,"spent":x}`.
impl ToJson for Budget {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{").key("memo").array(&self.memo, |w, m| {
            w.raw("{").key("input").array(&m.input, |w, c| {
                w.string(c);
            });
            w.key("report");
            m.report.write_json(w);
            w.raw("}");
        });
        w.key("periodStart");
        match self.period_start {
            Some(t) => w.integer(t),
            None => w.raw("null"),
        };
        w.key("spent").number(self.spent).raw("}");
    }
}

impl ToJson for BudgetSummary {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("shareStatistics")
            .boolean(self.share_statistics)
            .key("epsilonPerReport")
            .number(self.epsilon_per_report);
        w.key("budgetPerPeriod")
            .number(self.budget_per_period)
            .key("periodDays")
            .integer(self.period_days)
            .key("spent")
            .number(self.spent);
        w.key("renewsAt");
        match self.renews_at {
            Some(t) => w.integer(t),
            None => w.raw("null"),
        };
        w.raw("}");
    }
}

impl Report {
    fn read(r: &mut Reader) -> JsonResult<Report> {
        let mut out = Report {
            format: String::new(),
            version: 0,
            mechanism: String::new(),
            epsilon: 0.0,
            p: 0.0,
            q: 0.0,
            categories: Vec::new(),
            bits: Vec::new(),
        };
        let fields = read_fields!(r, "struct Report", {
            "format" => out.format = r.string()?.into_owned(),
            "version" => out.version = whole_number(r, "u32")?,
            "mechanism" => out.mechanism = r.string()?.into_owned(),
            "epsilon" => out.epsilon = r.number()?,
            "p" => out.p = r.number()?,
            "q" => out.q = r.number()?,
            "categories" => out.categories = strings(r, MAX_CATEGORIES, "a sequence")?,
            "bits" => r.array(MAX_CATEGORIES, "a sequence", |r, _| {
                out.bits.push(whole_number(r, "u8")?);
                Ok(())
            })?,
        })?;
        fields.require_all(r)?;
        Ok(out)
    }
}

impl Budget {
    /// Reads the stored form (every field optional) and checks it.
    pub fn read(r: &mut Reader, root: &str) -> Result<Budget> {
        let mut b = Budget::default();
        read_fields!(r, "struct Budget", {
            "periodStart" => {
                b.period_start = if r.null()? {
                    None
                } else {
                    Some(whole_number(r, "i64")?)
                }
            },
            "spent" => b.spent = r.number()?,
            "memo" => r.array(16, "a sequence", |r, _| {
                let (mut input, mut report) = (None, None);
                let fields = read_fields!(r, "struct Memo", {
                    "input" => input = Some(strings(r, MAX_CATEGORIES, "a sequence")?),
                    "report" => report = Some(Report::read(r)?),
                })?;
                fields.require_all(r)?;
                if let (Some(input), Some(report)) = (input, report) {
                    b.memo.push(Memo { input, report });
                }
                Ok(())
            })?,
        })
        .map_err(|e| e.into_error(root))?;
        b.validated(root)
    }
}

#[cfg(test)]
#[path = "privacy_tests.rs"]
mod tests;
