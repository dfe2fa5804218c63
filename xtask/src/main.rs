//! Project chores: `cargo xtask codegen [--check]`, `cargo xtask ci`, and the spec's tools:
//! `bundle [--check]`, `lint`, `contract`, `typescript`, `python`, `clients`, `docs`, `tools`,
//! `spec-proof`, and the release checks `package`, `msrv` and `native-tls`.

mod bench_memory;
mod bundle;
mod ci;
mod clients;
mod codegen;
mod contract;
mod docs;
mod lint;
mod process;
mod python;
mod release;
mod spec_proof;
mod tools;
mod typescript;
mod workspace;

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
    /// Check that no dependency needs a newer Rust than the declared `rust-version`.
    Msrv,
    /// Test the SDK and the client with `native-tls` in place of rustls.
    NativeTls,
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen { check } => codegen::run(check),
        Command::Ci => ci::run(),
        Command::Bundle { check } => bundle::run(check),
        Command::Lint => lint::run(),
        Command::Contract => contract::run(),
        Command::Typescript => typescript::run(),
        Command::Python => python::run(),
        Command::Clients => clients::run(),
        Command::Docs { screenshot } => docs::run(screenshot),
        Command::SpecProof => spec_proof::run(),
        Command::Tools => tools::run(),
        Command::Package => release::package(),
        Command::BenchMemory => bench_memory::run(),
        Command::Msrv => release::msrv(),
        Command::NativeTls => release::native_tls(),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
