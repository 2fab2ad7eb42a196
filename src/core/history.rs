//! Consented interaction history: bounded in length and in time. Events past
//! `MAX_EVENTS` fold into coarse per-category interest sums (exact under
//! exponential decay, see `Folded`); events past the retention window are
//! dropped.

use litemap::LiteMap;

use super::catalogue::Catalogue;
use super::json::{read_fields, JsonResult, Reader, ToJson, Writer};
use super::limits::{MAX_EVENTS, MAX_IMPRESSION_ITEMS};
use super::typed_values::{map, refuse_repeat, whole_number};

pub const DAY_MS: i64 = 86_400_000;
/// Half-life of learned interest: an event this old counts half as much.
pub const INTEREST_HALF_LIFE_DAYS: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    View,
    Click,
    Purchase,
    Like,
    Dislike,
    Dismiss,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::View,
        Kind::Click,
        Kind::Purchase,
        Kind::Like,
        Kind::Dislike,
        Kind::Dismiss,
    ];

    /// How much one event of this kind says about interest in the item's
    /// categories. Explicit signals weigh more than views; negatives subtract.
    pub fn interest_weight(self) -> f64 {
        match self {
            Kind::View => 1.0,
            Kind::Click => 1.5,
            Kind::Like => 3.0,
            Kind::Purchase => 4.0,
            Kind::Dislike => -3.0,
            Kind::Dismiss => -2.0,
        }
    }

    /// Whether the event is engagement (used for "because you ..." signals).
    pub fn is_positive(self) -> bool {
        self.interest_weight() > 0.0
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::View => "view",
            Kind::Click => "click",
            Kind::Purchase => "purchase",
            Kind::Like => "like",
            Kind::Dislike => "dislike",
            Kind::Dismiss => "dismiss",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The verb used in reasons: "Because you watched …".
    pub fn past_tense(self) -> &'static str {
        match self {
            Kind::View => "viewed",
            Kind::Click => "opened",
            Kind::Purchase => "bought",
            Kind::Like => "liked",
            Kind::Dislike => "disliked",
            Kind::Dismiss => "dismissed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub item: String,
    pub kind: Kind,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
}

/// Decayed interest of folded events, kept as a sum valid at time `at`:
/// decay is multiplicative, so sum(w·2^-(t-aᵢ)/h) = 2^-(t-at)/h · sum(w·2^-(at-aᵢ)/h).
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    pub weight: f64,
    pub at: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Impressions {
    /// Day number (ms / DAY_MS) these counts are for.
    pub day: i64,
    pub counts: LiteMap<String, u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Oldest first.
    pub events: Vec<Event>,
    /// Category id -> folded interest.
    pub folded: LiteMap<String, Folded>,
    /// Events folded or dropped for length, by kind (for the summary).
    pub folded_counts: LiteMap<Kind, u64>,
    pub impressions: Impressions,
}

/// 2^(-age / half-life); ages below zero count as zero.
pub fn decay(age_ms: i64, half_life_days: f64) -> f64 {
    let age_days = (age_ms.max(0) as f64) / DAY_MS as f64;
    (-age_days / half_life_days * std::f64::consts::LN_2).exp()
}

impl History {
    /// Appends an event, keeping time order, then enforces the bounds.
    pub fn push(
        &mut self,
        event: Event,
        now: i64,
        retention_days: u32,
        catalogue: Option<&Catalogue>,
    ) {
        let pos = self.events.partition_point(|e| e.at <= event.at);
        self.events.insert(pos, event);
        self.enforce(now, retention_days, catalogue);
    }

    /// Drops what is older than the retention window and folds the oldest
    /// events beyond `MAX_EVENTS` into per-category sums.
    pub fn enforce(&mut self, now: i64, retention_days: u32, catalogue: Option<&Catalogue>) {
        let cutoff = now.saturating_sub(i64::from(retention_days) * DAY_MS);
        // Events more than a day ahead (a wrong clock, a hand-edited value)
        // would never leave the window: they are dropped like expired ones.
        let latest = now.saturating_add(DAY_MS);
        self.events.retain(|e| e.at >= cutoff && e.at <= latest);
        self.folded.retain(|_, f| f.at >= cutoff);
        if self.events.len() > MAX_EVENTS {
            let excess = self.events.len() - MAX_EVENTS;
            let old: Vec<Event> = self.events.drain(..excess).collect();
            for e in &old {
                self.fold(e, catalogue);
            }
        }
        // Yesterday's counts are gone; an empty table stays as it is, so
        // that enforcing twice or on a round trip changes nothing.
        if self.impressions.day != now.div_euclid(DAY_MS) && !self.impressions.counts.is_empty() {
            self.impressions = Impressions::default();
        }
    }

    /// Folds to per-category interest. Sensitive categories are never learned,
    /// so they are never folded; without a catalogue only the count is kept.
    fn fold(&mut self, e: &Event, catalogue: Option<&Catalogue>) {
        let n = self.folded_counts.entry(e.kind).or_insert(0);
        *n = n.saturating_add(1);
        let Some(cat) = catalogue else { return };
        let Some(i) = cat.item(&e.item) else { return };
        for &c in cat.item_categories(i) {
            let Some(category) = cat.category_at(c) else {
                continue;
            };
            if category.sensitive {
                continue;
            }
            let f = self.folded.entry(category.id.clone()).or_insert(Folded {
                weight: 0.0,
                at: e.at,
            });
            let at = f.at.max(e.at);
            f.weight = f.weight * decay(at - f.at, INTEREST_HALF_LIFE_DAYS)
                + e.kind.interest_weight() * decay(at - e.at, INTEREST_HALF_LIFE_DAYS);
            f.at = at;
        }
    }

    /// Counts one impression per id for today; returns false when the
    /// per-day table is full (the id is then not counted).
    pub fn impress(&mut self, id: &str, now: i64) -> bool {
        let day = now.div_euclid(DAY_MS);
        if self.impressions.day != day {
            self.impressions = Impressions {
                day,
                counts: LiteMap::new(),
            };
        }
        if let Some(n) = self.impressions.counts.get_mut(id) {
            *n = n.saturating_add(1);
            return true;
        }
        if self.impressions.counts.len() >= MAX_IMPRESSION_ITEMS {
            return false;
        }
        self.impressions.counts.insert(id.to_string(), 1);
        true
    }

    /// Impressions of an item today.
    pub fn impressions_today(&self, id: &str, now: i64) -> u32 {
        if self.impressions.day != now.div_euclid(DAY_MS) {
            return 0;
        }
        self.impressions.counts.get(id).copied().unwrap_or(0)
    }

    /// Folds the oldest half of the events (used when storage is full).
    pub fn compact(&mut self, catalogue: Option<&Catalogue>) {
        let half = self.events.len().div_ceil(2);
        let old: Vec<Event> = self.events.drain(..half).collect();
        for e in &old {
            self.fold(e, catalogue);
        }
        self.impressions.counts.clear();
    }

    /// Union of two tabs' histories: every event of either (exact duplicates
    /// once), folded sums and counts from the side that folded more, today's
    /// impressions as the larger count per item.
    pub fn merge(ours: &History, theirs: &History) -> History {
        // Both lists are in time order: merge them by time, then order each
        // run of equal times by item and kind so that duplicates are adjacent.
        let (a, b) = (&ours.events, &theirs.events);
        let mut events: Vec<Event> = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
            if y.at < x.at {
                events.push(y.clone());
                j += 1;
            } else {
                events.push(x.clone());
                i += 1;
            }
        }
        events.extend(a.iter().skip(i).chain(b.iter().skip(j)).cloned());
        super::sort::sort_by(&mut events, |x, y| {
            (x.at, &x.item, x.kind) < (y.at, &y.item, y.kind)
        });
        events.dedup();
        let folded_total = |h: &History| {
            h.folded_counts
                .values()
                .fold(0u64, |a, &b| a.saturating_add(b))
        };
        let folded_from = if folded_total(ours) > folded_total(theirs) {
            ours
        } else {
            theirs
        };
        let mut impressions = theirs.impressions.clone();
        if ours.impressions.day == theirs.impressions.day {
            for (id, &n) in &ours.impressions.counts {
                let slot = impressions.counts.entry(id.clone()).or_insert(0);
                *slot = (*slot).max(n);
            }
        } else if ours.impressions.day > theirs.impressions.day {
            impressions = ours.impressions.clone();
        }
        History {
            events,
            folded: folded_from.folded.clone(),
            folded_counts: folded_from.folded_counts.clone(),
            impressions,
        }
    }

    /// Event counts by kind, folded ones included.
    pub fn counts(&self) -> LiteMap<Kind, u64> {
        let mut counts = self.folded_counts.clone();
        for e in &self.events {
            let n = counts.entry(e.kind).or_insert(0);
            *n = n.saturating_add(1);
        }
        counts
    }

    pub fn oldest(&self) -> Option<i64> {
        let folded = self.folded.values().map(|f| f.at).min();
        let first = self.events.first().map(|e| e.at);
        match (folded, first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// What `enforce` can change, in numbers: it only drops and folds, so
    /// equal shapes before and after mean it changed nothing.
    pub fn shape(&self) -> [u64; 5] {
        let folded = self
            .folded_counts
            .values()
            .fold(0u64, |a, &b| a.saturating_add(b));
        [
            self.events.len() as u64,
            self.folded.len() as u64,
            folded,
            self.impressions.counts.len() as u64,
            self.impressions.day as u64,
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
            && self.folded.is_empty()
            && self.folded_counts.is_empty()
            && self.impressions.counts.is_empty()
    }
}

/// Stored form (keys in alphabetical order, as the profile has always been
/// written): `{"events":[{"at","item","kind"}],"folded":{id:{"at","weight"}},
/// "foldedCounts":{kind:n},"impressions":{"counts":{id:n},"day"}}`.
impl ToJson for History {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{").key("events").array(&self.events, |w, e| {
            w.raw("{")
                .key("at")
                .integer(e.at)
                .key("item")
                .string(&e.item)
                .key("kind")
                .string(e.kind.name())
                .raw("}");
        });
        w.key("folded").raw("{");
        for (id, f) in self.folded.iter() {
            w.key(id)
                .raw("{")
                .key("at")
                .integer(f.at)
                .key("weight")
                .number(f.weight)
                .raw("}");
        }
        w.raw("}").key("foldedCounts").raw("{");
        let mut counts: Vec<(&str, u64)> = self
            .folded_counts
            .iter()
            .map(|(k, n)| (k.name(), *n))
            .collect();
        super::sort::sort_by(&mut counts, |a, b| a.0 < b.0);
        for (kind, n) in counts {
            w.key(kind).integer(n as i64);
        }
        w.raw("}")
            .key("impressions")
            .raw("{")
            .key("counts")
            .raw("{");
        for (id, n) in self.impressions.counts.iter() {
            w.key(id).integer(i64::from(*n));
        }
        w.raw("}")
            .key("day")
            .integer(self.impressions.day)
            .raw("}}");
    }
}

const KINDS: &str = "`view`, `click`, `purchase`, `like`, `dislike`, `dismiss`";

/// Bounds while reading: the profile's byte limit bounds everything, these
/// bound allocation per collection before that.
const MAX_STORED_EVENTS: usize = 1_000_000;
const MAX_STORED_FOLDED: usize = 100_000;

impl Kind {
    fn read(r: &mut Reader) -> JsonResult<Kind> {
        let name = r.string()?;
        Kind::parse(&name).ok_or_else(|| {
            r.error(format!(
                "unknown variant `{}`, expected one of {KINDS}",
                name.get(..64).unwrap_or(&name)
            ))
        })
    }
}

impl History {
    /// Reads the stored form; every field is optional, unknown ones refused.
    pub fn read(r: &mut Reader) -> JsonResult<History> {
        let mut h = History::default();
        read_fields!(r, "struct History", {
            "events" => r.array(MAX_STORED_EVENTS, "a sequence", |r, _| {
                h.events.push(Event::read(r)?);
                Ok(())
            })?,
            "folded" => map(r, MAX_STORED_FOLDED, |r, id| {
                let f = Folded::read(r)?;
                refuse_repeat(r, id, h.folded.insert(id.to_string(), f).is_some())
            })?,
            "foldedCounts" => map(r, Kind::ALL.len(), |r, kind| {
                let Some(k) = Kind::parse(kind) else {
                    return Err(r.error(format!(
                        "unknown variant `{}`, expected one of {KINDS}",
                        kind.get(..64).unwrap_or(kind)
                    )));
                };
                let n = whole_number(r, "u64")?;
                refuse_repeat(r, kind, h.folded_counts.insert(k, n).is_some())
            })?,
            "impressions" => h.impressions = Impressions::read(r)?,
        })?;
        Ok(h)
    }
}

impl Event {
    fn read(r: &mut Reader) -> JsonResult<Event> {
        match Event::read_written(r) {
            Some(e) => Ok(e),
            None => Event::read_any(r),
        }
    }

    /// Any event object: fields in any order, each checked.
    fn read_any(r: &mut Reader) -> JsonResult<Event> {
        let (mut item, mut kind, mut at) = (String::new(), Kind::View, 0);
        let fields = read_fields!(r, "struct Event", {
            "item" => item = r.string()?.into_owned(),
            "kind" => kind = Kind::read(r)?,
            "at" => at = whole_number(r, "i64")?,
        })?;
        fields.require_all(r)?;
        Ok(Event { item, kind, at })
    }
}

impl Event {
    /// An event exactly as `write_json` writes it, `{"at":1,"item":"m1","kind":"view"}`
    /// (no whitespace, no escapes), without the general object loop: opening
    /// a profile reads up to thousands of them on a page's first call, in
    /// baseline-compiled code. Anything else is left to the general reader
    /// (`None`, nothing read), which reads the same text to the same event.
    fn read_written(r: &mut Reader) -> Option<Event> {
        let start = r.offset();
        let event = (|| {
            if !r.eat(b"{\"at\":") {
                return None;
            }
            let at = r.plain_integer()?;
            if !r.eat(b",\"item\":") {
                return None;
            }
            let (a, b) = r.plain_string()?;
            if !r.eat(b",\"kind\":") {
                return None;
            }
            let (k, l) = r.plain_string()?;
            let kind = Kind::parse(r.source(k, l))?;
            if !r.eat(b"}") {
                return None;
            }
            Some(Event {
                item: r.source(a, b).to_string(),
                kind,
                at,
            })
        })();
        if event.is_none() {
            r.rewind(start);
        }
        event
    }
}

impl Folded {
    fn read(r: &mut Reader) -> JsonResult<Folded> {
        let (mut weight, mut at) = (0.0, 0);
        let fields = read_fields!(r, "struct Folded", {
            "weight" => weight = r.number()?,
            "at" => at = whole_number(r, "i64")?,
        })?;
        fields.require_all(r)?;
        Ok(Folded { weight, at })
    }
}

impl Impressions {
    fn read(r: &mut Reader) -> JsonResult<Impressions> {
        let mut out = Impressions::default();
        let fields = read_fields!(r, "struct Impressions", {
            "day" => out.day = whole_number(r, "i64")?,
            "counts" => map(r, MAX_IMPRESSION_ITEMS, |r, id| {
                let n = whole_number(r, "u32")?;
                refuse_repeat(r, id, out.counts.insert(id.to_string(), n).is_some())
            })?,
        })?;
        fields.require_all(r)?;
        Ok(out)
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
