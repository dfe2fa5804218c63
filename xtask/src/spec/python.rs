//! `cargo xtask python`: pydantic v2 models generated from the bundled spec by
//! datamodel-code-generator, and every example of the spec validated with them.
//!
//! The check, `tools/python/check_models.py`, also fails unless the models see `Entity` as a
//! union discriminated by `_type`, unless a page holding an entity of an unknown `_type` decodes
//! tolerantly (the rest validates, that entity is kept as a raw dict), and unless PyYAML reads
//! the YAML bundle as the JSON one. The models go to `tools/python/generated/`, which git ignores.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::spec::bundle::{self, DIST_JSON, DIST_YAML};
use crate::spec::tools;
use crate::util::process;
use crate::util::workspace;

/// Where the models go, relative to the workspace root.
const MODELS: &str = "tools/python/generated/amazon_music_views.py";
/// The check, relative to the workspace root.
const CHECK: &str = "tools/python/check_models.py";

/// datamodel-code-generator's options, as docs/other-languages.md gives them.
///
/// `--strict-nullable` makes a required `nullable` property `X | None` rather than `X` (without
/// it, a `null` there does not validate). Every nullable property of the spec is optional today,
/// so it changes nothing yet.
pub const OPTIONS: &[&str] = &[
    "--input-file-type",
    "openapi",
    "--output-model-type",
    "pydantic_v2.BaseModel",
    "--target-python-version",
    "3.11",
    "--strict-nullable",
    "--formatters",
    "builtin",
    "--disable-timestamp",
];

const TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Generates the models and runs the check.
///
/// # Errors
/// When the bundle is stale, a tool fails, or an example does not validate.
pub fn run() -> Result<()> {
    bundle::require_up_to_date()?;
    let tools = tools::python()?;
    let models = workspace::root().join(MODELS);
    if let Some(folder) = models.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    process::run(
        tools
            .command("datamodel-codegen")
            .args(["--input", DIST_YAML])
            .args(OPTIONS)
            .arg("--output")
            .arg(&models),
        TIMEOUT,
    )?;
    process::run(
        tools
            .command("python")
            .arg(CHECK)
            .args(["--models", MODELS, "--spec", DIST_JSON, "--yaml", DIST_YAML]),
        TIMEOUT,
    )
}
