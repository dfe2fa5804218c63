//! `cargo xtask mutants [--file PATH] [--in-diff BASE] [-- ARGS]`: mutation testing of the
//! SDK's hand-written core with cargo-mutants, each mutant tested with nextest.
//!
//! What is mutated, what is left out (each exclusion with its reason), the test tool and the
//! per-mutant timeout are in `.cargo/mutants.toml`: the SDK's `src/` and the models crate's
//! `mrn.rs`, `entity.rs`, `kept.rs` and `operation.rs`, never a generated file. Each mutant is
//! tested with the tests of the package it is in.
//!
//! The work tree is never mutated: the task copies it (the files git knows of) to
//! `mutants/tree/` in the target directory and runs cargo-mutants in place there, so the work
//! tree stays free to edit and build during a run. The copy builds into `mutants/target/`, a
//! target directory of its own: cargo names a workspace crate's build by its path relative to
//! the workspace, so the copy and the work tree sharing one would overwrite each other's
//! builds. Its first build is from scratch; later runs rebuild only the workspace's crates.
//! The report (`mutants.out/`: `caught.txt`, `missed.txt`, `timeout.txt`, `unviable.txt`,
//! `outcomes.json`) goes to `mutants/`, and the task ends by printing each file's score.
//! cargo-mutants is installed at its pinned version on first use, into `tools/cargo/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::util::cargo_tool::CargoTool;
use crate::util::process;
use crate::util::workspace;

/// The cargo-mutants this task installs and runs.
const CARGO_MUTANTS: CargoTool = CargoTool {
    package: "cargo-mutants",
    subcommand: "mutants",
    version: "27.1.0",
};

/// A run over every file takes hours on two shared cores; longer than this, it hangs.
const RUN_TIMEOUT: Duration = Duration::from_secs(12 * 60 * 60);

/// What to mutate: every file `.cargo/mutants.toml` leaves in, or fewer.
pub struct Selection<'a> {
    /// Only these files (paths from the workspace root).
    pub files: &'a [PathBuf],
    /// Only the lines changed since this git revision.
    pub in_diff: Option<&'a str>,
    /// More arguments for cargo-mutants (`--iterate`, `--list`, ...).
    pub extra: &'a [String],
}

/// Runs cargo-mutants on the selection, in a copy of the work tree, and prints where its
/// report is.
///
/// # Errors
/// When cargo-mutants cannot be installed, a named file does not exist, the tree cannot be
/// copied or the diff taken, cargo-mutants fails (its baseline, say), or the report has a
/// missed mutant (`missed.txt` names each one). A timeout counts as caught.
pub fn run(selection: &Selection) -> Result<()> {
    let root = workspace::root();
    for file in selection.files {
        if !root.join(file).is_file() {
            bail!("no file {} in the workspace", file.display());
        }
    }
    let output = workspace::target_dir()?.join("mutants");
    let tree = output.join("tree");
    workspace::copy_to(&tree)?;
    let mut command = CARGO_MUTANTS.command()?;
    command
        .current_dir(&tree)
        .env("CARGO_TARGET_DIR", output.join("target"))
        .arg("--in-place")
        .arg("--output")
        .arg(&output);
    for file in selection.files {
        command.arg("--file").arg(file);
    }
    if let Some(base) = selection.in_diff {
        command.arg("--in-diff").arg(write_diff(base, &output)?);
    }
    command.args(selection.extra);
    let started = std::time::SystemTime::now();
    let status = process::status(&mut command, RUN_TIMEOUT)?;
    let report = output.join("mutants.out");
    let outcomes = report.join("outcomes.json");
    // Not a report an earlier run left (`-- --list` writes none).
    let this_run = std::fs::metadata(&outcomes)
        .and_then(|metadata| metadata.modified())
        .is_ok_and(|modified| modified >= started);
    let mut missed = 0;
    if this_run {
        let outcomes = std::fs::read_to_string(&outcomes)
            .with_context(|| format!("reading {}", outcomes.display()))?;
        let scores = file_scores(&outcomes)?;
        missed = scores.values().map(|score| score.missed).sum();
        print!("{}", score_table(&scores));
    }
    println!("the report is in {}", report.display());
    verdict(status, this_run.then_some(missed))
}

/// Whether a run passed, from cargo-mutants' exit status and the number of mutants its report
/// says were missed (`None`: it wrote no report).
fn verdict(status: std::process::ExitStatus, missed: Option<usize>) -> Result<()> {
    match (status.code(), missed) {
        (Some(CAUGHT_ALL), _) => Ok(()),
        // Exit 3 (a timeout) outranks exit 2 (a miss), and a timeout counts as caught: the
        // report decides.
        (Some(MISSED | TIMED_OUT), Some(0)) => Ok(()),
        (Some(MISSED | TIMED_OUT), Some(missed)) => {
            bail!("{missed} mutants missed, each named in the report's missed.txt")
        }
        _ => bail!("cargo-mutants failed ({status})"),
    }
}

/// cargo-mutants' exit code when every mutant was caught.
const CAUGHT_ALL: i32 = 0;
/// Its exit code when a mutant was missed.
const MISSED: i32 = 2;
/// Its exit code when a mutant's tests timed out, whether or not another was missed.
const TIMED_OUT: i32 = 3;

/// The outcomes of each file's mutants, counted from cargo-mutants' `outcomes.json`.
#[derive(Default)]
struct FileScore {
    caught: usize,
    missed: usize,
    timeout: usize,
    unviable: usize,
}

/// The outcomes of each file's mutants in cargo-mutants' `outcomes.json`, by file.
fn file_scores(outcomes: &str) -> Result<BTreeMap<String, FileScore>> {
    let outcomes: serde_json::Value =
        serde_json::from_str(outcomes).context("reading cargo-mutants' outcomes.json")?;
    let mut files = BTreeMap::<String, FileScore>::new();
    for outcome in outcomes["outcomes"].as_array().into_iter().flatten() {
        let Some(file) = outcome["scenario"]["Mutant"]["file"].as_str() else {
            continue; // the baseline
        };
        let score = files.entry(file.to_owned()).or_default();
        match outcome["summary"].as_str() {
            Some("CaughtMutant") => score.caught += 1,
            Some("MissedMutant") => score.missed += 1,
            Some("Timeout") => score.timeout += 1,
            Some("Unviable") => score.unviable += 1,
            other => bail!("an outcome of {file} cargo-mutants calls {other:?}"),
        }
    }
    Ok(files)
}

/// A Markdown table of each file's outcomes and its score: caught (timeouts counting as
/// caught) over caught and missed, the unviable left out.
fn score_table(files: &BTreeMap<String, FileScore>) -> String {
    let mut table = String::from(
        "| file | caught | missed | timeout | unviable | score |\n|---|---|---|---|---|---|\n",
    );
    for (file, score) in files {
        let killed = score.caught + score.timeout;
        let viable = killed + score.missed;
        let percent = (killed * 100)
            .checked_div(viable)
            .map_or_else(|| "-".to_owned(), |percent| format!("{percent}%"));
        table.push_str(&format!(
            "| `{file}` | {} | {} | {} | {} | {percent} |\n",
            score.caught, score.missed, score.timeout, score.unviable
        ));
    }
    table
}

/// Writes `git diff BASE` (the work tree against `base`) beside the report, for `--in-diff`.
fn write_diff(base: &str, output: &Path) -> Result<PathBuf> {
    let diff = process::output(
        std::process::Command::new("git")
            .args(["diff", base, "--"])
            .current_dir(workspace::root()),
        Duration::from_secs(60),
    )?;
    let path = output.join("in-diff.patch");
    std::fs::write(&path, diff).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::*;

    /// The status of a process that exited with `code`.
    fn exited(code: i32) -> ExitStatus {
        ExitStatus::from_raw(code << 8)
    }

    #[test]
    fn a_run_passes_when_its_report_has_no_missed_mutant_whatever_the_timeouts() {
        assert!(verdict(exited(0), Some(0)).is_ok());
        assert!(
            verdict(exited(3), Some(0)).is_ok(),
            "timeouts count as caught"
        );
        let error = verdict(exited(3), Some(2)).expect_err("a miss besides a timeout");
        assert!(error.to_string().contains("2 mutants missed"), "{error}");
        assert!(verdict(exited(2), Some(1)).is_err());
        assert!(verdict(exited(4), None).is_err(), "the baseline failed");
        assert!(verdict(exited(3), None).is_err(), "no report to decide by");
    }

    fn outcome(file: &str, summary: &str) -> serde_json::Value {
        serde_json::json!({"scenario": {"Mutant": {"file": file}}, "summary": summary})
    }

    #[test]
    fn the_score_counts_timeouts_as_caught_and_leaves_the_unviable_out() {
        let mut outcomes = vec![serde_json::json!({"scenario": "Baseline", "summary": "Success"})];
        outcomes.extend(
            [
                "CaughtMutant",
                "CaughtMutant",
                "Timeout",
                "MissedMutant",
                "Unviable",
            ]
            .map(|summary| outcome("b.rs", summary)),
        );
        outcomes.push(outcome("a.rs", "Unviable"));
        let json = serde_json::json!({ "outcomes": outcomes }).to_string();
        let table = score_table(&file_scores(&json).expect("the scores"));
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(
            rows,
            [
                "| `a.rs` | 0 | 0 | 0 | 1 | - |",
                "| `b.rs` | 2 | 1 | 1 | 1 | 75% |"
            ]
        );
    }

    #[test]
    fn an_outcome_of_an_unknown_kind_is_an_error() {
        let json = serde_json::json!({ "outcomes": [outcome("a.rs", "Exploded")] }).to_string();
        let error = file_scores(&json).err().expect("an unknown outcome");
        assert!(error.to_string().contains("Exploded"), "{error}");
    }
}
