//! `amazon-music-drift` against real traffic: the mock's answers and the spec's examples
//! drift from nothing, the fixture recording holds one finding of each kind, and (with
//! `cargo xtask redocly-drift`) drift finds everything Redocly's `drift` finds in it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use amazon_music_drift::{Exchange, Finding, FindingKind};
use amazon_music_test_support as spec;
use amazon_music_test_support::{parameter_example, workspace_root};
use serde_json::Value;

/// The variable the cross-check reads Redocly's executable from (`cargo xtask redocly-drift`
/// sets it).
const REDOCLY: &str = "AMAZON_MUSIC_REDOCLY";
/// The server the fixture was recorded against, as the spec names it.
const SERVER: &str = "https://api.music.amazon.dev";

/// The recording with one finding of each kind, an exchange as the spec describes it and one
/// with the token endpoint.
fn fixture() -> PathBuf {
    workspace_root().join("tests/data/drift-every-kind.har")
}

/// Each operation's path with the spec's example for each path parameter.
fn operation_paths() -> Vec<(String, String)> {
    spec::operations(spec::spec())
        .into_iter()
        .map(|operation| {
            let mut path = operation.path.clone();
            for parameter in &operation.parameters {
                if parameter["in"] == "path" {
                    let name = parameter["name"].as_str().expect("a parameter name");
                    let value = parameter_example(&operation.operation_id, name);
                    path = path.replace(&format!("{{{name}}}"), &value);
                }
            }
            (operation.operation_id, path)
        })
        .collect()
}

fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|finding| format!("{} {:?} {}", finding.kind, finding.schema, finding.pointer))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_example_response_of_the_spec_drifts_from_nothing() {
    let exchanges: Vec<Exchange> = spec::operations(spec::spec())
        .iter()
        .zip(operation_paths())
        .flat_map(|(operation, (_, path))| {
            operation
                .example_refs
                .iter()
                .map(move |reference| Exchange {
                    method: "GET".to_owned(),
                    url: format!("{SERVER}{path}"),
                    status: 200,
                    response_headers: vec![(
                        "content-type".to_owned(),
                        "application/json".to_owned(),
                    )],
                    response_body: Some(
                        spec::resolve(&serde_json::json!({ "$ref": reference }))["value"]
                            .to_string(),
                    ),
                })
        })
        .collect();
    assert!(exchanges.len() >= 16, "every operation has an example");
    let report = amazon_music_drift::check(&exchanges).expect("the embedded spec");
    assert_eq!(report.checked, exchanges.len());
    assert!(!report.drifts(), "{}", describe(&report.findings));
}

#[tokio::test]
async fn the_mocks_answers_drift_from_nothing_and_a_wrong_path_is_an_unknown_operation() {
    let server = amazon_music_mock::MockServer::start()
        .await
        .expect("a mock server");
    let http = reqwest::Client::new();
    let mut exchanges = Vec::new();
    let mut paths: Vec<String> = operation_paths()
        .into_iter()
        .map(|(_, path)| path)
        .collect();
    // A 404 with the error body, and a path of no operation.
    paths.push("/v1/views/artists/B000000000".to_owned());
    paths.push("/v1/views/videos".to_owned());
    for path in paths {
        let url = format!("{}{path}", server.url());
        let response = http
            .get(&url)
            .header("x-api-key", server.credentials().api_key())
            .bearer_auth(server.credentials().access_token())
            .send()
            .await
            .expect("the mock answers");
        let status = response.status().as_u16();
        let response_headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let body = response.text().await.expect("a body");
        exchanges.push(Exchange {
            method: "GET".to_owned(),
            url,
            status,
            response_headers,
            response_body: Some(body),
        });
    }
    assert_eq!(exchanges[exchanges.len() - 2].status, 404);
    let report = amazon_music_drift::check(&exchanges).expect("the embedded spec");
    let found: Vec<(FindingKind, &Value)> = report
        .findings
        .iter()
        .map(|finding| (finding.kind, &finding.example))
        .collect();
    assert_eq!(
        found,
        [(
            FindingKind::UnknownOperation,
            &Value::from("GET /v1/views/videos")
        )],
        "{}",
        describe(&report.findings)
    );
}

/// A finding as the fixture's test compares it: kind, operation, schema, pointer, suggestion.
type Seen<'a> = (
    FindingKind,
    Option<&'a str>,
    Option<&'a str>,
    String,
    &'a str,
);

/// What the fixture holds, checked by hand: one finding of each kind.
#[test]
fn the_fixture_holds_one_finding_of_each_kind() {
    let exchanges = amazon_music_drift::read_har(&fixture()).expect("the fixture");
    let report = amazon_music_drift::check(&exchanges).expect("the embedded spec");
    let entity = "/data/content/entityGroups/0/content/entities/0";
    let songs = Some("getLibrarySongsView");
    let expected: Vec<Seen> = vec![
        (
            FindingKind::UnknownField,
            songs,
            Some("Track"),
            format!("{entity}/lyricsAvailable"),
            "Track: add optional `lyricsAvailable` (boolean)",
        ),
        (
            FindingKind::UnknownType,
            songs,
            Some("Entity"),
            entity.to_owned(),
            "Entity: add a `MusicVideo` schema to the oneOf and the discriminator's mapping",
        ),
        (
            FindingKind::UnknownValue,
            songs,
            Some("EntityGroup"),
            "/data/content/entityGroups/0/viewType".to_owned(),
            "EntityGroup: add `CAROUSEL` to `viewType`'s x-known-values",
        ),
        (
            FindingKind::UndeclaredStatus,
            songs,
            None,
            String::new(),
            "getLibrarySongsView: declare the response `302`",
        ),
        (
            FindingKind::TypeMismatch,
            songs,
            Some("Track"),
            format!("{entity}/title"),
            "Track: `title` is integer, not string: change its type",
        ),
        (
            FindingKind::MissingRequired,
            songs,
            Some("Track"),
            format!("{entity}/isrc"),
            "Track: make `isrc` optional",
        ),
        (
            FindingKind::UnexpectedNull,
            songs,
            Some("Track"),
            format!("{entity}/album"),
            "Track: make `album` nullable",
        ),
        (
            FindingKind::UnknownOperation,
            None,
            None,
            String::new(),
            "paths: add an operation for `GET /v1/views/videos`",
        ),
    ];
    let found: Vec<Seen> = report
        .findings
        .iter()
        .map(|finding| {
            assert_eq!(finding.count, 1);
            (
                finding.kind,
                finding.operation.as_deref(),
                finding.schema.as_deref(),
                finding.pointer.clone(),
                finding.suggestion.as_str(),
            )
        })
        .collect();
    assert_eq!(found, expected);
    assert_eq!((report.exchanges, report.checked), (10, 9));
}

/// Redocly's `drift` on the fixture: every problem it finds in what the server answered, and
/// every undocumented endpoint, is a finding of `amazon-music-drift` at the same operation
/// and pointer. Its checks of the requests (headers, security) are outside drift's scope,
/// which is what the server does; they are listed by rule, so that a new kind of problem
/// fails here until it is mapped. Run by `cargo xtask redocly-drift`.
#[test]
#[ignore = "needs Redocly: run by cargo xtask redocly-drift"]
fn drift_finds_everything_redocly_finds() {
    let redocly = std::env::var(REDOCLY)
        .unwrap_or_else(|_| panic!("{REDOCLY} is not set: run `cargo xtask redocly-drift`"));
    let output = std::process::Command::new(redocly)
        .arg("drift")
        .arg(fixture())
        .arg("--api")
        .arg(workspace_root().join("openapi/amazon-music-views.yaml"))
        .args([
            "--server",
            SERVER,
            "--format",
            "json",
            "--max-findings",
            "1000",
        ])
        .env("NO_UPDATE_NOTIFIER", "1")
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .output()
        .expect("running redocly drift");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "redocly drift printed no JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let exchanges = amazon_music_drift::read_har(&fixture()).expect("the fixture");
    let ours = amazon_music_drift::check(&exchanges).expect("the embedded spec");
    let ours: BTreeSet<(String, String)> = ours
        .findings
        .iter()
        .map(|finding| match finding.kind {
            FindingKind::UnknownOperation => (
                "unknown_operation".to_owned(),
                finding.example.as_str().unwrap_or_default().to_owned(),
            ),
            _ => (
                finding.operation.clone().unwrap_or_default(),
                finding.pointer.clone(),
            ),
        })
        .collect();
    let mut theirs = BTreeSet::new();
    let mut request_checks = BTreeSet::new();
    for problem in report["problems"].as_array().expect("a list of problems") {
        let rule = problem["ruleId"].as_str().unwrap_or_default();
        let text = |key: &str| problem[key].as_str().unwrap_or_default().to_owned();
        match (rule, problem["target"].as_str()) {
            ("undocumented-endpoint", _) => {
                theirs.insert((
                    "unknown_operation".to_owned(),
                    format!("{} {}", text("method"), text("path")),
                ));
            }
            (_, Some("response")) => {
                theirs.insert((text("operationId"), text("dataPath")));
            }
            (rule, Some("request")) => {
                request_checks.insert(rule.to_owned());
            }
            _ => panic!("a problem drift has no mapping for: {problem}"),
        }
    }
    assert_eq!(
        theirs.len(),
        5,
        "Redocly finds the unknown _type, the type mismatch, the missing field, the null and \
         the unknown path: {theirs:?}"
    );
    let missed: Vec<_> = theirs.difference(&ours).collect();
    assert!(
        missed.is_empty(),
        "drift misses what Redocly finds: {missed:?}"
    );
    assert_eq!(
        request_checks,
        BTreeSet::from(["schema-consistency".to_owned()]),
        "Redocly's checks of the requests: only the `x-api-key` header, which it does not \
         take for the spec's API key scheme"
    );
}
