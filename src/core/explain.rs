//! Turns a score `Breakdown` into the factors of `explain` and the reasons
//! people read. Reasons are never computed on their own: they are the
//! largest factors of the same breakdown that produced the score.

use serde::Serialize;

use super::catalogue::Catalogue;
use super::history::{Kind, DAY_MS};
use super::profile::Profile;
use super::rank::{Breakdown, Exclusion};
use super::signals::Signals;
use super::weights::Weights;

/// Factors smaller than this (in score points) are not given as reasons.
pub const REASON_MIN: f64 = 0.05;
/// At most this many reasons per item, largest first.
pub const MAX_REASONS: usize = 4;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: &'static str,
    pub text: String,
    /// The factor's contribution to the score, in score points.
    pub weight: f64,
    /// The item this reason comes from ("Because you viewed …", the item on
    /// screen), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub kind: &'static str,
    /// The factor's signal before weighting (e.g. 0.8 of the most popular).
    pub value: f64,
    /// The named weight times personalization where that applies.
    pub weight: f64,
    /// value × weight: what it adds to the score.
    pub contribution: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub reason: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub id: String,
    pub title: String,
    pub score: f64,
    /// Set when the item cannot be shown at all, and why.
    pub excluded: Option<Excluded>,
    pub factors: Vec<Factor>,
    pub reasons: Vec<Reason>,
}

/// Everything `reasons` needs to write sentences.
pub struct Wording<'a> {
    pub cat: &'a Catalogue,
    pub profile: &'a Profile,
    pub context: Option<u32>,
    pub now: i64,
    pub personalization: f64,
    pub weights: Weights,
    /// `Signals::recent`: the latest engaged items and their latest positive
    /// kind, so that sentences need no search through the history.
    pub recent: &'a [(u32, Kind)],
}

impl<'a> Wording<'a> {
    /// The wording of one `rank` or `explain` call, read off its signals.
    pub fn new(
        cat: &'a Catalogue,
        profile: &'a Profile,
        context: Option<u32>,
        now: i64,
        signals: &'a Signals<'a>,
    ) -> Wording<'a> {
        Wording {
            cat,
            profile,
            context,
            now,
            personalization: signals.personalization,
            weights: signals.weights,
            recent: &signals.recent,
        }
    }
}

impl Wording<'_> {
    fn label(&self, c: Option<u16>) -> &str {
        c.and_then(|c| self.cat.category_at(c))
            .map_or("this category", |c| c.label.as_str())
    }

    /// The latest positive kind the person recorded for item `i`.
    fn verb(&self, i: u32) -> &'static str {
        if let Some(&(_, kind)) = self.recent.iter().find(|(h, _)| *h == i) {
            return kind.past_tense();
        }
        let id = self.cat.id(i);
        self.profile
            .history
            .events
            .iter()
            .rev()
            .find(|e| e.item == id && e.kind.is_positive())
            .map_or(Kind::View, |e| e.kind)
            .past_tense()
    }

    fn text(&self, kind: &'static str, b: &Breakdown, i: u32) -> String {
        match kind {
            "popular" => "Popular on this site".into(),
            "fresh" => match self.cat.published_at(i) {
                Some(t) if (self.now as f64 - t) < 7.0 * DAY_MS as f64 => "New this week".into(),
                _ => "Recently published".into(),
            },
            "context" => match self.context {
                Some(c) => format!("People who viewed {} also viewed this", self.cat.title(c)),
                None => "Goes with the item on screen".into(),
            },
            "sliders" if b.sliders >= 0.0 => {
                format!("You asked for more {}", self.label(b.slider_category))
            }
            "sliders" => format!("You asked for less {}", self.label(b.slider_category)),
            "interest" if b.interest >= 0.0 => {
                format!("You often choose {}", self.label(b.interest_category))
            }
            "interest" => format!(
                "You seem less interested in {}",
                self.label(b.interest_category)
            ),
            "related" => match b.related_source {
                Some(h) => format!(
                    "Because you {} {}: people who engaged with it often engage with this",
                    self.verb(h),
                    self.cat.title(h)
                ),
                None => "Often chosen with items you engaged with".into(),
            },
            "next" => match b.next_source {
                Some(h) => format!("Often chosen right after {}", self.cat.title(h)),
                None => "Often chosen next".into(),
            },
            "frequencyCap" => "Shown often today, so moved down".into(),
            "promoted" => "Promoted by the site".into(),
            _ => "In the site's own order".into(),
        }
    }

    /// The factors of `b`, all of them, in a fixed order.
    pub fn factors(&self, b: &Breakdown) -> Vec<Factor> {
        let p = if b.locked { 0.0 } else { self.personalization };
        let w = &self.weights;
        let f = |kind, weight: f64, contribution: f64| Factor {
            kind,
            value: if weight != 0.0 {
                contribution / weight
            } else {
                0.0
            },
            weight,
            contribution,
        };
        vec![
            f("popular", w.popularity, b.popularity),
            f("fresh", w.freshness, b.freshness),
            f("context", if b.locked { 0.0 } else { w.context }, b.context),
            f("sliders", w.sliders * p, b.sliders),
            f("interest", w.interest * p, b.interest),
            f("related", w.related * p, b.related),
            f("next", w.next * p, b.next),
            f(
                "frequencyCap",
                if b.locked || p == 0.0 {
                    0.0
                } else {
                    w.frequency_cap_penalty
                },
                b.frequency_cap,
            ),
            f("promoted", 1.0, b.promoted),
        ]
    }

    /// The reason of an item the site pinned to its position.
    pub fn pinned(&self) -> Reason {
        Reason {
            kind: "promoted",
            text: "Placed here by the site".into(),
            weight: 0.0,
            source: None,
        }
    }

    /// The largest factors of `b` as sentences, largest first.
    pub fn reasons(&self, b: &Breakdown, i: u32) -> Vec<Reason> {
        let parts = [
            ("popular", b.popularity),
            ("fresh", b.freshness),
            ("context", b.context),
            ("sliders", b.sliders),
            ("interest", b.interest),
            ("related", b.related),
            ("next", b.next),
            ("frequencyCap", b.frequency_cap),
            ("promoted", b.promoted),
        ];
        let mut chosen: Vec<(&'static str, f64)> = parts
            .into_iter()
            .filter(|(_, w)| w.abs() >= REASON_MIN)
            .collect();
        // Largest magnitude first; the fixed order above breaks ties.
        super::sort::sort_by(&mut chosen, |a, b| a.1.abs() > b.1.abs());
        chosen.truncate(MAX_REASONS);
        if chosen.is_empty() {
            chosen.push(("siteOrder", b.total()));
        }
        chosen
            .into_iter()
            .map(|(kind, weight)| {
                let source = match kind {
                    "related" => b.related_source,
                    "next" => b.next_source,
                    "context" => self.context,
                    _ => None,
                };
                Reason {
                    kind,
                    text: self.text(kind, b, i),
                    weight,
                    source: source.map(|s| self.cat.id(s).to_string()),
                }
            })
            .collect()
    }

    pub fn excluded(&self, e: Exclusion) -> Excluded {
        match e {
            Exclusion::Blocked(c) => Excluded {
                reason: "blocked",
                text: format!("You blocked {}", self.label(Some(c))),
            },
            Exclusion::Dismissed => Excluded {
                reason: "dismissed",
                text: "You said you are not interested".into(),
            },
            Exclusion::Purchased => Excluded {
                reason: "purchased",
                text: "You already bought this".into(),
            },
            Exclusion::Requested => Excluded {
                reason: "excluded",
                text: "The site asked not to show it here".into(),
            },
            Exclusion::OnScreen => Excluded {
                reason: "onScreen",
                text: "It is the item on screen".into(),
            },
            Exclusion::Seen => Excluded {
                reason: "seen",
                text: "You have seen this already".into(),
            },
            Exclusion::Filtered => Excluded {
                reason: "filtered",
                text: "The site's filter for this list leaves it out".into(),
            },
            Exclusion::Unavailable => Excluded {
                reason: "unavailable",
                text: "The site says it is not available".into(),
            },
        }
    }
}
