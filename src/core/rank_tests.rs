//! Property tests of the ranking invariants over random catalogues,
//! preferences and histories.

use crate::core::fixtures::{self, NOW};
use crate::core::personalizer::Personalizer;
use crate::core::store::MemoryStore;
use proptest::prelude::*;
use serde_json::json;

const N: usize = 60;
const K: usize = 5;

type P = Personalizer<MemoryStore>;

fn setup(seed: u64, history: &[(usize, usize)], prefs: serde_json::Value) -> P {
    let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
    p.load_catalogue(&fixtures::random(seed, N, K).to_string())
        .unwrap();
    p.set_preferences(r#"{"historyConsent": true}"#, NOW)
        .unwrap();
    let kinds = ["view", "click", "purchase", "like", "dislike", "dismiss"];
    for (t, &(item, kind)) in history.iter().enumerate() {
        let event = json!({ "itemId": format!("i{item}"), "kind": kinds[kind % kinds.len()], "at": NOW - 1000 + t as i64 });
        p.record(&event.to_string(), NOW).unwrap();
    }
    p.set_preferences(&prefs.to_string(), NOW).unwrap();
    p
}

fn ranked(p: &mut P, limit: usize) -> Vec<String> {
    p.rank(&json!({ "limit": limit }).to_string(), NOW)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn history() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((0..N, 0..6usize), 0..30)
}

fn sliders() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1.0..=1.0f64, K)
}

fn slider_prefs(values: &[f64]) -> serde_json::Map<String, serde_json::Value> {
    // The last category is sensitive; sliders are set on the others.
    values
        .iter()
        .take(K - 1)
        .enumerate()
        .map(|(c, v)| (format!("c{c}"), json!(v)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn blocked_categories_never_appear(seed in 0u64..1000, h in history(), s in sliders(), blocked in 0..K, variety in 0.0..=1.0f64) {
        let mut p = setup(seed, &h, json!({ "blocked": [format!("c{blocked}")], "categories": slider_prefs(&s), "variety": variety }));
        let cat = p.catalogue().unwrap().clone();
        let b = cat.category(&format!("c{blocked}")).unwrap();
        for id in ranked(&mut p, N) {
            let i = cat.item(&id).unwrap();
            prop_assert!(!cat.item_categories(i).contains(&b), "{id} is in blocked c{blocked}");
        }
        let with_context = p.rank(&json!({ "limit": N, "context": { "itemId": "i0" } }).to_string(), NOW).unwrap();
        for r in with_context {
            prop_assert!(!cat.item_categories(cat.item(&r.id).unwrap()).contains(&b));
        }
    }

    /// A filtered-out or unavailable item never appears, and the list is
    /// as long as `limit` while allowed items remain (the site's order fills it).
    #[test]
    fn filtered_and_unavailable_items_never_appear(seed in 0u64..1000, h in history(), s in sliders(), wanted in 0..K, refused in 0..K, gone in prop::collection::vec(0..N, 0..8), limit in 1..N, variety in 0.0..=1.0f64) {
        let mut p = setup(seed, &h, json!({ "categories": slider_prefs(&s), "variety": variety }));
        let cat = p.catalogue().unwrap().clone();
        let gone: Vec<String> = gone.iter().map(|i| format!("i{i}")).collect();
        p.set_availability(&json!(gone).to_string(), false).unwrap();
        let (w, x) = (format!("c{wanted}"), format!("c{refused}"));
        let options = json!({ "limit": limit, "filter": { "categories": [w], "excludeCategories": [x] } });
        let list = p.rank(&options.to_string(), NOW).unwrap();
        let (cw, cx) = (cat.category(&w).unwrap(), cat.category(&x).unwrap());
        for r in &list {
            let cats = cat.item_categories(cat.item(&r.id).unwrap());
            prop_assert!(cats.contains(&cw) && !cats.contains(&cx), "{} breaks the filter", r.id);
            prop_assert!(!gone.contains(&r.id), "{} is unavailable", r.id);
        }
        // Everything the filter allows and the person has not excluded is a candidate.
        let allowed = (0..N as u32)
            .filter(|&i| {
                let cats = cat.item_categories(i);
                cats.contains(&cw) && !cats.contains(&cx) && !gone.contains(&cat.id(i).to_string())
                    && p.explain(cat.id(i), &json!({ "filter": options["filter"] }).to_string(), NOW).unwrap().excluded.is_none()
            })
            .count();
        prop_assert_eq!(list.len(), allowed.min(limit));
    }

    /// The site's rules: a pinned item is at its position unless the
    /// person's choices leave it out (or it is unconsented-sensitive), a
    /// boost never brings back an excluded item, and a rule outside its time
    /// window changes nothing.
    #[test]
    fn pins_hold_their_position_and_boosts_never_lift_what_the_person_excluded(seed in 0u64..1000, h in history(), blocked in 0..K, pinned in 0..N, position in 1usize..8, boosted in 0..K, boost in 0.0..=4.0f64) {
        let mut doc = fixtures::random(seed, N, K);
        let pin_id = format!("i{pinned}");
        doc["rules"] = json!([
            { "item": pin_id, "pin": position },
            { "category": format!("c{boosted}"), "boost": boost },
            { "category": format!("c{blocked}"), "boost": 4, "until": NOW - 1 }
        ]);
        let mut p = setup(seed, &h, json!({ "blocked": [format!("c{blocked}")] }));
        let plain = ranked(&mut p, 10);
        p.load_catalogue(&doc.to_string()).unwrap();
        let list = ranked(&mut p, 10);
        let cat = p.catalogue().unwrap().clone();
        let b = cat.category(&format!("c{blocked}")).unwrap();
        let why = p.explain(&pin_id, "", NOW).unwrap();
        let locked = why.factors.iter().all(|f| f.kind == "popular" || f.kind == "fresh" || f.contribution == 0.0)
            && cat.item_categories(cat.item(&pin_id).unwrap()).iter().any(|&c| cat.categories()[c as usize].sensitive);
        if why.excluded.is_none() && !locked {
            prop_assert_eq!(list.iter().position(|id| *id == pin_id), Some(position - 1), "{} not at {}", pin_id, position);
        } else {
            prop_assert!(!list.contains(&pin_id) || plain.contains(&pin_id), "{} was lifted", pin_id);
        }
        for id in &list {
            let i = cat.item(id).unwrap();
            prop_assert!(!cat.item_categories(i).contains(&b), "{} is in blocked c{}", id, blocked);
            prop_assert!(p.explain(id, "", NOW).unwrap().excluded.is_none(), "{} is excluded", id);
        }
        // The expired rule (boost 4 on the blocked category) has no effect:
        // without the two live rules the list is the plain one.
        let mut expired = fixtures::random(seed, N, K);
        expired["rules"] = json!([{ "category": format!("c{blocked}"), "boost": 4, "until": NOW - 1 }]);
        p.load_catalogue(&expired.to_string()).unwrap();
        prop_assert_eq!(ranked(&mut p, 10), plain);
    }

    #[test]
    fn personalization_zero_is_the_base_order(seed in 0u64..1000, h in prop::collection::vec((0..N, 0..2usize), 0..30), s in sliders(), variety in 0.0..=1.0f64) {
        // Only views and clicks: nothing is suppressed, so every item is a candidate.
        let mut p = setup(seed, &h, json!({ "personalization": 0, "categories": slider_prefs(&s), "variety": variety }));
        let cat = p.catalogue().unwrap().clone();
        let mut expected: Vec<u32> = (0..N as u32).collect();
        // No item has publishedAt: the base order is popularity, then catalogue order.
        expected.sort_by(|&a, &b| cat.popularity(b).total_cmp(&cat.popularity(a)).then(a.cmp(&b)));
        let expected: Vec<String> = expected.into_iter().map(|i| cat.id(i).to_string()).collect();
        prop_assert_eq!(ranked(&mut p, N), expected);
    }

    #[test]
    fn raising_a_slider_never_lowers_its_items_relative_to_others(seed in 0u64..1000, h in history(), s in sliders(), c in 0..K - 1, raise in 0.0..=1.0f64) {
        let low = slider_prefs(&s);
        let mut high = low.clone();
        let raised = (s[c] + raise).min(1.0);
        high.insert(format!("c{c}"), json!(raised));
        let mut a = setup(seed, &h, json!({ "categories": low, "variety": 0 }));
        let mut b = setup(seed, &h, json!({ "categories": high, "variety": 0 }));
        let cat = a.catalogue().unwrap().clone();
        let cid = cat.category(&format!("c{c}")).unwrap();
        let score = |p: &mut P, i: u32| p.explain(cat.id(i), "", NOW).unwrap().score;
        let (inside, outside): (Vec<u32>, Vec<u32>) = (0..N as u32).partition(|&i| cat.item_categories(i).contains(&cid));
        for &x in &inside {
            for &y in &outside {
                let before = score(&mut a, x) - score(&mut a, y);
                let after = score(&mut b, x) - score(&mut b, y);
                prop_assert!(after >= before - 1e-9, "{} vs {}: {before} -> {after}", cat.id(x), cat.id(y));
            }
        }
        // And in the ranked list (variety 0), no inside item falls below an outside item it was above.
        let (ra, rb) = (ranked(&mut a, N), ranked(&mut b, N));
        let pos = |r: &[String], i: u32| r.iter().position(|id| id == cat.id(i));
        for &x in &inside {
            for &y in &outside {
                if let (Some(xa), Some(ya), Some(xb), Some(yb)) = (pos(&ra, x), pos(&ra, y), pos(&rb, x), pos(&rb, y)) {
                    prop_assert!(!(xa < ya && xb > yb), "{} fell below {}", cat.id(x), cat.id(y));
                }
            }
        }
    }

    #[test]
    fn a_dismissed_item_is_absent(seed in 0u64..1000, h in history(), dismissed in 0..N, variety in 0.0..=1.0f64) {
        let mut p = setup(seed, &h, json!({ "variety": variety }));
        p.record(&json!({ "itemId": format!("i{dismissed}"), "kind": "dismiss" }).to_string(), NOW).unwrap();
        let id = format!("i{dismissed}");
        prop_assert!(!ranked(&mut p, N).contains(&id));
        let ctx = p.rank(&json!({ "limit": N, "context": { "itemId": "i1" } }).to_string(), NOW).unwrap();
        prop_assert!(ctx.iter().all(|r| r.id != id));
    }

    #[test]
    fn nothing_is_recorded_without_consent(seed in 0u64..1000, h in history()) {
        let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
        p.load_catalogue(&fixtures::random(seed, N, K).to_string()).unwrap();
        let before = p.export_data(NOW);
        for &(item, _) in &h {
            let event = json!({ "itemId": format!("i{item}"), "kind": "purchase" }).to_string();
            let recorded = p.record(&event, NOW).unwrap();
            prop_assert!(!recorded);
        }
        prop_assert_eq!(p.export_data(NOW), before);
        prop_assert!(p.session().store().map.values().all(|v| !v.contains("\"i")));
    }

    #[test]
    fn export_forget_import_round_trips(seed in 0u64..1000, h in history(), s in sliders()) {
        let mut p = setup(seed, &h, json!({ "categories": slider_prefs(&s) }));
        let file = p.export_data(NOW).to_string();
        let order = ranked(&mut p, 20);
        p.forget(NOW).unwrap();
        prop_assert!(p.session().store().map.is_empty());
        p.import_data(&file, NOW).unwrap();
        prop_assert_eq!(fixtures::person_data(&p.export_data(NOW)), fixtures::person_data(&file));
        prop_assert_eq!(ranked(&mut p, 20), order);
    }

    #[test]
    fn rank_is_deterministic_and_sorted_without_variety(seed in 0u64..1000, h in history(), s in sliders(), limit in 1..N) {
        let mut p = setup(seed, &h, json!({ "categories": slider_prefs(&s), "variety": 0 }));
        let a = p.rank(&json!({ "limit": limit }).to_string(), NOW).unwrap();
        let b = p.rank(&json!({ "limit": limit }).to_string(), NOW).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert!(a.len() <= limit);
        for w in a.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
        // The top-k equals the head of the full ranking.
        let all = p.rank(&json!({ "limit": N }).to_string(), NOW).unwrap();
        prop_assert_eq!(&all[..a.len()], &a[..]);
    }
}

#[test]
fn variety_spreads_the_top_across_categories() {
    // Five popular items in one category, then one each in two others; a
    // slider on a fourth category makes the list personal.
    let item =
        |id: &str, c: &str, pop: u32| json!({ "id": id, "categories": [c], "popularity": pop });
    let categories: Vec<_> = ["x", "y", "z", "w"]
        .iter()
        .map(|c| json!({ "id": c, "label": c }))
        .collect();
    let v = json!({ "version": 1,
        "categories": categories,
        "items": [item("a1", "x", 100), item("a2", "x", 99), item("a3", "x", 98), item("a4", "x", 97),
                  item("b1", "y", 50), item("c1", "z", 40), item("w1", "w", 1)] });
    let top3 = |variety: f64| {
        let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
        p.load_catalogue(&v.to_string()).unwrap();
        p.set_preferences(
            &json!({ "variety": variety, "categories": { "w": 0.1 } }).to_string(),
            NOW,
        )
        .unwrap();
        ranked(&mut p, 3)
    };
    assert_eq!(top3(0.0), ["a1", "a2", "a3"]);
    assert_eq!(top3(1.0), ["a1", "b1", "c1"]);
    // Variety only reorders: the same items are ranked.
    let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
    p.load_catalogue(&v.to_string()).unwrap();
    p.set_preferences(r#"{"variety": 1, "categories": {"w": 0.1}}"#, NOW)
        .unwrap();
    let mut all = ranked(&mut p, 7);
    all.sort();
    assert_eq!(all, ["a1", "a2", "a3", "a4", "b1", "c1", "w1"]);
}

#[test]
fn ties_break_by_catalogue_order() {
    let v = json!({ "version": 1, "categories": [], "items": [{ "id": "b" }, { "id": "a" }, { "id": "c", "popularity": 1 }] });
    let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
    p.load_catalogue(&v.to_string()).unwrap();
    assert_eq!(ranked(&mut p, 3), ["c", "b", "a"]);
}

/// One staple bought: s relates strongly to s1..s4; a weaker item g relates
/// to g1. All in one category, so only the source can tell them apart.
fn staple_catalogue() -> serde_json::Value {
    let edge = |id: &str, w: f64| json!({ "id": id, "weight": w });
    let plain = |id: &str| json!({ "id": id, "categories": ["x"], "popularity": 10 });
    json!({ "version": 1,
        "categories": [{ "id": "x", "label": "x" }],
        "items": [
            { "id": "s", "categories": ["x"], "popularity": 10,
              "related": [edge("s1", 0.9), edge("s2", 0.88), edge("s3", 0.86), edge("s4", 0.84)] },
            { "id": "g", "categories": ["x"], "popularity": 10, "related": [edge("g1", 0.6)] },
            plain("s1"), plain("s2"), plain("s3"), plain("s4"), plain("g1")
        ] })
}

#[test]
fn one_history_item_cannot_explain_the_whole_list() {
    let top = |variety: f64| {
        let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
        p.load_catalogue(&staple_catalogue().to_string()).unwrap();
        p.set_preferences(
            &json!({ "historyConsent": true, "variety": variety }).to_string(),
            NOW,
        )
        .unwrap();
        for (t, item) in ["g", "s"].iter().enumerate() {
            let e = json!({ "itemId": item, "kind": "purchase", "at": NOW - 1000 + t as i64 });
            p.record(&e.to_string(), NOW).unwrap();
        }
        ranked(&mut p, 3)
    };
    assert_eq!(top(0.0), ["s1", "s2", "s3"]);
    // Each item above from the same source costs the next one more.
    assert_eq!(top(1.0), ["s1", "g1", "s2"]);
}

#[test]
fn variety_calibrates_the_list_to_the_mix_of_interests() {
    // The person engaged with x and y alike; x's items score higher (more
    // popular), so without calibration the list is all x.
    let item =
        |id: &str, c: &str, pop: u32| json!({ "id": id, "categories": [c], "popularity": pop });
    let v = json!({ "version": 1,
        "categories": [{ "id": "x", "label": "x" }, { "id": "y", "label": "y" }],
        "items": [item("hx", "x", 1), item("hy", "y", 1),
                  item("x1", "x", 1000), item("x2", "x", 990), item("x3", "x", 980), item("x4", "x", 970),
                  item("y1", "y", 300), item("y2", "y", 290)] });
    let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
    p.load_catalogue(&v.to_string()).unwrap();
    p.set_preferences(r#"{"historyConsent": true, "variety": 0}"#, NOW)
        .unwrap();
    for (t, item) in ["hx", "hy"].iter().enumerate() {
        let e = json!({ "itemId": item, "kind": "view", "at": NOW - 1000 + t as i64 });
        p.record(&e.to_string(), NOW).unwrap();
    }
    assert_eq!(ranked(&mut p, 4), ["x1", "x2", "x3", "x4"]);
    p.set_preferences(r#"{"variety": 1}"#, NOW).unwrap();
    let calibrated = ranked(&mut p, 4);
    let ys = calibrated.iter().filter(|id| id.starts_with('y')).count();
    assert_eq!(ys, 2, "{calibrated:?}");
}

#[test]
fn less_of_a_category_wins_over_variety() {
    let item =
        |id: &str, c: &str, pop: u32| json!({ "id": id, "categories": [c], "popularity": pop });
    let v = json!({ "version": 1,
        "categories": [{ "id": "x", "label": "x" }, { "id": "h", "label": "h" }],
        "items": [item("x1", "x", 100), item("x2", "x", 99), item("x3", "x", 98), item("x4", "x", 97),
                  item("h1", "h", 60)] });
    let order = |horror: f64| {
        let mut p = P::open(MemoryStore::default(), "t", NOW).unwrap();
        p.load_catalogue(&v.to_string()).unwrap();
        p.set_preferences(
            &json!({ "variety": 1, "categories": { "h": horror, "x": 0.01 } }).to_string(),
            NOW,
        )
        .unwrap();
        ranked(&mut p, 5)
    };
    // Without a "less" slider variety lifts the one item of another category...
    assert_eq!(order(0.0)[1], "h1");
    // ...but once the person asked for less of it, it stays below.
    assert_eq!(order(-0.05).last().map(String::as_str), Some("h1"));
}
