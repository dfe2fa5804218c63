//! The spec as `amazon-music-drift` embeds it: the whole document as JSON, without its examples.
//!
//! A published crate cannot read files outside its own directory, so the drift crate carries
//! its copy of the spec, and this generator keeps that copy equal to the spec
//! (`cargo xtask codegen --check` fails when it is not). The examples are left out: drift
//! reads the paths, the responses and the schemas, and the examples are most of the document.

use anyhow::{Context, Result};
use serde_json::Value;

/// Where the drift crate embeds the spec, relative to the workspace root.
pub const PATH: &str = "crates/amazon-music-drift/src/generated_spec.json";

/// The spec's text (YAML) as the JSON the drift crate embeds.
pub fn generate(spec_text: &str) -> Result<String> {
    let mut spec: Value = serde_norway::from_str(spec_text).context("reading the spec as JSON")?;
    if let Some(components) = spec.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("examples");
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for media_type in paths
            .values_mut()
            .filter_map(Value::as_object_mut)
            .flat_map(|item| item.values_mut())
            .filter_map(|operation| operation.get_mut("responses"))
            .filter_map(Value::as_object_mut)
            .flat_map(|responses| responses.values_mut())
            .filter_map(|response| response.get_mut("content"))
            .filter_map(Value::as_object_mut)
            .flat_map(|content| content.values_mut())
            .filter_map(Value::as_object_mut)
        {
            media_type.remove("examples");
            media_type.remove("example");
        }
    }
    let mut text = serde_json::to_string_pretty(&spec).context("writing the spec as JSON")?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_left_out_and_schemas_kept() {
        let text =
            std::fs::read_to_string(crate::util::workspace::root().join(super::super::SPEC_PATH))
                .expect("the spec");
        let json: Value =
            serde_json::from_str(&generate(&text).expect("generating")).expect("JSON");
        assert!(json["components"]["examples"].is_null());
        assert!(json["components"]["schemas"]["Track"].is_object());
        let home = &json["paths"]["/v1/views/home"]["get"]["responses"]["200"]["content"];
        assert!(home["application/json"]["examples"].is_null());
        assert!(home["application/json"]["schema"].is_object());
    }
}
