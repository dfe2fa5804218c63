//! Memory and wire-size figures against the mock in a process of its own (`amzn-music
//! mock-server`): the peak resident set of a client streaming 1,000 and 100,000 entities
//! (the `stream_entities` example), and each page's size as sent and gzipped (the
//! `page_bytes` example). `cargo xtask bench-memory` prints them.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::spec::contract::{MOCK_LISTENING, Server, mock_command};
use crate::util::process;

/// The entities streamed by the small run and the large one.
const SMALL: usize = 1_000;
const LARGE: usize = 100_000;
/// The mock's library: enough songs for the large run.
const LIBRARY_SIZE: &str = "100000";
/// One run of an example.
const RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The peak resident set of one client process.
#[derive(Clone, Copy, Debug)]
pub struct Peak {
    /// The entities it streamed.
    pub entities: usize,
    /// Its peak resident set (`VmHWM`), in KiB.
    pub kib: u64,
}

/// The peak resident set of a client streaming few entities and many.
#[derive(Clone, Copy, Debug)]
pub struct MemoryFigures {
    /// Streaming [`SMALL`] entities.
    pub small: Peak,
    /// Streaming [`LARGE`] entities.
    pub large: Peak,
}

impl MemoryFigures {
    /// The large run's peak over the small run's (the target: at most 1.2).
    pub fn ratio(&self) -> f64 {
        self.large.kib as f64 / self.small.kib as f64
    }
}

/// One page's size on the wire, as the mock sends it and gzipped.
#[derive(Clone, Debug)]
pub struct PageBytes {
    /// The request's path and query.
    pub path: String,
    /// The body as sent, in bytes.
    pub identity: u64,
    /// The body gzipped (flate2's default level), in bytes.
    pub gzip: u64,
    /// What the mock answered to `Accept-Encoding: gzip` (`identity`: it does not compress).
    pub content_encoding: String,
}

/// The mock, started once, and the release binaries run against it.
struct Bench {
    mock: Server,
    api_key: String,
    token: String,
    examples: PathBuf,
}

impl Bench {
    /// Builds the binaries in release and starts the mock.
    fn start() -> Result<Self> {
        let release = super::build_release(&[
            "-p",
            "amazon-music-cli",
            "-p",
            "amazon-music",
            "--bin",
            "amzn-music",
            "--example",
            "stream_entities",
            "--example",
            "page_bytes",
        ])?;
        let mock = Server::start(
            mock_command(&release.join("amzn-music"), LIBRARY_SIZE),
            MOCK_LISTENING,
        )?;
        let (api_key, token) = mock.mock_credentials()?;
        Ok(Self {
            api_key,
            token,
            mock,
            examples: release.join("examples"),
        })
    }

    /// The output of the example `name` run against the mock with `args`.
    fn run(&self, name: &str, args: &[&str]) -> Result<String> {
        let mut command = Command::new(self.examples.join(name));
        command
            .arg(&self.mock.url)
            .args(args)
            .env("AMAZON_MUSIC_API_KEY", &self.api_key)
            .env("AMAZON_MUSIC_TOKEN", &self.token);
        process::output(&mut command, RUN_TIMEOUT)
    }

    fn peak(&self, entities: usize) -> Result<Peak> {
        let output = self.run("stream_entities", &[&entities.to_string()])?;
        let streamed: usize = field(&output, "entities")?.parse()?;
        if streamed != entities {
            bail!("streamed {streamed} entities, not {entities}");
        }
        let kib = field(&output, "peak_rss_kib")?
            .parse()
            .context("no peak resident set (is /proc mounted?)")?;
        Ok(Peak { entities, kib })
    }

    fn pages(&self) -> Result<Vec<PageBytes>> {
        let output = self.run("page_bytes", &[])?;
        output
            .lines()
            .map(|line| {
                Ok(PageBytes {
                    path: field(line, "path")?.to_owned(),
                    identity: field(line, "identity")?.parse()?,
                    gzip: field(line, "gzip")?.parse()?,
                    content_encoding: field(line, "content_encoding")?.to_owned(),
                })
            })
            .collect()
    }
}

/// The value of `name=` in `text`, up to the next space or line end.
fn field<'a>(text: &'a str, name: &str) -> Result<&'a str> {
    let prefix = format!("{name}=");
    text.split_whitespace()
        .find_map(|word| word.strip_prefix(&prefix))
        .with_context(|| format!("no {name} in {text:?}"))
}

/// The peak resident set of a client streaming 1,000 and 100,000 entities from the mock.
///
/// # Errors
/// When the binaries do not build, the mock does not start, or a run fails.
pub fn measure() -> Result<MemoryFigures> {
    let bench = Bench::start()?;
    Ok(MemoryFigures {
        small: bench.peak(SMALL)?,
        large: bench.peak(LARGE)?,
    })
}

/// Each page's size as the mock sends it and gzipped.
///
/// # Errors
/// When the binaries do not build, the mock does not start, or a run fails.
pub fn gzip_figures() -> Result<Vec<PageBytes>> {
    Bench::start()?.pages()
}

/// Prints both: `cargo xtask bench-memory`.
///
/// # Errors
/// As [`measure`] and [`gzip_figures`].
pub fn run() -> Result<()> {
    let memory = measure()?;
    for peak in [memory.small, memory.large] {
        println!(
            "peak RSS streaming {:>7} entities: {:>7} KiB",
            peak.entities, peak.kib
        );
    }
    println!(
        "ratio {}k/{}k: {:.2} (target at most 1.20)",
        LARGE / 1000,
        SMALL / 1000,
        memory.ratio()
    );
    for page in gzip_figures()? {
        println!(
            "{}: {} bytes as sent ({}), {} gzipped ({:.1}%)",
            page.path,
            page.identity,
            page.content_encoding,
            page.gzip,
            100.0 * page.gzip as f64 / page.identity as f64
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_by_name() {
        let line = "path=/v1/views/home?limit=10 identity=123 gzip=45 content_encoding=identity";
        assert_eq!(field(line, "path").ok(), Some("/v1/views/home?limit=10"));
        assert_eq!(field(line, "gzip").ok(), Some("45"));
        assert!(field(line, "missing").is_err());
    }
}
