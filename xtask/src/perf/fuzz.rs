//! `cargo xtask fuzz --seconds N [--target T] [--minimize]`: runs each cargo-fuzz target of
//! `fuzz/` (a workspace of its own) for N seconds, from its checked-in corpus and the spec's
//! example pages, and fails on the first crash.
//!
//! cargo-fuzz is installed at its pinned version on first use (`cargo install --locked`). The
//! targets build on the stable toolchain: `RUSTC_BOOTSTRAP=1` lets it take the `-Z` flags that
//! cargo-fuzz passes. They run without a sanitizer (`-s none`: the code under test is safe
//! Rust) and with debug assertions (`-a`), so an overflow is a crash too. A crash leaves its
//! input under `fuzz/artifacts/<target>/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::util::process;
use crate::util::workspace;

/// The cargo-fuzz this task installs and runs.
pub const CARGO_FUZZ_VERSION: &str = "0.13.1";

/// Each target, and the folder under `fuzz/seeds/` its run starts from (besides its corpus).
const TARGETS: &[(&str, Option<&str>)] = &[
    ("view", Some("view")),
    ("view_mutated", None),
    ("entity", Some("entity")),
    ("mrn", Some("mrn")),
];

/// How long building the targets and installing cargo-fuzz may take.
const BUILD_TIMEOUT: Duration = Duration::from_secs(40 * 60);

/// Runs every target (or only `only`) for `seconds` each, then, with `minimize`, shrinks each
/// corpus to the inputs that keep its coverage.
///
/// # Errors
/// When cargo-fuzz cannot be installed, a target does not build, or one crashes.
pub fn run(seconds: u64, only: Option<&str>, minimize: bool) -> Result<()> {
    let targets: Vec<_> = TARGETS
        .iter()
        .filter(|(name, _)| only.is_none_or(|only| only == *name))
        .collect();
    if targets.is_empty() {
        let names: Vec<_> = TARGETS.iter().map(|(name, _)| *name).collect();
        bail!(
            "no fuzz target {only:?}; the targets are {}",
            names.join(", ")
        );
    }
    install_cargo_fuzz()?;
    process::run(
        fuzz_command("build").args(["-s", "none", "-a"]),
        BUILD_TIMEOUT,
    )?;
    for (name, seeds) in targets {
        let corpus = Path::new("fuzz/corpus").join(name);
        std::fs::create_dir_all(workspace::root().join(&corpus))?;
        let mut command = fuzz_command("run");
        command.args(["-s", "none", "-a", name]).arg(&corpus);
        if let Some(seeds) = seeds {
            command.arg(Path::new("fuzz/seeds").join(seeds));
        }
        command.args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-print_final_stats=1",
        ]);
        process::run(&mut command, BUILD_TIMEOUT + Duration::from_secs(seconds))?;
        if minimize {
            process::run(
                fuzz_command("cmin")
                    .args(["-s", "none", "-a", name])
                    .arg(&corpus),
                BUILD_TIMEOUT,
            )?;
        }
    }
    println!("fuzzing passed: {seconds} s for each target, no crash");
    Ok(())
}

/// `cargo fuzz <subcommand>` on `fuzz/`, from the workspace root, on the stable toolchain.
fn fuzz_command(subcommand: &str) -> Command {
    let mut command = workspace::cargo();
    command
        .args(["fuzz", subcommand, "--fuzz-dir", "fuzz"])
        .current_dir(workspace::root())
        .env("RUSTC_BOOTSTRAP", "1");
    command
}

/// Installs cargo-fuzz at [`CARGO_FUZZ_VERSION`] unless that version is there already.
fn install_cargo_fuzz() -> Result<()> {
    let installed = workspace::cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(CARGO_FUZZ_VERSION));
    if installed {
        return Ok(());
    }
    process::run(
        workspace::cargo().args([
            "install",
            "cargo-fuzz",
            "--locked",
            "--version",
            CARGO_FUZZ_VERSION,
        ]),
        BUILD_TIMEOUT,
    )
}
