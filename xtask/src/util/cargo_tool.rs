//! Cargo subcommands the tasks run (cargo-fuzz, cargo-mutants): each installed at its pinned
//! version on first use, with `cargo install --locked`, into `tools/cargo/`, the project's own
//! install root, never into `~/.cargo`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::util::process;
use crate::util::workspace;

/// Building a cargo subcommand from source takes minutes; longer than this, it has hung.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A cargo subcommand published on crates.io, pinned.
pub struct CargoTool {
    /// The crate, which installs the binary of the same name (`cargo-fuzz`).
    pub package: &'static str,
    /// The subcommand it adds to cargo (`fuzz`).
    pub subcommand: &'static str,
    /// The exact version installed and run.
    pub version: &'static str,
}

impl CargoTool {
    /// Installs the tool unless its pinned version is there already, and returns a command
    /// `cargo <subcommand>` that runs it, from the workspace root.
    ///
    /// # Errors
    /// When `cargo install` fails or hangs.
    pub fn command(&self) -> Result<Command> {
        let root = install_root();
        let binary = root.join("bin").join(self.package);
        let installed = Command::new(&binary)
            .args([self.subcommand, "--version"])
            .output()
            .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(self.version));
        if !installed {
            process::run(
                workspace::cargo()
                    .args(["install", self.package, "--locked", "--version"])
                    .arg(self.version)
                    .arg("--root")
                    .arg(&root),
                INSTALL_TIMEOUT,
            )?;
        }
        // cargo finds a subcommand on the PATH: ours first.
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = std::env::join_paths(
            std::iter::once(root.join("bin")).chain(std::env::split_paths(&path)),
        )
        .context("the install root's path cannot go on the PATH")?;
        let mut command = workspace::cargo();
        command
            .arg(self.subcommand)
            .env("PATH", path)
            .current_dir(workspace::root());
        Ok(command)
    }
}

/// `tools/cargo/`, where the tasks' cargo subcommands are installed (git ignores it).
fn install_root() -> PathBuf {
    workspace::root().join("tools").join("cargo")
}
