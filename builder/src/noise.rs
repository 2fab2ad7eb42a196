//! Optional Laplace noise on the four count tables, with the sensitivity that
//! the per-user cap allows. The arithmetic is spelled out in the README
//! ("Privacy of the aggregates"); the numbers printed at build time come from
//! here.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::limits::MAX_NUMBER;

/// The counts the SQL computes before anything is published. Each gets an
/// equal share of epsilon (sequential composition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountTable {
    /// Distinct users per item (popularity; also the cosine denominator).
    ItemUsers,
    /// Distinct users per unordered item pair.
    PairUsers,
    /// Distinct users per transition i -> j.
    TransitionUsers,
    /// Distinct users with any transition out of i.
    TransitionSources,
}

impl CountTable {
    pub const ALL: [CountTable; 4] = [
        CountTable::ItemUsers,
        CountTable::PairUsers,
        CountTable::TransitionUsers,
        CountTable::TransitionSources,
    ];

    /// The SQL view that holds the exact counts.
    pub fn view(self) -> &'static str {
        match self {
            CountTable::ItemUsers => "item_users",
            CountTable::PairUsers => "pair_users",
            CountTable::TransitionUsers => "transition_users",
            CountTable::TransitionSources => "transition_sources",
        }
    }

    /// The key columns of the view, in the order used to draw noise.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            CountTable::ItemUsers | CountTable::TransitionSources => &["item_no"],
            CountTable::PairUsers => &["item_a", "item_b"],
            CountTable::TransitionUsers => &["from_item", "to_item"],
        }
    }

    /// L1 sensitivity: by how much, summed over all keys, adding or removing
    /// one user can change the table when each user keeps at most `cap`
    /// positive events and at most `pair_items` of their distinct items form
    /// pairs. Every key moves by at most 1 per user (distinct users are
    /// counted), so this is also the number of keys one user can touch.
    pub fn sensitivity(self, cap: u64, pair_items: u64) -> f64 {
        let c = cap as f64;
        let m = cap.min(pair_items) as f64;
        match self {
            // at most `cap` distinct items
            CountTable::ItemUsers => c,
            // at most m*(m-1)/2 unordered pairs of the m latest items
            CountTable::PairUsers => m * (m - 1.0) / 2.0,
            // at most cap-1 consecutive pairs, so at most cap-1 distinct
            // transitions and cap-1 distinct items to leave from
            CountTable::TransitionUsers | CountTable::TransitionSources => (c - 1.0).max(0.0),
        }
    }

    /// Whether the table's keys are public (the site's item list) or appear
    /// only when some user has them (and then pass the k threshold).
    pub fn thresholded(self) -> bool {
        matches!(self, CountTable::PairUsers | CountTable::TransitionUsers)
    }
}

pub struct Noise {
    rng: StdRng,
    epsilon: f64,
    cap: u64,
    pair_items: u64,
}

impl Noise {
    /// `seed` makes the noise reproducible; without it the generator is
    /// seeded from the operating system.
    pub fn new(epsilon: f64, cap: u64, pair_items: u64, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        };
        Noise {
            rng,
            epsilon,
            cap,
            pair_items,
        }
    }

    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    /// Each of the four tables spends a quarter of epsilon.
    pub fn epsilon_per_table(&self) -> f64 {
        self.epsilon / CountTable::ALL.len() as f64
    }

    /// The table's L1 sensitivity under this build's caps.
    pub fn sensitivity(&self, table: CountTable) -> f64 {
        table.sensitivity(self.cap, self.pair_items)
    }

    /// The Laplace scale b = sensitivity / epsilon_per_table.
    pub fn scale(&self, table: CountTable) -> f64 {
        self.sensitivity(table) / self.epsilon_per_table()
    }

    /// `count` + Laplace(b), rounded to an integer and clamped to
    /// 0..=MAX_NUMBER. Rounding and clamping are post-processing and cost no
    /// privacy.
    pub fn add(&mut self, table: CountTable, count: i64) -> i64 {
        let b = self.scale(table);
        if b == 0.0 {
            return count;
        }
        let noisy = count as f64 + laplace(&mut self.rng, b);
        noisy.round().clamp(0.0, MAX_NUMBER) as i64
    }

    /// An upper bound on delta for a thresholded table: a key that exists
    /// only because of one user has count 1 and is published only if
    /// round(1 + noise) >= k, i.e. noise >= k - 1.5, probability
    /// 1/2 * exp(-(k - 1.5) / b) for k >= 2; one user creates at most
    /// `sensitivity` such keys (union bound). Capped at 1.
    pub fn delta(&self, table: CountTable, k: u64) -> f64 {
        if !table.thresholded() {
            return 0.0;
        }
        let keys = self.sensitivity(table);
        let b = self.scale(table);
        if keys == 0.0 || b == 0.0 {
            return 0.0;
        }
        if k < 2 {
            // a count of 1 passes k = 1 more often than not
            return 1.0;
        }
        (keys * 0.5 * (-((k as f64) - 1.5) / b).exp()).min(1.0)
    }

    /// The delta of the whole release: the sum over the four tables.
    pub fn total_delta(&self, k: u64) -> f64 {
        CountTable::ALL
            .iter()
            .map(|&t| self.delta(t, k))
            .sum::<f64>()
            .min(1.0)
    }

    /// The least k whose total delta is at most `target` (binary search;
    /// delta falls as k grows).
    pub fn k_for_delta(&self, target: f64) -> u64 {
        let (mut lo, mut hi) = (2u64, 2u64);
        while self.total_delta(hi) > target && hi < u64::MAX / 2 {
            hi *= 2;
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.total_delta(mid) > target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        hi
    }
}

/// One draw from Laplace(0, b) by inversion of the CDF.
fn laplace(rng: &mut StdRng, b: f64) -> f64 {
    loop {
        // u in (-0.5, 0.5); u = -0.5 would give ln(0)
        let u: f64 = rng.random::<f64>() - 0.5;
        let tail = 1.0 - 2.0 * u.abs();
        if tail > 0.0 {
            return -b * u.signum() * tail.ln();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitivity_follows_the_cap() {
        assert_eq!(CountTable::ItemUsers.sensitivity(10, 1000), 10.0);
        assert_eq!(CountTable::PairUsers.sensitivity(10, 1000), 45.0);
        assert_eq!(CountTable::TransitionUsers.sensitivity(10, 1000), 9.0);
        assert_eq!(CountTable::TransitionSources.sensitivity(1, 1000), 0.0);
        // the pair bound caps only the pairs
        assert_eq!(CountTable::PairUsers.sensitivity(1000, 4), 6.0);
        assert_eq!(CountTable::ItemUsers.sensitivity(1000, 4), 1000.0);
    }

    #[test]
    fn scale_splits_epsilon_four_ways() {
        let n = Noise::new(2.0, 10, 1000, Some(1));
        assert_eq!(n.epsilon_per_table(), 0.5);
        assert_eq!(n.scale(CountTable::ItemUsers), 20.0);
        assert_eq!(n.scale(CountTable::PairUsers), 90.0);
    }

    #[test]
    fn laplace_has_the_right_spread_and_is_reproducible() {
        let mut rng = StdRng::seed_from_u64(7);
        let draws: Vec<f64> = (0..200_000).map(|_| laplace(&mut rng, 3.0)).collect();
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let mean_abs = draws.iter().map(|x| x.abs()).sum::<f64>() / draws.len() as f64;
        // E[X] = 0 and E|X| = b for Laplace(0, b)
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((mean_abs - 3.0).abs() < 0.05, "mean |x| {mean_abs}");
        let mut a = Noise::new(1.0, 5, 1000, Some(42));
        let mut b = Noise::new(1.0, 5, 1000, Some(42));
        let xs: Vec<i64> = (0..100).map(|i| a.add(CountTable::PairUsers, i)).collect();
        let ys: Vec<i64> = (0..100).map(|i| b.add(CountTable::PairUsers, i)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|&x| x >= 0));
        assert_ne!(xs, (0..100).collect::<Vec<i64>>());
    }

    #[test]
    fn delta_shrinks_with_k_and_is_useless_for_large_caps() {
        // cap 5, epsilon 4: pairs have sensitivity 10, scale 10/1 = 10
        let small = Noise::new(4.0, 5, 1000, None);
        let (d50, d100) = (
            small.delta(CountTable::PairUsers, 50),
            small.delta(CountTable::PairUsers, 100),
        );
        assert!(
            (d50 - 10.0 * 0.5 * (-48.5f64 / 10.0).exp()).abs() < 1e-12,
            "{d50}"
        );
        assert!(d100 < d50 && d100 > 0.0);
        assert_eq!(small.delta(CountTable::ItemUsers, 5), 0.0);
        let big = Noise::new(1.0, 1000, 1000, None);
        assert_eq!(big.delta(CountTable::PairUsers, 5), 1.0);
        let k = small.k_for_delta(1e-6);
        assert!(
            small.total_delta(k) <= 1e-6 && small.total_delta(k - 1) > 1e-6,
            "k = {k}"
        );
    }
}
