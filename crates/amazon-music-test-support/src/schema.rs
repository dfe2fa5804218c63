//! A JSON Schema check against the spec's own schemas (the subset of OpenAPI 3.0 it uses),
//! stricter than the spec on one point: no property the schema does not declare.

use serde_json::Value;

use crate::spec::resolve;

/// Panics with every way `value` breaks the spec's schema `name`, or an object's `_type` is
/// not its first key.
pub fn assert_valid(name: &str, value: &Value, what: &str) {
    let errors = schema_problems(name, value);
    assert!(
        errors.is_empty(),
        "{what}: {} problem(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// Every way `value` breaks the spec's schema `name` (no undeclared property allowed), and
/// every object whose `_type` is not its first key.
pub fn schema_problems(name: &str, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let schema = serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
    check(&schema, value, "", &mut errors);
    type_first(value, "", &mut errors);
    errors
}

fn check(schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(schema);
    if value.is_null() {
        if schema["nullable"] != Value::Bool(true) {
            errors.push(format!("{at}: null, but not nullable"));
        }
        return;
    }
    if let Some(variants) = schema["oneOf"].as_array() {
        let discriminator = schema["discriminator"]["propertyName"]
            .as_str()
            .unwrap_or("_type");
        let Some(name) = value[discriminator].as_str() else {
            errors.push(format!("{at}: no {discriminator}"));
            return;
        };
        match schema["discriminator"]["mapping"][name].as_str() {
            Some(reference) => check(&serde_json::json!({"$ref": reference}), value, at, errors),
            None => errors.push(format!(
                "{at}: {discriminator} {name:?} is none of {} variants",
                variants.len()
            )),
        }
        return;
    }
    let kind = schema["type"].as_str().unwrap_or("object");
    let fits = match kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        other => panic!("the checker does not know type {other}"),
    };
    if !fits {
        errors.push(format!("{at}: expected {kind}, got {value}"));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let (Some(minimum), Some(number)) = (schema["minimum"].as_i64(), value.as_i64())
        && number < minimum
    {
        errors.push(format!("{at}: {number} < {minimum}"));
    }
    match value {
        Value::Object(object) => {
            for required in schema["required"].as_array().into_iter().flatten() {
                let required = required.as_str().unwrap_or_default();
                if !object.contains_key(required) {
                    errors.push(format!("{at}: missing {required}"));
                }
            }
            if schema["additionalProperties"] == Value::Bool(true) {
                return;
            }
            for (key, field) in object {
                match schema["properties"].get(key) {
                    Some(property) => check(property, field, &format!("{at}/{key}"), errors),
                    None => errors.push(format!("{at}: undeclared property {key}")),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check(&schema["items"], item, &format!("{at}/{index}"), errors);
            }
        }
        _ => {}
    }
}

fn type_first(value: &Value, at: &str, errors: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if object.contains_key("_type")
                && object.keys().next().map(String::as_str) != Some("_type")
            {
                errors.push(format!("{at}: _type is not the first key"));
            }
            for (key, field) in object {
                type_first(field, &format!("{at}/{key}"), errors);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                type_first(item, &format!("{at}/{index}"), errors);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_check_catches_what_the_spec_forbids() {
        let mut errors = Vec::new();
        let schema = serde_json::json!({"$ref": "#/components/schemas/Track"});
        let bad = serde_json::json!({"_type": "Album", "id": 7, "extra": true});
        check(&schema, &bad, "", &mut errors);
        let joined = errors.join("\n");
        for expected in ["/_type", "/id", "missing isrc", "undeclared property extra"] {
            assert!(joined.contains(expected), "{expected} not in {joined}");
        }
        let mut errors = Vec::new();
        type_first(
            &serde_json::json!({"id": "x", "_type": "Album"}),
            "",
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
    }
}
