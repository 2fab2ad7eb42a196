//! `ondevice-builder build ...`: the command line over `ondevice_builder::build`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ondevice-builder",
    version,
    about = "Builds an ondevice catalogue (items, popularity, related, next) from a site's interaction log."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read the item list and the log, compute the aggregates, write the
    /// catalogue (JSON or the compact form).
    Build(Box<BuildArgs>),
    /// Write the catalogue from aggregates that the Spark job computed
    /// (builder/spark/aggregates_job.py): the item list is read and checked
    /// as by build, the lists come from the job's Parquet tables.
    Assemble(AssembleArgs),
    /// Estimate the share of people interested in each category from opt-in
    /// locally randomized reports (JSON Lines of privateReport() results).
    Estimate(EstimateArgs),
}

#[derive(clap::Args)]
struct EstimateArgs {
    /// Reports, one JSON object per line; lines that do not parse or fit are counted and skipped.
    #[arg(long)]
    reports: PathBuf,
    /// The catalogue the reports were made with (its non-sensitive categories are the domain).
    #[arg(long)]
    catalogue: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct AssembleArgs {
    /// The job's --out directory: popularity, related, next (Parquet) and manifest.json.
    #[arg(long)]
    aggregates: PathBuf,
    #[command(flatten)]
    site: SiteArgs,
    /// Entries in each related list (default: as many as the job kept).
    #[arg(long)]
    related: Option<u64>,
    /// Entries in each next list (default: as many as the job kept).
    #[arg(long)]
    next: Option<u64>,
    /// Write a candidate catalogue of the N items a site would show first
    /// (run the job with 4x --related and --next so the lists stay full).
    #[arg(long, value_name = "N")]
    max_items: Option<u64>,
    /// The site's ranking weights to publish (a JSON object file).
    #[arg(long, value_name = "FILE")]
    weights: Option<PathBuf>,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

/// The site's files and the catalogue to write: the same options for
/// build and assemble.
#[derive(clap::Args)]
struct SiteArgs {
    /// Item list: .csv (id,title,categories[,published_at][,repeatable]) or .jsonl.
    #[arg(long)]
    items: PathBuf,
    /// Categories: .csv (id[,label][,sensitive]) or .jsonl. Without it, categories come from the items.
    #[arg(long)]
    categories: Option<PathBuf>,
    /// Catalogue to write (atomically: nothing is written on error): JSON, or
    /// the compact form when the name ends in .odc or with --format compact.
    #[arg(long)]
    out: PathBuf,
    /// json or compact (version 2 of the compact form, COMPACT.md); by
    /// default compact when --out ends in .odc, else json.
    #[arg(long, value_parser = ["json", "compact"])]
    format: Option<String>,
    /// Bits per neighbour weight in the compact form: 8 (largest rounding
    /// error 1/510 of the largest weight) or 16 (1/131,070).
    #[arg(long, default_value = "8", value_parser = ["8", "16"])]
    weight_bits: String,
    /// The site's rules (pins, boosts) and placements to publish: a JSON
    /// object {"rules": [...], "placements": {...}} (README, "Catalogue
    /// format"), checked by the core against the catalogue. JSON output only.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

impl SiteArgs {
    /// The catalogue's form from --out's name, --format and --weight-bits.
    fn form(&self) -> Option<ondevice_builder::catalogue::CompactForm> {
        let compact = match self.format.as_deref() {
            Some(f) => f == "compact",
            None => self.out.extension().is_some_and(|e| e == "odc"),
        };
        compact.then_some(if self.weight_bits == "16" {
            ondevice_builder::catalogue::CompactForm::Weights16
        } else {
            ondevice_builder::catalogue::CompactForm::Weights8
        })
    }
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Interaction log: .csv (user,item,timestamp[,kind]), .jsonl or .parquet.
    #[arg(long)]
    events: PathBuf,
    #[command(flatten)]
    site: SiteArgs,
    /// Write a candidate catalogue: the N items a site would show first (by
    /// popularity, keeping every category present), neighbours among them only.
    #[arg(long, value_name = "N")]
    max_items: Option<u64>,
    /// Least number of distinct users a related or next pair needs to be published.
    #[arg(long, default_value_t = 5)]
    k: u64,
    /// Each user's most recent positive events that count; older ones are ignored.
    #[arg(long, default_value_t = 1000)]
    max_events_per_user: u64,
    /// Each user's most recently used distinct positive items that form
    /// `related` pairs (at least 2): bounds the pair stage to users x M^2
    /// (README, "How many items per user make pairs").
    #[arg(long, default_value_t = ondevice_builder::DEFAULT_MAX_PAIR_ITEMS)]
    max_pair_items: u64,
    /// Entries in each item's related list (at most 100). The default (20,
    /// with 10 next) is the smallest that keeps MovieLens-100K's accuracy,
    /// diversity and calibration (README, "How many neighbours").
    #[arg(long, default_value_t = 20)]
    related: u64,
    /// Entries in each item's next list (at most 100).
    #[arg(long, default_value_t = 10)]
    next: u64,
    /// Add Laplace noise to all counts with this total privacy budget.
    #[arg(long)]
    epsilon: Option<f64>,
    /// Seed for the noise, for reproducible site-side runs (keep it secret).
    #[arg(long)]
    seed: Option<u64>,
    /// Also write the normalized events, parameters and SQL results as Parquet to DIR (for the Spark check).
    #[arg(long, value_name = "DIR")]
    dump_normalized: Option<PathBuf>,
    /// The site's ranking weights to publish in the catalogue: a JSON object
    /// of the core's site weights (popularity, related, recentItems, ...),
    /// e.g. fitted on a validation split of this log. Checked like the core
    /// checks them.
    #[arg(long, value_name = "FILE")]
    weights: Option<PathBuf>,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = match Cli::parse().command {
        Command::Build(args) => *args,
        Command::Estimate(args) => return estimate(&args),
        Command::Assemble(args) => return assemble(args),
    };
    let form = args.site.form();
    let options = ondevice_builder::Options {
        events: args.events,
        items: args.site.items,
        categories: args.site.categories,
        out: args.site.out,
        k: args.k,
        max_events_per_user: args.max_events_per_user,
        max_pair_items: args.max_pair_items,
        related: args.related,
        next: args.next,
        epsilon: args.epsilon,
        seed: args.seed,
        dump_normalized: args.dump_normalized,
        weights: args.weights,
        rules: args.site.rules,
        form,
        max_items: args.max_items,
        quiet: args.quiet,
    };
    finish(ondevice_builder::build(&options))
}

fn finish(result: ondevice_builder::error::Result<ondevice_builder::Summary>) -> ExitCode {
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn assemble(args: AssembleArgs) -> ExitCode {
    let form = args.site.form();
    finish(ondevice_builder::assemble(
        &ondevice_builder::AssembleOptions {
            aggregates: args.aggregates,
            items: args.site.items,
            categories: args.site.categories,
            out: args.site.out,
            form,
            related: args.related,
            next: args.next,
            max_items: args.max_items,
            weights: args.weights,
            rules: args.site.rules,
            quiet: args.quiet,
        },
    ))
}

fn estimate(args: &EstimateArgs) -> ExitCode {
    match ondevice_builder::estimate::run(&args.reports, &args.catalogue) {
        Ok(e) if args.json => match serde_json::to_string_pretty(&e) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        },
        Ok(e) => {
            print!("{}", ondevice_builder::estimate::table(&e));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
