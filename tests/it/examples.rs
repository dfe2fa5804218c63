//! The spec's examples against the models: each decodes, and serializes back to itself.

use std::collections::HashSet;

use amazon_music_models::{Entity, ErrorResponse, ViewListResponse, ViewResponse};
use amazon_music_test_support::{Example, component_examples, operations, resolve, spec};
use serde_json::{Map, Value, json};

/// What an example is the body of, told by its top-level key.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Body {
    /// `{"data": {...}}`, a `ViewResponse`.
    View,
    /// `{"data": [...]}`, a `ViewListResponse` (the search's).
    Views,
    /// `{"error": ...}`, an `ErrorResponse`.
    Error,
}

fn body(example: &Example) -> Body {
    match (example.value.get("data"), example.value.get("error")) {
        (Some(data), None) if data.is_array() => Body::Views,
        (Some(_), None) => Body::View,
        (None, Some(_)) => Body::Error,
        _ => panic!(
            "example {} has neither or both of `data` and `error`",
            example.name
        ),
    }
}

/// The schema of a body, as a `$ref`.
fn schema_ref(body: Body) -> Value {
    match body {
        Body::View => json!({"$ref": "#/components/schemas/ViewResponse"}),
        Body::Views => json!({"$ref": "#/components/schemas/ViewListResponse"}),
        Body::Error => json!({"$ref": "#/components/schemas/ErrorResponse"}),
    }
}

/// Decodes an example with the model of its body and serializes it back.
fn round_trip(example: &Example) -> Result<Value, serde_json::Error> {
    match body(example) {
        Body::View => serde_json::to_value(serde_json::from_value::<ViewResponse>(
            example.value.clone(),
        )?),
        Body::Views => serde_json::to_value(serde_json::from_value::<ViewListResponse>(
            example.value.clone(),
        )?),
        Body::Error => serde_json::to_value(serde_json::from_value::<ErrorResponse>(
            example.value.clone(),
        )?),
    }
}

/// What the models should give back for `value`, an instance of `schema`: `value` without the
/// `null`s of the properties the schema does not require, since the models write those as
/// absent. A `null` of a required property stays.
fn expected(schema: &Value, value: &Value) -> Value {
    let schema = resolve(schema);
    if let Some(discriminator) = schema.get("discriminator") {
        let property = discriminator["propertyName"].as_str().unwrap_or_default();
        return match value[property]
            .as_str()
            .and_then(|name| discriminator["mapping"][name].as_str())
        {
            Some(reference) => expected(&json!({"$ref": reference}), value),
            // A `_type` the spec does not know is kept whole.
            None => value.clone(),
        };
    }
    match value {
        Value::Object(object) => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut kept = Map::new();
            for (key, field) in object {
                let property = &schema["properties"][key];
                let declared = !property.is_null();
                if declared && !required.contains(&key.as_str()) && field.is_null() {
                    continue;
                }
                let field = if declared {
                    expected(property, field)
                } else {
                    field.clone()
                };
                kept.insert(key.clone(), field);
            }
            Value::Object(kept)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| expected(&schema["items"], item))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The JSON pointer of the first place where `actual` differs from `expected`, and both values
/// there.
fn first_difference(expected: &Value, actual: &Value, at: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            let keys: Vec<&String> = expected.keys().chain(actual.keys()).collect();
            keys.into_iter().find_map(|key| {
                let at = format!("{at}/{key}");
                match (expected.get(key), actual.get(key)) {
                    (Some(expected), Some(actual)) => first_difference(expected, actual, &at),
                    (Some(expected), None) => Some(format!("{at}: expected {expected}, absent")),
                    (None, Some(actual)) => Some(format!("{at}: not expected, got {actual}")),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(expected_items), Value::Array(actual_items))
            if expected_items.len() == actual_items.len() =>
        {
            expected_items
                .iter()
                .zip(actual_items)
                .enumerate()
                .find_map(|(index, (expected, actual))| {
                    first_difference(expected, actual, &format!("{at}/{index}"))
                })
        }
        _ if expected == actual => None,
        _ => Some(format!("{at}: expected {expected}, got {actual}")),
    }
}

/// Every string of a JSON value, object keys included.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(object) => object
            .iter()
            .flat_map(|(key, field)| std::iter::once(key.as_str()).chain(strings(field)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `(_type, id)` of every entity of a view body, in order: the view's entity, then the
/// entities of each group.
fn raw_entities(view: &Value) -> Vec<(String, String)> {
    let data = &view["data"];
    let entity = Some(&data["entity"]).filter(|entity| !entity.is_null());
    let grouped = data["content"]["entityGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| {
            group["content"]["entities"]
                .as_array()
                .into_iter()
                .flatten()
        });
    entity
        .into_iter()
        .chain(grouped)
        .map(|entity| {
            (
                entity["_type"].as_str().unwrap_or_default().to_owned(),
                entity["id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The same as [`raw_entities`], from a decoded view.
fn decoded_entities(view: &ViewResponse) -> Vec<(String, String)> {
    let grouped = view
        .data
        .content
        .entity_groups
        .iter()
        .flat_map(|group| &group.content.entities);
    view.data
        .entity
        .iter()
        .chain(grouped)
        .map(|entity: &Entity| {
            (
                entity.type_name().to_owned(),
                entity.id().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_spec_has_sixteen_view_examples_and_three_error_examples() {
    let examples = component_examples(spec());
    let count = |wanted: Body| {
        examples
            .iter()
            .filter(|example| body(example) == wanted)
            .count()
    };
    assert_eq!(count(Body::View), 16);
    assert_eq!(count(Body::Views), 1);
    assert_eq!(count(Body::Error), 3);
}

#[test]
fn every_example_decodes_and_serializes_back_to_itself() {
    let spec = spec();
    let mut failures = Vec::new();
    for example in component_examples(spec) {
        let want = expected(&schema_ref(body(&example)), &example.value);
        match round_trip(&example) {
            Err(error) => failures.push(format!("{}: does not decode: {error}", example.name)),
            Ok(got) => {
                if let Some(difference) = first_difference(&want, &got, "") {
                    failures.push(format!("{}: {difference}", example.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn expected_json_drops_the_nulls_of_optional_properties_only() {
    let playlist = json!({
        "_type": "Playlist",
        "id": "p1",
        "title": "Mix",
        "images": [],
        "playParams": {"id": "mrn", "containerId": null, "selections": []},
        "curator": {"id": null, "name": "Amazon Music"},
        "description": null,
    });
    let want = json!({
        "_type": "Playlist",
        "id": "p1",
        "title": "Mix",
        "images": [],
        "playParams": {"id": "mrn", "selections": []},
        "curator": {"name": "Amazon Music"},
    });
    let entity = json!({"$ref": "#/components/schemas/Entity"});
    assert_eq!(expected(&entity, &playlist), want);
    // The `null` of a required property stays: its absence from the decoded value is still a
    // difference. (The spec has no required nullable property left, so the schema is made up.)
    let required_nullable = json!({
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "nullable": true}, "name": {"type": "string"}},
    });
    let with_null_id = json!({"id": null, "name": "Amazon Music"});
    assert_eq!(expected(&required_nullable, &with_null_id), with_null_id);
}

#[test]
fn every_operation_has_a_200_example_that_resolves_to_a_view() {
    let spec = spec();
    for operation in operations(spec) {
        assert!(
            !operation.example_refs.is_empty(),
            "{} has no 200 example",
            operation.operation_id
        );
        for reference in &operation.example_refs {
            let example = spec
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or_else(|| {
                    panic!("{}: {reference} does not resolve", operation.operation_id)
                });
            assert!(
                example["value"]["data"].is_object() || example["value"]["data"].is_array(),
                "{}: {reference} is not a body of one view or several",
                operation.operation_id
            );
        }
    }
}

#[test]
fn all_seventeen_operations_are_present_with_unique_operation_ids() {
    let operations = operations(spec());
    let ids: Vec<&str> = operations
        .iter()
        .map(|operation| operation.operation_id.as_str())
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate operationIds in {ids:?}");
    let wanted: HashSet<&str> = [
        "getHomeView",
        "getHomeGroup",
        "getPodcastsView",
        "getPodcastsGroup",
        "getLibraryView",
        "getLibraryGroup",
        "getArtistView",
        "getAlbumView",
        "getPlaylistView",
        "getPodcastShowView",
        "getLibraryAlbumsView",
        "getLibraryArtistsView",
        "getLibrarySongsView",
        "getLibraryPlaylistsView",
        "getLibraryPodcastsView",
        "getRecentlyPlayedView",
        "getSearchView",
    ]
    .into_iter()
    .collect();
    assert_eq!(unique, wanted);
}

#[test]
fn no_example_string_contains_an_ellipsis() {
    for example in component_examples(spec()) {
        let elided: Vec<&str> = strings(&example.value)
            .into_iter()
            .filter(|text| text.contains("..."))
            .collect();
        assert!(
            elided.is_empty(),
            "example {} is elided: {elided:?}",
            example.name
        );
    }
}

#[test]
fn decoding_an_example_keeps_every_entity() {
    for example in component_examples(spec()) {
        if body(&example) != Body::View {
            continue;
        }
        let view: ViewResponse = serde_json::from_value(example.value.clone())
            .unwrap_or_else(|error| panic!("{}: {error}", example.name));
        let raw = raw_entities(&example.value);
        let decoded = decoded_entities(&view);
        assert_eq!(decoded.len(), raw.len(), "{}", example.name);
        assert_eq!(decoded, raw, "{}", example.name);
    }
}
