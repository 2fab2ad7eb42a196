use super::*;
use crate::core::catalogue::Catalogue;
use crate::core::fixtures::{self, NOW};

fn ev(item: &str, kind: Kind, at: i64) -> Event {
    Event { item: item.into(), kind, at }
}

fn films() -> Catalogue {
    Catalogue::from_json(&fixtures::films().to_string()).unwrap().0
}

#[test]
fn events_stay_in_time_order() {
    let mut h = History::default();
    h.push(ev("m1", Kind::View, NOW - 10), NOW, 90, None);
    h.push(ev("m2", Kind::View, NOW - 30), NOW, 90, None);
    h.push(ev("m3", Kind::View, NOW - 20), NOW, 90, None);
    let items: Vec<&str> = h.events.iter().map(|e| e.item.as_str()).collect();
    assert_eq!(items, ["m2", "m3", "m1"]);
}

#[test]
fn retention_drops_old_events_and_folds() {
    let mut h = History::default();
    h.events.push(ev("m1", Kind::View, NOW - 40 * DAY_MS));
    h.events.push(ev("m2", Kind::View, NOW - 10 * DAY_MS));
    h.folded.insert("drama".into(), Folded { weight: 1.0, at: NOW - 50 * DAY_MS });
    h.enforce(NOW, 30, None);
    assert_eq!(h.events.len(), 1);
    assert!(h.folded.is_empty());
}

#[test]
fn overflow_folds_into_categories_but_never_sensitive_ones() {
    let cat = films();
    let mut h = History::default();
    for i in 0..MAX_EVENTS {
        h.events.push(ev(if i % 2 == 0 { "m1" } else { "m6" }, Kind::Like, NOW - 1000 + i as i64 / 10));
    }
    h.push(ev("m3", Kind::View, NOW), NOW, 90, Some(&cat));
    assert_eq!(h.events.len(), MAX_EVENTS);
    assert_eq!(h.folded_counts.get(&Kind::Like), Some(&1));
    assert!(h.folded.contains_key("sci-fi"));
    assert!(!h.folded.contains_key("health"));
    assert_eq!(h.counts().values().sum::<u64>(), MAX_EVENTS as u64 + 1);
}

#[test]
fn folding_is_exact_under_decay() {
    let cat = films();
    let mut h = History::default();
    h.events = vec![ev("m2", Kind::View, NOW - 20 * DAY_MS), ev("m2", Kind::Like, NOW - 5 * DAY_MS)];
    let expected = 1.0 * decay(20 * DAY_MS, INTEREST_HALF_LIFE_DAYS) + 3.0 * decay(5 * DAY_MS, INTEREST_HALF_LIFE_DAYS);
    h.compact(Some(&cat));
    h.compact(Some(&cat));
    assert!(h.events.is_empty());
    let f = &h.folded.get("sci-fi").unwrap();
    let got = f.weight * decay(NOW - f.at, INTEREST_HALF_LIFE_DAYS);
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
}

#[test]
fn impressions_reset_each_day_and_are_bounded() {
    let mut h = History::default();
    assert!(h.impress("m1", NOW));
    assert!(h.impress("m1", NOW));
    assert_eq!(h.impressions_today("m1", NOW), 2);
    assert_eq!(h.impressions_today("m1", NOW + DAY_MS), 0);
    for i in 0..MAX_IMPRESSION_ITEMS + 5 {
        h.impress(&format!("x{i}"), NOW);
    }
    assert_eq!(h.impressions.counts.len(), MAX_IMPRESSION_ITEMS);
    assert!(h.impress("m1", NOW + DAY_MS));
    assert_eq!(h.impressions.counts.len(), 1);
}

#[test]
fn decay_halves_at_the_half_life() {
    assert!((decay(30 * DAY_MS, 30.0) - 0.5).abs() < 1e-12);
    assert_eq!(decay(-5, 30.0), 1.0);
}
