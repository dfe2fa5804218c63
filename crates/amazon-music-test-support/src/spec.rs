//! The OpenAPI document, read once: `$ref` resolution, its examples, its operations.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The OpenAPI document (`openapi/amazon-music-views.yaml`), as JSON.
///
/// # Panics
/// When the document does not parse (a test failure).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../../../openapi/amazon-music-views.yaml");
        serde_norway::from_str(text).expect("the spec parses")
    })
}

/// Follows `$ref`s into the spec until a value without one.
///
/// # Panics
/// On a `$ref` that points nowhere.
pub fn resolve(mut value: &Value) -> &Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        value = spec()
            .pointer(reference.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("unresolved $ref {reference}"));
    }
    value
}

/// A named example from the spec's `components/examples`.
#[derive(Debug)]
pub struct Example {
    /// The example's key in `components/examples`.
    pub name: String,
    /// The example's value.
    pub value: Value,
}

/// Every example in `components/examples`.
pub fn component_examples(spec: &Value) -> Vec<Example> {
    spec["components"]["examples"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, example)| Example {
            name: name.clone(),
            value: example["value"].clone(),
        })
        .collect()
}

/// The value of the example `name` in `components/examples`.
///
/// # Panics
/// When the spec has no such example.
pub fn example(name: &str) -> Value {
    spec()
        .pointer(&format!("/components/examples/{name}/value"))
        .unwrap_or_else(|| panic!("no example {name} in the spec"))
        .clone()
}

/// One operation of the spec: its path, `operationId` and parameters' names, by location.
#[derive(Debug)]
pub struct Operation {
    /// The path template, e.g. `/v1/views/home/{groupId}`.
    pub path: String,
    /// The `operationId`.
    pub operation_id: String,
    /// The names of its query parameters.
    pub query: Vec<String>,
    /// The `$ref`s of the examples of its `200` response.
    pub example_refs: Vec<String>,
    /// Its parameters, `$ref`s resolved.
    pub parameters: Vec<Value>,
}

/// Every operation of the spec.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let get = &item["get"];
        let parameters: Vec<Value> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|parameter| resolve(parameter).clone())
            .collect();
        operations.push(Operation {
            path: path.clone(),
            operation_id: get["operationId"].as_str().unwrap_or_default().to_owned(),
            query: parameters
                .iter()
                .filter(|parameter| parameter["in"] == "query")
                .filter_map(|parameter| parameter["name"].as_str().map(str::to_owned))
                .collect(),
            example_refs: get["responses"]["200"]["content"]["application/json"]["examples"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(_, example)| example["$ref"].as_str().map(str::to_owned))
                .collect(),
            parameters,
        });
    }
    operations
}

/// The spec's `example` of the parameter `name` of the operation `operation_id`.
///
/// # Panics
/// When the operation, the parameter or its example is missing.
pub fn parameter_example(operation_id: &str, name: &str) -> String {
    let operation = operations(spec())
        .into_iter()
        .find(|operation| operation.operation_id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id} in the spec"));
    operation
        .parameters
        .iter()
        .find(|parameter| parameter["name"] == name)
        .and_then(|parameter| parameter["example"].as_str())
        .unwrap_or_else(|| panic!("{operation_id}: no example for the parameter {name}"))
        .to_owned()
}
