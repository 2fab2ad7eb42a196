//! The core API, one method per JS method. Inputs arrive as JSON text (the
//! shell stringifies JS values), are validated completely, and only then
//! change anything. `now` (ms since epoch) is always passed in: the core
//! never reads a clock.

use litemap::LiteMap;

use super::call_arguments::{read_ids, FilterInput, RankInput, RecentInput, RecordInput};
use super::catalogue::{Catalogue, Warning};
use super::error::{Error, Result};
use super::explain::{Explanation, Reason, Wording};
use super::history::{Event, Kind, DAY_MS};
use super::json::{display_f64, ToJson, Writer};
use super::limits::{
    check_id, quote, MAX_ITEMS, MAX_LIMIT, MAX_PROFILE_NAME_BYTES, MAX_RECENT_ITEMS,
    MAX_TIMESTAMP_MS,
};
use super::preferences::Preferences;
use super::privacy::{self, BudgetSummary, Report};
use super::profile::Profile;
use super::rank;
use super::signals::{learned_interests, Request, Scratch, Signals};
use super::store::{Notice, Session, Store};
use super::weights::{Score, Weights};

/// `rank` returns this many items unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// How far in the future an event's `at` may be (clock skew).
pub const FUTURE_TOLERANCE_MS: i64 = DAY_MS;

/// One ranked item.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Ranked {
    pub id: String,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize))]
pub struct Interest {
    pub category: String,
    pub label: String,
    /// −1..1, relative to the strongest learned interest.
    pub weight: f64,
}

/// What the module knows and keeps, for the "your data" view.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(serde::Serialize), serde(rename_all = "camelCase"))]
pub struct Summary {
    pub profile: String,
    pub interests: Vec<Interest>,
    /// Count per kind of event, by kind name in alphabetical order.
    pub events: Vec<(&'static str, u64)>,
    pub total_events: u64,
    pub oldest_event: Option<i64>,
    pub history_consent: bool,
    pub retention_days: u32,
    pub bytes_stored: usize,
    pub persistent: bool,
    /// The storage keys this profile may write (`forget()` deletes them).
    pub storage_keys: Vec<String>,
    pub notices: Vec<Notice>,
    pub privacy: BudgetSummary,
}

impl ToJson for Summary {
    fn write_json(&self, w: &mut Writer) {
        w.raw("{")
            .key("profile")
            .string(&self.profile)
            .key("interests")
            .array(&self.interests, |w, i| {
                w.raw("{")
                    .key("category")
                    .string(&i.category)
                    .key("label")
                    .string(&i.label)
                    .key("weight")
                    .number(i.weight)
                    .raw("}");
            });
        w.key("events").raw("{");
        for (kind, n) in &self.events {
            w.key(kind).integer(*n as i64);
        }
        w.raw("}")
            .key("totalEvents")
            .integer(self.total_events as i64)
            .key("oldestEvent");
        match self.oldest_event {
            Some(t) => w.integer(t),
            None => w.raw("null"),
        };
        w.key("historyConsent")
            .boolean(self.history_consent)
            .key("retentionDays")
            .integer(i64::from(self.retention_days));
        w.key("bytesStored")
            .integer(self.bytes_stored as i64)
            .key("persistent")
            .boolean(self.persistent);
        w.key("storageKeys").array(&self.storage_keys, |w, k| {
            w.string(k);
        });
        w.key("notices");
        self.notices.write_json(w);
        w.key("privacy");
        self.privacy.write_json(w);
        w.raw("}");
    }
}

pub struct Personalizer<S: Store> {
    name: String,
    catalogue: Option<Catalogue>,
    session: Session<S>,
    scratch: Scratch,
    /// Weights set in Rust (tuning); otherwise the catalogue's, else the defaults.
    weights: Option<Weights>,
    /// Ids the site marked unavailable (`set_availability`; the values are
    /// unused): site data in memory only, never in the profile, kept across
    /// catalogues.
    unavailable: LiteMap<String, u32>,
}

impl<S: Store> Personalizer<S> {
    /// Opens (or creates) the profile `name` in `store`. Storage problems do
    /// not fail this: they show in `summary().notices`.
    pub fn open(store: S, name: &str, now: i64) -> Result<Self> {
        if name.len() > MAX_PROFILE_NAME_BYTES {
            return Err(Error::invalid(
                "options.profile",
                format!(
                    "is {} bytes; allowed: at most {MAX_PROFILE_NAME_BYTES}",
                    name.len()
                ),
            ));
        }
        check_id(name).map_err(|m| Error::invalid("options.profile", m))?;
        Ok(Personalizer {
            name: name.to_string(),
            catalogue: None,
            session: Session::open(store, name, now),
            scratch: Scratch::default(),
            weights: None,
            unavailable: LiteMap::new(),
        })
    }

    /// Replaces the score weights, over the catalogue's. For tuning in Rust
    /// only; the JS API ranks with the catalogue's `weights`, else
    /// `Weights::DEFAULT`.
    pub fn set_weights(&mut self, weights: Weights) {
        self.weights = Some(weights);
    }

    /// The weights `rank` uses now.
    pub fn weights(&self) -> Weights {
        self.weights
            .or_else(|| self.catalogue.as_ref().and_then(|c| c.weights().copied()))
            .unwrap_or(Weights::DEFAULT)
    }

    pub fn catalogue(&self) -> Option<&Catalogue> {
        self.catalogue.as_ref()
    }

    /// Replaces the catalogue. A rejected one leaves the previous in place.
    pub fn load_catalogue(&mut self, json: &str) -> Result<Vec<Warning>> {
        let (catalogue, warnings) = Catalogue::from_json(json)?;
        self.catalogue = Some(catalogue);
        Ok(warnings)
    }

    /// Like `load_catalogue`, from the compact binary form.
    pub fn load_compact_catalogue(&mut self, bytes: &[u8]) -> Result<Vec<Warning>> {
        let (catalogue, warnings) = Catalogue::from_compact(bytes)?;
        self.catalogue = Some(catalogue);
        Ok(warnings)
    }

    pub fn preferences(&self) -> &Preferences {
        &self.session.profile.preferences
    }

    /// Applies a partial preferences object; all fields or none.
    pub fn set_preferences(&mut self, patch: &str, now: i64) -> Result<()> {
        self.session.sync(now, self.catalogue.as_ref());
        let next = self.session.profile.preferences.patched_text(
            patch,
            "preferences",
            self.catalogue.as_ref(),
        )?;
        let retention_changed =
            next.retention_days != self.session.profile.preferences.retention_days;
        let profile = &mut self.session.profile;
        super::preferences::stamp_changes(&profile.preferences, &next, &mut profile.changed, now);
        profile.preferences = next;
        if retention_changed {
            let days = self.session.profile.preferences.retention_days;
            self.session
                .profile
                .history
                .enforce(now, days, self.catalogue.as_ref());
        }
        self.session.persist(now, self.catalogue.as_ref());
        Ok(())
    }

    /// Records one interaction if the person consented. Returns whether it
    /// was recorded. Invalid events are refused with or without consent.
    pub fn record(&mut self, event: &str, now: i64) -> Result<bool> {
        let input = RecordInput::read(event)?;
        let kind = kind_at(&input.kind, "event.kind")?;
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "event.itemId".into(),
        })?;
        if cat.item(&input.item_id).is_none() {
            check_id(&input.item_id).map_err(|m| Error::invalid("event.itemId", m))?;
            return Err(Error::invalid(
                "event.itemId",
                format!(
                    "unknown item {}; it is not in the loaded catalogue",
                    quote(&input.item_id)
                ),
            ));
        }
        self.session.sync(now, Some(cat));
        let retention = self.session.profile.preferences.retention_days;
        let at = match input.at {
            None => now,
            Some(t) => check_time(t, now, retention)?,
        };
        if !self.session.profile.preferences.history_consent {
            return Ok(false);
        }
        let event = Event {
            item: input.item_id,
            kind,
            at,
        };
        self.session
            .profile
            .history
            .push(event, now, retention, Some(cat));
        self.session.persist(now, Some(cat));
        Ok(true)
    }

    /// Counts one impression today for each id (frequency capping). Only with
    /// consent; returns how many were counted.
    pub fn record_impressions(&mut self, ids: &str, now: i64) -> Result<usize> {
        let ids = read_ids(ids)?;
        let cat = self
            .catalogue
            .as_ref()
            .ok_or_else(|| Error::NoCatalogue { path: "ids".into() })?;
        if let Some((i, id)) = ids
            .iter()
            .enumerate()
            .find(|(_, id)| cat.item(id).is_none())
        {
            return Err(Error::invalid(
                format!("ids[{i}]"),
                format!(
                    "unknown item {}; it is not in the loaded catalogue",
                    quote(id)
                ),
            ));
        }
        self.session.sync(now, Some(cat));
        if !self.session.profile.preferences.history_consent {
            return Ok(0);
        }
        let counted = ids
            .iter()
            .filter(|id| self.session.profile.history.impress(id, now))
            .count();
        self.session.persist(now, Some(cat));
        Ok(counted)
    }

    /// Marks items unavailable (`available` false: out of stock) or
    /// available again. Unavailable items are left out of every list and
    /// `explain` says why, until marked available. Site data: kept in
    /// memory only, never stored or exported, and across catalogue reloads
    /// (an id the catalogue does not hold is kept for a later one). Every id
    /// is checked first; a bad one changes nothing. Returns how many ids
    /// changed state.
    pub fn set_availability(&mut self, ids: &str, available: bool) -> Result<usize> {
        let ids = read_ids(ids)?;
        if let Some((i, m)) = ids
            .iter()
            .enumerate()
            .find_map(|(i, id)| check_id(id).err().map(|m| (i, m)))
        {
            return Err(Error::invalid(format!("ids[{i}]"), format!("item id {m}")));
        }
        let mut next = self.unavailable.clone();
        let mut changed = 0;
        for id in ids {
            let flipped = if available {
                next.remove(&id).is_some()
            } else {
                next.insert(id, 0).is_none()
            };
            changed += usize::from(flipped);
        }
        if next.len() > MAX_ITEMS {
            return Err(Error::invalid(
                "ids",
                format!(
                    "{} items would be unavailable; allowed: at most {MAX_ITEMS}",
                    next.len()
                ),
            ));
        }
        self.unavailable = next;
        Ok(changed)
    }

    /// The top items for this person, each with the reasons it is shown.
    pub fn rank(&mut self, options: &str, now: i64) -> Result<Vec<Ranked>> {
        let input = RankInput::read(options)?;
        let weights = self.weights();
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "rank".into(),
        })?;
        let input = placed(cat, input)?;
        ranked(
            cat,
            &self.session.profile,
            &input,
            &self.unavailable,
            &mut self.scratch,
            weights,
            now,
        )
    }

    /// The site's own order: what `rank` returns for a visitor the site
    /// knows nothing about (personalization 0; nothing blocked, dismissed or
    /// bought; no sensitive category turned on). It depends only on the
    /// catalogue, the options and the time (`options.at`, default now),
    /// never on the stored profile, so a server without any personal data
    /// computes the same list as the browser: what server rendering and
    /// hydration need.
    pub fn site_order(&mut self, options: &str, now: i64) -> Result<Vec<Ranked>> {
        let input = RankInput::read_site_order(options)?;
        let at = match input.at {
            None => now,
            Some(t) if t.is_finite() && (0.0..=MAX_TIMESTAMP_MS).contains(&t) => t.floor() as i64,
            Some(t) => {
                return Err(Error::not_allowed(
                    "options.at",
                    t,
                    "milliseconds since 1970, from 0 to 8640000000000000",
                ))
            }
        };
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "siteOrder".into(),
        })?;
        let input = placed(cat, input)?;
        let mut nobody = Profile::default();
        nobody.preferences.personalization = 0.0;
        let weights = self.weights();
        ranked(
            cat,
            &nobody,
            &input,
            &self.unavailable,
            &mut self.scratch,
            weights,
            at,
        )
    }

    /// The latest distinct items the person engaged with (for "Because you
    /// viewed ..." rows), newest first, each with the kind and time of its
    /// latest event of the asked kinds (default: view, click, purchase,
    /// like). Only items of the loaded catalogue; items in a blocked
    /// category or in a sensitive one the person has not turned on are left
    /// out, so such a row never puts them on screen.
    pub fn recent_items(&self, options: &str) -> Result<Vec<Event>> {
        let input = RecentInput::read(options)?;
        let limit = read_limit(input.limit, DEFAULT_LIMIT, MAX_RECENT_ITEMS)?;
        let kinds: Vec<Kind> = match &input.kinds {
            None => Kind::ALL.into_iter().filter(|k| k.is_positive()).collect(),
            Some(names) => names
                .iter()
                .enumerate()
                .map(|(i, name)| kind_at(name, format!("options.kinds[{i}]")))
                .collect::<Result<_>>()?,
        };
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "recentItems".into(),
        })?;
        let prefs = &self.session.profile.preferences;
        let hidden = |i: u32| {
            cat.item_categories(i)
                .iter()
                .filter_map(|&c| cat.categories().get(usize::from(c)))
                .any(|c| prefs.blocks(c) || prefs.locks(c))
        };
        let mut out: Vec<Event> = Vec::new();
        for e in self.session.profile.history.events.iter().rev() {
            if out.len() == limit {
                break;
            }
            if !kinds.contains(&e.kind) || out.iter().any(|o| o.item == e.item) {
                continue;
            }
            match cat.item(&e.item) {
                Some(i) if !hidden(i) => out.push(e.clone()),
                _ => {}
            }
        }
        Ok(out)
    }

    /// The full factor breakdown of one item's score (with the same options
    /// `rank` takes, e.g. a context item).
    pub fn explain(&mut self, item_id: &str, options: &str, now: i64) -> Result<Explanation> {
        let input = RankInput::read(options)?;
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "itemId".into(),
        })?;
        let i = cat.item(item_id).ok_or_else(|| {
            Error::invalid(
                "itemId",
                format!(
                    "unknown item {}; it is not in the loaded catalogue",
                    quote(item_id)
                ),
            )
        })?;
        let input = placed(cat, input)?;
        let request = request(cat, &input, &self.unavailable, now)?;
        let weights = self.weights();
        let profile = &self.session.profile;
        let signals = Signals::new(cat, profile, &request, weights, now, &mut self.scratch);
        let b = rank::breakdown(cat, &signals, i);
        let wording = Wording::new(cat, profile, request.context, now, &signals);
        Ok(Explanation {
            id: item_id.to_string(),
            title: cat.title(i).to_string(),
            score: b.total(),
            excluded: rank::exclusion(cat, &signals, i).map(|e| wording.excluded(e)),
            factors: wording.factors(&b),
            reasons: wording.reasons(&b, i),
        })
    }

    pub fn summary(&self, now: i64) -> Summary {
        let profile = &self.session.profile;
        let interests = match &self.catalogue {
            None => Vec::new(),
            Some(cat) => learned_interests(cat, profile, now)
                .into_iter()
                .zip(cat.categories())
                .filter(|(_, c)| !c.sensitive)
                .map(|(weight, c)| Interest {
                    category: c.id.clone(),
                    label: c.label.clone(),
                    weight,
                })
                .collect(),
        };
        let counts = profile.history.counts();
        let mut events: Vec<(&'static str, u64)> = Kind::ALL
            .iter()
            .map(|k| (k.name(), counts.get(k).copied().unwrap_or(0)))
            .collect();
        super::sort::sort_by(&mut events, |a, b| a.0 < b.0);
        Summary {
            profile: self.name.clone(),
            interests,
            total_events: events.iter().map(|(_, n)| n).sum(),
            events,
            oldest_event: profile.history.oldest(),
            history_consent: profile.preferences.history_consent,
            retention_days: profile.preferences.retention_days,
            bytes_stored: self.session.bytes_stored(),
            persistent: self.session.persistent(),
            storage_keys: vec![
                super::store::profile_key(&self.name),
                super::store::quarantine_key(&self.name),
            ],
            notices: self.session.notices().to_vec(),
            privacy: self.privacy_summary(now),
        }
    }

    fn privacy_summary(&self, now: i64) -> BudgetSummary {
        let mut budget = self.session.profile.budget.clone();
        budget.renew(now);
        budget.summary(self.session.profile.preferences.share_statistics)
    }

    /// A locally randomized report of the person's top interests (see
    /// `privacy.rs`), only if they opted in with `shareStatistics`. The module
    /// sends nothing: the site decides whether to collect it.
    pub fn private_report(&mut self, now: i64) -> Result<Report> {
        self.private_report_with(now, &mut privacy::system_random)
    }

    fn private_report_with(
        &mut self,
        now: i64,
        random: &mut dyn FnMut(&mut [u8]) -> Result<()>,
    ) -> Result<Report> {
        self.session.sync(now, self.catalogue.as_ref());
        if !self.session.profile.preferences.share_statistics {
            return Err(Error::Refused("privateReport: statistics sharing is off; it needs the person's opt-in (shareStatistics: true)".into()));
        }
        let cat = self.catalogue.as_ref().ok_or_else(|| Error::NoCatalogue {
            path: "privateReport".into(),
        })?;
        let profile = &self.session.profile;
        let learned = learned_interests(cat, profile, now);
        // Interest = learned + slider, over non-sensitive categories only.
        let mut scored: Vec<(f64, usize, &str)> = cat
            .categories()
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.sensitive)
            .map(|(i, c)| {
                (
                    learned.get(i).copied().unwrap_or(0.0) + profile.preferences.slider(&c.id),
                    i,
                    c.id.as_str(),
                )
            })
            .filter(|(w, _, _)| *w >= privacy::MIN_INTEREST)
            .collect();
        super::sort::sort_by(&mut scored, |a, b| a.0 > b.0);
        let mut input: Vec<String> = scored
            .iter()
            .take(privacy::TOP_INTERESTS)
            .map(|(_, _, id)| id.to_string())
            .collect();
        super::sort::sort_by(&mut input, |a, b| a < b);
        let domain: Vec<String> = cat
            .categories()
            .iter()
            .filter(|c| !c.sensitive)
            .map(|c| c.id.clone())
            .collect();
        let report = self
            .session
            .profile
            .budget
            .report(&domain, &input, now, random)?;
        self.session.persist(now, self.catalogue.as_ref());
        Ok(report)
    }

    /// The export file, as JSON text.
    pub fn export_data(&self, now: i64) -> String {
        self.session.profile.export(&self.name, now).to_json()
    }

    /// Replaces everything stored with an export file; all or nothing.
    pub fn import_data(&mut self, json: &str, now: i64) -> Result<()> {
        let mut profile = Profile::import(json)?;
        let latest = now.saturating_add(FUTURE_TOLERANCE_MS);
        if let Some(i) = profile.history.events.iter().position(|e| e.at > latest) {
            return Err(Error::invalid(
                format!("import.data.history.events[{i}].at"),
                "is in the future; allowed: up to one day after now",
            ));
        }
        profile.history.enforce(
            now,
            profile.preferences.retention_days,
            self.catalogue.as_ref(),
        );
        // A replacement, not a merge: other tabs' older data must not return.
        profile.epoch = now;
        self.session.sync(now, self.catalogue.as_ref());
        self.session.profile = profile;
        self.session.persist(now, self.catalogue.as_ref());
        Ok(())
    }

    /// Deletes every key this profile wrote and resets it to defaults.
    pub fn forget(&mut self, now: i64) -> Result<()> {
        self.session.forget(now).map_err(|e| {
            Error::invalid(
                "storage",
                format!(
                    "could not delete stored data: {}",
                    super::store::describe(&e)
                ),
            )
        })
    }

    /// Re-reads storage (another tab may have written). Returns true if the
    /// profile changed.
    pub fn sync(&mut self, now: i64) -> bool {
        self.session.sync(now, self.catalogue.as_ref())
    }

    pub fn session(&self) -> &Session<S> {
        &self.session
    }

    pub fn session_mut(&mut self) -> &mut Session<S> {
        &mut self.session
    }
}

/// An interaction kind by name, or an error at `path` naming the known ones.
fn kind_at(name: &str, path: impl std::fmt::Display) -> Result<Kind> {
    Kind::parse(name).ok_or_else(|| {
        Error::invalid(
            path,
            format!(
                "unknown kind {}; known: view, click, purchase, like, dislike, dismiss",
                quote(name)
            ),
        )
    })
}

/// `options.limit`: a whole number from 1 to `max`, `default` when absent.
fn read_limit(limit: Option<f64>, default: usize, max: usize) -> Result<usize> {
    match limit {
        None => Ok(default),
        Some(l) if l.fract() == 0.0 && (1.0..=max as f64).contains(&l) => Ok(l as usize),
        Some(l) => Err(Error::invalid(
            "options.limit",
            format!(
                "{} is not allowed; allowed: a whole number from 1 to {max}",
                display_f64(l)
            ),
        )),
    }
}

/// The top items of `cat` for `profile`, with their reasons: `rank` for the
/// stored profile, `site_order` for an empty one.
fn ranked(
    cat: &Catalogue,
    profile: &Profile,
    input: &RankInput,
    unavailable: &LiteMap<String, u32>,
    scratch: &mut Scratch,
    weights: Weights,
    now: i64,
) -> Result<Vec<Ranked>> {
    let limit = read_limit(input.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let request = request(cat, input, unavailable, now)?;
    let mut scored = std::mem::take(&mut scratch.scored);
    let signals = Signals::new(cat, profile, &request, weights, now, scratch);
    let top = rank::top(
        cat,
        &signals,
        limit,
        effective_variety(profile),
        &mut scored,
    );
    // The site's pins, after everything else: each at its position, unless
    // the person's choices or the filter leave the item out, or it is in a
    // sensitive category the person has not turned on (never lifted); then
    // the list closes up as if there were no pin.
    let mut top = top;
    let mut pinned = Vec::new();
    for &(position, i) in &request.pins {
        let b = rank::breakdown(cat, &signals, i);
        if b.locked || pinned.contains(&i) || rank::exclusion(cat, &signals, i).is_some() {
            continue;
        }
        top.retain(|&(_, x)| x != i);
        let at = (usize::from(position) - 1).min(top.len());
        top.insert(at, (Score(b.total()), i));
        pinned.push(i);
    }
    top.truncate(limit);
    let wording = Wording::new(cat, profile, request.context, now, &signals);
    let out = top
        .iter()
        .map(|&(Score(score), i)| {
            let b = rank::breakdown(cat, &signals, i);
            let mut reasons = wording.reasons(&b, i);
            if pinned.contains(&i) {
                reasons.retain(|r| r.kind != "promoted" && r.kind != "siteOrder");
                reasons.insert(0, wording.pinned());
            }
            Ranked {
                id: cat.id(i).to_string(),
                score,
                reasons,
            }
        })
        .collect();
    scratch.scored = scored;
    Ok(out)
}

/// The call's options on top of its placement's preset, if it names one.
fn placed(cat: &Catalogue, input: RankInput) -> Result<RankInput> {
    let Some(name) = &input.placement else {
        return Ok(input);
    };
    let preset = cat.placement(name).ok_or_else(|| {
        Error::invalid(
            "options.placement",
            format!(
                "unknown placement {}; known: {}",
                quote(name),
                cat.known_placements()
            ),
        )
    })?;
    Ok(preset.under(input))
}

fn request(
    cat: &Catalogue,
    input: &RankInput,
    unavailable: &LiteMap<String, u32>,
    now: i64,
) -> Result<Request> {
    let context = match &input.context {
        None => None,
        Some(c) => Some(cat.item(c).ok_or_else(|| {
            Error::invalid(
                "options.context.itemId",
                format!(
                    "unknown item {}; it is not in the loaded catalogue",
                    quote(c)
                ),
            )
        })?),
    };
    // Unknown ids in `exclude` are ignored: sites may pass stale ids.
    let exclude = input.exclude.iter().filter_map(|id| cat.item(id)).collect();
    let none = FilterInput::default();
    let f = input.filter.as_ref().unwrap_or(&none);
    let category_filter = cat.category_filter(f, "options.filter")?;
    let known = |id: &String| cat.item(id);
    // The site's rules for this list (its placement, this time).
    let (mut item_boosts, mut category_boosts, mut pins) = (Vec::new(), Vec::new(), Vec::new());
    for rule in cat.rules() {
        if !rule.applies(input.placement.as_deref(), now) {
            continue;
        }
        match (rule.item, rule.category) {
            (Some(i), _) if rule.pin > 0 => pins.push((rule.pin, i)),
            (Some(i), _) => item_boosts.push((i, rule.boost)),
            (None, Some(c)) => {
                category_boosts.resize(cat.categories().len(), 0.0);
                if let Some(x) = category_boosts.get_mut(usize::from(c)) {
                    *x += rule.boost;
                }
            }
            (None, None) => {}
        }
    }
    super::sort::sort_by(&mut pins, |a, b| a.0 < b.0);
    Ok(Request {
        context,
        exclude,
        include_seen: input.include_seen.unwrap_or(false),
        category_filter,
        wants_category: f.categories.is_some(),
        only_items: f
            .items
            .as_ref()
            .map(|list| list.iter().filter_map(known).collect()),
        unavailable: unavailable.keys().filter_map(known).collect(),
        item_boosts,
        category_boosts,
        pins,
    })
}

/// Variety re-ranks a personalized list only. At personalization 0, or at
/// cold start (nothing chosen, nothing learned), the site's order stays as
/// the site made it.
fn effective_variety(profile: &Profile) -> f64 {
    let prefs = &profile.preferences;
    let h = &profile.history;
    let personal = !prefs.categories.is_empty() || !h.events.is_empty() || !h.folded.is_empty();
    if personal {
        prefs.variety * prefs.personalization
    } else {
        0.0
    }
}

fn check_time(t: f64, now: i64, retention_days: u32) -> Result<i64> {
    let earliest = now.saturating_sub(i64::from(retention_days) * DAY_MS);
    let latest = now.saturating_add(FUTURE_TOLERANCE_MS);
    if !t.is_finite() {
        return Err(Error::invalid(
            "event.at",
            format!(
                "{} is not a time; allowed: milliseconds since 1970",
                display_f64(t)
            ),
        ));
    }
    let at = t.floor();
    if at > latest as f64 {
        return Err(Error::invalid(
            "event.at",
            format!(
                "{} is in the future; allowed: up to one day after now ({now})",
                display_f64(t)
            ),
        ));
    }
    if at < earliest as f64 {
        return Err(Error::invalid(
            "event.at",
            format!(
                "{} is older than the retention window ({retention_days} days)",
                display_f64(t)
            ),
        ));
    }
    Ok(at as i64)
}

#[cfg(test)]
#[path = "personalizer_tests.rs"]
mod tests;
