//! Servers, clients and checks shared by the tests.

use std::sync::OnceLock;
use std::time::Duration;

use amazon_music::{Client, RetryPolicy};
use amazon_music_mock::{MockServer, Operation};
use amazon_music_models::{ErrorResponse, ViewResponse};
use serde_json::Value;

/// A server with the default library.
pub async fn server() -> MockServer {
    MockServer::start().await.expect("a mock server")
}

/// A server whose library holds `songs` songs.
pub async fn server_of(songs: usize) -> MockServer {
    MockServer::builder()
        .library_size(songs)
        .start()
        .await
        .expect("a mock server")
}

/// A plain HTTP client: one per thread, since building one takes a while (TLS roots), and
/// each test's runtime has its thread.
pub fn http() -> reqwest::Client {
    thread_local! {
        static CLIENT: reqwest::Client = reqwest::Client::new();
    }
    CLIENT.with(reqwest::Client::clone)
}

/// A retry policy that retries at once, for tests.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(2))
        .with_jitter(false)
}

/// An SDK client for `server`, with its credentials and fast retries.
pub fn sdk(server: &MockServer) -> Client {
    sdk_with(server, fast_retries())
}

/// An SDK client for `server` with `retries`.
pub fn sdk_with(server: &MockServer, retries: RetryPolicy) -> Client {
    Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(retries)
        .build()
        .expect("an SDK client")
}

/// A GET of `path` with the server's credentials, the `query` and the `headers` given.
pub async fn get(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = http()
        .get(format!("{}{path}", server.url()))
        .query(query)
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("a response")
}

/// A GET that must answer a view: checks the status, the JSON against the spec's schema, that
/// `_type` comes first, and that the models decode it.
pub async fn view(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> ViewResponse {
    let response = get(server, path, query, headers).await;
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, 200, "GET {path} {query:?}: {body}");
    let json: Value = serde_json::from_str(&body).expect("JSON");
    assert_valid("ViewResponse", &json, &format!("GET {path} {query:?}"));
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("GET {path}: {error}: {body}"))
}

/// A GET that must answer an error: checks the status, the V1 body against the spec, and
/// returns the body's code.
pub async fn error(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    status: u16,
) -> String {
    let response = get(server, path, query, headers).await;
    error_of(response, status, path).await
}

/// Checks an error response: its status and V1 body; returns its code.
pub async fn error_of(response: reqwest::Response, status: u16, what: &str) -> String {
    assert_eq!(response.status(), status, "{what}");
    let body = response.text().await.expect("a body");
    let json: Value = serde_json::from_str(&body).expect("JSON");
    assert_valid("ErrorResponse", &json, what);
    let error: ErrorResponse = serde_json::from_str(&body).expect("an error body");
    assert_eq!(error.error.status, status.to_string(), "{what}");
    error.error.code
}

/// The path of `operation` with the IDs the catalog serves.
pub fn path_of(operation: Operation) -> String {
    operation
        .path_template()
        .replace(
            "{groupId}",
            match operation {
                Operation::HomeGroup => "mp3-subscription-gateway_mp3YourHeaviestListeningStrategy",
                Operation::PodcastsGroup => {
                    "TopShowsStrategy-7e41c9a8-03b2-4d6f-a1e5-9f8c2d6b4a10%2523EDITORIAL%2523PODCASTS"
                }
                _ => "podcast-shows",
            },
        )
        .replace(
            "{id}",
            match operation {
                Operation::Artist => "B000QJJOSO",
                Operation::Album => "B0CKMM9LJF",
                Operation::Playlist => "B00J9PVXBM",
                _ => "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0",
            },
        )
}

/// The next page's cursor of a view, as the SDK reads it for `operation`.
pub fn next_cursor(operation: Operation, view: &ViewResponse) -> Option<String> {
    let content = &view.data.content;
    match operation {
        Operation::Home | Operation::Podcasts | Operation::Library | Operation::Artist => {
            content.next_page_token.clone()
        }
        Operation::Album => None,
        // The first group's token: on a playlist or a show, the second group's (similar
        // playlists or shows) is not this view's cursor.
        _ => content
            .entity_groups
            .first()
            .and_then(|group| group.content.next_page_token.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// A JSON Schema check against the spec's own schemas (the subset of OpenAPI 3.0 it uses), and
// stricter than the spec on one point: no property the schema does not declare.

/// The spec, as JSON.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../../../../openapi/amazon-music-views.yaml");
        serde_norway::from_str::<Value>(text).expect("the spec")
    })
}

/// Panics with every way `value` breaks the spec's schema `name`, or an object's `_type` is
/// not its first key.
pub fn assert_valid(name: &str, value: &Value, what: &str) {
    let mut errors = Vec::new();
    let schema = serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
    check(&schema, value, "", &mut errors);
    type_first(value, "", &mut errors);
    assert!(
        errors.is_empty(),
        "{what}: {} problem(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

fn resolve(mut schema: &Value) -> &Value {
    while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        schema = spec()
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved {reference}"));
    }
    schema
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
