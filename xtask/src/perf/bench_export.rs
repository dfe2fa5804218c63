//! The export's figures against the mock in a process of its own (`amzn-music mock-server
//! --size 2000`, 50 ms a response): `amzn-music export` at its default concurrency and at 1,
//! its longest cursor chain alone, and the export again under the mock's rate limit of 20
//! requests a second. `cargo xtask bench` prints their ratios; `cargo xtask bench-export` them
//! alone.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::spec::contract::{MOCK_LISTENING, Server, mock_command};
use crate::util::process;
use crate::util::workspace;

/// The mock's library: 2,000 songs, about 200 pages in all.
const LIBRARY_SIZE: &str = "2000";
/// The latency of every response, in milliseconds.
const LATENCY_MILLIS: u64 = 50;
/// The mock's rate limit, in requests a second.
pub const RATE_LIMIT: u32 = 20;
/// Runs of the fast measures; the fastest counts.
const RUNS: usize = 3;
/// One run of the command.
const RUN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// One request to the mock's admin endpoint.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest cursor chain of the export.
#[derive(Clone, Debug)]
pub struct Chain {
    /// Its operation's `operationId`.
    pub operation: String,
    /// Its pages.
    pub pages: usize,
    /// Paging it alone, in seconds (the fastest run).
    pub seconds: f64,
}

/// The export under the mock's rate limit.
#[derive(Clone, Copy, Debug)]
pub struct Limited {
    /// How long it took, in seconds.
    pub seconds: f64,
    /// The answers that were pages.
    pub pages: usize,
    /// The answers that were `429`.
    pub throttled: usize,
}

impl Limited {
    /// The time over what the limit itself imposes on the pages (pages / rate).
    pub fn ratio(&self) -> f64 {
        self.seconds / (self.pages as f64 / f64::from(RATE_LIMIT))
    }

    /// The share of the answers that were `429`.
    pub fn throttled_share(&self) -> f64 {
        self.throttled as f64 / (self.pages + self.throttled) as f64
    }
}

/// Every figure of the export.
#[derive(Clone, Debug)]
pub struct ExportFigures {
    /// The export's requests (at 50 ms, no limit).
    pub requests: usize,
    /// The longest chain alone.
    pub chain: Chain,
    /// The export at its default concurrency, in seconds (the fastest run).
    pub concurrent: f64,
    /// The export at concurrency 1, in seconds.
    pub sequential: f64,
    /// The export under the rate limit.
    pub limited: Limited,
}

/// The mock, and the release binary run against it.
struct Bench {
    mock: Server,
    binary: PathBuf,
    api_key: String,
    token: String,
    /// Where the exports go.
    scratch: PathBuf,
}

impl Bench {
    fn start() -> Result<Self> {
        let release = super::build_release(&["-p", "amazon-music-cli", "--bin", "amzn-music"])?;
        let binary = release.join("amzn-music");
        let mock = Server::start(mock_command(&binary, LIBRARY_SIZE), MOCK_LISTENING)?;
        let (api_key, token) = mock.mock_credentials()?;
        let scratch = workspace::target_dir()?.join("bench-export");
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)
            .with_context(|| format!("creating {}", scratch.display()))?;
        Ok(Self {
            mock,
            binary,
            api_key,
            token,
            scratch,
        })
    }

    /// `amzn-music ARGS` against the mock; how long it took, or why it failed.
    fn time(&self, args: &[&str]) -> Result<f64> {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env("AMAZON_MUSIC_BASE_URL", &self.mock.url)
            .env("AMAZON_MUSIC_API_KEY", &self.api_key)
            .env("AMAZON_MUSIC_TOKEN", &self.token)
            .stderr(std::process::Stdio::null());
        let started = Instant::now();
        process::output(&mut command, RUN_TIMEOUT)?;
        Ok(started.elapsed().as_secs_f64())
    }

    /// An export into a new folder, at `concurrency`; how long it took.
    fn export(&self, name: &str, concurrency: usize) -> Result<f64> {
        let dir = self.scratch.join(name);
        let dir = dir.to_str().context("a UTF-8 target directory")?;
        self.time(&[
            "export",
            dir,
            "--format",
            "json",
            "--concurrency",
            &concurrency.to_string(),
        ])
    }

    /// The mock's admin endpoint: `method` on `path` with `body`; the answer's body.
    fn admin(&self, method: &str, path: &str, body: &str) -> Result<String> {
        admin(&self.mock.url, method, path, body)
    }

    /// The requests the mock answered since it last forgot them, as `(path, operation,
    /// status)`.
    fn requests(&self) -> Result<Vec<(String, String, u64)>> {
        let text = self.admin("GET", "/__mock/requests", "")?;
        let entries: Vec<serde_json::Value> =
            serde_json::from_str(&text).context("the mock's request log is not JSON")?;
        Ok(entries
            .iter()
            .map(|entry| {
                (
                    entry["path"].as_str().unwrap_or_default().to_owned(),
                    entry["operation"].as_str().unwrap_or_default().to_owned(),
                    entry["status"].as_u64().unwrap_or_default(),
                )
            })
            .collect())
    }

    fn forget_requests(&self) -> Result<()> {
        self.admin("DELETE", "/__mock/requests", "").map(drop)
    }
}

/// One HTTP/1.0 request to the mock at `url` (`http://127.0.0.1:PORT`): the body of its
/// answer, which must be a success.
fn admin(url: &str, method: &str, path: &str, body: &str) -> Result<String> {
    let address = url
        .strip_prefix("http://")
        .with_context(|| format!("{url} is not an http URL"))?;
    let mut stream =
        TcpStream::connect(address).with_context(|| format!("connecting to {address}"))?;
    stream.set_read_timeout(Some(ADMIN_TIMEOUT))?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .with_context(|| format!("reading the answer to {method} {path}"))?;
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .with_context(|| format!("no answer to {method} {path}"))?;
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with('2') {
        bail!("{method} {path} answered {status}: {body}");
    }
    Ok(body.to_owned())
}

/// The fastest of [`RUNS`] runs of `run`, in seconds.
fn fastest(mut run: impl FnMut(usize) -> Result<f64>) -> Result<f64> {
    let mut best = f64::INFINITY;
    for index in 0..RUNS {
        best = best.min(run(index)?);
    }
    Ok(best)
}

/// The longest cursor chain among `requests`: the path requested most, with its operation
/// and its count.
fn longest_chain(requests: &[(String, String, u64)]) -> Option<(String, String, usize)> {
    let mut chains: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (path, operation, _) in requests {
        *chains.entry((path, operation)).or_default() += 1;
    }
    chains
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|((path, operation), count)| (path.to_owned(), operation.to_owned(), count))
}

/// Measures every figure of the export.
///
/// # Errors
/// When the binary does not build, the mock does not start, or a run fails (an export under
/// the rate limit that ends in an error among them).
pub fn measure() -> Result<ExportFigures> {
    let bench = Bench::start()?;
    bench.admin(
        "POST",
        "/__mock/faults",
        &format!(r#"{{"kind": "latency", "millis": {LATENCY_MILLIS}}}"#),
    )?;

    bench.forget_requests()?;
    let sequential = bench.export("sequential", 1)?;
    let requests = bench.requests()?;
    let (path, operation, pages) =
        longest_chain(&requests).context("the export sent no request")?;

    let concurrent = fastest(|run| bench.export(&format!("concurrent-{run}"), 8))?;

    let chain = fastest(|_| {
        bench.forget_requests()?;
        let seconds = bench.time(&["--all", "-o", "ids", "api", &operation])?;
        let alone = bench.requests()?;
        if alone.len() != pages || alone.iter().any(|(sent, ..)| *sent != path) {
            bail!(
                "`api {operation} --all` sent {} requests, not the export's {pages} to {path}: \
                 the longest chain takes path parameters, which this benchmark does not give",
                alone.len()
            );
        }
        Ok(seconds)
    })?;

    bench.forget_requests()?;
    bench.admin(
        "POST",
        "/__mock/faults",
        &format!(r#"{{"kind": "rate_limit", "per_second": {RATE_LIMIT}}}"#),
    )?;
    let seconds = bench
        .export("limited", 8)
        .context("the export under the mock's rate limit failed")?;
    let answers = bench.requests()?;
    let count = |status: u64| answers.iter().filter(|(.., got)| *got == status).count();
    let limited = Limited {
        seconds,
        pages: count(200),
        throttled: count(429),
    };
    Ok(ExportFigures {
        requests: requests.len(),
        chain: Chain {
            operation,
            pages,
            seconds: chain,
        },
        concurrent,
        sequential,
        limited,
    })
}

/// Prints every figure: `cargo xtask bench-export`.
///
/// # Errors
/// As [`measure`].
pub fn run() -> Result<()> {
    print(&measure()?);
    Ok(())
}

/// The figures, one a line.
pub fn print(figures: &ExportFigures) {
    let chain = &figures.chain;
    println!(
        "export of {LIBRARY_SIZE} songs at {LATENCY_MILLIS} ms ({} requests):",
        figures.requests
    );
    println!(
        "  longest chain alone ({}, {} pages): {:.2} s",
        chain.operation, chain.pages, chain.seconds
    );
    println!("  concurrency 8: {:.2} s", figures.concurrent);
    println!("  concurrency 1: {:.2} s", figures.sequential);
    let limited = figures.limited;
    println!(
        "  concurrency 8 under {RATE_LIMIT} requests/s: {:.2} s, {} pages and {} answers 429 \
         ({:.1}%); the limit alone: {:.2} s",
        limited.seconds,
        limited.pages,
        limited.throttled,
        100.0 * limited.throttled_share(),
        limited.pages as f64 / f64::from(RATE_LIMIT)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_chain_is_the_path_requested_most() {
        let request = |path: &str, operation: &str| (path.to_owned(), operation.to_owned(), 200);
        let requests = [
            request("/v1/views/library/songs", "getLibrarySongsView"),
            request("/v1/views/library/artists", "getLibraryArtistsView"),
            request("/v1/views/library/artists", "getLibraryArtistsView"),
            request("/v1/views/playlists/P1", "getPlaylistView"),
            request("/v1/views/playlists/P2", "getPlaylistView"),
        ];
        assert_eq!(
            longest_chain(&requests),
            Some((
                "/v1/views/library/artists".to_owned(),
                "getLibraryArtistsView".to_owned(),
                2
            ))
        );
        assert_eq!(longest_chain(&[]), None);
    }

    #[test]
    fn the_limits_ratios_count_pages_against_the_rate() {
        let limited = Limited {
            seconds: 12.0,
            pages: 200,
            throttled: 10,
        };
        assert!((limited.ratio() - 1.2).abs() < 1e-9);
        assert!((limited.throttled_share() - 10.0 / 210.0).abs() < 1e-9);
    }
}
