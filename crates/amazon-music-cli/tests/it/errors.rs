use std::time::Duration;

use amazon_music_mock::{Fault, MockServer};

use crate::support::{amzn_music, home, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_a_one_line_error_with_exit_code_1() {
    let server = MockServer::start().await.expect("a mock server");
    let home = home("wrong-token");
    let output = amzn_music(&home)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            server.credentials().api_key(),
        ])
        .args(["--token", "Atza|not-a-token-the-mock-issued", "home"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: unauthorized (HTTP 401 INVALID_AUTH_TOKEN"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("not-a-token-the-mock-issued"),
        "no secret in output: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_says_how_to_get_a_new_one() {
    let server = MockServer::start().await.expect("a mock server");
    server.faults().inject(Fault::expired_token());
    let run = run(&server, &["home"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("HTTP 401 INVALID_ACCESS_TOKEN"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("run `amzn-music login` or set AMAZON_MUSIC_REFRESH_TOKEN"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_id_is_not_found_with_exit_code_1() {
    let server = MockServer::start().await.expect("a mock server");
    let run = run(&server, &["album", "B000NOSUCH0"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: not found (HTTP 404 NOT_FOUND"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.trim_end().ends_with(
            "check the ID; IDs come from a list's `-o ids` or a table's ID column, and a \
             music.amazon.com URL (`.../albums/B0...`) works in their place"
        ),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_then_success_prints_the_page() {
    let server = MockServer::start().await.expect("a mock server");
    let fault = server.faults().inject(
        Fault::throttle(Duration::ZERO)
            .on_path("/v1/views/recent")
            .times(1),
    );
    let run = run(&server, &["recent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(server.faults().acted(fault), 1);
    crate::support::assert_same_as_file("recent.txt", &run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_retried_and_a_lasting_one_fails_cleanly() {
    let server = MockServer::start().await.expect("a mock server");
    let once = server
        .faults()
        .inject(Fault::truncate_body().on_path("/v1/views/recent").times(1));
    let run_once = run(&server, &["recent"]);
    assert_eq!(run_once.code, 0, "{}", run_once.stderr);
    assert_eq!(server.faults().acted(once), 1);

    server
        .faults()
        .inject(Fault::truncate_body().on_path("/v1/views/recent"));
    let run_always = run(&server, &["recent"]);
    assert_eq!(run_always.code, 1);
    assert_eq!(
        run_always.stderr.lines().count(),
        1,
        "{}",
        run_always.stderr
    );
    assert!(
        run_always
            .stderr
            .contains("check the network or --base-url"),
        "{}",
        run_always.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_with_code_2() {
    let server = MockServer::start().await.expect("a mock server");
    for args in [
        &["--limit", "0", "home"][..],
        &["--limit", "11", "home"],
        &["--limit", "5", "album", "B0CKMM9LJF"],
        &["no-such-command"],
        &["artist"],
    ] {
        let run = run(&server, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}");
    }
    let home = home("usage");
    let output = amzn_music(&home)
        .args(["--api-key", "k", "home"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no access token"));

    let output = amzn_music(&home)
        .args(["--base-url", "http://127.0.0.1:9", "home"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(2),
        "a base URL alone does not fall back to the mock"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("no API key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_turns_on_tracing_on_stderr_without_secrets() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("rust-log");
    let output = amzn_music(&home)
        .env("RUST_LOG", "amazon_music=debug")
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
        ])
        .args(["--token", credentials.access_token(), "recent"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("amazon_music.request"), "{stderr}");
    assert!(stderr.contains("getRecentlyPlayedView"), "{stderr}");
    assert!(!stderr.contains(credentials.api_key()), "{stderr}");
    assert!(!stderr.contains(credentials.access_token()), "{stderr}");
}
