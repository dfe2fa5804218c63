//! `cargo xtask spec-proof`: one spec edit reaches every layer.
//!
//! Copies the workspace into a scratch folder and adds two cases to the copy's spec:
//!
//! - `xtask/fixtures/spec-proof/chart.yaml`: an operation (`getChartView`, `x-paging:
//!   entities`, with a new required query parameter `region`) whose example holds a new entity
//!   type (`MusicVideo`);
//! - `xtask/fixtures/spec-proof/suggestions.yaml`: an operation (`getSuggestionsView`) whose
//!   `200` is an array of views, with a required, non-empty query parameter `prefix`.
//!
//! It runs the copy's `cargo xtask codegen`, and builds it. Then a program of the copy
//! (`xtask/fixtures/spec-proof/src/main.rs`) calls `client.chart("x", "de").entities()` and
//! `client.suggestions("be").send()` against the copy's mock, and the copy's `amzn-music --mock
//! --json api` prints both operations' entities. No file of the copy but the spec is edited by
//! hand.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_norway::{Mapping, Value};

use crate::codegen::SPEC_PATH;
use crate::util::process;
use crate::util::workspace;

/// The fixture: the spec additions and the program that uses them.
const FIXTURE: &str = "xtask/fixtures/spec-proof";

/// A cold build of the copy on a 2-core machine takes a few minutes.
const BUILD_TIMEOUT: Duration = Duration::from_secs(1200);

/// Runs the proof.
pub fn run() -> Result<()> {
    let root = workspace::root();
    let scratch = workspace::target_dir()?.join("spec-proof");
    let copy = scratch.join("workspace");
    workspace::copy_to(&copy)?;
    let spec_path = copy.join(SPEC_PATH);
    let mut spec = std::fs::read_to_string(&spec_path).context("reading the copy's spec")?;
    for case in CASES {
        let additions = std::fs::read_to_string(root.join(FIXTURE).join(case.additions))
            .with_context(|| format!("reading {}", case.additions))?;
        spec = add_to_spec(&spec, &additions)?;
    }
    std::fs::write(&spec_path, spec).context("writing the copy's spec")?;
    workspace::add_member(&copy, &root.join(FIXTURE), "spec-proof")?;

    let cargo = |args: &[&str]| {
        let mut command = workspace::cargo();
        command
            .args(args)
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", scratch.join("target"))
            .env_remove("RUSTFLAGS");
        command
    };
    process::run(
        &mut cargo(&["run", "-q", "-p", "xtask", "--", "codegen"]),
        BUILD_TIMEOUT,
    )?;
    process::run(
        &mut cargo(&["build", "-q", "-p", "spec-proof", "-p", "amazon-music-cli"]),
        BUILD_TIMEOUT,
    )?;
    let binaries = scratch.join("target/debug");
    process::run(
        &mut Command::new(binaries.join("spec-proof")),
        Duration::from_secs(60),
    )?;
    for case in CASES {
        let printed = process::output(
            Command::new(binaries.join("amzn-music"))
                .args(["--mock", "--json", "api"])
                .args(case.api)
                .env_clear(),
            Duration::from_secs(60),
        )?;
        check_cli_output(&printed, case.entities)?;
        println!(
            "spec-proof: amzn-music api {} printed {:?}",
            case.api.join(" "),
            case.entities
        );
    }
    Ok(())
}

/// One case of the proof: what it adds to the spec, and what `amzn-music --mock --json api`
/// prints for it.
struct Case {
    /// The fixture's file of spec additions.
    additions: &'static str,
    /// The arguments of `api`: the `operationId` and its parameters.
    api: &'static [&'static str],
    /// The `_type` and ID of every entity printed, in order.
    entities: &'static [(&'static str, &'static str)],
}

/// The cases: a new operation with a new entity type, and a new operation of several views.
const CASES: [Case; 2] = [
    Case {
        additions: "chart.yaml",
        api: &["getChartView", "id=x", "region=de"],
        entities: &[("MusicVideo", "MV0001"), ("MusicVideo", "MV0002")],
    },
    Case {
        additions: "suggestions.yaml",
        api: &["getSuggestionsView", "prefix=be"],
        entities: &[("Artist", "SG0001"), ("Album", "SG0002")],
    },
];

/// The spec with the fixture's path, schema, example and `Entity` mapping added.
fn add_to_spec(spec: &str, additions: &str) -> Result<String> {
    let mut spec: Value = serde_norway::from_str(spec).context("parsing the spec")?;
    let additions: Value = serde_norway::from_str(additions).context("parsing the additions")?;
    let section = |value: &Value, key: &str| -> Result<Mapping> {
        value
            .get(key)
            .and_then(Value::as_mapping)
            .cloned()
            .with_context(|| format!("the additions have no `{key}`"))
    };
    let into = |spec: &mut Value, pointer: &[&str], entries: Mapping| -> Result<()> {
        let mut target = &mut *spec;
        for key in pointer {
            target = target
                .get_mut(*key)
                .with_context(|| format!("the spec has no `{}`", pointer.join("/")))?;
        }
        let target = target
            .as_mapping_mut()
            .with_context(|| format!("`{}` is not a mapping", pointer.join("/")))?;
        target.extend(entries);
        Ok(())
    };
    into(&mut spec, &["paths"], section(&additions, "paths")?)?;
    if additions.get("schemas").is_some() {
        into(
            &mut spec,
            &["components", "schemas"],
            section(&additions, "schemas")?,
        )?;
    }
    into(
        &mut spec,
        &["components", "examples"],
        section(&additions, "examples")?,
    )?;
    // A new entity type, if the additions name one, joins the union.
    let Some(entity) = additions.get("entity").and_then(Value::as_str) else {
        return serde_norway::to_string(&spec).context("writing the spec");
    };
    let reference = Value::from(format!("#/components/schemas/{entity}"));
    let union = spec
        .get_mut("components")
        .and_then(|components| components.get_mut("schemas"))
        .and_then(|schemas| schemas.get_mut("Entity"))
        .context("the spec has no Entity schema")?;
    let mut one_of_entry = Mapping::new();
    one_of_entry.insert("$ref".into(), reference.clone());
    union
        .get_mut("oneOf")
        .and_then(Value::as_sequence_mut)
        .context("Entity has no oneOf")?
        .push(Value::Mapping(one_of_entry));
    union
        .get_mut("discriminator")
        .and_then(|discriminator| discriminator.get_mut("mapping"))
        .and_then(Value::as_mapping_mut)
        .context("Entity has no discriminator mapping")?
        .insert(entity.into(), reference);
    serde_norway::to_string(&spec).context("writing the spec")
}

/// `amzn-music --json` printed a response (of one view or several) whose entities are
/// `expected`, in order.
fn check_cli_output(printed: &str, expected: &[(&str, &str)]) -> Result<()> {
    let response: serde_json::Value =
        serde_json::from_str(printed).context("amzn-music printed no JSON")?;
    let views = match &response["data"] {
        serde_json::Value::Array(views) => views.iter().collect(),
        view => vec![view],
    };
    let ids: Vec<(&str, &str)> = views
        .into_iter()
        .filter_map(|view| view["content"]["entityGroups"].as_array())
        .flatten()
        .flat_map(|group| {
            group["content"]["entities"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .filter_map(|entity| Some((entity["_type"].as_str()?, entity["id"].as_str()?)))
        .collect();
    if ids != expected {
        bail!("amzn-music printed {ids:?}, not {expected:?}:\n{printed}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_additions_reach_the_paths_the_schemas_and_the_union() {
        let root = workspace::root();
        let spec = std::fs::read_to_string(root.join(SPEC_PATH)).expect("the spec");
        let additions =
            std::fs::read_to_string(root.join(FIXTURE).join("chart.yaml")).expect("the additions");
        let patched: openapiv3::OpenAPI =
            serde_norway::from_str(&add_to_spec(&spec, &additions).expect("patching"))
                .expect("still OpenAPI");
        let operations = crate::codegen::spec::operations(&patched).expect("the table");
        let chart = operations
            .iter()
            .find(|operation| operation.operation_id == "getChartView")
            .expect("the new operation");
        assert_eq!(chart.sdk_method, "chart");
        assert_eq!(chart.path_parameters, ["id"]);
        let region = &chart.query_parameters[0];
        assert_eq!((region.name.as_str(), region.required), ("region", true));
        assert_eq!((region.min_length, region.max_length), (Some(2), Some(2)));
        let union = crate::codegen::spec::entity_union(&patched).expect("the union");
        assert!(
            union
                .variants
                .iter()
                .any(|variant| variant.type_name == "MusicVideo")
        );
    }

    #[test]
    fn the_second_case_adds_an_operation_of_several_views() {
        let root = workspace::root();
        let spec = std::fs::read_to_string(root.join(SPEC_PATH)).expect("the spec");
        let additions = std::fs::read_to_string(root.join(FIXTURE).join("suggestions.yaml"))
            .expect("the additions");
        let patched: openapiv3::OpenAPI =
            serde_norway::from_str(&add_to_spec(&spec, &additions).expect("patching"))
                .expect("still OpenAPI");
        let operations = crate::codegen::spec::operations(&patched).expect("the table");
        let suggestions = operations
            .iter()
            .find(|operation| operation.operation_id == "getSuggestionsView")
            .expect("the new operation");
        assert_eq!(suggestions.request_type(), "ViewList");
        let prefix = &suggestions.query_parameters[0];
        assert_eq!((prefix.name.as_str(), prefix.required), ("prefix", true));
        assert_eq!(prefix.min_length, Some(1));
    }

    #[test]
    fn the_cli_check_wants_every_entity_of_one_view_or_several() {
        let videos = [("MusicVideo", "MV0001"), ("MusicVideo", "MV0002")];
        let good = r#"{"data": {"content": {"entityGroups": [{"content": {"entities": [
            {"_type": "MusicVideo", "id": "MV0001"}, {"_type": "MusicVideo", "id": "MV0002"}]}}]}}}"#;
        assert!(check_cli_output(good, &videos).is_ok());
        assert!(check_cli_output(&good.replace("MV0002", "MV0003"), &videos).is_err());
        assert!(check_cli_output("not json", &videos).is_err());
        let several = r#"{"data": [
            {"content": {"entityGroups": [{"content": {"entities": [{"_type": "Artist", "id": "A"}]}}]}},
            {"content": {"entityGroups": [{"content": {"entities": [{"_type": "Album", "id": "B"}]}}]}}]}"#;
        assert!(check_cli_output(several, &[("Artist", "A"), ("Album", "B")]).is_ok());
        assert!(check_cli_output(several, &[("Artist", "A")]).is_err());
    }
}
