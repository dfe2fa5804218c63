//! Drift's time on a 10 MB recording: about 10 MB of HAR, each entry a library songs page of
//! 100 tracks as the spec describes them, with one unknown field in every track so that each
//! body is walked to the end and a finding is counted at every track.
//!
//! `cargo bench -p amazon-music-drift --bench drift`

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

/// The size the recording grows to, at least.
const RECORDING_BYTES: usize = 10 * 1024 * 1024;
const TRACKS_A_PAGE: usize = 100;

fn track(n: usize) -> Value {
    let id = format!("B0{n:08}");
    json!({"_type": "Track", "id": id, "isrc": "USRE19900151", "title": format!("Track {n}"),
        "album": {"id": "B0011Z330C", "title": "Dookie"},
        "artists": [{"id": "B000QJJOSO", "name": "Green Day"}],
        "images": [{"url": format!("https://m.media-amazon.com/images/I/{n:011}.jpg")}],
        "playParams": {"id": format!("mrn:1.0:catalog:track:asin:{id}?territory=US"),
            "selections": ["PLAY", "SHUFFLE"]},
        "lyricsAvailable": n.is_multiple_of(2)})
}

fn entry(page: usize) -> Value {
    let tracks: Vec<Value> = (0..TRACKS_A_PAGE)
        .map(|n| track(page * TRACKS_A_PAGE + n))
        .collect();
    let body = json!({"data": {"_type": "View", "id": "library-songs",
        "content": {"_type": "ViewContent", "entityGroups": [{"_type": "EntityGroup",
            "id": "songs", "viewType": "STACK", "content": {"_type": "EntityGroupContent",
                "nextPageToken": format!("{page}%3Anext"), "entities": tracks}}]}}});
    let text = body.to_string();
    json!({"startedDateTime": "2026-12-06T12:00:00.000Z", "time": 12,
        "request": {"method": "GET",
            "url": format!("https://api.music.amazon.dev/v1/views/library/songs?limit=100&cursor={page}%3Anext"),
            "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "queryString": [],
            "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"size": text.len(), "mimeType": "application/json", "text": text},
            "redirectURL": "", "headersSize": -1, "bodySize": text.len()},
        "cache": {}, "timings": {"send": 0, "wait": 12, "receive": 0}})
}

/// Writes the recording to a temporary file; its path and size.
fn recording() -> (PathBuf, usize) {
    let mut entries = Vec::new();
    let mut size = 0;
    while size < RECORDING_BYTES {
        let entry = entry(entries.len());
        size += entry.to_string().len();
        entries.push(entry);
    }
    let har = json!({"log": {"version": "1.2",
        "creator": {"name": "amazon-music-drift bench", "version": "1"}, "entries": entries}});
    let text = har.to_string();
    let path = std::env::temp_dir().join(format!("drift-bench-{}.har", std::process::id()));
    std::fs::write(&path, &text).expect("writing the recording");
    (path, text.len())
}

fn drift(c: &mut Criterion) {
    let (path, size) = recording();
    let exchanges = amazon_music_drift::read_har(&path).expect("the recording");
    let report = amazon_music_drift::check(&exchanges).expect("the embedded spec");
    assert_eq!(
        report.findings.len(),
        1,
        "one unknown field, at every track"
    );
    assert_eq!(
        report.findings[0].count,
        (exchanges.len() * TRACKS_A_PAGE) as u64
    );

    let mut group = c.benchmark_group("drift 10 MB recording");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(size as u64));
    group.bench_function("read and check (amzn-music drift)", |b| {
        b.iter(|| {
            let exchanges = amazon_music_drift::read_har(&path).expect("the recording");
            amazon_music_drift::check(&exchanges).expect("the embedded spec")
        });
    });
    group.bench_function("check only", |b| {
        b.iter(|| amazon_music_drift::check(&exchanges).expect("the embedded spec"));
    });
    group.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, drift);
criterion_main!(benches);
