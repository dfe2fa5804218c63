//! `amzn-music drift FILE.har`: a recording compared with the spec, by `amazon-music-drift`.

use std::path::Path;

use anyhow::Result;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::error::UsageError;
use crate::output;

/// The recording drifts from the spec: exit status 1, after the report.
#[derive(Debug, thiserror::Error)]
#[error("the recording drifts from the spec: {findings} finding(s)")]
pub struct Drifted {
    findings: usize,
}

/// Reads the recording, prints the report as a table or as JSON (one object per finding),
/// and fails with [`Drifted`] when there is any finding.
///
/// # Errors
/// A [`UsageError`] (exit status 2) when the file cannot be read or the output format is not
/// one drift prints; [`Drifted`] (exit status 1) when the traffic drifts.
pub fn run(file: &Path, args: &GlobalArgs) -> Result<()> {
    let format = args.output.unwrap_or_default();
    let mut extra = Vec::new();
    if !args.columns.is_empty() {
        extra.push("--columns");
    }
    if args.no_headers {
        extra.push("--no-headers");
    }
    if !extra.is_empty() {
        return Err(UsageError::new(format!(
            "`drift` prints a table or JSON: {} does not apply",
            extra.join(", ")
        ))
        .into());
    }
    if !matches!(
        format,
        OutputFormat::Table | OutputFormat::Json | OutputFormat::Ndjson
    ) {
        return Err(UsageError::new(
            "`drift` prints a table (the default), json or ndjson: see `amzn-music drift --help`",
        )
        .into());
    }
    let exchanges = amazon_music_drift::read_har(file).map_err(unreadable)?;
    let report = amazon_music_drift::check(&exchanges).map_err(unreadable)?;
    let text = match format {
        OutputFormat::Json => format!("{}\n", serde_json::to_string_pretty(&report.findings)?),
        OutputFormat::Ndjson => report
            .findings
            .iter()
            .map(|finding| Ok(format!("{}\n", serde_json::to_string(finding)?)))
            .collect::<Result<String>>()?,
        _ => report.table(),
    };
    output::print(&text)?;
    if report.drifts() {
        return Err(Drifted {
            findings: report.findings.len(),
        }
        .into());
    }
    Ok(())
}

/// An unreadable recording as a usage error (exit status 2), with its causes.
fn unreadable(error: amazon_music_drift::Error) -> anyhow::Error {
    let mut message = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        message.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    UsageError::new(message).into()
}
