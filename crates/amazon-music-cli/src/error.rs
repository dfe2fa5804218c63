//! Exit codes, and the one-line messages a person can act on.

use amazon_music::Error;

/// The exit code for success.
pub const EXIT_OK: u8 = 0;
/// The exit code for an API or network failure.
pub const EXIT_FAILURE: u8 = 1;
/// The exit code for a usage error: bad flags, missing credentials, out-of-range input.
pub const EXIT_USAGE: u8 = 2;

/// A mistake in how the command was called.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(String);

impl UsageError {
    /// A usage error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// The exit code and message for a failure.
pub fn report(error: &anyhow::Error) -> (u8, String) {
    if let Some(usage) = error.downcast_ref::<UsageError>() {
        return (EXIT_USAGE, usage.to_string());
    }
    match error.downcast_ref::<Error>() {
        Some(Error::InvalidRequest { message, .. }) => (EXIT_USAGE, message.clone()),
        Some(error) => (EXIT_FAILURE, describe(error)),
        None => (EXIT_FAILURE, format!("{error:#}")),
    }
}

/// One line: what happened, with the status and the API's code and message, and what to do.
fn describe(error: &Error) -> String {
    match error {
        Error::Unauthorized(api) if api.code.as_deref() == Some("INVALID_ACCESS_TOKEN") => format!(
            "token expired ({api}): run `amzn-music login` or set AMAZON_MUSIC_REFRESH_TOKEN"
        ),
        Error::Forbidden(api) if api.code.as_deref() == Some("AUTH_NO_MUSIC_ACCOUNT_FOUND") => {
            format!(
                "forbidden ({api}): the logged-in Amazon account has no Amazon Music account; \
                 log in with one that has"
            )
        }
        Error::Forbidden(api) => {
            format!("forbidden ({api}): the credentials were accepted, but may not do this")
        }
        Error::Unauthorized(api) => format!(
            "unauthorized ({api}): check --api-key / AMAZON_MUSIC_API_KEY and the access token"
        ),
        Error::RateLimited {
            error: api,
            retry_after,
            ..
        } => match retry_after {
            Some(wait) => format!("rate limited ({api}): try again in {} s", wait.as_secs()),
            None => format!("rate limited ({api}): try again later"),
        },
        Error::Api(api) if api.status == 404 => {
            format!("not found ({api}): check the ID")
        }
        Error::Api(api) if api.status >= 500 => {
            format!("the API failed ({api}): try again later")
        }
        Error::Api(api) => format!("the API refused the request ({api})"),
        Error::Timeout { .. } => {
            "the request timed out: check the network or --base-url, and try again".to_owned()
        }
        Error::Transport { message, .. } => {
            format!("{message}: check the network or --base-url, and try again")
        }
        Error::Decode { path, message, .. } => {
            format!("the response could not be read at `{path}`: {message} (please report this)")
        }
        Error::PaginationLoop { token, .. } => format!(
            "the server repeated the page token {token:?}; stopped to avoid looping (the pages before it were printed)"
        ),
        Error::Auth {
            message,
            retryable: true,
            ..
        } => format!("authentication failed: {message} (a passing failure: try again)"),
        Error::Auth { message, .. } => {
            format!("authentication failed: {message}")
        }
        other => other.to_string(),
    }
}
