//! Measurements and hardening runs: the benchmarks and their ratios, the build time, memory, the
//! load test, the fuzz targets and mutation testing.

pub mod bench;
pub mod bench_export;
pub mod bench_memory;
pub mod build_time;
pub mod fuzz;
pub mod load;
pub mod mutants;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::util::{process, workspace};

/// How long a release build of what a benchmark runs may take, from scratch on two cores.
const RELEASE_BUILD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Builds `targets` (`-p`, `--bin`, `--example` arguments) in release, as the lock file pins
/// them, and returns the release directory they are in.
fn build_release(targets: &[&str]) -> Result<PathBuf> {
    let mut build = workspace::cargo();
    build
        .args(["build", "--release", "--locked"])
        .args(targets)
        .current_dir(workspace::root());
    process::run(&mut build, RELEASE_BUILD_TIMEOUT)?;
    Ok(workspace::target_dir()?.join("release"))
}
