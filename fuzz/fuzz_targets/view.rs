//! The view decoder on arbitrary bytes: a page decodes (strictly or leniently) or fails with an
//! error, never a panic; a page that decodes strictly survives a round trip through JSON
//! (see `check_round_trip`).

#![no_main]

use amazon_music_fuzz::check_round_trip;
use amazon_music_models::{ViewResponse, from_slice_lenient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(page) = serde_json::from_slice::<ViewResponse>(bytes) {
        check_round_trip(&page);
    }
    let _ = from_slice_lenient::<ViewResponse>(bytes);
});
