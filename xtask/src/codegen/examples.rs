//! The spec's example responses, as JSON the mock embeds: the mock serves the spec's own data
//! without a YAML parser and without reading a file outside its package.

use anyhow::{Context, Result, anyhow};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::{Map, Value};

/// `{"examples": {name: value}, "operations": {operationId: value}}`: every named example of
/// `components/examples`, and the first `200` example of each operation, pretty-printed.
pub fn generate(spec: &OpenAPI) -> Result<String> {
    let components = spec
        .components
        .as_ref()
        .map(|components| &components.examples);
    let named = |name: &str| -> Result<&Value> {
        components
            .and_then(|examples| examples.get(name))
            .and_then(ReferenceOr::as_item)
            .and_then(|example| example.value.as_ref())
            .ok_or_else(|| anyhow!("no example named {name} with a value"))
    };
    let mut examples = Map::new();
    for name in components.into_iter().flat_map(|examples| examples.keys()) {
        examples.insert(name.clone(), named(name)?.clone());
    }
    let mut operations = Map::new();
    for (_, _, operation) in spec.operations() {
        let Some(operation_id) = &operation.operation_id else {
            continue;
        };
        let example = operation
            .responses
            .responses
            .get(&openapiv3::StatusCode::Code(200))
            .and_then(ReferenceOr::as_item)
            .and_then(|response| response.content.get("application/json"))
            .and_then(|media| media.examples.values().next());
        let Some(example) = example else { continue };
        let value = match example {
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/examples/")
                    .ok_or_else(|| anyhow!("{operation_id}: {reference} is not an example"))?;
                named(name).with_context(|| operation_id.clone())?
            }
            ReferenceOr::Item(example) => example
                .value
                .as_ref()
                .ok_or_else(|| anyhow!("{operation_id}: an example with no value"))?,
        };
        operations.insert(operation_id.clone(), value.clone());
    }
    let document = serde_json::json!({ "examples": examples, "operations": operations });
    let mut text = serde_json::to_string_pretty(&document).context("writing the examples")?;
    text.push('\n');
    Ok(text)
}
