//! Mutations of corpus entries: byte-level (flips, interesting bytes and
//! tokens, deletions, duplications, splices) and structure-aware (parse the
//! JSON, change one node, print it again), so that most inputs get past the
//! parser and reach validation, while some still test the parser itself.

use serde_json::{Map, Value};

use crate::rng::Rng;

/// Inputs are cut to this size after mutation. Large enough for strings
/// past every length limit and lists past every count limit but the item
/// count; the 10^6-item and 64 MiB cases are in `tests/hostile/`, where one
/// run each is enough.
pub const MAX_INPUT: usize = 64 * 1024;

/// Field names the decoders know, so that inserted keys are often meaningful.
const KEYS: &[&str] = &[
    "version",
    "categories",
    "items",
    "id",
    "label",
    "sensitive",
    "title",
    "popularity",
    "publishedAt",
    "repeatable",
    "related",
    "next",
    "weight",
    "preferences",
    "history",
    "privacy",
    "changedAt",
    "epoch",
    "events",
    "folded",
    "foldedCounts",
    "impressions",
    "day",
    "counts",
    "item",
    "kind",
    "at",
    "personalization",
    "variety",
    "frequencyCap",
    "historyConsent",
    "retentionDays",
    "shareStatistics",
    "blocked",
    "format",
    "data",
    "exportedAt",
    "profile",
    "periodStart",
    "spent",
    "memo",
    "input",
    "report",
    "limit",
    "context",
    "itemId",
    "exclude",
    "ops",
    "op",
    "arg",
    "stored",
    "now",
    "quota",
    "__proto__",
    "constructor",
    "prototype",
    "",
];

/// JSON texts that often break validators.
const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "-0.5",
    "1.0000001",
    "2",
    "3",
    "100",
    "101",
    "365",
    "366",
    "1000",
    "1001",
    "255",
    "256",
    "257",
    "65535",
    "65536",
    "1e15",
    "1.0000000000000002e15",
    "1e308",
    "-1e308",
    "5e-324",
    "-5e-324",
    "1e-400",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "-9223372036854775809",
    "8.64e15",
    "8640000000000001",
    "1700000000000",
    "4294967295",
    "4294967296",
    "\"\"",
    "\" \"",
    "\"m1\"",
    "\"m2\"",
    "\"a\"",
    "\"sci-fi\"",
    "\"health\"",
    "\"view\"",
    "\"like\"",
    "\"dismiss\"",
    "\"purchase\"",
    "\"__proto__\"",
    "\"constructor\"",
    "\"prototype\"",
    "\"caf\\u00e9\"",
    "\"cafe\\u0301\"",
    "\"\\u0000\"",
    "\"\\ufeffm1\"",
    "\"m1\\u200b\"",
    "\"ondevice-export\"",
    "\"local\"",
    "\"memory\"",
    "[]",
    "{}",
    "[null]",
    "[\"m1\",\"m1\"]",
    "{\"__proto__\":{}}",
    "{\"id\":\"m1\",\"weight\":1}",
    "{\"item\":\"m1\",\"kind\":\"view\",\"at\":1700000000000}",
];

/// Raw tokens for byte-level insertion (some are not JSON on purpose).
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-",
    ".",
    "e",
    "E+",
    "00",
    "0x10",
    "\u{0}",
    "\u{feff}",
    "\u{fffd}",
    "é",
    "\u{1F600}",
    "\"version\":2,",
    "\"version\":1,",
    "\"id\":\"m1\",",
    "//",
    "/*",
    "\r\n",
    "\t",
];

pub fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    // Mostly one change, so that most inputs stay close to valid.
    let rounds = if rng.chance(4) { 1 + rng.below(4) } else { 1 };
    let mut out = input.to_vec();
    for _ in 0..rounds {
        out = if rng.chance(3) {
            bytes(rng, out, corpus)
        } else {
            structured(rng, out, corpus)
        };
    }
    out.truncate(MAX_INPUT);
    out
}

fn bytes(rng: &mut Rng, mut b: Vec<u8>, corpus: &[Vec<u8>]) -> Vec<u8> {
    let at = rng.below(b.len() + 1);
    match rng.below(8) {
        0 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 if !b.is_empty() => {
            let i = rng.below(b.len());
            b[i] = *rng.pick(b"\0\"\\{}[],:0-9eE.\x7f\xff\xc3\xa9 ");
        }
        2 => {
            let token = rng.pick(TOKENS).as_bytes();
            b.splice(at..at, token.iter().copied());
        }
        3 if at < b.len() => {
            let len = rng.size(b.len() - at);
            b.drain(at..at + len);
        }
        4 if !b.is_empty() => {
            // Duplicate a range (repeated keys, repeated list entries).
            let start = rng.below(b.len());
            let end = (start + rng.size(64)).min(b.len());
            let chunk = b[start..end].to_vec();
            let times = rng.size(16);
            for _ in 0..times {
                b.splice(at..at, chunk.iter().copied());
            }
        }
        5 if !corpus.is_empty() => {
            // Splice: our head, another entry's tail.
            let other = rng.pick(corpus);
            let from = rng.below(other.len() + 1);
            b.truncate(at);
            b.extend_from_slice(&other[from..]);
        }
        6 => b.truncate(at),
        _ => {
            let v = rng.pick(VALUES).as_bytes();
            b.splice(at..at, v.iter().copied());
        }
    }
    b
}

fn structured(rng: &mut Rng, b: Vec<u8>, corpus: &[Vec<u8>]) -> Vec<u8> {
    let Ok(mut doc) = serde_json::from_slice::<Value>(&b) else {
        return bytes(rng, b, corpus);
    };
    let mut paths = Vec::new();
    collect_paths(&doc, &mut Vec::new(), &mut paths, 0);
    let path = rng.pick(&paths).clone();
    let donor = donor_value(rng, corpus);
    if let Some(node) = node_at(&mut doc, &path) {
        change(rng, node, donor);
    }
    serde_json::to_vec(&doc).unwrap_or(b)
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn collect_paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>, depth: usize) {
    out.push(here.clone());
    if depth > 24 || out.len() > 4096 {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(Step::Key(k.clone()));
                collect_paths(child, here, out, depth + 1);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate().take(64) {
                here.push(Step::Index(i));
                collect_paths(child, here, out, depth + 1);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_at<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = v;
    for step in path {
        node = match (step, node) {
            (Step::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// A random subtree of another corpus entry, for cross-over.
fn donor_value(rng: &mut Rng, corpus: &[Vec<u8>]) -> Option<Value> {
    if corpus.is_empty() || !rng.chance(4) {
        return None;
    }
    let text: &Vec<u8> = rng.pick(corpus);
    let mut doc: Value = serde_json::from_slice(text).ok()?;
    let mut paths = Vec::new();
    collect_paths(&doc, &mut Vec::new(), &mut paths, 0);
    let path = rng.pick(&paths).clone();
    node_at(&mut doc, &path).map(Value::take)
}

fn interesting(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => Value::String("x".repeat(rng.size(60_000))),
        1 => Value::String(
            rng.pick(&["é", "e\u{301}", "\u{0}", "𝒳", "a b", "-"])
                .repeat(rng.size(300)),
        ),
        2 => {
            let depth = *rng.pick(&[127usize, 128, 129, 200, 1000]);
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            serde_json::from_str(&text).unwrap_or(Value::Null)
        }
        _ => {
            let text: &&str = rng.pick(VALUES);
            serde_json::from_str(text).unwrap_or(Value::Null)
        }
    }
}

fn change(rng: &mut Rng, node: &mut Value, donor: Option<Value>) {
    if let Some(d) = donor {
        *node = d;
        return;
    }
    match node {
        Value::Object(m) if !m.is_empty() && rng.chance(3) => {
            let k = m
                .keys()
                .nth(rng.below(m.len()))
                .cloned()
                .unwrap_or_default();
            m.remove(&k);
        }
        Value::Object(m) if rng.chance(2) => {
            m.insert(rng.pick(KEYS).to_string(), interesting(rng));
        }
        Value::Array(a) if !a.is_empty() && rng.chance(2) => {
            let i = rng.below(a.len());
            match rng.below(3) {
                0 => {
                    a.remove(i);
                }
                1 => {
                    // Grow a list past its limit now and then, but not past
                    // what survives the cut to MAX_INPUT (a 60 KB string
                    // repeated 10,001 times is 600 MB of mutator garbage).
                    let copy = a[i].clone();
                    let size = copy.to_string().len() + 1;
                    let n = (*rng.pick(&[
                        1usize, 2, 15, 16, 17, 99, 100, 101, 255, 256, 257, 2001, 10_001,
                    ]))
                    .min(MAX_INPUT / size + 1);
                    for _ in 0..n {
                        a.push(copy.clone());
                    }
                }
                _ => {
                    let j = rng.below(a.len());
                    a.swap(i, j);
                }
            }
        }
        Value::Number(n) if rng.chance(2) => {
            let x = n.as_f64().unwrap_or(0.0);
            let y = match rng.below(5) {
                0 => -x,
                1 => x + 1.0,
                2 => x - 1.0,
                3 => x * 2.0,
                _ => x / 3.0,
            };
            *node = serde_json::Number::from_f64(y).map_or(Value::Null, Value::Number);
        }
        Value::String(s) if rng.chance(2) => match rng.below(4) {
            0 => {
                let tail: &&str = rng.pick(&["x", " ", "é", "\u{301}", "\u{200b}"]);
                s.push_str(tail);
            }
            1 => s.clear(),
            2 => *s = s.repeat(rng.size(1000).min(MAX_INPUT / (s.len() + 1) + 1)),
            _ => {
                *s = rng
                    .pick(&[
                        "m1", "m2", "m3", "a", "sci-fi", "drama", "health", "view", "like",
                    ])
                    .to_string()
            }
        },
        _ => {
            *node = if rng.chance(8) {
                Value::Object(Map::new())
            } else {
                interesting(rng)
            }
        }
    }
}
