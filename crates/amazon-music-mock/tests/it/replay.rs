//! Replaying a HAR recording: answers byte for byte and in order, a readable 404 for anything
//! else, and credentials checked only to be present.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use amazon_music_har::{Exchange, HarWriter};
use amazon_music_mock::{MockError, MockServer};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Version};

use crate::support::http;

/// A recording of three answers to `GET /v1/views/home?limit=1` (a 429, then two pages), one
/// to the artist view, and an attempt that got no response; in folder `dir`.
fn recording(dir: &Path) -> PathBuf {
    let path = dir.join("session.har");
    let mut writer = HarWriter::create(&path, "test", "0").expect("a recording");
    let sent = HeaderMap::new();
    let mut throttled = HeaderMap::new();
    throttled.insert("retry-after", HeaderValue::from_static("1"));
    let mut json = HeaderMap::new();
    json.insert("content-type", HeaderValue::from_static("application/json"));
    json.insert("x-amzn-requestid", HeaderValue::from_static("req-1"));
    json.insert("content-length", HeaderValue::from_static("999"));
    let home = "http://127.0.0.1:1/v1/views/home?limit=1";
    let answers: [(&str, StatusCode, &HeaderMap, &[u8]); 4] = [
        (
            home,
            StatusCode::TOO_MANY_REQUESTS,
            &throttled,
            b"{\"error\":{}}",
        ),
        (home, StatusCode::OK, &json, b"{\"page\": 1}"),
        (home, StatusCode::OK, &json, &[0xff, 0xfe, 0x00]),
        (
            "http://127.0.0.1:1/v1/views/artists/B0?limit=2",
            StatusCode::OK,
            &json,
            b"{}",
        ),
    ];
    for (url, status, headers, body) in answers {
        let entry = Exchange::new(UNIX_EPOCH, &Method::GET, url, &sent)
            .response(status, Version::HTTP_11, headers, body)
            .to_entry();
        writer.append(&entry).expect("an entry");
    }
    let failed = Exchange::new(SystemTime::now(), &Method::GET, home, &sent)
        .failed("connection refused")
        .to_entry();
    writer.append(&failed).expect("an entry");
    path
}

/// A server replaying [`recording`], which it reads whole as it starts: the file's folder is
/// gone when this returns.
async fn replay() -> MockServer {
    let dir = tempfile::tempdir().expect("a temporary folder");
    MockServer::builder()
        .replay(recording(dir.path()))
        .start()
        .await
        .expect("a replaying server")
}

async fn get(server: &MockServer, path_and_query: &str) -> reqwest::Response {
    http()
        .get(format!("{}{path_and_query}", server.url()))
        .header("x-api-key", "any key")
        .header("authorization", "Bearer any token")
        .send()
        .await
        .expect("an answer")
}

#[tokio::test]
async fn the_nth_identical_request_gets_the_nth_answer_then_the_last_again() {
    let server = replay().await;
    let first = get(&server, "/v1/views/home?limit=1").await;
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    assert_eq!(first.bytes().await.expect("a body"), &b"{\"error\":{}}"[..]);

    let second = get(&server, "/v1/views/home?limit=1").await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["x-amzn-requestid"], "req-1");
    assert_eq!(second.headers()["content-type"], "application/json");
    assert_eq!(second.bytes().await.expect("a body"), &b"{\"page\": 1}"[..]);

    for _ in 0..2 {
        let last = get(&server, "/v1/views/home?limit=1").await;
        assert_eq!(last.status(), 200);
        assert_eq!(
            last.headers()["content-length"],
            "3",
            "the recorded length was the transfer's, not the body's"
        );
        assert_eq!(last.bytes().await.expect("a body"), &[0xff, 0xfe, 0x00][..]);
    }
    let other = get(&server, "/v1/views/artists/B0?limit=2").await;
    assert_eq!(other.status(), 200);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn a_request_not_in_the_recording_gets_a_404_naming_the_closest_recorded_path() {
    let server = replay().await;
    for (path_and_query, said) in [
        (
            "/v1/views/home?limit=2",
            "GET /v1/views/home?limit=2 was not in the recording; the closest recorded path is \
             /v1/views/home.",
        ),
        (
            "/v1/views/artists/B1?limit=2",
            "GET /v1/views/artists/B1?limit=2 was not in the recording; the closest recorded \
             path is /v1/views/artists/B0.",
        ),
    ] {
        let response = get(&server, path_and_query).await;
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.expect("a V1 error body");
        assert_eq!(body["error"]["code"], "NOT_FOUND");
        assert_eq!(body["error"]["message"], said);
    }
    let post = http()
        .post(format!("{}/v1/views/home?limit=1", server.url()))
        .header("x-api-key", "k")
        .header("authorization", "Bearer t")
        .send()
        .await
        .expect("an answer");
    assert_eq!(post.status(), 404, "the method is part of the match");
}

#[tokio::test]
async fn credentials_must_be_sent_but_need_not_match_the_recordings() {
    let server = replay().await;
    let url = format!("{}/v1/views/home?limit=1", server.url());
    let no_key = http()
        .get(&url)
        .header("authorization", "Bearer t")
        .send()
        .await
        .expect("an answer");
    assert_eq!(no_key.status(), 403);
    let no_token = http()
        .get(&url)
        .header("x-api-key", "k")
        .send()
        .await
        .expect("an answer");
    assert_eq!(no_token.status(), 401);
    assert_eq!(get(&server, "/v1/views/home?limit=1").await.status(), 429);
}

#[tokio::test]
async fn a_recording_that_cannot_be_read_is_a_typed_error_at_start() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let not_har = dir.path().join("not.har");
    std::fs::write(&not_har, "not a recording").expect("written");
    for path in [not_har, dir.path().join("no-such.har")] {
        let error = MockServer::builder()
            .replay(&path)
            .start()
            .await
            .expect_err("nothing to replay");
        assert!(matches!(error, MockError::Replay { .. }), "{error:?}");
        assert!(error.to_string().contains("cannot be replayed"), "{error}");
    }
}
