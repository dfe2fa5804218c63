//! Helpers shared by the tasks: the workspace root, writing or checking generated files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of this crate's folder).
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // xtask lives one level below the workspace root.
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// A `cargo` command: the cargo that runs this task (`CARGO`), else the one on the `PATH`.
pub fn cargo() -> std::process::Command {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace's target directory, wherever it is (`CARGO_TARGET_DIR`, `build.target-dir`),
/// as `cargo metadata` reports it.
///
/// # Errors
/// When `cargo metadata` fails or reports no target directory.
pub fn target_dir() -> Result<PathBuf> {
    metadata(false)?["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("`cargo metadata` names no target directory")
}

/// `cargo metadata` of the workspace, with the resolved dependency graph when `with_deps`.
///
/// # Errors
/// When `cargo metadata` fails or prints something other than its JSON.
pub fn metadata(with_deps: bool) -> Result<serde_json::Value> {
    let mut command = cargo();
    command
        .args(["metadata", "--format-version", "1"])
        .current_dir(root());
    command.arg(if with_deps { "--locked" } else { "--no-deps" });
    let stdout = crate::util::process::output(&mut command, std::time::Duration::from_secs(300))?;
    serde_json::from_str(&stdout).context("reading `cargo metadata`")
}

/// Copies the workspace's files that git knows of (tracked, or untracked and not ignored) into
/// `copy`, afresh: a scratch workspace for the steps that edit or re-resolve one.
///
/// # Errors
/// When git cannot list the files or a file cannot be copied.
pub fn copy_to(copy: &Path) -> Result<()> {
    if copy.exists() {
        std::fs::remove_dir_all(copy)
            .with_context(|| format!("removing the old copy {}", copy.display()))?;
    }
    let root = root();
    let files = crate::util::process::output(
        std::process::Command::new("git")
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .current_dir(&root),
        std::time::Duration::from_secs(60),
    )?;
    for file in files.split('\0').filter(|file| !file.is_empty()) {
        let from = root.join(file);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = copy.join(file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::copy(&from, &to).with_context(|| format!("copying {file}"))?;
    }
    Ok(())
}

/// Adds a fixture program (its `Cargo.toml` and `src/main.rs`) to a copy of the workspace as
/// the member `name`.
///
/// # Errors
/// When a file cannot be copied, or the copy's manifest has no `members = [`.
pub fn add_member(copy: &Path, fixture: &Path, name: &str) -> Result<()> {
    let program = copy.join(name);
    std::fs::create_dir_all(program.join("src"))?;
    for file in ["Cargo.toml", "src/main.rs"] {
        std::fs::copy(fixture.join(file), program.join(file))
            .with_context(|| format!("copying the fixture's {file}"))?;
    }
    let manifest_path = copy.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)?;
    let Some(members) = manifest.find("members = [") else {
        bail!("the workspace manifest has no `members = [`");
    };
    let at = members + "members = [".len();
    let manifest = format!("{}\n    \"{name}\",{}", &manifest[..at], &manifest[at..]);
    std::fs::write(&manifest_path, manifest)?;
    Ok(())
}

/// A file the tasks produce: where it goes and what it should hold.
pub struct Generated {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// The full expected contents.
    pub contents: String,
}

/// Writes every file below `root`, or with `check` compares them with what is there and fails
/// on drift, naming the command that fixes it.
pub fn write_or_check(
    root: &Path,
    files: &[Generated],
    check: bool,
    fix_command: &str,
) -> Result<()> {
    let mut stale = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if check {
            print_drift(&file.path, current.as_deref().unwrap_or(""), &file.contents);
            stale.push(file.path.display().to_string());
        } else {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {}", file.path.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "{} generated file(s) out of date: {}\nrun `{fix_command}` and commit the result",
            stale.len(),
            stale.join(", ")
        );
    }
    Ok(())
}

/// Prints a bounded unified diff of a drifted file: what is checked in (-) against what the
/// generator produces now (+).
fn print_drift(path: &Path, checked_in: &str, expected: &str) {
    const MAX_LINES: usize = 60;
    let diff = similar::TextDiff::from_lines(checked_in, expected);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{} (checked in)", path.display()),
            &format!("{} (generated)", path.display()),
        )
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    eprintln!("{} differs from what the spec generates:", path.display());
    for line in lines.iter().take(MAX_LINES) {
        eprintln!("{line}");
    }
    if lines.len() > MAX_LINES {
        eprintln!("... ({} more diff lines)", lines.len() - MAX_LINES);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(contents: &str) -> Generated {
        Generated {
            path: PathBuf::from("src/generated.rs"),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn check_passes_once_written_and_fails_on_drift() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let root = scratch.path();
        let error = write_or_check(root, &[file("a\n")], true, "fix it")
            .expect_err("a missing file is drift");
        assert!(error.to_string().contains("fix it"), "{error}");

        write_or_check(root, &[file("a\n")], false, "fix it").expect("writing");
        write_or_check(root, &[file("a\n")], true, "fix it").expect("up to date");

        std::fs::write(root.join("src/generated.rs"), "edited by hand\n").expect("editing");
        let error =
            write_or_check(root, &[file("a\n")], true, "fix it").expect_err("a hand edit is drift");
        assert!(error.to_string().contains("src/generated.rs"), "{error}");
    }
}
