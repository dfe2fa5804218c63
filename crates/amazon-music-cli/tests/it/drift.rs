//! `amzn-music drift`: the fixture recording's report as a table and as JSON, and the exit
//! status for a recording that drifts, one that does not, and a file that cannot be read.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{amzn_music, assert_matches_file, finish, home};

/// The workspace's recording with one finding of each kind (`tests/data/` at the root).
fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/drift-every-kind.har")
}

fn drift(args: &[&str]) -> crate::support::Run {
    let home = home("drift");
    let output = amzn_music(&home)
        .arg("drift")
        .args(args)
        .output()
        .expect("the binary runs");
    finish(output, "http://no-server")
}

#[test]
fn a_recording_that_drifts_is_reported_by_schema_and_exits_1() {
    let path = fixture();
    let run = drift(&[path.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_matches_file("drift.txt", &run.stdout);
    assert_eq!(
        run.stderr,
        "error: the recording drifts from the spec: 8 finding(s)\n"
    );
}

#[test]
fn json_has_one_object_per_finding_with_its_kind_operation_schema_pointer_count_and_example() {
    let path = fixture();
    let run = drift(&[path.to_str().expect("a UTF-8 path"), "-o", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings: Vec<Value> = serde_json::from_str(&run.stdout).expect("JSON");
    let kinds: Vec<&str> = findings
        .iter()
        .map(|finding| finding["kind"].as_str().expect("a kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "unknown_field",
            "unknown_type",
            "unknown_value",
            "undeclared_status",
            "type_mismatch",
            "missing_required",
            "unexpected_null",
            "unknown_operation"
        ]
    );
    for finding in &findings {
        for key in ["kind", "operation", "schema", "pointer", "count", "example"] {
            assert!(finding.get(key).is_some(), "{key} in {finding}");
        }
    }
    assert_eq!(findings[0]["schema"], "Track");
    assert_eq!(findings[0]["count"], 1);
    assert_eq!(findings[0]["example"], true);
    let ndjson = drift(&[path.to_str().expect("a UTF-8 path"), "-o", "ndjson"]);
    assert_eq!(ndjson.stdout.lines().count(), 8);
}

#[test]
fn a_recording_as_the_spec_describes_exits_0() {
    let mut recording: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture()).expect("the fixture"))
            .expect("JSON");
    let entries = recording["log"]["entries"].as_array_mut().expect("entries");
    entries.truncate(1);
    let dir = home("drift-clean");
    let path = dir.join("clean.har");
    std::fs::write(&path, recording.to_string()).expect("writing the recording");
    let run = drift(&[path.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "0 findings (0 occurrences) in 1 exchange\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn a_file_that_cannot_be_read_exits_2_and_says_why() {
    let dir = home("drift-unreadable");
    let missing = dir.join("missing.har");
    let run = drift(&[missing.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read") && run.stderr.contains("missing.har"),
        "{}",
        run.stderr
    );

    let not_har = dir.join("page.har");
    std::fs::write(&not_har, "<html>not a recording</html>").expect("writing");
    let run = drift(&[not_har.to_str().expect("a UTF-8 path")]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is not a HAR file"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let run = drift(&[not_har.to_str().expect("a UTF-8 path"), "-o", "csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("prints a table"), "{}", run.stderr);
}

/// The loop the commands make: sessions recorded against the mock with `--record` (a 503
/// retried and a cursor chain; a 404) drift from nothing; a page with a field the spec does
/// not describe drifts by that field alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_recorded_with_record_drifts_only_where_the_mock_was_told_to() {
    let server = amazon_music_mock::MockServer::builder()
        .library_size(30)
        .start()
        .await
        .expect("a mock server");
    server
        .faults()
        .inject(amazon_music_mock::Fault::status(503).times(1));
    let work = home("drift-recorded");
    // One recording per command: `--record` starts its file afresh.
    for (name, args, first_status) in [
        (
            "songs.har",
            &["--all", "--limit", "10", "library", "songs"][..],
            503,
        ),
        ("missing.har", &["album", "B000NOSUCH0"][..], 404),
    ] {
        let recording = work.join(name);
        let recording = recording.to_str().expect("UTF-8");
        let mut with_record = vec!["--record", recording];
        with_record.extend(args);
        crate::support::run(&server, &with_record);
        let statuses: Vec<i64> = amazon_music_har::read(recording)
            .expect("the recording")
            .iter()
            .map(|entry| entry.response.status)
            .collect();
        assert_eq!(statuses.first(), Some(&first_status), "{statuses:?}");
        let clean = drift(&[recording]);
        assert_eq!(clean.code, 0, "{name}: {}{}", clean.stdout, clean.stderr);
        assert!(clean.stdout.starts_with("0 findings"), "{}", clean.stdout);
    }

    let page = r#"{"data": {"_type": "View", "id": "recent", "mood": "calm",
        "content": {"_type": "ViewContent", "entityGroups": []}}}"#;
    server.faults().inject(
        amazon_music_mock::Fault::respond(200, "application/json", page)
            .on_operation(amazon_music_mock::Operation::RecentlyPlayed),
    );
    let drifting = work.join("drifting.har");
    let drifting = drifting.to_str().expect("UTF-8");
    let run = crate::support::run(&server, &["--record", drifting, "recent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = drift(&[drifting, "-o", "json"]);
    assert_eq!(report.code, 1);
    let findings: Vec<Value> = serde_json::from_str(&report.stdout).expect("JSON");
    assert_eq!(findings.len(), 1, "{}", report.stdout);
    assert_eq!(findings[0]["kind"], "unknown_field");
    assert_eq!(findings[0]["schema"], "View");
    assert_eq!(findings[0]["pointer"], "/data/mood");
}
