//! `cargo run -p ondevice-fuzz --release -- --target catalogue --iterations 2000000`
//! (`fuzz/run.sh` sets the profile: unwinding panics, overflow checks, -O3).
//! Exits 1 if any input crashed, broke a property or exceeded the memory bound.

use std::path::PathBuf;
use std::process::ExitCode;

use ondevice_fuzz::{memory_bound, run, Config, Target, BASE_BYTES, BYTES_PER_INPUT_BYTE};

const USAGE: &str = "usage: ondevice-fuzz [--target catalogue|compact|profile|import|api|all] [--iterations N] [--seconds S] [--seed N] [--corpus DIR] [--crashes DIR] [--replay FILE]";

fn main() -> ExitCode {
    match real_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("ondevice-fuzz: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<bool, String> {
    let mut targets = Target::ALL.to_vec();
    let mut iterations = 20_000u64;
    let mut seconds = None;
    let mut seed = 1u64;
    let mut corpus = None;
    let mut crashes = None;
    let mut replay = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--target" => {
                let v = value()?;
                targets = if v == "all" {
                    Target::ALL.to_vec()
                } else {
                    vec![Target::parse(&v).ok_or(format!("unknown target {v:?}"))?]
                };
            }
            "--iterations" => {
                iterations = value()?
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("--iterations: {e}"))?
            }
            "--seconds" => seconds = Some(value()?.parse().map_err(|e| format!("--seconds: {e}"))?),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--corpus" => corpus = Some(PathBuf::from(value()?)),
            "--crashes" => crashes = Some(PathBuf::from(value()?)),
            "--replay" => replay = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(true);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    println!(
        "ondevice-fuzz: panic={}, debug assertions and overflow checks {}; memory bound per input: {} MiB + {} x input bytes",
        if cfg!(panic = "unwind") { "unwind" } else { "abort (a crash ends the run after saving the input)" },
        if cfg!(debug_assertions) { "on" } else { "off (use fuzz/run.sh)" },
        BASE_BYTES >> 20,
        BYTES_PER_INPUT_BYTE
    );
    if let Some(file) = replay {
        let input = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut all_ok = true;
        for t in targets {
            let exec = ondevice_fuzz::execute(t, &input);
            let over = exec.peak_bytes > memory_bound(input.len());
            println!(
                "{}: {:?}; peak {} bytes{}; {:.2} ms",
                t.name(),
                exec.outcome,
                exec.peak_bytes,
                if over { " (OVER BOUND)" } else { "" },
                exec.elapsed.as_secs_f64() * 1e3
            );
            all_ok &= exec.outcome.is_ok() && !over;
        }
        return Ok(all_ok);
    }
    let mut all_ok = true;
    let (mut total, mut total_secs) = (0u64, 0f64);
    for t in targets {
        let mut config = Config::new(t, iterations);
        config.seconds = seconds;
        config.seed = seed;
        if let Some(c) = &corpus {
            config.corpus_dir = c.clone();
        }
        if let Some(c) = &crashes {
            config.crash_dir = c.clone();
        }
        let report = run(&config);
        println!("{}", report.summary());
        for c in report.crashes.iter().chain(&report.memory_violations) {
            println!("  FAILED: {c}");
        }
        total += report.executions;
        total_secs += report.elapsed.as_secs_f64();
        all_ok &= report.passed();
    }
    println!(
        "total: {total} executions in {total_secs:.1} s; {}",
        if all_ok {
            "no crash, no memory violation"
        } else {
            "FAILURES above"
        }
    );
    Ok(all_ok)
}
