use std::borrow::Cow;

use super::*;

fn read_number(text: &str) -> JsonResult<f64> {
    let mut r = Reader::new(text);
    let x = r.number()?;
    r.finish()?;
    Ok(x)
}

#[test]
fn numbers_are_correctly_rounded() {
    // Values JSON.stringify writes: shortest round-trip forms, 17 digits.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..20_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let x = f64::from_bits(state >> 2); // positive, wide range
        if !x.is_finite() {
            continue;
        }
        for v in [
            x,
            (state % 1_000_000) as f64 / 1e6,
            (state % 10_000_000_000_000) as f64,
            1.0 / ((state % 997) as f64 + 1.0),
        ] {
            let text = zmij::Buffer::new().format_finite(v).to_string();
            let ours = read_number(&text).unwrap();
            let std: f64 = text.parse().unwrap();
            assert_eq!(ours.to_bits(), std.to_bits(), "{text}");
        }
    }
    for (text, v) in [
        ("0", 0.0f64),
        ("-0", -0.0),
        ("1e3", 1000.0),
        ("1E-2", 0.01),
        ("12345678901234567890", 12345678901234567890.0),
        ("0.1", 0.1),
        ("0.30000000000000004", 0.30000000000000004),
        ("1700000000000", 1.7e12),
        ("123456.789e-3", 123.456789f64),
    ] {
        assert_eq!(read_number(text).unwrap().to_bits(), v.to_bits(), "{text}");
    }
    for bad in ["01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity", "0x10"] {
        assert!(read_number(bad).is_err(), "{bad}");
    }
    assert!(read_number("1e400")
        .unwrap_err()
        .message()
        .starts_with("number out of range"));
    assert!(read_number("-1e999").is_err());
}

/// Every number the JSON grammar allows reads as the correctly rounded f64,
/// as core's parser gives it: a million generated numbers (1 to 40 digits,
/// the point anywhere, exponents from -400 to 400, so subnormals, overflow
/// and every power of ten between), then the classic hard cases.
#[test]
fn every_json_number_is_correctly_rounded() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::new();
    let (mut checked, mut overflowed) = (0u32, 0u32);
    for _ in 0..1_000_000 {
        text.clear();
        let r = next();
        if r & 1 == 1 {
            text.push('-');
        }
        let digits = 1 + (r >> 1) % if r & 0x300 == 0 { 40 } else { 20 };
        let point = (r >> 10) % (digits + 1);
        for d in 0..digits {
            if d == point && d > 0 {
                text.push('.');
            }
            // No leading zeros (JSON forbids them) except a lone "0" before the point.
            let digit = (next() % 10) as u8;
            let digit = if d == 0 && digit == 0 && (digits > 1 && point != 1) {
                1
            } else {
                digit
            };
            text.push(char::from(b'0' + digit));
        }
        if (r >> 20) & 3 != 0 {
            text.push(if (r >> 22) & 1 == 0 { 'e' } else { 'E' });
            match (r >> 23) % 3 {
                0 => text.push('-'),
                1 => text.push('+'),
                _ => {}
            }
            let e = (r >> 26) % 401;
            text.push_str(&e.to_string());
        }
        let std: f64 = text.parse().unwrap();
        match read_number(&text) {
            Ok(ours) => {
                assert_eq!(ours.to_bits(), std.to_bits(), "{text}: {ours:e} vs {std:e}");
                checked += 1;
            }
            Err(e) => {
                assert!(std.is_infinite(), "{text}: {e:?}");
                assert!(
                    e.message().starts_with("number out of range"),
                    "{text}: {e:?}"
                );
                overflowed += 1;
            }
        }
    }
    // The generator reaches both sides of the range.
    assert!(
        checked > 800_000 && overflowed > 1_000,
        "{checked} {overflowed}"
    );
    for text in [
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "9007199254740993",
        "9007199254740993.0000000001",
        "90071992547409930000000000000000000001e-22",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015624",
        "0.1000000000000000055511151231257827021181583404541015626",
        "7.038531e-26",
        "1448997445238699",
        "123456789012345678901234567890",
        "0.000000000000000000000000000000000000000001",
        "8.98846567431158e307",
        "3.4028236692093846346e38",
        "0e999999999",
    ] {
        let std: f64 = text.parse().unwrap();
        assert_eq!(
            read_number(text).unwrap().to_bits(),
            std.to_bits(),
            "{text}"
        );
        let negative = format!("-{text}");
        assert_eq!(
            read_number(&negative).unwrap().to_bits(),
            (-std).to_bits(),
            "{negative}"
        );
    }
    assert!(read_number("1.7976931348623159e308").is_err());
}

#[test]
fn strings_unescape_and_borrow_when_they_can() {
    let mut r = Reader::new(r#""plain""#);
    assert!(matches!(r.string().unwrap(), Cow::Borrowed("plain")));
    let mut r = Reader::new(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#);
    assert_eq!(r.string().unwrap(), "a\"b\\c/\né😀");
    for bad in [
        r#""abc"#,
        r#""\x""#,
        r#""\ud83d""#,
        "\"a\u{1}\"",
        r#""\u12""#,
    ] {
        assert!(Reader::new(bad).string().is_err(), "{bad}");
    }
}

#[test]
fn type_errors_read_like_serde() {
    let mut r = Reader::new(r#"{"a": "70"}"#);
    let e = r
        .object("an object", |r, _| r.number().map(drop))
        .unwrap_err();
    assert_eq!(e.path(), "a");
    assert_eq!(
        e.message(),
        "invalid type: string \"70\", expected f64 at line 1 column 10"
    );
    let e = Reader::new("null").number().unwrap_err();
    assert!(
        e.message().starts_with("invalid type: null, expected f64"),
        "{}",
        e.message()
    );
    assert!(e.message().contains("NaN and Infinity"), "{}", e.message());
    assert!(Reader::new("2.5")
        .boolean()
        .unwrap_err()
        .message()
        .contains("floating point `2.5`"));
    assert!(Reader::new("[1]")
        .string()
        .unwrap_err()
        .message()
        .contains("sequence"));
    // A deep value of the wrong type is refused without being read.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Reader::new(&deep)
        .string()
        .unwrap_err()
        .message()
        .starts_with("invalid type: sequence, expected a string"));
}

#[test]
fn objects_and_arrays_name_paths_and_bound_lengths() {
    let text = r#"{"items": [{"id": 1}, {"id": "x", "more": [1, {"deep": true}]}], "items2": []}"#;
    let mut r = Reader::new(text);
    let e = r
        .object("", |r, key| match key {
            "items" => r.array(10, "", |r, _| {
                r.object("", |r, key| match key {
                    "id" => r.string().map(drop),
                    _ => r.skip(),
                })
            }),
            _ => r.skip(),
        })
        .unwrap_err();
    assert_eq!(e.path(), "items[0].id");
    let e = Reader::new("[1,2,3]")
        .array(2, "", |r, _| r.skip())
        .unwrap_err();
    assert!(
        e.message()
            .starts_with("more than 2 entries; allowed: at most 2"),
        "{}",
        e.message()
    );
    let deep = "[".repeat(10_000);
    assert!(Reader::new(&deep)
        .skip()
        .unwrap_err()
        .message()
        .contains("recursion limit"));
    for bad in [
        "{",
        "{\"a\"}",
        "{\"a\":1,}",
        "[1,]",
        "[1 2]",
        "{1:2}",
        "{\"a\":1 \"b\":2}",
    ] {
        assert!(Reader::new(bad).skip().is_err(), "{bad}");
    }
    let mut r = Reader::new("{} x");
    r.skip().unwrap();
    assert!(r
        .finish()
        .unwrap_err()
        .message()
        .starts_with("trailing characters"));
}

#[test]
fn fields_report_missing_duplicate_and_unknown() {
    const NAMES: &[&str] = &["itemId", "kind", "at"];
    let run = |text: &str| -> JsonResult<()> {
        let mut r = Reader::new(text);
        let mut fields = Fields::new(NAMES);
        r.object("", |r, key| {
            fields.see_known(r, key)?;
            r.skip()
        })?;
        fields.require(&r, &["itemId", "kind"])
    };
    assert!(run(r#"{"itemId": "a", "kind": "view"}"#).is_ok());
    assert!(run(r#"{"itemId": "a"}"#)
        .unwrap_err()
        .message()
        .starts_with("missing field `kind`"));
    assert!(run(r#"{"itemId": "a", "itemId": "b"}"#)
        .unwrap_err()
        .message()
        .starts_with("duplicate field `itemId`"));
    let long = format!(r#"{{"{}": 1}}"#, "k".repeat(100_000));
    assert!(run(&long).unwrap_err().message().len() < 300);
    let e = run(r#"{"user": 1}"#).unwrap_err();
    assert_eq!(e.path(), "user");
    assert!(
        e.message()
            .starts_with("unknown field `user`, expected one of `itemId`, `kind`, `at`"),
        "{}",
        e.message()
    );
}

#[test]
fn writer_matches_serde_json() {
    for s in [
        "",
        "plain",
        "q\"uote",
        "back\\slash",
        "tab\tnew\nline\r",
        "\u{1}\u{1f}\u{7f}",
        "é😀",
        "</script>",
    ] {
        let mut w = Writer::new();
        w.string(s);
        assert_eq!(w.out, serde_json::to_string(s).unwrap(), "{s:?}");
    }
    for x in [
        0.0,
        -0.0,
        1.0,
        0.1,
        1e15,
        1e21,
        1e-7,
        123.456,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NAN,
        f64::INFINITY,
    ] {
        let mut w = Writer::new();
        w.number(x);
        assert_eq!(w.out, serde_json::to_string(&x).unwrap(), "{x}");
    }
    let mut w = Writer::new();
    w.raw("{")
        .key("a")
        .integer(-5)
        .key("b")
        .array(&[1.5, 2.0], |w, x| {
            w.number(*x);
        });
    w.raw("}");
    assert_eq!(w.out, r#"{"a":-5,"b":[1.5,2.0]}"#);
}

#[test]
fn display_f64_is_rusts_display() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1e15,
        8.64e15,
        1e21,
        1e-7,
        1.5e-7,
        123.456,
        1e300,
        5e-324,
        f64::MAX,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        2.5,
        1001.0,
    ];
    for _ in 0..5_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        values.push(f64::from_bits(state));
        values.push((state % 100_000) as f64 / 100.0);
    }
    for (n, x) in values.into_iter().enumerate() {
        let (ours, rust) = (display_f64(x), format!("{x}"));
        if n < 19 {
            assert_eq!(ours, rust, "{x:?}");
        } else {
            // Ties between two shortest forms may end in another digit.
            assert_eq!(ours.len(), rust.len(), "{x:?}");
            if x.is_nan() {
                continue;
            }
            assert_eq!(ours.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{x:?}");
        }
    }
}

/// The plain-number fast path gives exactly what the general path gives
/// (value bits, float flag, where it stops) whenever it answers, and does
/// answer for the numbers catalogues are made of.
#[test]
fn plain_numbers_read_like_the_general_path() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let mut answered = 0;
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "0.0",
        "-0.5",
        "1",
        "01",
        "1.",
        "-",
        "0.000001",
        "9007199254740993",
        "1e5",
        "1.5E-3",
        "12345678901234567890",
        "1234567890123456789",
        "0.1234567890123456789",
        "0.12345678901234567891",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..50_000 {
        let bits = rnd(64).max(1);
        let int = rnd(1u64 << bits);
        let digits = rnd(22) as usize;
        let frac: String = (0..digits)
            .map(|_| char::from(b'0' + rnd(10) as u8))
            .collect();
        let sign = if rnd(4) == 0 { "-" } else { "" };
        texts.push(match rnd(3) {
            0 => format!("{sign}{int}"),
            1 => format!("{sign}{int}.{frac}"),
            _ => format!("{sign}0.{frac}"),
        });
    }
    for text in &texts {
        for tail in ["", ",", "}"] {
            let source = format!("{text}{tail}");
            let mut fast = Reader::new(&source);
            let mut slow = Reader::new(&source);
            let general = slow.any_number_token();
            if let Some((x, float)) = fast.plain_number() {
                answered += 1;
                let (y, general_float) = general.unwrap_or_else(|e| panic!("{source}: {e:?}"));
                assert_eq!(
                    (x.to_bits(), float, fast.offset()),
                    (y.to_bits(), general_float, slow.offset()),
                    "{source}"
                );
            } else {
                assert_eq!(fast.offset(), 0, "{source}");
            }
        }
    }
    assert!(answered > texts.len(), "{answered} of {}", 3 * texts.len());
    // What the benchmark's catalogues hold.
    for text in ["0.253421", "1782344392268", "65", "0.000001", "1"] {
        assert!(Reader::new(text).plain_number().is_some(), "{text}");
    }
}
