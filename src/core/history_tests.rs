use super::*;
use crate::core::catalogue::Catalogue;
use crate::core::fixtures::{self, NOW};

fn ev(item: &str, kind: Kind, at: i64) -> Event {
    Event {
        item: item.into(),
        kind,
        at,
    }
}

fn films() -> Catalogue {
    Catalogue::from_json(&fixtures::films().to_string())
        .unwrap()
        .0
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
    h.folded.insert(
        "drama".into(),
        Folded {
            weight: 1.0,
            at: NOW - 50 * DAY_MS,
        },
    );
    h.enforce(NOW, 30, None);
    assert_eq!(h.events.len(), 1);
    assert!(h.folded.is_empty());
}

#[test]
fn overflow_folds_into_categories_but_never_sensitive_ones() {
    let cat = films();
    let mut h = History::default();
    for i in 0..MAX_EVENTS {
        h.events.push(ev(
            if i % 2 == 0 { "m1" } else { "m6" },
            Kind::Like,
            NOW - 1000 + i as i64 / 10,
        ));
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
    let mut h = History {
        events: vec![
            ev("m2", Kind::View, NOW - 20 * DAY_MS),
            ev("m2", Kind::Like, NOW - 5 * DAY_MS),
        ],
        ..History::default()
    };
    let expected = 1.0 * decay(20 * DAY_MS, INTEREST_HALF_LIFE_DAYS)
        + 3.0 * decay(5 * DAY_MS, INTEREST_HALF_LIFE_DAYS);
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

/// Reads one event document with the reader (`Event::read`, fast path
/// first) and with the general loop alone: the two must agree on the event or
/// on the error, its position and its path.
fn both_ways(doc: &str) -> (Result<Event, String>, Result<Event, String>) {
    let read = |read: fn(&mut Reader) -> JsonResult<Event>| {
        let mut r = Reader::new(doc);
        read(&mut r)
            .and_then(|e| r.finish().map(|()| e))
            .map_err(|e| format!("{} at {}", e.message(), e.path()))
    };
    (read(Event::read), read(Event::read_any))
}

#[test]
fn events_as_written_read_fast_and_exactly_like_the_general_reader() {
    let mut written = 0;
    for (at, item, kind) in [
        (0, "m1", Kind::View),
        (1_771_043_052_071, "i123", Kind::Purchase),
        (-5, "é-ü", Kind::Dismiss),
        (999_999_999_999_999_999, "x", Kind::Like),
    ] {
        let doc = History {
            events: vec![ev(item, kind, at)],
            ..History::default()
        }
        .to_json();
        let event = &doc[doc.find("[{").unwrap() + 1..doc.find("}]").unwrap() + 1];
        assert!(
            Event::read_written(&mut Reader::new(event)).is_some(),
            "the fast path reads what is written: {event}"
        );
        let (fast, general) = both_ways(event);
        assert_eq!(fast, Ok(ev(item, kind, at)));
        assert_eq!(fast, general);
        written += 1;
    }
    assert_eq!(written, 4);
    // Not quite the written form: each must give what the general reader gives.
    for doc in [
        r#"{"at":1.5,"item":"m1","kind":"view"}"#,
        r#"{"at":1e3,"item":"m1","kind":"view"}"#,
        r#"{"at":007,"item":"m1","kind":"view"}"#,
        r#"{"at":-0,"item":"m1","kind":"view"}"#,
        r#"{"at":-,"item":"m1","kind":"view"}"#,
        r#"{"at":9223372036854775807,"item":"m1","kind":"view"}"#,
        r#"{"at":9223372036854775808,"item":"m1","kind":"view"}"#,
        r#"{"at":1,"item":"m\"1","kind":"view"}"#,
        r#"{"at":1,"item":"m\u0031","kind":"view"}"#,
        r#"{"at":1,"item":"m1","kind":"views"}"#,
        r#"{"at":1,"item":"m1","kind":"view","at":2}"#,
        r#"{"at":1,"item":"m1","kind":"view","extra":2}"#,
        r#"{"at":1,"item":"m1"}"#,
        r#"{"at":1,"item":7,"kind":"view"}"#,
        r#"{"at":1,"item":"m1","kind":"view"}x"#,
    ] {
        let (fast, general) = both_ways(doc);
        assert_eq!(fast, general, "{doc}");
    }
}
