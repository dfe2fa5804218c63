//! The HTTP exchange with LWA's endpoints: one form POST ([`post_form`]) for every request the
//! logins make, its answer read to at most [`MAX_BODY`] bytes, and the one token response
//! every grant answers with.
//!
//! An error status without an OAuth error body (a 5xx page, a proxy's 404) is an
//! [`HttpError::Status`], so that its status is not lost; an OAuth error body is handed back for
//! the caller to read (the device flow reads `authorization_pending` and `slow_down` itself).

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::advice::{self, HttpError, MAX_BODY, unreadable};
use super::settings::Endpoint;
use super::{AccessToken, Tokens};
use crate::Result;

/// How long an access token is assumed to live when the endpoint does not say: one hour,
/// LWA's documented lifetime.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// POSTs `form` to `url`, asking for JSON.
///
/// # Errors
/// [`HttpError`] when the request fails, the body is too long, or an error status comes
/// without an OAuth error body (`{"error": "..."}`); an error status with one is returned as
/// it is, for the caller to read.
pub(super) async fn post_form(
    client: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
) -> std::result::Result<(StatusCode, Vec<u8>), HttpError> {
    let response = client
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await?;
    let status = response.status();
    let body = read_body(response).await?;
    if !status.is_success() && advice::oauth_error(&body).is_none() {
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

impl Endpoint {
    /// Asks the token endpoint for tokens with `grant` (the grant type and its fields), the
    /// client ID and, where there is one, the client secret (in the body: LWA takes no Basic
    /// auth). `secrets` are the grant's own secrets, blanked out of any error with the client
    /// secret.
    ///
    /// # Errors
    /// [`Error::Auth`](crate::Error::Auth): retryable when the request failed on the way or
    /// the endpoint is having trouble, as [`retry::classify`](crate::retry::classify) judges;
    /// otherwise a refusal or an answer that is not a token response.
    pub(super) async fn request_tokens(
        &self,
        grant: &[(&str, &str)],
        secrets: &[&str],
    ) -> Result<Tokens> {
        let mut form = grant.to_vec();
        form.push(("client_id", &self.client_id));
        let mut secrets = secrets.to_vec();
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose_secret()));
            secrets.push(secret.expose_secret());
        }
        let (status, body) = post_form(&self.http, &self.token_url, &form)
            .await
            .map_err(advice::http_error)?;
        if !status.is_success() {
            return Err(advice::refusal(&body, &secrets));
        }
        read_tokens(&body)
    }
}

/// The one answer every grant gets when it succeeds (RFC 6749, section 5.1).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Required by RFC 6749 (and always `bearer` from LWA); its value is not checked.
    #[serde(rename = "token_type")]
    _token_type: serde::de::IgnoredAny,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

/// The tokens in a successful token response.
///
/// # Errors
/// [`Error::Auth`](crate::Error::Auth) when `body` is not a token response; the error quotes
/// none of it.
pub(super) fn read_tokens(body: &[u8]) -> Result<Tokens> {
    let response: TokenResponse = decode(body, "token response")?;
    Ok(Tokens {
        access_token: AccessToken::new(response.access_token),
        refresh_token: response.refresh_token.map(SecretString::from),
        expires_in: response
            .expires_in
            .map_or(DEFAULT_EXPIRES_IN, Duration::from_secs),
    })
}

/// Decodes an endpoint's answer, without quoting it in the error.
///
/// # Errors
/// [`Error::Auth`](crate::Error::Auth) naming `what` was expected and where reading stopped.
pub(super) fn decode<T: serde::de::DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| unreadable(what, error.inner(), &error.path().to_string()))
}
