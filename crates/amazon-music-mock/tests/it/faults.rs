//! Each kind of fault, its scope and its count, over plain HTTP and through the SDK.

use std::time::{Duration, Instant};

use amazon_music::{Error, RetryPolicy};
use amazon_music_mock::{Fault, Operation};

use crate::support::{error_of, get, http, sdk, sdk_with, server};

const SONGS: &str = "/v1/views/library/songs";

#[tokio::test]
async fn latency_delays_the_answer_and_then_answers_as_usual() {
    let server = server().await;
    server
        .faults()
        .inject(Fault::latency(Duration::from_millis(150)).times(1));
    let started = Instant::now();
    let response = get(&server, SONGS, &[], &[]).await;
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_and_the_v1_body() {
    let server = server().await;
    server
        .faults()
        .inject(Fault::throttle(Duration::from_millis(1500)));
    let response = get(&server, SONGS, &[], &[]).await;
    assert_eq!(
        response.headers()["retry-after"],
        "2",
        "seconds, rounded up"
    );
    assert_eq!(error_of(response, 429, SONGS).await, "THROTTLED");
}

#[tokio::test]
async fn status_faults_answer_their_status_with_the_v1_body() {
    let server = server().await;
    for (status, code) in [
        (500, "INTERNAL_SERVER_ERROR"),
        (502, "BAD_GATEWAY"),
        (503, "SERVICE_UNAVAILABLE"),
        (504, "GATEWAY_TIMEOUT"),
    ] {
        let id = server.faults().inject(Fault::status(status));
        let response = get(&server, SONGS, &[], &[]).await;
        assert_eq!(error_of(response, status, SONGS).await, code);
        server.faults().remove(id);
    }
}

#[tokio::test]
async fn a_dropped_connection_fails_the_response() {
    let server = server().await;
    server.faults().inject(Fault::drop_connection().times(1));
    let sent = http()
        .get(format!("{}{SONGS}", server.url()))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token())
        .send()
        .await;
    // The connection closes before or while the body is read, as the OS schedules it.
    let result = match sent {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(error) => Err(error),
    };
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        get(&server, SONGS, &[], &[]).await.status(),
        200,
        "the next request is served"
    );
}

#[tokio::test]
async fn a_truncated_body_announces_its_whole_length_and_sends_half() {
    let server = server().await;
    let whole = get(&server, SONGS, &[], &[])
        .await
        .bytes()
        .await
        .expect("a body")
        .len();
    server.faults().inject(Fault::truncate_body().times(1));
    let response = get(&server, SONGS, &[], &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.content_length(), Some(whole as u64));
    assert!(response.bytes().await.is_err(), "the body ends early");
}

#[tokio::test]
async fn an_expired_token_fault_refuses_even_a_valid_token() {
    let server = server().await;
    server.faults().inject(
        Fault::expired_token()
            .on_operation(Operation::Home)
            .times(1),
    );
    let response = get(&server, "/v1/views/home", &[], &[]).await;
    assert_eq!(
        error_of(response, 401, "home").await,
        "INVALID_ACCESS_TOKEN"
    );
    assert_eq!(get(&server, "/v1/views/home", &[], &[]).await.status(), 200);
}

#[tokio::test]
async fn a_fault_with_times_acts_on_that_many_requests_then_stops() {
    let server = server().await;
    let id = server.faults().inject(Fault::status(503).times(2));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get(&server, SONGS, &[], &[]).await.status().as_u16());
    }
    assert_eq!(statuses, [503, 503, 200, 200]);
    assert_eq!(server.faults().acted(id), 2);
}

#[tokio::test]
async fn faults_on_a_path_or_an_operation_leave_other_routes_alone() {
    let server = server().await;
    server
        .faults()
        .inject(Fault::status(500).on_path("/v1/views/library"));
    server
        .faults()
        .inject(Fault::status(502).on_operation(Operation::RecentlyPlayed));
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 500);
    assert_eq!(
        get(&server, "/v1/views/library", &[], &[]).await.status(),
        500
    );
    assert_eq!(
        get(&server, "/v1/views/recent", &[], &[]).await.status(),
        502
    );
    assert_eq!(get(&server, "/v1/views/home", &[], &[]).await.status(), 200);
    server.faults().clear();
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 200);
}

#[tokio::test]
async fn the_sdk_retries_through_throttling_and_server_errors() {
    let server = server().await;
    server.faults().inject(
        Fault::throttle(Duration::ZERO)
            .on_operation(Operation::LibrarySongs)
            .times(1),
    );
    server.faults().inject(
        Fault::status(503)
            .on_operation(Operation::LibrarySongs)
            .times(1),
    );
    server.faults().inject(
        Fault::drop_connection()
            .on_operation(Operation::LibrarySongs)
            .times(1),
    );
    sdk(&server)
        .library_songs()
        .send()
        .await
        .expect("a page after three retries");
    let statuses: Vec<u16> = server
        .requests()
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(
        statuses,
        [429, 503, 200, 200],
        "the dropped connection's status was sent"
    );
}

/// What an SDK error must be.
type Expected = fn(&Error) -> bool;

#[tokio::test]
async fn the_sdk_reports_each_fault_when_it_does_not_retry() {
    let server = server().await;
    let client = sdk_with(&server, RetryPolicy::disabled());
    let cases: [(Fault, Expected); 5] = [
        (
            Fault::throttle(Duration::from_secs(3)),
            |error| matches!(error, Error::RateLimited { retry_after: Some(wait), .. } if *wait == Duration::from_secs(3)),
        ),
        (Fault::status(503), |error| {
            error.status() == Some(503) && error.is_retryable()
        }),
        (Fault::drop_connection(), |error| {
            matches!(error, Error::Transport { .. })
        }),
        (Fault::truncate_body(), |error| {
            matches!(error, Error::Transport { .. } | Error::Decode { .. })
        }),
        (
            Fault::expired_token(),
            |error| matches!(error, Error::Unauthorized(api) if api.code.as_deref() == Some("INVALID_ACCESS_TOKEN")),
        ),
    ];
    for (fault, expected) in cases {
        let described = format!("{fault:?}");
        server.faults().inject(fault.times(1));
        let error = client.library_songs().send().await.expect_err(&described);
        assert!(expected(&error), "{described}: {error:?}");
    }
}

#[tokio::test]
async fn the_admin_endpoint_injects_and_clears_faults_and_moves_the_clock() {
    let server = server().await;
    let admin = |path: &str| format!("{}/__mock/{path}", server.url());
    let response = http()
        .post(admin("faults"))
        .json(&serde_json::json!({"kind": "status", "status": 504, "operation": "getLibrarySongsView", "times": 1}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 201);
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 504);
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 200);

    let response = http()
        .post(admin("faults"))
        .json(&serde_json::json!({"kind": "explode"}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 400);

    http()
        .post(admin("faults"))
        .json(&serde_json::json!({"kind": "drop_connection"}))
        .send()
        .await
        .expect("a response");
    assert_eq!(
        http()
            .delete(admin("faults"))
            .send()
            .await
            .expect("a response")
            .status(),
        204
    );
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 200);

    let response = http()
        .post(admin("clock"))
        .json(&serde_json::json!({"advance_secs": 7200}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 204);
    assert_eq!(
        error_of(get(&server, SONGS, &[], &[]).await, 401, SONGS).await,
        "INVALID_ACCESS_TOKEN"
    );

    let journal: serde_json::Value = http()
        .get(admin("requests"))
        .send()
        .await
        .expect("a response")
        .json()
        .await
        .expect("JSON");
    assert_eq!(journal.as_array().map(Vec::len), Some(4), "{journal}");
    assert_eq!(journal[0]["operation"], "getLibrarySongsView");
}
