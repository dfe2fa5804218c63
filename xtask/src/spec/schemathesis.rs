//! `cargo xtask schemathesis [--seconds N]`: Schemathesis (pinned in `tools/requirements.txt`)
//! generates requests from the published spec and checks every response of the project's mock:
//! all its checks, in the examples, coverage and fuzzing phases, for a bounded time. Any failure
//! fails the step, and so does any warning (`tools/schemathesis.toml`): a "missing test data"
//! warning means a spec example no longer reaches a real page of the mock.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::spec::bundle::{self, DIST_YAML};
use crate::spec::contract::{self, MOCK_LISTENING, Server};
use crate::spec::tools;
use crate::util::process;

/// The settings Schemathesis cannot take from the spec, each with the reason it is there.
const CONFIG: &str = "tools/schemathesis.toml";
/// The mock's library: several pages in every view, and quick to build.
const LIBRARY_SIZE: &str = "300";
/// Schemathesis's own start-up and report, on top of its time budget.
const OVERHEAD: Duration = Duration::from_secs(120);

/// Starts the mock and runs Schemathesis against it for `seconds` (its fuzzing phase repeats
/// until the budget is spent).
///
/// # Errors
/// When the bundle is stale, the tools cannot be installed, the mock does not start, or
/// Schemathesis reports a failure or a warning.
pub fn run(seconds: u64) -> Result<()> {
    let started = Instant::now();
    bundle::require_up_to_date()?;
    let python = tools::python()?;
    let binary = contract::command_line_binary()?;
    let mut mock = Server::start(
        contract::mock_command(&binary, LIBRARY_SIZE),
        MOCK_LISTENING,
    )?;
    let result = schemathesis(&python, &mock, seconds);
    mock.stop(result.is_err());
    result?;
    println!(
        "schemathesis: every check passed in {}s",
        started.elapsed().as_secs()
    );
    Ok(())
}

/// One Schemathesis run against `mock`.
fn schemathesis(python: &tools::PythonTools, mock: &Server, seconds: u64) -> Result<()> {
    let (api_key, token) = mock.mock_credentials()?;
    let mut command = python.command("schemathesis");
    command
        .args(["--config-file", CONFIG, "run", DIST_YAML])
        .args(["--url", &mock.url])
        .args(["--header", &format!("x-api-key: {api_key}")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-time", &seconds.to_string()])
        .env("NO_COLOR", "1");
    process::run(&mut command, Duration::from_secs(seconds) + OVERHEAD)
        .context("Schemathesis found a failure or a warning (its report is above)")
}
