//! `amzn-music`: browse the Amazon Music Web API views from a terminal.

mod api;
mod atomic;
mod auth;
mod cli;
mod colour;
mod commands;
mod config;
mod credentials;
mod doctor;
mod drift;
mod error;
mod export;
mod ids;
mod login_store;
mod manual;
mod output;
mod page_size;
mod progress;
mod resolve;
mod summary;
mod table;

use std::process::ExitCode;

use std::io::IsTerminal;

use clap::FromArgMatches;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let parsed = cli::command()
        .try_get_matches_from(&args)
        .and_then(|matches| cli::Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => match cli::misplaced_paging_flag(&error, &args) {
            Some(usage) => {
                colour::print_error(&usage.to_string());
                return ExitCode::from(error::EXIT_USAGE);
            }
            None => error.exit(),
        },
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(failure) => {
            colour::print_error(&format!("could not start the async runtime: {failure}"));
            return ExitCode::from(error::EXIT_FAILURE);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        Err(failure) if is_closed_pipe(&failure) => ExitCode::from(error::EXIT_OK),
        Err(failure) => {
            let (code, message) = error::report(&failure);
            colour::print_error(&message);
            ExitCode::from(code)
        }
    }
}

/// Whether the failure is stdout closing early (`amzn-music ... | head`): not an error.
fn is_closed_pipe(failure: &anyhow::Error) -> bool {
    failure.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
