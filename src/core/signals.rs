//! The per-call inputs of scoring, derived once per `rank` from the profile
//! and the catalogue: per-category slider and interest values, dense
//! per-item collaborative signals and exclusion flags.
//!
//! The dense buffers are owned by `Scratch` and reused between calls. Only a
//! few entries are non-zero (neighbours of at most 50 history items, the
//! context item's neighbours, flagged and shown items), so a call writes and
//! later clears just those (`touched`) instead of the whole catalogue: the
//! setup costs O(history), not O(items). History item ids are resolved to
//! catalogue indices once per call and reused by every signal.

use super::catalogue::{Catalogue, Edge};
use super::history::{decay, Kind, DAY_MS, INTEREST_HALF_LIFE_DAYS};
use super::profile::Profile;
use super::weights::{Score, Weights};

/// Reusable buffers, one slot per catalogue item.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The catalogue length the dense buffers are sized for.
    len: usize,
    related: Vec<f32>,
    related_best: Vec<f32>,
    related_source: Vec<u32>,
    next: Vec<f32>,
    next_best: Vec<f32>,
    next_source: Vec<u32>,
    context: Vec<f32>,
    /// The site's item boosts (`Rule`s) in score points.
    promoted: Vec<f32>,
    flags: Vec<u8>,
    impressions: Vec<u32>,
    /// Indices written by the last call; cleared at the start of the next.
    touched: Vec<u32>,
    /// The catalogue index of each history event (`u32::MAX`: not in it).
    events: Vec<u32>,
    pub scored: Vec<(Score, u32)>,
}

impl Scratch {
    /// Brings every dense buffer back to all-zero for a catalogue of `n`
    /// items, touching only what the last call wrote.
    fn reset(&mut self, n: usize) {
        if self.len != n {
            for v in [
                &mut self.related,
                &mut self.related_best,
                &mut self.next,
                &mut self.next_best,
                &mut self.context,
                &mut self.promoted,
            ] {
                v.clear();
                v.resize(n, 0.0);
            }
            for v in [&mut self.related_source, &mut self.next_source] {
                v.clear();
                v.resize(n, u32::MAX);
            }
            self.flags.clear();
            self.flags.resize(n, 0);
            self.impressions.clear();
            self.impressions.resize(n, 0);
            self.len = n;
        } else {
            for &t in &self.touched {
                let t = t as usize;
                for v in [
                    &mut self.related,
                    &mut self.related_best,
                    &mut self.next,
                    &mut self.next_best,
                    &mut self.context,
                    &mut self.promoted,
                ] {
                    if let Some(x) = v.get_mut(t) {
                        *x = 0.0;
                    }
                }
                for v in [&mut self.related_source, &mut self.next_source] {
                    if let Some(x) = v.get_mut(t) {
                        *x = u32::MAX;
                    }
                }
                if let Some(x) = self.flags.get_mut(t) {
                    *x = 0;
                }
                if let Some(x) = self.impressions.get_mut(t) {
                    *x = 0;
                }
            }
        }
        self.touched.clear();
    }
}

/// Why an item is not a candidate at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exclusion {
    Blocked(u16),
    Dismissed,
    Purchased,
    Requested,
    OnScreen,
    /// Engaged with already (viewed, clicked, liked) and not repeatable.
    Seen,
    /// Left out by the site's filter for this list (`options.filter`).
    Filtered,
    /// Marked unavailable by the site (`setAvailability`).
    Unavailable,
}

/// What one `rank` call asks for, already resolved to item indices.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub context: Option<u32>,
    pub exclude: Vec<u32>,
    /// Whether items the person already engaged with may come back
    /// ("watch again"); by default they are left out.
    pub include_seen: bool,
    /// The site's filter, per category: 0 no say, 1 wanted, 2 refused
    /// (empty: no category filter).
    pub category_filter: Vec<u8>,
    /// Whether some category is wanted (then an item needs one of them).
    pub wants_category: bool,
    /// `filter.items`: only these (`None`: any).
    pub only_items: Option<Vec<u32>>,
    /// Items the site marked unavailable (`setAvailability`).
    pub unavailable: Vec<u32>,
    /// The site's rules that apply to this list: item boosts, per-category
    /// boosts (empty: none) and pins (position, item), in score points.
    pub item_boosts: Vec<(u32, f64)>,
    pub category_boosts: Vec<f64>,
    pub pins: Vec<(u16, u32)>,
}

pub struct Signals<'a> {
    pub weights: Weights,
    pub now: i64,
    pub personalization: f64,
    pub frequency_cap: u32,
    log_max_popularity: f64,
    sliders: Vec<f64>,
    pub interests: Vec<f64>,
    blocked: Vec<bool>,
    locked: Vec<bool>,
    /// Whether any category is blocked / locked (skips per-item checks).
    pub any_blocked: bool,
    pub any_locked: bool,
    /// The site's filter (`Request`); `site_filter` when one applies, so
    /// that unfiltered calls skip the per-item check.
    category_filter: Vec<u8>,
    wants_category: bool,
    only_items: bool,
    pub site_filter: bool,
    /// The site's boosts: per item (dense) and per category (empty: none);
    /// `any_promoted` when there is one, so that lists without skip them.
    promoted: &'a [f32],
    category_boosts: Vec<f64>,
    pub any_promoted: bool,
    /// The latest distinct engaged items, newest first, with the kind of
    /// their latest positive event ("Because you liked ...").
    pub recent: Vec<(u32, Kind)>,
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

/// 1 / the largest value among `touched` entries of `values` (the others are 0).
fn scale(values: &[f32], touched: &[u32]) -> f64 {
    let max = touched
        .iter()
        .filter_map(|&t| values.get(t as usize))
        .copied()
        .fold(0.0f32, f32::max);
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
    pub const SEEN: u8 = 16;
    /// The flags that exclude an item (`LISTED` admits one).
    pub const EXCLUDING: u8 = 63;
    pub const UNAVAILABLE: u8 = 32;
    pub const LISTED: u8 = 64;

    pub fn new(
        cat: &Catalogue,
        profile: &Profile,
        request: &Request,
        weights: Weights,
        now: i64,
        scratch: &'a mut Scratch,
    ) -> Signals<'a> {
        let prefs = &profile.preferences;
        let k = cat.categories().len();
        let mut sliders = vec![0.0; k];
        let mut blocked = vec![false; k];
        let mut locked = vec![false; k];
        for (c, category) in cat.categories().iter().enumerate() {
            if let (Some(l), Some(b), Some(s)) =
                (locked.get_mut(c), blocked.get_mut(c), sliders.get_mut(c))
            {
                *l = prefs.locks(category);
                *b = prefs.blocks(category);
                *s = prefs.slider(&category.id);
            }
        }
        scratch.reset(cat.len());
        let mut events = std::mem::take(&mut scratch.events);
        events.clear();
        events.extend(
            profile
                .history
                .events
                .iter()
                .map(|e| cat.item(&e.item).unwrap_or(u32::MAX)),
        );
        let interests = interests_of(cat, profile, &events, now);

        // Collaborative signals from the latest distinct engaged items.
        let mut recent: Vec<(u32, Kind)> = Vec::with_capacity(weights.recent_items);
        let s = &mut *scratch;
        for (e, &h) in profile.history.events.iter().zip(&events).rev() {
            if recent.len() == weights.recent_items {
                break;
            }
            if !e.kind.is_positive() || h == u32::MAX || recent.iter().any(|&(r, _)| r == h) {
                continue;
            }
            let k = recent.len();
            recent.push((h, e.kind));
            let strength = e.kind.interest_weight();
            let edges = cat.related(h);
            s.touched.extend(edges.iter().map(|e| e.target));
            accumulate(
                edges,
                strength * weights.recency_decay.powi(k as i32),
                h,
                &mut s.related,
                &mut s.related_best,
                &mut s.related_source,
            );
            if k < weights.next_items {
                let edges = cat.next(h);
                s.touched.extend(edges.iter().map(|e| e.target));
                accumulate(
                    edges,
                    weights.next_decay.powi(k as i32),
                    h,
                    &mut s.next,
                    &mut s.next_best,
                    &mut s.next_source,
                );
            }
        }
        fn flag(s: &mut Scratch, i: u32, bit: u8) {
            if let Some(f) = s.flags.get_mut(i as usize) {
                *f |= bit;
                s.touched.push(i);
            }
        }
        // Seen items are a personal effect: at personalization 0 the site's
        // order stays whole.
        let hide_seen = !request.include_seen && prefs.personalization > 0.0;
        for (e, &i) in profile.history.events.iter().zip(&events) {
            if i == u32::MAX {
                continue;
            }
            if dismissal_active(e.kind, e.at, now) {
                flag(scratch, i, Self::DISMISSED);
            } else if purchase_excludes(cat, i, e.kind) {
                flag(scratch, i, Self::PURCHASED);
            } else if hide_seen && e.kind.is_positive() && !cat.repeatable(i) {
                flag(scratch, i, Self::SEEN);
            }
        }
        for &i in &request.exclude {
            flag(scratch, i, Self::REQUESTED);
        }
        for &i in &request.unavailable {
            flag(scratch, i, Self::UNAVAILABLE);
        }
        for &i in request.only_items.iter().flatten() {
            flag(scratch, i, Self::LISTED);
        }
        for &(i, boost) in &request.item_boosts {
            if let Some(x) = scratch.promoted.get_mut(i as usize) {
                *x += boost as f32;
                scratch.touched.push(i);
            }
        }
        if let Some(c) = request.context {
            flag(scratch, c, Self::ON_SCREEN);
            for e in cat.related(c) {
                if let Some(x) = scratch.context.get_mut(e.target as usize) {
                    *x += e.weight;
                    scratch.touched.push(e.target);
                }
            }
        }
        if profile.history.impressions.day == now.div_euclid(DAY_MS) {
            for (id, &count) in &profile.history.impressions.counts {
                if let Some(i) = cat.item(id) {
                    if let Some(slot) = scratch.impressions.get_mut(i as usize) {
                        *slot = count;
                        scratch.touched.push(i);
                    }
                }
            }
        }
        scratch.events = events;
        let scratch = &*scratch;
        let max_pop = cat.max_popularity();
        Signals {
            weights,
            now,
            personalization: prefs.personalization,
            frequency_cap: prefs.frequency_cap,
            log_max_popularity: (1.0 + max_pop).ln(),
            related_scale: scale(&scratch.related, &scratch.touched),
            next_scale: scale(&scratch.next, &scratch.touched),
            context_scale: scale(&scratch.context, &scratch.touched),
            any_blocked: blocked.contains(&true),
            any_locked: locked.contains(&true),
            category_filter: request.category_filter.clone(),
            wants_category: request.wants_category,
            only_items: request.only_items.is_some(),
            promoted: &scratch.promoted,
            category_boosts: request.category_boosts.clone(),
            any_promoted: !request.item_boosts.is_empty() || !request.category_boosts.is_empty(),
            site_filter: !request.category_filter.is_empty() || request.only_items.is_some(),
            sliders,
            interests,
            blocked,
            locked,
            recent,
            related: &scratch.related,
            related_source: &scratch.related_source,
            next: &scratch.next,
            next_source: &scratch.next_source,
            context: &scratch.context,
            flags: &scratch.flags,
            impressions: &scratch.impressions,
        }
    }

    /// The site's boosts of item `i`, in score points.
    #[inline(always)]
    pub fn promoted(&self, cat: &Catalogue, i: u32) -> f64 {
        let mut x = self.promoted.get(i as usize).map_or(0.0, |&b| f64::from(b));
        if !self.category_boosts.is_empty() {
            for &c in cat.item_categories(i) {
                x += self
                    .category_boosts
                    .get(usize::from(c))
                    .copied()
                    .unwrap_or(0.0);
            }
        }
        x
    }

    /// Whether the site's filter leaves item `i` out (availability is a
    /// flag, checked with the others).
    pub fn site_excludes(&self, cat: &Catalogue, i: u32) -> Option<Exclusion> {
        let f = self.flags.get(i as usize).copied().unwrap_or(0);
        if self.only_items && f & Self::LISTED == 0 {
            return Some(Exclusion::Filtered);
        }
        if !self.category_filter.is_empty() {
            let says = |c: &u16, v: u8| self.category_filter.get(usize::from(*c)) == Some(&v);
            let cats = cat.item_categories(i);
            if cats.iter().any(|c| says(c, 2))
                || (self.wants_category && !cats.iter().any(|c| says(c, 1)))
            {
                return Some(Exclusion::Filtered);
            }
        }
        None
    }

    /// Log-scaled popularity in 0..1, from `ln(1 + popularity)`.
    #[inline(always)]
    pub fn popularity_norm(&self, log_popularity: f64) -> f64 {
        if self.log_max_popularity > 0.0 {
            log_popularity / self.log_max_popularity
        } else {
            0.0
        }
    }

    #[inline(always)]
    pub fn slider(&self, c: u16) -> f64 {
        self.sliders.get(usize::from(c)).copied().unwrap_or(0.0)
    }

    #[inline(always)]
    pub fn interest(&self, c: u16) -> f64 {
        self.interests.get(usize::from(c)).copied().unwrap_or(0.0)
    }

    #[inline(always)]
    pub fn blocked(&self, c: u16) -> bool {
        self.blocked.get(usize::from(c)).copied().unwrap_or(false)
    }

    #[inline(always)]
    pub fn locked(&self, c: u16) -> bool {
        self.locked.get(usize::from(c)).copied().unwrap_or(false)
    }
}

/// Interest per category from consented history, in −1..1: decayed event
/// weights (likes and purchases count more than views, dislikes and
/// dismissals subtract), plus folded sums, divided by the largest magnitude.
/// Sensitive categories are never learned: they stay 0.
pub fn learned_interests(cat: &Catalogue, profile: &Profile, now: i64) -> Vec<f64> {
    let events: Vec<u32> = profile
        .history
        .events
        .iter()
        .map(|e| cat.item(&e.item).unwrap_or(u32::MAX))
        .collect();
    interests_of(cat, profile, &events, now)
}

/// `learned_interests` with the events' catalogue indices already resolved.
fn interests_of(cat: &Catalogue, profile: &Profile, items: &[u32], now: i64) -> Vec<f64> {
    let mut interest = vec![0.0f64; cat.categories().len()];
    let sensitive: Vec<bool> = cat.categories().iter().map(|c| c.sensitive).collect();
    let mut add = |c: u16, w: f64| {
        if !sensitive.get(usize::from(c)).copied().unwrap_or(true) {
            if let Some(x) = interest.get_mut(usize::from(c)) {
                *x += w;
            }
        }
    };
    for (e, &i) in profile.history.events.iter().zip(items) {
        if i == u32::MAX {
            continue;
        }
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

/// How long a dismissed item stays out.
pub const DISMISS_DAYS: i64 = 90;

/// Adds `weight·edge` for each edge into `acc`, remembering for each target
/// the source that contributed most.
pub fn accumulate(
    edges: &[Edge],
    weight: f64,
    source: u32,
    acc: &mut [f32],
    best: &mut [f32],
    src: &mut [u32],
) {
    for e in edges {
        let t = e.target as usize;
        let add = (weight * f64::from(e.weight)) as f32;
        if let (Some(a), Some(b), Some(s)) = (acc.get_mut(t), best.get_mut(t), src.get_mut(t)) {
            *a += add;
            if add > *b {
                *b = add;
                *s = source;
            }
        }
    }
}

/// Whether a purchase of `i` keeps it out: bought and not repeatable.
pub fn purchase_excludes(cat: &Catalogue, i: u32, kind: Kind) -> bool {
    kind == Kind::Purchase && !cat.repeatable(i)
}

/// Whether a dismissal at `at` still keeps the item out at `now`.
pub fn dismissal_active(kind: Kind, at: i64, now: i64) -> bool {
    kind == Kind::Dismiss && now - at < DISMISS_DAYS * DAY_MS
}
