//! Project chores: `cargo xtask codegen [--check]`, `cargo xtask ci`, and the spec's tools:
//! `bundle [--check]`, `lint`, `contract`, `redocly-drift`, `typescript`, `python`, `clients`, `docs`, `tools`,
//! `spec-proof`, `schemathesis`, the release checks `package`, `msrv`, `rustls` and `user-build`,
//! `bench` and `build-time`, and the hardening runs `fuzz --seconds N`, `load` and `mutants`.

mod ci;
mod codegen;
mod perf;
mod release;
mod spec;
mod user_build;
mod util;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "amazon-music-rs project chores")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the models and client crates from the OpenAPI document.
    Codegen {
        /// Regenerate in memory and fail if a checked-in file differs.
        #[arg(long)]
        check: bool,
    },
    /// Run the whole gate: fmt, clippy, codegen --check, every test.
    Ci,
    /// Run Schemathesis against the mock: every check, the examples, coverage and fuzzing
    /// phases; fail on any failure or warning.
    Schemathesis {
        /// The time budget of the run, in seconds (the fuzzing phase fills it).
        #[arg(long, default_value_t = 75)]
        seconds: u64,
    },
    /// Write the spec as published for other languages: openapi/dist/*.json and *.yaml.
    Bundle {
        /// Bundle in memory and fail if a checked-in file differs.
        #[arg(long)]
        check: bool,
    },
    /// Lint the spec with Redocly CLI (redocly.yaml); fail on any error or warning.
    Lint,
    /// Drive every operation of the generated client against a Prism mock of the spec.
    Contract,
    /// Run Redocly's `drift` and amazon-music-drift on the fixture recording, and check that
    /// drift finds everything Redocly finds.
    RedoclyDrift,
    /// Generate TypeScript types (openapi-typescript) and type-check a program with tsc.
    Typescript,
    /// Generate pydantic models (datamodel-code-generator) and validate every example.
    Python,
    /// Generate Python, TypeScript and Rust clients from the published spec with other
    /// languages' generators and run each against the mock (Rust: a known failure, watched).
    Clients,
    /// Build the HTML reference into docs/ of the target directory with Redocly.
    Docs {
        /// Also render it with headless Chromium to docs/reference.png.
        #[arg(long)]
        screenshot: bool,
    },
    /// Prove that one spec edit reaches every layer: a scratch copy with a new operation and
    /// entity type, regenerated, built, and called through the SDK, the mock and the CLI.
    SpecProof,
    /// Install the pinned npm and Python tools under tools/ (done on first use anyway).
    Tools,
    /// Check every published crate's metadata and build each from its packaged `.crate`.
    Package,
    /// Measure a client's peak memory streaming 1,000 and 100,000 entities from the mock in
    /// another process, and the mock's pages' sizes as sent and gzipped.
    BenchMemory,
    /// Time `amzn-music export` against the mock at 50 ms a response: at concurrency 8 and 1,
    /// its longest chain alone, and under the mock's limit of 20 requests a second.
    BenchExport,
    /// Check that no dependency needs a newer Rust than the declared `rust-version`.
    Msrv,
    /// Test the SDK and the client with `rustls` in place of the default `native-tls`.
    Rustls,
    /// Resolve a scratch copy of the workspace afresh (`cargo update`), run clippy on the
    /// published crates there, and build and run a new user's app beside them.
    UserBuild,
    /// Run every benchmark and print each performance ratio against its target.
    Bench {
        /// Leave out the clean builds of the minimal apps (minutes).
        #[arg(long)]
        skip_build_time: bool,
    },
    /// Build a minimal app on the SDK and the same app on rspotify 0.15 from clean, and compare.
    BuildTime {
        /// Clean builds of each app (alternating); the fastest of each counts.
        #[arg(long, default_value_t = 1)]
        runs: usize,
    },
    /// Run each cargo-fuzz target of fuzz/ (the view decoder, the Entity union, Mrn parsing)
    /// for a while, from its corpus; fail on a crash. Installs the pinned cargo-fuzz.
    Fuzz {
        /// How long each target runs, in seconds.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Run only this target (view, view_mutated, entity or mrn).
        #[arg(long)]
        target: Option<String>,
        /// Afterwards, shrink each corpus to the inputs that keep its coverage (`cargo fuzz cmin`).
        #[arg(long, conflicts_with = "keep_corpus")]
        minimize: bool,
        /// Leave fuzz/corpus/ as checked in: new inputs go to fuzz-corpus/ in the target
        /// directory (the gate's run).
        #[arg(long)]
        keep_corpus: bool,
    },
    /// Run cargo-mutants on the SDK's hand-written core (.cargo/mutants.toml), in a copy of
    /// the work tree, each mutant tested with nextest; the report goes to mutants/ in the
    /// target directory. Installs the pinned cargo-mutants.
    Mutants {
        /// Mutate only this file (repeatable), a path from the workspace root.
        #[arg(long = "file", value_name = "PATH")]
        files: Vec<std::path::PathBuf>,
        /// Mutate only the lines changed since this git revision (`git diff BASE`).
        #[arg(long, value_name = "BASE")]
        in_diff: Option<String>,
        /// More arguments for cargo-mutants, after `--` (`-- --iterate`, `-- --list`).
        #[arg(last = true)]
        extra: Vec<String>,
    },
    /// Run the 10-second load test (64 concurrent entity streams through one client against
    /// the mock) alone, and print its figures: requests, connections and memory over time.
    Load,
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen { check } => codegen::run(check),
        Command::Ci => ci::run(),
        Command::Schemathesis { seconds } => spec::schemathesis::run(seconds),
        Command::Bundle { check } => spec::bundle::run(check),
        Command::Lint => spec::lint::run(),
        Command::Contract => spec::contract::run(),
        Command::RedoclyDrift => spec::drift::run(),
        Command::Typescript => spec::typescript::run(),
        Command::Python => spec::python::run(),
        Command::Clients => spec::clients::run(),
        Command::Docs { screenshot } => spec::docs::run(screenshot),
        Command::SpecProof => spec::proof::run(),
        Command::Tools => spec::tools::run(),
        Command::Package => release::package(),
        Command::BenchMemory => perf::bench_memory::run(),
        Command::BenchExport => perf::bench_export::run(),
        Command::Msrv => release::msrv(),
        Command::Rustls => release::rustls(),
        Command::UserBuild => user_build::run(),
        Command::Bench { skip_build_time } => perf::bench::run(!skip_build_time),
        Command::BuildTime { runs } => perf::build_time::run(runs),
        Command::Fuzz {
            seconds,
            target,
            minimize,
            keep_corpus,
        } => {
            let corpus = match (minimize, keep_corpus) {
                (_, true) => perf::fuzz::Corpus::Keep,
                (true, false) => perf::fuzz::Corpus::GrowAndMinimize,
                (false, false) => perf::fuzz::Corpus::Grow,
            };
            perf::fuzz::run(seconds, target.as_deref(), corpus)
        }
        Command::Load => perf::load::run(),
        Command::Mutants {
            files,
            in_diff,
            extra,
        } => perf::mutants::run(&perf::mutants::Selection {
            files: &files,
            in_diff: in_diff.as_deref(),
            extra: &extra,
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
