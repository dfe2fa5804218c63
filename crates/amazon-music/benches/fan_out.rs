//! Paging every group of the home view with 20 ms latency per answer: all groups at once
//! (`concurrent`), one group after another, and the longest group's chain alone, which bounds
//! what the concurrent fan-out can reach.
//!
//! Every group is paged two entities a page, so that each group's chain of pages is long
//! beside the home view's own chain (three groups a page on the mock).
//!
//! `cargo bench -p amazon-music --bench fan_out`

mod support;

use std::time::Duration;

use amazon_music::{Client, Result};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::{Stream, TryStreamExt};
use support::Bench;

/// Entities per page.
const LIMIT: u32 = 2;
/// Groups paged at once by `concurrent`: more than the home view has.
const CONCURRENCY: usize = 16;

async fn count<T>(stream: impl Stream<Item = Result<T>>) -> usize {
    stream
        .try_fold(0, |count, _| async move { Ok(count + 1) })
        .await
        .expect("every entity")
}

/// The ID of the home group with the most entities, and how many there are in all.
async fn longest_group(client: &Client) -> (String, usize) {
    let pages: Vec<_> = client
        .home()
        .limit(LIMIT)
        .pages()
        .try_collect()
        .await
        .expect("the home view");
    let mut longest = (String::new(), 0);
    let mut total = 0;
    for group in pages
        .into_iter()
        .flat_map(|page| page.content.entity_groups)
    {
        let length = count(client.home_group(&group.id).limit(LIMIT).entities()).await;
        total += length;
        if length > longest.1 {
            longest = (group.id, length);
        }
    }
    (longest.0, total)
}

fn fan_out(criterion: &mut Criterion) {
    let bench = Bench::new(300, Duration::from_millis(20));
    let client = bench.client();
    let ((longest, length), total) = bench.runtime.block_on(async {
        let (longest, total) = longest_group(&client).await;
        let length = count(client.home_group(&longest).limit(LIMIT).entities()).await;
        ((longest, length), total)
    });
    let mut group = criterion.benchmark_group("fan-out home");
    group.sample_size(10);
    group.bench_function("concurrent", |b| {
        b.iter(|| {
            let stream = client
                .home()
                .limit(LIMIT)
                .concurrency(CONCURRENCY)
                .entities_by_group();
            assert_eq!(bench.runtime.block_on(count(stream)), total);
        })
    });
    group.bench_function("one group after another", |b| {
        b.iter(|| {
            let stream = client
                .home()
                .limit(LIMIT)
                .concurrency(1)
                .entities_by_group();
            assert_eq!(bench.runtime.block_on(count(stream)), total);
        })
    });
    group.bench_function("longest single chain", |b| {
        b.iter(|| {
            let stream = client.home_group(&longest).limit(LIMIT).entities();
            assert_eq!(bench.runtime.block_on(count(stream)), length);
        })
    });
    group.finish();
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
