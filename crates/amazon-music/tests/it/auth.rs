use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use amazon_music::auth::{AccessToken, TokenSource};
use amazon_music::{Client, Error};
use futures_util::future::BoxFuture;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    API_KEY, error_body, fast_retries, mount_catch_all, request_count, single_group_page, track,
};

/// Hands out `token-1`, and `token-2`, `token-3`... on each refresh.
#[derive(Debug, Default)]
struct NumberedTokens {
    current: Mutex<usize>,
    refreshes: AtomicUsize,
}

impl NumberedTokens {
    fn token(number: usize) -> AccessToken {
        AccessToken::new(format!("token-{number}"))
    }
}

impl TokenSource for NumberedTokens {
    fn token(&self) -> BoxFuture<'_, amazon_music::Result<AccessToken>> {
        Box::pin(async move {
            let mut current = self.current.lock().expect("not poisoned");
            *current = (*current).max(1);
            Ok(Self::token(*current))
        })
    }

    fn refresh<'a>(
        &'a self,
        _rejected: &'a AccessToken,
    ) -> BoxFuture<'a, amazon_music::Result<Option<AccessToken>>> {
        Box::pin(async move {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let mut current = self.current.lock().expect("not poisoned");
            *current += 1;
            Ok(Some(Self::token(*current)))
        })
    }
}

fn client(server: &MockServer, tokens: std::sync::Arc<NumberedTokens>) -> Client {
    #[derive(Debug)]
    struct Shared(std::sync::Arc<NumberedTokens>);
    impl TokenSource for Shared {
        fn token(&self) -> BoxFuture<'_, amazon_music::Result<AccessToken>> {
            self.0.token()
        }
        fn refresh<'a>(
            &'a self,
            rejected: &'a AccessToken,
        ) -> BoxFuture<'a, amazon_music::Result<Option<AccessToken>>> {
            self.0.refresh(rejected)
        }
    }
    Client::builder()
        .api_key(API_KEY)
        .token_source(Shared(tokens))
        .base_url(server.uri())
        .retry_policy(fast_retries())
        .build()
        .expect("a client")
}

fn expired() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(error_body(
        401,
        "INVALID_ACCESS_TOKEN",
        "The access token has expired.",
    ))
}

/// `first` answers the call with `token-1`; the call must refresh once and succeed with
/// `token-2`.
async fn assert_one_refresh_after(first: ResponseTemplate) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(first)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let tokens = std::sync::Arc::new(NumberedTokens::default());
    client(&server, tokens.clone())
        .library_songs()
        .send()
        .await
        .expect("after a refresh");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    server.verify().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried() {
    assert_one_refresh_after(expired()).await;
}

#[tokio::test]
async fn a_token_rejected_again_after_the_refresh_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(expired())
        .mount(&server)
        .await;
    let tokens = std::sync::Arc::new(NumberedTokens::default());
    let error = client(&server, tokens.clone())
        .library_songs()
        .send()
        .await
        .expect_err("rejected twice");
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    let sent: Vec<String> = server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|request| {
            request
                .headers
                .get("authorization")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        sent,
        ["Bearer token-1", "Bearer token-2"],
        "the retry carried the refreshed token"
    );
}

#[tokio::test]
async fn other_unauthorized_codes_are_not_refreshed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(error_body(
            401,
            "INVALID_AUTH_TYPE",
            "Use a bearer token.",
        )))
        .mount(&server)
        .await;
    let tokens = std::sync::Arc::new(NumberedTokens::default());
    let error = client(&server, tokens.clone())
        .library_songs()
        .send()
        .await
        .expect_err("unauthorized");
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 0);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn concurrent_calls_rejected_together_share_one_lwa_refresh() {
    use amazon_music::auth::LwaTokenSource;
    use wiremock::matchers::path;

    let lwa = MockServer::start().await;
    let token_body = |token: &str| serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": 3600});
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("Atza|first")))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&lwa)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/o2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("Atza|second")))
        .with_priority(2)
        .expect(1)
        .mount(&lwa)
        .await;

    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer Atza|first"))
        .respond_with(expired())
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer Atza|second"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .expect(10)
        .mount(&api)
        .await;
    mount_catch_all(&api).await;

    let tokens = LwaTokenSource::builder()
        .client_id("amzn1.application-oa2-client.test")
        .client_secret("client-secret")
        .refresh_token("Atzr|refresh")
        .token_url(format!("{}/auth/o2/token", lwa.uri()))
        .build()
        .expect("a token source");
    // Every call starts with the same cached token, which the API then rejects for all of them.
    tokens.token().await.expect("the first token");
    let client = Client::builder()
        .api_key(API_KEY)
        .token_source(tokens)
        .base_url(api.uri())
        .retry_policy(fast_retries())
        .build()
        .expect("a client");
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.library_songs().send().await })
    });
    for call in futures_util::future::join_all(calls).await {
        call.expect("the task ran")
            .expect("a page after the shared refresh");
    }
    let rejected = api
        .received_requests()
        .await
        .expect("recorded requests")
        .iter()
        .filter(|request| {
            request
                .headers
                .get("authorization")
                .is_some_and(|value| value == "Bearer Atza|first")
        })
        .count();
    assert_eq!(
        rejected, 10,
        "every call was rejected once before the refresh"
    );
    lwa.verify().await;
    api.verify().await;
}

#[tokio::test]
async fn a_401_that_is_not_a_v1_error_also_triggers_the_one_refresh() {
    assert_one_refresh_after(
        ResponseTemplate::new(401)
            .set_body_raw("<html>401 Authorization Required</html>", "text/html"),
    )
    .await;
}

#[tokio::test]
async fn a_401_gateway_page_with_a_token_that_cannot_refresh_is_unauthorized_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw("<html>no</html>", "text/html"))
        .mount(&server)
        .await;
    let error = crate::support::client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("unauthorized");
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");
    assert_eq!(request_count(&server).await, 1);
}

/// An LWA token endpoint that issues `Atza|lwa-<n>` for the n-th request, after answering 503
/// to the first `failures`.
async fn lwa_server(failures: u64) -> MockServer {
    use std::sync::atomic::AtomicU64;
    let lwa = MockServer::start().await;
    let count = AtomicU64::new(0);
    Mock::given(method("POST"))
        .respond_with(move |_: &wiremock::Request| {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            if n <= failures {
                ResponseTemplate::new(503).set_body_string("LWA is down")
            } else {
                ResponseTemplate::new(200).set_body_json(serde_json::json!({
                    "access_token": format!("Atza|lwa-{}", n - failures),
                    "token_type": "bearer",
                    "expires_in": 3600,
                }))
            }
        })
        .mount(&lwa)
        .await;
    lwa
}

fn lwa_source(lwa: &MockServer) -> amazon_music::auth::LwaTokenSourceBuilder {
    amazon_music::auth::LwaTokenSource::builder()
        .client_id("amzn1.application-oa2-client.test")
        .client_secret("client-secret")
        .refresh_token("Atzr|refresh")
        .token_url(format!("{}/auth/o2/token", lwa.uri()))
        .refresh_cooldown(std::time::Duration::from_millis(20))
}

fn api_client(api: &MockServer, source: amazon_music::auth::LwaTokenSource) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .token_source(source)
        .base_url(api.uri())
        .retry_policy(fast_retries())
        .build()
        .expect("a client")
}

async fn songs_for(api: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .mount(api)
        .await;
}

#[tokio::test]
async fn a_seeded_token_is_used_then_refreshed_once_on_401_and_the_call_retried() {
    let lwa = lwa_server(0).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer Atza|given"))
        .respond_with(expired())
        .expect(1)
        .mount(&api)
        .await;
    songs_for(&api, "Atza|lwa-1").await;
    mount_catch_all(&api).await;
    let source = lwa_source(&lwa)
        .access_token("Atza|given")
        .build()
        .expect("a source");
    api_client(&api, source)
        .library_songs()
        .send()
        .await
        .expect("after one refresh");
    assert_eq!(request_count(&lwa).await, 1);
    api.verify().await;
}

#[tokio::test]
async fn a_transient_token_endpoint_failure_is_retried_like_any_call() {
    let lwa = lwa_server(1).await;
    let api = MockServer::start().await;
    songs_for(&api, "Atza|lwa-1").await;
    mount_catch_all(&api).await;
    let source = lwa_source(&lwa).build().expect("a source");
    api_client(&api, source)
        .library_songs()
        .send()
        .await
        .expect("after the token endpoint recovered");
    assert_eq!(request_count(&lwa).await, 2);
    assert_eq!(request_count(&api).await, 1);
}

#[tokio::test]
async fn a_token_endpoint_that_stays_down_ends_as_a_retryable_auth_error_without_a_storm() {
    let lwa = lwa_server(u64::MAX).await;
    let api = MockServer::start().await;
    let source = lwa_source(&lwa)
        .refresh_cooldown(std::time::Duration::from_secs(120))
        .build()
        .expect("a source");
    let client = api_client(&api, source);
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.library_songs().send().await })
    });
    for call in futures_util::future::join_all(calls).await {
        let error = call.expect("the task ran").expect_err("no token");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.is_retryable(), "{error:?}");
    }
    // Ten calls with retries, one request: the others came within the cooldown.
    assert_eq!(request_count(&lwa).await, 1);
    assert_eq!(request_count(&api).await, 0);
}

#[tokio::test]
async fn a_rotated_refresh_token_reaches_the_app() {
    let lwa = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "Atza|lwa-1",
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "Atzr|rotated",
        })))
        .mount(&lwa)
        .await;
    let api = MockServer::start().await;
    songs_for(&api, "Atza|lwa-1").await;
    let stored = std::sync::Arc::new(Mutex::new(None));
    let sink = stored.clone();
    let source = lwa_source(&lwa)
        .on_new_refresh_token(move |token| {
            use secrecy::ExposeSecret;
            *sink.lock().expect("not poisoned") = Some(token.expose_secret().to_owned());
        })
        .build()
        .expect("a source");
    api_client(&api, source)
        .library_songs()
        .send()
        .await
        .expect("a page");
    assert_eq!(
        stored.lock().expect("not poisoned").as_deref(),
        Some("Atzr|rotated")
    );
}

#[tokio::test]
async fn a_refresh_that_fails_in_the_middle_of_a_call_ends_it_with_the_auth_error() {
    let lwa = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "Atza|lwa-1",
            "token_type": "bearer",
            "expires_in": 3600,
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&lwa)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": "invalid_grant",
            "error_description": "The refresh token was revoked.",
        })))
        .with_priority(2)
        .expect(1)
        .mount(&lwa)
        .await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer Atza|lwa-1"))
        .respond_with(expired())
        .expect(1)
        .mount(&api)
        .await;
    mount_catch_all(&api).await;
    let source = lwa_source(&lwa).build().expect("a source");
    let error = api_client(&api, source)
        .library_songs()
        .send()
        .await
        .expect_err("the refresh failed");
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert!(
        !error.is_retryable(),
        "a revoked refresh token stays revoked"
    );
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    lwa.verify().await;
    api.verify().await;
}
