//! `cargo xtask redocly-drift`: `amzn-music drift` cross-checked with Redocly's `drift`.
//!
//! Runs the ignored `drift::` tests of the workspace test binary (`tests/it/drift.rs`) with the
//! pinned Redocly CLI's path in `AMAZON_MUSIC_REDOCLY`: both read the fixture recording
//! `tests/data/drift-every-kind.har`, and every problem Redocly finds in a response, or an
//! undocumented endpoint, must be a finding of `amazon-music-drift` at the same pointer.

use anyhow::Result;

use crate::spec::{contract, tools};

/// The variable the cross-check reads Redocly's executable from.
const REDOCLY_VARIABLE: &str = "AMAZON_MUSIC_REDOCLY";

/// Installs the npm tools if needed and runs the cross-check.
///
/// # Errors
/// When the tools cannot be installed or the cross-check fails.
pub fn run() -> Result<()> {
    let tools = tools::node()?;
    let redocly = tools.executable("redocly");
    contract::run_tests(REDOCLY_VARIABLE, &redocly.to_string_lossy(), "drift")
}
