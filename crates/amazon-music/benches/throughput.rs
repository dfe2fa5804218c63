//! The SDK against a hand-written `reqwest` + `serde_json` loop, on the mock on loopback: one
//! page per iteration (`throughput`), and a 2,000-song library paged to its end with 20 ms
//! latency per answer (`paging 2000 songs, 20 ms latency`).
//!
//! `cargo bench -p amazon-music --bench throughput`

mod support;

use std::time::Duration;

use amazon_music::{http::DEFAULT_USER_AGENT, models::ViewResponse};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::TryStreamExt;
use support::Bench;

/// The page size of every request.
const LIMIT: u32 = 100;

/// What the SDK sends with every request, sent by hand.
struct Loop {
    http: reqwest::Client,
    url: String,
    api_key: String,
    bearer: String,
}

impl Loop {
    fn new(bench: &Bench) -> Self {
        let credentials = bench.server.credentials();
        Self {
            http: reqwest::Client::new(),
            url: format!("{}/v1/views/library/songs", bench.server.url()),
            api_key: credentials.api_key().to_owned(),
            bearer: format!("Bearer {}", credentials.access_token()),
        }
    }

    /// One page of the library's songs, from `cursor`.
    async fn page(&self, cursor: Option<&str>) -> ViewResponse {
        let mut request = self
            .http
            .get(&self.url)
            .header("x-api-key", &self.api_key)
            .header("authorization", &self.bearer)
            .header("user-agent", DEFAULT_USER_AGENT)
            .header("accept", "application/json")
            .query(&[("limit", LIMIT)]);
        if let Some(cursor) = cursor {
            request = request.query(&[("cursor", cursor)]);
        }
        let response = request.send().await.expect("a response");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("a body");
        serde_json::from_slice::<ViewResponse>(&body).expect("a view")
    }

    /// Every song, page after page, following the first group's token.
    async fn count_all(&self) -> usize {
        let mut count = 0;
        let mut cursor: Option<String> = None;
        loop {
            let page = self.page(cursor.as_deref()).await.data;
            count += page
                .content
                .entity_groups
                .iter()
                .map(|group| group.content.entities.len())
                .sum::<usize>();
            cursor = page
                .content
                .entity_groups
                .into_iter()
                .next()
                .and_then(|group| group.content.next_page_token)
                .filter(|token| !token.is_empty());
            if cursor.is_none() {
                return count;
            }
        }
    }
}

fn throughput(criterion: &mut Criterion) {
    let bench = Bench::new(300, Duration::ZERO);
    let client = bench.client();
    let by_hand = Loop::new(&bench);
    let mut group = criterion.benchmark_group("throughput");
    group.bench_function("sdk", |b| {
        b.iter(|| {
            bench
                .runtime
                .block_on(client.library_songs().limit(LIMIT).send())
                .expect("a page")
        })
    });
    group.bench_function("reqwest loop", |b| {
        b.iter(|| bench.runtime.block_on(by_hand.page(None)))
    });
    group.finish();
}

fn paging(criterion: &mut Criterion) {
    const SONGS: usize = 2_000;
    let bench = Bench::new(SONGS, Duration::from_millis(20));
    let client = bench.client();
    let by_hand = Loop::new(&bench);
    let mut group = criterion.benchmark_group("paging 2000 songs, 20 ms latency");
    group.sample_size(10);
    group.bench_function("sdk entities()", |b| {
        b.iter(|| {
            let count = bench.runtime.block_on(
                client
                    .library_songs()
                    .limit(LIMIT)
                    .entities()
                    .try_fold(0, |count, _| async move { Ok(count + 1) }),
            );
            assert_eq!(count.expect("every song"), SONGS);
        })
    });
    group.bench_function("hand-written cursor loop", |b| {
        b.iter(|| assert_eq!(bench.runtime.block_on(by_hand.count_all()), SONGS))
    });
    group.finish();
}

criterion_group!(benches, throughput, paging);
criterion_main!(benches);
