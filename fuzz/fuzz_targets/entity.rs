//! The `Entity` union on arbitrary bytes: an entity decodes (strictly or leniently) or fails
//! with an error, never a panic; one that decodes strictly survives a round trip through JSON
//! (see `check_round_trip`).

#![no_main]

use amazon_music_fuzz::check_round_trip;
use amazon_music_models::{Entity, from_slice_lenient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(entity) = serde_json::from_slice::<Entity>(bytes) {
        check_round_trip(&entity);
    }
    let _ = from_slice_lenient::<Entity>(bytes);
});
