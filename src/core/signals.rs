//! The per-call inputs of scoring, derived once per `rank` from the profile
//! and the catalogue: per-category slider and interest values, dense
//! per-item collaborative signals and exclusion flags. The dense buffers are
//! owned by `Scratch` and reused between calls, so ranking allocates nothing
//! per item and never copies the catalogue.

use super::catalogue::Catalogue;
use super::history::{decay, INTEREST_HALF_LIFE_DAYS};
use super::profile::Profile;
use super::rank::{self, accumulate, Weights};

/// Reusable buffers, one slot per catalogue item.
#[derive(Debug, Default)]
pub struct Scratch {
    related: Vec<f32>,
    related_best: Vec<f32>,
    related_source: Vec<u32>,
    next: Vec<f32>,
    next_best: Vec<f32>,
    next_source: Vec<u32>,
    context: Vec<f32>,
    flags: Vec<u8>,
    impressions: Vec<u32>,
    pub scored: Vec<(rank::Score, u32)>,
}

/// What one `rank` call asks for, already resolved to item indices.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub context: Option<u32>,
    pub exclude: Vec<u32>,
}

pub struct Signals<'a> {
    pub now: i64,
    pub weights: Weights,
    pub personalization: f64,
    pub frequency_cap: u32,
    log_max_popularity: f64,
    sliders: Vec<f64>,
    interests: Vec<f64>,
    blocked: Vec<bool>,
    locked: Vec<bool>,
    pub related: &'a [f32],
    pub related_source: &'a [u32],
    pub related_scale: f64,
    pub next: &'a [f32],
    pub next_source: &'a [u32],
    pub next_scale: f64,
    pub context: &'a [f32],
    pub context_scale: f64,
    pub flags: &'a [u8],
    pub impressions: &'a [u32],
}

fn reset<T: Copy>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

fn scale(values: &[f32]) -> f64 {
    let max = values.iter().copied().fold(0.0f32, f32::max);
    if max > 0.0 {
        1.0 / f64::from(max)
    } else {
        0.0
    }
}

impl<'a> Signals<'a> {
    pub const DISMISSED: u8 = 1;
    pub const PURCHASED: u8 = 2;
    pub const REQUESTED: u8 = 4;
    pub const ON_SCREEN: u8 = 8;

    pub fn new(cat: &Catalogue, profile: &Profile, request: &Request, weights: Weights, now: i64, scratch: &'a mut Scratch) -> Signals<'a> {
        let prefs = &profile.preferences;
        let n = cat.len();
        let k = cat.categories().len();
        let mut sliders = vec![0.0; k];
        let mut blocked = vec![false; k];
        let mut locked = vec![false; k];
        for (c, category) in cat.categories().iter().enumerate() {
            locked[c] = category.sensitive && !prefs.sensitive.contains(&category.id);
            blocked[c] = prefs.blocked.contains(&category.id);
            sliders[c] = prefs.slider(&category.id);
        }
        let interests = learned_interests(cat, profile, now);

        reset(&mut scratch.related, n, 0.0);
        reset(&mut scratch.related_best, n, 0.0);
        reset(&mut scratch.related_source, n, u32::MAX);
        reset(&mut scratch.next, n, 0.0);
        reset(&mut scratch.next_best, n, 0.0);
        reset(&mut scratch.next_source, n, u32::MAX);
        reset(&mut scratch.context, n, 0.0);
        reset(&mut scratch.flags, n, 0);
        reset(&mut scratch.impressions, n, 0);

        // Collaborative signals from the latest distinct engaged items.
        let mut seen: Vec<u32> = Vec::with_capacity(weights.recent_items);
        for (id, kind, _) in rank::engaged(profile) {
            if seen.len() == weights.recent_items {
                break;
            }
            let Some(h) = cat.item(id) else { continue };
            if seen.contains(&h) {
                continue;
            }
            let k = seen.len();
            seen.push(h);
            let strength = kind.interest_weight();
            accumulate(cat.related(h), strength * weights.recency_decay.powi(k as i32), h, &mut scratch.related, &mut scratch.related_best, &mut scratch.related_source);
            if k < weights.next_items {
                accumulate(cat.next(h), weights.next_decay.powi(k as i32), h, &mut scratch.next, &mut scratch.next_best, &mut scratch.next_source);
            }
        }
        for e in &profile.history.events {
            let Some(i) = cat.item(&e.item) else { continue };
            let flag = if rank::dismissal_active(e.kind, e.at, now) {
                Self::DISMISSED
            } else if rank::purchase_excludes(cat, i, e.kind) {
                Self::PURCHASED
            } else {
                continue;
            };
            if let Some(f) = scratch.flags.get_mut(i as usize) {
                *f |= flag;
            }
        }
        for &i in &request.exclude {
            if let Some(f) = scratch.flags.get_mut(i as usize) {
                *f |= Self::REQUESTED;
            }
        }
        if let Some(c) = request.context {
            if let Some(f) = scratch.flags.get_mut(c as usize) {
                *f |= Self::ON_SCREEN;
            }
            for e in cat.related(c) {
                if let Some(x) = scratch.context.get_mut(e.target as usize) {
                    *x += e.weight;
                }
            }
        }
        if profile.history.impressions.day == now.div_euclid(super::history::DAY_MS) {
            for (id, &count) in &profile.history.impressions.counts {
                if let Some(slot) = cat.item(id).and_then(|i| scratch.impressions.get_mut(i as usize)) {
                    *slot = count;
                }
            }
        }
        let max_pop = cat.max_popularity();
        Signals {
            now,
            weights,
            personalization: prefs.personalization,
            frequency_cap: prefs.frequency_cap,
            log_max_popularity: (1.0 + max_pop).ln(),
            related_scale: scale(&scratch.related),
            next_scale: scale(&scratch.next),
            context_scale: scale(&scratch.context),
            sliders,
            interests,
            blocked,
            locked,
            related: &scratch.related,
            related_source: &scratch.related_source,
            next: &scratch.next,
            next_source: &scratch.next_source,
            context: &scratch.context,
            flags: &scratch.flags,
            impressions: &scratch.impressions,
        }
    }

    /// Log-scaled popularity in 0..1.
    #[inline]
    pub fn popularity_norm(&self, popularity: f64) -> f64 {
        if self.log_max_popularity > 0.0 {
            (1.0 + popularity).ln() / self.log_max_popularity
        } else {
            0.0
        }
    }

    #[inline]
    pub fn slider(&self, c: u16) -> f64 {
        self.sliders.get(usize::from(c)).copied().unwrap_or(0.0)
    }

    #[inline]
    pub fn interest(&self, c: u16) -> f64 {
        self.interests.get(usize::from(c)).copied().unwrap_or(0.0)
    }

    #[inline]
    pub fn blocked(&self, c: u16) -> bool {
        self.blocked.get(usize::from(c)).copied().unwrap_or(false)
    }

    #[inline]
    pub fn locked(&self, c: u16) -> bool {
        self.locked.get(usize::from(c)).copied().unwrap_or(false)
    }
}

/// Interest per category from consented history, in −1..1: decayed event
/// weights (likes and purchases count more than views, dislikes and
/// dismissals subtract), plus folded sums, divided by the largest magnitude.
/// Sensitive categories are never learned: they stay 0.
pub fn learned_interests(cat: &Catalogue, profile: &Profile, now: i64) -> Vec<f64> {
    let mut interest = vec![0.0f64; cat.categories().len()];
    let sensitive: Vec<bool> = cat.categories().iter().map(|c| c.sensitive).collect();
    let mut add = |c: u16, w: f64| {
        if !sensitive.get(usize::from(c)).copied().unwrap_or(true) {
            if let Some(x) = interest.get_mut(usize::from(c)) {
                *x += w;
            }
        }
    };
    for e in &profile.history.events {
        let Some(i) = cat.item(&e.item) else { continue };
        let w = e.kind.interest_weight() * decay(now - e.at, INTEREST_HALF_LIFE_DAYS);
        for &c in cat.item_categories(i) {
            add(c, w);
        }
    }
    for (id, f) in &profile.history.folded {
        if let Some(c) = cat.category(id) {
            add(c, f.weight * decay(now - f.at, INTEREST_HALF_LIFE_DAYS));
        }
    }
    let max = interest.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if max > 0.0 {
        for x in &mut interest {
            *x /= max;
        }
    }
    interest
}
