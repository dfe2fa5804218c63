use std::time::{Duration, Instant, SystemTime};

use amazon_music::{Error, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    self, RawServer, Reply, builder, client, error_body, fast_retries, mount_catch_all,
    request_count, single_group_page, track,
};

fn songs_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None))
}

/// A server that answers `first` `times` times, then a page of songs.
async fn failing_then_ok(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(songs_ok())
        .with_priority(2)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    server
}

#[tokio::test]
async fn retries_each_retryable_status_then_succeeds() {
    for status in [429, 500, 502, 503, 504] {
        let server = failing_then_ok(
            ResponseTemplate::new(status).set_body_json(error_body(status, "ERROR", "try again")),
            2,
        )
        .await;
        client(&server)
            .library_songs()
            .send()
            .await
            .unwrap_or_else(|error| panic!("{status}: {error}"));
        assert_eq!(request_count(&server).await, 3, "status {status}");
    }
}

#[tokio::test]
async fn never_retries_other_client_errors() {
    for status in [400, 403, 404, 422] {
        let server = failing_then_ok(
            ResponseTemplate::new(status).set_body_json(error_body(status, "NOPE", "no")),
            10,
        )
        .await;
        let error = client(&server)
            .library_songs()
            .send()
            .await
            .expect_err("an error");
        assert_eq!(error.status(), Some(status));
        assert!(!error.is_retryable());
        assert_eq!(request_count(&server).await, 1, "status {status}");
    }
}

#[tokio::test]
async fn gives_up_after_the_last_retry() {
    let server = failing_then_ok(
        ResponseTemplate::new(503).set_body_json(error_body(503, "UNAVAILABLE", "down")),
        100,
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("still down");
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(
        request_count(&server).await,
        4,
        "one attempt and three retries"
    );

    let server = failing_then_ok(ResponseTemplate::new(503), 100).await;
    let client = builder(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    client.library_songs().send().await.expect_err("no retries");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn retries_an_error_page_that_is_not_json() {
    let server = failing_then_ok(
        ResponseTemplate::new(502).set_body_string("<html>502 Bad Gateway</html>"),
        1,
    )
    .await;
    client(&server)
        .library_songs()
        .send()
        .await
        .expect("the second attempt");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn honours_retry_after_in_seconds() {
    let server = failing_then_ok(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(error_body(429, "THROTTLED", "slow down")),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server)
        .library_songs()
        .send()
        .await
        .expect("after the wait");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn honours_retry_after_as_a_date() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    let server = failing_then_ok(
        ResponseTemplate::new(503).insert_header("retry-after", past.as_str()),
        1,
    )
    .await;
    client(&server)
        .library_songs()
        .send()
        .await
        .expect("retried");
    assert_eq!(request_count(&server).await, 2);

    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3_600));
    let server = failing_then_ok(
        ResponseTemplate::new(429)
            .insert_header("retry-after", later.as_str())
            .set_body_json(error_body(429, "THROTTLED", "slow down")),
        1,
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("too long a wait");
    match error {
        Error::RateLimited {
            retry_after: Some(wait),
            ..
        } => {
            assert!(
                wait > Duration::from_secs(3_500) && wait <= Duration::from_secs(3_600),
                "{wait:?}"
            );
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_ends_the_call_with_the_wait() {
    let server = failing_then_ok(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "120")
            .set_body_json(error_body(429, "THROTTLED", "slow down")),
        1,
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("rate limited");
    assert!(
        matches!(error, Error::RateLimited { retry_after: Some(wait), .. } if wait == Duration::from_secs(120)),
        "{error:?}"
    );
    assert!(error.to_string().contains("120s"), "{error}");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn retries_a_dropped_connection_and_a_truncated_body() {
    let page = single_group_page(vec![track(7)], None).to_string();
    let server = RawServer::start(vec![
        Reply::Drop,
        Reply::Truncated(page.clone()),
        Reply::Ok(page),
    ])
    .await;
    let client = builder(&server.url).build().expect("a client");
    let view = client
        .library_songs()
        .send()
        .await
        .expect("the third attempt");
    assert_eq!(view.content.entity_groups[0].content.entities.len(), 1);
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn connection_failures_end_as_retryable_transport_errors() {
    let page = single_group_page(vec![], None).to_string();
    let server = RawServer::start(vec![
        Reply::Drop,
        Reply::Drop,
        Reply::Drop,
        Reply::Drop,
        Reply::Ok(page),
    ])
    .await;
    let client = builder(&server.url)
        .retry_policy(fast_retries().with_max_retries(2))
        .build()
        .expect("a client");
    let error = client
        .library_songs()
        .send()
        .await
        .expect_err("three drops");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(songs_ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let started = Instant::now();
    let error = client.library_songs().send().await.expect_err("too slow");
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    // The configured 200 ms, not another bound: not before it, and well before the answer.
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn an_expired_token_with_a_static_source_is_unauthorized_after_one_request() {
    let server = failing_then_ok(
        ResponseTemplate::new(401).set_body_json(error_body(
            401,
            "INVALID_ACCESS_TOKEN",
            "expired",
        )),
        10,
    )
    .await;
    let error = support::client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("expired");
    assert!(
        matches!(&error, Error::Unauthorized(api) if api.code.as_deref() == Some("INVALID_ACCESS_TOKEN")),
        "{error:?}"
    );
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_503_with_a_retry_after_beyond_the_cap_ends_as_an_api_error_with_the_wait() {
    let server = failing_then_ok(
        ResponseTemplate::new(503)
            .insert_header("retry-after", "120")
            .set_body_json(error_body(503, "UNAVAILABLE", "down for maintenance")),
        1,
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("too long a wait");
    let Error::Api(api) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(api.status, 503);
    assert_eq!(api.retry_after, Some(Duration::from_secs(120)));
    assert!(error.is_retryable());
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_retry_after_of_zero_or_in_the_past_still_waits_the_initial_backoff() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    for value in ["0", past.as_str()] {
        let server = failing_then_ok(
            ResponseTemplate::new(503).insert_header("retry-after", value),
            1,
        )
        .await;
        let policy = RetryPolicy::standard()
            .with_initial_backoff(Duration::from_millis(300))
            .with_jitter(false);
        let started = Instant::now();
        builder(&server.uri())
            .retry_policy(policy)
            .build()
            .expect("a client")
            .library_songs()
            .send()
            .await
            .expect("after the wait");
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{value}: {:?}",
            started.elapsed()
        );
        assert_eq!(request_count(&server).await, 2);
    }
}

#[tokio::test]
async fn retries_stop_at_the_time_budget() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // 100 ms, 200 ms, 400 ms...: a budget of 350 ms holds the first two waits only.
    let policy = RetryPolicy::standard()
        .with_max_retries(50)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_elapsed(Duration::from_millis(350))
        .with_jitter(false);
    let started = Instant::now();
    let error = builder(&server.uri())
        .retry_policy(policy)
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect_err("always 503");
    assert_eq!(error.status(), Some(503));
    // Two waits when the answers are quick; one when a loaded machine makes the first slow.
    // Without the budget, 50 retries, and more than 3 requests within the 2 s below.
    let requests = request_count(&server).await;
    assert!((2..=3).contains(&requests), "{requests} requests");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn throttling_without_retry_after_ends_rate_limited_after_the_last_retry() {
    let server = failing_then_ok(
        ResponseTemplate::new(429).set_body_json(error_body(429, "THROTTLED", "slow down")),
        100,
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("still throttled");
    match &error {
        Error::RateLimited {
            retry_after: None,
            error,
            ..
        } => assert_eq!(error.code.as_deref(), Some("THROTTLED")),
        other => panic!("expected RateLimited without a wait, got {other:?}"),
    }
    assert!(error.is_retryable());
    assert_eq!(
        request_count(&server).await,
        4,
        "one attempt and three retries"
    );
}

/// A loopback address where connecting hangs: a listener that never accepts, its accept
/// queue (backlog 0) filled, so that Linux drops the next SYNs and `connect` waits.
#[cfg(target_os = "linux")]
async fn unanswered_address() -> (tokio::net::TcpListener, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("a port");
    let listener = socket.listen(0).expect("listening");
    let address = listener.local_addr().expect("its address");
    let mut filling = Vec::new();
    // Up to the first connection that hangs: the queue is then full.
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(address),
        )
        .await
        {
            Ok(Ok(stream)) => filling.push(stream),
            _ => break,
        }
    }
    (listener, filling)
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_connect_timeout_bounds_a_connection_that_never_completes() {
    let (listener, _filling) = unanswered_address().await;
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let client = builder(&url)
        .connect_timeout(Duration::from_millis(300))
        .timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let started = Instant::now();
    let error = client
        .library_songs()
        .send()
        .await
        .expect_err("never connected");
    let elapsed = started.elapsed();
    assert!(
        matches!(error, Error::Timeout { .. } | Error::Transport { .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    // The configured 300 ms: not before it, and long before the 30 s of the whole attempt.
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error_that_says_so() {
    let page = single_group_page(vec![track(7)], None).to_string();
    let server = RawServer::start(vec![Reply::Truncated(page)]).await;
    let client = builder(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let error = client
        .library_songs()
        .send()
        .await
        .expect_err("half a body");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("the connection broke while the response was read"),
        "{error}"
    );
}

#[tokio::test]
async fn a_fixed_rate_limit_spaces_a_clients_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(songs_ok())
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .rate_limit(amazon_music::RateLimit::fixed(10.0))
        .build()
        .expect("a client");
    let debug = format!("{client:?}");
    assert!(
        debug.contains("RateLimiter { adaptive: false, rate: Some(10.0)"),
        "the client's Debug shows its limit and current rate: {debug}"
    );
    let started = Instant::now();
    for _ in 0..4 {
        client.library_songs().send().await.expect("a page");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "four requests at 10 a second span at least 300 ms: {:?}",
        started.elapsed()
    );
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn a_rate_limited_clients_retry_after_holds_back_its_next_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(error_body(429, "THROTTLED", "Slow down.")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(songs_ok())
        .with_priority(2)
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .rate_limit(amazon_music::RateLimit::adaptive())
        .build()
        .expect("a client");
    let started = Instant::now();
    let error = client.library_songs().send().await.expect_err("a 429");
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    client
        .library_songs()
        .send()
        .await
        .expect("the next request");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the next request waited out the Retry-After: {:?}",
        started.elapsed()
    );
}
