//! The generated tables agree with the spec: the operation table (`Operation`) with its paths,
//! and the entity union (`Entity`) with its discriminator mapping. Read from the YAML here,
//! independently of the generator, so a hand edit of a generated file or a generator bug
//! shows up as a difference.

use amazon_music_models::{Entity, Operation, PagingStyle, ParameterKind};
use amazon_music_test_support::{component_examples, resolve, spec};
use serde_json::Value;

#[test]
fn the_operation_table_lists_every_operation_of_the_spec_as_the_spec_says() {
    let spec = spec();
    let mut seen = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if method == "parameters" {
                continue;
            }
            let operation_id = operation["operationId"].as_str().expect("an operationId");
            let generated: Operation = operation_id
                .parse()
                .unwrap_or_else(|error| panic!("{error}: the table misses it"));
            let row = generated.spec();
            seen.push(generated);
            assert_eq!(row.method, method.to_uppercase(), "{operation_id}");
            assert_eq!(row.path, path, "{operation_id}");
            assert_eq!(
                Operation::from_path(path),
                Some(generated),
                "{operation_id}"
            );
            let parameters: Vec<&Value> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(resolve)
                .collect();
            let named = |location: &str| -> Vec<&str> {
                parameters
                    .iter()
                    .filter(|parameter| parameter["in"] == location)
                    .filter_map(|parameter| parameter["name"].as_str())
                    .collect()
            };
            let in_path: Vec<&str> = path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            let mut declared = named("path");
            declared.sort_unstable();
            let mut sorted = in_path.clone();
            sorted.sort_unstable();
            assert_eq!(declared, sorted, "{operation_id}: path parameters");
            assert_eq!(
                row.path_parameters, in_path,
                "{operation_id}: in path order"
            );
            let query: Vec<&str> = row
                .query_parameters
                .iter()
                .map(|query| query.name)
                .collect();
            assert_eq!(query, named("query"), "{operation_id}");
            for parameter in parameters
                .iter()
                .filter(|parameter| parameter["in"] == "query")
            {
                let name = parameter["name"].as_str().expect("a name");
                let row = row.query_parameter(name).expect("in the row");
                let schema = resolve(&parameter["schema"]);
                let context = format!("{operation_id}: {name}");
                assert_eq!(row.required, parameter["required"] == true, "{context}");
                assert_eq!(row.minimum, schema["minimum"].as_i64(), "{context}");
                assert_eq!(row.maximum, schema["maximum"].as_i64(), "{context}");
                assert_eq!(row.min_length, schema["minLength"].as_u64(), "{context}");
                assert_eq!(row.max_length, schema["maxLength"].as_u64(), "{context}");
                let kind = match (schema["type"].as_str(), schema["format"].as_str()) {
                    (Some("string"), _) => ParameterKind::String,
                    (Some("integer"), format) => ParameterKind::Integer {
                        int32: format == Some("int32"),
                    },
                    other => panic!("{context}: a query parameter of type {other:?}"),
                };
                assert_eq!(row.kind, kind, "{context}");
            }
            assert_eq!(row.headers, named("header"), "{operation_id}");
            let maximum = parameters
                .iter()
                .find(|parameter| parameter["name"] == "limit")
                .and_then(|limit| resolve(&limit["schema"])["maximum"].as_u64());
            assert_eq!(
                generated.max_limit().map(u64::from),
                maximum,
                "{operation_id}: limit"
            );
            let paging = match operation["x-paging"].as_str() {
                Some("groups") => PagingStyle::Groups,
                Some("entities") => PagingStyle::Entities,
                Some("none") => PagingStyle::None,
                other => panic!("{operation_id}: x-paging {other:?}"),
            };
            assert_eq!(row.paging, paging, "{operation_id}");
            let sdk_method = match operation["x-sdk-method"].as_str() {
                Some(name) => name.to_owned(),
                None => snake_case(
                    operation_id
                        .trim_start_matches("get")
                        .trim_end_matches("View"),
                ),
            };
            assert_eq!(row.sdk_method, sdk_method, "{operation_id}");
            assert_eq!(
                row.summary,
                operation["summary"].as_str().unwrap_or_default()
            );
        }
    }
    assert_eq!(
        seen,
        Operation::ALL,
        "the table holds the spec's operations, in its order"
    );
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (index, character) in name.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            out.push('_');
        }
        out.extend(character.to_lowercase());
    }
    out
}

#[test]
fn the_entity_union_has_a_variant_for_every_mapping_of_the_discriminator() {
    let spec = spec();
    let entity = &spec["components"]["schemas"]["Entity"];
    assert_eq!(entity["discriminator"]["propertyName"], "_type");
    let mapping = entity["discriminator"]["mapping"]
        .as_object()
        .expect("a discriminator mapping");
    let keys: Vec<&str> = mapping.keys().map(String::as_str).collect();
    assert_eq!(Entity::KNOWN_TYPES.as_slice(), keys.as_slice());
    let one_of: Vec<&str> = entity["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|variant| variant["$ref"].as_str())
        .collect();
    let mut mapped: Vec<&str> = mapping.values().filter_map(Value::as_str).collect();
    let mut listed = one_of.clone();
    mapped.sort_unstable();
    listed.sort_unstable();
    assert_eq!(
        mapped, listed,
        "the mapping and the oneOf list the same schemas"
    );
}

#[test]
fn every_known_type_in_the_examples_decodes_into_its_own_variant() {
    let spec = spec();
    let mut decoded = Vec::new();
    let mut timed = 0;
    let mut entities = Vec::new();
    for example in component_examples(spec) {
        collect_entities(&example.value, &mut entities);
    }
    for object in entities {
        let type_name = object["_type"].as_str().unwrap_or_default().to_owned();
        if !Entity::KNOWN_TYPES.contains(&type_name.as_str()) {
            continue;
        }
        let entity: Entity = serde_json::from_value(object.clone())
            .unwrap_or_else(|error| panic!("{type_name}: {error}"));
        assert!(
            !matches!(entity, Entity::Unknown(_) | Entity::Malformed(_)),
            "{type_name} decoded to {entity:?}"
        );
        assert_eq!(entity.type_name(), type_name);
        assert_eq!(entity.id(), object["id"].as_str(), "{type_name}");
        let title = object["title"].as_str().or(object["name"].as_str());
        assert_eq!(entity.title(), title, "{type_name}");
        let length = |key: &str| object[key].as_array().map(Vec::len);
        assert_eq!(
            entity.images().map(<[_]>::len),
            length("images"),
            "{type_name}"
        );
        assert_eq!(
            entity.artists().map(<[_]>::len),
            length("artists"),
            "{type_name}"
        );
        assert_eq!(
            entity.play_params().map(|play| play.id.as_str()),
            object["playParams"]["id"].as_str(),
            "{type_name}"
        );
        assert_eq!(
            entity.duration(),
            object["duration"]
                .as_u64()
                .map(std::time::Duration::from_secs),
            "{type_name}"
        );
        if type_name == "Track" {
            assert_eq!(entity.duration(), None, "the views give a track no length");
        }
        timed += usize::from(entity.duration().is_some());
        let shown = entity.to_string();
        assert!(shown.starts_with(&type_name), "{shown}");
        if let Some(id) = entity.id() {
            assert!(shown.ends_with(&format!("({id})")), "{shown}");
        }
        decoded.push(type_name);
    }
    for known in Entity::KNOWN_TYPES {
        assert!(
            decoded.iter().any(|name| name == known),
            "no example holds a {known}"
        );
    }
    assert!(timed > 0, "some example gives a duration");
}

/// Every object under an `entities` array or an `entity` key.
fn collect_entities(value: &Value, into: &mut Vec<Value>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("entities", Value::Array(items)) => {
                        into.extend(items.iter().filter(|item| item.is_object()).cloned())
                    }
                    ("entity", Value::Object(_)) => into.push(child.clone()),
                    _ => {}
                }
                collect_entities(child, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_entities(item, into)),
        _ => {}
    }
}

#[tokio::test]
async fn the_mock_routes_every_operation_of_the_table() {
    let server = amazon_music_mock::MockServer::start()
        .await
        .expect("a mock server");
    let credentials = server.credentials();
    let http = reqwest::Client::new();
    for operation in Operation::ALL {
        let path: Vec<&str> = operation
            .path_template()
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "X1"
                } else {
                    segment
                }
            })
            .collect();
        let response = http
            .get(format!("{}{}", server.url(), path.join("/")))
            .header("x-api-key", credentials.api_key())
            .bearer_auth(credentials.access_token())
            .send()
            .await
            .expect("a response");
        let status = response.status().as_u16();
        let body = response.text().await.expect("a body");
        // A required query parameter missing is the operation's own answer: a `400` naming it.
        let missing_required = status == 400
            && operation
                .spec()
                .query_parameters
                .iter()
                .any(|parameter| parameter.required && body.contains(parameter.name));
        assert!(
            status == 200 || (status == 404 && !body.contains("no route")) || missing_required,
            "{operation}: {status} {body}"
        );
    }
    let recorded: Vec<Option<Operation>> = server
        .requests()
        .into_iter()
        .map(|request| request.operation)
        .collect();
    let wanted: Vec<Option<Operation>> = Operation::ALL.into_iter().map(Some).collect();
    assert_eq!(recorded, wanted);
}
