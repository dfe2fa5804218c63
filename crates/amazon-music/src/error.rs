//! The one error type, with variants that follow a request's life.

use std::fmt;
use std::time::Duration;

/// What the SDK's fallible operations return.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A source error, boxed so that no dependency's type shows in the SDK's API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in a call, in the order a request lives through it.
///
/// What the API said, where it answered, is an [`ApiError`], boxed to keep `Error` small (its
/// fields read through the box: `api.status`).
///
/// Each variant's doc says whether the request may have reached the API. `Display` is short
/// and says what to do; the underlying cause, where there is one, is the error's `source()`.
///
/// The enum and its struct variants are `#[non_exhaustive]`: a later version may add variants
/// and fields, so match with `..`:
///
/// ```
/// # fn show(error: amazon_music::Error) {
/// match error {
///     amazon_music::Error::Decode { path, .. } => println!("bad response at {path}"),
///     other => println!("{other}"),
/// }
/// # }
/// ```
///
/// ```compile_fail
/// # fn show(error: amazon_music::Error) {
/// // Without `..`, a pattern would break when a field is added: it does not compile.
/// if let amazon_music::Error::Decode { path, message, snippet } = error {}
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request or the configuration is not valid: nothing was sent.
    #[error("invalid request: {message}")]
    #[non_exhaustive]
    InvalidRequest {
        /// What is wrong, and with which input.
        message: String,
    },

    /// No access token could be had (the token endpoint failed or refused): the API request
    /// was not sent.
    #[error("authentication failed: {message}")]
    #[non_exhaustive]
    Auth {
        /// What failed, e.g. the token endpoint's `error` code and description.
        message: String,
        /// The underlying failure, if any.
        #[source]
        source: Option<BoxError>,
        /// Whether the failure is transient (the token endpoint timed out, could not be
        /// reached, answered 5xx, `server_error` or `temporarily_unavailable`): trying again
        /// later may succeed. A refusal (`invalid_grant`, say) is not.
        retryable: bool,
        /// For a transient failure of a token source with a cooldown: how long until it asks
        /// the token endpoint again.
        retry_after: Option<Duration>,
    },

    /// The API refused the credentials (a 401, or a 403 `INVALID_API_KEY`), after a token
    /// refresh where one was possible: the request was sent.
    #[error("unauthorized: {0}; check the API key and the access token")]
    Unauthorized(Box<ApiError>),

    /// The API refuses the request (a 403 other than `INVALID_API_KEY`), e.g.
    /// `AUTH_NO_MUSIC_ACCOUNT_FOUND` when the user has no Amazon Music account: the request was
    /// sent. Not a sign of a bad API key or token.
    #[error("forbidden: {0}")]
    Forbidden(Box<ApiError>),

    /// The API answered 429 and the retries ran out, or it asked to wait longer than the
    /// retry policy allows: the request was sent.
    #[error("rate limited: {error}{}", RetryAfter(*.retry_after))]
    #[non_exhaustive]
    RateLimited {
        /// How long the server asked to wait (`Retry-After`), if it said.
        retry_after: Option<Duration>,
        /// The error the API sent with the 429.
        error: Box<ApiError>,
    },

    /// The API answered with another error status (or a redirect that is not followed): the
    /// request was sent.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// No response came within the timeout: the request may have been sent.
    #[error("request timed out; try again, or raise the timeout")]
    #[non_exhaustive]
    Timeout {
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// The connection failed, or broke before the whole response arrived: the request may
    /// have been sent.
    #[error("transport error: {message}")]
    #[non_exhaustive]
    Transport {
        /// What happened.
        message: String,
        /// The underlying failure.
        #[source]
        source: BoxError,
    },

    /// A response body is not what the API describes: the request was sent.
    #[error(
        "could not decode the response at `{path}`: {message} (near: {snippet:?}); {}",
        amazon_music_models::CAPTURE_HINT
    )]
    #[non_exhaustive]
    Decode {
        /// Where in the body decoding failed, e.g. `data.content.entityGroups[0].content.entities[3].id`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The body around where decoding failed: at most [`Error::SNIPPET_LEN`] characters,
        /// most of them before that point.
        snippet: String,
    },

    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_response_body_size`](crate::ClientBuilder::max_response_body_size)):
    /// the request was sent, and reading stopped at the limit. Not retried.
    #[error(
        "the response body exceeds the limit of {limit} bytes; raise `max_response_body_size` if it is expected"
    )]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    /// The server gave a page token it had already given, so following it would loop: the
    /// pages before it were delivered.
    #[error("pagination loop: the server repeated the page token {token:?}")]
    #[non_exhaustive]
    PaginationLoop {
        /// The repeated token.
        token: String,
    },

    /// Paging one group of a view failed, in
    /// [`entities_by_group`](crate::ViewRequest::entities_by_group): that group's stream ended
    /// there and the other groups went on. Whether the request was sent is as `source` says.
    #[error("paging the group {group:?} failed")]
    #[non_exhaustive]
    Group {
        /// The group's ID.
        group: String,
        /// What failed.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// How many characters of a body a [`Error::Decode`] keeps.
    pub const SNIPPET_LEN: usize = 200;

    /// How to capture a response the models do not describe and compare it with the spec:
    /// what [`Error::Decode`] ends with.
    pub const CAPTURE_HINT: &str = amazon_music_models::CAPTURE_HINT;

    /// Whether trying the same call again later may succeed: timeouts, transport failures,
    /// rate limiting, the server errors 500, 502, 503 and 504, and transient failures of the
    /// token endpoint.
    ///
    /// The client's own retries follow the same rule.
    pub fn is_retryable(&self) -> bool {
        crate::retry::is_worth_retrying(crate::retry::Attempt::of(self))
    }

    /// The HTTP status the API answered with, where there was one.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|error| error.status)
    }

    /// The error `code` of the API's V1 error body (e.g. `NOT_FOUND`, `THROTTLED`), where it
    /// answered with one: a shortcut through the boxed [`ApiError`], as aws-sdk's
    /// `ProvideErrorMetadata::code`.
    ///
    /// ```
    /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
    /// match client.album("B0BBB43TGW").send().await {
    ///     Ok(album) => println!("{} groups", album.content.entity_groups.len()),
    ///     Err(error) if error.is_not_found() => println!("no such album"),
    ///     Err(error) if error.code() == Some("AUTH_NO_MUSIC_ACCOUNT_FOUND") => println!("no account"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn code(&self) -> Option<&str> {
        self.api_error()?.code.as_deref()
    }

    /// Whether the API answered `404`: the view, or the entity the ID names, does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// What the API said, where it answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Unauthorized(error)
            | Self::Forbidden(error)
            | Self::Api(error)
            | Self::RateLimited { error, .. } => Some(error),
            Self::Group { source, .. } => source.api_error(),
            _ => None,
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            message: message.into(),
        }
    }

    /// A refusal by, or a failure of, a token endpoint that trying again will not mend.
    pub(crate) fn auth(message: impl Into<String>, source: Option<BoxError>) -> Self {
        Self::Auth {
            message: message.into(),
            source,
            retryable: false,
            retry_after: None,
        }
    }

    /// A transient failure of a token endpoint: trying again later may succeed.
    pub(crate) fn auth_transient(message: impl Into<String>, source: Option<BoxError>) -> Self {
        Self::Auth {
            message: message.into(),
            source,
            retryable: true,
            retry_after: None,
        }
    }

    pub(crate) fn transport(message: impl Into<String>, source: BoxError) -> Self {
        Self::Transport {
            message: message.into(),
            source,
        }
    }

    pub(crate) fn timeout(source: BoxError) -> Self {
        Self::Timeout { source }
    }

    /// A decode error for `body`, with the path and message of the failure, which happened at
    /// `line` and `column` (1-based, as `serde_json` counts them; 0 when not known).
    pub(crate) fn decode(
        path: String,
        message: String,
        body: &[u8],
        line: usize,
        column: usize,
    ) -> Self {
        tracing::debug!(
            %path,
            error = %message,
            "the response could not be decoded; {}",
            amazon_music_models::CAPTURE_HINT
        );
        Self::Decode {
            path,
            message,
            snippet: snippet_around(body, line, column),
        }
    }
}

/// At most [`Error::SNIPPET_LEN`] characters of `body` around `line` and `column` (1-based):
/// three quarters before that point, a quarter after. The start of the body when the point is
/// not known.
fn snippet_around(body: &[u8], line: usize, column: usize) -> String {
    let offset = if line == 0 {
        0
    } else {
        let line_start = body
            .split_inclusive(|byte| *byte == b'\n')
            .take(line - 1)
            .map(<[u8]>::len)
            .sum::<usize>();
        (line_start + column.saturating_sub(1)).min(body.len())
    };
    let (before, after) = body.split_at(offset);
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    let budget_before = if line == 0 {
        0
    } else {
        Error::SNIPPET_LEN * 3 / 4
    };
    let skip = before.chars().count().saturating_sub(budget_before);
    let head: String = before.chars().skip(skip).collect();
    let tail_budget = Error::SNIPPET_LEN - head.chars().count();
    let tail: String = after.chars().take(tail_budget).collect();
    format!("{head}{tail}")
}

/// An error status from the API, with what its V1 error body said.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The body's `code`, e.g. `NOT_FOUND` (absent when the body was not a V1 error body).
    pub code: Option<String>,
    /// The body's `message` (or, for a body that is not a V1 error, its start).
    pub message: Option<String>,
    /// The body's `url`.
    pub url: Option<String>,
    /// The body's `reference`: an ID to quote to Amazon about this error.
    pub reference: Option<String>,
    /// The body's `payload`: more detail, where the error has any.
    pub payload: Option<serde_json::Map<String, serde_json::Value>>,
    /// The response's request ID (`x-amzn-RequestId`, or `x-amz-request-id`), where it has
    /// one: quote it to Amazon with the reference.
    pub request_id: Option<String>,
    /// The response's `Retry-After`, where it has one.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// An error of `status` with nothing else known.
    pub(crate) fn with_status(status: u16) -> Self {
        Self {
            status,
            code: None,
            message: None,
            url: None,
            reference: None,
            payload: None,
            request_id: None,
            retry_after: None,
        }
    }
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
        match (&self.reference, &self.request_id) {
            (Some(reference), Some(request)) => {
                write!(formatter, " (reference {reference}, request {request})")?;
            }
            (Some(reference), None) => write!(formatter, " (reference {reference})")?,
            (None, Some(request)) => write!(formatter, " (request {request})")?,
            (None, None) => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A body of two lines, the second with `X` after 300 characters and 300 more after it.
    fn two_line_body() -> String {
        format!(
            "{}\n{}X{}",
            "a".repeat(10),
            "b".repeat(300),
            "c".repeat(300)
        )
    }

    fn snippet(error: Error) -> String {
        match error {
            Error::Decode { snippet, .. } => snippet,
            other => panic!("not a decode error: {other:?}"),
        }
    }

    #[test]
    fn a_decode_snippet_shows_three_quarters_before_the_failure_and_a_quarter_after() {
        let body = two_line_body();
        // Line 2, column 301 is the `X`.
        let error = Error::decode("p".into(), "m".into(), body.as_bytes(), 2, 301);
        assert_eq!(
            snippet(error),
            format!("{}X{}", "b".repeat(150), "c".repeat(49))
        );
    }

    #[test]
    fn a_decode_snippet_near_the_start_shows_what_there_is_before_and_fills_up_after() {
        let body = two_line_body();
        let error = Error::decode("p".into(), "m".into(), body.as_bytes(), 2, 3);
        let expected: String = body.chars().take(Error::SNIPPET_LEN).collect();
        assert_eq!(snippet(error), expected);
    }

    #[test]
    fn a_decode_snippet_without_a_position_is_the_start_of_the_body() {
        let body = two_line_body();
        let error = Error::decode("p".into(), "m".into(), body.as_bytes(), 0, 0);
        let expected: String = body.chars().take(Error::SNIPPET_LEN).collect();
        assert_eq!(snippet(error), expected);
    }

    #[test]
    fn a_group_error_answers_for_the_failure_inside_it() {
        let failure = ApiError {
            code: Some("SERVICE_UNAVAILABLE".to_owned()),
            ..ApiError::with_status(503)
        };
        let error = Error::Group {
            group: "g1".to_owned(),
            source: Box::new(Error::Api(Box::new(failure.clone()))),
        };
        assert_eq!(error.status(), Some(503));
        assert_eq!(error.code(), Some("SERVICE_UNAVAILABLE"));
        assert_eq!(error.api_error(), Some(&failure));
        assert!(error.is_retryable());
        let missing = Error::Group {
            group: "g1".to_owned(),
            source: Box::new(Error::Api(Box::new(ApiError::with_status(404)))),
        };
        assert!(missing.is_not_found());
        assert!(!missing.is_retryable());
    }
}
