//! The real CLI on small generated logs: k-anonymity, the per-user cap, the
//! order of `next`, and every number checked against a plain re-computation.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::{ids, list, popularity, users, Row, Site};

/// `n` users who each view `a` then `b`, starting at time `t0`.
fn pair_rows<'a>(people: &'a [String], a: &'a str, b: &'a str, t0: i64) -> Vec<Row<'a>> {
    people
        .iter()
        .flat_map(|u| [(u.as_str(), a, t0, "view"), (u.as_str(), b, t0 + 1, "view")])
        .collect()
}

#[test]
fn a_pair_needs_k_distinct_users() {
    for k in [2usize, 5, 7] {
        let site = Site::new();
        let items = site.items(&["a", "b", "c", "d"]);
        let (enough, short) = (users("u", k), users("v", k - 1));
        let mut rows = pair_rows(&enough, "a", "b", 1000);
        rows.extend(pair_rows(&short, "c", "d", 1000));
        let events = site.events(&rows);
        let k_arg = k.to_string();
        let extra: Vec<&str> = if k == 5 { vec![] } else { vec!["--k", &k_arg] }; // 5 is the default
        let doc = site.build(&events, &items, &extra);
        assert_eq!(ids(&list(&doc, "a", "related")), ["b"], "k = {k}");
        assert_eq!(ids(&list(&doc, "b", "related")), ["a"], "k = {k}");
        assert_eq!(ids(&list(&doc, "a", "next")), ["b"], "k = {k}");
        assert!(
            list(&doc, "c", "related").is_empty(),
            "k = {k}: a pair of k - 1 users is published"
        );
        assert!(
            list(&doc, "c", "next").is_empty(),
            "k = {k}: a transition of k - 1 users is published"
        );
        // popularity is published for every item, thresholds are for pairs
        assert_eq!(popularity(&doc, "c"), (k - 1) as i64);
        assert_eq!(popularity(&doc, "a"), k as i64);
    }
}

#[test]
fn repeated_events_of_one_user_count_once() {
    let site = Site::new();
    let items = site.items(&["a", "b"]);
    // four users share a-b once; one user does it 50 times: still 5 users
    let few = users("u", 4);
    let mut rows = pair_rows(&few, "a", "b", 1000);
    for t in 0..50 {
        rows.extend([
            ("heavy", "a", 2000 + 2 * t, "view"),
            ("heavy", "b", 2001 + 2 * t, "view"),
        ]);
    }
    let doc = site.build(&site.events(&rows), &items, &["--k", "6"]);
    assert!(list(&doc, "a", "related").is_empty());
    assert_eq!(popularity(&doc, "a"), 5);
    let doc = site.build(&site.events(&rows), &items, &["--k", "5"]);
    assert_eq!(ids(&list(&doc, "a", "related")), ["b"]);
}

#[test]
fn only_each_users_most_recent_positive_events_count() {
    let site = Site::new();
    let items = site.items(&["old", "new", "disliked"]);
    let people = users("u", 6);
    let mut rows: Vec<Row<'_>> = Vec::new();
    for u in &people {
        // equal timestamps for old and new: the later row is the more recent
        rows.extend([
            (u.as_str(), "old", 500, "click"),
            (u.as_str(), "new", 500, "purchase"),
            (u.as_str(), "disliked", 900, "dislike"),
        ]);
    }
    let events = site.events(&rows);
    let doc = site.build(&events, &items, &["--max-events-per-user", "1"]);
    assert_eq!(popularity(&doc, "new"), 6);
    assert_eq!(
        popularity(&doc, "old"),
        0,
        "the older event is beyond the cap"
    );
    assert_eq!(
        popularity(&doc, "disliked"),
        0,
        "negative events count for nothing"
    );
    assert!(list(&doc, "new", "related").is_empty());

    let doc = site.build(&events, &items, &["--max-events-per-user", "2"]);
    assert_eq!(
        popularity(&doc, "old"),
        6,
        "a dislike does not use up the allowance"
    );
    assert_eq!(ids(&list(&doc, "new", "related")), ["old"]);
    assert_eq!(list(&doc, "old", "related")[0].1, 1.0);
}

#[test]
fn next_follows_time_then_log_order() {
    let site = Site::new();
    let items = site.items(&["a", "b", "c", "p", "q"]);
    let people = users("u", 5);
    let mut rows: Vec<Row<'_>> = Vec::new();
    for u in &people {
        // written out of time order: the path is a -> b -> c
        rows.extend([
            (u.as_str(), "c", 3000, "view"),
            (u.as_str(), "a", 1000, "view"),
            (u.as_str(), "b", 2000, "like"),
        ]);
        // equal timestamps: the log order decides, p before q
        rows.extend([
            (u.as_str(), "p", 5000, "view"),
            (u.as_str(), "q", 5000, "view"),
        ]);
    }
    let doc = site.build(&site.events(&rows), &items, &[]);
    assert_eq!(ids(&list(&doc, "a", "next")), ["b"]);
    assert_eq!(ids(&list(&doc, "b", "next")), ["c"]);
    assert_eq!(ids(&list(&doc, "c", "next")), ["p"]);
    assert_eq!(ids(&list(&doc, "p", "next")), ["q"]);
    assert!(list(&doc, "q", "next").is_empty());
    assert_eq!(list(&doc, "a", "next")[0].1, 1.0);
}

#[test]
fn next_weight_is_the_share_of_users_leaving_an_item() {
    let site = Site::new();
    let items = site.items(&["a", "b", "c"]);
    let (to_b, to_c) = (users("u", 6), users("v", 9));
    let mut rows = pair_rows(&to_b, "a", "b", 10);
    rows.extend(pair_rows(&to_c, "a", "c", 10));
    let doc = site.build(&site.events(&rows), &items, &[]);
    let next = list(&doc, "a", "next");
    assert_eq!(next, [("c".to_string(), 0.6), ("b".to_string(), 0.4)]);
}

/// A small deterministic generator so the test data is varied but fixed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const KINDS: [&str; 6] = ["view", "click", "purchase", "like", "dislike", "dismiss"];

/// An owned log row: user, item, timestamp, kind.
type OwnedRow = (String, String, i64, &'static str);

fn generated_log(seed: u64) -> (Vec<String>, Vec<OwnedRow>) {
    let mut rng = Lcg(seed);
    let items: Vec<String> = (0..14).map(|i| format!("i{i:02}")).collect();
    let mut rows = Vec::new();
    for u in 0..60 {
        let n = 3 + rng.next(20);
        for _ in 0..n {
            // skewed towards low item numbers, so pairs repeat
            let spread = 1 + rng.next(14);
            let it = rng.next(spread) as usize;
            let ts = 1_000 + rng.next(40) as i64; // many equal timestamps
            let kind = KINDS[if rng.next(5) == 0 {
                4 + rng.next(2) as usize
            } else {
                rng.next(4) as usize
            }];
            rows.push((format!("user{u}"), items[it].clone(), ts, kind));
        }
    }
    (items, rows)
}

/// The published lists, computed the plain way: what the README promises.
struct Expected {
    popularity: BTreeMap<String, i64>,
    related: BTreeMap<String, Vec<(String, f64)>>,
    next: BTreeMap<String, Vec<(String, f64)>>,
}

fn expected(
    rows: &[OwnedRow],
    k: usize,
    (cap, pair_items): (usize, usize),
    related: usize,
    next: usize,
) -> Expected {
    let mut by_user: BTreeMap<&str, Vec<(i64, usize, &str)>> = BTreeMap::new();
    for (seq, (u, i, t, kind)) in rows.iter().enumerate() {
        if !matches!(*kind, "dislike" | "dismiss") {
            by_user.entry(u).or_default().push((*t, seq, i));
        }
    }
    let mut item_users: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    let mut pair_users: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    let mut moves: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    let mut leaving: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (u, evs) in &mut by_user {
        evs.sort();
        let kept = &evs[evs.len().saturating_sub(cap)..];
        let distinct: BTreeSet<&str> = kept.iter().map(|e| e.2).collect();
        for a in &distinct {
            item_users.entry(a).or_default().insert(u);
        }
        // pairs: the user's `pair_items` distinct items used last, by each
        // item's latest event
        let mut latest: Vec<&str> = Vec::new();
        for e in kept.iter().rev() {
            if !latest.contains(&e.2) {
                latest.push(e.2);
            }
        }
        latest.truncate(pair_items);
        for a in &latest {
            for b in &latest {
                if a < b {
                    pair_users.entry((a, b)).or_default().insert(u);
                }
            }
        }
        for w in kept.windows(2) {
            if w[0].2 != w[1].2 {
                moves.entry((w[0].2, w[1].2)).or_default().insert(u);
                leaving.entry(w[0].2).or_default().insert(u);
            }
        }
    }
    let top = |lists: HashMap<&str, Vec<(String, f64)>>,
               n: usize|
     -> BTreeMap<String, Vec<(String, f64)>> {
        lists
            .into_iter()
            .map(|(id, mut l)| {
                l.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                l.truncate(n);
                let mut l: Vec<(String, f64)> = l
                    .into_iter()
                    .map(|(j, w)| (j, (w * 1e6).round() / 1e6))
                    .collect();
                l.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                (id.to_string(), l)
            })
            .filter(|(_, l)| !l.is_empty())
            .collect()
    };
    let mut rel: HashMap<&str, Vec<(String, f64)>> = HashMap::new();
    for ((a, b), us) in &pair_users {
        if us.len() >= k {
            let w = us.len() as f64
                / ((item_users[a].len() as f64) * (item_users[b].len() as f64)).sqrt();
            rel.entry(a).or_default().push((b.to_string(), w));
            rel.entry(b).or_default().push((a.to_string(), w));
        }
    }
    let mut nxt: HashMap<&str, Vec<(String, f64)>> = HashMap::new();
    for ((a, b), us) in &moves {
        if us.len() >= k {
            nxt.entry(a)
                .or_default()
                .push((b.to_string(), us.len() as f64 / leaving[a].len() as f64));
        }
    }
    Expected {
        popularity: item_users
            .iter()
            .map(|(i, us)| (i.to_string(), us.len() as i64))
            .collect(),
        related: top(rel, related),
        next: top(nxt, next),
    }
}

#[test]
fn every_number_matches_a_plain_recomputation() {
    for (seed, k, (cap, pair_items), related, next) in [
        (1u64, 3usize, (8usize, 1000usize), 4usize, 3usize),
        (2, 2, (1000, 1000), 20, 10),
        (3, 4, (3, 1000), 2, 2),
        // the pair bound below the cap, and above it
        (4, 2, (1000, 3), 20, 10),
        (5, 2, (12, 5), 6, 4),
        (6, 2, (4, 6), 6, 4),
    ] {
        let (item_ids, rows) = generated_log(seed);
        let site = Site::new();
        let refs: Vec<&str> = item_ids.iter().map(String::as_str).collect();
        let items = site.items(&refs);
        let row_refs: Vec<Row<'_>> = rows
            .iter()
            .map(|(u, i, t, kind)| (u.as_str(), i.as_str(), *t, *kind))
            .collect();
        let events = site.events(&row_refs);
        let args = [k, cap, related, next, pair_items].map(|n| n.to_string());
        let doc = site.build(
            &events,
            &items,
            &[
                "--k",
                &args[0],
                "--max-events-per-user",
                &args[1],
                "--related",
                &args[2],
                "--next",
                &args[3],
                "--max-pair-items",
                &args[4],
            ],
        );
        let want = expected(&rows, k, (cap, pair_items), related, next);
        let published: Vec<&str> = doc["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().expect("id"))
            .collect();
        assert_eq!(published, refs, "items keep the site's order");
        let mut related_seen = 0;
        for id in &item_ids {
            assert_eq!(
                popularity(&doc, id),
                want.popularity.get(id).copied().unwrap_or(0),
                "seed {seed}: popularity of {id}"
            );
            assert_eq!(
                list(&doc, id, "related"),
                want.related.get(id).cloned().unwrap_or_default(),
                "seed {seed}: related of {id}"
            );
            assert_eq!(
                list(&doc, id, "next"),
                want.next.get(id).cloned().unwrap_or_default(),
                "seed {seed}: next of {id}"
            );
            related_seen += list(&doc, id, "related").len();
        }
        assert!(
            related_seen > 0,
            "seed {seed}: the generated log should publish some pairs"
        );
    }
}
