//! `cargo xtask lint`: Redocly CLI's linter on the spec and on its JSON bundle, configured by
//! `redocly.yaml` at the workspace root.
//!
//! Redocly exits non-zero only on errors; this task also fails on any warning, and on any problem
//! hidden by an ignore file, so that the config is the one place where a rule is relaxed (with
//! its reason beside it).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::codegen::SPEC_PATH;
use crate::spec::bundle::{self, DIST_JSON};
use crate::spec::tools;
use crate::util::process;

const CONFIG: &str = "redocly.yaml";
const TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Lints the spec and its JSON bundle.
///
/// # Errors
/// When the bundle is stale, the tools cannot be installed, or the linter reports any problem.
pub fn run() -> Result<()> {
    bundle::require_up_to_date()?;
    let tools = tools::node()?;
    let lint = |format: &str| {
        let mut command = tools.command("redocly");
        command.args([
            "lint",
            "--config",
            CONFIG,
            "--lint-config",
            "error",
            "--format",
            format,
            SPEC_PATH,
            DIST_JSON,
        ]);
        command
    };
    let mut command = lint("json");
    let (_, report) = process::output_and_status(&mut command, TIMEOUT)?;
    let totals = Totals::from_report(&report)
        .with_context(|| format!("reading the report of `{}`", process::describe(&command)))?;
    if totals.is_clean() {
        println!("redocly lint: {SPEC_PATH} and {DIST_JSON}: no errors, no warnings");
        return Ok(());
    }
    // Again, for people: each problem with the lines around it.
    let _ = process::output_and_status(&mut lint("codeframe"), TIMEOUT).map(|(_, text)| {
        println!("{text}");
    });
    bail!(
        "redocly lint: {} error(s), {} warning(s), {} ignored by an ignore file; fix the spec, or \
         relax the rule in {CONFIG} and say why there",
        totals.errors,
        totals.warnings,
        totals.ignored
    );
}

/// The counts of a Redocly JSON report.
#[derive(Debug, PartialEq)]
struct Totals {
    errors: u64,
    warnings: u64,
    ignored: u64,
}

impl Totals {
    /// The sum of the counts of the report, which holds one JSON object per file linted.
    fn from_report(report: &str) -> Result<Self> {
        let mut totals = Self {
            errors: 0,
            warnings: 0,
            ignored: 0,
        };
        let mut files = 0;
        for file in serde_json::Deserializer::from_str(report).into_iter::<Value>() {
            let file = file.context("the report is not JSON")?;
            let count = |name: &str| {
                file["totals"][name]
                    .as_u64()
                    .with_context(|| format!("the report has no totals.{name}"))
            };
            totals.errors += count("errors")?;
            totals.warnings += count("warnings")?;
            totals.ignored += count("ignored")?;
            files += 1;
        }
        if files == 0 {
            bail!("the report is empty");
        }
        Ok(totals)
    }

    fn is_clean(&self) -> bool {
        self.errors == 0 && self.warnings == 0 && self.ignored == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_not_clean() {
        let totals = Totals::from_report(
            r#"{"totals": {"errors": 0, "warnings": 1, "ignored": 0}, "problems": []}"#,
        )
        .expect("a report");
        assert!(!totals.is_clean());
        let clean =
            Totals::from_report(r#"{"totals": {"errors": 0, "warnings": 0, "ignored": 0}}"#)
                .expect("a report");
        assert!(clean.is_clean());
    }

    #[test]
    fn the_counts_of_every_file_add_up() {
        let totals = Totals::from_report(
            "{\"totals\": {\"errors\": 1, \"warnings\": 0, \"ignored\": 0}}\n\
             {\"totals\": {\"errors\": 2, \"warnings\": 3, \"ignored\": 4}}",
        )
        .expect("a report");
        assert_eq!(
            totals,
            Totals {
                errors: 3,
                warnings: 3,
                ignored: 4
            }
        );
    }

    #[test]
    fn a_report_without_totals_is_an_error() {
        assert!(Totals::from_report("{}").is_err());
        assert!(Totals::from_report("").is_err());
        assert!(Totals::from_report("Woohoo!").is_err());
    }
}
