//! Load: 64 concurrent entity streams through one `Client` against the mock. No stream may
//! fail, and the open connections and the memory may not grow.
//!
//! The connections are counted on the mock's side, from the system's table of TCP sockets
//! (`/proc/net/tcp` and `tcp6`): the established ones on the mock's port, whatever else runs in
//! the process. The memory is the process's resident set (`VmRSS` in `/proc/self/status`),
//! which other tests running in the same process (plain `cargo test`) disturb.
//!
//! The short run, in the gate, is three rounds of each stream (576 requests), so that a
//! connection per request would show however slow the machine: it checks the errors and that
//! the connections stay under two per stream, and prints the memory. The long one, 10 s alone
//! in its process (`cargo xtask load`), also checks that after a 2 s warm-up the connections
//! do not grow and the memory stays within 25%.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use amazon_music::{Client, RetryPolicy};
use amazon_music_mock::MockServer;
use futures_util::StreamExt;

/// Concurrent streams.
const STREAMS: usize = 64;
/// Songs in the mock's library: three pages of 10 per stream.
const SONGS: usize = 30;
/// Entities per page.
const PAGE: u32 = 10;
/// How often the connections and memory are sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// One sample: when, how many connections, how much memory.
#[derive(Clone, Copy, Debug)]
struct Sample {
    at: Duration,
    connections: usize,
    rss_kib: u64,
}

/// When the streams stop.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// After this long (each stream ends the round it is in).
    After(Duration),
    /// After this many rounds of each stream.
    Rounds(usize),
}

impl Stop {
    fn goes_on(self, rounds: usize, started: Instant) -> bool {
        match self {
            Self::After(duration) => started.elapsed() < duration,
            Self::Rounds(wanted) => rounds < wanted,
        }
    }
}

/// What a run did.
#[derive(Debug)]
struct Figures {
    samples: Vec<Sample>,
    warm_up: Duration,
    streams_done: usize,
    entities: usize,
    errors: usize,
    requests: usize,
    elapsed: Duration,
}

impl Figures {
    /// The samples taken after the warm-up.
    fn after_warm_up(&self) -> impl Iterator<Item = &Sample> {
        self.samples
            .iter()
            .filter(|sample| sample.at >= self.warm_up)
    }

    fn max_connections(&self, samples: impl Iterator<Item = Sample>) -> usize {
        samples.map(|sample| sample.connections).max().unwrap_or(0)
    }

    /// Prints the figures, one line per second of samples.
    fn print(&self) {
        println!(
            "load: {STREAMS} streams, {:.1} s: {} streams completed, {} entities, {} requests \
             ({:.0} requests/s), {} errors",
            self.elapsed.as_secs_f64(),
            self.streams_done,
            self.entities,
            self.requests,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            self.errors,
        );
        for sample in self
            .samples
            .iter()
            .filter(|sample| sample.at.subsec_millis() < SAMPLE_EVERY.as_millis() as u32)
        {
            println!(
                "load: t={:>4.1}s connections={:>3} rss={:>6.1} MiB",
                sample.at.as_secs_f64(),
                sample.connections,
                sample.rss_kib as f64 / 1024.0
            );
        }
    }

    /// Checks that no stream failed and that every one ended its rounds.
    fn check_streams(&self) {
        assert_eq!(self.errors, 0, "{self:?}");
        assert!(
            self.streams_done >= STREAMS,
            "every stream ends at least once: {self:?}"
        );
        assert_eq!(self.entities, self.streams_done * SONGS, "{self:?}");
    }

    /// Checks that the connections stay under `bound`.
    fn check_connections_under(&self, bound: usize) {
        let most = self.max_connections(self.samples.iter().copied());
        assert!(
            most <= bound,
            "{most} connections, more than {bound}: {self:?}"
        );
    }

    /// Checks that the connections in the second half after the warm-up are no more than in
    /// the first half (with a margin for the pool's churn).
    fn check_connections_flat(&self) {
        let after: Vec<Sample> = self.after_warm_up().copied().collect();
        let (first, second) = after.split_at(after.len() / 2);
        let first = self.max_connections(first.iter().copied());
        let second = self.max_connections(second.iter().copied());
        assert!(
            second <= first + 8,
            "connections grew after the warm-up: {first} then {second}: {self:?}"
        );
    }

    /// Checks that the resident memory after the warm-up stays within 25% of where it was when
    /// the warm-up ended.
    fn check_memory(&self) {
        let mut after = self.after_warm_up();
        let start = after.next().expect("samples after the warm-up").rss_kib;
        let peak = after.map(|sample| sample.rss_kib).max().unwrap_or(start);
        assert!(
            peak * 4 <= start * 5,
            "memory grew from {start} KiB to {peak} KiB after the warm-up"
        );
    }
}

/// Runs the streams until `stop` says, sampling as it goes.
async fn run(stop: Stop, warm_up: Duration) -> Figures {
    let server = MockServer::builder()
        .library_size(SONGS)
        .start()
        .await
        .expect("a mock server");
    let client = Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let port = server.addr().port();
    let started = Instant::now();
    let entities = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let streams: Vec<_> = (0..STREAMS)
        .map(|_| {
            let (client, entities, errors, done) = (
                client.clone(),
                entities.clone(),
                errors.clone(),
                done.clone(),
            );
            tokio::spawn(async move {
                let mut rounds = 0;
                while stop.goes_on(rounds, started) {
                    rounds += 1;
                    let mut stream = client.library_songs().limit(PAGE).entities();
                    while let Some(item) = stream.next().await {
                        match item {
                            Ok(_) => entities.fetch_add(1, Ordering::Relaxed),
                            Err(_) => errors.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let mut samples = Vec::new();
    let mut ticks = tokio::time::interval(SAMPLE_EVERY);
    while !streams.iter().all(tokio::task::JoinHandle::is_finished) {
        ticks.tick().await;
        samples.push(Sample {
            at: started.elapsed(),
            connections: established_on(port),
            rss_kib: rss_kib(),
        });
    }
    for stream in streams {
        stream.await.expect("a stream task");
    }
    Figures {
        samples,
        warm_up,
        streams_done: done.load(Ordering::Relaxed),
        entities: entities.load(Ordering::Relaxed),
        errors: errors.load(Ordering::Relaxed),
        requests: server.requests().len(),
        elapsed: started.elapsed(),
    }
}

/// How many established TCP connections have `port` as their local port: the server's side of
/// each connection to it.
fn established_on(port: u16) -> usize {
    let port = format!(":{port:04X}");
    let established = |line: &str| {
        // Fields: slot, local address, remote address, state (01: established), ...
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() > 3 && fields[1].ends_with(&port) && fields[3] == "01"
    };
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .map(|table| {
            table
                .lines()
                .skip(1)
                .filter(|line| established(line))
                .count()
        })
        .sum()
}

/// The process's resident memory, in KiB (`VmRSS`).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_streams_of_three_rounds_fail_nothing_and_reuse_their_connections() {
    let figures = run(Stop::Rounds(3), Duration::ZERO).await;
    figures.print();
    figures.check_streams();
    // 576 requests: a connection per request would show.
    figures.check_connections_under(2 * STREAMS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "10 s; run alone by `cargo xtask load`, which prints the figures"]
async fn sixty_four_streams_for_ten_seconds_stay_flat() {
    let figures = run(Stop::After(Duration::from_secs(10)), Duration::from_secs(2)).await;
    figures.print();
    figures.check_streams();
    figures.check_connections_under(2 * STREAMS);
    figures.check_connections_flat();
    figures.check_memory();
}
