//! `cargo xtask docs [--screenshot]`: the API reference as one self-contained HTML page, built by
//! Redocly (`build-docs --inlineBundle`, so the page loads no script from elsewhere) into
//! `docs/index.html` in the target directory (wherever `cargo metadata` says it is), which git
//! ignores.
//!
//! With `--screenshot`, headless Chromium renders the page to `docs/reference.png`, the picture
//! docs/other-languages.md shows. Chromium is not installed by the xtask: on Debian, `apt-get install
//! chromium`; another binary can be named with `$CHROMIUM`. Neither step is part of the gate.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::spec::bundle::{self, DIST_YAML};
use crate::spec::tools;
use crate::util::process;
use crate::util::workspace;

/// The page, relative to the target directory.
pub const PAGE: &str = "docs/index.html";
/// The screenshot, relative to the workspace root.
pub const SCREENSHOT: &str = "docs/reference.png";
const TITLE: &str = "Amazon Music Web API (views): unofficial reference";
/// Chromium's window: wide enough for Redoc's three panes.
const WINDOW_SIZE: &str = "1440,1000";
const TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Builds the page, and with `screenshot` renders it to [`SCREENSHOT`].
///
/// # Errors
/// When the bundle is stale, a tool fails, or Chromium is missing.
pub fn run(screenshot: bool) -> Result<()> {
    bundle::require_up_to_date()?;
    let tools = tools::node()?;
    let root = workspace::root();
    let target = workspace::target_dir()?;
    let page = target.join(PAGE);
    if let Some(folder) = page.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    process::run(
        tools
            .command("redocly")
            .args(["build-docs", DIST_YAML, "--inlineBundle", "--title", TITLE])
            .arg("--output")
            .arg(&page),
        TIMEOUT,
    )?;
    println!("built {}: open it in a browser", page.display());
    if screenshot {
        take_screenshot(&page, &target, &root.join(SCREENSHOT))?;
        println!("rendered {SCREENSHOT}");
    }
    Ok(())
}

/// Renders `page` with headless Chromium to the PNG `output`.
fn take_screenshot(page: &Path, target: &Path, output: &Path) -> Result<()> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let profile = target.join("docs/chromium-profile");
    // A fresh profile each time, so that nothing from an earlier run changes the picture.
    match std::fs::remove_dir_all(&profile) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("removing {}", profile.display()));
        }
    }
    let page = page
        .canonicalize()
        .with_context(|| format!("finding {}", page.display()))?;
    process::run(
        Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                // Redoc renders after its script runs: give it time, counted in page time.
                "--virtual-time-budget=10000",
            ])
            .arg(format!("--window-size={WINDOW_SIZE}"))
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", output.display()))
            .arg(format!("file://{}", page.display())),
        TIMEOUT,
    )
    .with_context(|| {
        format!(
            "rendering with `{chromium}` (on Debian: apt-get install chromium; or set CHROMIUM)"
        )
    })
}
