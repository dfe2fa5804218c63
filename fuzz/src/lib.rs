//! What the fuzz targets share: the round-trip check.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Checks that `value`, decoded from JSON, serializes, and decodes again to itself.
///
/// Equality is checked only when the JSON holds no number with a fraction or an exponent:
/// `serde_json` (without its `float_roundtrip` feature, which the models do not turn on) may
/// read such a number to within one unit in the last place, so a value kept as it came (an
/// unknown entity's fields) can change in its last digit on the way round.
///
/// # Panics
/// When the value does not serialize, does not decode again, or comes back different.
pub fn check_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let bytes = serde_json::to_vec(value).expect("a decoded value serializes");
    let again: T = serde_json::from_slice(&bytes).expect("a serialized value decodes");
    let json: Value = serde_json::from_slice(&bytes).expect("serialized JSON reads back");
    if !has_fraction(&json) {
        assert_eq!(&again, value, "the round trip keeps the value");
    }
}

/// Whether `json` holds a number that is not an integer.
fn has_fraction(json: &Value) -> bool {
    match json {
        Value::Number(number) => number.is_f64(),
        Value::Array(items) => items.iter().any(has_fraction),
        Value::Object(fields) => fields.values().any(has_fraction),
        _ => false,
    }
}
