//! The view decoder on valid pages with mutations: one of the spec's example pages, with a few
//! of its values replaced, removed or copied elsewhere as the fuzzer's bytes say, then decoded
//! as the `view` target does. Reaches deep into pages, where random bytes seldom get.

#![no_main]

use amazon_music_fuzz::check_round_trip;
use amazon_music_models::{ViewResponse, from_slice_lenient};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The spec's example pages (`fuzz/seeds/view`).
const PAGES: &[&str] = &[
    include_str!("../seeds/view/album.json"),
    include_str!("../seeds/view/artist.json"),
    include_str!("../seeds/view/home-group.json"),
    include_str!("../seeds/view/home.json"),
    include_str!("../seeds/view/library-albums.json"),
    include_str!("../seeds/view/library-artists.json"),
    include_str!("../seeds/view/library-group.json"),
    include_str!("../seeds/view/library-playlists.json"),
    include_str!("../seeds/view/library-podcasts.json"),
    include_str!("../seeds/view/library-songs.json"),
    include_str!("../seeds/view/library.json"),
    include_str!("../seeds/view/playlist.json"),
    include_str!("../seeds/view/podcast-show.json"),
    include_str!("../seeds/view/podcasts-group.json"),
    include_str!("../seeds/view/podcasts.json"),
    include_str!("../seeds/view/recently-played.json"),
];

/// `_type`s to swap in, known and not.
const TYPES: &[&str] = &[
    "View",
    "ViewContent",
    "EntityGroup",
    "EntityGroupContent",
    "Track",
    "Album",
    "Artist",
    "Playlist",
    "Station",
    "PodcastShow",
    "PodcastEpisode",
    "Image",
    "Future",
    "",
];

fuzz_target!(|bytes: &[u8]| {
    let mut input = Unstructured::new(bytes);
    let Ok(page) = mutated_page(&mut input) else {
        return;
    };
    let json = serde_json::to_vec(&page).expect("a JSON value serializes");
    if let Ok(view) = serde_json::from_slice::<ViewResponse>(&json) {
        check_round_trip(&view);
    }
    let _ = from_slice_lenient::<ViewResponse>(&json);
});

/// One of the pages, with up to 8 mutations.
fn mutated_page(input: &mut Unstructured<'_>) -> Result<Value> {
    let page = PAGES[input.choose_index(PAGES.len())?];
    let mut page: Value = serde_json::from_str(page).expect("the seed pages are JSON");
    for _ in 0..input.int_in_range(1..=8u8)? {
        let count = nodes(&page);
        let target = input.choose_index(count)?;
        let replacement = match input.int_in_range(0..=8u8)? {
            0 => Value::Null,
            1 => Value::Bool(input.arbitrary()?),
            2 => Value::from(input.arbitrary::<i64>()?),
            3 => {
                serde_json::Number::from_f64(input.arbitrary()?).map_or(Value::Null, Value::Number)
            }
            4 => Value::String(input.arbitrary()?),
            5 => Value::Object(Map::new()),
            6 => Value::Array(Vec::new()),
            7 => Value::String(TYPES[input.choose_index(TYPES.len())?].to_owned()),
            _ => nth(&mut page.clone(), input.choose_index(count)?)
                .map(|node| node.clone())
                .unwrap_or(Value::Null),
        };
        if input.arbitrary::<bool>()? {
            remove_child(&mut page, target);
        } else if let Some(node) = nth(&mut page, target) {
            *node = replacement;
        }
    }
    Ok(page)
}

/// How many values `value` holds, itself included.
fn nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(nodes).sum(),
        Value::Object(fields) => fields.values().map(nodes).sum(),
        _ => 0,
    }
}

/// The `n`th value of `value` in depth-first order (0 is `value` itself).
fn nth(value: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(value);
    }
    let mut skipped = 1;
    let children: Box<dyn Iterator<Item = &mut Value>> = match value {
        Value::Array(items) => Box::new(items.iter_mut()),
        Value::Object(fields) => Box::new(fields.values_mut()),
        _ => return None,
    };
    for child in children {
        let size = nodes(child);
        if n < skipped + size {
            return nth(child, n - skipped);
        }
        skipped += size;
    }
    None
}

/// Removes the first child (a field or an item) of the `n`th value, if it has one.
fn remove_child(value: &mut Value, n: usize) {
    match nth(value, n) {
        Some(Value::Array(items)) if !items.is_empty() => {
            items.remove(0);
        }
        Some(Value::Object(fields)) => {
            if let Some(key) = fields.keys().next().cloned() {
                fields.remove(&key);
            }
        }
        _ => {}
    }
}
