//! `record_to`: one HAR entry per attempt, bodies as received, no secret in the file, and a
//! recording that cannot be written never failing a request.

use std::io::Write;

use amazon_music::Error;
use amazon_music::auth::LwaTokenSource;
use amazon_music_har::{REDACTED, response_body};
use amazon_music_mock::{Fault, MockServer};
use amazon_music_test_support::{Captured, fast_retries};
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use crate::support::{
    ACCESS_TOKEN, API_KEY, builder, builder_of, error_body, single_group_page, track,
};

/// A fresh folder for one test's recordings, removed when the test ends.
fn folder() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("amazon-music-record-")
        .tempdir()
        .expect("a temporary folder")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compressing");
    encoder.finish().expect("compressed")
}

/// The value of header `name` in HAR headers.
fn header<'a>(headers: &'a [amazon_music_har::har::v1_2::Headers], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case(name))
        .map(|header| header.value.as_str())
}

#[tokio::test]
async fn each_attempt_is_an_entry_with_the_body_as_received_after_gzip() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).set_body_json(error_body(
            429,
            "THROTTLED",
            "slow down",
        )))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let page = serde_json::to_vec(&single_group_page(vec![track(1)], None)).expect("JSON");
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .insert_header("content-type", "application/json")
                .set_body_bytes(gzip(&page)),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let folder = folder();
    let path = folder.path().join("attempts.har");
    let client = builder(&server.uri())
        .record_to(&path)
        .build()
        .expect("a client");
    assert_eq!(
        amazon_music_har::read(&path)
            .expect("an empty recording")
            .len(),
        0
    );
    client
        .library_songs()
        .limit(5)
        .send()
        .await
        .expect("after one retry");

    let entries = amazon_music_har::read(&path).expect("the recording");
    let statuses: Vec<i64> = entries.iter().map(|entry| entry.response.status).collect();
    assert_eq!(statuses, [429, 200], "one entry per attempt");
    let done = &entries[1];
    assert_eq!(done.request.method, "GET");
    assert_eq!(
        done.request.url,
        format!("{}/v1/views/library/songs?limit=5", server.uri())
    );
    assert_eq!(
        response_body(done).expect("a body"),
        page,
        "the body as decoded from gzip"
    );
    assert_eq!(
        header(&done.response.headers, "content-type"),
        Some("application/json")
    );
    assert_eq!(header(&done.request.headers, "x-api-key"), Some(REDACTED));
    assert_eq!(
        header(&done.request.headers, "authorization"),
        Some(REDACTED)
    );
    assert!(done.time >= 0.0 && done.timings.wait >= 0.0 && done.timings.receive >= 0.0);
    assert!(
        response_body(&entries[0])
            .map(|body| String::from_utf8_lossy(&body).contains("THROTTLED"))
            .expect("the 429's body")
    );
    let file = std::fs::read_to_string(&path).expect("the file");
    assert!(!file.contains(API_KEY), "{file}");
    assert!(!file.contains(ACCESS_TOKEN), "{file}");
}

#[tokio::test]
async fn no_secret_of_an_lwa_session_reaches_the_file() {
    let server = MockServer::builder()
        .frozen_clock(true)
        .start()
        .await
        .expect("the mock");
    let credentials = server.credentials();
    let tokens = LwaTokenSource::builder()
        .client_id(credentials.client_id())
        .client_secret(credentials.client_secret())
        .refresh_token(credentials.refresh_token())
        .access_token(credentials.access_token())
        .token_url(server.token_url())
        .build()
        .expect("a token source");
    let folder = folder();
    let path = folder.path().join("lwa.har");
    let client = amazon_music::Client::builder()
        .api_key(credentials.api_key())
        .token_source(tokens)
        .base_url(server.url())
        .retry_policy(fast_retries())
        .record_to(&path)
        .build()
        .expect("a client");
    client.home().send().await.expect("the home view");
    // The first token expires: a 401, a refresh at the token endpoint, the call again.
    server.advance_clock(std::time::Duration::from_secs(7200));
    server.faults().inject(Fault::status(503).times(1));
    client
        .home()
        .send()
        .await
        .expect("after a refresh and a retry");

    let entries = amazon_music_har::read(&path).expect("the recording");
    let statuses: Vec<i64> = entries.iter().map(|entry| entry.response.status).collect();
    assert_eq!(statuses, [200, 503, 401, 200]);
    assert!(
        entries
            .iter()
            .all(|entry| entry.request.url.contains("/v1/views/")),
        "the token endpoint's exchanges are not recorded"
    );
    let file = std::fs::read_to_string(&path).expect("the file");
    for secret in [
        credentials.api_key(),
        credentials.access_token(),
        credentials.client_secret(),
        credentials.refresh_token(),
        // Every token the mock issues, the refreshed one included.
        "Atza|",
        "Atzr|",
    ] {
        assert!(!file.contains(secret), "{secret} in the recording");
    }
}

#[test]
fn the_blocking_client_records_too() {
    let server = MockServer::builder()
        .library_size(25)
        .start_blocking()
        .expect("the mock");
    let folder = folder();
    let path = folder.path().join("blocking.har");
    let client = builder_of::<amazon_music::blocking::Client>(server.url())
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .record_to(&path)
        .build()
        .expect("a client");
    assert_eq!(client.library_songs().limit(10).entities().count(), 25);
    let entries = amazon_music_har::read(&path).expect("the recording");
    assert_eq!(entries.len(), 3, "three pages");
    assert!(entries[1].request.url.contains("cursor="));
}

#[tokio::test]
async fn recording_changes_no_outcome_a_too_large_body_is_still_response_too_large() {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(single_group_page((0..20).map(track).collect(), None)),
        )
        .mount(&server)
        .await;
    let folder = folder();
    let path = folder.path().join("too-large.har");
    for record in [false, true] {
        let mut builder = builder(&server.uri()).max_response_body_size(100);
        if record {
            builder = builder.record_to(&path);
        }
        let client = builder.build().expect("a client");
        let error = client.library_songs().send().await.expect_err("too large");
        assert!(
            matches!(error, Error::ResponseTooLarge { limit: 100, .. }),
            "recording {record}: {error:?}"
        );
        let raw = client
            .library_songs()
            .send_raw()
            .await
            .expect_err("too large");
        assert!(
            matches!(raw, Error::ResponseTooLarge { limit: 100, .. }),
            "recording {record}: {raw:?}"
        );
    }
    let entries = amazon_music_har::read(&path).expect("the recording");
    assert_eq!(entries.len(), 2, "no retry of a body too large");
    assert!(entries.iter().all(|entry| entry.response.status == 0));
}

#[test]
fn a_recording_that_cannot_be_created_is_a_build_error() {
    let folder = folder();
    let path = folder.path().join("no-such-folder").join("x.har");
    let error = builder("http://127.0.0.1:9")
        .record_to(&path)
        .build()
        .expect_err("no folder to create it in");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("recording"), "{error}");
}

/// A FIFO takes the empty document written at build time, then refuses the seek each entry
/// starts with: a recording whose writes fail from the first entry on.
#[cfg(unix)]
#[tokio::test]
async fn a_recording_that_cannot_be_written_is_logged_once_and_requests_go_on() {
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let folder = folder();
    let path = folder.path().join("fifo.har");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let path = path.clone();
        std::thread::spawn(move || std::fs::read(path).expect("the FIFO's reader"))
    };
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .record_to(&path)
        .build()
        .expect("a client");
    for _ in 0..3 {
        client
            .library_songs()
            .send()
            .await
            .expect("the request succeeds whatever the recording does");
    }
    drop(client);
    let written = reader.join().expect("the reader");
    assert!(String::from_utf8_lossy(&written).starts_with("{\"log\":"));
    let output = captured.text();
    assert_eq!(
        output.matches("the recording cannot be written").count(),
        1,
        "logged once:\n{output}"
    );
    assert!(output.contains("WARN"), "{output}");
}
