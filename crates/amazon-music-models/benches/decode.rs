//! Decode throughput of a 2,000-entity page: the models against `serde_json::Value` and a
//! parse-only baseline, with `_type` first (as the API sends it) and last (the buffered path).
//!
//! The lenient decode (`from_slice_lenient`) on the same well-formed page, which must cost
//! nothing more, and on a page with one malformed entity, which decodes twice.
//!
//! `cargo bench -p amazon-music-models --bench decode`

use amazon_music_models::{ViewResponse, from_slice, from_slice_lenient};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const ENTITIES: usize = 2_000;

fn play_params(mrn: &str) -> Value {
    json!({"id": mrn, "containerId": null, "selections": ["PLAY", "SHUFFLE", "STATION"]})
}

fn images(n: usize) -> Value {
    json!([{"url": format!("https://m.media-amazon.com/images/I/{n:011}.jpg")}])
}

/// One entity of each known `_type`, in turn, shaped as in the reference's examples.
fn entity(n: usize) -> Value {
    let id = format!("B0{n:08}");
    match n % 7 {
        0 => json!({"_type": "Album", "id": id, "title": format!("Album {n} [Explicit]"),
            "artists": [{"id": "B000QJJOSO", "name": "Green Day"}], "images": images(n),
            "playParams": play_params(&format!("mrn:1.0:catalog:album:asin:{id}?territory=US")),
            "duration": 2763, "releaseDate": "2024-01-19T05:00:00.000Z", "trackCount": 15,
            "label": "Reprise"}),
        1 => {
            json!({"_type": "Artist", "id": id, "name": format!("Artist {n}"), "images": images(n),
            "playParams": play_params(&format!("mrn:1.0:catalog:artist:asin:{id}?territory=US")),
            "followerCount": 994_491})
        }
        2 | 3 => json!({"_type": "Track", "id": id, "isrc": "USRE19900151",
            "title": format!("Track {n}"), "album": {"id": "B0011Z330C", "title": "Dookie"},
            "artists": [{"id": "B000QJJOSO", "name": "Green Day"}], "images": images(n),
            "playParams": play_params(&format!("mrn:1.0:catalog:track:asin:{id}?territory=US"))}),
        4 => json!({"_type": "Playlist", "id": id, "title": format!("Playlist {n}"),
            "images": images(n), "curator": {"id": null, "name": "Amazon's Music Experts"},
            "description": "Feel better about life with these smile-inspiring songs.",
            "duration": 7594,
            "playParams": play_params(&format!("mrn:1.0:catalog:playlist:asin:{id}?territory=US"))}),
        5 => json!({"_type": "PodcastEpisode", "id": format!("57a461ef-6fa6-4f1f-bbef-{n:012}"),
            "title": format!("Episode {n}"), "author": "audiochuck", "seasonNumber": null,
            "episodeNumber": n, "releaseDate": "2024-02-06T08:00:00Z", "duration": 3604,
            "images": images(n),
            "podcast": {"id": "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0", "title": "Crime Junkie"},
            "playParams": play_params("mrn:1.0:podcast:episode:uuid:57a461ef"),
            "playbackInformation": {"progressMilliseconds": null}}),
        _ => {
            json!({"_type": "Station", "id": id, "name": format!("Station {n}"), "images": images(n),
            "playParams": play_params(&format!("mrn:1.0:catalog:station:key:{id}"))})
        }
    }
}

/// The page as JSON text; with `type_last`, every entity's `_type` moved to its end.
fn page(type_last: bool) -> String {
    let entities: Vec<Value> = (0..ENTITIES)
        .map(|n| {
            let mut entity = entity(n);
            if type_last
                && let Some(object) = entity.as_object_mut()
                && let Some(type_name) = object.shift_remove("_type")
            {
                object.insert("_type".to_owned(), type_name);
            }
            entity
        })
        .collect();
    json!({"data": {"_type": "View", "id": "library-songs", "title": "Songs", "images": [],
        "content": {"_type": "ViewContent", "entityGroups": [{"_type": "EntityGroup",
            "id": "songs", "viewType": "STACK", "content": {"_type": "EntityGroupContent",
            "nextPageToken": "tcs-V1_ZU3RMV2x", "entities": entities}}]}}})
    .to_string()
}

fn decode(c: &mut Criterion) {
    for (label, type_last) in [("type first", false), ("type last", true)] {
        let text = page(type_last);
        let mut group = c.benchmark_group(format!("decode 2000-entity page, {label}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("ViewResponse", |b| {
            b.iter(|| serde_json::from_str::<ViewResponse>(&text).map(drop))
        });
        // Bytes off the wire, as the client decodes them (`from_slice` checks UTF-8 as it goes).
        group.bench_function("ViewResponse, from_slice", |b| {
            b.iter(|| serde_json::from_slice::<ViewResponse>(text.as_bytes()).map(drop))
        });
        // The SDK's path: UTF-8 checked once, then parsed as text.
        group.bench_function("ViewResponse, as the SDK decodes", |b| {
            b.iter(|| from_slice::<ViewResponse>(text.as_bytes()).map(drop))
        });
        group.bench_function("ViewResponse, from_slice_lenient", |b| {
            b.iter(|| from_slice_lenient::<ViewResponse>(text.as_bytes()).map(drop))
        });
        group.bench_function("serde_json::Value", |b| {
            b.iter(|| serde_json::from_str::<Value>(&text).map(drop))
        });
        group.bench_function("parse only (IgnoredAny)", |b| {
            b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(&text).map(drop))
        });
        group.finish();
    }
    let odd = page(false).replacen(r#""id":"B000000002""#, r#""id":2"#, 1);
    assert!(
        serde_json::from_str::<ViewResponse>(&odd).is_err(),
        "one malformed entity"
    );
    let mut group = c.benchmark_group("decode 2000-entity page, one malformed entity");
    group.throughput(Throughput::Bytes(odd.len() as u64));
    group.bench_function("ViewResponse, from_slice_lenient", |b| {
        b.iter(|| from_slice_lenient::<ViewResponse>(odd.as_bytes()).map(drop))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
