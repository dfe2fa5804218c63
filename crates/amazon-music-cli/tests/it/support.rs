//! Runs the binary against a mock server and compares its output with expected files.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, PoisonError};

use amazon_music_mock::MockServer;

/// The placeholder that stands for the mock server's URL in expected files.
pub const URL_PLACEHOLDER: &str = "http://MOCK_URL";

/// What one run printed, and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// A command line for the binary, with an empty environment and home folder, so that no
/// credentials or stored login of the machine leak in.
pub fn amzn_music(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_amzn-music"));
    command
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1");
    command
}

/// A fresh, empty home folder for one run, never shared (whether the tests run in one process,
/// as under `cargo test`, or one process each, as under nextest), and removed when dropped.
pub fn home(name: &str) -> Home {
    let folder = tempfile::Builder::new()
        .prefix(&format!("amzn-music-test-{name}-"))
        .tempdir()
        .expect("a home folder");
    Home(folder)
}

/// A temporary home folder (see [`home`]): a path while it lives, removed when dropped.
pub struct Home(tempfile::TempDir);

impl std::ops::Deref for Home {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<std::ffi::OsStr> for Home {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.path().as_os_str()
    }
}

/// A child process killed when dropped, so that a failing test leaks none.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Starts `amzn-music mock-server --port 0` and then `args`, and returns it with the lines it
/// printed, up to its last `export` line (the code-pair URL's).
pub fn mock_server(home: &Path, args: &[&str]) -> (Child, String) {
    let mut child = Child(
        amzn_music(home)
            .args(["mock-server", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let lines = BufReader::new(child.0.stdout.take().expect("stdout")).lines();
    let mut printed = String::new();
    for line in lines {
        let line = line.expect("text");
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("export AMAZON_MUSIC_LWA_CODEPAIR_URL=") {
            break;
        }
    }
    (child, printed)
}

/// Every file under `dir`, by its path from `dir`, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .into_owned();
                found.insert(name, std::fs::read(&path).expect("a file"));
            }
        }
    }
    found
}

/// Runs `amzn-music` with the mock's URL and credentials and then `args`.
pub fn run(server: &MockServer, args: &[&str]) -> Run {
    let credentials = server.credentials();
    let home = home("run");
    let output = amzn_music(&home)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
            "--token",
            credentials.access_token(),
        ])
        .args(args)
        .output()
        .expect("the binary runs");
    finish(output, server.url())
}

/// Collects an output, with the server's URL replaced by [`URL_PLACEHOLDER`].
pub fn finish(output: Output, url: &str) -> Run {
    let text = |bytes: Vec<u8>| {
        String::from_utf8(bytes)
            .expect("UTF-8 output")
            .replace(url, URL_PLACEHOLDER)
    };
    Run {
        stdout: text(output.stdout),
        stderr: text(output.stderr),
        code: output.status.code().unwrap_or(-1),
    }
}

/// Compares `actual` with `tests/data/<name>`, or rewrites the file when `AMZN_MUSIC_BLESS`
/// is exactly `1`. One test writes each file (a second write of a name in one process
/// panics); others compare with it through [`assert_same_as_file`].
pub fn assert_matches_file(name: &str, actual: &str) {
    if std::env::var("AMZN_MUSIC_BLESS").as_deref() == Ok("1") {
        static WRITTEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
        let first = WRITTEN
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned());
        assert!(
            first,
            "{name} is written twice: one test writes each expected file"
        );
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name);
        std::fs::write(&path, actual).expect("writing the expected file");
        return;
    }
    assert_same_as_file(name, actual);
}

/// Compares `actual` with `tests/data/<name>`, which another test writes.
pub fn assert_same_as_file(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "reading {}: {error} (bless with AMZN_MUSIC_BLESS=1)",
            path.display()
        )
    });
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(want, got)| want != got)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from the expected output at line {}:\n  expected: {:?}\n  actual:   {:?}\n(after a reviewed change, bless with AMZN_MUSIC_BLESS=1)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first),
        );
    }
}
