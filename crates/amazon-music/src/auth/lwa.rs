//! Login with Amazon's refresh-token grant as a [`TokenSource`].
//!
//! The grant is one form POST to the token endpoint ([`exchange`](super::exchange)); the cache
//! in [`cache`](super::cache) decides when to ask.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use tracing::debug;

use super::cache::{Fetch, Fetched, Settings, TokenCache};
use super::settings::{Endpoint, EndpointConfig, required_secret, setters};
use super::{AccessToken, Redacted, TokenSource};
use crate::Result;

/// Access tokens from Login with Amazon's refresh-token grant, cached and refreshed ahead of
/// expiry.
///
/// - It can start from an access token you already have
///   ([`access_token`](LwaTokenSourceBuilder::access_token), with its expiry where known): that
///   token is used until it is due, or until the API rejects it, and only then refreshed.
/// - A token is refreshed when it is due (by default five minutes before it expires, or half
///   way through its life if it lives less than ten minutes). While it is still valid, one task
///   refreshes it in the background and every caller goes on with it: only callers whose token
///   has expired wait.
/// - It is refreshed once more when the API rejects it: however many calls report the same
///   rejected token at once, one request goes to the token endpoint and they all get its answer.
/// - Each token request has its own timeout (default 30 s), whatever the HTTP client's. After
///   a failed request, no other goes out for a short cooldown (default 2 s), so that a token
///   endpoint that is down gets no storm of requests; a transient failure (timeout, connection,
///   5xx) is an [`Error::Auth`](crate::Error::Auth) marked retryable, which the client retries
///   like any other call.
/// - If the endpoint sends a new refresh token, it is used from then on, handed to the callback
///   of [`on_new_refresh_token`](LwaTokenSourceBuilder::on_new_refresh_token) (to store it), and
///   [`refresh_token`](Self::refresh_token) gives it.
///
/// Clones share the cache and the refresh token. `Debug` shows no secret.
///
/// ```no_run
/// use amazon_music::auth::{LwaRegion, LwaTokenSource, TokenSource};
///
/// # async fn run() -> amazon_music::Result<()> {
/// let source = LwaTokenSource::builder()
///     .client_id("amzn1.application-oa2-client.0123")
///     .client_secret(std::env::var("LWA_CLIENT_SECRET").unwrap_or_default())
///     .refresh_token(std::env::var("LWA_REFRESH_TOKEN").unwrap_or_default())
///     .region(LwaRegion::Europe)
///     .on_new_refresh_token(|token| {
///         // Store `token` where the next run finds it.
///         let _ = token;
///     })
///     .build()?;
/// let token = source.token().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LwaTokenSource {
    inner: Arc<Inner>,
}

/// What is told of a new refresh token.
type RefreshTokenCallback = Arc<dyn Fn(&SecretString) + Send + Sync>;

struct Inner {
    endpoint: Endpoint,
    /// The refresh token to use next; replaced when the endpoint rotates it.
    refresh_token: Mutex<SecretString>,
    on_new_refresh_token: Option<RefreshTokenCallback>,
    cache: TokenCache,
}

impl LwaTokenSource {
    /// A builder; the client ID and refresh token are required (and the client secret, except
    /// for tokens from the device flow).
    pub fn builder() -> LwaTokenSourceBuilder {
        LwaTokenSourceBuilder::default()
    }

    /// The refresh token in use: the one configured, or the last one the endpoint sent.
    pub fn refresh_token(&self) -> SecretString {
        self.inner.current_refresh_token()
    }

    /// How long the access token in hand has left, when the token endpoint said (after a
    /// refresh); `None` before the first refresh, or for an access token given to the builder
    /// without its expiry.
    pub fn expires_in(&self) -> Option<Duration> {
        self.inner.cache.expires_in()
    }

    /// A token request, ready to run.
    fn fetch(&self) -> Fetch {
        let inner = self.inner.clone();
        Box::pin(async move { inner.fetch().await })
    }
}

impl Inner {
    fn current_refresh_token(&self) -> SecretString {
        self.refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asks the token endpoint for a new access token with the refresh-token grant.
    async fn fetch(&self) -> Result<Fetched> {
        let refresh_token = self.current_refresh_token();
        // Public clients (the device flow's) have no secret: LWA refreshes their tokens
        // with the client ID alone.
        let tokens = self
            .endpoint
            .request_tokens(
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token.expose_secret()),
                ],
                &[refresh_token.expose_secret()],
            )
            .await?;
        let rotated = match tokens.refresh_token {
            Some(new) if new.expose_secret() != refresh_token.expose_secret() => {
                *self
                    .refresh_token
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = new.clone();
                if let Some(callback) = &self.on_new_refresh_token {
                    callback(&new);
                }
                true
            }
            _ => false,
        };
        debug!(
            expires_in_secs = tokens.expires_in.as_secs(),
            refresh_token_rotated = rotated,
            "the token endpoint issued a new access token"
        );
        Ok(Fetched {
            token: tokens.access_token,
            expires_in: Some(tokens.expires_in),
        })
    }
}

impl TokenSource for LwaTokenSource {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken>> {
        Box::pin(self.inner.cache.token(|| self.fetch()))
    }

    fn refresh<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<Option<AccessToken>>> {
        Box::pin(async move {
            self.inner
                .cache
                .refresh(rejected, || self.fetch())
                .await
                .map(Some)
        })
    }
}

impl fmt::Debug for LwaTokenSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        formatter
            .debug_struct("LwaTokenSource")
            .field("client_id", &inner.endpoint.client_id)
            .field("client_secret", &Redacted)
            .field("refresh_token", &Redacted)
            .field("token_url", &inner.endpoint.token_url.as_str())
            .field("cache", &inner.cache)
            .finish_non_exhaustive()
    }
}

/// Configures an [`LwaTokenSource`].
///
/// `Debug` shows no secret.
#[derive(Default)]
pub struct LwaTokenSourceBuilder {
    endpoint: EndpointConfig,
    refresh_token: Option<SecretString>,
    access_token: Option<(AccessToken, Option<SystemTime>)>,
    settings: Settings,
    on_new_refresh_token: Option<RefreshTokenCallback>,
}

impl LwaTokenSourceBuilder {
    setters!(endpoint, client_secret);

    /// The refresh token (`Atzr|...`) from a login, e.g.
    /// [`Tokens::refresh_token`](super::Tokens::refresh_token). Required.
    pub fn refresh_token(mut self, refresh_token: impl Into<SecretString>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// Starts from an access token you already have (`Atza|...`): it is used, with no request
    /// to the token endpoint, until it is due for refresh (see
    /// [`access_token_expires_at`](Self::access_token_expires_at)) or the API rejects it.
    /// Without an expiry, it is used until the API rejects it.
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        let expires_at = self.access_token.as_ref().and_then(|(_, at)| *at);
        self.access_token = Some((AccessToken::new(token), expires_at));
        self
    }

    /// When the access token given with [`access_token`](Self::access_token) expires, where it
    /// is known (a login's `expires_in` after the time it was issued).
    pub fn access_token_expires_at(mut self, expires_at: SystemTime) -> Self {
        if let Some((_, at)) = &mut self.access_token {
            *at = Some(expires_at);
        }
        self
    }

    /// How long before expiry a token is refreshed; default five minutes. A token that lives
    /// less than twice this is refreshed half way through its life.
    pub fn refresh_ahead(mut self, margin: Duration) -> Self {
        self.settings.refresh_ahead = margin;
        self
    }

    /// How long one token request may take, whatever the HTTP client's own timeouts; default
    /// 30 s. A request that takes longer fails as retryable.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// How long after a failed token request no other is sent; default 2 s. Meanwhile, calls
    /// that need a new token get the failure at once, with what is left of the cooldown as its
    /// `retry_after`.
    pub fn refresh_cooldown(mut self, cooldown: Duration) -> Self {
        self.settings.cooldown = cooldown;
        self
    }

    /// Calls `callback` with each new refresh token the endpoint sends (LWA may rotate it), so
    /// that the app can store it in place of the old one, which may stop working. It runs in
    /// the task that made the token request: keep it short (hand the token to a channel to do
    /// more).
    pub fn on_new_refresh_token(
        mut self,
        callback: impl Fn(&SecretString) + Send + Sync + 'static,
    ) -> Self {
        self.on_new_refresh_token = Some(Arc::new(callback));
        self
    }

    /// The token source.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when the client ID or refresh
    /// token is missing or empty, or the token URL is not an `http` or `https` URL.
    pub fn build(self) -> Result<LwaTokenSource> {
        let endpoint = self.endpoint.build()?;
        let refresh_token = required_secret("refresh token", self.refresh_token)?;
        let cache = match self.access_token {
            Some((token, expires_at)) => {
                let now = SystemTime::now();
                let expires_at = expires_at.map(|at| {
                    tokio::time::Instant::now() + at.duration_since(now).unwrap_or_default()
                });
                TokenCache::seeded(self.settings, token, expires_at)
            }
            None => TokenCache::new(self.settings),
        };
        Ok(LwaTokenSource {
            inner: Arc::new(Inner {
                endpoint,
                refresh_token: Mutex::new(refresh_token),
                on_new_refresh_token: self.on_new_refresh_token,
                cache,
            }),
        })
    }
}

impl fmt::Debug for LwaTokenSourceBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LwaTokenSourceBuilder")
            .field("endpoint", &self.endpoint)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| Redacted),
            )
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| Redacted),
            )
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::io;

    use serde_json::json;
    use wiremock::matchers::{body_string_contains, method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::*;
    use crate::Error;
    use crate::auth::LwaRegion;
    use crate::auth::test_support::{
        CLIENT_SECRET, catch_all, error_chain, form, test_http_client, token_body,
    };

    const REFRESH_TOKEN: &str = "Atzr|distinct-refresh-token-91bc";
    const ROTATED_REFRESH_TOKEN: &str = "Atzr|distinct-rotated-refresh-token-2d4e";
    const ACCESS_TOKEN: &str = "Atza|distinct-access-token-55aa";

    fn source(server: &MockServer) -> LwaTokenSource {
        builder_for(server).build().unwrap()
    }

    /// Mounts a token endpoint that issues `token-<n>` for the n-th request, `expect`ing
    /// `requests` of them.
    async fn numbered_tokens(server: &MockServer, requests: u64) {
        let counter = std::sync::atomic::AtomicUsize::new(0);
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(move |_: &Request| {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                ResponseTemplate::new(200).set_body_json(token_body(&format!("token-{n}")))
            })
            .expect(requests)
            .mount(server)
            .await;
        catch_all(server).await;
    }

    #[tokio::test]
    async fn refresh_grant_sends_the_form_fields_lwa_expects() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN)))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;

        let token = source(&server).token().await.unwrap();
        assert_eq!(token.expose_secret(), ACCESS_TOKEN);

        let requests = server.received_requests().await.unwrap();
        let request = &requests[0];
        assert_eq!(
            request.headers.get("content-type").unwrap(),
            "application/x-www-form-urlencoded"
        );
        let mut fields = form(request);
        fields.sort();
        let expected = [
            ("client_id", "amzn1.application-oa2-client.test"),
            ("client_secret", CLIENT_SECRET),
            ("grant_type", "refresh_token"),
            ("refresh_token", REFRESH_TOKEN),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        assert_eq!(fields, expected);
        assert!(request.headers.get("authorization").is_none());
    }

    #[tokio::test]
    async fn a_public_client_refreshes_without_a_secret() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(ACCESS_TOKEN)))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;

        let source = LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.device")
            .refresh_token(REFRESH_TOKEN)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .build()
            .unwrap();
        assert_eq!(source.token().await.unwrap().expose_secret(), ACCESS_TOKEN);

        let requests = server.received_requests().await.unwrap();
        let mut fields = form(&requests[0]);
        fields.sort();
        let names: Vec<&str> = fields.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(names, ["client_id", "grant_type", "refresh_token"]);
    }

    #[tokio::test]
    async fn second_token_call_makes_no_request() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 1).await;
        let source = source(&server);
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
    }

    /// `builder` without the token request's own timeout: under a paused clock, Tokio would
    /// fire it while a real request is under way.
    fn untimed(mut builder: LwaTokenSourceBuilder) -> LwaTokenSource {
        builder.settings.timeout = None;
        builder.build().unwrap()
    }

    fn builder_for(server: &MockServer) -> LwaTokenSourceBuilder {
        LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
    }

    #[tokio::test]
    async fn token_is_refreshed_once_past_expiry_minus_the_margin() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = untimed(builder_for(&server));
        tokio::time::pause();
        assert_eq!(source.expires_in(), None, "no token yet");
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        let left = source.expires_in().expect("the endpoint said: an hour");
        assert!(
            left > Duration::from_secs(3590) && left <= Duration::from_secs(3600),
            "{left:?}"
        );
        tokio::time::advance(Duration::from_secs(3600 - 300 - 1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        // Due: the valid token comes back at once while the refresh runs in the background.
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        // Expired: the caller waits for that refresh.
        tokio::time::advance(Duration::from_secs(300)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
    }

    #[tokio::test]
    async fn refresh_ahead_margin_is_configurable() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = untimed(builder_for(&server).refresh_ahead(Duration::from_secs(60)));
        tokio::time::pause();
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(3600 - 61)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
    }

    #[tokio::test]
    async fn a_seeded_access_token_is_used_until_the_api_rejects_it() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 1).await;
        let source = builder_for(&server)
            .access_token("Atza|seeded")
            .build()
            .unwrap();
        let seeded = source.token().await.unwrap();
        assert_eq!(seeded.expose_secret(), "Atza|seeded");
        assert_eq!(source.expires_in(), None, "given without its expiry");
        assert_eq!(server.received_requests().await.unwrap().len(), 0);
        let fresh = source.refresh(&seeded).await.unwrap().unwrap();
        assert_eq!(fresh.expose_secret(), "token-1");
        assert_eq!(source.token().await.unwrap(), fresh);
    }

    #[tokio::test]
    async fn a_seeded_access_token_with_an_hour_left_is_used_without_a_request() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 0).await;
        let source = builder_for(&server)
            .access_token("Atza|seeded")
            .access_token_expires_at(std::time::SystemTime::now() + Duration::from_secs(3600))
            .build()
            .unwrap();
        assert_eq!(source.token().await.unwrap().expose_secret(), "Atza|seeded");
        let left = source.expires_in().expect("given with its expiry");
        assert!(
            left > Duration::from_secs(3590) && left <= Duration::from_secs(3600),
            "{left:?}"
        );
    }

    #[tokio::test]
    async fn a_seeded_access_token_past_its_expiry_is_refreshed_first() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 1).await;
        let source = builder_for(&server)
            .access_token("Atza|seeded")
            .access_token_expires_at(std::time::SystemTime::now() - Duration::from_secs(1))
            .build()
            .unwrap();
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
    }

    #[tokio::test]
    async fn a_new_refresh_token_is_handed_to_the_callback() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "token-1",
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": ROTATED_REFRESH_TOKEN,
            })))
            .mount(&server)
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let source = builder_for(&server)
            .on_new_refresh_token(move |token| {
                sink.lock().unwrap().push(token.expose_secret().to_owned());
            })
            .build()
            .unwrap();
        let first = source.token().await.unwrap();
        // The same refresh token again is no news.
        source.refresh(&first).await.unwrap();
        assert_eq!(*seen.lock().unwrap(), [ROTATED_REFRESH_TOKEN]);
    }

    #[tokio::test]
    async fn transient_failures_are_retryable_and_refusals_are_not() {
        let cases = [
            (ResponseTemplate::new(503).set_body_string("busy"), true),
            (
                ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})),
                true,
            ),
            (
                ResponseTemplate::new(400)
                    .set_body_json(json!({"error": "temporarily_unavailable"})),
                true,
            ),
            (
                ResponseTemplate::new(429).set_body_string("slow down"),
                true,
            ),
            (
                ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})),
                false,
            ),
            (
                ResponseTemplate::new(200).set_body_raw("<html/>", "text/html"),
                false,
            ),
        ];
        for (response, retryable) in cases {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(response)
                .mount(&server)
                .await;
            let error = source(&server).token().await.unwrap_err();
            assert_eq!(error.is_retryable(), retryable, "{error:?}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_concurrent_callers_on_an_empty_cache_cause_one_request() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(token_body(ACCESS_TOKEN))
                    .set_delay(Duration::from_millis(200)),
            )
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;
        let source = source(&server);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let source = source.clone();
                tokio::spawn(async move { source.token().await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().expose_secret(), ACCESS_TOKEN);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_concurrent_refreshes_of_one_rejected_token_cause_one_request() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = source(&server);
        let rejected = source.token().await.unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (source, rejected) = (source.clone(), rejected.clone());
                tokio::spawn(async move { source.refresh(&rejected).await })
            })
            .collect();
        for task in tasks {
            let token = task.await.unwrap().unwrap().unwrap();
            assert_eq!(token.expose_secret(), "token-2");
        }
    }

    #[tokio::test]
    async fn refresh_of_an_old_token_after_another_refresh_makes_no_request() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = source(&server);
        let old = source.token().await.unwrap();
        let new = source.refresh(&old).await.unwrap().unwrap();
        assert_eq!(new.expose_secret(), "token-2");
        let again = source.refresh(&old).await.unwrap().unwrap();
        assert_eq!(again, new);
        assert_eq!(source.token().await.unwrap(), new);
    }

    #[tokio::test]
    async fn rotated_refresh_token_is_used_for_the_next_refresh() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_string_contains(
                "refresh_token=Atzr%7Cdistinct-refresh-token-91bc",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "token-1",
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": ROTATED_REFRESH_TOKEN,
            })))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(body_string_contains(
                "refresh_token=Atzr%7Cdistinct-rotated-refresh-token-2d4e",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body("token-2")))
            .expect(1)
            .mount(&server)
            .await;
        catch_all(&server).await;

        let source = source(&server);
        let first = source.token().await.unwrap();
        assert_eq!(
            source.refresh_token().expose_secret(),
            ROTATED_REFRESH_TOKEN
        );
        let second = source.refresh(&first).await.unwrap().unwrap();
        assert_eq!(second.expose_secret(), "token-2");
        // No refresh token in the answer: the rotated one stays.
        assert_eq!(
            source.refresh_token().expose_secret(),
            ROTATED_REFRESH_TOKEN
        );
    }

    #[tokio::test]
    async fn invalid_grant_is_an_auth_error_naming_the_code_without_secrets() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_grant",
                "error_description": "The request has an invalid grant parameter : refresh_token",
            })))
            .expect(1)
            .mount(&server)
            .await;
        let error = source(&server).token().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        let display = error.to_string();
        assert!(display.contains("invalid_grant"), "{display}");
        assert!(display.contains("log in again"), "{display}");
        assert!(display.contains("invalid grant parameter"), "{display}");
        assert_secret_free(&display);
        assert_secret_free(&format!("{error:?}"));
    }

    #[tokio::test]
    async fn server_error_description_is_scrubbed_of_secrets() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "error": "invalid_client",
                "error_description": format!("unknown secret {CLIENT_SECRET}"),
            })))
            .mount(&server)
            .await;
        let error = source(&server).token().await.unwrap_err();
        let display = error.to_string();
        assert!(display.contains("invalid_client"), "{display}");
        assert!(display.contains("[REDACTED]"), "{display}");
        assert_secret_free(&display);
    }

    #[tokio::test]
    async fn server_errors_and_non_json_answers_are_auth_errors() {
        let cases = [
            (
                ResponseTemplate::new(503).set_body_string("<html>busy</html>"),
                "try again later",
            ),
            (
                ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})),
                "server_error",
            ),
            (
                ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"),
                "not a token response",
            ),
            (
                ResponseTemplate::new(200).set_body_raw(
                    format!("{{\"access_token\": \"{ACCESS_TOKEN}\""),
                    "application/json",
                ),
                "not a token response",
            ),
            (
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 3600})),
                "missing field `token_type`",
            ),
        ];
        for (response, expected) in cases {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(response)
                .mount(&server)
                .await;
            let error = source(&server).token().await.unwrap_err();
            assert!(matches!(error, Error::Auth { .. }), "{error:?}");
            let chain = error_chain(&error);
            assert!(chain.contains(expected), "{chain}");
            assert_secret_free(&chain);
            assert_secret_free(&format!("{error:?}"));
        }
    }

    #[tokio::test]
    async fn a_token_response_is_read_up_to_64_kib_and_no_further() {
        let token = serde_json::to_string(&token_body(ACCESS_TOKEN)).unwrap();
        let padded = |len: usize| format!("{token}{}", " ".repeat(len - token.len()));
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(padded(64 * 1024), "application/json"),
            )
            .mount(&server)
            .await;
        let access_token = source(&server).token().await.expect("64 KiB is read");
        assert_eq!(access_token.expose_secret(), ACCESS_TOKEN);

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(padded(64 * 1024 + 1), "application/json"),
            )
            .mount(&server)
            .await;
        let error = source(&server).token().await.unwrap_err();
        assert!(!error.is_retryable());
        let chain = error_chain(&error);
        assert!(chain.contains("longer than 65536 bytes"), "{chain}");
    }

    #[tokio::test]
    async fn each_http_failure_of_the_token_endpoint_says_what_to_do() {
        let cases = [
            (
                ResponseTemplate::new(429).set_body_string("slow down"),
                "rate limiting this client: try again later",
                true,
            ),
            (
                ResponseTemplate::new(404).set_body_raw("<html>no</html>", "text/html"),
                "refused the request: check the token URL",
                false,
            ),
        ];
        for (response, expected, retryable) in cases {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(response)
                .mount(&server)
                .await;
            let error = source(&server).token().await.unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
            assert_eq!(error.is_retryable(), retryable, "{error}");
        }
    }

    #[tokio::test]
    async fn a_connection_the_token_endpoint_drops_is_a_failed_request_not_a_failed_connect() {
        // Accepts each connection and closes it before answering.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/auth/o2/token", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                drop(stream);
            }
        });
        let source = LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .token_url(url)
            .build()
            .unwrap();
        let error = source.token().await.unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the request to the token endpoint failed: try again later"),
            "{error}"
        );
        assert!(error.is_retryable(), "{error}");
    }

    /// A token endpoint that answers after 30 s.
    async fn slow_token_endpoint() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(token_body(ACCESS_TOKEN))
                    .set_delay(Duration::from_secs(30)),
            )
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn a_token_request_past_the_sources_timeout_fails_as_retryable() {
        let server = slow_token_endpoint().await;
        let source = builder_for(&server)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let error = source.token().await.unwrap_err();
        assert!(error.to_string().contains("within 0.3 s"), "{error}");
        assert!(error.is_retryable(), "{error}");
    }

    #[tokio::test]
    async fn a_timeout_of_the_callers_http_client_is_worth_another_try() {
        let server = slow_token_endpoint().await;
        let http = crate::http::client_builder()
            .unwrap()
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let error = untimed(builder_for(&server).http_client(http))
            .token()
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("did not answer in time: try again later"),
            "{error}"
        );
        assert!(error.is_retryable(), "{error}");
    }

    #[tokio::test]
    async fn connection_failure_is_an_auth_error() {
        // A port nothing listens on any more.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/auth/o2/token", listener.local_addr().unwrap());
        drop(listener);
        let source = LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .token_url(url)
            .build()
            .unwrap();
        let error = source.token().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("could not connect"), "{error}");
        assert!(error.source().is_some());
        assert_secret_free(&error_chain(&error));
    }

    #[test]
    fn build_refuses_missing_fields_and_bad_urls() {
        let complete = || {
            LwaTokenSource::builder()
                .client_id("amzn1.application-oa2-client.test")
                .client_secret(CLIENT_SECRET)
                .refresh_token(REFRESH_TOKEN)
        };
        assert!(complete().build().is_ok());
        let cases = [
            (
                LwaTokenSource::builder()
                    .client_secret("s")
                    .refresh_token("r"),
                "client ID",
            ),
            (complete().client_id(" "), "client ID"),
            (
                LwaTokenSource::builder().client_id("c").client_secret("s"),
                "refresh token",
            ),
            (complete().refresh_token("  "), "refresh token"),
            (complete().token_url("not a url"), "not a URL"),
            (
                complete().token_url("ftp://example.com/token"),
                "not an http or https URL",
            ),
        ];
        for (builder, expected) in cases {
            let error = builder.build().unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
            assert!(error.to_string().contains(expected), "{error}");
        }
    }

    #[test]
    fn regions_select_their_token_endpoints() {
        assert_eq!(LwaRegion::default(), LwaRegion::NorthAmerica);
        assert_eq!(
            LwaRegion::NorthAmerica.token_url(),
            "https://api.amazon.com/auth/o2/token"
        );
        assert_eq!(
            LwaRegion::Europe.token_url(),
            "https://api.amazon.co.uk/auth/o2/token"
        );
        assert_eq!(
            LwaRegion::FarEast.token_url(),
            "https://api.amazon.co.jp/auth/o2/token"
        );
        let source = LwaTokenSource::builder()
            .client_id("c")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .region(LwaRegion::FarEast)
            .build()
            .unwrap();
        assert!(format!("{source:?}").contains("https://api.amazon.co.jp/auth/o2/token"));
    }

    #[tokio::test]
    async fn debug_of_the_source_and_builder_shows_no_secret() {
        let builder = LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN);
        let debug = format!("{builder:?}");
        assert!(
            debug.contains("amzn1.application-oa2-client.test"),
            "{debug}"
        );
        assert!(debug.contains("[REDACTED]"), "{debug}");
        assert_secret_free(&debug);

        let server = MockServer::start().await;
        numbered_tokens(&server, 1).await;
        let source = source(&server);
        source.token().await.unwrap();
        let debug = format!("{source:?} {source:#?}");
        assert_secret_free(&debug);
        assert!(!debug.contains("token-1"), "{debug}");
    }

    #[test]
    fn refresh_events_at_trace_level_contain_no_secret() {
        // While a single dispatcher is registered, tracing-core computes a callsite's interest
        // from the default of whichever thread reaches it first: a test on another thread, with
        // no subscriber, would switch our callsites off for good. A second live dispatcher
        // makes it ask every registered one.
        let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        // Plain text: with ANSI colours (on when another crate of the build turns on the
        // `ansi` feature) field names would be split by escape codes.
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || BufferWriter(writer.clone()))
            .finish();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = tracing::subscriber::set_default(subscriber);
        runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "access_token": ACCESS_TOKEN,
                    "token_type": "bearer",
                    "expires_in": 3600,
                    "refresh_token": ROTATED_REFRESH_TOKEN,
                })))
                .expect(2)
                .mount(&server)
                .await;
            let source = source(&server);
            let token = source.token().await.unwrap();
            source.refresh(&token).await.unwrap();
            source.token().await.unwrap();
        });
        let captured = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        assert!(captured.contains("no access token yet"), "{captured}");
        assert!(captured.contains("after the API rejected it"), "{captured}");
        assert!(
            captured.contains("refresh_token_rotated=true"),
            "{captured}"
        );
        assert_secret_free(&captured);
    }

    /// A writer into a shared buffer, for capturing `tracing` output.
    struct BufferWriter(Arc<Mutex<Vec<u8>>>);

    impl io::Write for BufferWriter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn assert_secret_free(text: &str) {
        for secret in [
            CLIENT_SECRET,
            REFRESH_TOKEN,
            ROTATED_REFRESH_TOKEN,
            ACCESS_TOKEN,
        ] {
            assert!(!text.contains(secret), "{secret:?} appears in {text}");
        }
        for fragment in [
            "distinct-client-secret",
            "distinct-refresh",
            "distinct-access",
            "distinct-rotated",
        ] {
            assert!(!text.contains(fragment), "{fragment:?} appears in {text}");
        }
    }
}
