//! Each kind of fault, its scope and its count, over plain HTTP and through the SDK.

use std::time::{Duration, Instant};

use amazon_music::{Error, RetryPolicy};
use amazon_music_mock::{Fault, Operation};

use crate::support::{error_of, get, http, sdk, sdk_with, server};

const SONGS: &str = "/v1/views/library/songs";

/// A GET of `path` with the server's credentials, read to the end of its body.
async fn get_result(
    server: &amazon_music_mock::MockServer,
    path: &str,
) -> Result<(), reqwest::Error> {
    let sent = http()
        .get(format!("{}{path}", server.url()))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token())
        .send()
        .await;
    // The connection closes before or while the body is read, as the OS schedules it.
    match sent {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(error) => Err(error),
    }
}

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
    let result = get_result(&server, SONGS).await;
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

    let response = http()
        .post(admin("faults"))
        .json(&serde_json::json!({"kind": "drop_connection"}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 201);
    let added: serde_json::Value = response.json().await.expect("JSON");
    assert!(added["id"].is_u64(), "{added}");
    assert!(
        get_result(&server, SONGS).await.is_err(),
        "the fault is in place: the connection drops"
    );
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
    assert_eq!(journal.as_array().map(Vec::len), Some(5), "{journal}");
    assert_eq!(journal[0]["operation"], "getLibrarySongsView");

    let response = http()
        .delete(admin("requests"))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 204);
    assert_eq!(server.requests(), [], "the journal is forgotten");
    get(&server, SONGS, &[], &[]).await;
    assert_eq!(server.requests().len(), 1, "and records again");
}

#[tokio::test]
async fn faults_act_on_the_token_endpoints_too() {
    let server = server().await;
    let form = |server: &amazon_music_mock::MockServer| {
        let credentials = server.credentials();
        vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", credentials.refresh_token().to_owned()),
            ("client_id", credentials.client_id().to_owned()),
            ("client_secret", credentials.client_secret().to_owned()),
        ]
    };
    let refresh = || async {
        http()
            .post(server.token_url())
            .form(&form(&server))
            .send()
            .await
            .expect("a response")
            .status()
    };
    let fault = server
        .faults()
        .inject(Fault::status(503).on_path("/auth/o2/token").times(1));
    assert_eq!(refresh().await, 503);
    assert_eq!(server.faults().acted(fault), 1);
    assert_eq!(refresh().await, 200, "the fault acted once");

    server
        .faults()
        .inject(Fault::throttle(Duration::from_secs(3)).on_path("/auth/o2/create/codepair"));
    let response = http()
        .post(server.codepair_url())
        .form(&[
            ("response_type", "device_code"),
            ("client_id", server.credentials().client_id()),
            ("scope", "amazon_music:access"),
        ])
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(
        refresh().await,
        200,
        "the other token endpoint is left alone"
    );
}

#[tokio::test]
async fn an_admin_fault_with_both_a_path_and_an_operation_is_refused() {
    let server = server().await;
    let response = http()
        .post(format!("{}/__mock/faults", server.url()))
        .json(&serde_json::json!({
            "kind": "status",
            "status": 503,
            "path": "/v1/views/library",
            "operation": "getLibrarySongsView",
        }))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|message| message.contains("not both")),
        "{body}"
    );
    assert_eq!(
        get(&server, SONGS, &[], &[]).await.status(),
        200,
        "no fault was added"
    );
}

/// Whether anything still answers at `url`.
async fn answers(url: &str) -> bool {
    http()
        .get(format!("{url}/v1/views/home"))
        .send()
        .await
        .is_ok()
}

#[tokio::test]
async fn the_server_stops_on_shutdown_on_drop_and_at_the_end_of_run_until() {
    let stopped = server().await;
    let url = stopped.url().to_owned();
    assert!(answers(&url).await);
    stopped.shutdown().await;
    assert!(!answers(&url).await, "after shutdown");

    let dropped = server().await;
    let url = dropped.url().to_owned();
    assert!(answers(&url).await);
    drop(dropped);
    // The drop only signals the serving task: a request that reaches it first is still
    // answered, so wait for the port to close, with a bound.
    let closed = async {
        while answers(&url).await {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), closed)
        .await
        .expect("the port closes after the drop");

    let signalled = server().await;
    let url = signalled.url().to_owned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(signalled.run_until(async move {
        let _ = stopped.await;
    }));
    assert!(answers(&url).await, "serving until the signal");
    stop.send(()).expect("the server waits for the signal");
    running.await.expect("run_until returns");
    assert!(!answers(&url).await, "after the signal");
}

#[tokio::test]
async fn an_admin_rate_limit_throttles_the_requests_over_its_rate_and_the_log_says_so() {
    let server = server().await;
    let response = http()
        .post(format!("{}/__mock/faults", server.url()))
        .json(&serde_json::json!({"kind": "rate_limit", "per_second": 1, "path": SONGS}))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 201);
    // A burst of one second's requests (one) goes through; the next, within the second, is
    // throttled.
    assert_eq!(get(&server, SONGS, &[], &[]).await.status(), 200);
    let throttled = get(&server, SONGS, &[], &[]).await;
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "1");
    let body: serde_json::Value = throttled.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "THROTTLED");
    assert_eq!(
        get(&server, "/v1/views/home", &[], &[]).await.status(),
        200,
        "other paths are left alone"
    );
    let logged: Vec<u16> = server
        .requests()
        .iter()
        .map(|request| request.status)
        .collect();
    assert_eq!(logged, [200, 429, 200]);
}
