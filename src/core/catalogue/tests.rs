use super::*;
use crate::core::fixtures;
use serde_json::json;

fn load(v: &serde_json::Value) -> Result<(Catalogue, Vec<Warning>)> {
    Catalogue::from_json(&v.to_string())
}

fn err_path(v: serde_json::Value) -> String {
    match load(&v) {
        Ok(_) => panic!("accepted: {v}"),
        Err(e) => {
            assert!(e.to_string().starts_with(e.path()), "{e}");
            e.path().to_string()
        }
    }
}

#[test]
fn loads_the_sample_and_interns_everything() {
    let (c, warnings) = load(&fixtures::films()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.len(), 6);
    let m1 = c.item("m1").unwrap();
    assert_eq!(c.title(m1), "Alien");
    assert_eq!(c.related(m1).len(), 2);
    assert_eq!(c.next(m1)[0].target, c.item("m3").unwrap());
    assert_eq!(c.item_categories(c.item("m3").unwrap()).len(), 2);
    assert!(c.repeatable(c.item("m5").unwrap()));
    assert_eq!(c.max_popularity(), 500.0);
    assert!(
        c.category_at(c.category("health").unwrap())
            .unwrap()
            .sensitive
    );
}

#[test]
fn unknown_references_are_dropped_and_counted() {
    let mut v = fixtures::films();
    v["items"][0]["related"] = json!([{ "id": "nope", "weight": 0.1 }, { "id": "m1", "weight": 0.2 }, { "id": "m2", "weight": 0.3 }, { "id": "m2", "weight": 0.4 }]);
    v["items"][1]["next"] = json!([{ "id": "gone", "weight": 0.1 }]);
    let (c, warnings) = load(&v).unwrap();
    let codes: Vec<(&str, usize)> = warnings.iter().map(|w| (w.code, w.count)).collect();
    assert_eq!(
        codes,
        vec![
            ("unknownReference", 2),
            ("selfReference", 1),
            ("duplicateReference", 1)
        ]
    );
    assert!(
        warnings[0]
            .message
            .contains("catalogue.items[0].related[0].id \"nope\""),
        "{}",
        warnings[0].message
    );
    let m1 = c.item("m1").unwrap();
    assert_eq!(
        c.related(m1),
        &[Edge {
            target: c.item("m2").unwrap(),
            weight: 0.3
        }]
    );
}

#[test]
fn errors_name_the_path() {
    let base = fixtures::films();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = base.clone();
        f(&mut v);
        v
    };
    assert_eq!(
        err_path(with(&|v| v["version"] = json!(2))),
        "catalogue.version"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][3]["categories"][1] = json!("scifi"))),
        "catalogue.items[3].categories[1]"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][2]["id"] = json!("m1"))),
        "catalogue.items[2].id"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][2]["id"] = json!(""))),
        "catalogue.items[2].id"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][1]["popularity"] = json!(-1))),
        "catalogue.items[1].popularity"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][1]["popularity"] = json!(null))),
        "catalogue.items[1].popularity"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][1]["popularity"] = json!("many"))),
        "catalogue.items[1].popularity"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][1]["popularity"] = json!(1e300))),
        "catalogue.items[1].popularity"
    );
    assert_eq!(
        err_path(with(
            &|v| v["items"][0]["related"][0]["weight"] = json!(-0.5)
        )),
        "catalogue.items[0].related[0].weight"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][0]["publishedAt"] = json!(1e20))),
        "catalogue.items[0].publishedAt"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][0]["publishedAt"] = json!(-1e20))),
        "catalogue.items[0].publishedAt"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][0]["publishedAt"] = json!(null))),
        "catalogue.items[0].publishedAt"
    );
    assert_eq!(
        err_path(with(&|v| v["items"][0]["title"] = json!("t".repeat(600)))),
        "catalogue.items[0].title"
    );
    assert_eq!(
        err_path(with(&|v| v["categories"][1]["id"] = json!("sci-fi"))),
        "catalogue.categories[1].id"
    );
    assert_eq!(
        err_path(with(&|v| v["categories"][1]["label"] = json!(""))),
        "catalogue.categories[1].label"
    );
    assert_eq!(
        err_path(with(&|v| {
            v.as_object_mut().unwrap().remove("items");
        })),
        "catalogue.items"
    );
    assert_eq!(
        err_path(with(
            &|v| v["items"][4]["categories"] = json!(["drama", "drama"])
        )),
        "catalogue.items[4].categories[1]"
    );
}

#[test]
fn a_long_version_is_cut_in_the_message() {
    let mut v = fixtures::films();
    v["version"] = json!("x".repeat(100_000));
    let e = load(&v).unwrap_err();
    assert_eq!(e.path(), "catalogue.version");
    assert!(e.to_string().len() < 200, "{e}");
    assert!(
        e.to_string().contains("(100002 bytes) is not supported"),
        "{e}"
    );
}

#[test]
fn unknown_category_message_lists_known_ones() {
    let mut v = fixtures::films();
    v["items"][41 % 6]["categories"][0] = json!("scifi");
    let e = load(&v).unwrap_err().to_string();
    assert!(
        e.contains("unknown category \"scifi\"; known: sci-fi, drama, comedy, health"),
        "{e}"
    );
}

#[test]
fn limits_are_enforced_while_parsing() {
    let items: Vec<_> = (0..=MAX_ITEMS)
        .map(|i| json!({ "id": format!("i{i}") }))
        .collect();
    let v = json!({ "version": 1, "categories": [], "items": items });
    let e = load(&v).unwrap_err();
    assert_eq!(e.path(), "catalogue.items");
    assert!(e.to_string().contains("more than 200000 entries"), "{e}");

    let mut v = fixtures::films();
    v["items"][0]["related"] = json!((0..=MAX_NEIGHBOURS)
        .map(|_| json!({ "id": "m2", "weight": 0.1 }))
        .collect::<Vec<_>>());
    assert_eq!(load(&v).unwrap_err().path(), "catalogue.items[0].related");

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Catalogue::from_json(&deep).is_err());
    assert!(Catalogue::from_json(&" ".repeat(MAX_CATALOGUE_BYTES + 1))
        .unwrap_err()
        .to_string()
        .contains("bytes"));
}

#[test]
fn dates_before_1970_are_accepted() {
    let mut v = fixtures::films();
    v["items"][0]["publishedAt"] = json!(-1_262_304_000_000.0); // 1930
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.published_at(0), Some(-1_262_304_000_000.0));
}

#[test]
fn negative_zero_and_extra_fields_are_fine() {
    let mut v = fixtures::films();
    v["items"][0]["popularity"] = json!(-0.0);
    v["items"][0]["image"] = json!("https://example.com/a.png");
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.popularity(0), 0.0);
    assert!(c.popularity(0).is_sign_positive());
}

#[test]
fn hostile_keys_are_plain_data() {
    let v = json!({ "version": 1, "categories": [{ "id": "__proto__", "label": "P" }, { "id": "constructor", "label": "C" }],
                    "items": [{ "id": "__proto__", "categories": ["constructor"] }] });
    let (c, _) = load(&v).unwrap();
    assert_eq!(c.item("__proto__"), Some(0));
}

fn compact_of(v: &serde_json::Value) -> Vec<u8> {
    load(v).unwrap().0.to_compact(CompactForm::Version1)
}

/// Everything a catalogue exposes, for comparing two of them.
fn dump(c: &Catalogue) -> String {
    let mut s = format!("{:?} {}\n", c.categories(), c.max_popularity());
    for i in 0..c.len() as u32 {
        s.push_str(&format!(
            "{} {} {:?} {} {:?} {} {:?} {:?}\n",
            c.id(i),
            c.title(i),
            c.item_categories(i),
            c.popularity(i),
            c.published_at(i),
            c.repeatable(i),
            c.related(i),
            c.next(i)
        ));
        assert_eq!(c.item(c.id(i)), Some(i));
    }
    s
}

#[test]
fn compact_round_trips_to_the_same_catalogue() {
    let mut films = fixtures::films();
    films["items"][2]["publishedAt"] = json!(1_700_000_000_000u64);
    films["items"][3]["title"] = json!("Am\u{e9}lie \"quoted\"");
    for v in [
        fixtures::random(3, 200, 7),
        films,
        fixtures::random(4, 0, 0),
        json!({ "version": 1, "categories": [], "items": [{ "id": "solo" }] }),
    ] {
        let (c, _) = load(&v).unwrap();
        let bytes = c.to_compact(CompactForm::Version1);
        let (d, warnings) = Catalogue::from_compact(&bytes).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(dump(&c), dump(&d));
        assert_eq!(d.to_compact(CompactForm::Version1), bytes);
        if c.len() == 200 {
            assert!(
                bytes.len() * 2 < v.to_string().len(),
                "{} bytes",
                bytes.len()
            );
        }
    }
}

/// A compact form with one section edited: (offset of the section, its bytes).
fn sections(bytes: &[u8]) -> Vec<(&'static str, usize)> {
    let h = |i: usize| u32::from_le_bytes(bytes[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize;
    let (k, n, c, r, x) = (h(0), h(1), h(2), h(3), h(4));
    let mut at = 28;
    let mut out = Vec::new();
    for (name, len) in [
        ("string ends", 4 * (2 * k + 2 * n)),
        ("category flags", k),
        ("item flags", n),
        ("popularity", 8 * n),
        ("published", 8 * n),
        ("category ends", 4 * n),
        ("item categories", c),
        ("related ends", 4 * n),
        ("related targets", 4 * r),
        ("related weights", 4 * r),
        ("next ends", 4 * n),
        ("next targets", 4 * x),
        ("next weights", 4 * x),
        ("strings", 0),
    ] {
        out.push((name, at));
        at += len;
    }
    out
}

fn section(bytes: &[u8], name: &str) -> usize {
    sections(bytes)
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1
}

fn compact_err(bytes: &[u8]) -> (String, String) {
    let e = Catalogue::from_compact(bytes).unwrap_err();
    (e.path().to_string(), e.to_string())
}

#[test]
fn compact_errors_name_the_field_like_json() {
    let good = compact_of(&fixtures::films());
    let edit = |name: &str, delta: usize, value: &[u8]| {
        let mut b = good.clone();
        let at = section(&b, name) + delta;
        b[at..at + value.len()].copy_from_slice(value);
        b
    };
    // items[1].popularity = -1
    assert_eq!(
        compact_err(&edit("popularity", 8, &(-1.0f64).to_le_bytes())).0,
        "catalogue.items[1].popularity"
    );
    assert_eq!(
        compact_err(&edit("popularity", 8, &f64::NAN.to_le_bytes())).0,
        "catalogue.items[1].popularity"
    );
    // publishedAt only counts with its flag.
    let mut b = edit("published", 0, &1e20f64.to_le_bytes());
    assert!(Catalogue::from_compact(&b).is_ok());
    let flags = section(&b, "item flags");
    b[flags] |= 4;
    assert_eq!(compact_err(&b).0, "catalogue.items[0].publishedAt");
    // related[0] of m1 (weight, target).
    assert_eq!(
        compact_err(&edit("related weights", 0, &(-0.5f32).to_le_bytes())).0,
        "catalogue.items[0].related[0].weight"
    );
    assert_eq!(
        compact_err(&edit("related targets", 0, &99u32.to_le_bytes())).0,
        "catalogue.items[0].related[0].target"
    );
    // m3's categories are sci-fi, drama; make it sci-fi twice, then unknown.
    let m3 = good[section(&good, "category ends") + 4..][..4].to_vec();
    let m3_start = u32::from_le_bytes(m3.try_into().unwrap()) as usize;
    let (path, msg) = compact_err(&edit("item categories", m3_start + 1, &[0]));
    assert_eq!(path, "catalogue.items[2].categories[1]");
    assert!(msg.contains("listed twice"), "{msg}");
    assert_eq!(
        compact_err(&edit("item categories", m3_start + 1, &[9])).0,
        "catalogue.items[2].categories[1]"
    );
    let (c, _) = Catalogue::from_compact(&edit("category flags", 1, &[1])).unwrap();
    assert!(
        c.category_at(1).unwrap().sensitive,
        "a flag change is data, not an error"
    );
}

#[test]
fn compact_structure_errors_and_warnings() {
    let good = compact_of(&fixtures::films());
    assert!(compact_err(b"{\"version\":1}")
        .1
        .contains("not a compact catalogue"));
    assert!(compact_err(&good[..good.len() - 1])
        .1
        .contains("header describes"));
    let mut longer = good.clone();
    longer.push(0);
    assert!(compact_err(&longer).1.contains("header describes"));
    // Duplicate item id: m2 -> m1 (same length).
    let strings = good.len() - u32::from_le_bytes(good[24..28].try_into().unwrap()) as usize;
    let text = std::str::from_utf8(&good[strings..]).unwrap();
    let m2 = text.find("m2").unwrap();
    let mut dup = good.clone();
    dup[strings + m2 + 1] = b'1';
    let (path, msg) = compact_err(&dup);
    assert_eq!(path, "catalogue.items[1].id");
    assert!(msg.contains("duplicate id \"m1\""), "{msg}");
    let mut bad_utf8 = good.clone();
    bad_utf8[strings + m2] = 0xff;
    assert_eq!(compact_err(&bad_utf8).0, "catalogue.items[1].id");
    // Self and repeated references become warnings, as in JSON.
    let mut v = fixtures::films();
    v["items"][1]["related"] = json!([{ "id": "m1", "weight": 0.6 }, { "id": "m3", "weight": 0.1 }, { "id": "m4", "weight": 0.1 }]);
    let mut b = compact_of(&v);
    let targets = section(&b, "related targets");
    // m2's list starts after m1's two entries: [m1, m3, m4] -> [m2 (self), m1, m1 (repeat)].
    b[targets + 8..targets + 12].copy_from_slice(&1u32.to_le_bytes());
    b[targets + 12..targets + 16].copy_from_slice(&0u32.to_le_bytes());
    b[targets + 16..targets + 20].copy_from_slice(&0u32.to_le_bytes());
    let (_, warnings) = Catalogue::from_compact(&b).unwrap();
    let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["selfReference", "duplicateReference"]);
}

#[test]
fn compact_never_panics_on_damaged_input() {
    let good = compact_of(&fixtures::random(9, 40, 4));
    for len in 0..good.len() {
        assert!(Catalogue::from_compact(&good[..len]).is_err());
    }
    let mut state = 12345u64;
    for _ in 0..3000 {
        let mut b = good.clone();
        for _ in 0..1 + state % 4 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (state >> 33) as usize % b.len();
            b[at] = (state >> 20) as u8;
        }
        let _ = Catalogue::from_compact(&b);
    }
    // Huge counts in the header are refused before anything is allocated.
    let mut b = good.clone();
    b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(compact_err(&b).0, "catalogue.items");
    let mut b = good.clone();
    b[16..20].copy_from_slice(&(u32::MAX / 2).to_le_bytes());
    assert!(compact_err(&b).1.contains("header describes"));
}

/// Offsets of a version-2 file's sections, computed from its header as
/// COMPACT.md describes them (independently of the reader).
fn sections_v2(b: &[u8]) -> Vec<(&'static str, usize)> {
    let h = |i: usize| u32::from_le_bytes(b[4 + 4 * i..8 + 4 * i].try_into().unwrap()) as usize;
    let (k, n, c, r, x, mask, bits) = (h(0), h(1), h(2), h(3), h(4), h(6), h(7));
    let w = bits / 8;
    let mut at = 36;
    let mut out = Vec::new();
    for (name, len) in [
        ("scales", 8),
        ("site weights", 8 * (mask as u32).count_ones() as usize),
        ("string lengths", 2 * (2 * k + 2 * n)),
        ("category flags", k),
        ("item flags", n),
        ("popularity", 8 * n),
        ("published", 8 * n),
        ("category counts", n),
        ("item categories", c),
        ("related counts", n),
        ("related targets", 3 * r),
        ("related weights", w * r),
        ("next counts", n),
        ("next targets", 3 * x),
        ("next weights", w * x),
        ("strings", 0),
    ] {
        out.push((name, at));
        at += len;
    }
    out
}

fn section_v2(b: &[u8], name: &str) -> usize {
    sections_v2(b)
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1
}

/// Version 2 gives back the same catalogue, with each neighbour weight
/// within the stated rounding error (half a step: the list type's largest
/// weight over 255 or 65,535), the site's weights exactly, and writing it
/// again gives the same bytes.
#[test]
fn compact_v2_round_trips_within_the_stated_rounding() {
    let mut films = fixtures::films();
    films["weights"] = json!({ "popularity": 0.3, "recentItems": 12 });
    films["items"][3]["title"] = json!("Am\u{e9}lie");
    for v in [
        fixtures::random(3, 300, 7),
        films,
        fixtures::random(4, 0, 0),
    ] {
        let (c, _) = load(&v).unwrap();
        for (form, steps) in [
            (CompactForm::Weights8, 255.0),
            (CompactForm::Weights16, 65535.0),
        ] {
            let bytes = c.to_compact(form);
            assert_eq!(&bytes[..4], b"ODC2");
            let (d, warnings) = Catalogue::from_compact(&bytes).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(d.to_compact(form), bytes, "{form:?}");
            assert_eq!(
                c.weights().map(|w| format!("{w:?}")),
                d.weights().map(|w| format!("{w:?}"))
            );
            assert_eq!(c.categories(), d.categories());
            for list in [Catalogue::related, Catalogue::next] {
                let max = (0..c.len() as u32)
                    .flat_map(|i| list(&c, i).iter().map(|e| e.weight))
                    .fold(0.0f32, f32::max);
                let bound = f64::from(max) / steps / 2.0 * 1.000_01;
                for i in 0..c.len() as u32 {
                    let (a, b) = (list(&c, i), list(&d, i));
                    assert_eq!(a.len(), b.len());
                    for (x, y) in a.iter().zip(b) {
                        assert_eq!(x.target, y.target);
                        let err = (f64::from(x.weight) - f64::from(y.weight)).abs();
                        assert!(
                            err <= bound,
                            "{form:?}: {} -> {} (bound {bound})",
                            x.weight,
                            y.weight
                        );
                    }
                }
            }
            // Everything but the weights is exact.
            let strip = |c: &Catalogue| {
                dump(c)
                    .lines()
                    .map(|l| l.split(" [Edge").next().unwrap().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(strip(&c), strip(&d));
        }
        if c.len() == 300 {
            let v1 = c.to_compact(CompactForm::Version1).len();
            let v2 = c.to_compact(CompactForm::Weights8).len();
            assert!(v2 * 3 < v1 * 2, "version 2 {v2} bytes, version 1 {v1}");
        }
    }
}

/// Damage to a version-2 file is an error naming the field, the section
/// and the byte, never a panic.
#[test]
fn compact_v2_errors_name_the_section_and_byte() {
    let mut v = fixtures::films();
    v["weights"] = json!({ "popularity": 0.3 });
    let good = load(&v).unwrap().0.to_compact(CompactForm::Weights8);
    // Target of items[0].related[0] out of range (the films have 4 items).
    let at = section_v2(&good, "related targets");
    let mut b = good.clone();
    b[at] = 99;
    let (path, msg) = compact_err(&b);
    assert_eq!(path, "catalogue.items[0].related[0].target");
    assert!(
        msg.ends_with(&format!(
            "(compact form: section related targets, byte {at})"
        )),
        "{msg}"
    );
    // The middle plane counts: 256 + 3 is out of range too.
    let r = u32::from_le_bytes(good[16..20].try_into().unwrap()) as usize;
    let mut b = good.clone();
    b[at] = 3;
    b[at + r] = 1;
    assert!(
        compact_err(&b).1.contains("item index 259 is out of range"),
        "{:?}",
        compact_err(&b)
    );
    // Bad weight width, unknown and bad site weights.
    let mut b = good.clone();
    b[32] = 12;
    let (path, msg) = compact_err(&b);
    assert_eq!(path, "catalogue");
    assert!(
        msg.contains("12 bits wide") && msg.contains("section header, byte 32"),
        "{msg}"
    );
    let mut b = good.clone();
    b[28] |= 0x80;
    b[29] = 0x80;
    assert_eq!(compact_err(&b).0, "catalogue.weights");
    let site = section_v2(&good, "site weights");
    let mut b = good.clone();
    b[site..site + 8].copy_from_slice(&7.0f64.to_le_bytes());
    let (path, msg) = compact_err(&b);
    assert_eq!(path, "catalogue.weights.popularity");
    assert!(
        msg.contains(&format!("section site weights, byte {site}")),
        "{msg}"
    );
    // A NaN scale makes every weight NaN.
    let mut b = good.clone();
    b[36..40].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(compact_err(&b).0, "catalogue.items[0].related[0].weight");
    // A category index out of range, and a duplicate id.
    let cats = section_v2(&good, "item categories");
    let mut b = good.clone();
    b[cats] = 9;
    let msg = compact_err(&b).1;
    assert!(
        msg.contains(&format!("section item categories, byte {cats}")),
        "{msg}"
    );
    // Every truncation names the section it ends in and the byte.
    for len in 0..good.len() {
        let e = Catalogue::from_compact(&good[..len])
            .unwrap_err()
            .to_string();
        if len >= 36 {
            let inside = sections_v2(&good)
                .into_iter()
                .rfind(|&(_, start)| start <= len)
                .unwrap()
                .0;
            assert!(
                e.contains(&format!("section {inside}, byte {len})")),
                "{len}: {e}"
            );
        }
    }
    let mut longer = good.clone();
    longer.extend_from_slice(b"xyz");
    let msg = compact_err(&longer).1;
    assert!(msg.contains("3 bytes follow the last section"), "{msg}");
    // Random damage: an error or a catalogue, never a panic.
    let good = load(&fixtures::random(9, 40, 4))
        .unwrap()
        .0
        .to_compact(CompactForm::Weights16);
    let mut state = 99u64;
    for _ in 0..3000 {
        let mut b = good.clone();
        for _ in 0..1 + state % 4 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (state >> 33) as usize % b.len();
            b[at] = (state >> 20) as u8;
        }
        let _ = Catalogue::from_compact(&b);
    }
}

/// Version 1's structural errors also say where.
#[test]
fn compact_v1_errors_name_the_section_and_byte() {
    let good = compact_of(&fixtures::films());
    let weights = section(&good, "related weights");
    let mut b = good.clone();
    b[weights..weights + 4].copy_from_slice(&(-0.5f32).to_le_bytes());
    let msg = compact_err(&b).1;
    assert!(
        msg.ends_with(&format!(
            "(compact form: section related weights, byte {weights})"
        )),
        "{msg}"
    );
    let cut = section(&good, "next ends") + 2;
    let msg = compact_err(&good[..cut]).1;
    assert!(
        msg.contains(&format!("section next ends, byte {cut})")),
        "{msg}"
    );
}

/// The index finds every key, refuses a second insert of a key, and probes
/// little: linear probing at load <= 1/2 averages about 1.5 probes per hit
/// with a well-mixed hash (a bad hash on these sequential ids would cluster).
#[test]
fn id_index_finds_every_key_in_few_probes() {
    let ids: Vec<String> = (0..10000).map(|i| format!("i{i}")).collect();
    let key_of = |j: u32| ids[j as usize].as_bytes();
    let mut idx = IdIndex::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(idx.insert(id.as_bytes(), i as u32, key_of), None);
    }
    assert_eq!(idx.insert(b"i42", 5, key_of), Some(42));
    assert_eq!(idx.find(b"i10000", key_of), None);
    assert_eq!(idx.find(b"", key_of), None);
    let mut total = 0;
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(idx.find(id.as_bytes(), key_of), Some(i as u32));
        let mask = idx.slots.len() - 1;
        let mut p = idx.start(id.as_bytes());
        let mut probes = 1;
        while ids[(idx.slots[p] - 1) as usize] != *id {
            p = (p + 1) & mask;
            probes += 1;
        }
        total += probes;
    }
    let average = total as f64 / ids.len() as f64;
    assert!(average < 2.0, "average probes per hit: {average}");
}

/// Neighbour lists full of repeats and self references, over many more
/// lists than the 255 list numbers the marks cycle through: both forms keep
/// exactly the first occurrence of each target, in order, and count every
/// dropped entry, as a plain scan does.
#[test]
fn repeats_and_self_references_are_dropped_exactly() {
    let n = 700usize;
    let mut state = 12345u64;
    let mut next = move |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    // Small target ranges so that repeats are frequent; some lists long.
    let lists: Vec<Vec<u32>> = (0..2 * n)
        .map(|l| {
            (0..next(if l % 7 == 0 { 100 } else { 12 }))
                .map(|_| next(if l % 3 == 0 { 9 } else { n as u64 }) as u32)
                .collect()
        })
        .collect();
    let list = |i: usize, next: bool| &lists[2 * i + usize::from(next)];
    let expected = |i: usize, next: bool| {
        let mut kept: Vec<u32> = Vec::new();
        let (mut selfs, mut repeats) = (0, 0);
        for &t in list(i, next) {
            if t as usize == i {
                selfs += 1;
            } else if kept.contains(&t) {
                repeats += 1;
            } else {
                kept.push(t);
            }
        }
        (kept, selfs, repeats)
    };
    let edges = |l: &Vec<u32>| {
        l.iter()
            .enumerate()
            .map(|(j, t)| json!({ "id": format!("i{t}"), "weight": j as f64 / 100.0 }))
            .collect::<Vec<_>>()
    };
    let items: Vec<_> = (0..n).map(|i| json!({ "id": format!("i{i}"), "related": edges(list(i, false)), "next": edges(list(i, true)) })).collect();
    let (from_json, json_warnings) =
        load(&json!({ "version": 1, "categories": [], "items": items })).unwrap();

    // The same lists in the compact form, written by hand (to_compact
    // never writes repeats): no categories, no strings but the ids.
    let ids: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
    let (r, x): (usize, usize) = (
        (0..n).map(|i| list(i, false).len()).sum(),
        (0..n).map(|i| list(i, true).len()).sum(),
    );
    let mut b = b"ODC1".to_vec();
    let strings: String = ids.concat();
    for v in [0, n, 0, r, x, strings.len()] {
        b.extend((v as u32).to_le_bytes());
    }
    let mut end = 0;
    for id in &ids {
        end += id.len();
        b.extend((end as u32).to_le_bytes());
    }
    for _ in 0..n {
        b.extend((end as u32).to_le_bytes());
    }
    b.extend(std::iter::repeat_n(0u8, n + 16 * n + 4 * n));
    for next in [false, true] {
        let mut end = 0;
        for i in 0..n {
            end += list(i, next).len();
            b.extend((end as u32).to_le_bytes());
        }
        for i in 0..n {
            b.extend(list(i, next).iter().flat_map(|t| t.to_le_bytes()));
        }
        for i in 0..n {
            b.extend((0..list(i, next).len()).flat_map(|j| (j as f32 / 100.0).to_le_bytes()));
        }
    }
    b.extend(strings.as_bytes());
    let (from_compact, compact_warnings) = Catalogue::from_compact(&b).unwrap();

    let (mut selfs, mut repeats) = (0, 0);
    for i in 0..n {
        for next in [false, true] {
            let (kept, s, r) = expected(i, next);
            selfs += s;
            repeats += r;
            for c in [&from_json, &from_compact] {
                let got = if next {
                    c.next(i as u32)
                } else {
                    c.related(i as u32)
                };
                assert_eq!(
                    got.iter().map(|e| e.target).collect::<Vec<_>>(),
                    kept,
                    "item {i} next {next}"
                );
            }
        }
    }
    assert!(selfs > 0 && repeats > 1000, "{selfs} {repeats}");
    for warnings in [&json_warnings, &compact_warnings] {
        let codes: Vec<(&str, usize)> = warnings.iter().map(|w| (w.code, w.count)).collect();
        assert_eq!(
            codes,
            vec![("selfReference", selfs), ("duplicateReference", repeats)]
        );
    }
    assert_eq!(json_warnings, compact_warnings);
}

/// Neighbours are read by a fast path when written as JSON.stringify writes
/// them; every other spelling goes through the general reader and means
/// the same, and errors name the same fields.
#[test]
fn neighbours_read_the_same_however_they_are_written() {
    let v = fixtures::random(5, 300, 6);
    let compact = Catalogue::from_json(&v.to_string()).unwrap();
    let pretty = Catalogue::from_json(&serde_json::to_string_pretty(&v).unwrap()).unwrap();
    assert_eq!(dump(&compact.0), dump(&pretty.0));
    assert_eq!(compact.1, pretty.1);

    let with_related = |related: &str| {
        let mut text = fixtures::films().to_string();
        let at = text.find("\"related\":[").unwrap() + "\"related\":[".len();
        let end = at + text[at..].find(']').unwrap();
        text.replace_range(at..end, related);
        Catalogue::from_json(&text)
    };
    let m1_related = |c: &Catalogue| c.related(c.item("m1").unwrap()).to_vec();
    let canonical = m1_related(&with_related(r#"{"id":"m2","weight":0.25}"#).unwrap().0);
    for same in [
        r#"{ "id": "m2", "weight": 0.25 }"#,
        r#"{"weight":0.25,"id":"m2"}"#,
        r#"{"id":"m2","weight":0.25,"note":{"x":[1]}}"#,
        r#"{"id":"\u006d2","weight":0.25}"#,
        r#"{"id":"m2","weight":2.5e-1}"#,
        r#"{"id":"m2","weight":0.250000000000000000000}"#,
    ] {
        assert_eq!(
            m1_related(&with_related(same).unwrap().0),
            canonical,
            "{same}"
        );
    }
    // Lists: empty, mixed spellings, exactly at and just over the limit.
    assert!(with_related("").unwrap().0.related(0).is_empty());
    let mixed = m1_related(
        &with_related(r#"{"id":"m2","weight":0.25}, {"id":"m3","weight":0.5}"#)
            .unwrap()
            .0,
    );
    assert_eq!(mixed.len(), 2);
    assert_eq!(mixed[0], canonical[0]);
    let many = |n: usize| {
        (0..n)
            .map(|j| format!(r#"{{"id":"m{}","weight":{j}}}"#, 2 + j % 5))
            .collect::<Vec<_>>()
            .join(",")
    };
    let (c, warnings) = with_related(&many(100)).unwrap();
    assert_eq!(m1_related(&c).len(), 5);
    assert_eq!(warnings[0].count, 95);
    let e = with_related(&many(101)).unwrap_err();
    assert_eq!(e.path(), "catalogue.items[0].related");
    assert!(e.to_string().contains("more than 100 entries"), "{e}");

    // The messages, columns included, as the general reader alone wrote them.
    for (bad, message) in [
        (r#"{"id":"m2","weight":"heavy"}"#, r#"catalogue.items[0].related[0].weight: invalid type: string "heavy", expected f64 at line 1 column 296"#),
        (r#"{"id":"m2","weight":1e999}"#, "catalogue.items[0].related[0].weight: number out of range at line 1 column 294"),
        (r#"{"id":"m2","weight":0.5,"id":"m3"}"#, "catalogue.items[0].related[0].id: duplicate field `id` at line 1 column 298"),
        (r#"{"id":"m2"}"#, "catalogue.items[0].related[0].weight: missing field `weight` at line 1 column 280"),
        (r#"{"id":7,"weight":0.5}"#, "catalogue.items[0].related[0].id: invalid type: integer `7`, expected a string at line 1 column 276"),
        (r#"{"id":"m2","weight":-0.5}"#, "catalogue.items[0].related[0].weight: -0.5 is out of range; allowed: a finite number from 0 to 1000000000000000"),
        (r#"{"id":"m2","weight":0.5"#, "catalogue.items[0].related[0]: expected `,` or `}` at line 1 column 292"),
    ] {
        assert_eq!(with_related(bad).unwrap_err().to_string(), message, "{bad}");
    }
}

#[test]
fn site_weights_are_read_checked_and_default_when_absent() {
    let mut v = fixtures::films();
    assert!(load(&v).unwrap().0.weights().is_none());
    v["weights"] = json!({ "popularity": 1, "related": 0.5, "recentItems": 20 });
    let (c, _) = load(&v).unwrap();
    let w = c.weights().copied().unwrap();
    assert_eq!((w.popularity, w.related, w.recent_items), (1.0, 0.5, 20));
    // Fields left out keep the defaults, and the person's levers are not the site's.
    assert_eq!(w.next, Weights::DEFAULT.next);
    assert_eq!(w.sliders, Weights::DEFAULT.sliders);
    for (weights, path, says) in [
        (
            json!({ "related": 9 }),
            "catalogue.weights.related",
            "9 is not allowed; allowed: a number from 0 to 4",
        ),
        (
            json!({ "popularity": -0.1 }),
            "catalogue.weights.popularity",
            "allowed: a number from 0 to 1",
        ),
        (
            json!({ "recentItems": 2.5 }),
            "catalogue.weights.recentItems",
            "allowed: a whole number from 1 to 100",
        ),
        (
            json!({ "sliders": 5 }),
            "catalogue.weights",
            "unknown field `sliders`",
        ),
        (
            json!({ "related": "2" }),
            "catalogue.weights.related",
            "invalid type",
        ),
        (json!([1]), "catalogue.weights", "invalid type"),
    ] {
        v["weights"] = weights.clone();
        let e = load(&v).map(|_| ()).unwrap_err();
        assert!(e.path().starts_with(path), "{weights}: {e}");
        assert!(e.to_string().contains(says), "{weights}: {e}");
    }
    let doubled = fixtures::films().to_string().replacen(
        "{",
        r#"{"weights": {"related": 1, "related": 2},"#,
        1,
    );
    let e = Catalogue::from_json(&doubled).map(|_| ()).unwrap_err();
    assert!(e.to_string().contains("duplicate field `related`"), "{e}");
}

#[test]
fn repeatable_defaults_come_from_the_category_then_the_catalogue() {
    let doc = |default: Option<bool>| {
        let mut v = json!({ "version": 1,
            "categories": [{ "id": "milk", "label": "Milk", "repeatable": true }, { "id": "tv", "label": "TV" }],
            "items": [
                { "id": "m", "categories": ["milk"] },
                { "id": "t", "categories": ["tv"] },
                { "id": "t2", "categories": ["tv"], "repeatable": true },
                { "id": "m2", "categories": ["milk", "tv"], "repeatable": false }
            ] });
        if let Some(d) = default {
            v["repeatable"] = json!(d);
        }
        let (c, _) = load(&v).unwrap();
        ["m", "t", "t2", "m2"].map(|id| c.repeatable(c.item(id).unwrap()))
    };
    // The item's flag wins; else any of its categories; else the catalogue's default (false).
    assert_eq!(doc(None), [true, false, true, false]);
    assert_eq!(doc(Some(true)), [true, true, true, false]);
    let mut bad = fixtures::films();
    bad["repeatable"] = json!("yes");
    assert_eq!(err_path(bad), "catalogue.repeatable");
    let mut bad = fixtures::films();
    bad["categories"][0]["repeatable"] = json!(1);
    assert_eq!(err_path(bad), "catalogue.categories[0].repeatable");
}
