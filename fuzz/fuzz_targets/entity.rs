//! The `Entity` union on arbitrary bytes: an entity decodes (strictly or leniently) or fails
//! with an error, never a panic; one that decodes strictly survives a round trip through JSON.

#![no_main]

use amazon_music_models::{Entity, from_slice_lenient};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(entity) = serde_json::from_slice::<Entity>(bytes) {
        let json = serde_json::to_vec(&entity).expect("a decoded entity serializes");
        let again: Entity = serde_json::from_slice(&json).expect("a serialized entity decodes");
        assert_eq!(again, entity, "the round trip keeps the entity");
    }
    let _ = from_slice_lenient::<Entity>(bytes);
});
