//! `cargo xtask contract`: the generated client against Prism, a third-party mock server that
//! validates each request against the bundled spec and answers from it.
//!
//! Starts `prism mock` on `openapi/dist/amazon-music-views.yaml` on a port Prism picks (it
//! announces it), waits until it listens, then runs the ignored `contract::` tests of the
//! workspace test binary (`tests/it/contract.rs`) with Prism's URL in `AMAZON_MUSIC_PRISM_URL`.
//! Prism is killed on every way out, failures and panics included; on a failure its last log
//! lines are printed.
//!
//! Then the other way round: the project's own mock server (`amzn-music mock-server`) behind
//! `prism proxy --errors`, which validates every request and every response the mock serves
//! against the spec, and the `contract_proxy::` tests driving every operation through it with
//! the proxy's URL in `AMAZON_MUSIC_PROXY_URL`.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::spec::bundle::{self, DIST_YAML};
use crate::spec::tools::{self, NodeTools};
use crate::util::process::{self, KillOnDrop, Log};
use crate::util::workspace;

/// The variable the contract tests read Prism's URL from.
const URL_VARIABLE: &str = "AMAZON_MUSIC_PRISM_URL";
/// The variable the proxy tests read the proxy's URL from.
const PROXY_URL_VARIABLE: &str = "AMAZON_MUSIC_PROXY_URL";
/// What Prism prints, followed by its URL, once it listens.
const LISTENING: &str = "Prism is listening on ";
/// What `amzn-music mock-server` prints, followed by its URL, once it listens.
pub(crate) const MOCK_LISTENING: &str = "mock server listening on ";
/// How long the mock may take to print its credentials once it listens.
const CREDENTIALS_TIMEOUT: Duration = Duration::from_secs(10);
/// How many songs the proxied mock's library holds: enough for several pages everywhere.
const MOCK_LIBRARY_SIZE: &str = "120";
/// The seed of Prism's made-up responses, so that a failure can be reproduced.
const SEED: &str = "amazon-music-rs";
/// Prism starts in about two seconds here.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// Building (when not built yet) and running the tests.
const TEST_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// How many of Prism's last log lines a failure shows.
const LOG_TAIL: usize = 40;

/// Runs the contract tests against a fresh Prism.
///
/// # Errors
/// When the bundle is stale, the tools cannot be installed, Prism does not start, or a test fails.
pub fn run() -> Result<()> {
    bundle::require_up_to_date()?;
    let tools = tools::node()?;

    let mut prism = Server::start(prism_command(&tools, &["mock", "--seed", SEED]), LISTENING)?;
    let result = run_tests(URL_VARIABLE, &prism.url, "contract");
    prism.stop(result.is_err());
    result?;

    let binary = command_line_binary()?;
    let mut mock = Server::start(mock_command(&binary, MOCK_LIBRARY_SIZE), MOCK_LISTENING)?;
    let mut proxy_command = prism_command(&tools, &["proxy"]);
    proxy_command.arg(&mock.url);
    let mut proxy = Server::start(proxy_command, LISTENING)?;
    let result = run_tests(PROXY_URL_VARIABLE, &proxy.url, "contract_proxy");
    proxy.stop(result.is_err());
    mock.stop(result.is_err());
    result
}

/// The `amzn-music` binary the test step built, whose `mock-server` command serves the
/// project's mock.
///
/// Asks `cargo nextest list` for it, with the test step's own arguments: the build is the test
/// step's (nothing is built again after `cargo xtask ci`'s test step, and the binary is built if
/// this task runs alone), and the path is wherever the target directory is (`CARGO_TARGET_DIR`,
/// `build.target-dir`), as nextest reports it.
pub(crate) fn command_line_binary() -> Result<PathBuf> {
    let mut command = workspace::cargo();
    command
        .args([
            "nextest",
            "list",
            "--workspace",
            "--locked",
            "--list-type",
            "binaries-only",
            "--message-format",
            "json",
        ])
        .current_dir(workspace::root());
    let listing = process::output(&mut command, TEST_TIMEOUT).context("listing the test build")?;
    binary_in_listing(&listing, "amzn-music")
}

/// The path of the non-test binary `name` in a `cargo nextest list --message-format json`
/// listing.
fn binary_in_listing(listing: &str, name: &str) -> Result<PathBuf> {
    let listing: serde_json::Value =
        serde_json::from_str(listing).context("reading nextest's listing")?;
    let meta = &listing["rust-build-meta"];
    let target = meta["target-directory"]
        .as_str()
        .context("nextest's listing names no target directory")?;
    let relative = meta["non-test-binaries"]
        .as_object()
        .into_iter()
        .flat_map(|packages| packages.values())
        .filter_map(serde_json::Value::as_array)
        .flatten()
        .find(|binary| binary["name"] == name)
        .and_then(|binary| binary["path"].as_str())
        .with_context(|| format!("the test build has no `{name}` binary"))?;
    Ok(Path::new(target).join(relative))
}

/// `prism <mode> --errors` on the bundled spec, on loopback and a port Prism picks; `mode` is
/// `mock` or `proxy` with its options (the proxy's upstream URL follows).
fn prism_command(tools: &NodeTools, mode: &[&str]) -> Command {
    let mut command = tools.command("prism");
    command
        .args(mode)
        .args(["--host", "127.0.0.1", "--port", "0", "--errors", DIST_YAML]);
    command
}

/// `amzn-music mock-server` (the `binary`) on a free port, its library holding `size` songs.
pub(crate) fn mock_command(binary: &Path, size: &str) -> Command {
    let mut command = Command::new(binary);
    command.args(["mock-server", "--port", "0", "--size", size]);
    command
}

/// Runs the ignored tests of the `module` module of the workspace test binary, with `url` in
/// the environment variable `variable`.
pub(crate) fn run_tests(variable: &str, url: &str, module: &str) -> Result<()> {
    // `--workspace`, as the gate's test step, so that nothing is built again.
    let mut command = workspace::cargo();
    command
        .args([
            "nextest",
            "run",
            "--workspace",
            "--locked",
            "--no-fail-fast",
            // A filter that matches nothing (a renamed module) must fail, not pass.
            "--no-tests=fail",
            "--run-ignored",
            "only",
            "-E",
            &format!("package(amazon-music-tests) & binary(it) & test(/^{module}::/)"),
        ])
        .current_dir(workspace::root())
        .env(variable, url);
    process::run(&mut command, TEST_TIMEOUT).with_context(|| format!("the {module} tests failed"))
}

/// A server the task started (Prism, or the project's mock), killed when dropped (by its
/// process guard).
pub(crate) struct Server {
    process: KillOnDrop,
    /// Its base URL, as it announced it.
    pub(crate) url: String,
    log: Log,
}

impl Server {
    /// Starts `command` and waits until it prints `announcement` and its URL, and that URL
    /// accepts connections.
    pub(crate) fn start(mut command: Command, announcement: &str) -> Result<Self> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let description = process::describe(&command);
        println!("+ {description}");
        let mut child = command
            .spawn()
            .with_context(|| format!("starting `{description}`"))?;
        let log = Log::default();
        let outputs = [
            child.stdout.take().map(|stdout| log.capture(stdout)),
            child.stderr.take().map(|stderr| log.capture(stderr)),
        ];
        let mut process = KillOnDrop::new(child, description.clone());
        let url = match wait_until_listening(&mut process, &outputs, announcement, STARTUP_TIMEOUT)
        {
            Ok(url) => url,
            Err(error) => {
                process.kill();
                let tail = log.tail(LOG_TAIL).join("\n");
                return Err(error.context(format!(
                    "`{description}` did not start; its output:\n{tail}"
                )));
            }
        };
        println!("{description} (pid {}) listens on {url}", process.id());
        Ok(Self { process, url, log })
    }

    /// The value of `NAME` on the first line the server printed that sets it (`export
    /// NAME='value'`, as `amzn-music mock-server` prints it), waiting up to `timeout` for that
    /// line.
    ///
    /// # Errors
    /// When no such line comes in time.
    pub(crate) fn printed(&self, name: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            // `NAME=value`, or `export NAME='value'` as a shell takes it.
            let found = self
                .log
                .tail(usize::MAX)
                .into_iter()
                .find_map(|line| exported(&line, name));
            if let Some(value) = found {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} printed no {name} within {}s",
                    self.url,
                    timeout.as_secs()
                );
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// The project's mock's own test credentials, as it prints them: its API key and its
    /// access token, waiting up to [`CREDENTIALS_TIMEOUT`] for each.
    ///
    /// # Errors
    /// When the server printed them not in time (it is not the project's mock).
    pub(crate) fn mock_credentials(&self) -> Result<(String, String)> {
        Ok((
            self.printed("AMAZON_MUSIC_API_KEY", CREDENTIALS_TIMEOUT)?,
            self.printed("AMAZON_MUSIC_TOKEN", CREDENTIALS_TIMEOUT)?,
        ))
    }

    /// Kills the server; after a failure, prints its last log lines first.
    pub(crate) fn stop(&mut self, failed: bool) {
        self.process.kill();
        if failed {
            eprintln!("--- last log lines of {} ---", self.url);
            for line in self.log.tail(LOG_TAIL) {
                eprintln!("{line}");
            }
        }
    }
}

/// Polls Prism's output for the line announcing its URL, then its port until it accepts a
/// connection; fails if Prism exits first or `timeout` passes.
fn wait_until_listening(
    process: &mut KillOnDrop,
    outputs: &[Option<Receiver<String>>],
    announcement: &str,
    timeout: Duration,
) -> Result<String> {
    let deadline = Instant::now() + timeout;
    let mut url = None;
    loop {
        if url.is_none() {
            url = outputs
                .iter()
                .flatten()
                .find_map(|lines| announced_url(lines, announcement));
        }
        if let Some(url) = &url
            && accepts_connections(url)?
        {
            return Ok(url.clone());
        }
        if let Some(status) = process.try_wait()? {
            bail!("the server exited ({status}) before it listened");
        }
        if Instant::now() >= deadline {
            bail!("the server did not listen within {}s", timeout.as_secs());
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// The URL in the first announcing line among those `lines` has received so far.
fn announced_url(lines: &Receiver<String>, announcement: &str) -> Option<String> {
    loop {
        match lines.try_recv() {
            Ok(line) => {
                if let Some(url) = url_in(&line, announcement) {
                    return Some(url);
                }
            }
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => return None,
        }
    }
}

/// The URL after `announcement` in `line`, if `line` is the announcing line.
/// The value a shell line `export NAME='value'` (or `NAME=value`) gives `name`.
fn exported(line: &str, name: &str) -> Option<String> {
    let line = line.trim();
    let value = line
        .strip_prefix("export ")
        .unwrap_or(line)
        .strip_prefix(name)?
        .strip_prefix('=')?
        .trim();
    Some(
        match value
            .strip_prefix('\'')
            .and_then(|value| value.strip_suffix('\''))
        {
            Some(quoted) => quoted.replace("'\\''", "'"),
            None => value.to_owned(),
        },
    )
}

fn url_in(line: &str, announcement: &str) -> Option<String> {
    let rest = &line[line.find(announcement)? + announcement.len()..];
    let url: String = rest
        .chars()
        .take_while(|character| !character.is_whitespace() && *character != '\u{1b}')
        .collect();
    url.starts_with("http://").then_some(url)
}

/// Whether something accepts a TCP connection at the host and port of `url`.
fn accepts_connections(url: &str) -> Result<bool> {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let addresses: Vec<SocketAddr> = address
        .to_socket_addrs()
        .with_context(|| format!("a server announced an address that does not resolve: {url}"))?
        .collect();
    Ok(addresses
        .iter()
        .any(|address| TcpStream::connect_timeout(address, Duration::from_secs(1)).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_binary_in_nextests_listing_wherever_the_target_directory_is() {
        let listing = r#"{"rust-build-meta": {
            "target-directory": "/elsewhere/target",
            "base-output-directories": ["debug"],
            "non-test-binaries": {"path+file:///w/crates/amazon-music-cli#0.1.0": [
                {"name": "amzn-music", "kind": "bin-exe", "path": "debug/amzn-music"}
            ]}
        }, "rust-binaries": {}}"#;
        assert_eq!(
            binary_in_listing(listing, "amzn-music").expect("found"),
            Path::new("/elsewhere/target/debug/amzn-music")
        );
        let error = binary_in_listing(listing, "other").expect_err("absent");
        assert!(error.to_string().contains("`other`"), "{error}");
    }

    #[test]
    fn reads_the_url_from_the_listening_line() {
        let line = "[4:46:58 PM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:45357";
        assert_eq!(
            url_in(line, LISTENING).as_deref(),
            Some("http://127.0.0.1:45357")
        );
        let colored = "\u{1b}[32mPrism is listening on http://127.0.0.1:4010\u{1b}[39m";
        assert_eq!(
            url_in(colored, LISTENING).as_deref(),
            Some("http://127.0.0.1:4010")
        );
        let route = "[CLI] ℹ  info      GET        http://127.0.0.1:45357/v1/views/home";
        assert_eq!(url_in(route, LISTENING), None);
        let mock = "# mock server listening on http://127.0.0.1:8080 (Ctrl-C stops it)";
        assert_eq!(
            url_in(mock, MOCK_LISTENING).as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn reads_a_value_from_an_export_line() {
        let line = "export AMAZON_MUSIC_TOKEN='Atza|mock-1'";
        assert_eq!(
            exported(line, "AMAZON_MUSIC_TOKEN").as_deref(),
            Some("Atza|mock-1")
        );
        assert_eq!(
            exported("export A='it'\\''s'", "A").as_deref(),
            Some("it's")
        );
        assert_eq!(exported("  A=plain", "A").as_deref(), Some("plain"));
        assert_eq!(exported("export AB='x'", "A"), None);
    }

    #[test]
    fn waiting_fails_when_the_server_exits_first() {
        let child = Command::new("sh")
            .args(["-c", "echo starting; exit 3"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting sh");
        let mut child = child;
        let log = Log::default();
        let outputs = [child.stdout.take().map(|stdout| log.capture(stdout))];
        let mut process = KillOnDrop::new(child, "sh".to_owned());
        let error =
            wait_until_listening(&mut process, &outputs, LISTENING, Duration::from_secs(10))
                .expect_err("the server exited");
        assert!(error.to_string().contains("exited"), "{error}");
    }

    #[test]
    fn waiting_is_bounded() {
        let child = Command::new("sleep")
            .arg("30")
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting sleep");
        let mut process = KillOnDrop::new(child, "sleep".to_owned());
        let started = Instant::now();
        let error = wait_until_listening(&mut process, &[], LISTENING, Duration::from_millis(300))
            .expect_err("nothing listens");
        assert!(error.to_string().contains("did not listen"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn waits_for_the_announced_port_to_accept() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding");
        let port = listener.local_addr().expect("an address").port();
        let child = Command::new("sh")
            .args([
                "-c",
                &format!("echo 'Prism is listening on http://127.0.0.1:{port}'; exec sleep 30"),
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("starting sh");
        let mut child = child;
        let log = Log::default();
        let outputs = [child.stdout.take().map(|stdout| log.capture(stdout))];
        let mut process = KillOnDrop::new(child, "sh".to_owned());
        let url = wait_until_listening(&mut process, &outputs, LISTENING, Duration::from_secs(10))
            .expect("listening");
        assert_eq!(url, format!("http://127.0.0.1:{port}"));
    }
}
