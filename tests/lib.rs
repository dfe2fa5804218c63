//! Shared fixtures for the workspace tests: the OpenAPI document and its examples.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The OpenAPI document, as JSON.
///
/// # Panics
/// When the document cannot be read or parsed (a test failure).
pub fn spec() -> Value {
    let path = workspace_root().join("openapi/amazon-music-views.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    serde_norway::from_str(&text)
        .unwrap_or_else(|error| panic!("parsing {}: {error}", path.display()))
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
}

/// Every operation of the spec.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let resolve = |parameter: &Value| -> Value {
        match parameter["$ref"].as_str() {
            Some(reference) => spec
                .pointer(reference.trim_start_matches('#'))
                .cloned()
                .unwrap_or(Value::Null),
            None => parameter.clone(),
        }
    };
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().into_iter().flatten() {
        let get = &item["get"];
        let parameters: Vec<Value> = get["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(resolve)
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
        });
    }
    operations
}
