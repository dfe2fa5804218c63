//! The token-endpoint plumbing that the LWA token source, [`pkce`](super::pkce) and
//! [`device`](super::device) share: the endpoints' settings (client ID, region, token URL, HTTP
//! client), the requests, and the errors.
//!
//! Token requests go through the `oauth2` crate where it fits (the refresh and authorization
//! code grants) over this crate's own `reqwest` client, through a small adapter ([`execute`]):
//! `oauth2`'s `reqwest` feature is for another `reqwest` version. The adapter reads at most
//! [`MAX_BODY`] bytes of a response and turns an error status without an OAuth error body (a
//! 5xx page, a proxy's 404) into an error of its own, since `oauth2` would report it as an
//! unreadable body and lose the status. The device flow's requests, which `oauth2` does not
//! make in LWA's form, go through [`post_form`].
//!
//! A failure that trying again may mend (the endpoint timed out, could not be reached,
//! answered 5xx, `server_error` or `temporarily_unavailable`) is an [`Error::Auth`] marked
//! retryable; a refusal is not.

use std::time::Duration;

use futures_util::future::BoxFuture;
use oauth2::basic::{BasicErrorResponse, BasicTokenResponse};
use oauth2::{RequestTokenError, TokenResponse, TokenUrl};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};

use super::{AccessToken, Tokens};
use crate::{Error, Result};

/// The most of a token-endpoint response that is read: 64 KiB.
pub(super) const MAX_BODY: usize = 64 * 1024;

/// How long an access token is assumed to live when the endpoint does not say: one hour,
/// LWA's documented lifetime.
pub(super) const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// Where a Login with Amazon account lives, which selects the token and code-pair endpoints.
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

    /// The region's code-pair endpoint, where a [device](super::device) login starts.
    pub fn codepair_url(self) -> &'static str {
        match self {
            Self::NorthAmerica => "https://api.amazon.com/auth/o2/create/codepair",
            Self::Europe => "https://api.amazon.co.uk/auth/o2/create/codepair",
            Self::FarEast => "https://api.amazon.co.jp/auth/o2/create/codepair",
        }
    }
}

/// The endpoint settings the three builders share: the client ID, the region, the token URL
/// that overrides the region's, and the HTTP client.
#[derive(Clone, Default)]
pub(super) struct EndpointConfig {
    pub(super) client_id: Option<String>,
    pub(super) region: LwaRegion,
    pub(super) token_url: Option<String>,
    pub(super) http: Option<reqwest::Client>,
}

/// [`EndpointConfig`], checked: what a token request needs.
#[derive(Clone)]
pub(super) struct Endpoint {
    pub(super) client_id: String,
    pub(super) region: LwaRegion,
    pub(super) token_url: TokenUrl,
    pub(super) http: reqwest::Client,
}

impl EndpointConfig {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the client ID is missing or blank, or the token URL is not
    /// an `http` or `https` URL.
    pub(super) fn build(self) -> Result<Endpoint> {
        let client_id = required("client ID", self.client_id)?;
        let token_url = self
            .token_url
            .unwrap_or_else(|| self.region.token_url().to_owned());
        Ok(Endpoint {
            client_id,
            region: self.region,
            token_url: parse_token_url(&token_url)?,
            http: http_client_or_default(self.http)?,
        })
    }
}

impl std::fmt::Debug for EndpointConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EndpointConfig")
            .field("client_id", &self.client_id)
            .field("region", &self.region)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// The setters of [`EndpointConfig`], for a builder with an `endpoint` field.
macro_rules! endpoint_setters {
    () => {
        /// The security profile's client ID (`amzn1.application-oa2-client...`). Required.
        pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
            self.endpoint.client_id = Some(client_id.into());
            self
        }

        /// The region whose endpoints to use; default
        /// [`LwaRegion::NorthAmerica`](crate::auth::LwaRegion::NorthAmerica).
        /// [`token_url`](Self::token_url) overrides it.
        pub fn region(mut self, region: $crate::auth::LwaRegion) -> Self {
            self.endpoint.region = region;
            self
        }

        /// The token endpoint, in place of the region's (e.g. a local mock server).
        pub fn token_url(mut self, url: impl Into<String>) -> Self {
            self.endpoint.token_url = Some(url.into());
            self
        }

        /// The HTTP client for the endpoints; by default a new one with a 10 s connect timeout,
        /// a 30 s total timeout and no redirects (so no secret follows a redirect). A client
        /// given here keeps its own redirect policy: build it with
        /// `reqwest::redirect::Policy::none()`.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.endpoint.http = Some(client);
            self
        }
    };
}
pub(super) use endpoint_setters;

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
    crate::http_client_builder()?
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
    if matches!(code, "server_error" | "temporarily_unavailable") {
        Error::auth_transient(message, None)
    } else {
        Error::auth(message, None)
    }
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

/// Whether trying again later may mend `error`: a request that failed on the way (timeout,
/// connection) or an answer of 429 or 5xx.
pub(super) fn is_transient(error: &HttpError) -> bool {
    match error {
        HttpError::Send(_) => true,
        HttpError::Status(status) => {
            status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
        }
        HttpError::TooLarge | HttpError::Response(_) => false,
    }
}

/// An [`Error::Auth`] for an HTTP failure on the way to a token endpoint, retryable when it is
/// [transient](is_transient).
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
        HttpError::Status(StatusCode::TOO_MANY_REQUESTS) => {
            "Login with Amazon is rate limiting this client: try again later"
        }
        HttpError::Status(_) => "the token endpoint refused the request: check the token URL",
        HttpError::TooLarge | HttpError::Response(_) => {
            "the token endpoint's answer is not a token response: check the token URL"
        }
    };
    if is_transient(&error) {
        Error::auth_transient(message, Some(Box::new(error)))
    } else {
        Error::auth(message, Some(Box::new(error)))
    }
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
