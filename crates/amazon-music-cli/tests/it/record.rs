//! `--record FILE`: every exchange of a command in a HAR file with no secret in it, which
//! `mock-server --replay FILE` then serves to the same command with the same result.

use amazon_music_mock::{Fault, MockServer};

use crate::support::{Child, amzn_music, files, finish, home, mock_server, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_recorded_then_replayed_writes_the_same_files() {
    let server = MockServer::builder()
        .library_size(40)
        .start()
        .await
        .expect("a mock server");
    server.faults().inject(Fault::status(503).times(1));
    let work = home("record");
    let recording = work.join("export.har");
    let live = work.join("live");
    let recorded = run(
        &server,
        &[
            "--record",
            recording.to_str().expect("UTF-8"),
            "export",
            live.to_str().expect("UTF-8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);

    let entries = amazon_music_har::read(&recording).expect("the recording");
    assert_eq!(
        entries.len(),
        server.requests().len(),
        "every request the mock received, the 503 among them"
    );
    assert_eq!(
        entries
            .iter()
            .filter(|entry| entry.response.status == 503)
            .count(),
        1,
        "the 503 recorded once, wherever the concurrent lists put it"
    );
    let file = std::fs::read_to_string(&recording).expect("the file");
    for secret in [
        server.credentials().api_key(),
        server.credentials().access_token(),
    ] {
        assert!(!file.contains(secret), "a secret in the recording");
    }

    let (_replay, printed) = mock_server(&work, &["--replay", recording.to_str().expect("UTF-8")]);
    assert!(printed.contains("# replaying "), "{printed}");
    let url = printed
        .lines()
        .find_map(|line| line.strip_prefix("export AMAZON_MUSIC_BASE_URL='"))
        .and_then(|rest| rest.strip_suffix('\''))
        .expect("the base URL")
        .to_owned();
    let replayed_dir = work.join("replayed");
    let replayed = finish(
        amzn_music(&work)
            .args([
                "--base-url",
                &url,
                "--api-key",
                "any-key",
                "--token",
                "any-token",
            ])
            .args([
                "export",
                replayed_dir.to_str().expect("UTF-8"),
                "--format",
                "json",
            ])
            .output()
            .expect("the binary runs"),
        &url,
    );
    assert_eq!(replayed.code, 0, "{}", replayed.stderr);
    assert_eq!(files(&replayed_dir), files(&live));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_killed_mid_export_is_a_whole_har_file_of_what_came_before() {
    let server = MockServer::builder()
        .library_size(40)
        .start()
        .await
        .expect("a mock server");
    // The third request hangs, so that the export is under way when it is killed.
    server
        .faults()
        .inject(Fault::latency(std::time::Duration::from_secs(60)).after(2));
    let work = home("record-killed");
    let recording = work.join("killed.har");
    let credentials = server.credentials();
    let mut child = Child(
        amzn_music(&work)
            .args([
                "--base-url",
                server.url(),
                "--api-key",
                credentials.api_key(),
            ])
            .args(["--token", credentials.access_token(), "--record"])
            .arg(&recording)
            .args(["export", work.join("out").to_str().expect("UTF-8")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    // Until both answers are in the file; every later request hangs.
    let started = std::time::Instant::now();
    while amazon_music_har::read(&recording).map_or(0, |entries| entries.len()) < 2 {
        assert!(
            started.elapsed().as_secs() < 60,
            "the export never recorded two answers"
        );
        tokio::task::yield_now().await;
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.0.kill().expect("killed");
    child.0.wait().expect("it ends");
    let bytes = std::fs::read(&recording).expect("the recording");
    let document = amazon_music_har::har::from_slice(&bytes).expect("a whole HAR document");
    let amazon_music_har::har::Spec::V1_2(log) = document.log else {
        panic!("not HAR 1.2");
    };
    assert_eq!(log.entries.len(), 2, "the two answered requests");
}

#[test]
fn record_is_refused_by_a_command_that_calls_no_api() {
    let work = home("record-man");
    let output = amzn_music(&work)
        .args(["--record", "x.har", "man"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`man` does not take --record"), "{stderr}");
    assert!(!work.join("x.har").exists());
}
