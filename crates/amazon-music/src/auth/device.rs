//! Login with Amazon's device flow ("code-based linking"): the login for apps without a
//! browser, such as a CLI or a TV.
//!
//! This flow is LWA's own rather than RFC 8628's: its code-pair request takes
//! `response_type=device_code` (not RFC 8628's device authorization request), and its token
//! request takes `grant_type=device_code` (not `urn:ietf:params:oauth:grant-type:device_code`)
//! and the `user_code` as well. The polling follows RFC 8628's rules: wait `interval` between
//! requests, add five seconds to it on `slow_down` (for good: a later
//! [`poll`](DeviceAuthorization::poll) keeps it), back off and go on after a failure that
//! [`retry::classify`] deems worth another try (section 3.5), stop on
//! `expired_token`, on `access_denied` or when the code's lifetime is over.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use tracing::debug;
use url::Url;

use super::advice::{self, is_transient_code, refusal};
use super::exchange::{decode, post_form, read_tokens};
use super::settings::{EndpointConfig, parse_url, required_scopes, setters};
use super::{Redacted, Tokens};
use crate::retry::{self, exponential_backoff};
use crate::{Error, Result};

/// How long to wait between polls when the code pair does not say: five seconds (RFC 8628).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// The shortest wait between polls, whatever the code pair says: one second.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// How much longer to wait between polls after a `slow_down`: five seconds (RFC 8628).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The longest wait between polls while backing off after failures: one minute.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The device flow's settings; [`start`](Self::start) begins a login.
///
/// [`start`](Self::start) asks for a code pair; the user opens
/// [`verification_uri`](DeviceAuthorization::verification_uri) on another device and enters
/// [`user_code`](DeviceAuthorization::user_code), while [`DeviceAuthorization::poll`] asks the
/// token endpoint, every `interval`, whether they have, until it issues [`Tokens`] or the code
/// expires. The code-pair and token endpoints are the region's
/// ([`LwaRegion`](super::LwaRegion)).
///
/// `Debug` shows no secret.
///
/// ```no_run
/// use amazon_music::auth::{DeviceLogin, scopes};
///
/// # async fn run() -> amazon_music::Result<()> {
/// let login = DeviceLogin::builder()
///     .client_id("amzn1.application-oa2-client.0123")
///     .scope(scopes::CATALOG)
///     .build()?;
/// let authorization = login.start().await?;
/// println!(
///     "Open {} and enter {}",
///     authorization.verification_uri(),
///     authorization.user_code()
/// );
/// let tokens = authorization.poll().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct DeviceLogin {
    client_id: String,
    scope: String,
    codepair_url: Url,
    token_url: Url,
    http: reqwest::Client,
}

impl DeviceLogin {
    /// A builder; the client ID and at least one scope are required.
    pub fn builder() -> DeviceLoginBuilder {
        DeviceLoginBuilder::default()
    }

    /// Asks for a code pair: the code the user enters, and where.
    ///
    /// The code's lifetime starts when this request is sent.
    ///
    /// # Errors
    /// [`Error::Auth`] when the code-pair endpoint fails or refuses (e.g. `invalid_client`).
    pub async fn start(&self) -> Result<DeviceAuthorization> {
        let requested_at = Instant::now();
        let form = [
            ("response_type", "device_code"),
            ("client_id", self.client_id.as_str()),
            ("scope", self.scope.as_str()),
        ];
        let (status, body) = post_form(&self.http, &self.codepair_url, &form)
            .await
            .map_err(advice::http_error)?;
        if !status.is_success() {
            return Err(refusal(&body, &[]));
        }
        let pair: CodePair = decode(&body, "code pair")?;
        let interval = pair
            .interval
            .map_or(DEFAULT_INTERVAL, Duration::from_secs)
            .max(MIN_INTERVAL);
        let expires_in = Duration::from_secs(pair.expires_in);
        debug!(
            expires_in_secs = expires_in.as_secs(),
            interval_secs = interval.as_secs(),
            "got a device code pair"
        );
        Ok(DeviceAuthorization {
            user_code: pair.user_code,
            verification_uri: pair.verification_uri,
            expires_in,
            interval: Mutex::new(interval),
            device_code: SecretString::from(pair.device_code),
            deadline: requested_at + expires_in,
            token_url: self.token_url.clone(),
            http: self.http.clone(),
        })
    }
}

impl fmt::Debug for DeviceLogin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("DeviceLogin")
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("codepair_url", &self.codepair_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// A started device login: what to show the user, and the polling that waits for them.
///
/// `Debug` shows the user code and the verification URI, not the device code.
pub struct DeviceAuthorization {
    user_code: String,
    verification_uri: String,
    expires_in: Duration,
    /// The wait between polls: the code pair's, plus the `slow_down` steps so far.
    interval: Mutex<Duration>,
    device_code: SecretString,
    deadline: Instant,
    token_url: Url,
    http: reqwest::Client,
}

impl DeviceAuthorization {
    /// The code the user enters at [`verification_uri`](Self::verification_uri).
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// Where the user enters the code, e.g. `https://amazon.com/us/code`.
    pub fn verification_uri(&self) -> &str {
        &self.verification_uri
    }

    /// How long the code is valid, from when it was requested.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// How long [`poll`](Self::poll) waits between requests: the code pair's interval (at least
    /// one second), five seconds longer for each `slow_down` so far.
    pub fn interval(&self) -> Duration {
        *self.interval.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a `slow_down` step to the interval, for this poll and every later one.
    fn slow_down(&self) -> Duration {
        let mut interval = self.interval.lock().unwrap_or_else(PoisonError::into_inner);
        *interval += SLOW_DOWN_STEP;
        *interval
    }

    /// Waits for the user to enter the code, asking the token endpoint every
    /// [`interval`](Self::interval), and returns the tokens it then issues.
    ///
    /// Waits `interval` before each request; on `authorization_pending` waits again, on
    /// `slow_down` waits five seconds longer from then on (a later call keeps the longer
    /// interval). When a request fails in a way worth another try (a timeout, a connection
    /// failure, a 429, 500, 502, 503 or 504, `server_error` or `temporarily_unavailable`),
    /// waits twice as long for each such failure in a row (up to a minute, never less than the
    /// interval) and goes on (RFC 8628, section 3.5). Never runs past the code's lifetime.
    ///
    /// # Errors
    /// [`Error::Auth`]: "the code expired: start again" on `expired_token` or once the code's
    /// lifetime is over; on `access_denied` or any other refusal, naming the code.
    pub async fn poll(&self) -> Result<Tokens> {
        let mut wait = self.interval();
        // Failures worth another try in a row, which set the backoff.
        let mut failures = 0;
        loop {
            let wake = Instant::now() + wait;
            if wake >= self.deadline {
                tokio::time::sleep_until(self.deadline).await;
                debug!("the device code expired before the user entered it");
                return Err(expired());
            }
            tokio::time::sleep_until(wake).await;

            let form = [
                ("grant_type", "device_code"),
                ("device_code", self.device_code.expose_secret()),
                ("user_code", self.user_code.as_str()),
            ];
            let (status, body) = match post_form(&self.http, &self.token_url, &form).await {
                Ok(answer) => answer,
                Err(error) if retry::is_worth_retrying(error.attempt()) => {
                    failures += 1;
                    wait = self.backoff(failures);
                    debug!(
                        error = %error,
                        wait_secs = wait.as_secs(),
                        "the token endpoint failed; backing off and polling on"
                    );
                    continue;
                }
                Err(error) => return Err(advice::http_error(error)),
            };
            if status.is_success() {
                let tokens = read_tokens(&body)?;
                debug!("the user entered the device code; got tokens");
                return Ok(tokens);
            }
            let code = advice::oauth_error(&body).map(|error| error.error);
            match code.as_deref() {
                Some("authorization_pending") => {
                    failures = 0;
                    wait = self.interval();
                    debug!("the user has not entered the device code yet");
                }
                Some("slow_down") => {
                    failures = 0;
                    wait = self.slow_down();
                    debug!(
                        interval_secs = wait.as_secs(),
                        "the token endpoint asked to slow down; polling less often"
                    );
                }
                Some(code) if is_transient_code(code) => {
                    failures += 1;
                    wait = self.backoff(failures);
                    debug!(
                        wait_secs = wait.as_secs(),
                        "the token endpoint is having trouble; backing off and polling on"
                    );
                }
                _ => return Err(refusal(&body, &[self.device_code.expose_secret()])),
            }
        }
    }

    /// The wait after `failures` failures in a row: the interval doubled that many times, as
    /// the retry module's backoff computes it, up to a minute but never under the interval.
    fn backoff(&self, failures: u32) -> Duration {
        let interval = self.interval();
        exponential_backoff(interval, failures, MAX_BACKOFF).max(interval)
    }
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("DeviceAuthorization")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval())
            .field("device_code", &Redacted)
            .finish_non_exhaustive()
    }
}

/// Configures a [`DeviceLogin`].
#[derive(Debug, Default)]
pub struct DeviceLoginBuilder {
    endpoint: EndpointConfig,
    codepair_url: Option<String>,
}

impl DeviceLoginBuilder {
    setters!(endpoint, scopes);

    /// The code-pair endpoint, in place of the region's
    /// ([`LwaRegion::codepair_url`](super::LwaRegion::codepair_url)).
    pub fn codepair_url(mut self, url: impl Into<String>) -> Self {
        self.codepair_url = Some(url.into());
        self
    }

    /// The device flow's settings.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the client ID or every scope is missing, or a URL is not
    /// an `http` or `https` URL.
    pub fn build(mut self) -> Result<DeviceLogin> {
        let scopes = std::mem::take(&mut self.endpoint.scopes);
        let endpoint = self.endpoint.build()?;
        let scopes = required_scopes(scopes)?;
        let codepair_url = self
            .codepair_url
            .unwrap_or_else(|| endpoint.region.codepair_url().to_owned());
        Ok(DeviceLogin {
            client_id: endpoint.client_id,
            scope: scopes.join(" "),
            codepair_url: parse_url("code-pair URL", &codepair_url)?,
            token_url: endpoint.token_url,
            http: endpoint.http,
        })
    }
}

/// LWA's answer to a code-pair request.
#[derive(serde::Deserialize)]
struct CodePair {
    device_code: String,
    user_code: String,
    verification_uri: String,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

fn expired() -> Error {
    Error::auth("the code expired: start again", None)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::*;
    use crate::auth::LwaRegion;
    use crate::auth::scopes;
    use crate::auth::test_support::{catch_all, field, form, test_http_client, token_body};

    const DEVICE_CODE: &str = "distinct-device-code-6a6b";
    const ACCESS_TOKEN: &str = "Atza|device-distinct-access-token";
    const REFRESH_TOKEN: &str = "Atzr|device-distinct-refresh-token";

    /// Mounts a code-pair endpoint that gives codes valid for `expires_in` seconds, polled
    /// every five seconds.
    async fn codepair(server: &MockServer, expires_in: u64) {
        Mock::given(method("POST"))
            .and(path("/auth/o2/create/codepair"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "device_code": DEVICE_CODE,
                "user_code": "ABC123",
                "verification_uri": "https://amazon.com/us/code",
                "expires_in": expires_in,
                "interval": 5,
            })))
            .expect(1)
            .mount(server)
            .await;
    }

    /// Mounts a token endpoint that answers with `answers` in turn, then with the last one.
    async fn token_answers(server: &MockServer, answers: Vec<ResponseTemplate>) {
        let count = AtomicUsize::new(0);
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(move |_: &Request| {
                let n = count.fetch_add(1, Ordering::SeqCst);
                answers[n.min(answers.len() - 1)].clone()
            })
            .mount(server)
            .await;
        catch_all(server).await;
    }

    fn lwa_error(code: &str) -> ResponseTemplate {
        ResponseTemplate::new(400).set_body_json(json!({
            "error": code,
            "error_description": format!("{code} happened"),
        }))
    }

    fn tokens() -> ResponseTemplate {
        let mut body = token_body(ACCESS_TOKEN);
        body["refresh_token"] = json!(REFRESH_TOKEN);
        ResponseTemplate::new(200).set_body_json(body)
    }

    fn login(server: &MockServer) -> DeviceLogin {
        DeviceLogin::builder()
            .client_id("amzn1.application-oa2-client.test")
            .scopes([scopes::CATALOG, scopes::LIBRARY_READ])
            .codepair_url(format!("{}/auth/o2/create/codepair", server.uri()))
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap()
    }

    /// Asserts that `seconds` of paused time passed since `started`, give or take the
    /// timer's millisecond rounding.
    fn assert_waited(started: Instant, seconds: u64) {
        let elapsed = started.elapsed();
        let expected = Duration::from_secs(seconds);
        assert!(
            elapsed >= expected && elapsed < expected + Duration::from_millis(100),
            "waited {elapsed:?}, expected {expected:?}"
        );
    }

    async fn token_requests(server: &MockServer) -> Vec<Request> {
        server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|request| request.url.path() == "/auth/o2/token")
            .collect()
    }

    #[tokio::test]
    async fn start_asks_for_a_code_pair_with_the_fields_lwa_expects() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        catch_all(&server).await;
        let authorization = login(&server).start().await.unwrap();
        assert_eq!(authorization.user_code(), "ABC123");
        assert_eq!(
            authorization.verification_uri(),
            "https://amazon.com/us/code"
        );
        assert_eq!(authorization.expires_in(), Duration::from_secs(600));
        assert_eq!(authorization.interval(), Duration::from_secs(5));

        let requests = server.received_requests().await.unwrap();
        let mut fields = form(&requests[0]);
        fields.sort();
        let expected = [
            ("client_id", "amzn1.application-oa2-client.test"),
            ("response_type", "device_code"),
            ("scope", "music::catalog music::library:read"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        assert_eq!(fields, expected);
    }

    #[tokio::test]
    async fn poll_waits_through_pending_and_slow_down_then_returns_tokens() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![
                lwa_error("authorization_pending"),
                lwa_error("authorization_pending"),
                lwa_error("slow_down"),
                tokens(),
            ],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();

        let started = Instant::now();
        let tokens = authorization.poll().await.unwrap();
        // 5 s before each of the first three polls, then 10 s after the slow_down.
        assert_waited(started, 5 + 5 + 5 + 10);
        assert_eq!(tokens.access_token.expose_secret(), ACCESS_TOKEN);
        assert_eq!(tokens.refresh_token.unwrap().expose_secret(), REFRESH_TOKEN);
        assert_eq!(tokens.expires_in, Duration::from_secs(3600));

        let requests = token_requests(&server).await;
        assert_eq!(requests.len(), 4);
        for request in &requests {
            let mut names: Vec<_> = form(request).into_iter().map(|(key, _)| key).collect();
            names.sort();
            assert_eq!(names, ["device_code", "grant_type", "user_code"]);
            assert_eq!(field(request, "grant_type").unwrap(), "device_code");
            assert_eq!(field(request, "device_code").unwrap(), DEVICE_CODE);
            assert_eq!(field(request, "user_code").unwrap(), "ABC123");
        }
    }

    #[tokio::test]
    async fn interval_grows_by_five_seconds_with_each_slow_down() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![lwa_error("slow_down"), lwa_error("slow_down"), tokens()],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        let started = Instant::now();
        authorization.poll().await.unwrap();
        assert_waited(started, 5 + 10 + 15);
    }

    #[tokio::test]
    async fn poll_gives_up_when_the_code_expires() {
        let server = MockServer::start().await;
        codepair(&server, 30).await;
        token_answers(&server, vec![lwa_error("authorization_pending")]).await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();

        let started = Instant::now();
        let error = authorization.poll().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "authentication failed: the code expired: start again"
        );
        assert_waited(started, 30);
        // Polled at 5, 10, 15, 20 and 25 s; the next poll would have been at the deadline.
        assert_eq!(token_requests(&server).await.len(), 5);
    }

    #[tokio::test]
    async fn expired_token_answer_stops_polling() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![
                lwa_error("authorization_pending"),
                lwa_error("expired_token"),
            ],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        let error = authorization.poll().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(
            error.to_string().contains("the code expired: start again"),
            "{error}"
        );
        assert_eq!(token_requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn a_refusal_the_endpoint_does_not_explain_stops_polling() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![ResponseTemplate::new(400).set_body_string("<html>Bad request</html>")],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        let error = authorization.poll().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(!error.is_retryable(), "{error:?}");
        assert_eq!(token_requests(&server).await.len(), 1, "no second poll");
    }

    #[tokio::test]
    async fn access_denied_stops_polling_with_an_auth_error() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(&server, vec![lwa_error("access_denied")]).await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        let error = authorization.poll().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("access_denied"), "{error}");
        assert_eq!(token_requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn a_failing_token_endpoint_is_backed_off_and_polling_goes_on() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![
                ResponseTemplate::new(503),
                ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})),
                lwa_error("authorization_pending"),
                tokens(),
            ],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        let started = Instant::now();
        let tokens = authorization.poll().await.unwrap();
        // 5 s, then twice as long after each failure (10, 20), then the interval again (5).
        assert_waited(started, 5 + 10 + 20 + 5);
        assert_eq!(tokens.access_token.expose_secret(), ACCESS_TOKEN);
        assert_eq!(authorization.interval(), Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_transport_error_while_polling_backs_off_until_the_code_expires() {
        let server = MockServer::start().await;
        codepair(&server, 60).await;
        // A port nothing listens on any more.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let dead = format!("http://{}/auth/o2/token", listener.local_addr().unwrap());
        drop(listener);
        let authorization = DeviceLogin::builder()
            .client_id("amzn1.application-oa2-client.test")
            .scope(scopes::CATALOG)
            .codepair_url(format!("{}/auth/o2/create/codepair", server.uri()))
            .token_url(dead)
            .http_client(test_http_client())
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        tokio::time::pause();
        let started = Instant::now();
        let error = authorization.poll().await.unwrap_err();
        // Polled at 5, 15 and 35 s; the next at 75 s would be past the code's life.
        assert!(error.to_string().contains("the code expired"), "{error}");
        assert!(started.elapsed() <= Duration::from_secs(60));
    }

    #[tokio::test]
    async fn slow_down_lasts_into_the_next_poll() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        token_answers(
            &server,
            vec![lwa_error("slow_down"), lwa_error("access_denied"), tokens()],
        )
        .await;
        tokio::time::pause();
        let authorization = login(&server).start().await.unwrap();
        // The first poll ends (refused) after the slow_down: at 5 s, then 10 s later.
        let started = Instant::now();
        authorization.poll().await.unwrap_err();
        assert_waited(started, 5 + 10);
        assert_eq!(authorization.interval(), Duration::from_secs(10));
        // The next poll keeps the longer interval.
        let started = Instant::now();
        authorization.poll().await.unwrap();
        assert_waited(started, 10);
    }

    #[test]
    fn the_code_pair_endpoint_follows_the_region() {
        for (region, host) in [
            (LwaRegion::NorthAmerica, "api.amazon.com"),
            (LwaRegion::Europe, "api.amazon.co.uk"),
            (LwaRegion::FarEast, "api.amazon.co.jp"),
        ] {
            let login = DeviceLogin::builder()
                .client_id("c")
                .scope(scopes::CATALOG)
                .region(region)
                .build()
                .unwrap();
            assert_eq!(
                login.codepair_url.as_str(),
                format!("https://{host}/auth/o2/create/codepair")
            );
            assert_eq!(
                login.token_url.as_str(),
                format!("https://{host}/auth/o2/token")
            );
        }
    }

    #[tokio::test]
    async fn refused_code_pair_is_an_auth_error() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(lwa_error("invalid_client"))
            .mount(&server)
            .await;
        let error = login(&server).start().await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("invalid_client"), "{error}");

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user_code": "X"})))
            .mount(&server)
            .await;
        let error = login(&server).start().await.unwrap_err();
        assert!(
            error.to_string().contains("missing field `device_code`"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn polls_run_concurrently_each_with_its_own_clock() {
        // Two logins polled at once do not share state.
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/o2/create/codepair"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "device_code": DEVICE_CODE,
                "user_code": "ABC123",
                "verification_uri": "https://amazon.com/us/code",
                "expires_in": 600,
            })))
            .mount(&server)
            .await;
        token_answers(&server, vec![tokens()]).await;
        tokio::time::pause();
        let login = Arc::new(login(&server));
        let (first, second) = (login.start().await.unwrap(), login.start().await.unwrap());
        assert_eq!(first.interval(), DEFAULT_INTERVAL);
        let started = Instant::now();
        let (a, b) = tokio::join!(first.poll(), second.poll());
        a.unwrap();
        b.unwrap();
        assert_waited(started, 5);
    }

    #[test]
    fn logins_and_their_futures_can_move_between_threads() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: T) {}
        let login = DeviceLogin::builder()
            .client_id("c")
            .scope(scopes::CATALOG)
            .build()
            .unwrap();
        send_sync(&login);
        send(login.start());
        let _poll_is_send = |authorization: &DeviceAuthorization| send(authorization.poll());
        let pkce = crate::auth::PkceLogin::builder()
            .client_id("c")
            .redirect_uri("http://127.0.0.1/callback")
            .scope(scopes::CATALOG)
            .build()
            .unwrap();
        send_sync(&pkce);
        send(pkce.exchange("code", "state"));
        send(pkce.exchange_redirect("http://127.0.0.1/callback?code=c&state=s"));
    }

    #[test]
    fn build_refuses_missing_settings() {
        let error = DeviceLogin::builder()
            .scope(scopes::CATALOG)
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("client ID"), "{error}");
        let error = DeviceLogin::builder().client_id("c").build().unwrap_err();
        assert!(error.to_string().contains("scope"), "{error}");
        let error = DeviceLogin::builder()
            .client_id("c")
            .scope(scopes::CATALOG)
            .codepair_url("nope")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        let login = DeviceLogin::builder()
            .client_id("c")
            .scope(scopes::CATALOG)
            .region(LwaRegion::Europe)
            .build()
            .unwrap();
        let debug = format!("{login:?}");
        assert!(
            debug.contains("https://api.amazon.co.uk/auth/o2/create/codepair"),
            "the code pair follows the region: {debug}"
        );
        assert!(
            debug.contains("https://api.amazon.co.uk/auth/o2/token"),
            "{debug}"
        );
    }

    #[tokio::test]
    async fn debug_of_the_authorization_shows_no_device_code() {
        let server = MockServer::start().await;
        codepair(&server, 600).await;
        catch_all(&server).await;
        let authorization = login(&server).start().await.unwrap();
        let debug = format!("{authorization:?}");
        assert!(!debug.contains(DEVICE_CODE), "{debug}");
        assert!(debug.contains("ABC123"), "{debug}");
        assert!(debug.contains("device_code: [REDACTED]"), "{debug}");
    }
}
