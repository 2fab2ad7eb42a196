//! A fuzzer for ondevice that runs on stable Rust (cargo-fuzz and libFuzzer
//! need nightly). It mutates a committed seed corpus (`fuzz/corpus/<target>/`)
//! with byte-level and JSON-aware mutations, feeds each input to a target
//! under `catch_unwind`, and checks that no input panics, breaks a property
//! (see `targets`), or allocates more than `memory_bound(input length)` at
//! its peak. Inputs that reach a new outcome join the in-memory corpus, a
//! cheap stand-in for coverage feedback.
//!
//! A panicking input is saved to `fuzz/crashes/` (git-ignored) before
//! anything else happens, so it is kept even when the build aborts on panic.

pub mod alloc;
pub mod mutate;
pub mod rng;
pub mod targets;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

pub use targets::Target;

/// Peak bytes one input may allocate on top of what was live before it:
/// a fixed allowance (the fixture catalogue, a personalizer, serde's
/// buffers) plus a multiple of the input's length. A small JSON object
/// becomes a B-tree node of ~600 bytes in serde_json, so ~100× the text is
/// normal for tiny inputs; anything that grows with a *number written in*
/// the input (a `Vec::with_capacity(n)` from a length field) breaks it.
pub const BASE_BYTES: usize = 8 << 20;
pub const BYTES_PER_INPUT_BYTE: usize = 128;

pub fn memory_bound(input_len: usize) -> usize {
    BASE_BYTES + BYTES_PER_INPUT_BYTE * input_len
}

/// The corpus grows to at most this many entries.
const MAX_CORPUS: usize = 20_000;
/// Distinct outcomes remembered (error messages quote catalogue-dependent
/// lists, so there are many); beyond this nothing counts as new, which
/// keeps the fuzzer's own memory bounded over millions of executions.
const MAX_OUTCOMES: usize = 200_000;

pub struct Config {
    pub target: Target,
    pub iterations: u64,
    pub seconds: Option<f64>,
    pub seed: u64,
    pub corpus_dir: PathBuf,
    pub crash_dir: PathBuf,
    pub quiet: bool,
}

impl Config {
    pub fn new(target: Target, iterations: u64) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Config {
            target,
            iterations,
            seconds: None,
            seed: 1,
            corpus_dir: root.join("corpus"),
            crash_dir: root.join("crashes"),
            quiet: false,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    pub target: &'static str,
    pub executions: u64,
    pub elapsed: Duration,
    pub ok: u64,
    pub refused: u64,
    pub crashes: Vec<String>,
    pub memory_violations: Vec<String>,
    pub corpus_start: usize,
    pub corpus_end: usize,
    /// Largest peak allocation of one input, and that input's length.
    pub peak_bytes: usize,
    pub peak_input_len: usize,
    /// Largest peak / memory_bound seen (must stay below 1).
    pub worst_bound_ratio: f64,
    pub slowest: Duration,
    pub long_messages: u64,
    pub longest_message: usize,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn passed(&self) -> bool {
        self.crashes.is_empty() && self.memory_violations.is_empty()
    }

    pub fn summary(&self) -> String {
        format!(
            "{}: {} executions in {:.1} s ({:.0}/s); {} accepted, {} refused; corpus {} -> {}; peak {} bytes (input {} bytes; worst {:.0}% of bound); slowest input {:.1} ms; {} error messages over {} bytes (longest {}); {} crash(es), {} memory violation(s)",
            self.target,
            self.executions,
            self.elapsed.as_secs_f64(),
            self.per_second(),
            self.ok,
            self.refused,
            self.corpus_start,
            self.corpus_end,
            self.peak_bytes,
            self.peak_input_len,
            self.worst_bound_ratio * 100.0,
            self.slowest.as_secs_f64() * 1e3,
            self.long_messages,
            targets::LONG_MESSAGE,
            self.longest_message,
            self.crashes.len(),
            self.memory_violations.len()
        )
    }
}

thread_local! {
    static CURRENT: RefCell<(Vec<u8>, &'static str)> = const { RefCell::new((Vec::new(), "")) };
    static IN_EXECUTION: Cell<bool> = const { Cell::new(false) };
}
static HOOK: Once = Once::new();
static CRASH_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());
static SAVED_SITES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// A stable name for an input: FNV-1a of its bytes.
pub fn input_hash(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{h:016x}")
}

fn save(dir: &Path, name: &str, input: &[u8], note: &str) -> PathBuf {
    let _ = fs::create_dir_all(dir);
    let path = dir.join(format!("{name}.json"));
    let _ = fs::write(&path, input);
    let _ = fs::write(dir.join(format!("{name}.txt")), note);
    path
}

/// Saves the running input when a target panics, then records the message.
/// Panics outside a target (a failing test) go to the default hook.
fn install_panic_hook() {
    HOOK.call_once(install_hook_once);
}

fn install_hook_once() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !IN_EXECUTION.with(Cell::get) {
            default(info);
            return;
        }
        let mut location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if !location.starts_with("src/") && !location.starts_with("fuzz/") {
            location = caller_in_core(location);
        }
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let text = format!("panicked at {location}: {message}");
        // The first input per panic site is saved; later ones would only
        // slow a long run that keeps hitting a known defect.
        let new_site = SAVED_SITES
            .lock()
            .map(|mut s| s.insert(location.clone()))
            .unwrap_or(true);
        let dir = CRASH_DIR
            .lock()
            .ok()
            .and_then(|d| d.clone())
            .filter(|_| new_site);
        CURRENT.with(|c| {
            if let (Some(dir), Ok(c)) = (dir, c.try_borrow()) {
                let path = save(&dir, &format!("{}-{}", c.1, input_hash(&c.0)), &c.0, &text);
                if cfg!(panic = "abort") {
                    eprintln!("crash: {text}\n  input saved to {}", path.display());
                }
            }
        });
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = text;
        }
    }));
}

/// A panic inside std (an overflowing `sum`, a slice index) is named by the
/// ondevice line that called it. Symbolizing a backtrace costs tens of MB
/// and milliseconds, so it is done once per std location and remembered:
/// two callers of one std line are reported as the first.
fn caller_in_core(std_location: String) -> String {
    static RESOLVED: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());
    let Ok(mut resolved) = RESOLVED.lock() else {
        return std_location;
    };
    if let Some(known) = resolved.get(&std_location) {
        return known.clone();
    }
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    let named = match trace
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("at ") && l.contains("/src/core/"))
    {
        Some(line) => format!("{} (in {std_location})", line.trim_start_matches("at ")),
        None => std_location.clone(),
    };
    resolved.insert(std_location, named.clone());
    named
}

/// Reads `dir` (one input per file, sorted by name).
pub fn load_corpus(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .filter_map(|e| {
                    Some((
                        e.file_name().to_string_lossy().into_owned(),
                        fs::read(e.path()).ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// One execution with panic capture and memory measurement.
pub struct Execution {
    pub outcome: Result<targets::Outcome, String>,
    pub peak_bytes: usize,
    pub elapsed: Duration,
}

pub fn execute(target: Target, input: &[u8]) -> Execution {
    install_panic_hook();
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        c.0.clear();
        c.0.extend_from_slice(input);
        c.1 = target.name();
    });
    let start = Instant::now();
    let base = alloc::live();
    alloc::reset_peak();
    IN_EXECUTION.with(|f| f.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| target.run(input)));
    IN_EXECUTION.with(|f| f.set(false));
    let peak_bytes = alloc::peak_since(base);
    let elapsed = start.elapsed();
    let outcome = result.map_err(|_| LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default());
    Execution {
        outcome,
        peak_bytes,
        elapsed,
    }
}

/// Runs `f` as if it were a target on `input` (for the harness self-test).
pub fn catch_for_test(input: &[u8], f: impl FnOnce()) -> Result<(), String> {
    install_panic_hook();
    CURRENT.with(|c| *c.borrow_mut() = (input.to_vec(), "selftest"));
    IN_EXECUTION.with(|x| x.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_EXECUTION.with(|x| x.set(false));
    result.map_err(|_| LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default())
}

pub fn run(config: &Config) -> Report {
    if let Ok(mut d) = CRASH_DIR.lock() {
        *d = Some(config.crash_dir.clone());
    }
    install_panic_hook();
    let target = config.target;
    let seeds = load_corpus(&config.corpus_dir.join(target.name()));
    let mut corpus: Vec<Vec<u8>> = seeds.into_iter().map(|(_, b)| b).collect();
    if corpus.is_empty() {
        corpus.push(b"{}".to_vec());
    }
    let mut report = Report {
        target: target.name(),
        corpus_start: corpus.len(),
        ..Report::default()
    };
    let mut rng = rng::Rng::new(config.seed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut accepted: Vec<usize> = Vec::new();
    let mut crash_sites: HashSet<String> = HashSet::new();
    let start = Instant::now();
    let deadline = config.seconds.map(|s| start + Duration::from_secs_f64(s));
    let mut next_progress = start + Duration::from_secs(10);
    let seeds = corpus.len() as u64;
    for i in 0..config.iterations {
        // Seeds first as they are, then mutations of the growing corpus.
        let input = if i < seeds {
            corpus[i as usize].clone()
        } else {
            // Half the time a parent that was accepted (or a seed), so that
            // most inputs stay deep in validation rather than in the parser.
            let parent = if rng.chance(2) && !accepted.is_empty() {
                accepted[rng.below(accepted.len())]
            } else {
                rng.below(corpus.len())
            };
            mutate::mutate(&mut rng, &corpus[parent], &corpus)
        };
        let exec = execute(target, &input);
        report.executions += 1;
        if exec.elapsed > report.slowest {
            report.slowest = exec.elapsed;
            // Kept for a look (quadratic work shows here first); a busy
            // machine also makes ordinary inputs slow now and then.
            if exec.elapsed > Duration::from_millis(100) {
                save(
                    &config.crash_dir,
                    &format!("{}-slowest", target.name()),
                    &input,
                    &format!("{:.1} ms", exec.elapsed.as_secs_f64() * 1e3),
                );
            }
        }
        let bound = memory_bound(input.len());
        let ratio = exec.peak_bytes as f64 / bound as f64;
        if ratio > report.worst_bound_ratio && exec.outcome.is_ok() {
            report.worst_bound_ratio = ratio;
        }
        if exec.peak_bytes > report.peak_bytes && exec.outcome.is_ok() {
            report.peak_bytes = exec.peak_bytes;
            report.peak_input_len = input.len();
        }
        // A panicking input is reported as a crash; its peak includes the
        // panic hook's backtrace, so it is not judged here.
        if exec.peak_bytes > bound && exec.outcome.is_ok() {
            let note = format!(
                "peak allocation {} bytes for a {}-byte input; bound {bound}",
                exec.peak_bytes,
                input.len()
            );
            let path = save(
                &config.crash_dir,
                &format!("{}-memory-{}", target.name(), input_hash(&input)),
                &input,
                &note,
            );
            report
                .memory_violations
                .push(format!("{note}: {}", path.display()));
        }
        match exec.outcome {
            Ok(outcome) => {
                if outcome.ok {
                    report.ok += 1;
                } else {
                    report.refused += 1;
                }
                if outcome.message_len > targets::LONG_MESSAGE {
                    if report.long_messages == 0 {
                        save(
                            &config.crash_dir,
                            &format!("{}-long-message-{}", target.name(), input_hash(&input)),
                            &input,
                            &format!("error message of {} bytes", outcome.message_len),
                        );
                    }
                    report.long_messages += 1;
                    report.longest_message = report.longest_message.max(outcome.message_len);
                }
                if i < seeds && outcome.ok {
                    accepted.push(i as usize);
                }
                let novel = seen.len() < MAX_OUTCOMES && seen.insert(outcome.signature);
                if novel && corpus.len() < MAX_CORPUS && i >= seeds {
                    if outcome.ok {
                        accepted.push(corpus.len());
                    }
                    corpus.push(input);
                }
            }
            Err(message) => {
                // One report per panic site; the input is already saved.
                let site = message.split(": ").next().unwrap_or("").to_string();
                if crash_sites.insert(site) {
                    let name = format!("{}-{}", target.name(), input_hash(&input));
                    report.crashes.push(format!(
                        "{message}\n  input: {}",
                        config.crash_dir.join(format!("{name}.json")).display()
                    ));
                    if !config.quiet {
                        eprintln!(
                            "CRASH {}",
                            report.crashes.last().map(String::as_str).unwrap_or("")
                        );
                    }
                }
            }
        }
        if i % 1024 == 0 {
            let now = Instant::now();
            if deadline.is_some_and(|d| now >= d) {
                break;
            }
            if !config.quiet && now >= next_progress {
                next_progress = now + Duration::from_secs(10);
                let corpus_bytes: usize = corpus.iter().map(Vec::len).sum();
                eprintln!(
                    "  {}: {} executions, {:.0}/s, corpus {} ({} KiB), {} outcomes seen, live heap {} KiB",
                    target.name(),
                    report.executions,
                    report.executions as f64 / (now - start).as_secs_f64(),
                    corpus.len(),
                    corpus_bytes >> 10,
                    seen.len(),
                    alloc::live() >> 10
                );
            }
        }
    }
    report.elapsed = start.elapsed();
    report.corpus_end = corpus.len();
    report
}
