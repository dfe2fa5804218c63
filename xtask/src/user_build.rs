//! `cargo xtask user-build`: what a new user builds, which `Cargo.lock` hides from the rest of
//! the gate.
//!
//! Copies the workspace into a scratch folder, resolves it afresh (`cargo update`: the newest
//! compatible dependencies, as a user's first build picks them), and runs clippy with
//! `-D warnings` on the published crates' libraries and binaries, so that a deprecation in a
//! new dependency release fails here, not in users' builds. Then it builds and runs a new
//! user's app (`xtask/fixtures/user-app`: the SDK with its default features beside a `reqwest`
//! of its own with no default features and no TLS feature), whose own HTTP client must build
//! and, like the SDK's, get a page from the mock. The app is built alone, so no other crate of
//! the workspace lends `reqwest` a feature the app would not have.
//!
//! The copy builds into the workspace's own target directory: its crates live at other paths,
//! so they take no artifact of the workspace's, while dependencies whose version and features
//! did not change are reused.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::util::{process, workspace};

/// The fixture: a new user's app.
const FIXTURE: &str = "xtask/fixtures/user-app";

/// The crates users build: their libraries and binaries (the SDK's with `blocking` too).
const PUBLISHED: [&str; 6] = [
    "amazon-music-models",
    "amazon-music-har",
    "amazon-music-client",
    "amazon-music",
    "amazon-music-mock",
    "amazon-music-cli",
];

/// A cold check of the copy on a 2-core machine takes a few minutes.
const BUILD_TIMEOUT: Duration = Duration::from_secs(1200);

/// Runs the step.
///
/// # Errors
/// When the copy cannot be made or resolved, clippy warns, or the app fails.
pub fn run() -> Result<()> {
    let started = Instant::now();
    let target = workspace::target_dir()?;
    let copy = target.join("user-build");
    workspace::copy_to(&copy)?;
    workspace::add_member(&copy, &workspace::root().join(FIXTURE), "user-app")?;
    let cargo = |args: &[&str]| {
        let mut command = workspace::cargo();
        command
            .args(args)
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", &target);
        command
    };
    process::run(&mut cargo(&["update", "--quiet"]), BUILD_TIMEOUT)?;
    let mut clippy = cargo(&["clippy", "--quiet", "--lib", "--bins"]);
    clippy.args(PUBLISHED.iter().flat_map(|name| ["--package", name]));
    clippy.args([
        "--features",
        "amazon-music/blocking",
        "--",
        "-D",
        "warnings",
    ]);
    process::run(&mut clippy, BUILD_TIMEOUT)?;
    process::run(
        &mut cargo(&["run", "--quiet", "--package", "user-app"]),
        BUILD_TIMEOUT,
    )?;
    println!(
        "user-build: a fresh resolve passes clippy, and the user's app ran ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
