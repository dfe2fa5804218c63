//! `cargo xtask tools`: the third-party tools the spec is held to, pinned under `tools/`.
//!
//! npm packages are locked by `tools/package-lock.json` and installed with `npm ci` into
//! `tools/node_modules`; Python packages are pinned with hashes in `tools/requirements.txt` and
//! installed with `pip --require-hashes` into the virtual environment `tools/.venv`. Each is
//! installed on first use and again only when its lock file (or the interpreter's version)
//! changes: a stamp inside the installed folder records what it was installed from. Nothing is
//! installed globally.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::util::process;
use crate::util::workspace;

/// An install that takes longer than this has hung.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// A version query that takes longer than this has hung.
const VERSION_TIMEOUT: Duration = Duration::from_secs(60);
/// The stamp file, inside the installed folder.
const STAMP: &str = ".xtask-installed-from";

/// Installs both tool sets (in parallel) if they are missing or stale.
///
/// # Errors
/// When an install fails.
pub fn run() -> Result<()> {
    let node = thread::spawn(node);
    let python = thread::spawn(python);
    let node = node
        .join()
        .map_err(|_| anyhow!("the npm install panicked"))?;
    let python = python
        .join()
        .map_err(|_| anyhow!("the Python install panicked"))?;
    node?;
    python?;
    println!("tools are installed and match their lock files");
    Ok(())
}

/// The npm tools, installed.
pub struct NodeTools {
    bin: PathBuf,
}

impl NodeTools {
    /// The path of the npm package binary `name`.
    pub fn executable(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    /// A command running the npm package binary `name`, from the workspace root.
    pub fn command(&self, name: &str) -> Command {
        let mut command = Command::new(self.executable(name));
        command
            .current_dir(workspace::root())
            // Redocly CLI reports usage to its vendor unless told not to; the network is not ours.
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
            .env("NO_UPDATE_NOTIFIER", "1");
        command
    }
}

/// The Python tools, installed.
pub struct PythonTools {
    bin: PathBuf,
}

impl PythonTools {
    /// A command running `name` from the virtual environment, from the workspace root.
    pub fn command(&self, name: &str) -> Command {
        let mut command = Command::new(self.bin.join(name));
        command
            .current_dir(workspace::root())
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }
}

/// Installs the npm tools if they are missing or stale, and returns them.
///
/// # Errors
/// When `node` or `npm` is missing, or `npm ci` fails.
pub fn node() -> Result<NodeTools> {
    let tools = tools_dir();
    let modules = tools.join("node_modules");
    let node_version = process::output(Command::new("node").arg("--version"), VERSION_TIMEOUT)
        .context("Node.js is needed for the spec tools: is `node` on PATH?")?;
    ensure_installed(
        "npm tools",
        &tools.join("package-lock.json"),
        &modules,
        &format!("node {}", node_version.trim()),
        || {
            process::run(
                Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&tools)
                    .env("npm_config_update_notifier", "false"),
                INSTALL_TIMEOUT,
            )
        },
    )?;
    Ok(NodeTools {
        bin: modules.join(".bin"),
    })
}

/// Installs the Python tools if they are missing or stale, and returns them.
///
/// The interpreter is `$PYTHON`, else `python3`.
///
/// # Errors
/// When the interpreter is missing, or creating the environment or `pip install` fails.
pub fn python() -> Result<PythonTools> {
    let tools = tools_dir();
    let venv = tools.join(".venv");
    let interpreter = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let python_version =
        process::output(Command::new(&interpreter).arg("--version"), VERSION_TIMEOUT)
            .with_context(|| {
                format!("Python 3 is needed for the spec tools: is `{interpreter}` on PATH?")
            })?;
    ensure_installed(
        "Python tools",
        &tools.join("requirements.txt"),
        &venv,
        &format!("{interpreter}: {}", python_version.trim()),
        || {
            process::run(
                Command::new(&interpreter)
                    .args(["-m", "venv", "--clear"])
                    .arg(&venv),
                INSTALL_TIMEOUT,
            )?;
            process::run(
                Command::new(venv.join("bin/python"))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--disable-pip-version-check",
                        "--no-input",
                        "--quiet",
                        "--require-hashes",
                        "--only-binary=:all:",
                        "--requirement",
                    ])
                    .arg(tools.join("requirements.txt")),
                INSTALL_TIMEOUT,
            )
        },
    )?;
    Ok(PythonTools {
        bin: venv.join("bin"),
    })
}

fn tools_dir() -> PathBuf {
    workspace::root().join("tools")
}

/// Runs `install` unless `target` holds a stamp of `lock_file` and `environment`; writes the
/// stamp after a successful install. Concurrent runs (another task in the same tree) take turns.
fn ensure_installed(
    what: &str,
    lock_file: &Path,
    target: &Path,
    environment: &str,
    install: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let lock = std::fs::read_to_string(lock_file)
        .with_context(|| format!("reading {}", lock_file.display()))?;
    let expected = format!("{environment}\n{lock}");
    let stamp = target.join(STAMP);
    let is_current = || std::fs::read_to_string(&stamp).is_ok_and(|text| text == expected);
    if is_current() {
        return Ok(());
    }
    let lock_name = format!(
        ".install-{}.lock",
        target
            .file_name()
            .map(|name| name.to_string_lossy().trim_start_matches('.').to_owned())
            .unwrap_or_default()
    );
    let _turn = InstallLock::acquire(&tools_dir().join(lock_name), INSTALL_TIMEOUT)?;
    if is_current() {
        return Ok(());
    }
    println!(
        "==> installing the {what} from {} (first use, or the lock changed)",
        lock_file
            .strip_prefix(workspace::root())
            .unwrap_or(lock_file)
            .display()
    );
    match std::fs::remove_file(&stamp) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("removing {}", stamp.display())),
    }
    install().with_context(|| format!("installing the {what}"))?;
    std::fs::write(&stamp, expected).with_context(|| format!("writing {}", stamp.display()))
}

/// A lock file held while installing, so that two tasks never install into one folder at once.
struct InstallLock {
    path: PathBuf,
}

impl InstallLock {
    /// Creates the lock file, waiting (up to `timeout`) while a live process holds it; a lock
    /// left by a process that is gone is taken over.
    fn acquire(path: &Path, timeout: Duration) -> Result<Self> {
        let deadline = Instant::now() + timeout;
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => {
                    std::fs::write(path, std::process::id().to_string())
                        .with_context(|| format!("writing {}", path.display()))?;
                    return Ok(Self {
                        path: path.to_path_buf(),
                    });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                    if !holder_is_alive(path) {
                        // Gone, or removed by its holder meanwhile: either way, try again.
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                    if Instant::now() >= deadline {
                        bail!(
                            "{} is still held after {}s; remove it if no install is running",
                            path.display(),
                            timeout.as_secs()
                        );
                    }
                    thread::sleep(Duration::from_millis(500));
                }
                Err(error) => {
                    return Err(error).with_context(|| format!("creating {}", path.display()));
                }
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        // Nothing to do if it is already gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the process whose ID the lock file holds is still running. A lock file still being
/// written (empty) counts as held.
fn holder_is_alive(path: &Path) -> bool {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => true,
        Ok(text) => text
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists()),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_once_per_lock_file_contents() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let dir = scratch.path();
        let lock = dir.join("lock.txt");
        let target = dir.join("installed");
        std::fs::create_dir_all(&target).expect("creating the target");
        std::fs::write(&lock, "a==1\n").expect("writing the lock");
        let mut installs = 0;
        for _ in 0..2 {
            ensure_installed("test tools", &lock, &target, "env 1", || {
                installs += 1;
                Ok(())
            })
            .expect("installing");
        }
        assert_eq!(
            installs, 1,
            "a second run with the same lock installs nothing"
        );

        std::fs::write(&lock, "a==2\n").expect("changing the lock");
        ensure_installed("test tools", &lock, &target, "env 1", || {
            installs += 1;
            Ok(())
        })
        .expect("installing");
        assert_eq!(installs, 2, "a changed lock installs again");

        ensure_installed("test tools", &lock, &target, "env 2", || {
            installs += 1;
            Ok(())
        })
        .expect("installing");
        assert_eq!(installs, 3, "a changed interpreter installs again");
    }

    #[test]
    fn a_failed_install_leaves_no_stamp() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let dir = scratch.path();
        let lock = dir.join("lock.txt");
        let target = dir.join("installed");
        std::fs::create_dir_all(&target).expect("creating the target");
        std::fs::write(&lock, "a==1\n").expect("writing the lock");
        ensure_installed("test tools", &lock, &target, "env", || bail!("no network"))
            .expect_err("the install fails");
        let mut installs = 0;
        ensure_installed("test tools", &lock, &target, "env", || {
            installs += 1;
            Ok(())
        })
        .expect("installing");
        assert_eq!(installs, 1, "the next run tries again");
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let dir = scratch.path();
        let path = dir.join(".install.lock");
        // PIDs above the kernel's limit (4194304 at most) never run.
        std::fs::write(&path, "99999999").expect("writing a stale lock");
        let lock = InstallLock::acquire(&path, Duration::from_secs(5)).expect("taking over");
        assert_eq!(
            std::fs::read_to_string(&path).expect("reading the lock"),
            std::process::id().to_string()
        );
        drop(lock);
        assert!(!path.exists(), "the lock is removed when released");
    }

    #[test]
    fn a_held_lock_times_out() {
        let scratch = tempfile::tempdir().expect("a scratch folder");
        let dir = scratch.path();
        let path = dir.join(".install.lock");
        let _held = InstallLock::acquire(&path, Duration::from_secs(5)).expect("taking the lock");
        let error = InstallLock::acquire(&path, Duration::from_millis(600))
            .err()
            .expect("a live holder keeps it");
        assert!(error.to_string().contains("still held"), "{error}");
    }
}
