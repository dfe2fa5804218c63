//! The one error type, with variants that follow a request's life.

use std::fmt;
use std::time::Duration;

/// What the SDK's fallible operations return.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A source error, boxed so that no dependency's type shows in the SDK's API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call, in the order a request lives through it.
///
/// Each variant's doc says whether the request may have reached the API. `Display` is short
/// and says what to do; the underlying cause, where there is one, is the error's `source()`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request or the configuration is not valid: nothing was sent.
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong, and with which input.
        message: String,
    },

    /// No access token could be had (the token endpoint failed or refused): the API request
    /// was not sent.
    #[error("authentication failed: {message}")]
    Auth {
        /// What failed, e.g. the token endpoint's `error` code and description.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
    },

    /// The API refused the credentials (401 or 403), after a token refresh where one was
    /// possible: the request was sent.
    #[error("unauthorized: {0}; check the API key and the access token")]
    Unauthorized(ApiError),

    /// The API answered 429 and the retries ran out, or it asked to wait longer than the
    /// retry policy allows: the request was sent.
    #[error("rate limited: {error}{}", RetryAfter(*.retry_after))]
    RateLimited {
        /// How long the server asked to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The error the API sent with the 429.
        error: ApiError,
    },

    /// The API answered with an error status: the request was sent.
    #[error("{0}")]
    Api(ApiError),

    /// No response came within the timeout: the request may have been sent.
    #[error("request timed out; try again, or raise the timeout")]
    Timeout {
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// The connection failed, or broke before the whole response arrived: the request may
    /// have been sent.
    #[error("transport error: {message}")]
    Transport {
        /// What happened.
        message: String,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// A response body is not what the API describes: the request was sent.
    #[error("could not decode the response at `{path}`: {message} (body starts: {snippet:?})")]
    Decode {
        /// Where in the body decoding failed, e.g. `data.content.entityGroups[0].content.entities[3].id`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body, at most [`Error::SNIPPET_LEN`] characters.
        snippet: String,
    },

    /// The server gave a page token it had already given, so following it would loop: the
    /// pages before it were delivered.
    #[error("pagination loop: the server repeated the page token {token:?}")]
    PaginationLoop {
        /// The repeated token.
        token: String,
    },
}

impl Error {
    /// How many characters of a body a [`Error::Decode`] keeps.
    pub const SNIPPET_LEN: usize = 200;

    /// Whether trying the same call again later may succeed: timeouts, transport failures,
    /// rate limiting and the server errors 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::Transport { .. } | Self::RateLimited { .. } => true,
            Self::Api(error) => matches!(error.status, 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The HTTP status the API answered with, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized(error) | Self::Api(error) | Self::RateLimited { error, .. } => {
                Some(error.status)
            }
            _ => None,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
        }
    }

    pub(crate) fn auth(message: impl Into<String>, source: Option<BoxError>) -> Self {
        Self::Auth {
            message: message.into(),
            source,
        }
    }

    /// A decode error for `body`, with the path and message of `error`.
    pub(crate) fn decode(path: String, message: String, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        Self::Decode {
            path,
            message,
            snippet: text.chars().take(Self::SNIPPET_LEN).collect(),
        }
    }
}

/// An error status from the API, with what its V1 error body said.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The body's `code`, e.g. `NOT_FOUND` (absent when the body was not a V1 error body).
    pub code: Option<String>,
    /// The body's `message`.
    pub message: Option<String>,
    /// The body's `reference`: an ID to quote to Amazon about this error.
    pub reference: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(formatter, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(formatter, ": {message}")?;
        }
        if let Some(reference) = &self.reference {
            write!(formatter, " (reference {reference})")?;
        }
        Ok(())
    }
}

/// Formats an optional `Retry-After` for [`Error::RateLimited`].
struct RetryAfter(Option<Duration>);

impl fmt::Display for RetryAfter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(wait) => write!(formatter, "; the server asked to wait {}s", wait.as_secs()),
            None => Ok(()),
        }
    }
}
