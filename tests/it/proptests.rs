//! Round trips of every model through JSON, on arbitrary values.
//!
//! The values come from the models' own `Arbitrary` (the models crate's `proptest` feature,
//! derived by `cargo xtask codegen`), and the list of models from its generated
//! `every_model!`: a model new in the spec is covered here with no edit. What stays
//! hand-written is what a value alone cannot show: the positions of `_type` in an entity's
//! object, and unknown entities kept whole.
//!
//! Each property runs proptest's default 256 cases (`PROPTEST_CASES` sets another number).

use std::fmt::Debug;

use amazon_music_models::Entity;
use amazon_music_models::arbitrary::{
    finite_f32, finite_f64, json_value, small_btree_map, small_hash_map, text,
    unknown_entity_object,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Checks that `value` comes back equal through a `serde_json::Value` and through JSON text,
/// and that the JSON comes back the same from the decoded value: nothing dropped, renamed or
/// reordered on the way.
fn check_round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let json = serde_json::to_value(value).map_err(fail("to_value"))?;
    let back: T = from_value(json.clone())?;
    prop_assert_eq!(&back, value, "through the JSON value {}", json);
    prop_assert_eq!(serde_json::to_value(&back).map_err(fail("to_value"))?, json);

    let text = to_text(value)?;
    let back: T = from_text(&text)?;
    prop_assert_eq!(&back, value, "through the JSON text {}", text);
    // Text, unlike `Value`'s equality, also sees the order of the keys.
    prop_assert_eq!(to_text(&back)?, text);
    Ok(())
}

fn to_text<T: Serialize>(value: &T) -> Result<String, TestCaseError> {
    serde_json::to_string(value).map_err(fail("to_string"))
}

fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, TestCaseError> {
    serde_json::from_str(text).map_err(fail(&format!("from_str({text})")))
}

fn from_value<T: DeserializeOwned>(json: Value) -> Result<T, TestCaseError> {
    let shown = json.to_string();
    serde_json::from_value(json).map_err(fail(&format!("from_value({shown})")))
}

fn fail(step: &str) -> impl Fn(serde_json::Error) -> TestCaseError {
    move |error| TestCaseError::fail(format!("{step}: {error}"))
}

/// One module per model, each with its round trip: `proptests::every_model::Album::...`.
macro_rules! round_trip_tests {
    ($($model:ident),* $(,)?) => {$(
        #[allow(non_snake_case)]
        mod $model {
            use super::super::*;

            proptest! {
                #[test]
                fn round_trips_through_json(value in any::<amazon_music_models::$model>()) {
                    check_round_trips(&value)?;
                }
            }
        }
    )*};
}

mod every_model {
    amazon_music_models::every_model!(round_trip_tests);
}

/// The names `every_model!` gives.
macro_rules! model_names {
    ($($model:ident),* $(,)?) => {
        [$(stringify!($model)),*]
    };
}

#[test]
fn every_component_schema_has_a_round_trip() {
    let names = amazon_music_models::every_model!(model_names);
    let spec = amazon_music_test_support::spec();
    let schemas = spec["components"]["schemas"].as_object();
    for schema in schemas.into_iter().flat_map(|schemas| schemas.keys()) {
        assert!(
            names.contains(&schema.as_str()),
            "{schema} is not in every_model!"
        );
    }
}

/// `object` with its `_type` entry moved to `position` (modulo the number of entries).
fn with_type_at(object: &Map<String, Value>, position: Index) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = object
        .iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if let Some(from) = entries.iter().position(|(key, _)| key == "_type") {
        let entry = entries.remove(from);
        entries.insert(position.index(entries.len() + 1), entry);
    }
    entries.into_iter().collect()
}

proptest! {
    #[test]
    fn an_entity_decodes_alike_with_its_type_at_any_position(
        entity in any::<Entity>(),
        position in any::<Index>(),
    ) {
        let json = serde_json::to_value(&entity).map_err(fail("to_value"))?;
        let Value::Object(object) = json else {
            return Err(TestCaseError::fail(format!("{json} is not a JSON object")));
        };
        let moved = with_type_at(&object, position);
        let text = to_text(&moved)?;
        prop_assert_eq!(&from_text::<Entity>(&text)?, &entity, "from {}", text);
        prop_assert_eq!(&from_value::<Entity>(Value::Object(moved))?, &entity);
    }

    #[test]
    fn an_unknown_entity_is_kept_whole_in_order(
        object in unknown_entity_object(&Entity::KNOWN_TYPES),
    ) {
        let text = to_text(&object)?;
        let entity: Entity = from_text(&text)?;
        let Entity::Unknown(unknown) = &entity else {
            return Err(TestCaseError::fail(format!("{text} decoded to {entity:?}")));
        };
        prop_assert_eq!(Some(unknown.type_name()), object["_type"].as_str());
        prop_assert_eq!(unknown.id(), object.get("id").and_then(Value::as_str));
        let keys: Vec<&String> = unknown.fields().keys().collect();
        prop_assert_eq!(keys, object.keys().collect::<Vec<_>>(), "keys reordered");
        prop_assert_eq!(unknown.clone().into_fields(), object);
    }

    #[test]
    fn the_strategies_for_floats_and_maps_round_trip(
        floats in (finite_f64(), finite_f32()),
        maps in (small_hash_map(text(), json_value()), small_btree_map(text(), any::<i64>())),
    ) {
        check_round_trips(&floats)?;
        check_round_trips(&maps)?;
    }
}
