//! Helpers shared by the tasks: the workspace root, writing or checking generated files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of this crate's folder).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// A file the tasks produce: where it goes and what it should hold.
pub struct Generated {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// The full expected contents.
    pub contents: String,
}

/// Writes every file, or with `check` compares them with what is checked in and fails on drift.
pub fn write_or_check(files: &[Generated], check: bool, fix_command: &str) -> Result<()> {
    let root = root();
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
