//! The view decoder on arbitrary bytes: a page decodes (strictly or leniently) or fails with an
//! error, never a panic; a page that decodes strictly survives a round trip through JSON.

#![no_main]

use amazon_music_models::{ViewResponse, from_slice_lenient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(page) = serde_json::from_slice::<ViewResponse>(bytes) {
        let json = serde_json::to_vec(&page).expect("a decoded page serializes");
        let again: ViewResponse =
            serde_json::from_slice(&json).expect("a serialized page decodes");
        assert_eq!(again, page, "the round trip keeps the page");
    }
    let _ = from_slice_lenient::<ViewResponse>(bytes);
});
