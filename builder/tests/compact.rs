//! `--out x.odc` / `--format compact`: the compact form written by the
//! builder holds the same catalogue as its JSON, up to the stated rounding of
//! the neighbour weights. `--max-items`: the candidate catalogue.

mod common;

use std::process::Command;

use common::Site;
use ondevice::core::catalogue::Catalogue;

/// A log where 40 people each view a run of related items: enough pairs
/// above k = 2 for every item to have related and next lists.
fn log(site: &Site) -> (std::path::PathBuf, std::path::PathBuf) {
    let ids: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
    let mut items = String::from("id,title,categories,published_at,repeatable\n");
    for (i, id) in ids.iter().enumerate() {
        let cats = if i % 3 == 0 { "fruit|fresh" } else { "bakery" };
        items.push_str(&format!(
            "{id},Product {i},{cats},{},{}\n",
            1_690_000_000_000i64 + i as i64 * 86_400_000,
            i % 4 == 0
        ));
    }
    let mut events = String::from("user,item,timestamp,kind\n");
    let mut state = 7u64;
    for u in 0..40 {
        let start = u % 25;
        for j in 0..6 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let item = (start + j + (state >> 62) as usize) % 30;
            let kind = if (state >> 40).is_multiple_of(5) {
                "purchase"
            } else {
                "view"
            };
            events.push_str(&format!(
                "u{u},p{item},{},{kind}\n",
                1_700_000_000_000i64 + (u * 100 + j) as i64 * 60_000
            ));
        }
    }
    (
        site.write("events.csv", &events),
        site.write("items.csv", &items),
    )
}

fn build(site: &Site, out: &str, extra: &[&str]) -> Vec<u8> {
    let (events, items) = log(site);
    let weights = site.write("weights.json", r#"{"popularity": 0.4, "nextItems": 3}"#);
    let output = Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
        .args(["build", "--quiet", "--k", "2", "--events"])
        .arg(&events)
        .arg("--items")
        .arg(&items)
        .arg("--weights")
        .arg(&weights)
        .arg("--out")
        .arg(site.path(out))
        .args(extra)
        .output()
        .expect("run the builder");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(site.path(out)).expect("output file")
}

#[test]
fn compact_output_is_the_same_catalogue_as_json() {
    let site = Site::new();
    let json = build(&site, "catalogue.json", &[]);
    let (from_json, warnings) = Catalogue::from_json(std::str::from_utf8(&json).unwrap()).unwrap();
    assert!(warnings.is_empty());
    for (out, extra, steps) in [
        ("catalogue.odc", &[][..], 255.0),
        (
            "catalogue.bin",
            &["--format", "compact", "--weight-bits", "16"][..],
            65535.0,
        ),
    ] {
        let bytes = build(&site, out, extra);
        assert_eq!(&bytes[..4], b"ODC2", "{out}");
        assert!(
            bytes.len() * 2 < json.len(),
            "{out}: {} bytes, JSON {}",
            bytes.len(),
            json.len()
        );
        let (c, warnings) = Catalogue::from_compact(&bytes).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(c.categories(), from_json.categories());
        assert_eq!(
            format!("{:?}", c.weights()),
            format!("{:?}", from_json.weights())
        );
        assert!(c.weights().is_some());
        assert_eq!(c.len(), 30);
        let mut edges = 0;
        for list in [Catalogue::related, Catalogue::next] {
            let max = (0..30)
                .flat_map(|i| list(&from_json, i).iter().map(|e| e.weight))
                .fold(0.0f32, f32::max);
            let bound = f64::from(max) / steps / 2.0 * 1.000_01;
            for i in 0..30u32 {
                assert_eq!(c.id(i), from_json.id(i));
                assert_eq!(c.title(i), from_json.title(i));
                assert_eq!(c.item_categories(i), from_json.item_categories(i));
                assert_eq!(c.popularity(i), from_json.popularity(i));
                assert_eq!(c.published_at(i), from_json.published_at(i));
                assert_eq!(c.repeatable(i), from_json.repeatable(i));
                let (a, b) = (list(&from_json, i), list(&c, i));
                assert_eq!(a.len(), b.len(), "{out} item {i}");
                for (x, y) in a.iter().zip(b) {
                    assert_eq!(x.target, y.target);
                    let err = (f64::from(x.weight) - f64::from(y.weight)).abs();
                    assert!(
                        err <= bound,
                        "{out}: {} became {} (bound {bound})",
                        x.weight,
                        y.weight
                    );
                    edges += 1;
                }
            }
        }
        assert!(edges > 100, "the log gives {edges} neighbour entries");
    }
}

#[test]
fn max_items_keeps_the_most_popular_and_every_category() {
    let site = Site::new();
    let full = build(&site, "full.json", &[]);
    let (full, _) = Catalogue::from_json(std::str::from_utf8(&full).unwrap()).unwrap();
    let small = build(&site, "small.odc", &["--max-items", "8"]);
    let (small, _) = Catalogue::from_compact(&small).unwrap();
    assert_eq!(small.len(), 8);
    assert_eq!(small.categories(), full.categories());
    // Every category keeps an item.
    for c in 0..full.categories().len() as u16 {
        assert!(
            (0..8).any(|i| small.item_categories(i).contains(&c)),
            "category {c} lost"
        );
    }
    // Kept: the site's order, and (but for category cover) the most popular.
    let kept: Vec<u32> = (0..8).map(|i| full.item(small.id(i)).unwrap()).collect();
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "{kept:?}");
    let mut by_popularity: Vec<u32> = (0..30).collect();
    by_popularity.sort_by(|&a, &b| {
        full.popularity(b)
            .total_cmp(&full.popularity(a))
            .then(a.cmp(&b))
    });
    let top: Vec<u32> = by_popularity[..6].to_vec();
    let missed = top.iter().filter(|i| !kept.contains(i)).count();
    assert!(missed <= 2, "kept {kept:?}, most popular {top:?}");
    // Neighbours only among the kept items, and lists no longer than asked.
    let mut entries = 0;
    for i in 0..8u32 {
        assert!(
            small.related(i).len() <= 20 && small.next(i).len() <= 10,
            "the default lengths"
        );
        entries += small.related(i).len();
    }
    assert!(entries > 8, "{entries} related entries among 8 items");
    // Refused: 0.
    let (events, items) = log(&site);
    let output = Command::new(env!("CARGO_BIN_EXE_ondevice-builder"))
        .args(["build", "--quiet", "--max-items", "0", "--events"])
        .arg(&events)
        .arg("--items")
        .arg(&items)
        .arg("--out")
        .arg(site.path("zero.json"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--max-items"));
}
