//! Times catalogue loading natively (the same code the wasm runs), for
//! profiling without a browser. Catalogue files come from the benchmark's
//! generator (`bench/perf/gen.mjs`; `bench/perf/write-catalogues.mjs` writes
//! them):
//!
//! ```sh
//! node bench/perf/write-catalogues.mjs /tmp/cats 10k,100k
//! cargo run --release --example load_catalogue -- /tmp/cats/10000.json /tmp/cats/100000.odc
//! ```
//!
//! A file whose name ends in `.json` is loaded as JSON, anything else as the
//! compact form. Prints the median and minimum of 15 loads after 2 warm-ups.

use std::time::Instant;

use ondevice::core::Catalogue;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: load_catalogue FILE...   (.json: JSON, otherwise compact)");
        std::process::exit(2);
    }
    for file in files {
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{file}: {e}");
                std::process::exit(1);
            }
        };
        let json = file.ends_with(".json");
        let text = if json {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            String::new()
        };
        let load = || {
            if json {
                Catalogue::from_json(&text)
            } else {
                Catalogue::from_compact(&bytes)
            }
        };
        let mut times = Vec::new();
        for run in 0..17 {
            let t = Instant::now();
            let result = load();
            let dt = t.elapsed().as_secs_f64() * 1e3;
            match result {
                Ok((c, _)) if run == 0 => eprintln!("{file}: {} items", c.len()),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("{file}: {e}");
                    std::process::exit(1);
                }
            }
            if run >= 2 {
                times.push(dt);
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{file}: {} bytes, median {:.2} ms, min {:.2} ms",
            bytes.len(),
            times[times.len() / 2],
            times[0]
        );
    }
}
