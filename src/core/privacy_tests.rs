use super::*;
use crate::core::fixtures::{self, NOW};
use crate::core::personalizer::Personalizer;
use crate::core::store::MemoryStore;

/// A seeded generator for the population simulation only; the device code
/// path (`Personalizer::private_report`) always uses `system_random`.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Binomial check: |k/n − prob| within `z` standard errors.
fn within(k: u64, n: u64, prob: f64, z: f64) -> bool {
    let se = (prob * (1.0 - prob) / n as f64).sqrt();
    ((k as f64 / n as f64) - prob).abs() <= z * se
}

#[test]
fn parameters_match_the_stated_epsilon() {
    let q = q();
    let eps = (P * (1.0 - q) / (q * (1.0 - P))).ln();
    assert!((eps - EPSILON_PER_BIT).abs() < 1e-12, "{eps}");
    assert_eq!(EPSILON_PER_REPORT, TOP_INTERESTS as f64 * eps);
}

#[test]
fn flip_probabilities_match_the_mechanism_with_system_randomness() {
    // One fixed profile: interested in categories 1 and 4 of 8.
    let truth = [false, true, false, false, true, false, false, false];
    let n = 40_000u64;
    let mut ones = [0u64; 8];
    for _ in 0..n {
        let bits = perturb(&truth, q(), &mut system_random).unwrap();
        for (o, b) in ones.iter_mut().zip(bits) {
            *o += u64::from(b);
        }
    }
    for (i, &k) in ones.iter().enumerate() {
        let expected = if truth[i] { P } else { q() };
        // 5 standard errors: a false alarm about once in 1.7 million runs per bit.
        assert!(
            within(k, n, expected, 5.0),
            "bit {i}: {k}/{n} vs {expected}"
        );
    }
    // A different probability is rejected by the same test (the test can fail).
    assert!(!within(ones[0], n, q() + 0.02, 5.0));
}

#[test]
fn a_profile_interested_in_nothing_looks_like_the_mechanism_says() {
    let truth = [false; 6];
    let n = 30_000u64;
    // Chi-square of the number of 1 bits per report against Binomial(6, q).
    let mut counts = [0u64; 7];
    for _ in 0..n {
        let bits = perturb(&truth, q(), &mut system_random).unwrap();
        counts[bits.iter().map(|&b| usize::from(b)).sum::<usize>()] += 1;
    }
    let q = q();
    let binom = |k: u32| {
        let c = (0..k).fold(1.0, |acc, i| acc * f64::from(6 - i) / f64::from(i + 1));
        c * q.powi(k as i32) * (1.0 - q).powi(6 - k as i32)
    };
    // Pool the sparse tail (5 and 6 ones) into one cell.
    let mut chi2 = 0.0;
    let mut cells = 0;
    for k in 0..=4u32 {
        let e = binom(k) * n as f64;
        chi2 += (counts[k as usize] as f64 - e).powi(2) / e;
        cells += 1;
    }
    let e_tail = (binom(5) + binom(6)) * n as f64;
    chi2 += ((counts[5] + counts[6]) as f64 - e_tail).powi(2) / e_tail;
    cells += 1;
    // df = 5; the 0.9999 quantile of chi-square(5) is 25.7.
    assert_eq!(cells - 1, 5);
    assert!(chi2 < 25.7, "chi2 = {chi2}, counts {counts:?}");
}

#[test]
fn estimates_from_100_000_simulated_devices_cover_the_truth() {
    let categories: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
    // Known shares; each device holds up to 2 interests drawn independently.
    let truth = [0.05, 0.10, 0.20, 0.30, 0.40, 0.02, 0.15, 0.25, 0.01, 0.00];
    let mut rng = SplitMix(0x5EED);
    let mut reports = Vec::with_capacity(100_000);
    let mut held = [0u64; 10];
    for _ in 0..100_000 {
        let mut set: Vec<bool> = truth.iter().map(|&t| rng.uniform() < t).collect();
        // Keep at most TOP_INTERESTS (the first ones), as the device does.
        let mut kept = 0;
        for b in set.iter_mut() {
            if *b {
                kept += 1;
                if kept > TOP_INTERESTS {
                    *b = false;
                }
            }
        }
        for (h, &b) in held.iter_mut().zip(&set) {
            *h += u64::from(b);
        }
        let bits = perturb(&set, q(), &mut |buf| rng.fill(buf)).unwrap();
        reports.push(Report {
            format: REPORT_FORMAT.into(),
            version: 1,
            mechanism: "oue".into(),
            epsilon: EPSILON_PER_REPORT,
            p: P,
            q: q(),
            categories: categories.clone(),
            bits,
        });
    }
    // Two reports that do not fit are skipped, not fatal.
    let mut other = reports[0].clone();
    other.categories.pop();
    other.bits.pop();
    reports.push(other);
    let mut bad = reports[1].clone();
    bad.bits[0] = 7;
    reports.push(bad);

    let (estimates, used, skipped) = estimate(&categories, &reports);
    assert_eq!((used, skipped), (100_000, 2));
    for (e, &h) in estimates.iter().zip(&held) {
        let actual = h as f64 / 100_000.0;
        assert!(
            e.low <= actual && actual <= e.high,
            "{}: {actual} not in [{}, {}]",
            e.category,
            e.low,
            e.high
        );
        assert!(e.std_error < 0.01, "{e:?}");
    }
}

fn films() -> Personalizer<MemoryStore> {
    let mut p = Personalizer::open(MemoryStore::default(), "default", NOW).unwrap();
    p.load_catalogue(&fixtures::films().to_string()).unwrap();
    p
}

#[test]
fn normal_quantiles_are_accurate() {
    for (prob, z) in [(0.975, 1.959964), (0.9975, 2.807034), (0.999, 3.090232)] {
        assert!(
            (normal_quantile(prob) - z).abs() < 5e-4,
            "{prob}: {}",
            normal_quantile(prob)
        );
    }
}

#[test]
fn no_report_without_opt_in() {
    let mut p = films();
    let e = p.private_report(NOW).unwrap_err();
    assert!(e.to_string().contains("opt-in"), "{e}");
    assert_eq!(p.summary(NOW).privacy.spent, 0.0);
}

#[test]
fn reports_are_memoized_then_the_budget_refuses_and_renews() {
    let mut p = films();
    p.set_preferences(
        r#"{"shareStatistics": true, "categories": {"sci-fi": 1}}"#,
        NOW,
    )
    .unwrap();
    let a = p.private_report(NOW).unwrap();
    // Sensitive categories are never part of the domain.
    assert_eq!(a.categories, ["sci-fi", "drama", "comedy"]);
    assert_eq!(a.bits.len(), 3);
    // Same input, same period: the same bits, no new spending.
    assert_eq!(p.private_report(NOW + 1000).unwrap(), a);
    assert_eq!(p.summary(NOW).privacy.spent, EPSILON_PER_REPORT);
    // A new input spends the rest of the budget...
    p.set_preferences(r#"{"categories": {"sci-fi": 0, "drama": 1}}"#, NOW)
        .unwrap();
    p.private_report(NOW + 2000).unwrap();
    assert_eq!(p.summary(NOW).privacy.spent, BUDGET_PER_PERIOD);
    // ...and a third input is refused.
    p.set_preferences(r#"{"categories": {"comedy": 1}}"#, NOW)
        .unwrap();
    let e = p.private_report(NOW + 3000).unwrap_err();
    assert!(e.to_string().contains("budget"), "{e}");
    let s = p.summary(NOW);
    assert_eq!(s.privacy.renews_at, Some(NOW + PERIOD_DAYS * DAY_MS));
    // The export carries the budget; forget resets it.
    assert!(p.export_data(NOW).to_string().contains("\"spent\":4.0"));
    // The next period renews it.
    assert!(p.private_report(NOW + PERIOD_DAYS * DAY_MS).is_ok());
    p.forget(NOW).unwrap();
    assert_eq!(p.summary(NOW).privacy.spent, 0.0);
    assert_eq!(p.summary(NOW).privacy.renews_at, None);
}

#[test]
fn turning_sharing_off_and_on_does_not_reset_the_budget() {
    let mut p = films();
    p.set_preferences(
        r#"{"shareStatistics": true, "categories": {"sci-fi": 1}}"#,
        NOW,
    )
    .unwrap();
    p.private_report(NOW).unwrap();
    p.set_preferences(r#"{"shareStatistics": false}"#, NOW)
        .unwrap();
    assert!(p.private_report(NOW).is_err());
    p.set_preferences(r#"{"shareStatistics": true}"#, NOW)
        .unwrap();
    assert_eq!(p.summary(NOW).privacy.spent, EPSILON_PER_REPORT);
}
