//! Tunes the site weights (`weights::SITE_WEIGHTS`) on the quality benchmark's
//! validation split by replaying each user's training history through the
//! core, as `bench/quality/replay.mjs` does through the package: timestamps
//! shifted so the last event is a minute ago, events outside the 90-day
//! window not replayed, top k ranked with the package's defaults (seen items
//! left out by the core itself, nothing passed as `exclude`). Coordinate
//! search on validation NDCG@k over the users' targets (one or several per
//! user); test targets are never read. Writes the best weights as the JSON
//! object that `ondevice-builder build --weights` publishes.
//!
//! ```sh
//! bash bench/quality/run.sh --dataset retail --validation      # writes data/quality/retail/validation/
//! cargo run --release --example tune_weights -- data/quality/retail/validation 20 weights.json [ROUNDS, default 2]
//! ```
//! DIR holds catalogue.json, events.csv and targets.csv (`user,item`, a row
//! per target; run.py writes it).

use std::collections::{BTreeMap, HashSet};
use std::fs;

use ondevice::core::weights::{Weights, SITE_WEIGHT_NAMES};
use ondevice::core::{MemoryStore, Personalizer};
use serde_json::json;

const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;
const WINDOW: i64 = 90 * DAY - 10 * 60_000;

struct User {
    events: Vec<(String, String, i64)>,
    targets: HashSet<String>,
}

fn load(dir: &str) -> Result<(String, Vec<User>), String> {
    let read =
        |f: &str| fs::read_to_string(format!("{dir}/{f}")).map_err(|e| format!("{dir}/{f}: {e}"));
    let catalogue = read("catalogue.json")?;
    let mut events: BTreeMap<String, Vec<(String, String, i64)>> = BTreeMap::new();
    for line in read("events.csv")?.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [user, item, ts, kind] = f.as_slice() else {
            return Err(format!("events.csv: bad line {line}"));
        };
        let ts: i64 = ts.parse().map_err(|e| format!("events.csv: {line}: {e}"))?;
        events
            .entry(user.to_string())
            .or_default()
            .push((item.to_string(), kind.to_string(), ts));
    }
    let mut targets: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for line in read("targets.csv")?.lines().skip(1) {
        let Some((user, item)) = line.split_once(',') else {
            return Err(format!("targets.csv: bad line {line}"));
        };
        targets
            .entry(user.to_string())
            .or_default()
            .insert(item.to_string());
    }
    let users = targets
        .into_iter()
        .map(|(user, targets)| {
            let mut events = events.remove(&user).unwrap_or_default();
            events.sort_by_key(|e| e.2);
            User { events, targets }
        })
        .collect();
    Ok((catalogue, users))
}

/// Mean NDCG@k of `weights` over all users.
fn evaluate(catalogue: &str, users: &[User], k: usize, weights: Weights) -> Result<f64, String> {
    let mut p =
        Personalizer::open(MemoryStore::default(), "tune", NOW).map_err(|e| e.to_string())?;
    p.load_catalogue(catalogue).map_err(|e| e.to_string())?;
    p.set_weights(weights);
    let discount = |pos: usize| 1.0 / ((pos as f64) + 2.0).log2();
    let mut total = 0.0;
    for u in users {
        p.forget(NOW).map_err(|e| e.to_string())?;
        p.set_preferences(r#"{"historyConsent": true}"#, NOW)
            .map_err(|e| e.to_string())?;
        let last = u.events.iter().map(|e| e.2).max().unwrap_or(0);
        let shift = NOW - 60_000 - last;
        for (item, kind, at) in &u.events {
            let at = at + shift;
            if at >= NOW - WINDOW {
                p.record(
                    &json!({ "itemId": item, "kind": kind, "at": at }).to_string(),
                    NOW,
                )
                .map_err(|e| e.to_string())?;
            }
        }
        let top = p
            .rank(&json!({ "limit": k }).to_string(), NOW)
            .map_err(|e| e.to_string())?;
        let dcg: f64 = top
            .iter()
            .enumerate()
            .filter(|(_, r)| u.targets.contains(&r.id))
            .map(|(pos, _)| discount(pos))
            .sum();
        let ideal: f64 = (0..u.targets.len().min(k)).map(discount).sum();
        total += dcg / ideal;
    }
    Ok(total / users.len().max(1) as f64)
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, k, out, rounds) = match args.as_slice() {
        [_, dir, k, out] => (dir, k, out, "2"),
        [_, dir, k, out, rounds] => (dir, k, out, rounds.as_str()),
        _ => return Err("usage: tune_weights DIR K OUT.json [ROUNDS] (DIR with catalogue.json, events.csv, targets.csv)".into()),
    };
    let k: usize = k.parse().map_err(|e| format!("K: {e}"))?;
    let rounds: u32 = rounds.parse().map_err(|e| format!("ROUNDS: {e}"))?;
    let (catalogue, users) = load(dir)?;
    let mut best = Weights::DEFAULT;
    let mut best_ndcg = evaluate(&catalogue, &users, k, best)?;
    println!("default: NDCG@{k} {best_ndcg:.4} ({} users)", users.len());
    type Set = fn(&mut Weights, f64);
    let axes: [(&str, &[f64], Set); 7] = [
        ("related", &[0.5, 1.0, 2.0, 3.0, 4.0], |w, x| w.related = x),
        ("next", &[0.0, 0.5, 1.0, 2.0, 3.0], |w, x| w.next = x),
        ("interest", &[0.0, 0.25, 0.5, 1.0, 2.0], |w, x| {
            w.interest = x
        }),
        ("popularity", &[0.0, 0.1, 0.25, 0.5, 1.0], |w, x| {
            w.popularity = x
        }),
        ("recencyDecay", &[0.8, 0.9, 0.95, 0.98, 1.0], |w, x| {
            w.recency_decay = x
        }),
        ("recentItems", &[10.0, 20.0, 50.0, 100.0], |w, x| {
            w.recent_items = x as usize
        }),
        ("nextItems", &[1.0, 3.0, 5.0], |w, x| {
            w.next_items = x as usize
        }),
    ];
    for round in 1..=rounds {
        for (name, grid, set) in &axes {
            for &x in *grid {
                let mut w = best;
                set(&mut w, x);
                let ndcg = evaluate(&catalogue, &users, k, w)?;
                let better = ndcg > best_ndcg + 1e-12;
                println!(
                    "round {round} {name} = {x}: NDCG@{k} {ndcg:.4}{}",
                    if better { "  best so far" } else { "" }
                );
                if better {
                    best = w;
                    best_ndcg = ndcg;
                }
            }
        }
    }
    let fields: serde_json::Map<String, serde_json::Value> = SITE_WEIGHT_NAMES
        .iter()
        .enumerate()
        .filter(|&(i, _)| best.site(i) != Weights::DEFAULT.site(i))
        .map(|(i, name)| (name.to_string(), json!(best.site(i))))
        .collect();
    let text = serde_json::to_string_pretty(&fields).map_err(|e| e.to_string())? + "\n";
    fs::write(out, &text).map_err(|e| format!("{out}: {e}"))?;
    println!("best: NDCG@{k} {best_ndcg:.4}; wrote {out}: {text}");
    Ok(())
}
