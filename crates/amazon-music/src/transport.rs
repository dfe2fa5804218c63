//! The one send path every operation goes through: credentials, attempts, retries, the
//! token refresh on `401 INVALID_ACCESS_TOKEN`, error mapping and tracing.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use amazon_music_client::{CallContext, CursorEncoding, ResponseValue};
use amazon_music_models::{ErrorResponse, Operation};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{AccessToken, TokenSource};
use crate::retry::{self, Attempt, RetryPolicy};
use crate::{ApiError, Error, RawResponse, Result};

/// What one generated operation returns.
pub(crate) type Generated<T> =
    std::result::Result<ResponseValue<T>, amazon_music_client::Error<ErrorResponse>>;

/// Sends requests: holds the HTTP client, the credentials and the retry policy.
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    api_key: SecretString,
    user_agent: HeaderValue,
    token_source: Arc<dyn TokenSource>,
    retry_policy: RetryPolicy,
    max_body_size: usize,
    cursor_encoding: CursorEncoding,
}

impl fmt::Debug for Transport {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("api_key", &"[REDACTED]")
            .field("user_agent", &self.user_agent)
            .field("token_source", &self.token_source)
            .field("retry_policy", &self.retry_policy)
            .field("max_body_size", &self.max_body_size)
            .field("cursor_encoding", &self.cursor_encoding)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: String,
        api_key: SecretString,
        user_agent: HeaderValue,
        token_source: Arc<dyn TokenSource>,
        retry_policy: RetryPolicy,
        max_body_size: usize,
    ) -> Result<Self> {
        HeaderValue::from_str(api_key.expose_secret())
            .map_err(|_| Error::invalid_request("the API key holds characters HTTP forbids"))?;
        Ok(Self {
            http,
            base_url,
            api_key,
            user_agent,
            token_source,
            retry_policy,
            max_body_size,
            cursor_encoding: CursorEncoding::default(),
        })
    }

    /// Writes every request's `cursor` as `encoding` says.
    pub(crate) fn with_cursor_encoding(mut self, encoding: CursorEncoding) -> Self {
        self.cursor_encoding = encoding;
        self
    }

    /// Runs `call` (one generated operation) until it succeeds, fails for good, or runs out
    /// of retries or of the retry policy's time budget. `call` gets a fresh generated client
    /// for each attempt, carrying the credentials of that attempt.
    ///
    /// The token source is asked for a token before every attempt (a cached one costs
    /// nothing), so a transient failure to get one is retried like a failed request. After a
    /// `401` that says the token is no longer valid (`INVALID_ACCESS_TOKEN`, or a body that is
    /// not a V1 error at all, a gateway's page), the token is refreshed once and the call tried
    /// again at once with the new one.
    ///
    /// `reader` says what a success response becomes: the value decoded ([`Decode`]) or the
    /// response as received ([`Raw`]).
    pub(crate) async fn send<T, R, F, Fut>(
        &self,
        operation: Operation,
        reader: R,
        call: F,
    ) -> Result<R::Output>
    where
        T: DeserializeOwned,
        R: ReadResponse<T>,
        F: Fn(amazon_music_client::Client) -> Fut,
        Fut: Future<Output = Generated<T>>,
    {
        let started = tokio::time::Instant::now();
        let mut refreshed = false;
        let mut fresh_token: Option<AccessToken> = None;
        let mut retries = 0;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "amazon_music.request",
                operation = operation.operation_id(),
                method = operation.spec().method,
                path = operation.path_template(),
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let token = match fresh_token.take() {
                Some(token) => Ok(token),
                None => self.token_source.token().instrument(span.clone()).await,
            };
            let (mut failure, token) = match token {
                Err(error) => (Failure::token(error), None),
                Ok(token) => match self.attempt(&token, &reader, &call, &span).await {
                    Ok(value) => return Ok(value),
                    Err(failure) => (failure, Some(token)),
                },
            };
            if let (true, false, Some(token)) = (failure.is_expired_token(), refreshed, &token) {
                refreshed = true;
                match self
                    .token_source
                    .refresh(token)
                    .instrument(span.clone())
                    .await
                {
                    Ok(Some(fresh)) => {
                        tracing::debug!(
                            parent: &span,
                            "access token rejected; retrying with a refreshed one"
                        );
                        fresh_token = Some(fresh);
                        continue;
                    }
                    // This source cannot refresh: the 401 stands.
                    Ok(None) => {}
                    Err(error) => failure = Failure::token(error),
                }
            }
            let wait = self.retry_policy.wait_before(
                retries,
                retry::classify(failure.attempt),
                started.elapsed(),
            );
            match wait {
                Some(wait) => {
                    tracing::debug!(
                        parent: &span,
                        wait_ms = wait.as_millis() as u64,
                        error = %failure.error,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                None => return Err(failure.error),
            }
        }
    }

    /// One attempt of `call` with `token`.
    async fn attempt<T, R, F, Fut>(
        &self,
        token: &AccessToken,
        _reader: &R,
        call: &F,
        span: &tracing::Span,
    ) -> std::result::Result<R::Output, Failure>
    where
        T: DeserializeOwned,
        R: ReadResponse<T>,
        F: Fn(amazon_music_client::Client) -> Fut,
        Fut: Future<Output = Generated<T>>,
    {
        let mut context = self.context(token).map_err(|error| Failure {
            attempt: Attempt::Other,
            error,
        })?;
        if R::CAPTURES_BODY {
            context = context.capturing_body();
        }
        let client = amazon_music_client::Client::new_with_client(
            &self.base_url,
            self.http.clone(),
            context.clone(),
        );
        let started = Instant::now();
        let result = call(client).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(status) = context.response_status() {
            span.record("status", status.as_u16());
        }
        tracing::debug!(parent: span, "attempt finished");
        R::read(result, &context)
    }

    /// The headers of one attempt: the API key, the access token and the user agent, the
    /// secrets marked sensitive.
    fn context(&self, token: &AccessToken) -> Result<CallContext> {
        let mut api_key = HeaderValue::from_str(self.api_key.expose_secret())
            .map_err(|_| Error::invalid_request("the API key holds characters HTTP forbids"))?;
        api_key.set_sensitive(true);
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| Error::auth("the access token holds characters HTTP forbids", None))?;
        bearer.set_sensitive(true);
        Ok(CallContext::new()
            .with_max_body_size(self.max_body_size)
            .with_cursor_encoding(self.cursor_encoding)
            .with_header(HeaderName::from_static("x-api-key"), api_key)
            .with_header(AUTHORIZATION, bearer)
            .with_header(USER_AGENT, self.user_agent.clone()))
    }
}

/// What an attempt's outcome becomes: the value [`Transport::send`] returns, or a failure to
/// classify.
pub(crate) trait ReadResponse<T> {
    /// What a success gives.
    type Output;
    /// Whether the attempt records the response's body as received.
    const CAPTURES_BODY: bool;

    /// The outcome of one attempt through `context`.
    fn read(
        result: Generated<T>,
        context: &CallContext,
    ) -> std::result::Result<Self::Output, Failure>;
}

/// Reads a success as the decoded value.
pub(crate) struct Decode;

impl<T: DeserializeOwned> ReadResponse<T> for Decode {
    type Output = T;
    const CAPTURES_BODY: bool = false;

    fn read(result: Generated<T>, context: &CallContext) -> std::result::Result<T, Failure> {
        match result {
            Ok(value) => Ok(value.into_inner()),
            Err(amazon_music_client::Error::InvalidResponsePayload(body, error))
                if is_success(context) =>
            {
                // One entity that does not match its schema must not cost the rest of the
                // page: decode again, keeping it as `Entity::Malformed`.
                match amazon_music_models::from_slice_lenient::<T>(&body) {
                    Ok(value) => Ok(value),
                    Err(_) => Err(Failure::new::<T>(
                        amazon_music_client::Error::InvalidResponsePayload(body, error),
                        context,
                    )),
                }
            }
            Err(error) => Err(Failure::new::<T>(error, context)),
        }
    }
}

/// Reads a success as the response received, whether or not its body decodes as `T`; an
/// error status is still an error.
pub(crate) struct Raw;

impl<T: DeserializeOwned> ReadResponse<T> for Raw {
    type Output = RawResponse;
    const CAPTURES_BODY: bool = true;

    fn read(
        result: Generated<T>,
        context: &CallContext,
    ) -> std::result::Result<RawResponse, Failure> {
        match result {
            Ok(_) => {}
            Err(amazon_music_client::Error::InvalidResponsePayload(..)) if is_success(context) => {}
            Err(error) => return Err(Failure::new::<T>(error, context)),
        }
        match (
            context.response_status(),
            context.response_headers(),
            context.response_body(),
        ) {
            (Some(status), Some(headers), Some(body)) => {
                Ok(RawResponse::new(status.as_u16(), headers, body.into()))
            }
            _ => {
                let message = "the response was not recorded";
                Err(Failure {
                    attempt: Attempt::Other,
                    error: Error::transport(message, message.into()),
                })
            }
        }
    }
}

/// Whether the attempt through `context` got a success status (or none was recorded).
fn is_success(context: &CallContext) -> bool {
    context
        .response_status()
        .is_none_or(|status| status.is_success())
}

/// One failed attempt: the error to return, and what it says about retrying.
pub(crate) struct Failure {
    attempt: Attempt,
    error: Error,
}

impl Failure {
    /// Maps the generated client's error, with the status the call context recorded.
    fn new<T: DeserializeOwned>(
        error: amazon_music_client::Error<ErrorResponse>,
        context: &CallContext,
    ) -> Self {
        use amazon_music_client::Error as Generated;
        match error {
            Generated::ErrorResponse(response) => {
                let mut api_error = ApiError::with_status(response.status().as_u16());
                read_headers(&mut api_error, response.headers());
                let body = response.into_inner().error;
                api_error.code = Some(body.code);
                api_error.message = Some(body.message);
                api_error.url = body.url;
                api_error.reference = body.reference;
                api_error.payload = body.payload;
                Self::status(api_error)
            }
            Generated::InvalidResponsePayload(body, error) => match context.response_status() {
                Some(status) if !status.is_success() => {
                    let mut api_error = ApiError::with_status(status.as_u16());
                    if let Some(headers) = context.response_headers() {
                        read_headers(&mut api_error, &headers);
                    }
                    api_error.message = Some(body_snippet(&body));
                    Self::status(api_error)
                }
                // Where the decode failed, as a lenient decode sees it: outside the entities.
                _ => Self {
                    attempt: Attempt::Other,
                    error: amazon_music_models::leniently(|| decode_error::<T>(&body, &error)),
                },
            },
            Generated::UnexpectedResponse(response) => {
                let status = response.status();
                let mut api_error = ApiError::with_status(status.as_u16());
                read_headers(&mut api_error, response.headers());
                api_error.message = if status.is_redirection() {
                    // Only a redirect off the base URL's origin (or one too many) ends up here.
                    let location = response
                        .headers()
                        .get(reqwest::header::LOCATION)
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or("nowhere");
                    Some(format!(
                        "the API redirected to {location:?}, which is not followed: it leaves \
                         the base URL's origin (scheme, host and port), or follows too many \
                         redirects"
                    ))
                } else {
                    status.canonical_reason().map(str::to_owned)
                };
                Self::status(api_error)
            }
            Generated::ResponseBodyError(error)
                if amazon_music_client::is_body_too_large(&error) =>
            {
                Self {
                    attempt: Attempt::Other,
                    error: Error::ResponseTooLarge {
                        limit: context.max_body_size().unwrap_or_default(),
                    },
                }
            }
            Generated::CommunicationError(error) | Generated::ResponseBodyError(error) => {
                Self::transport(error)
            }
            Generated::InvalidRequest(message) => Self {
                attempt: Attempt::Other,
                error: Error::invalid_request(message),
            },
            Generated::InvalidUpgrade(error) => Self::transport(error),
            Generated::Custom(message) => Self {
                attempt: Attempt::Other,
                error: Error::transport(message.clone(), message.into()),
            },
        }
    }

    /// A failure to get a token: retried when it is transient.
    fn token(error: Error) -> Self {
        let attempt = match &error {
            Error::Auth {
                retryable: true,
                retry_after,
                ..
            } => Attempt::Token {
                retry_after: *retry_after,
            },
            _ => Attempt::Other,
        };
        Self { attempt, error }
    }

    fn status(error: ApiError) -> Self {
        let attempt = Attempt::Status {
            status: error.status,
            retry_after: error.retry_after,
        };
        let error = match StatusCode::from_u16(error.status) {
            Ok(StatusCode::UNAUTHORIZED) => Error::Unauthorized(Box::new(error)),
            // A bad API key is refused with a 403 and this code: the credentials' fault. Any
            // other 403 (`AUTH_NO_MUSIC_ACCOUNT_FOUND`, say) refuses the request, not the key.
            Ok(StatusCode::FORBIDDEN) if error.code.as_deref() == Some("INVALID_API_KEY") => {
                Error::Unauthorized(Box::new(error))
            }
            Ok(StatusCode::FORBIDDEN) => Error::Forbidden(Box::new(error)),
            Ok(StatusCode::TOO_MANY_REQUESTS) => Error::RateLimited {
                retry_after: error.retry_after,
                error: Box::new(error),
            },
            _ => Error::Api(Box::new(error)),
        };
        Self { attempt, error }
    }

    fn transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self {
                attempt: Attempt::Timeout,
                error: Error::timeout(Box::new(error.without_url())),
            }
        } else {
            let message = if error.is_connect() {
                "could not connect to the API"
            } else if error.is_body() || error.is_decode() {
                "the connection broke while the response was read"
            } else {
                "the request failed"
            };
            Self {
                attempt: Attempt::Connection,
                error: Error::transport(message, Box::new(error.without_url())),
            }
        }
    }

    /// A `401` that says the token is no longer valid: `INVALID_ACCESS_TOKEN` (expired or
    /// revoked), or a body that is not a V1 error (a gateway's page), where a fresh token may
    /// work.
    fn is_expired_token(&self) -> bool {
        matches!(
            &self.error,
            Error::Unauthorized(error)
                if error.status == 401
                    && error.code.as_deref().is_none_or(|code| code == "INVALID_ACCESS_TOKEN")
        )
    }
}

/// Copies what `headers` say about an error into it: the request ID and `Retry-After`.
fn read_headers(error: &mut ApiError, headers: &HeaderMap) {
    error.retry_after = retry_after(headers);
    error.request_id = ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
        .into_iter()
        .find_map(|name| headers.get(name)?.to_str().ok())
        .map(str::to_owned);
}

/// Reads `Retry-After`, in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

/// Decodes `body` again, tracking the path, to say where the first decode failed.
pub(crate) fn decode_error<T: DeserializeOwned>(body: &[u8], error: &serde_json::Error) -> Error {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => Error::decode(
            tracked.path().to_string(),
            tracked.inner().to_string(),
            body,
            tracked.inner().line(),
            tracked.inner().column(),
        ),
        Ok(_) => Error::decode(
            ".".to_owned(),
            error.to_string(),
            body,
            error.line(),
            error.column(),
        ),
    }
}

fn body_snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(Error::SNIPPET_LEN)
        .collect()
}
