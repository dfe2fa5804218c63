//! `cargo xtask load`: the 10-second load test, alone in its process, with its figures
//! printed: 64 concurrent entity streams through one `Client` against the mock, no error, and
//! the connections and the resident memory flat after a 2-second warm-up.

use std::time::Duration;

use anyhow::Result;

use crate::util::process;
use crate::util::workspace;

/// The test, as its module path in the workspace tests.
const TEST: &str = "load::sixty_four_streams_for_ten_seconds_stay_flat";

/// How long building the tests and running the load may take.
const TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Runs the load test and prints its figures.
///
/// # Errors
/// When the tests do not build, or the load test fails.
pub fn run() -> Result<()> {
    process::run(
        workspace::cargo()
            .args([
                "test",
                "-p",
                "amazon-music-tests",
                "--test",
                "it",
                "--locked",
                "--",
                "--ignored",
                "--exact",
                "--nocapture",
                TEST,
            ])
            .current_dir(workspace::root()),
        TIMEOUT,
    )
}
