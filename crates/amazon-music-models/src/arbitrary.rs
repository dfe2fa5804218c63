//! Strategies behind the models' `Arbitrary` impls (the `proptest` feature), for tests.
//!
//! `cargo xtask codegen` derives [`Arbitrary`] for every model and points each field whose type
//! needs a shape of its own at a strategy here, chosen by the field's type alone: [`text`] for
//! strings, [`small_vec`] and the small maps for collections (short, so that a view of groups
//! of entities stays quick), [`finite_f64`] and [`finite_f32`] for numbers that JSON text
//! carries exactly, [`json_value`] and [`json_object`] for free-form JSON.
//! [`Entity`](crate::Entity)'s generated impl adds [`unknown_entity`] to its known variants.
//!
//! Every value these make survives a round trip through JSON.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use proptest::collection;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};

use crate::UnknownEntity;

/// The most elements [`small_vec`] and [`small_btree_map`] make.
const MAX_ELEMENTS: usize = 2;

/// The most characters [`text`] makes.
const MAX_CHARS: usize = 12;

/// Any text of up to 12 characters: any Unicode scalar value, control characters, quotes and
/// backslashes included.
pub fn text() -> impl Strategy<Value = String> {
    collection::vec(any::<char>(), 0..=MAX_CHARS).prop_map(String::from_iter)
}

/// Text of `min_length` to `max_length` characters (to `min_length` + 12 when unbounded), like
/// [`text`]: for the string types of bounded query parameters.
pub fn text_of_length(
    min_length: usize,
    max_length: Option<usize>,
) -> impl Strategy<Value = String> {
    let max_length = max_length.unwrap_or(min_length + MAX_CHARS).max(min_length);
    collection::vec(any::<char>(), min_length..=max_length).prop_map(String::from_iter)
}

/// A vector of up to 2 elements: empty, one or more.
pub fn small_vec<S: Strategy>(element: S) -> impl Strategy<Value = Vec<S::Value>> {
    collection::vec(element, 0..=MAX_ELEMENTS)
}

/// A `HashMap` of at most one entry: two maps of the same entries may list them in different
/// orders, and a round trip compares JSON text.
pub fn small_hash_map<K, V>(key: K, value: V) -> impl Strategy<Value = HashMap<K::Value, V::Value>>
where
    K: Strategy,
    K::Value: Hash + Eq,
    V: Strategy,
{
    collection::hash_map(key, value, 0..=1)
}

/// A `BTreeMap` of up to 2 entries.
pub fn small_btree_map<K, V>(
    key: K,
    value: V,
) -> impl Strategy<Value = BTreeMap<K::Value, V::Value>>
where
    K: Strategy,
    K::Value: Ord,
    V: Strategy,
{
    collection::btree_map(key, value, 0..=MAX_ELEMENTS)
}

/// A finite `f64` that JSON text carries exactly: an `i32` in eighths.
///
/// JSON has no NaN or infinity, and `serde_json` (without its `float_roundtrip` feature) may
/// read a long decimal back one unit in the last place off; a short one it reads exactly.
pub fn finite_f64() -> impl Strategy<Value = f64> {
    (any::<i32>(), 0..=3_u32).prop_map(|(units, shift)| f64::from(units) / f64::from(1 << shift))
}

/// A finite `f32` that JSON text carries exactly: an `i16` in eighths.
pub fn finite_f32() -> impl Strategy<Value = f32> {
    (any::<i16>(), 0..=3_u8).prop_map(|(units, shift)| f32::from(units) / f32::from(1_u8 << shift))
}

/// Any JSON number that JSON text carries exactly: integers of either sign, and
/// [`finite_f64`]'s floats.
pub fn json_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        finite_f64().prop_filter_map("a finite float", Number::from_f64),
    ]
}

/// Any JSON value, nested up to three levels.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number().prop_map(Value::Number),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            object_of(inner).prop_map(Value::Object),
        ]
    })
}

/// Any JSON object of up to 3 entries, with [`json_value`]s.
pub fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    object_of(json_value())
}

fn object_of(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Map<String, Value>> {
    collection::vec((text(), value), 0..4).prop_map(|entries| entries.into_iter().collect())
}

/// The JSON object of an entity of a `_type` that is none of `known`: a [`json_object`] with
/// `_type` at any position, first or not.
pub fn unknown_entity_object(
    known: &'static [&'static str],
) -> impl Strategy<Value = Map<String, Value>> {
    let type_name = text().prop_filter("a known `_type`", move |name| {
        !known.contains(&name.as_str())
    });
    (type_name, json_object(), any::<Index>()).prop_map(|(type_name, object, position)| {
        let mut entries: Vec<(String, Value)> = object
            .into_iter()
            .filter(|(key, _)| key != "_type")
            .collect();
        let position = position.index(entries.len() + 1);
        entries.insert(position, ("_type".to_owned(), Value::String(type_name)));
        entries.into_iter().collect()
    })
}

/// An entity of a `_type` that is none of `known`, from an [`unknown_entity_object`].
pub fn unknown_entity(known: &'static [&'static str]) -> impl Strategy<Value = UnknownEntity> {
    unknown_entity_object(known).prop_map(UnknownEntity::from_object)
}
