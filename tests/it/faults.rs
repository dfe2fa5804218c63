//! The fault suite: the SDK against the mock, one test per fault, each checking the outcome,
//! the number of requests sent and an upper bound on the time taken.
//!
//! The clock is the real one: the client and the mock talk over real sockets, and tokio's
//! paused clock would jump to the next timer whenever the runtime waits on them (firing the
//! client's timeout), so the retry policy here is small and exact instead (no jitter, waits of
//! 10 ms doubling to 40 ms), which keeps the bounds tight.

use std::time::{Duration, Instant, SystemTime};

use amazon_music::auth::LwaTokenSource;
use amazon_music::{
    Client, ClientBuilder, Entity, Error, RateLimit, RetryPolicy,
    http::DEFAULT_MAX_RESPONSE_BODY_SIZE,
};
use amazon_music_mock::{Fault, MockServer, Operation};
use futures_util::StreamExt;

const SONGS: &str = "/v1/views/library/songs";

/// Three retries, 10 ms then 20 then 40, exactly; a `Retry-After` up to 10 s is honoured.
fn small_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .with_max_retries(3)
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(40))
        .with_max_retry_after(Duration::from_secs(10))
        .with_jitter(false)
}

async fn server() -> MockServer {
    MockServer::start().await.expect("a mock server")
}

async fn server_of(songs: usize) -> MockServer {
    MockServer::builder()
        .library_size(songs)
        .start()
        .await
        .expect("a mock server")
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(small_retries())
}

fn client(server: &MockServer) -> Client {
    builder(server).build().expect("a client")
}

/// How many requests for the library's songs the server received.
fn song_requests(server: &MockServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|request| request.path == SONGS)
        .count()
}

/// Injects `fault` on the library's songs.
fn on_songs(server: &MockServer, fault: Fault) {
    server
        .faults()
        .inject(fault.on_operation(Operation::LibrarySongs));
}

/// Sends one request for the library's songs; its outcome and how long it took.
async fn songs(client: &Client) -> (amazon_music::Result<()>, Duration) {
    let started = Instant::now();
    let outcome = client.library_songs().send().await.map(|_| ());
    (outcome, started.elapsed())
}

/// Checks that `elapsed` is at most `bound`.
fn within(elapsed: Duration, bound: Duration) {
    assert!(elapsed <= bound, "took {elapsed:?}, more than {bound:?}");
}

/// A page of the library's songs as the mock sends it, to break.
async fn page_bytes(server: &MockServer) -> Vec<u8> {
    reqwest::Client::new()
        .get(format!("{}{SONGS}", server.url()))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token())
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("a page")
        .bytes()
        .await
        .expect("its body")
        .to_vec()
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_after_the_backoff() {
    let server = server().await;
    on_songs(&server, Fault::throttle_with(None).times(1));
    let (outcome, elapsed) = songs(&client(&server)).await;
    outcome.expect("the page, on the second attempt");
    assert_eq!(song_requests(&server), 2);
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn a_429_with_retry_after_in_seconds_waits_that_long() {
    let server = server().await;
    on_songs(&server, Fault::throttle(Duration::from_secs(1)).times(1));
    let (outcome, elapsed) = songs(&client(&server)).await;
    outcome.expect("the page, after the wait");
    assert_eq!(song_requests(&server), 2);
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    within(elapsed, Duration::from_millis(1800));
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_waits_until_then() {
    let server = server().await;
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    on_songs(&server, Fault::throttle_with(Some(&date)).times(1));
    let (outcome, elapsed) = songs(&client(&server)).await;
    outcome.expect("the page, after the wait");
    assert_eq!(song_requests(&server), 2);
    // The date has whole seconds: the wait is between 1 and 2 s.
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    within(elapsed, Duration::from_millis(2800));
}

#[tokio::test]
async fn a_429_with_an_absurd_retry_after_ends_the_call_at_once() {
    let server = server().await;
    on_songs(&server, Fault::throttle_with(Some("999999999")));
    let (outcome, elapsed) = songs(&client(&server)).await;
    let error = outcome.expect_err("a wait longer than the policy allows");
    assert!(
        matches!(&error, Error::RateLimited { retry_after: Some(wait), .. } if *wait == Duration::from_secs(999_999_999)),
        "{error:?}"
    );
    assert_eq!(song_requests(&server), 1);
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn a_429_with_an_unreadable_retry_after_falls_back_to_the_backoff() {
    let server = server().await;
    // Past `u64::MAX` seconds: not a number the SDK can wait for, nor a date.
    on_songs(
        &server,
        Fault::throttle_with(Some("99999999999999999999999")).times(1),
    );
    let (outcome, elapsed) = songs(&client(&server)).await;
    outcome.expect("the page, on the second attempt");
    assert_eq!(song_requests(&server), 2);
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn each_server_error_once_is_retried_then_the_page_comes() {
    for status in [500, 502, 503, 504] {
        let server = server().await;
        on_songs(&server, Fault::status(status).times(1));
        let (outcome, elapsed) = songs(&client(&server)).await;
        outcome.unwrap_or_else(|error| panic!("{status}: {error}"));
        assert_eq!(song_requests(&server), 2, "{status}");
        within(elapsed, Duration::from_millis(800));
    }
}

#[tokio::test]
async fn persistent_server_errors_give_up_within_the_budget_with_the_last_status() {
    let server = server().await;
    on_songs(&server, Fault::status(500).times(1));
    on_songs(&server, Fault::status(503));
    let budget = Duration::from_millis(300);
    let client = builder(&server)
        .retry_policy(
            small_retries()
                .with_max_retries(100)
                .with_initial_backoff(Duration::from_millis(50))
                .with_max_backoff(Duration::from_millis(50))
                .with_max_elapsed(budget),
        )
        .build()
        .expect("a client");
    let (outcome, elapsed) = songs(&client).await;
    let error = outcome.expect_err("still failing");
    assert!(
        matches!(&error, Error::Api(api) if api.status == 503),
        "the last status: {error:?}"
    );
    // Retries every 50 ms within 300 ms: at most 7 attempts, and at least 2.
    let sent = song_requests(&server);
    assert!((2..=7).contains(&sent), "{sent} requests");
    within(elapsed, budget + Duration::from_millis(500));
}

#[tokio::test]
async fn a_reset_connection_is_retried_then_the_page_comes() {
    let server = server().await;
    on_songs(&server, Fault::drop_connection().times(1));
    let (outcome, elapsed) = songs(&client(&server)).await;
    outcome.expect("the page, on the second attempt");
    assert_eq!(song_requests(&server), 2);
    within(elapsed, Duration::from_millis(800));

    on_songs(&server, Fault::drop_connection());
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let (outcome, _) = songs(&client).await;
    let error = outcome.expect_err("the connection breaks every time");
    assert!(
        matches!(error, Error::Transport { .. }) && error.is_retryable(),
        "{error:?}"
    );
    assert_eq!(song_requests(&server), 3);
}

#[tokio::test]
async fn a_body_that_stalls_past_the_timeout_times_out_each_attempt() {
    let server = server().await;
    on_songs(&server, Fault::stall_body(Duration::from_secs(10)));
    let timeout = Duration::from_millis(300);
    let client = builder(&server)
        .timeout(timeout)
        .retry_policy(small_retries().with_max_retries(1))
        .build()
        .expect("a client");
    let (outcome, elapsed) = songs(&client).await;
    let error = outcome.expect_err("every attempt stalls");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(song_requests(&server), 2);
    assert!(elapsed >= timeout * 2, "{elapsed:?}");
    within(elapsed, timeout * 2 + Duration::from_millis(800));
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_and_not_retried() {
    let server = server().await;
    let page = page_bytes(&server).await;
    let half = page[..page.len() / 2].to_vec();
    on_songs(&server, Fault::respond(200, "application/json", half));
    let (outcome, elapsed) = songs(&client(&server)).await;
    let error = outcome.expect_err("half a page");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(
        song_requests(&server),
        2,
        "the page fetched to be cut, and one attempt"
    );
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn an_html_error_page_keeps_its_status_and_start() {
    let server = server().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    on_songs(&server, Fault::respond(502, "text/html", html));
    let (outcome, elapsed) = songs(&client(&server)).await;
    let error = outcome.expect_err("a gateway's page, every time");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.status, 502);
    assert_eq!(api.message.as_deref(), Some(html));
    assert!(error.is_retryable());
    assert_eq!(song_requests(&server), 4, "one attempt and three retries");
    within(elapsed, Duration::from_millis(1000));

    server.faults().clear();
    on_songs(&server, Fault::respond(200, "text/html", html));
    let (outcome, _) = songs(&client(&server)).await;
    let error = outcome.expect_err("HTML with a 200");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(song_requests(&server), 5);
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error_and_not_retried() {
    let server = server().await;
    on_songs(&server, Fault::respond(200, "application/json", ""));
    let (outcome, elapsed) = songs(&client(&server)).await;
    let error = outcome.expect_err("no body");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(song_requests(&server), 1);
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn a_50_mb_body_stops_at_the_body_limit_or_decodes_under_a_higher_one() {
    const FIFTY_MB: usize = 50 * 1024 * 1024;
    let server = server().await;
    on_songs(&server, Fault::pad_body(FIFTY_MB));
    let (outcome, elapsed) = songs(&client(&server)).await;
    let error = outcome.expect_err("past the default limit");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == DEFAULT_MAX_RESPONSE_BODY_SIZE),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(song_requests(&server), 1);
    within(elapsed, Duration::from_secs(10));

    let roomy = builder(&server)
        .max_response_body_size(FIFTY_MB + 1024 * 1024)
        .build()
        .expect("a client");
    let (outcome, elapsed) = songs(&roomy).await;
    outcome.expect("50 MB of whitespace, then the page");
    assert_eq!(song_requests(&server), 2);
    within(elapsed, Duration::from_secs(30));
}

#[tokio::test]
async fn a_repeated_page_token_ends_the_stream_with_a_pagination_loop() {
    let server = server().await;
    // The first page passes; the second gives back its own cursor as the next one.
    on_songs(&server, Fault::repeat_page_token().after(1));
    let started = Instant::now();
    let items: Vec<_> = client(&server)
        .library_songs()
        .limit(10)
        .entities()
        .collect()
        .await;
    let elapsed = started.elapsed();
    let (songs, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    assert_eq!(songs.len(), 20, "both pages' songs come first");
    let [Err(Error::PaginationLoop { token, .. })] = errors.as_slice() else {
        panic!("one loop error: {errors:?}");
    };
    assert!(!token.is_empty());
    assert_eq!(
        song_requests(&server),
        2,
        "the repeated token is not followed"
    );
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn an_empty_page_with_a_token_is_followed_to_the_end() {
    let server = server_of(30).await;
    on_songs(&server, Fault::empty_page().times(1));
    let started = Instant::now();
    let songs: Vec<Entity> = client(&server)
        .library_songs()
        .limit(10)
        .entities()
        .map(|song| song.expect("a song"))
        .collect()
        .await;
    let elapsed = started.elapsed();
    assert_eq!(
        songs.len(),
        20,
        "the emptied first page's songs are missing"
    );
    assert_eq!(song_requests(&server), 3, "three pages of 10");
    within(elapsed, Duration::from_millis(800));
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries_at_once() {
    let server = server().await;
    let credentials = server.credentials();
    let tokens = LwaTokenSource::builder()
        .client_id(credentials.client_id())
        .client_secret(credentials.client_secret().to_owned())
        .refresh_token(credentials.refresh_token().to_owned())
        .token_url(server.token_url())
        .build()
        .expect("a token source");
    let client = builder(&server)
        .token_source(tokens)
        .build()
        .expect("a client");
    on_songs(&server, Fault::expired_token().times(1));
    let (outcome, elapsed) = songs(&client).await;
    outcome.expect("the page, with a refreshed token");
    let answers: Vec<(String, u16)> = server
        .requests()
        .into_iter()
        .map(|request| (request.path, request.status))
        .collect();
    let token = "/auth/o2/token".to_owned();
    assert_eq!(
        answers,
        [
            (token.clone(), 200),
            (SONGS.to_owned(), 401),
            (token, 200),
            (SONGS.to_owned(), 200)
        ]
    );
    within(elapsed, Duration::from_millis(800));
}

/// Sends `count` requests for the library's songs, `concurrency` at a time, each on a clone of
/// `client`; how many failed.
async fn songs_at_once(client: &Client, count: usize, concurrency: usize) -> usize {
    let outcomes: Vec<_> = futures_util::stream::iter(0..count)
        .map(|_| {
            let client = client.clone();
            async move { client.library_songs().limit(1).send().await }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    outcomes.iter().filter(|outcome| outcome.is_err()).count()
}

/// How many of the server's answers were `429`, of how many.
fn throttled(server: &MockServer) -> (usize, usize) {
    let statuses: Vec<u16> = server
        .requests()
        .iter()
        .map(|request| request.status)
        .collect();
    (
        statuses.iter().filter(|status| **status == 429).count(),
        statuses.len(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adaptive_rate_limit_learns_the_servers_rate_and_keeps_429s_rare() {
    let server = server().await;
    server.faults().inject(Fault::rate_limit(20));
    let client = builder(&server)
        .retry_policy(small_retries().with_max_retries(5))
        .rate_limit(RateLimit::adaptive())
        .build()
        .expect("a client");
    assert_eq!(
        songs_at_once(&client, 100, 8).await,
        0,
        "every request succeeds"
    );
    let (throttled, answers) = throttled(&server);
    assert!(throttled >= 1, "the server's limit was met");
    assert!(
        throttled * 100 <= answers * 15,
        "{throttled} of {answers} answers were 429"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_rate_limit_under_the_servers_never_meets_a_429() {
    let server = server().await;
    server.faults().inject(Fault::rate_limit(40));
    let client = builder(&server)
        .rate_limit(RateLimit::fixed(30.0))
        .build()
        .expect("a client");
    assert_eq!(songs_at_once(&client, 45, 8).await, 0);
    assert_eq!(throttled(&server), (0, 45));
}
