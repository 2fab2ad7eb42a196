//! ondevice-builder: turns a site's interaction log into an ondevice catalogue
//! (catalogue format v1) with popularity, `related` and `next` computed as SQL
//! on an embedded DataFusion, k-anonymity on every published pair, and
//! optional Laplace noise. See `builder/README.md`.

pub mod aggregates;
pub mod assemble;
pub mod catalogue;
mod dump;
pub mod error;
pub mod estimate;
pub mod events;
pub mod fields;
mod input;
pub mod items;
pub mod limits;
pub mod noise;
mod parquet_events;
pub mod progress;

use std::path::PathBuf;

use aggregates::Params;
use error::{BuildError, Result};
use limits::MAX_NEIGHBOURS;
use noise::{CountTable, Noise};
use progress::Progress;

/// `--max-pair-items` when not given (chosen from the table in the README,
/// "How many items per user make pairs").
pub const DEFAULT_MAX_PAIR_ITEMS: u64 = 200;

/// Everything the `build` command takes.
#[derive(Debug, Clone)]
pub struct Options {
    pub events: PathBuf,
    pub items: PathBuf,
    pub categories: Option<PathBuf>,
    pub out: PathBuf,
    /// Least number of distinct users a published pair needs.
    pub k: u64,
    /// Each user's most recent positive events kept.
    pub max_events_per_user: u64,
    /// Each user's latest distinct positive items that form `related` pairs.
    pub max_pair_items: u64,
    pub related: u64,
    pub next: u64,
    pub epsilon: Option<f64>,
    pub seed: Option<u64>,
    pub dump_normalized: Option<PathBuf>,
    /// The site's ranking weights to publish (a JSON object file).
    pub weights: Option<PathBuf>,
    /// The site's rules and placements to publish (a JSON object file).
    pub rules: Option<PathBuf>,
    /// JSON (None) or the compact form (see COMPACT.md).
    pub form: Option<catalogue::CompactForm>,
    /// Write a candidate catalogue of at most this many items (None: all).
    pub max_items: Option<u64>,
    pub quiet: bool,
}

/// What a build produced, for the closing line and for tests.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub items: usize,
    pub events: usize,
    pub users: usize,
    pub published: catalogue::Published,
    pub bytes: usize,
    pub seconds: f64,
}

impl Options {
    fn check(&self) -> Result<()> {
        if self.k == 0 {
            return Err(BuildError::option(
                "--k",
                "0 is not allowed; at least 1 (and 5 or more to mean anything)",
            ));
        }
        if self.max_events_per_user == 0 {
            return Err(BuildError::option(
                "--max-events-per-user",
                "0 is not allowed; at least 1",
            ));
        }
        if self.max_pair_items < 2 {
            return Err(BuildError::option(
                "--max-pair-items",
                format!(
                    "{} is not allowed; at least 2 (a pair needs two items)",
                    self.max_pair_items
                ),
            ));
        }
        for (option, value) in [("--related", self.related), ("--next", self.next)] {
            if value > MAX_NEIGHBOURS as u64 {
                return Err(BuildError::option(
                    option,
                    format!("{value} is more than the core accepts; allowed: 0..={MAX_NEIGHBOURS}"),
                ));
            }
        }
        if let Some(e) = self.epsilon {
            if !(e.is_finite() && e > 0.0) {
                return Err(BuildError::option(
                    "--epsilon",
                    format!("{e} is not allowed; a finite number above 0"),
                ));
            }
        }
        if self.max_items == Some(0) {
            return Err(BuildError::option(
                "--max-items",
                "0 is not allowed; at least 1",
            ));
        }
        if self.seed.is_some() && self.epsilon.is_none() {
            return Err(BuildError::option(
                "--seed",
                "seeds the noise, so it needs --epsilon",
            ));
        }
        match self.out.parent() {
            Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => Err(BuildError::option(
                "--out",
                format!(
                    "{}: directory {} does not exist",
                    self.out.display(),
                    dir.display()
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Reads, validates, computes and writes the catalogue. On any error no
/// output file is left behind.
pub fn build(options: &Options) -> Result<Summary> {
    options.check()?;
    let progress = Progress::new(options.quiet);
    let (items, weights, rules) = read_site(
        &options.items,
        options.categories.as_deref(),
        (options.weights.as_deref(), options.rules.as_deref()),
        &progress,
    )?;
    let events = events::read_events(&options.events, &items, &options.items, &progress)?;
    progress.say(format_args!(
        "{}: {} events from {} users",
        options.events.display(),
        events.len(),
        events.users
    ));

    // A candidate catalogue drops neighbours outside it: the SQL keeps
    // more of each list (x4, at most 100) so that its lists stay full.
    let room = |n: u64| match options.max_items {
        Some(_) => (n * 4).min(MAX_NEIGHBOURS as u64),
        None => n,
    };
    let params = Params {
        k: options.k,
        max_events_per_user: options.max_events_per_user,
        max_pair_items: options.max_pair_items,
        related: room(options.related),
        next: room(options.next),
    };
    let mut noise = options.epsilon.map(|e| {
        Noise::new(
            e,
            options.max_events_per_user,
            options.max_pair_items,
            options.seed,
        )
    });
    if let Some(n) = &noise {
        report_privacy(n, options.k, &progress);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(1, 8),
        )
        .build()
        .map_err(|e| BuildError::engine("runtime", e))?;
    let aggregates = runtime.block_on(aggregates::compute(
        &items,
        &events,
        params,
        noise.as_mut(),
        options.dump_normalized.as_deref(),
        &progress,
    ))?;

    publish(
        &items,
        &aggregates,
        Output {
            out: &options.out,
            form: options.form,
            weights: weights.as_ref(),
            rules: rules.as_ref(),
            max_items: options.max_items,
            related: options.related,
            next: options.next,
        },
        (events.len(), events.users),
        &progress,
    )
}

/// The site's own files, read and checked the same way by `build` and
/// `assemble`: the item list (with its categories file, if any) and the
/// ranking weights to publish.
fn read_site(
    items_path: &std::path::Path,
    categories: Option<&std::path::Path>,
    (weights, rules): (Option<&std::path::Path>, Option<&std::path::Path>),
    progress: &Progress,
) -> Result<(
    items::ItemList,
    Option<catalogue::JsonObject>,
    Option<catalogue::JsonObject>,
)> {
    let weights = weights.map(catalogue::read_weights).transpose()?;
    let rules = rules.map(catalogue::read_rules).transpose()?;
    let categories = match categories {
        Some(path) => {
            let c = items::read_categories(path)?;
            progress.say(format_args!("{}: {} categories", path.display(), c.len()));
            Some(c)
        }
        None => None,
    };
    let items = items::read_items(items_path, categories)?;
    progress.say(format_args!(
        "{}: {} items, {} categories",
        items_path.display(),
        items.items.len(),
        items.categories.len()
    ));
    Ok((items, weights, rules))
}

/// Where and how a catalogue is written (shared by `build` and `assemble`).
struct Output<'a> {
    out: &'a std::path::Path,
    form: Option<catalogue::CompactForm>,
    weights: Option<&'a serde_json::Map<String, serde_json::Value>>,
    rules: Option<&'a serde_json::Map<String, serde_json::Value>>,
    max_items: Option<u64>,
    related: u64,
    next: u64,
}

/// Keeps the candidate items (`--max-items`), renders the catalogue, writes
/// it atomically and says what it holds.
fn publish(
    items: &items::ItemList,
    aggregates: &aggregates::Aggregates,
    output: Output<'_>,
    (events, users): (usize, usize),
    progress: &Progress,
) -> Result<Summary> {
    let keep = output.max_items.map(|n| {
        let keep = catalogue::candidates(items, &aggregates.popularity, n as usize);
        progress.say(format_args!(
            "--max-items {n}: {} of {} items kept (every category with items keeps one)",
            keep.iter().filter(|&&k| k).count(),
            items.items.len()
        ));
        keep
    });
    let shape = catalogue::Shape {
        weights: output.weights,
        rules: output.rules,
        form: output.form,
        keep: keep.as_deref(),
        related: output.related as usize,
        next: output.next as usize,
    };
    let (bytes, published) = catalogue::render(items, aggregates, shape)?;
    catalogue::write_atomically(output.out, &bytes)?;
    let summary = Summary {
        items: keep
            .as_ref()
            .map_or(items.items.len(), |k| k.iter().filter(|&&x| x).count()),
        events,
        users,
        published,
        bytes: bytes.len(),
        seconds: progress.seconds(),
    };
    progress.say(format_args!(
        "wrote {} ({} bytes): {} items; related for {} items ({} entries); next for {} items ({} entries)",
        output.out.display(),
        summary.bytes,
        summary.items,
        published.items_with_related,
        published.related_entries,
        published.items_with_next,
        published.next_entries
    ));
    Ok(summary)
}

/// Everything the `assemble` command takes.
#[derive(Debug, Clone)]
pub struct AssembleOptions {
    /// The Spark job's output directory.
    pub aggregates: PathBuf,
    pub items: PathBuf,
    pub categories: Option<PathBuf>,
    pub out: PathBuf,
    pub form: Option<catalogue::CompactForm>,
    /// Entries per list (None: as many as the job published).
    pub related: Option<u64>,
    pub next: Option<u64>,
    pub max_items: Option<u64>,
    pub weights: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub quiet: bool,
}

/// The catalogue from aggregates computed elsewhere (the Spark job): the same
/// item list checks, rendering and writing as `build`.
pub fn assemble(options: &AssembleOptions) -> Result<Summary> {
    let job = assemble::read_manifest(&options.aggregates)?;
    for (option, value, limit) in [
        ("--related", options.related, job.related),
        ("--next", options.next, job.next),
    ] {
        if let Some(v) = value.filter(|&v| v > limit) {
            return Err(BuildError::option(
                option,
                format!("{v} is more than the aggregates hold (the job ran with {option} {limit})"),
            ));
        }
    }
    if options.max_items == Some(0) {
        return Err(BuildError::option(
            "--max-items",
            "0 is not allowed; at least 1",
        ));
    }
    let progress = Progress::new(options.quiet);
    let (items, weights, rules) = read_site(
        &options.items,
        options.categories.as_deref(),
        (options.weights.as_deref(), options.rules.as_deref()),
        &progress,
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| BuildError::engine("runtime", e))?;
    let aggregates = runtime.block_on(assemble::read(&options.aggregates, &items))?;
    progress.say(format_args!(
        "{}: aggregates read",
        options.aggregates.display()
    ));
    publish(
        &items,
        &aggregates,
        Output {
            out: &options.out,
            form: options.form,
            weights: weights.as_ref(),
            rules: rules.as_ref(),
            max_items: options.max_items,
            related: options.related.unwrap_or(job.related),
            next: options.next.unwrap_or(job.next),
        },
        (0, 0),
        &progress,
    )
}

/// States on stderr what the noise costs and buys: epsilon per table, scale,
/// and the delta bound of the thresholded tables.
fn report_privacy(noise: &Noise, k: u64, progress: &Progress) {
    for table in CountTable::ALL {
        let d = noise.delta(table, k);
        progress.say(format_args!(
            "noise on {}: epsilon {} (of {}), sensitivity {}, Laplace scale {:.3}{}",
            table.view(),
            noise.epsilon_per_table(),
            noise.epsilon(),
            noise.sensitivity(table),
            noise.scale(table),
            if table.thresholded() {
                format!(", delta <= {d:.3e} at k = {k}")
            } else {
                String::new()
            }
        ));
    }
    let delta = noise.total_delta(k);
    progress.say(format_args!(
        "privacy of the counts: ({}, {delta:.3e})-differential privacy per user",
        noise.epsilon()
    ));
    if delta > 1e-6 {
        progress.say(format_args!(
            "WARNING: delta {delta:.3e} is too large to mean much; with this cap and epsilon, delta <= 1e-6 needs --k {} \
             (or lower --max-events-per-user; see builder/README.md, Privacy)",
            noise.k_for_delta(1e-6)
        ));
    }
}
