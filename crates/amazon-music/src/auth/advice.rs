//! What LWA's refusals and failures mean: each becomes an [`Error::Auth`] that names what
//! happened and what to do, marked retryable when [`retry::classify`] says trying again may
//! mend it, and free of the secrets the request carried.

use reqwest::StatusCode;

use crate::Error;
use crate::retry::{self, Attempt};

/// The most of an endpoint's response that is read: 64 KiB.
pub(super) const MAX_BODY: usize = 64 * 1024;

/// Why an endpoint request failed before an OAuth answer could be read.
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
}

impl HttpError {
    /// What the failure was, for [`retry::classify`](crate::retry::classify) to judge.
    pub(super) fn attempt(&self) -> Attempt {
        match self {
            Self::Send(error) if error.is_timeout() => Attempt::Timeout,
            Self::Send(_) => Attempt::Connection,
            Self::Status(status) => Attempt::Status {
                status: status.as_u16(),
                retry_after: None,
            },
            Self::TooLarge => Attempt::Other,
        }
    }
}

/// An OAuth 2.0 error body: `{"error": "invalid_grant", "error_description": "..."}`.
#[derive(serde::Deserialize)]
pub(super) struct OAuthError {
    pub(super) error: String,
    #[serde(default)]
    pub(super) error_description: Option<String>,
}

/// The OAuth error in `body`, if it is one.
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

/// Whether trying again later may mend an OAuth error `code`. RFC 6749 (4.1.2.1) has
/// `server_error` stand for a 500 and `temporarily_unavailable` for a 503, where a redirect
/// cannot carry the status; every other code is a refusal (a 400). The statuses are judged by
/// [`retry::classify`], like any other answer.
pub(super) fn is_transient_code(code: &str) -> bool {
    let status = match code {
        "server_error" => 500,
        "temporarily_unavailable" => 503,
        _ => 400,
    };
    retry::is_worth_retrying(Attempt::Status {
        status,
        retry_after: None,
    })
}

/// An [`Error::Auth`] for an OAuth error answer, naming the code, what to do, and the
/// server's description (with any of `secrets` blanked out).
pub(super) fn endpoint_error(code: &str, description: Option<&str>, secrets: &[&str]) -> Error {
    let mut message = format!("the token endpoint answered {code}: {}", advice(code));
    if let Some(description) = description.filter(|text| !text.is_empty()) {
        let description: String = description.chars().take(200).collect();
        message.push_str(&format!(" (it said: {:?})", scrub(&description, secrets)));
    }
    if is_transient_code(code) {
        Error::auth_transient(message, None)
    } else {
        Error::auth(message, None)
    }
}

/// An [`Error::Auth`] for an error answer (an OAuth error body, or none at all).
pub(super) fn refusal(body: &[u8], secrets: &[&str]) -> Error {
    match oauth_error(body) {
        Some(error) => endpoint_error(&error.error, error.error_description.as_deref(), secrets),
        None => Error::auth("the endpoint refused the request without saying why", None),
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

/// An [`Error::Auth`] for an HTTP failure on the way to an endpoint, retryable when
/// [`retry::classify`] says trying again may mend it.
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
        HttpError::TooLarge => {
            "the token endpoint's answer is not a token response: check the token URL"
        }
    };
    if retry::is_worth_retrying(error.attempt()) {
        Error::auth_transient(message, Some(Box::new(error)))
    } else {
        Error::auth(message, Some(Box::new(error)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lwa_error_code_gets_advice_of_its_own() {
        let table = [
            ("invalid_grant", "log in again"),
            ("invalid_client", "client ID or client secret is wrong"),
            ("unauthorized_client", "may not use this grant"),
            ("invalid_request", "malformed or misses a parameter"),
            ("invalid_scope", "scope is unknown"),
            ("unsupported_grant_type", "does not accept this grant"),
            ("access_denied", "denied the request"),
            ("expired_token", "the code expired: start again"),
            ("server_error", "having trouble: try again later"),
            ("temporarily_unavailable", "having trouble: try again later"),
            ("slow_down_please", "Login with Amazon refused the request"),
        ];
        for (code, advice) in table {
            let message = endpoint_error(code, None, &[]).to_string();
            assert!(
                message.contains(&format!("answered {code}: ")) && message.contains(advice),
                "{code}: {message}"
            );
        }
    }

    #[test]
    fn only_server_error_and_temporarily_unavailable_are_worth_another_try() {
        for code in ["server_error", "temporarily_unavailable"] {
            assert!(is_transient_code(code), "{code}");
            assert!(endpoint_error(code, None, &[]).is_retryable(), "{code}");
        }
        for code in [
            "invalid_grant",
            "access_denied",
            "authorization_pending",
            "",
        ] {
            assert!(!is_transient_code(code), "{code}");
            assert!(!endpoint_error(code, None, &[]).is_retryable(), "{code}");
        }
    }

    #[test]
    fn the_description_is_quoted_with_the_secrets_blanked_out() {
        let secret = "distinct-secret-5c1d";
        let message = endpoint_error(
            "invalid_client",
            Some(&format!("client {secret} is unknown")),
            &["", secret],
        )
        .to_string();
        assert!(
            message.ends_with(r#"(it said: "client [REDACTED] is unknown")"#),
            "{message}"
        );
        let message = endpoint_error("invalid_client", Some(""), &[secret]).to_string();
        assert!(!message.contains("it said"), "{message}");
    }
}
