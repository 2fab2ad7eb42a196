//! Scoring and top-k selection.
//!
//! An item's score is
//!
//! ```text
//! base      = POPULARITY·log-popularity + FRESHNESS·2^(-age/FRESHNESS_HALF_LIFE)
//! context   = CONTEXT·related-weight-from-the-item-on-screen        (not personal)
//! personal  = SLIDERS·mean(slider of its categories)
//!           + INTEREST·mean(learned interest of its categories)
//!           + RELATED·co-engagement with recent history
//!           + NEXT·transition from the latest items
//! score     = base + context + personalization·personal − FREQUENCY_CAP_PENALTY·[shown too often today, personalization > 0]
//! ```
//!
//! Every term except base and the penalty is normalised to −1..1 (or 0..1)
//! per call, so the weights below compare like with like. An item in a
//! sensitive category the person has not turned on gets the base score only.
//! Blocked categories, dismissed items, bought non-repeatable items and
//! `exclude` are not candidates. Ties break by catalogue order.
//!
//! `breakdown` is the single definition of the score: the ranking loop sums
//! it, and `explain` and the reasons are read off it.

use std::cmp::Ordering;

use super::catalogue::Catalogue;
use super::history::decay;
use super::signals::Signals;
use super::weights::Score;

/// The factors of one item's score, in score points.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Breakdown {
    pub popularity: f64,
    pub freshness: f64,
    pub context: f64,
    pub sliders: f64,
    pub interest: f64,
    pub related: f64,
    pub next: f64,
    pub frequency_cap: f64,
    /// The site's boosts (`Rule`s): the site's doing, not personal.
    pub promoted: f64,
    /// The category whose slider moved this item most.
    pub slider_category: Option<u16>,
    /// The category whose learned interest moved this item most.
    pub interest_category: Option<u16>,
    /// The history item that contributed most to `related` / `next`.
    pub related_source: Option<u32>,
    pub next_source: Option<u32>,
    /// In a sensitive category the person has not turned on: base only.
    pub locked: bool,
}

impl Breakdown {
    pub fn total(&self) -> f64 {
        self.total_before_rules() + self.promoted
    }

    /// The total without the site's boosts: what the ranking loop sums for
    /// every item, adding a boost only when a rule applies (reading the
    /// field there made every `rank` a third slower, rules or not).
    #[inline(always)]
    fn total_before_rules(&self) -> f64 {
        self.popularity
            + self.freshness
            + self.context
            + self.sliders
            + self.interest
            + self.related
            + self.next
            + self.frequency_cap
    }
}

pub use super::signals::Exclusion;

/// Scores item `i`. Allocation-free: called once per item per `rank`.
#[inline]
pub fn breakdown(cat: &Catalogue, s: &Signals, i: u32) -> Breakdown {
    let mut b = breakdown_but_freshness(cat, s, i);
    b.freshness = freshness(cat, s, i);
    b.promoted = promoted(cat, s, &b, i);
    b
}

/// The site's boosts of item `i` (`Rule`s), none for an item in a
/// sensitive category the person has not turned on.
#[inline(always)]
fn promoted(cat: &Catalogue, s: &Signals, b: &Breakdown, i: u32) -> f64 {
    if s.any_promoted && !b.locked {
        s.promoted(cat, i)
    } else {
        0.0
    }
}

/// `b`'s total as the ranking loop sums it, with the boost `promoted` (0
/// where no rule applies: then nothing is added).
#[inline(always)]
fn score(b: &Breakdown, promoted: f64) -> f64 {
    let t = b.total_before_rules();
    if promoted != 0.0 {
        t + promoted
    } else {
        t
    }
}

/// The freshness factor of item `i`: the one term that needs an `exp` per
/// item, so `top` computes it last and only for items that can still make
/// the list.
#[inline(always)]
fn freshness(cat: &Catalogue, s: &Signals, i: u32) -> f64 {
    match cat.published_at(i) {
        Some(published) if s.now as f64 - published >= 0.0 => {
            let age = s.now as f64 - published;
            s.weights.freshness * decay(age as i64, s.weights.freshness_half_life_days)
        }
        _ => 0.0,
    }
}

/// Every factor of `breakdown` except freshness (left at 0).
#[inline(always)]
fn breakdown_but_freshness(cat: &Catalogue, s: &Signals, i: u32) -> Breakdown {
    let mut b = Breakdown {
        popularity: s.weights.popularity * s.popularity_norm(cat.log_popularity(i)),
        ..Breakdown::default()
    };
    let cats = cat.item_categories(i);
    b.locked = s.any_locked && cats.iter().any(|&c| s.locked(c));
    if b.locked {
        return b;
    }
    let idx = i as usize;
    b.context = s.weights.context
        * s.context
            .get(idx)
            .map_or(0.0, |&x| f64::from(x) * s.context_scale);
    let p = s.personalization;
    if p == 0.0 {
        // Personalization off: exactly the site's order (explicit exclusions
        // still apply; nothing is reordered, not even by the frequency cap).
        return b;
    }
    if s.impressions
        .get(idx)
        .is_some_and(|&n| n >= s.frequency_cap)
    {
        b.frequency_cap = -s.weights.frequency_cap_penalty;
    }
    if !cats.is_empty() {
        let (mut slider_sum, mut interest_sum) = (0.0, 0.0);
        let (mut top_slider, mut top_interest) = (0.0f64, 0.0f64);
        for &c in cats {
            let (sl, it) = (s.slider(c), s.interest(c));
            slider_sum += sl;
            interest_sum += it;
            if sl.abs() > top_slider.abs() {
                top_slider = sl;
                b.slider_category = Some(c);
            }
            if it.abs() > top_interest.abs() {
                top_interest = it;
                b.interest_category = Some(c);
            }
        }
        // x / 1 and x / 2 are exactly x and x * 0.5: most items have one or
        // two categories, and a division is the slowest step of the loop.
        let mean = |x: f64| match cats.len() {
            1 => x,
            2 => x * 0.5,
            n => x / n as f64,
        };
        b.sliders = mean(p * s.weights.sliders * slider_sum);
        b.interest = mean(p * s.weights.interest * interest_sum);
    }
    if let Some(&r) = s.related.get(idx) {
        if r > 0.0 {
            b.related = p * s.weights.related * f64::from(r) * s.related_scale;
            b.related_source = s.related_source.get(idx).copied();
        }
    }
    if let Some(&x) = s.next.get(idx) {
        if x > 0.0 {
            b.next = p * s.weights.next * f64::from(x) * s.next_scale;
            b.next_source = s.next_source.get(idx).copied();
        }
    }
    b
}

/// Why `i` cannot be shown, if it cannot. Blocked categories come first.
#[inline(always)]
pub fn exclusion(cat: &Catalogue, s: &Signals, i: u32) -> Option<Exclusion> {
    if s.any_blocked {
        if let Some(&c) = cat.item_categories(i).iter().find(|&&c| s.blocked(c)) {
            return Some(Exclusion::Blocked(c));
        }
    }
    if s.site_filter {
        if let Some(e) = s.site_excludes(cat, i) {
            return Some(e);
        }
    }
    match s.flags.get(i as usize).copied().unwrap_or(0) & Signals::EXCLUDING {
        0 => None,
        f if f & Signals::UNAVAILABLE != 0 => Some(Exclusion::Unavailable),
        f if f & Signals::ON_SCREEN != 0 => Some(Exclusion::OnScreen),
        f if f & Signals::REQUESTED != 0 => Some(Exclusion::Requested),
        f if f & Signals::DISMISSED != 0 => Some(Exclusion::Dismissed),
        f if f & Signals::PURCHASED != 0 => Some(Exclusion::Purchased),
        _ => Some(Exclusion::Seen),
    }
}

/// The top `limit` candidates, best first, by partial selection: every item
/// is scored (allocation-free) and offered to a bounded heap of the best
/// `head` so far in `scored` (a reused buffer), so most items cost one
/// comparison after their score; only the head is sorted. With `variety` > 0
/// a larger head is re-ranked by maximal marginal relevance.
pub fn top(
    cat: &Catalogue,
    s: &Signals,
    limit: usize,
    variety: f64,
    scored: &mut Vec<(Score, u32)>,
) -> Vec<(Score, u32)> {
    let head = if variety > 0.0 {
        limit
            .min(VARIETY_HEAD)
            .saturating_mul(VARIETY_POOL)
            .max(limit)
    } else {
        limit
    };
    scored.clear();
    if head == 0 {
        return Vec::new();
    }
    // Freshness is at most its weight (decay <= 1) and float addition is
    // monotonic, so the total with that maximum bounds the real total: an
    // item whose bound cannot beat the worst kept one is skipped without its
    // `exp`. The kept set is exactly the same.
    let max_freshness = s.weights.freshness.max(0.0);
    let mut heap = Worst(scored);
    for i in 0..cat.len() as u32 {
        if exclusion(cat, s, i).is_some() {
            continue;
        }
        let mut b = breakdown_but_freshness(cat, s, i);
        let boost = promoted(cat, s, &b, i);
        if heap.0.len() == head {
            let bound = score(
                &Breakdown {
                    freshness: max_freshness,
                    ..b
                },
                boost,
            );
            if !heap.admits((Score(bound), i)) {
                continue;
            }
        }
        b.freshness = freshness(cat, s, i);
        heap.offer((Score(score(&b, boost)), i), head);
    }
    heap.sort();
    if variety > 0.0 {
        diversify(
            cat,
            s,
            scored,
            limit.min(VARIETY_HEAD),
            variety * s.weights.variety,
        );
    }
    scored.iter().take(limit).copied().collect()
}

/// A binary heap whose root is the worst kept candidate (lowest score, then
/// latest in catalogue order), so that `Score::cmp_desc` decides what stays:
/// the kept set is exactly the first `head` of the full sorted order.
struct Worst<'a>(&'a mut Vec<(Score, u32)>);

impl Worst<'_> {
    /// Whether `a` ranks after `b` (is worse).
    #[inline(always)]
    fn worse(a: (Score, u32), b: (Score, u32)) -> bool {
        Score::cmp_desc(a, b) == Ordering::Greater
    }

    /// Whether `x` would be kept in a full heap (it beats the worst).
    #[inline(always)]
    fn admits(&self, x: (Score, u32)) -> bool {
        self.0.first().is_some_and(|&root| Self::worse(root, x))
    }

    #[inline]
    fn offer(&mut self, x: (Score, u32), head: usize) {
        let v = &mut *self.0;
        if v.len() < head {
            v.push(x);
            let mut i = v.len() - 1;
            while i > 0 {
                let parent = (i - 1) / 2;
                match (v.get(i).copied(), v.get(parent).copied()) {
                    (Some(a), Some(p)) if Self::worse(a, p) => v.swap(i, parent),
                    _ => break,
                }
                i = parent;
            }
        } else if v.first().is_some_and(|&root| Self::worse(root, x)) {
            if let Some(root) = v.first_mut() {
                *root = x;
            }
            Self::sift_down(v);
        }
    }

    /// Moves the root of `v` down to its place.
    fn sift_down(v: &mut [(Score, u32)]) {
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut worst = i;
            for c in [l, r] {
                if let (Some(&a), Some(&w)) = (v.get(c), v.get(worst)) {
                    if Self::worse(a, w) {
                        worst = c;
                    }
                }
            }
            if worst == i {
                break;
            }
            v.swap(i, worst);
            i = worst;
        }
    }

    /// Sorts the kept candidates best first (heapsort: the worst goes to
    /// the end, one at a time), the order `Score::cmp_desc` gives; a
    /// `sort_unstable_by` here cost 3.5 KB of wasm.
    fn sort(self) {
        let v = &mut *self.0;
        for end in (1..v.len()).rev() {
            v.swap(0, end);
            Self::sift_down(v.get_mut(..end).unwrap_or(&mut []));
        }
    }
}

/// How many positions at the top of the list variety re-ranks.
pub const VARIETY_HEAD: usize = 100;
/// Candidates considered per re-ranked position.
const VARIETY_POOL: usize = 3;

/// How much each item above that came from the same history item (its main
/// `related` source) adds to a candidate's variety penalty: the second
/// "because you bought bananas" pays 1, the third 2, ... so one staple
/// cannot explain the whole list.
const SAME_SOURCE_PENALTY: f64 = 1.0;

/// Greedy maximal-marginal-relevance: position k takes the candidate with the
/// best score minus `variety·(summed category overlap with positions above +
/// SAME_SOURCE_PENALTY·items above from the same related source)` minus the
/// calibration cost. Ties keep the score order. An item the person's sliders
/// push down (a negative slider sum) never passes one they do not that
/// scored above it: "less of this" wins over variety. O(head · pool).
fn diversify(cat: &Catalogue, s: &Signals, ranked: &mut [(Score, u32)], head: usize, variety: f64) {
    let mut calibration = Calibration::new(s, variety * s.weights.calibration);
    let mut penalty = vec![0.0f64; ranked.len()];
    let mut same_source = vec![0.0f64; ranked.len()];
    let source = |i: u32| {
        s.related
            .get(i as usize)
            .filter(|&&r| r > 0.0)
            .and_then(|_| s.related_source.get(i as usize).copied())
    };
    let demoted = |i: u32| {
        let cats = cat.item_categories(i);
        !cats.is_empty() && cats.iter().map(|&c| s.slider(c)).sum::<f64>() < 0.0
    };
    for k in 0..head.min(ranked.len()) {
        let mut best = k;
        let mut best_value = f64::NEG_INFINITY;
        if let Some(c) = calibration.as_mut() {
            c.prepare();
        }
        // ranked[k..] keeps the score order: a demoted candidate may not
        // pass a kept one that scored above it.
        let mut passed_kept = false;
        for j in k..ranked.len() {
            let (Some(&(score, i)), Some(p), Some(same)) =
                (ranked.get(j), penalty.get(j), same_source.get(j))
            else {
                break;
            };
            if demoted(i) {
                if passed_kept {
                    continue;
                }
            } else {
                passed_kept = true;
            }
            let miscalibration = calibration
                .as_ref()
                .map_or(0.0, |c| c.cost(cat.item_categories(i)));
            let value = score.0 - variety * (p + same) - miscalibration;
            if value > best_value {
                best_value = value;
                best = j;
            }
        }
        for list in [&mut *penalty, &mut *same_source] {
            if let Some(s) = list.get_mut(k..=best) {
                s.rotate_right(1);
            }
        }
        let Some(s) = ranked.get_mut(k..=best) else {
            break;
        };
        s.rotate_right(1);
        let chosen_item = s.first().map_or(0, |r| r.1);
        let chosen = cat.item_categories(chosen_item);
        if let Some(c) = calibration.as_mut() {
            c.add(chosen);
        }
        let chosen_source = source(chosen_item);
        for j in k + 1..ranked.len() {
            let (Some(&(_, i)), Some(p), Some(same)) =
                (ranked.get(j), penalty.get_mut(j), same_source.get_mut(j))
            else {
                break;
            };
            *p += jaccard(chosen, cat.item_categories(i));
            if chosen_source.is_some() && source(i) == chosen_source {
                *same += SAME_SOURCE_PENALTY;
            }
        }
    }
}

/// Steck's calibration ("Calibrated recommendations", 2018) as a cost of the
/// greedy re-ranking: `weight · KL(p ‖ q̃)`, where p is the person's mix of
/// learned interests (their positive part, as shares), q the category mix of
/// the list with the candidate added (each item spreads 1 over its
/// categories) and q̃ = (1 − α)·q + α·p. Per position the sum over p's
/// categories is computed once; a candidate then costs its own categories.
struct Calibration {
    weight: f64,
    /// (category, share) of p, shares summing to 1.
    p: Vec<(u16, f64)>,
    /// The same shares by category index (0 outside p), for candidates.
    share: Vec<f64>,
    /// Category mass of the items chosen so far, by category index.
    mass: Vec<f64>,
    total: f64,
    /// Per position: KL with a candidate of no category / the shared part
    /// for candidates with categories (total + 1).
    base_none: f64,
    base_some: f64,
}

const CALIBRATION_ALPHA: f64 = 0.01;

impl Calibration {
    fn new(s: &Signals, weight: f64) -> Option<Calibration> {
        if weight <= 0.0 {
            return None;
        }
        let positive: f64 = s.interests.iter().filter(|&&x| x > 0.0).sum();
        if positive <= 0.0 {
            return None;
        }
        let share: Vec<f64> = s
            .interests
            .iter()
            .map(|&x| if x > 0.0 { x / positive } else { 0.0 })
            .collect();
        let p = share
            .iter()
            .enumerate()
            .filter(|&(_, &x)| x > 0.0)
            .map(|(c, &x)| (c as u16, x))
            .collect();
        Some(Calibration {
            weight,
            p,
            share,
            mass: vec![0.0; s.interests.len()],
            total: 0.0,
            base_none: 0.0,
            base_some: 0.0,
        })
    }

    fn term(p: f64, mass: f64, total: f64) -> f64 {
        let q = if total > 0.0 { mass / total } else { 0.0 };
        p * (p / ((1.0 - CALIBRATION_ALPHA) * q + CALIBRATION_ALPHA * p)).ln()
    }

    fn mass(&self, c: u16) -> f64 {
        self.mass.get(usize::from(c)).copied().unwrap_or(0.0)
    }

    fn prepare(&mut self) {
        let (mut none, mut some) = (0.0, 0.0);
        for &(c, p) in &self.p {
            let m = self.mass(c);
            none += Self::term(p, m, self.total);
            some += Self::term(p, m, self.total + 1.0);
        }
        self.base_none = none;
        self.base_some = some;
    }

    fn share(&self, c: u16) -> Option<f64> {
        self.share.get(usize::from(c)).copied().filter(|&p| p > 0.0)
    }

    fn cost(&self, cats: &[u16]) -> f64 {
        if cats.is_empty() {
            return self.weight * self.base_none;
        }
        let add = 1.0 / cats.len() as f64;
        let total = self.total + 1.0;
        let mut kl = self.base_some;
        for &c in cats {
            if let Some(p) = self.share(c) {
                let m = self.mass(c);
                kl += Self::term(p, m + add, total) - Self::term(p, m, total);
            }
        }
        self.weight * kl
    }

    fn add(&mut self, cats: &[u16]) {
        if cats.is_empty() {
            return;
        }
        let add = 1.0 / cats.len() as f64;
        for &c in cats {
            if let Some(m) = self.mass.get_mut(usize::from(c)) {
                *m += add;
            }
        }
        self.total += 1.0;
    }
}

fn jaccard(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|c| b.contains(c)).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

#[cfg(test)]
#[path = "rank_tests.rs"]
mod tests;
