//! Login with Amazon's refresh-token grant as a [`TokenSource`], and the token-endpoint
//! plumbing that [`pkce`](super::pkce) and [`device`](super::device) share.
//!
//! The grant itself goes through the `oauth2` crate (`BasicClient` with
//! `AuthType::RequestBody`, `exchange_refresh_token`, its token and error response types),
//! over this crate's own `reqwest` client through a small adapter ([`execute`]): `oauth2`'s
//! `reqwest` feature is for another `reqwest` version. The adapter reads at most
//! [`MAX_BODY`] bytes of a response and turns an error status without an OAuth error body
//! (a 5xx page, a proxy's 404) into an error of its own, since `oauth2` would report it as an
//! unreadable body and lose the status.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, RefreshToken, RequestTokenError, TokenResponse, TokenUrl,
};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use tracing::debug;

use super::cache::{DEFAULT_REFRESH_AHEAD, TokenCache};
use super::{AccessToken, Redacted, TokenSource, Tokens};
use crate::{Error, Result};

/// The most of a token-endpoint response that is read: 64 KiB.
pub(super) const MAX_BODY: usize = 64 * 1024;

/// How long an access token is assumed to live when the endpoint does not say: one hour,
/// LWA's documented lifetime.
pub(super) const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// Where a Login with Amazon account lives, which selects the token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LwaRegion {
    /// North America: `https://api.amazon.com/auth/o2/token` (the default).
    #[default]
    NorthAmerica,
    /// Europe: `https://api.amazon.co.uk/auth/o2/token`.
    Europe,
    /// Far East: `https://api.amazon.co.jp/auth/o2/token`.
    FarEast,
}

impl LwaRegion {
    /// The region's token endpoint.
    pub fn token_url(self) -> &'static str {
        match self {
            Self::NorthAmerica => "https://api.amazon.com/auth/o2/token",
            Self::Europe => "https://api.amazon.co.uk/auth/o2/token",
            Self::FarEast => "https://api.amazon.co.jp/auth/o2/token",
        }
    }
}

/// Access tokens from Login with Amazon's refresh-token grant, cached and refreshed ahead of
/// expiry.
///
/// A token is refreshed when it is due (by default five minutes before it expires, or half
/// way through its life if it lives less than ten minutes), and once more when the API
/// rejects it: however many calls report the same rejected token at once, one request goes to
/// the token endpoint and they all get its answer. If the endpoint sends a new refresh token,
/// it is used from then on ([`refresh_token`](Self::refresh_token) gives the current one, to
/// store).
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
///     .build()?;
/// let token = source.token().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct LwaTokenSource {
    inner: Arc<Inner>,
}

struct Inner {
    client_id: String,
    client_secret: Option<SecretString>,
    /// The refresh token to use next; replaced when the endpoint rotates it.
    refresh_token: Mutex<SecretString>,
    token_url: TokenUrl,
    http: reqwest::Client,
    cache: TokenCache,
}

impl LwaTokenSource {
    /// A builder; the client ID, client secret and refresh token are required.
    pub fn builder() -> LwaTokenSourceBuilder {
        LwaTokenSourceBuilder::default()
    }

    /// The refresh token in use: the one configured, or the last one the endpoint sent.
    pub fn refresh_token(&self) -> SecretString {
        self.inner.current_refresh_token()
    }

    /// Asks the token endpoint for a new access token with the refresh-token grant.
    async fn fetch(&self) -> Result<(AccessToken, Duration)> {
        let inner = &*self.inner;
        let refresh_token = inner.current_refresh_token();
        let client = BasicClient::new(ClientId::new(inner.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(inner.token_url.clone());
        // Public clients (the device flow's) have no secret: LWA refreshes their tokens
        // with the client ID alone.
        let client = match &inner.client_secret {
            Some(secret) => {
                client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
            }
            None => client,
        };
        let grant = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let http = adapter(&inner.http);
        let response = client
            .exchange_refresh_token(&grant)
            .request_async(&http)
            .await
            .map_err(|error| {
                let secret = inner
                    .client_secret
                    .as_ref()
                    .map(ExposeSecret::expose_secret);
                token_error(
                    error,
                    &[secret.unwrap_or_default(), refresh_token.expose_secret()],
                )
            })?;
        let tokens = tokens_from(&response);
        let rotated = match tokens.refresh_token {
            Some(new) if new.expose_secret() != refresh_token.expose_secret() => {
                *inner
                    .refresh_token
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = new;
                true
            }
            _ => false,
        };
        debug!(
            expires_in_secs = tokens.expires_in.as_secs(),
            refresh_token_rotated = rotated,
            "the token endpoint issued a new access token"
        );
        Ok((tokens.access_token, tokens.expires_in))
    }
}

impl Inner {
    fn current_refresh_token(&self) -> SecretString {
        self.refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
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
            .field("client_id", &inner.client_id)
            .field("client_secret", &Redacted)
            .field("refresh_token", &Redacted)
            .field("token_url", &inner.token_url.as_str())
            .field("cache", &inner.cache)
            .finish_non_exhaustive()
    }
}

/// Configures an [`LwaTokenSource`].
///
/// `Debug` shows no secret.
#[derive(Default)]
pub struct LwaTokenSourceBuilder {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    refresh_token: Option<SecretString>,
    region: LwaRegion,
    token_url: Option<String>,
    refresh_ahead: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl LwaTokenSourceBuilder {
    /// The security profile's client ID (`amzn1.application-oa2-client...`). Required.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The security profile's client secret; omit it for tokens from the device flow, whose
    /// refresh needs only the client ID.
    pub fn client_secret(mut self, client_secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// The refresh token (`Atzr|...`) from a login, e.g. [`Tokens::refresh_token`]. Required.
    pub fn refresh_token(mut self, refresh_token: impl Into<SecretString>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// The region whose token endpoint to use; default [`LwaRegion::NorthAmerica`].
    /// [`token_url`](Self::token_url) overrides it.
    pub fn region(mut self, region: LwaRegion) -> Self {
        self.region = region;
        self
    }

    /// The token endpoint, in place of the region's (e.g. a local mock server).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// How long before expiry a token is refreshed; default five minutes. A token that lives
    /// less than twice this is refreshed half way through its life.
    pub fn refresh_ahead(mut self, margin: Duration) -> Self {
        self.refresh_ahead = Some(margin);
        self
    }

    /// The HTTP client for the token endpoint; by default a new one with a 10 s connect
    /// timeout, a 30 s total timeout and no redirects. The client's timeouts bound every
    /// token request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The token source.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the client ID or refresh token is missing
    /// or empty, or the token URL is not an `http` or `https` URL.
    pub fn build(self) -> Result<LwaTokenSource> {
        let client_id = required("client ID", self.client_id)?;
        let client_secret = self
            .client_secret
            .filter(|secret| !secret.expose_secret().trim().is_empty());
        let refresh_token = required_secret("refresh token", self.refresh_token)?;
        let token_url = self
            .token_url
            .unwrap_or_else(|| self.region.token_url().to_owned());
        let token_url = parse_token_url(&token_url)?;
        let http = http_client_or_default(self.http)?;
        Ok(LwaTokenSource {
            inner: Arc::new(Inner {
                client_id,
                client_secret,
                refresh_token: Mutex::new(refresh_token),
                token_url,
                http,
                cache: TokenCache::new(self.refresh_ahead.unwrap_or(DEFAULT_REFRESH_AHEAD)),
            }),
        })
    }
}

impl fmt::Debug for LwaTokenSourceBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LwaTokenSourceBuilder")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| Redacted),
            )
            .field("region", &self.region)
            .field("token_url", &self.token_url)
            .field("refresh_ahead", &self.refresh_ahead)
            .finish_non_exhaustive()
    }
}

/// A required, non-empty setting.
pub(super) fn required(name: &str, value: Option<String>) -> Result<String> {
    match value {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(Error::invalid_request(format!("the {name} is required"))),
    }
}

/// A required, non-empty secret.
pub(super) fn required_secret(name: &str, value: Option<SecretString>) -> Result<SecretString> {
    match value {
        Some(value) if !value.expose_secret().trim().is_empty() => Ok(value),
        _ => Err(Error::invalid_request(format!("the {name} is required"))),
    }
}

/// An endpoint URL, which must be `http` or `https`.
pub(super) fn parse_url(name: &str, url: &str) -> Result<oauth2::url::Url> {
    let parsed = oauth2::url::Url::parse(url).map_err(|error| {
        Error::invalid_request(format!("the {name} {url:?} is not a URL: {error}"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid_request(format!(
            "the {name} {url:?} is not an http or https URL"
        )));
    }
    Ok(parsed)
}

pub(super) fn parse_token_url(url: &str) -> Result<TokenUrl> {
    Ok(TokenUrl::from_url(parse_url("token URL", url)?))
}

/// The HTTP client for the token endpoints: `given`, or by default one with 10 s to connect,
/// 30 s in all and no redirects (a token request is never sent on to another host).
pub(super) fn http_client_or_default(given: Option<reqwest::Client>) -> Result<reqwest::Client> {
    if let Some(client) = given {
        return Ok(client);
    }
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::DEFAULT_USER_AGENT)
        .build()
        .map_err(|error| {
            Error::invalid_request(format!(
                "could not set up the HTTP client for the token endpoint: {error}"
            ))
        })
}

/// The scopes to ask for, blank ones dropped; at least one is required.
pub(super) fn required_scopes(scopes: Vec<String>) -> Result<Vec<String>> {
    let scopes: Vec<String> = scopes
        .into_iter()
        .filter(|scope| !scope.trim().is_empty())
        .collect();
    if scopes.is_empty() {
        return Err(Error::invalid_request(
            "at least one scope is required, e.g. music::catalog",
        ));
    }
    Ok(scopes)
}

/// Why a token-endpoint request failed before an OAuth answer could be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum HttpError {
    /// The request could not be built, sent or answered.
    #[error(transparent)]
    Send(#[from] reqwest::Error),
    /// The endpoint answered an error status without an OAuth error body.
    #[error("the token endpoint answered HTTP {0} without an OAuth error")]
    Status(StatusCode),
    /// The response was longer than [`MAX_BODY`].
    #[error("the token endpoint's response is longer than {MAX_BODY} bytes")]
    TooLarge,
    /// The response could not be handed to `oauth2`.
    #[error("the token endpoint's response could not be read: {0}")]
    Response(#[from] http::Error),
}

/// `oauth2`'s async HTTP client, over `client`.
pub(super) fn adapter(
    client: &reqwest::Client,
) -> impl Fn(
    oauth2::HttpRequest,
) -> BoxFuture<'static, std::result::Result<oauth2::HttpResponse, HttpError>> {
    let client = client.clone();
    move |request| {
        let client = client.clone();
        Box::pin(async move { execute(&client, request).await })
    }
}

/// Sends one `oauth2` request with `client`.
///
/// # Errors
/// [`HttpError`] when the request fails, the body is too long, or an error status comes
/// without an OAuth error body (`{"error": "..."}`); an OAuth error body is passed on for
/// `oauth2` to read.
pub(super) async fn execute(
    client: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, HttpError> {
    let request = reqwest::Request::try_from(request)?;
    let response = client.execute(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_body(response).await?;
    if !status.is_success() && oauth_error(&body).is_none() {
        return Err(HttpError::Status(status));
    }
    let mut builder = http::Response::builder().status(status);
    if let Some(map) = builder.headers_mut() {
        *map = headers;
    }
    Ok(builder.body(body)?)
}

/// POSTs `form` to `url`, for the requests `oauth2` does not make.
///
/// # Errors
/// As [`execute`], except that an error status with an OAuth error body is returned as it
/// is, for the caller to read.
pub(super) async fn post_form(
    client: &reqwest::Client,
    url: &oauth2::url::Url,
    form: &[(&str, &str)],
) -> std::result::Result<(StatusCode, Vec<u8>), HttpError> {
    let response = client
        .post(url.clone())
        .header(http::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await?;
    let status = response.status();
    let body = read_body(response).await?;
    if !status.is_success() && oauth_error(&body).is_none() {
        return Err(HttpError::Status(status));
    }
    Ok((status, body))
}

/// Reads a body of at most [`MAX_BODY`] bytes.
async fn read_body(mut response: reqwest::Response) -> std::result::Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An OAuth 2.0 error body: `{"error": "invalid_grant", "error_description": "..."}`.
#[derive(serde::Deserialize)]
pub(super) struct OAuthError {
    pub(super) error: String,
    #[serde(default)]
    pub(super) error_description: Option<String>,
}

pub(super) fn oauth_error(body: &[u8]) -> Option<OAuthError> {
    serde_json::from_slice(body).ok()
}

/// What an LWA error code means, and what to do about it.
fn advice(code: &str) -> &'static str {
    match code {
        "invalid_grant" => {
            "the refresh token, code or device code was revoked, has expired or belongs to \
             another client: log in again"
        }
        "invalid_client" => {
            "the client ID or client secret is wrong: check the security profile's credentials"
        }
        "unauthorized_client" => {
            "this client may not use this grant: check the security profile's settings"
        }
        "invalid_request" => "the token request is malformed or misses a parameter",
        "invalid_scope" => "a requested scope is unknown or not allowed for this client",
        "unsupported_grant_type" => "the token endpoint does not accept this grant",
        "access_denied" => "the user or the server denied the request",
        "expired_token" => "the code expired: start again",
        "server_error" | "temporarily_unavailable" => {
            "Login with Amazon is having trouble: try again later"
        }
        _ => "Login with Amazon refused the request",
    }
}

/// An [`Error::Auth`] for an OAuth error answer, naming the code, what to do, and the
/// server's description (with any of `secrets` blanked out).
pub(super) fn endpoint_error(code: &str, description: Option<&str>, secrets: &[&str]) -> Error {
    let mut message = format!("the token endpoint answered {code}: {}", advice(code));
    if let Some(description) = description.filter(|text| !text.is_empty()) {
        let description: String = description.chars().take(200).collect();
        message.push_str(&format!(" (it said: {:?})", scrub(&description, secrets)));
    }
    Error::auth(message, None)
}

/// `text` with every non-empty `secret` in it replaced by `[REDACTED]`.
fn scrub(text: &str, secrets: &[&str]) -> String {
    secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .fold(text.to_owned(), |text, secret| {
            text.replace(secret, "[REDACTED]")
        })
}

/// An [`Error::Auth`] for an HTTP failure on the way to a token endpoint.
pub(super) fn http_error(error: HttpError) -> Error {
    let message = match &error {
        HttpError::Send(error) if error.is_timeout() => {
            "the token endpoint did not answer in time: try again later"
        }
        HttpError::Send(error) if error.is_connect() => {
            "could not connect to the token endpoint: check the network and the token URL"
        }
        HttpError::Send(_) => "the request to the token endpoint failed: try again later",
        HttpError::Status(status) if status.is_server_error() => {
            "Login with Amazon is having trouble: try again later"
        }
        HttpError::Status(_) => "the token endpoint refused the request: check the token URL",
        HttpError::TooLarge | HttpError::Response(_) => {
            "the token endpoint's answer is not a token response: check the token URL"
        }
    };
    Error::auth(message, Some(Box::new(error)))
}

/// An [`Error::Auth`] for a failed `oauth2` token request.
pub(super) fn token_error(
    error: RequestTokenError<HttpError, BasicErrorResponse>,
    secrets: &[&str],
) -> Error {
    match error {
        RequestTokenError::ServerResponse(response) => endpoint_error(
            response.error().as_ref(),
            response.error_description().map(String::as_str),
            secrets,
        ),
        RequestTokenError::Request(error) => http_error(error),
        RequestTokenError::Parse(error, _body) => {
            unreadable("token response", error.inner(), &error.path().to_string())
        }
        RequestTokenError::Other(reason) => Error::auth(
            format!(
                "the token endpoint's answer is not a token response ({}): check the token URL",
                scrub(&reason, secrets)
            ),
            None,
        ),
    }
}

/// An [`Error::Auth`] for an endpoint's answer that is not the `what` expected.
///
/// The body is left out (a token response holds secrets), and so is the parser's message
/// unless it names a missing field (other messages may quote a value): only the kind of
/// problem and where reading stopped show.
pub(super) fn unreadable(what: &str, error: &serde_json::Error, path: &str) -> Error {
    let reason = error.to_string();
    let reason = if reason.starts_with("missing field") {
        reason
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned()
    } else {
        match error.classify() {
            serde_json::error::Category::Io => "could not be read",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "the JSON ends early",
        }
        .to_owned()
    };
    Error::auth(
        format!("the endpoint's answer is not a {what} ({reason} at `{path}`): check the URL"),
        None,
    )
}

/// The tokens in an `oauth2` token response.
pub(super) fn tokens_from(response: &BasicTokenResponse) -> Tokens {
    Tokens {
        access_token: AccessToken::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|token| SecretString::from(token.secret().clone())),
        expires_in: response.expires_in().unwrap_or(DEFAULT_EXPIRES_IN),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::error::Error as _;
    use std::io;

    use serde_json::json;
    use wiremock::matchers::{body_string_contains, method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    use super::*;

    pub(in crate::auth) const CLIENT_SECRET: &str = "distinct-client-secret-7f3a";
    const REFRESH_TOKEN: &str = "Atzr|distinct-refresh-token-91bc";
    const ROTATED_REFRESH_TOKEN: &str = "Atzr|distinct-rotated-refresh-token-2d4e";
    const ACCESS_TOKEN: &str = "Atza|distinct-access-token-55aa";

    /// A client with no timeouts and no idle-connection timer, so that a paused clock only
    /// moves when a test moves it.
    pub(in crate::auth) fn test_http_client() -> reqwest::Client {
        reqwest::Client::builder()
            .pool_idle_timeout(None)
            .build()
            .unwrap()
    }

    /// The decoded form fields of a request.
    pub(in crate::auth) fn form(request: &Request) -> Vec<(String, String)> {
        oauth2::url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect()
    }

    pub(in crate::auth) fn field(request: &Request, name: &str) -> Option<String> {
        form(request)
            .into_iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    }

    pub(in crate::auth) fn token_body(access_token: &str) -> serde_json::Value {
        json!({"access_token": access_token, "token_type": "bearer", "expires_in": 3600})
    }

    /// Answers every request no other mock matched with a 599 that names it.
    pub(in crate::auth) async fn catch_all(server: &MockServer) {
        Mock::given(wiremock::matchers::any())
            .respond_with(|request: &Request| {
                ResponseTemplate::new(599).set_body_string(format!(
                    "{} {} was not expected",
                    request.method, request.url
                ))
            })
            .with_priority(u8::MAX)
            .mount(server)
            .await;
    }

    fn source(server: &MockServer) -> LwaTokenSource {
        LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap()
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

    #[tokio::test]
    async fn token_is_refreshed_once_past_expiry_minus_the_margin() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = source(&server);
        tokio::time::pause();
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_secs(3600 - 300 - 1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
    }

    #[tokio::test]
    async fn refresh_ahead_margin_is_configurable() {
        let server = MockServer::start().await;
        numbered_tokens(&server, 2).await;
        let source = LwaTokenSource::builder()
            .client_id("amzn1.application-oa2-client.test")
            .client_secret(CLIENT_SECRET)
            .refresh_token(REFRESH_TOKEN)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .refresh_ahead(Duration::from_secs(60))
            .build()
            .unwrap();
        tokio::time::pause();
        source.token().await.unwrap();
        tokio::time::advance(Duration::from_secs(3600 - 61)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-1");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(source.token().await.unwrap().expose_secret(), "token-2");
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
    pub(in crate::auth) struct BufferWriter(pub(in crate::auth) Arc<Mutex<Vec<u8>>>);

    impl io::Write for BufferWriter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// An error's `Display` and that of every cause, one per line.
    pub(in crate::auth) fn error_chain(error: &Error) -> String {
        let mut chain = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            chain.push('\n');
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        chain
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
