//! The named weights of the score and the comparable `Score`: what ranking,
//! the signals, explanations and the catalogue's `weights` share (kept apart
//! from `rank` so that `signals` does not import it).

use std::cmp::Ordering;

use super::json::display_f64;

/// The named weights of the score. `Weights::DEFAULT` is what ships, tuned
/// on a validation split of MovieLens-100K (see `bench/quality`), never on
/// test items. They are runtime values only so that the tuning can replay
/// histories natively; the JS API has no way to change them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Log-scaled popularity, 0..1 of the most popular item.
    pub popularity: f64,
    /// Freshness: 1 for an item published now, halving every `freshness_half_life_days`.
    pub freshness: f64,
    pub freshness_half_life_days: f64,
    /// The person's category sliders (−1..1).
    pub sliders: f64,
    /// Interest learned from consented history (−1..1).
    pub interest: f64,
    /// "People who engaged with your recent items also engaged with this" (0..1).
    pub related: f64,
    /// "What people engaged with right after your latest items" (0..1).
    pub next: f64,
    /// Items related to the one on screen (0..1). Strong: complements first.
    pub context: f64,
    /// Subtracted from items shown `frequencyCap` times today: larger than any
    /// other score, so they follow every item under the cap.
    pub frequency_cap_penalty: f64,
    /// How strongly `variety` = 1 penalises category overlap with items above.
    pub variety: f64,
    /// How strongly `variety` = 1 pulls the list's category mix toward the
    /// person's learned mix of interests (Steck's calibration, in nats).
    pub calibration: f64,
    /// How many of the latest distinct engaged items feed `related`, and how
    /// much each older one counts relative to the next newer one.
    pub recent_items: usize,
    pub recency_decay: f64,
    /// How many of the latest engaged items feed `next`, and their decay.
    pub next_items: usize,
    pub next_decay: f64,
}

impl Weights {
    /// Tuned by `examples/tune_weights.rs` (one round of coordinate search on
    /// validation NDCG@10: popularity 1 → 0.25, interest 0.5 → 1, next 1 → 2;
    /// NDCG@10 0.1118 → 0.1167, HR@10 0.1994 → 0.2142 on the validation items).
    pub const DEFAULT: Weights = Weights {
        popularity: 0.25,
        freshness: 0.3,
        freshness_half_life_days: 7.0,
        sliders: 1.0,
        interest: 1.0,
        related: 2.0,
        next: 2.0,
        context: 4.0,
        frequency_cap_penalty: 100.0,
        variety: 1.25,
        calibration: 2.0,
        recent_items: 50,
        recency_decay: 0.9,
        next_items: 3,
        next_decay: 0.5,
    };
}

/// The weights a site may set in its catalogue (`"weights": {...}`, usually
/// fitted by the builder on the site's own log), with their bounds and
/// whether they are whole numbers. The rest are not the site's to change:
/// the sliders' weight (what the person said), the frequency-cap penalty,
/// and variety and calibration (the person's variety slider). The personal
/// signals are capped at 4 and the site's own (popularity, freshness) at 1,
/// the weight of a full slider, so that a slider can always overturn them.
pub const SITE_WEIGHTS: [(&str, f64, f64, bool); 11] = [
    ("popularity", 0.0, 1.0, false),
    ("freshness", 0.0, 1.0, false),
    ("freshnessHalfLifeDays", 0.5, 3650.0, false),
    ("interest", 0.0, 4.0, false),
    ("related", 0.0, 4.0, false),
    ("next", 0.0, 4.0, false),
    ("context", 0.0, 4.0, false),
    ("recentItems", 1.0, 100.0, true),
    ("recencyDecay", 0.0, 1.0, false),
    ("nextItems", 0.0, 10.0, true),
    ("nextDecay", 0.0, 1.0, false),
];

/// The names of `SITE_WEIGHTS`, the fields of a catalogue's `weights`.
/// (Indexing in a const item: out of bounds fails the build, never a run.)
#[allow(clippy::indexing_slicing)]
pub const SITE_WEIGHT_NAMES: [&str; SITE_WEIGHTS.len()] = {
    let mut names = [""; SITE_WEIGHTS.len()];
    let mut k = 0;
    while k < names.len() {
        names[k] = SITE_WEIGHTS[k].0;
        k += 1;
    }
    names
};

impl Weights {
    /// Sets entry `k` of `SITE_WEIGHTS` to `x` (checked by the caller).
    pub fn set_site(&mut self, k: usize, x: f64) {
        match k {
            0 => self.popularity = x,
            1 => self.freshness = x,
            2 => self.freshness_half_life_days = x,
            3 => self.interest = x,
            4 => self.related = x,
            5 => self.next = x,
            6 => self.context = x,
            7 => self.recent_items = x as usize,
            8 => self.recency_decay = x,
            9 => self.next_items = x as usize,
            _ => self.next_decay = x,
        }
    }

    /// Entry `k` of `SITE_WEIGHTS`.
    pub fn site(&self, k: usize) -> f64 {
        match k {
            0 => self.popularity,
            1 => self.freshness,
            2 => self.freshness_half_life_days,
            3 => self.interest,
            4 => self.related,
            5 => self.next,
            6 => self.context,
            7 => self.recent_items as f64,
            8 => self.recency_decay,
            9 => self.next_items as f64,
            _ => self.next_decay,
        }
    }

    /// Checks entry `k`'s value; the message says what is allowed.
    pub fn check_site(k: usize, x: f64) -> std::result::Result<f64, String> {
        let Some(&(_, low, high, whole)) = SITE_WEIGHTS.get(k) else {
            return Err("is not a site weight".into());
        };
        if !(low..=high).contains(&x) || (whole && x.fract() != 0.0) {
            let what = if whole { "a whole number" } else { "a number" };
            return Err(format!(
                "{} is not allowed; allowed: {what} from {} to {}",
                display_f64(x),
                display_f64(low),
                display_f64(high)
            ));
        }
        Ok(x + 0.0)
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights::DEFAULT
    }
}

/// A comparable score. Scores are always finite (all inputs are checked).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score(pub f64);

impl Score {
    /// Higher score first, then catalogue order. Total and deterministic.
    pub fn cmp_desc(a: (Score, u32), b: (Score, u32)) -> Ordering {
        b.0 .0.total_cmp(&a.0 .0).then(a.1.cmp(&b.1))
    }
}
