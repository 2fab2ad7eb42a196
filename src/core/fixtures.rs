//! Catalogues for tests: a small hand-written one and random ones for
//! property tests.

use serde_json::{json, Value};

pub const NOW: i64 = 1_750_000_000_000;

/// Six films in three categories plus one sensitive category.
pub fn films() -> Value {
    json!({
        "version": 1,
        "categories": [
            { "id": "sci-fi", "label": "Sci-Fi" },
            { "id": "drama", "label": "Drama" },
            { "id": "comedy", "label": "Comedy" },
            { "id": "health", "label": "Health", "sensitive": true }
        ],
        "items": [
            { "id": "m1", "title": "Alien", "categories": ["sci-fi"], "popularity": 400,
              "related": [ { "id": "m2", "weight": 0.6 }, { "id": "m4", "weight": 0.2 } ],
              "next": [ { "id": "m3", "weight": 0.5 } ] },
            { "id": "m2", "title": "Aliens", "categories": ["sci-fi"], "popularity": 300,
              "related": [ { "id": "m1", "weight": 0.6 } ] },
            { "id": "m3", "title": "Solaris", "categories": ["sci-fi", "drama"], "popularity": 100 },
            { "id": "m4", "title": "Amelie", "categories": ["comedy", "drama"], "popularity": 500 },
            { "id": "m5", "title": "Heat", "categories": ["drama"], "popularity": 450, "repeatable": true },
            { "id": "m6", "title": "Fit at forty", "categories": ["health"], "popularity": 50,
              "related": [ { "id": "m1", "weight": 0.9 } ] }
        ]
    })
}

/// A random catalogue: `n` items, `k` categories (the last sensitive),
/// random popularity and neighbours, from a simple seeded generator.
pub fn random(seed: u64, n: usize, k: usize) -> Value {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m.max(1)
    };
    let categories: Vec<Value> = (0..k).map(|c| json!({ "id": format!("c{c}"), "label": format!("C{c}"), "sensitive": c + 1 == k && k > 1 })).collect();
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let a = next(k as u64);
            let b = next(k as u64);
            let cats: Vec<String> = if a == b { vec![format!("c{a}")] } else { vec![format!("c{a}"), format!("c{b}")] };
            let related: Vec<Value> = (0..next(4)).map(|_| json!({ "id": format!("i{}", next(n as u64)), "weight": next(100) as f64 / 100.0 })).collect();
            let nexts: Vec<Value> = (0..next(3)).map(|_| json!({ "id": format!("i{}", next(n as u64)), "weight": next(100) as f64 / 100.0 })).collect();
            json!({ "id": format!("i{i}"), "categories": cats, "popularity": next(1000), "related": related, "next": nexts })
        })
        .collect();
    json!({ "version": 1, "categories": categories, "items": items })
}

/// An export without its bookkeeping (`exportedAt`, `data.epoch`): what a
/// round trip must preserve.
pub fn person_data(export: &str) -> Value {
    let mut export: Value = serde_json::from_str(export).unwrap_or(Value::Null);
    if let Some(o) = export.as_object_mut() {
        o.remove("exportedAt");
    }
    if let Some(d) = export.get_mut("data").and_then(Value::as_object_mut) {
        d.remove("epoch");
    }
    export
}
