//! Project chores: `cargo xtask codegen [--check]`, `cargo xtask ci`.

mod ci;
mod codegen;
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
}

fn main() -> std::process::ExitCode {
    let result = match Cli::parse().command {
        Command::Codegen { check } => codegen::run(check),
        Command::Ci => ci::run(),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
