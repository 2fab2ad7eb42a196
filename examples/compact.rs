//! Writes a JSON catalogue's compact form with the core's own writer (the
//! one the aggregates builder uses), for sites whose catalogue is not built
//! by `ondevice-builder` and for the wire-size benchmark
//! (`bench/perf/wire.mjs`):
//!
//! ```sh
//! cargo run --release --example compact -- catalogue.json catalogue.odc [8|16|v1]
//! ```
//!
//! `8` (the default) and `16` write version 2 with neighbour weights of that
//! many bits; `v1` writes version 1 (exact f32 weights). The JSON is checked
//! exactly as the core checks it, except for its size (a catalogue too large
//! to send as JSON can still be sent compact); the output must be within it.

use ondevice::core::catalogue::{Catalogue, CompactForm};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let form = match args.get(2).map(String::as_str) {
        None | Some("8") => CompactForm::Weights8,
        Some("16") => CompactForm::Weights16,
        Some("v1") => CompactForm::Version1,
        Some(other) => fail(&format!("form {other:?}; allowed: 8, 16 or v1")),
    };
    let (Some(input), Some(output)) = (args.first(), args.get(1)) else {
        fail("usage: compact IN.json OUT.odc [8|16|v1]");
    };
    let text = std::fs::read_to_string(input).unwrap_or_else(|e| fail(&format!("{input}: {e}")));
    let (catalogue, warnings) =
        Catalogue::from_json_of_any_size(&text).unwrap_or_else(|e| fail(&format!("{input}: {e}")));
    for w in warnings {
        eprintln!("{input}: warning: {} ({} times)", w.message, w.count);
    }
    if catalogue.has_placements_or_rules() {
        fail(&format!(
            "{input}: has placements or rules, which the compact form does not carry (COMPACT.md); publish it as JSON"
        ));
    }
    let bytes = catalogue.to_compact(form);
    if let Err(e) = Catalogue::from_compact(&bytes) {
        fail(&format!("{output}: {e}"));
    }
    std::fs::write(output, &bytes).unwrap_or_else(|e| fail(&format!("{output}: {e}")));
    println!("{output}: {} bytes ({} of JSON)", bytes.len(), text.len());
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
