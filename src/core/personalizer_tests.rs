use super::*;
use crate::core::fixtures::{self, NOW};
use crate::core::store::MemoryStore;
use serde_json::json;

type P = Personalizer<MemoryStore>;

fn films() -> P {
    let mut p = P::open(MemoryStore::default(), "default", NOW).unwrap();
    p.load_catalogue(&fixtures::films().to_string()).unwrap();
    p
}

fn ids(p: &mut P, options: serde_json::Value) -> Vec<String> {
    p.rank(&options.to_string(), NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn consent(p: &mut P) {
    p.set_preferences(r#"{"historyConsent": true}"#, NOW)
        .unwrap();
}

fn record(p: &mut P, item: &str, kind: &str) -> bool {
    p.record(&json!({ "itemId": item, "kind": kind }).to_string(), NOW)
        .unwrap()
}

#[test]
fn cold_start_is_the_site_order() {
    let mut p = films();
    assert_eq!(
        ids(&mut p, json!({ "limit": 10 })),
        ["m4", "m5", "m1", "m2", "m3", "m6"]
    );
    let top = p.rank("{}", NOW).unwrap();
    assert_eq!(top[0].reasons[0].text, "Popular on this site");
}

#[test]
fn nothing_is_recorded_without_consent() {
    let mut p = films();
    assert!(!record(&mut p, "m1", "view"));
    assert_eq!(p.record_impressions(r#"["m1","m2"]"#, NOW).unwrap(), 0);
    assert_eq!(p.summary(NOW).total_events, 0);
    assert!(!p.session().store().map.values().any(|v| v.contains("m1")));
    consent(&mut p);
    assert!(record(&mut p, "m1", "view"));
    p.set_preferences(r#"{"historyConsent": false}"#, NOW)
        .unwrap();
    assert!(!record(&mut p, "m2", "view"));
    assert_eq!(p.summary(NOW).total_events, 1);
}

#[test]
fn history_brings_related_items_and_says_why() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "like");
    let top = p.rank(r#"{"limit": 3, "exclude": ["m1"]}"#, NOW).unwrap();
    assert_eq!(top[0].id, "m2");
    let texts: Vec<&str> = top[0].reasons.iter().map(|r| r.text.as_str()).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Because you liked Alien")),
        "{texts:?}"
    );
    let related = top[0].reasons.iter().find(|r| r.kind == "related").unwrap();
    assert_eq!(related.source.as_deref(), Some("m1"));
    assert!(top[0]
        .reasons
        .iter()
        .filter(|r| r.kind == "popular")
        .all(|r| r.source.is_none()));
    assert!(top.iter().all(|r| r.id != "m1"));
    // m3 follows m1 in `next`.
    let m3 = p.explain("m3", "", NOW).unwrap();
    assert!(
        m3.reasons
            .iter()
            .any(|r| r.text == "Often chosen right after Alien"),
        "{:?}",
        m3.reasons
    );
}

#[test]
fn sliders_move_categories_and_are_explained() {
    let mut p = films();
    p.set_preferences(
        r#"{"categories": {"sci-fi": 1, "comedy": -1}, "variety": 0}"#,
        NOW,
    )
    .unwrap();
    let order = ids(&mut p, json!({}));
    assert_eq!(&order[..2], ["m1", "m2"]);
    // Amelie is comedy and drama: half of the -1 applies and it falls last.
    assert_eq!(order.last().map(String::as_str), Some("m4"));
    let top = p.rank("{}", NOW).unwrap();
    assert!(
        top[0]
            .reasons
            .iter()
            .any(|r| r.text == "You asked for more Sci-Fi" && r.weight > 0.0),
        "{:?}",
        top[0].reasons
    );
    let m4 = p.explain("m4", "", NOW).unwrap();
    assert!(
        m4.reasons
            .iter()
            .any(|r| r.text == "You asked for less Comedy" && r.weight < 0.0),
        "{:?}",
        m4.reasons
    );
}

#[test]
fn blocked_dismissed_and_bought_items_stay_out() {
    let mut p = films();
    consent(&mut p);
    p.set_preferences(r#"{"blocked": ["comedy"]}"#, NOW)
        .unwrap();
    record(&mut p, "m2", "dismiss");
    record(&mut p, "m3", "purchase");
    record(&mut p, "m5", "purchase");
    let order = ids(&mut p, json!({ "limit": 10 }));
    assert_eq!(order, ["m5", "m1", "m6"]);
    let e = p.explain("m4", "", NOW).unwrap();
    assert_eq!(
        e.excluded.map(|x| x.text),
        Some("You blocked Comedy".to_string())
    );
    assert_eq!(
        p.explain("m2", "", NOW).unwrap().excluded.map(|x| x.reason),
        Some("dismissed")
    );
    assert_eq!(
        p.explain("m3", "", NOW).unwrap().excluded.map(|x| x.reason),
        Some("purchased")
    );
}

#[test]
fn seen_items_stay_out_unless_asked_for() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "view");
    record(&mut p, "m4", "like");
    record(&mut p, "m5", "view"); // repeatable: "buy again" items may come back
    record(&mut p, "m6", "dislike"); // not engagement: not "seen"
    let order = ids(&mut p, json!({ "limit": 10 }));
    assert!(
        !order.contains(&"m1".into()) && !order.contains(&"m4".into()),
        "{order:?}"
    );
    assert!(order.contains(&"m5".into()), "{order:?}");
    let e = p.explain("m1", "", NOW).unwrap().excluded.unwrap();
    assert_eq!(
        (e.reason, e.text.as_str()),
        ("seen", "You have seen this already")
    );
    assert!(p.explain("m6", "", NOW).unwrap().excluded.is_none());
    // "Watch again": the site asks for seen items back.
    let again = ids(&mut p, json!({ "limit": 10, "includeSeen": true }));
    assert!(
        again.contains(&"m1".into()) && again.contains(&"m4".into()),
        "{again:?}"
    );
    assert!(p
        .explain("m1", r#"{"includeSeen": true}"#, NOW)
        .unwrap()
        .excluded
        .is_none());
    // Personalization 0 is the site's order, whole.
    p.set_preferences(r#"{"personalization": 0}"#, NOW).unwrap();
    assert_eq!(ids(&mut p, json!({ "limit": 10 })).len(), 6);
    // A bad value is named.
    let err = p.rank(r#"{"includeSeen": 1}"#, NOW).unwrap_err();
    assert!(err.to_string().contains("options.includeSeen"), "{err}");
}

#[test]
fn frequency_cap_pushes_items_down() {
    let mut p = films();
    consent(&mut p);
    p.set_preferences(r#"{"frequencyCap": 2}"#, NOW).unwrap();
    p.record_impressions(r#"["m4"]"#, NOW).unwrap();
    assert_eq!(ids(&mut p, json!({}))[0], "m4");
    p.record_impressions(r#"["m4"]"#, NOW).unwrap();
    let order = ids(&mut p, json!({}));
    assert_eq!(order.last().map(String::as_str), Some("m4"));
    // A new day resets the count.
    let next_day = p.rank("{}", NOW + DAY_MS).unwrap();
    assert_eq!(next_day[0].id, "m4");
}

#[test]
fn context_ranks_complements_first() {
    let mut p = films();
    let top = p
        .rank(r#"{"context": {"itemId": "m1"}, "limit": 3}"#, NOW)
        .unwrap();
    assert_eq!(top[0].id, "m2");
    assert!(top.iter().all(|r| r.id != "m1"));
    assert_eq!(
        top[0].reasons[0].text,
        "People who viewed Alien also viewed this"
    );
    assert_eq!(top[0].reasons[0].source.as_deref(), Some("m1"));
    let e = p
        .rank(r#"{"context": {"itemId": "zzz"}}"#, NOW)
        .unwrap_err();
    assert_eq!(e.path(), "options.context.itemId");
}

#[test]
fn sensitive_categories_are_never_learned_and_only_used_when_turned_on() {
    let mut p = films();
    consent(&mut p);
    for _ in 0..20 {
        record(&mut p, "m6", "like");
    }
    let summary = p.summary(NOW);
    assert!(summary.interests.iter().all(|i| i.category != "health"));
    let m6 = p.explain("m6", "", NOW).unwrap();
    assert_eq!(m6.score, m6.factors[0].contribution, "base only: {m6:?}");
    // Behaviour around it does not lift it either.
    record(&mut p, "m1", "like");
    assert_eq!(p.explain("m6", "", NOW).unwrap().score, m6.score);
    // A slider on a sensitive category needs the explicit switch.
    p.set_preferences(r#"{"categories": {"health": 1}}"#, NOW)
        .unwrap();
    assert_eq!(p.explain("m6", "", NOW).unwrap().score, m6.score);
    let e = p
        .set_preferences(r#"{"sensitive": ["drama"]}"#, NOW)
        .unwrap_err();
    assert_eq!(e.path(), "preferences.sensitive[0]");
    p.set_preferences(r#"{"sensitive": ["health"]}"#, NOW)
        .unwrap();
    assert!(p.explain("m6", "", NOW).unwrap().score > m6.score);
}

#[test]
fn explain_is_the_breakdown_behind_rank() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "view");
    p.set_preferences(
        r#"{"categories": {"drama": 0.5}, "personalization": 0.7}"#,
        NOW,
    )
    .unwrap();
    for r in p.rank(r#"{"limit": 10}"#, NOW).unwrap() {
        let e = p.explain(&r.id, "", NOW).unwrap();
        let sum: f64 = e.factors.iter().map(|f| f.contribution).sum();
        assert!((sum - e.score).abs() < 1e-9);
        assert!((e.score - r.score).abs() < 1e-9);
        assert_eq!(e.reasons, r.reasons);
        for f in &e.factors {
            assert!((f.value * f.weight - f.contribution).abs() < 1e-9, "{f:?}");
        }
    }
}

#[test]
fn bad_input_names_the_field_and_changes_nothing() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "view");
    let before_prefs = p.preferences().clone();
    let before_export = p.export_data(NOW);
    let before_rank = ids(&mut p, json!({}));
    let cases: Vec<(Result<()>, &str)> = vec![
        (
            p.set_preferences(r#"{"variety": 2}"#, NOW),
            "preferences.variety",
        ),
        (
            p.set_preferences(
                r#"{"personalization": 0.1, "categories": {"scifi": 1}}"#,
                NOW,
            ),
            "preferences.categories[\"scifi\"]",
        ),
        (p.set_preferences("[]", NOW), "preferences"),
        (p.set_preferences("{", NOW), "preferences"),
        (
            p.record(r#"{"itemId": "m1", "kind": "stare"}"#, NOW)
                .map(drop),
            "event.kind",
        ),
        (
            p.record(r#"{"itemId": "nope", "kind": "view"}"#, NOW)
                .map(drop),
            "event.itemId",
        ),
        (
            p.record(r#"{"itemId": "m1", "kind": "view", "at": 4e15}"#, NOW)
                .map(drop),
            "event.at",
        ),
        (
            p.record(r#"{"itemId": "m1", "kind": "view", "at": 0}"#, NOW)
                .map(drop),
            "event.at",
        ),
        (
            p.record(r#"{"itemId": "m1", "kind": "view", "where": "home"}"#, NOW)
                .map(drop),
            "event.where",
        ),
        (
            p.record(r#"{"kind": "view"}"#, NOW).map(drop),
            "event.itemId",
        ),
        (
            p.record_impressions(r#"["m1", "nope"]"#, NOW).map(drop),
            "ids[1]",
        ),
        (p.rank(r#"{"limit": 0}"#, NOW).map(drop), "options.limit"),
        (p.rank(r#"{"limit": 2.5}"#, NOW).map(drop), "options.limit"),
        (p.rank(r#"{"top": 3}"#, NOW).map(drop), "options.top"),
        (p.import_data("{}", NOW), "import.format"),
        (
            p.load_catalogue(
                r#"{"version": 1, "categories": [], "items": [{"id": "a"}, {"id": "a"}]}"#,
            )
            .map(drop),
            "catalogue.items[1].id",
        ),
    ];
    for (result, path) in cases {
        let e = result.expect_err(path);
        assert_eq!(e.path(), path, "{e}");
    }
    assert_eq!(p.preferences(), &before_prefs);
    assert_eq!(p.export_data(NOW), before_export);
    assert_eq!(ids(&mut p, json!({})), before_rank);
    assert_eq!(p.catalogue().map(|c| c.len()), Some(6));
}

#[test]
fn export_forget_import_round_trips() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "like");
    p.set_preferences(
        r#"{"categories": {"drama": -0.5}, "retentionDays": 30}"#,
        NOW,
    )
    .unwrap();
    let file = p.export_data(NOW).to_string();
    let before = ids(&mut p, json!({}));
    p.forget(NOW).unwrap();
    assert!(p.session().store().map.is_empty());
    assert_eq!(p.preferences(), &Preferences::default());
    assert_eq!(p.summary(NOW).total_events, 0);
    p.import_data(&file, NOW).unwrap();
    assert_eq!(
        fixtures::person_data(&p.export_data(NOW)),
        fixtures::person_data(&file)
    );
    assert_eq!(ids(&mut p, json!({})), before);
}

#[test]
fn summary_reports_what_is_kept() {
    let mut p = films();
    consent(&mut p);
    p.record(
        &json!({ "itemId": "m3", "kind": "view", "at": NOW - 5 * DAY_MS }).to_string(),
        NOW,
    )
    .unwrap();
    record(&mut p, "m4", "dislike");
    let s = p.summary(NOW);
    assert!(s.events.contains(&("view", 1)));
    assert!(s.events.contains(&("dislike", 1)));
    assert_eq!(s.total_events, 2);
    assert_eq!(s.oldest_event, Some(NOW - 5 * DAY_MS));
    assert!(s.persistent && s.history_consent);
    assert!(s.bytes_stored > 50);
    assert_eq!(
        s.storage_keys,
        ["ondevice:profile:default", "ondevice:quarantine:default"]
    );
    let interest = |c: &str| {
        s.interests
            .iter()
            .find(|i| i.category == c)
            .map(|i| i.weight)
    };
    assert_eq!(interest("comedy"), Some(-1.0));
    assert!(interest("sci-fi").unwrap() > 0.0);
}

#[test]
fn loading_a_new_catalogue_keeps_the_profile() {
    let mut p = films();
    consent(&mut p);
    record(&mut p, "m1", "like");
    let smaller = json!({ "version": 1, "categories": [{ "id": "drama", "label": "Drama" }], "items": [{ "id": "x1", "categories": ["drama"] }] });
    p.load_catalogue(&smaller.to_string()).unwrap();
    assert_eq!(p.summary(NOW).total_events, 1);
    assert_eq!(ids(&mut p, json!({})), ["x1"]);
    p.load_catalogue(&fixtures::films().to_string()).unwrap();
    assert_eq!(
        ids(&mut p, json!({ "limit": 1, "exclude": ["m1"] })),
        ["m2"]
    );
}

/// A damaged compact catalogue of either version is refused with where it
/// broke, and the catalogue loaded before stays.
#[test]
fn a_refused_compact_catalogue_keeps_the_previous_one() {
    use crate::core::catalogue::{Catalogue, CompactForm};
    let mut p = films();
    let before = ids(&mut p, json!({}));
    let (other, _) = Catalogue::from_json(&fixtures::random(5, 30, 3).to_string()).unwrap();
    for form in [CompactForm::Version1, CompactForm::Weights8] {
        let good = other.to_compact(form);
        let e = p
            .load_compact_catalogue(&good[..good.len() - 3])
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("(compact form: section strings, byte "),
            "{e}"
        );
        assert_eq!(ids(&mut p, json!({})), before, "{form:?}");
    }
    p.load_compact_catalogue(&other.to_compact(CompactForm::Weights8))
        .unwrap();
    assert_ne!(ids(&mut p, json!({})), before);
}

#[test]
fn profile_names_are_checked() {
    assert_eq!(
        P::open(MemoryStore::default(), "a b", NOW)
            .err()
            .map(|e| e.path().to_string()),
        Some("options.profile".into())
    );
    assert!(P::open(MemoryStore::default(), &"x".repeat(65), NOW).is_err());
}

#[test]
fn rank_needs_a_catalogue() {
    let mut p = P::open(MemoryStore::default(), "default", NOW).unwrap();
    assert!(p
        .rank("{}", NOW)
        .unwrap_err()
        .to_string()
        .contains("no catalogue"));
}

#[test]
fn personalization_zero_ignores_the_frequency_cap() {
    let mut p = films();
    consent(&mut p);
    p.set_preferences(r#"{"frequencyCap": 1, "personalization": 0}"#, NOW)
        .unwrap();
    p.record_impressions(r#"["m4"]"#, NOW).unwrap();
    assert_eq!(ids(&mut p, json!({}))[0], "m4");
    p.set_preferences(r#"{"personalization": 0.5}"#, NOW)
        .unwrap();
    assert_eq!(
        ids(&mut p, json!({})).last().map(String::as_str),
        Some("m4")
    );
}

#[test]
fn a_null_time_is_refused_not_taken_as_now() {
    let mut p = films();
    consent(&mut p);
    let e = p
        .record(r#"{"itemId": "m1", "kind": "view", "at": null}"#, NOW)
        .unwrap_err();
    assert_eq!(e.path(), "event.at");
    assert!(e.to_string().contains("NaN and Infinity"), "{e}");
    assert_eq!(p.summary(NOW).total_events, 0);
}

#[test]
fn site_order_is_rank_at_personalization_zero_whatever_the_profile() {
    let mut p = films();
    let site = |p: &mut P, o: serde_json::Value| p.site_order(&o.to_string(), NOW).unwrap();
    let cold = site(&mut p, json!({ "limit": 10 }));
    assert_eq!(
        cold,
        p.rank(r#"{"limit": 10}"#, NOW).unwrap(),
        "at cold start the site order is what rank returns"
    );
    consent(&mut p);
    p.set_preferences(r#"{"categories": {"sci-fi": 1}, "variety": 1}"#, NOW)
        .unwrap();
    record(&mut p, "m3", "like");
    record(&mut p, "m1", "view");
    assert_ne!(
        ids(&mut p, json!({ "limit": 10 })),
        cold.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "the profile is personal"
    );
    assert_eq!(
        site(&mut p, json!({ "limit": 10 })),
        cold,
        "the profile changes nothing"
    );
    p.set_preferences(r#"{"personalization": 0}"#, NOW).unwrap();
    for o in [
        json!({ "limit": 10 }),
        json!({ "limit": 3, "context": { "itemId": "m1" } }),
        json!({ "exclude": ["m4", "nope"] }),
    ] {
        assert_eq!(
            site(&mut p, o.clone()),
            p.rank(&o.to_string(), NOW).unwrap(),
            "{o}"
        );
    }
    // Blocking and dismissing are the person's: rank leaves them out, the site order does not.
    p.set_preferences(r#"{"blocked": ["comedy"]}"#, NOW)
        .unwrap();
    assert!(!ids(&mut p, json!({})).contains(&"m4".to_string()));
    assert_eq!(site(&mut p, json!({ "limit": 10 })), cold);
}

#[test]
fn site_order_at_a_time_is_deterministic_and_checked() {
    let mut catalogue = fixtures::films();
    catalogue["items"][2]["publishedAt"] = json!(NOW - 3_600_000);
    let mut p = P::open(MemoryStore::default(), "default", NOW).unwrap();
    p.load_catalogue(&catalogue.to_string()).unwrap();
    let at = |p: &mut P, t: i64| {
        p.site_order(&json!({ "at": t }).to_string(), NOW + 999_999)
            .unwrap()
    };
    assert_eq!(
        at(&mut p, NOW),
        p.rank("{}", NOW).unwrap(),
        "`at` is the time the score is computed at"
    );
    assert_eq!(at(&mut p, NOW)[0].id, "m3", "new this hour");
    assert_ne!(
        at(&mut p, NOW + 60 * DAY_MS)[0].id,
        "m3",
        "two months later it is not new"
    );
    for (bad, what) in [
        (json!({ "at": -1 }), "-1 is not allowed"),
        (json!({ "at": 1e16 }), "10000000000000000 is not allowed"),
        (json!({ "at": "now" }), "invalid type"),
    ] {
        let e = p.site_order(&bad.to_string(), NOW).unwrap_err();
        assert_eq!(e.path(), "options.at");
        assert!(e.to_string().contains(what), "{e}");
    }
    assert_eq!(
        p.rank(r#"{"at": 1}"#, NOW).unwrap_err().path(),
        "options.at",
        "rank has no `at`"
    );
    let empty = P::open(MemoryStore::default(), "x", NOW)
        .unwrap()
        .site_order("{}", NOW)
        .unwrap_err();
    assert_eq!(empty.path(), "siteOrder");
}

#[test]
fn recent_items_are_the_latest_distinct_engaged_items() {
    let mut p = films();
    let recent = |p: &P, o: serde_json::Value| {
        p.recent_items(&o.to_string())
            .unwrap()
            .into_iter()
            .map(|e| format!("{}:{}", e.item, e.kind.name()))
            .collect::<Vec<_>>()
    };
    assert!(recent(&p, json!({})).is_empty());
    consent(&mut p);
    for (item, kind, at) in [
        ("m1", "view", 1),
        ("m2", "like", 2),
        ("m1", "purchase", 3),
        ("m3", "dismiss", 4),
        ("m6", "view", 5),
        ("m4", "dislike", 6),
    ] {
        p.record(
            &json!({ "itemId": item, "kind": kind, "at": NOW - 100 + at }).to_string(),
            NOW,
        )
        .unwrap();
    }
    assert_eq!(
        recent(&p, json!({})),
        ["m1:purchase", "m2:like"],
        "health is sensitive and not turned on; dismissals and dislikes are not engagement"
    );
    assert_eq!(p.recent_items("{}").unwrap()[0].at, NOW - 97);
    assert_eq!(recent(&p, json!({ "limit": 1 })), ["m1:purchase"]);
    assert_eq!(recent(&p, json!({ "kinds": ["view"] })), ["m1:view"]);
    assert_eq!(
        recent(&p, json!({ "kinds": ["dismiss", "dislike"] })),
        ["m4:dislike", "m3:dismiss"]
    );
    p.set_preferences(r#"{"sensitive": ["health"], "blocked": ["sci-fi"]}"#, NOW)
        .unwrap();
    assert_eq!(
        recent(&p, json!({})),
        ["m6:view"],
        "blocked categories stay off screen; a turned-on sensitive one shows"
    );
    let before = p.export_data(NOW);
    for (bad, path, what) in [
        (
            json!({ "limit": 0 }),
            "options.limit",
            "a whole number from 1 to 100",
        ),
        (
            json!({ "limit": 101 }),
            "options.limit",
            "101 is not allowed",
        ),
        (
            json!({ "kinds": ["watch"] }),
            "options.kinds[0]",
            "unknown kind \"watch\"",
        ),
        (json!({ "kinds": "view" }), "options.kinds", "invalid type"),
        (json!({ "since": 1 }), "options.since", "unknown field"),
    ] {
        let e = p.recent_items(&bad.to_string()).unwrap_err();
        assert_eq!(e.path(), path, "{bad}");
        assert!(e.to_string().contains(what), "{e}");
    }
    assert_eq!(p.export_data(NOW), before, "refused options change nothing");
}

#[test]
fn the_catalogues_weights_rank_unless_set_in_rust() {
    let mut p = films();
    consent(&mut p);
    // No re-ranking: the order is the score's.
    p.set_preferences(r#"{"variety": 0}"#, NOW).unwrap();
    record(&mut p, "m1", "like");
    // Defaults: Aliens (related to Alien) first.
    assert_eq!(ids(&mut p, json!({ "limit": 1 })), ["m2"]);
    let mut v = fixtures::films();
    v["weights"] = json!({ "related": 0, "next": 0, "interest": 0, "popularity": 1 });
    p.load_catalogue(&v.to_string()).unwrap();
    assert_eq!(p.weights().related, 0.0);
    // The site's blend: popularity alone, so Amelie (most popular) leads.
    assert_eq!(ids(&mut p, json!({ "limit": 1 })), ["m4"]);
    let e = p.explain("m2", "", NOW).unwrap();
    assert!(
        e.reasons.iter().all(|r| r.kind != "related"),
        "{:?}",
        e.reasons
    );
    p.set_weights(Weights::DEFAULT);
    assert_eq!(ids(&mut p, json!({ "limit": 1 })), ["m2"]);
}

/// Every document refuses a key given twice, naming it, and nothing
/// changes: a stored profile (through an import), its history, events,
/// folded sums, impressions, change times, preferences and sliders, privacy
/// state and reports; the catalogue at each level; every call's options.
#[test]
fn every_document_refuses_a_key_given_twice() {
    let mut p = films();
    consent(&mut p);
    p.set_preferences(
        r#"{"shareStatistics": true, "categories": {"drama": 0.5}}"#,
        NOW,
    )
    .unwrap();
    record(&mut p, "m1", "like");
    p.record_impressions(r#"["m2"]"#, NOW).unwrap();
    p.private_report(NOW).unwrap();
    let file = p.export_data(NOW);
    let twice = |pair: &str| format!("{pair},{pair}");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            r#""format":"ondevice-export""#,
            twice(r#""format":"ondevice-export""#),
            "format",
        ),
        (
            r#""exportedAt":"#,
            r#""data":{},"exportedAt":"#.into(),
            "data",
        ),
        (r#""epoch":0"#, twice(r#""epoch":0"#), "epoch"),
        (
            r#""version":2},"#,
            r#""version":2,"version":2},"#.into(),
            "version",
        ),
        (
            r#""categories.drama":1750000000000"#,
            twice(r#""categories.drama":1750000000000"#),
            "categories.drama",
        ),
        (r#""kind":"like""#, twice(r#""kind":"like""#), "kind"),
        (
            r#""folded":{}"#,
            r#""folded":{"m9":{"at":1,"weight":1},"m9":{"at":1,"weight":1}}"#.into(),
            "m9",
        ),
        (
            r#""folded":{}"#,
            r#""folded":{"m9":{"at":1,"at":1,"weight":1}}"#.into(),
            "at",
        ),
        (
            r#""foldedCounts":{}"#,
            r#""foldedCounts":{"like":1,"like":1}"#.into(),
            "like",
        ),
        (r#""m2":1"#, twice(r#""m2":1"#), "m2"),
        (r#""day":20254"#, twice(r#""day":20254"#), "day"),
        (r#""variety":0.2"#, twice(r#""variety":0.2"#), "variety"),
        (r#""drama":0.5"#, twice(r#""drama":0.5"#), "drama"),
        (r#""spent":2.0"#, twice(r#""spent":2.0"#), "spent"),
        (r#""epsilon":2.0"#, twice(r#""epsilon":2.0"#), "epsilon"),
        (r#""input":["#, r#""input":[],"input":["#.into(), "input"),
    ];
    for (needle, replacement, key) in cases {
        assert!(file.contains(needle), "{needle} is not in the export");
        let bad = file.replacen(needle, &replacement, 1);
        let e = p.import_data(&bad, NOW).unwrap_err().to_string();
        assert!(e.contains("duplicate") && e.contains(key), "{needle}: {e}");
        assert_eq!(
            fixtures::person_data(&p.export_data(NOW)),
            fixtures::person_data(&file),
            "{needle}"
        );
    }

    let catalogue = fixtures::films().to_string();
    let catalogue_cases = [
        (r#""version":1"#, "version"),
        (r#""label":"Drama""#, "label"),
        (r#""title":"#, "title"),
        (r#""weight":"#, "weight"),
    ];
    for (needle, key) in catalogue_cases {
        let at = catalogue
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} is not in the catalogue"));
        // The pair from the key to the next comma or brace, given twice.
        let end = at + catalogue[at..].find([',', '}']).unwrap();
        let bad = format!(
            "{},{}{}",
            &catalogue[..end],
            &catalogue[at..end],
            &catalogue[end..]
        );
        let e = p.load_catalogue(&bad).unwrap_err().to_string();
        assert!(
            e.contains(&format!("duplicate field `{key}`")),
            "{needle}: {e}"
        );
    }
    assert_eq!(
        p.catalogue().unwrap().len(),
        fixtures::films()["items"].as_array().unwrap().len()
    );

    for (options, key) in [
        (r#"{"limit": 1, "limit": 2}"#, "limit"),
        (r#"{"context": {"itemId": "m1", "itemId": "m2"}}"#, "itemId"),
    ] {
        let e = p.rank(options, NOW).unwrap_err().to_string();
        assert!(
            e.contains(&format!("duplicate field `{key}`")),
            "{options}: {e}"
        );
        let e = p.explain("m1", options, NOW).unwrap_err().to_string();
        assert!(
            e.contains(&format!("duplicate field `{key}`")),
            "{options}: {e}"
        );
    }
    let e = p
        .recent_items(r#"{"limit": 1, "limit": 1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `limit`"), "{e}");
    let e = p
        .record(r#"{"itemId": "m3", "itemId": "m3", "kind": "like"}"#, NOW)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `itemId`"), "{e}");
    let e = p
        .set_preferences(r#"{"categories": {"drama": 0.1, "drama": 1}}"#, NOW)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate key \"drama\""), "{e}");
    assert_eq!(
        fixtures::person_data(&p.export_data(NOW)),
        fixtures::person_data(&file)
    );
}

/// The site's filter keeps only what it allows, in rank, explain and
/// siteOrder; the rest of the list is still there (as many items as
/// `limit` while allowed ones remain), and the person's choices still win.
#[test]
fn the_sites_filter_keeps_only_what_it_allows() {
    let mut p = films();
    let all = ids(&mut p, json!({}));
    // Only drama: m3, m4, m5 in the site's order.
    let drama = ids(&mut p, json!({ "filter": { "categories": ["drama"] } }));
    let expected: Vec<String> = all
        .iter()
        .filter(|id| ["m3", "m4", "m5"].contains(&id.as_str()))
        .cloned()
        .collect();
    assert_eq!(drama, expected);
    // Wanted and refused: refused wins.
    let some = ids(
        &mut p,
        json!({ "filter": { "categories": ["drama", "sci-fi"], "excludeCategories": ["comedy"] } }),
    );
    assert!(
        !some.iter().any(|id| id == "m4") && some.contains(&"m3".to_string()),
        "{some:?}"
    );
    // Only these items (unknown ids ignored), and `exclude` still applies.
    let listed = ids(
        &mut p,
        json!({ "filter": { "items": ["m5", "m1", "nope"] }, "exclude": ["m1"] }),
    );
    assert_eq!(listed, ["m5"]);
    // The limit is honoured from what the filter allows.
    let two = ids(
        &mut p,
        json!({ "limit": 2, "filter": { "excludeCategories": ["sci-fi"] } }),
    );
    assert_eq!(two.len(), 2);
    assert!(
        two.iter()
            .all(|id| !["m1", "m2", "m3"].contains(&id.as_str())),
        "{two:?}"
    );
    // A blocked category stays out even where the filter asks for it.
    p.set_preferences(r#"{"blocked": ["drama"]}"#, NOW).unwrap();
    assert!(ids(&mut p, json!({ "filter": { "categories": ["drama"] } })).is_empty());
    p.set_preferences(r#"{"blocked": []}"#, NOW).unwrap();
    // explain says it is the site's filter; siteOrder applies it too.
    let e = p
        .explain("m1", r#"{"filter": {"categories": ["drama"]}}"#, NOW)
        .unwrap();
    assert_eq!(e.excluded.map(|x| x.reason), Some("filtered"));
    let site: Vec<String> = p
        .site_order(r#"{"filter": {"categories": ["comedy"]}}"#, NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(site, ["m4"]);
    // Unknown categories are errors naming the field; nothing changes.
    for (options, path) in [
        (
            r#"{"filter": {"categories": ["drama", "westerns"]}}"#,
            "options.filter.categories[1]",
        ),
        (
            r#"{"filter": {"excludeCategories": ["x"]}}"#,
            "options.filter.excludeCategories[0]",
        ),
        (r#"{"filter": {"items": "m1"}}"#, "options.filter.items"),
        (
            r#"{"filter": {"colour": ["red"]}}"#,
            "options.filter.colour",
        ),
        (r#"{"filter": []}"#, "options.filter"),
    ] {
        let e = p.rank(options, NOW).unwrap_err();
        assert_eq!(e.path(), path, "{options}: {e}");
    }
    assert_eq!(ids(&mut p, json!({})), all);
}

/// Availability is the site's, in memory: unavailable items leave every
/// list until available again, survive a catalogue reload, never reach
/// the profile, and a bad id changes nothing.
#[test]
fn unavailable_items_leave_every_list_until_available() {
    let mut p = films();
    let all = ids(&mut p, json!({}));
    assert_eq!(
        p.set_availability(r#"["m4", "m5", "m4"]"#, false).unwrap(),
        2
    );
    let without = ids(&mut p, json!({}));
    assert_eq!(
        without,
        all.iter()
            .filter(|id| !["m4", "m5"].contains(&id.as_str()))
            .cloned()
            .collect::<Vec<_>>()
    );
    let e = p.explain("m4", "", NOW).unwrap();
    assert_eq!(e.excluded.map(|x| x.reason), Some("unavailable"));
    let site: Vec<String> = p
        .site_order("", NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(!site.contains(&"m5".to_string()));
    // Not personal: not stored, not exported.
    assert!(!p.export_data(NOW).contains("m5"));
    p.load_catalogue(&fixtures::films().to_string()).unwrap();
    assert_eq!(ids(&mut p, json!({})), without);
    // A bad id is refused naming it, and nothing changes.
    let e = p.set_availability(r#"["m4", ""]"#, true).unwrap_err();
    assert_eq!(e.path(), "ids[1]", "{e}");
    assert_eq!(ids(&mut p, json!({})), without);
    assert_eq!(
        p.set_availability(r#"["m4", "m5", "m9"]"#, true).unwrap(),
        2
    );
    assert_eq!(ids(&mut p, json!({})), all);
}

/// Placements are named presets of the call's options in the catalogue:
/// `rank({ placement })` starts from one, the call's own options win, an
/// unknown name is an error naming it, and a bad preset refuses the
/// catalogue (keeping the previous one).
#[test]
fn placements_are_presets_the_call_can_override() {
    let mut doc = fixtures::films();
    doc["placements"] = json!({
        "drama-row": { "limit": 2, "filter": { "categories": ["drama"] } },
        "home": { "limit": 3, "context": false, "includeSeen": true }
    });
    let mut p = P::open(MemoryStore::default(), "default", NOW).unwrap();
    p.load_catalogue(&doc.to_string()).unwrap();
    let drama_all = ids(
        &mut p,
        json!({ "limit": 10, "filter": { "categories": ["drama"] } }),
    );
    assert_eq!(
        ids(&mut p, json!({ "placement": "drama-row" })),
        drama_all[..2]
    );
    // The call's own limit and filter win over the preset's.
    assert_eq!(
        ids(&mut p, json!({ "placement": "drama-row", "limit": 3 })),
        drama_all[..3]
    );
    let comedy = ids(
        &mut p,
        json!({ "placement": "drama-row", "filter": { "categories": ["comedy"] } }),
    );
    assert_eq!(comedy, ["m4"]);
    // `context: false`: the on-screen item neither pulls its neighbours up nor is left out.
    let home = ids(
        &mut p,
        json!({ "placement": "home", "context": { "itemId": "m1" } }),
    );
    assert_eq!(home, ids(&mut p, json!({ "limit": 3 })));
    // explain and siteOrder take it too.
    let e = p
        .explain("m1", r#"{"placement": "drama-row"}"#, NOW)
        .unwrap();
    assert_eq!(e.excluded.map(|x| x.reason), Some("filtered"));
    let site: Vec<String> = p
        .site_order(r#"{"placement": "drama-row"}"#, NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(site.len(), 2);
    let e = p.rank(r#"{"placement": "sidebar"}"#, NOW).unwrap_err();
    assert_eq!(e.path(), "options.placement");
    assert!(
        e.to_string()
            .contains("unknown placement \"sidebar\"; known: drama-row, home"),
        "{e}"
    );

    for (placements, path) in [
        (
            json!({ "home": { "limit": 0 } }),
            "catalogue.placements.home.limit",
        ),
        (
            json!({ "home": { "filter": { "categories": ["westerns"] } } }),
            "catalogue.placements.home.filter.categories[0]",
        ),
        (
            json!({ "home": { "colour": 1 } }),
            "catalogue.placements.home.colour",
        ),
        (json!({ "a b": {} }), "catalogue.placements.a b"),
    ] {
        let mut bad = fixtures::films();
        bad["placements"] = placements;
        let e = p.load_catalogue(&bad.to_string()).unwrap_err();
        assert_eq!(e.path(), path, "{e}");
        assert_eq!(
            ids(&mut p, json!({ "placement": "drama-row" })),
            drama_all[..2],
            "the previous catalogue is kept"
        );
    }
    let e = p
        .load_catalogue(
            &doc.to_string()
                .replacen("\"home\":", "\"drama-row\":{},\"home\":", 1),
        )
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key `drama-row`"), "{e}");
}

/// The site's rules: a pin puts an item at its position and a boost lifts
/// an item or a category, each saying so as the site's doing
/// ("promoted"), only in its placement and time window; the person's
/// choices still win; bad rules are errors naming the field, rules naming
/// unknown items are dropped with a warning.
#[test]
fn the_sites_pins_and_boosts_say_so_and_yield_to_the_person() {
    let mut doc = fixtures::films();
    doc["placements"] = json!({ "home": {} });
    doc["rules"] = json!([
        { "item": "m3", "pin": 1, "placement": "home" },
        { "category": "comedy", "boost": 2 },
        { "item": "m2", "boost": 4, "from": NOW + 1000 },
        { "item": "ghost", "boost": 1 },
        { "item": "m6", "pin": 2 }
    ]);
    let mut p = P::open(MemoryStore::default(), "default", NOW).unwrap();
    let warnings = p.load_catalogue(&doc.to_string()).unwrap();
    assert_eq!(
        warnings
            .iter()
            .map(|w| (w.code, w.count))
            .collect::<Vec<_>>(),
        [("unknownRuleItem", 1)]
    );
    // m6 is in a sensitive category the person has not turned on: its pin
    // does not apply (nor would a boost). m4 (comedy) is boosted to the top.
    let plain = p.rank(r#"{"limit": 3}"#, NOW).unwrap();
    assert_eq!(plain[0].id, "m4");
    assert_eq!(plain[0].reasons[0].kind, "promoted");
    assert_eq!(plain[0].reasons[0].text, "Promoted by the site");
    assert!(!plain.iter().any(|r| r.id == "m6"), "{plain:?}");
    // In its placement, m3 is pinned first and says so.
    let home = p.rank(r#"{"limit": 3, "placement": "home"}"#, NOW).unwrap();
    assert_eq!(
        (home[0].id.as_str(), home[0].reasons[0].kind),
        ("m3", "promoted")
    );
    assert_eq!(home[0].reasons[0].text, "Placed here by the site");
    assert_eq!(home.len(), 3);
    // The time window: m2's boost starts later.
    let later = p.rank(r#"{"limit": 1}"#, NOW + 2000).unwrap();
    assert_eq!(later[0].id, "m2");
    // explain shows the rule's contribution as its own factor.
    let e = p.explain("m4", "", NOW).unwrap();
    let promoted = e.factors.iter().find(|f| f.kind == "promoted").unwrap();
    assert_eq!(promoted.contribution, 2.0);
    // The person's choices win: a blocked category stays out, a dismissed
    // pinned item is not shown, and personalization 0 keeps the site's rules.
    consent(&mut p);
    p.set_preferences(r#"{"blocked": ["comedy"]}"#, NOW)
        .unwrap();
    assert!(!ids(&mut p, json!({ "limit": 6 })).contains(&"m4".to_string()));
    record(&mut p, "m3", "dismiss");
    let home = ids(&mut p, json!({ "limit": 3, "placement": "home" }));
    assert!(
        !home.contains(&"m3".to_string()) && home.len() == 3,
        "{home:?}"
    );
    p.set_preferences(r#"{"blocked": [], "personalization": 0}"#, NOW)
        .unwrap();
    assert_eq!(ids(&mut p, json!({ "limit": 1 }))[0], "m4");

    for (rules, path) in [
        (
            json!([{ "item": "m1", "pin": 0 }]),
            "catalogue.rules[0].pin",
        ),
        (
            json!([{ "item": "m1", "boost": -1 }]),
            "catalogue.rules[0].boost",
        ),
        (
            json!([{ "category": "drama", "boost": 5 }]),
            "catalogue.rules[0].boost",
        ),
        (
            json!([{ "category": "drama", "pin": 1 }]),
            "catalogue.rules[0].pin",
        ),
        (
            json!([{ "category": "westerns", "boost": 1 }]),
            "catalogue.rules[0].category",
        ),
        (
            json!([{ "item": "m1", "boost": 1, "from": 10, "until": 5 }]),
            "catalogue.rules[0].until",
        ),
        (
            json!([{ "item": "m1", "boost": 1, "placement": "sidebar" }]),
            "catalogue.rules[0].placement",
        ),
        (
            json!([{ "item": "m1", "category": "drama", "boost": 1 }]),
            "catalogue.rules[0]",
        ),
        (
            json!([{ "item": "m1", "pin": 1, "boost": 1 }]),
            "catalogue.rules[0]",
        ),
    ] {
        let mut bad = doc.clone();
        bad["rules"] = rules;
        let e = p.load_catalogue(&bad.to_string()).unwrap_err();
        assert_eq!(e.path(), path, "{e}");
    }
    p.set_preferences(r#"{"personalization": 1}"#, NOW).unwrap();
    assert_eq!(
        p.rank(r#"{"limit": 1}"#, NOW).unwrap()[0].id,
        "m4",
        "the previous catalogue is kept"
    );
}
