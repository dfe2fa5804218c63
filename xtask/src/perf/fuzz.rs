//! `cargo xtask fuzz --seconds N [--target T] [--minimize | --keep-corpus]`: runs each cargo-fuzz
//! target of `fuzz/` (a workspace of its own) for N seconds, from its checked-in corpus and the
//! spec's example pages, and fails on the first crash.
//!
//! New inputs go into the checked-in corpus, `fuzz/corpus/<target>/`, unless `--keep-corpus`
//! (the gate's run) sends them to `fuzz-corpus/<target>/` in the target directory instead,
//! emptied first, so that the work tree is left as it was.
//!
//! cargo-fuzz is installed at its pinned version on first use, into `tools/cargo/`. The
//! targets build on the stable toolchain: `RUSTC_BOOTSTRAP=1` lets it take the `-Z` flags that
//! cargo-fuzz passes. They run without a sanitizer (`-s none`: the code under test is safe
//! Rust) and with debug assertions (`-a`), so an overflow is a crash too. A crash leaves its
//! input under `fuzz/artifacts/<target>/`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::util::cargo_tool::CargoTool;
use crate::util::process;
use crate::util::workspace;

/// The cargo-fuzz this task installs and runs.
const CARGO_FUZZ: CargoTool = CargoTool {
    package: "cargo-fuzz",
    subcommand: "fuzz",
    version: "0.13.1",
};

/// Each target, and the folder under `fuzz/seeds/` its run starts from (besides its corpus).
const TARGETS: &[(&str, Option<&str>)] = &[
    ("view", Some("view")),
    ("view_mutated", None),
    ("entity", Some("entity")),
    ("mrn", Some("mrn")),
];

/// How long building the targets and installing cargo-fuzz may take.
const BUILD_TIMEOUT: Duration = Duration::from_secs(40 * 60);

/// What a run does with its corpus.
#[derive(Clone, Copy, PartialEq)]
pub enum Corpus {
    /// Add new inputs to the checked-in corpus.
    Grow,
    /// Add new inputs to the checked-in corpus, then shrink it to the inputs that keep its
    /// coverage (`cargo fuzz cmin`).
    GrowAndMinimize,
    /// Leave the checked-in corpus as it is: new inputs go to a scratch folder in the target
    /// directory.
    Keep,
}

/// Runs every target (or only `only`) for `seconds` each, from its corpus and seeds.
///
/// # Errors
/// When cargo-fuzz cannot be installed, a target does not build, or one crashes.
pub fn run(seconds: u64, only: Option<&str>, corpus_use: Corpus) -> Result<()> {
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
    process::run(
        fuzz_command("build")?.args(["-s", "none", "-a"]),
        BUILD_TIMEOUT,
    )?;
    for (name, seeds) in targets {
        let corpus = Path::new("fuzz/corpus").join(name);
        std::fs::create_dir_all(workspace::root().join(&corpus))?;
        let mut command = fuzz_command("run")?;
        command.args(["-s", "none", "-a", name]);
        // libFuzzer writes new inputs into the first folder and only reads the others.
        if corpus_use == Corpus::Keep {
            let scratch = workspace::target_dir()?.join("fuzz-corpus").join(name);
            if scratch.exists() {
                std::fs::remove_dir_all(&scratch)
                    .with_context(|| format!("emptying {}", scratch.display()))?;
            }
            std::fs::create_dir_all(&scratch)
                .with_context(|| format!("creating {}", scratch.display()))?;
            command.arg(scratch);
        }
        command.arg(&corpus);
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
        if corpus_use == Corpus::GrowAndMinimize {
            process::run(
                fuzz_command("cmin")?
                    .args(["-s", "none", "-a", name])
                    .arg(&corpus),
                BUILD_TIMEOUT,
            )?;
        }
    }
    println!("fuzzing passed: {seconds} s for each target, no crash");
    Ok(())
}

/// `cargo fuzz <subcommand>` on `fuzz/`, from the workspace root, on the stable toolchain;
/// installs cargo-fuzz first if it is not there.
fn fuzz_command(subcommand: &str) -> Result<Command> {
    let mut command = CARGO_FUZZ.command()?;
    command
        .args([subcommand, "--fuzz-dir", "fuzz"])
        .env("RUSTC_BOOTSTRAP", "1");
    Ok(command)
}
