//! Tunes `Weights` on the quality benchmark's validation split by replaying
//! each user's training history through the core, exactly as
//! `bench/quality/replay.mjs` does through the package (timestamps shifted so
//! the last event is a minute ago; events outside the 90-day window not
//! replayed but excluded; top 10 over unseen items). Coordinate search on
//! validation NDCG@10; test items are never read.
//!
//! ```sh
//! bash bench/quality/run.sh --validation          # writes data/quality/validation/
//! bench/quality/.venv/bin/python bench/quality/write_targets.py validation data/quality/validation/targets.csv
//! cargo run --release --example tune_weights -- data/quality/validation
//! ```

use std::collections::BTreeMap;
use std::fs;

use ondevice::core::rank::Weights;
use ondevice::core::{MemoryStore, Personalizer};
use serde_json::json;

const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;
const WINDOW: i64 = 90 * DAY - 10 * 60_000;

struct User {
    events: Vec<(String, i64)>,
    target: String,
}

fn load(dir: &str) -> Result<(String, Vec<User>), String> {
    let read =
        |f: &str| fs::read_to_string(format!("{dir}/{f}")).map_err(|e| format!("{dir}/{f}: {e}"));
    let catalogue = read("catalogue.json")?;
    let mut events: BTreeMap<String, Vec<(String, i64)>> = BTreeMap::new();
    for line in read("events.csv")?.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let [user, item, ts, _] = f.as_slice() else {
            return Err(format!("events.csv: bad line {line}"));
        };
        let ts: i64 = ts.parse().map_err(|e| format!("events.csv: {line}: {e}"))?;
        events
            .entry(user.to_string())
            .or_default()
            .push((item.to_string(), ts));
    }
    let mut users = Vec::new();
    for line in read("targets.csv")?.lines().skip(1) {
        let Some((user, item)) = line.split_once(',') else {
            return Err(format!("targets.csv: bad line {line}"));
        };
        let evs = events.remove(user).unwrap_or_default();
        users.push(User {
            events: evs,
            target: item.to_string(),
        });
    }
    Ok((catalogue, users))
}

/// (HR@10, NDCG@10) of `weights` over all users.
fn evaluate(catalogue: &str, users: &[User], weights: Weights) -> Result<(f64, f64), String> {
    let mut p =
        Personalizer::open(MemoryStore::default(), "tune", NOW).map_err(|e| e.to_string())?;
    p.load_catalogue(catalogue).map_err(|e| e.to_string())?;
    p.set_weights(weights);
    let (mut hits, mut ndcg) = (0.0, 0.0);
    for u in users {
        p.forget(NOW).map_err(|e| e.to_string())?;
        p.set_preferences(r#"{"historyConsent": true}"#, NOW)
            .map_err(|e| e.to_string())?;
        let last = u.events.iter().map(|e| e.1).max().unwrap_or(0);
        let shift = NOW - 60_000 - last;
        for (item, at) in &u.events {
            let at = at + shift;
            if at >= NOW - WINDOW {
                p.record(
                    &json!({ "itemId": item, "kind": "view", "at": at }).to_string(),
                    NOW,
                )
                .map_err(|e| e.to_string())?;
            }
        }
        let seen: Vec<&str> = u.events.iter().map(|e| e.0.as_str()).collect();
        let top = p
            .rank(&json!({ "limit": 10, "exclude": seen }).to_string(), NOW)
            .map_err(|e| e.to_string())?;
        if let Some(pos) = top.iter().position(|r| r.id == u.target) {
            hits += 1.0;
            ndcg += 1.0 / ((pos as f64) + 2.0).log2();
        }
    }
    let n = users.len() as f64;
    Ok((hits / n, ndcg / n))
}

fn main() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: tune_weights DIR (with catalogue.json, events.csv, targets.csv)")?;
    let (catalogue, users) = load(&dir)?;
    let mut best = Weights::DEFAULT;
    let (hr, mut best_ndcg) = evaluate(&catalogue, &users, best)?;
    println!(
        "default: HR@10 {hr:.4} NDCG@10 {best_ndcg:.4} ({} users)",
        users.len()
    );
    type Set = fn(&mut Weights, f64);
    let axes: [(&str, &[f64], Set); 7] = [
        ("related", &[0.5, 1.0, 2.0, 3.0, 4.0, 6.0], |w, x| {
            w.related = x
        }),
        ("next", &[0.0, 0.5, 1.0, 2.0, 3.0], |w, x| w.next = x),
        ("interest", &[0.0, 0.25, 0.5, 1.0], |w, x| w.interest = x),
        ("popularity", &[0.25, 0.5, 1.0, 1.5, 2.0], |w, x| {
            w.popularity = x
        }),
        ("recency_decay", &[0.7, 0.8, 0.9, 0.95, 0.98], |w, x| {
            w.recency_decay = x
        }),
        ("recent_items", &[10.0, 20.0, 50.0, 100.0], |w, x| {
            w.recent_items = x as usize
        }),
        ("next_items", &[1.0, 2.0, 3.0, 5.0], |w, x| {
            w.next_items = x as usize
        }),
    ];
    for round in 1..=2 {
        for (name, grid, set) in &axes {
            for &x in *grid {
                let mut w = best;
                set(&mut w, x);
                let (hr, ndcg) = evaluate(&catalogue, &users, w)?;
                let better = ndcg > best_ndcg + 1e-12;
                println!(
                    "round {round} {name} = {x}: HR@10 {hr:.4} NDCG@10 {ndcg:.4}{}",
                    if better { "  best so far" } else { "" }
                );
                if better {
                    best = w;
                    best_ndcg = ndcg;
                }
            }
        }
    }
    println!("best: NDCG@10 {best_ndcg:.4} with {best:?}");
    Ok(())
}
