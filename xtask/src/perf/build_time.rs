//! `cargo xtask build-time`: a clean debug build of a minimal app on this SDK against the same
//! app on rspotify 0.15, one after the other in one run (`xtask/fixtures/build-time/`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::util::process;
use crate::util::workspace;

/// A clean build of either app takes minutes on two cores; this bounds a stuck one.
const BUILD_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// One app's clean build.
pub struct AppBuild {
    /// `sdk` or `rspotify`.
    pub name: &'static str,
    /// Packages in the app's build graph (normal and build dependencies, the app included).
    pub packages: usize,
    /// The fastest of the clean builds.
    pub seconds: f64,
}

/// Builds each app `runs` times from clean, alternating, and prints the figures and the ratio.
///
/// # Errors
/// When an app cannot be copied, resolved or built.
pub fn run(runs: usize) -> Result<()> {
    let builds = measure(runs)?;
    for build in &builds {
        println!(
            "{:>9}: {:>3} packages, clean debug build {:.1} s",
            build.name, build.packages, build.seconds
        );
    }
    if let [sdk, rspotify] = builds.as_slice() {
        println!(
            "build time, sdk app / rspotify app: {:.2}x (target: at most 1.00x)",
            sdk.seconds / rspotify.seconds
        );
    }
    Ok(())
}

/// The two apps' clean builds: the SDK app first, then rspotify's.
///
/// # Errors
/// When an app cannot be copied, resolved or built.
pub fn measure(runs: usize) -> Result<Vec<AppBuild>> {
    let scratch = workspace::target_dir()?.join("build-time");
    let apps = [
        ("sdk", prepare(&scratch, "sdk")?),
        ("rspotify", prepare(&scratch, "rspotify")?),
    ];
    let mut best = [f64::INFINITY; 2];
    for _ in 0..runs.max(1) {
        for (index, (_, dir)) in apps.iter().enumerate() {
            best[index] = best[index].min(clean_build(dir)?);
        }
    }
    apps.iter()
        .zip(best)
        .map(|((name, dir), seconds)| {
            Ok(AppBuild {
                name,
                packages: package_count(dir)?,
                seconds,
            })
        })
        .collect()
}

/// Copies the app's fixture into `scratch`, pointing the SDK app at this workspace and starting
/// it from the workspace's lock file (the rspotify app has its own).
fn prepare(scratch: &Path, name: &str) -> Result<PathBuf> {
    let fixture = workspace::root()
        .join("xtask/fixtures/build-time")
        .join(name);
    let dir = scratch.join(name);
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("creating {}", dir.display()))?;
    let manifest = std::fs::read_to_string(fixture.join("Cargo.toml"))?
        .replace("WORKSPACE", &workspace::root().display().to_string());
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::copy(fixture.join("src/main.rs"), dir.join("src/main.rs"))?;
    let lock = match fixture.join("Cargo.lock") {
        own if own.exists() => own,
        _ => workspace::root().join("Cargo.lock"),
    };
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .with_context(|| format!("copying {}", lock.display()))?;
    Ok(dir)
}

/// Removes the app's target directory and builds it; the wall time in seconds.
fn clean_build(dir: &Path) -> Result<f64> {
    let target = dir.join("target");
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .with_context(|| format!("removing {}", target.display()))?;
    }
    let started = Instant::now();
    process::run(
        workspace::cargo()
            .args(["build", "--quiet"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(dir),
        BUILD_TIMEOUT,
    )?;
    Ok(started.elapsed().as_secs_f64())
}

/// The packages in the app's build graph, as `cargo tree` lists them.
fn package_count(dir: &Path) -> Result<usize> {
    let tree = process::output(
        workspace::cargo()
            .args(["tree", "--edges", "normal,build", "--prefix", "none"])
            .current_dir(dir),
        Duration::from_secs(120),
    )?;
    let mut packages: Vec<&str> = tree
        .lines()
        .map(|line| line.trim_end_matches(" (*)"))
        .filter(|line| !line.is_empty())
        .collect();
    packages.sort_unstable();
    packages.dedup();
    Ok(packages.len())
}
