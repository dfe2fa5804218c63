//! The one send path every operation goes through: credentials, attempts, retries, the
//! token refresh on `401 INVALID_ACCESS_TOKEN`, the client's rate limit and tracing. What a
//! failed attempt's error is comes from [`client_error`](crate::client_error); whether it is
//! worth another try, from [`retry::classify`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use amazon_music_client::{CallContext, CursorEncoding, ResponseValue};
use amazon_music_models::{ErrorResponse, Operation};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{AccessToken, TokenSource};
use crate::client_error::from_generated;
use crate::rate_limit::{self, RateLimiter};
use crate::record::Recorder;
use crate::retry::{self, Attempt, RetryPolicy};
use crate::{Error, RawResponse, Result};

/// What one generated operation returns.
pub(crate) type Generated<T> =
    std::result::Result<ResponseValue<T>, amazon_music_client::Error<ErrorResponse>>;

/// Sends requests: holds the HTTP client, the credentials and the retry policy.
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: String,
    /// The `x-api-key` header, checked and marked sensitive once, when the client was built.
    api_key: HeaderValue,
    user_agent: HeaderValue,
    token_source: Arc<dyn TokenSource>,
    retry_policy: RetryPolicy,
    max_body_size: usize,
    cursor_encoding: CursorEncoding,
    /// The client's rate limit, which every attempt waits for; `None`: no limit.
    rate_limiter: Option<RateLimiter>,
    /// Where each attempt is recorded, with [`record_to`](crate::ClientBuilder::record_to).
    recorder: Option<Recorder>,
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
            .field("rate_limiter", &self.rate_limiter)
            .field("recording", &self.recorder.as_ref().map(Recorder::path))
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport with `api_key` already checked and marked sensitive (see
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: String,
        api_key: HeaderValue,
        user_agent: HeaderValue,
        token_source: Arc<dyn TokenSource>,
        retry_policy: RetryPolicy,
        max_body_size: usize,
    ) -> Self {
        Self {
            http,
            base_url,
            api_key,
            user_agent,
            token_source,
            retry_policy,
            max_body_size,
            cursor_encoding: CursorEncoding::default(),
            rate_limiter: None,
            recorder: None,
        }
    }

    /// Records every attempt with `recorder`.
    pub(crate) fn with_recorder(mut self, recorder: Option<Recorder>) -> Self {
        self.recorder = recorder;
        self
    }

    /// Writes every request's `cursor` as `encoding` says.
    pub(crate) fn with_cursor_encoding(mut self, encoding: CursorEncoding) -> Self {
        self.cursor_encoding = encoding;
        self
    }

    /// Holds every attempt to `limiter`'s rate, or to none.
    pub(crate) fn with_rate_limiter(mut self, limiter: Option<RateLimiter>) -> Self {
        self.rate_limiter = limiter;
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
            let (mut error, token) = match token {
                Err(error) => (error, None),
                Ok(token) => match self.attempt(&token, &reader, &call, &span).await {
                    Ok(value) => return Ok(value),
                    Err(error) => (error, Some(token)),
                },
            };
            if let (true, false, Some(token)) = (is_expired_token(&error), refreshed, &token) {
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
                    Err(refresh_error) => error = refresh_error,
                }
            }
            let wait = self.retry_policy.wait_before(
                retries,
                retry::classify(Attempt::of(&error)),
                started.elapsed(),
            );
            match wait {
                Some(wait) => {
                    tracing::debug!(
                        parent: &span,
                        wait_ms = wait.as_millis() as u64,
                        error = %error,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                None => return Err(error),
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
    ) -> Result<R::Output>
    where
        T: DeserializeOwned,
        R: ReadResponse<T>,
        F: Fn(amazon_music_client::Client) -> Fut,
        Fut: Future<Output = Generated<T>>,
    {
        let mut context = self.context(token)?;
        if R::CAPTURES_BODY {
            context = context.capturing_body();
        }
        if self.recorder.is_some() {
            context = context.recording_requests();
        }
        let client = amazon_music_client::Client::new_with_client(
            &self.base_url,
            self.http.clone(),
            context.clone(),
        );
        let permit = match &self.rate_limiter {
            Some(limiter) => Some(limiter.acquire().instrument(span.clone()).await),
            None => None,
        };
        let started = Instant::now();
        let result = call(client).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(status) = context.response_status() {
            span.record("status", status.as_u16());
        }
        tracing::debug!(parent: span, "attempt finished");
        let outcome = R::read(result, &context);
        if let Some(recorder) = &self.recorder {
            recorder.record(&context, outcome.as_ref().err());
        }
        if let (Some(limiter), Some(permit)) = (&self.rate_limiter, permit) {
            limiter.observe(permit, rate_limit::Outcome::of(&outcome));
        }
        outcome
    }

    /// The headers of one attempt: the API key, the access token and the user agent, the
    /// secrets marked sensitive.
    fn context(&self, token: &AccessToken) -> Result<CallContext> {
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
            .map_err(|_| Error::auth("the access token holds characters HTTP forbids", None))?;
        bearer.set_sensitive(true);
        Ok(CallContext::new()
            .with_max_body_size(self.max_body_size)
            .with_cursor_encoding(self.cursor_encoding)
            .with_header(HeaderName::from_static("x-api-key"), self.api_key.clone())
            .with_header(AUTHORIZATION, bearer)
            .with_header(USER_AGENT, self.user_agent.clone()))
    }
}

/// What an attempt's outcome becomes: the value [`Transport::send`] returns, or the error
/// [`retry::classify`] judges.
pub(crate) trait ReadResponse<T> {
    /// What a success gives.
    type Output;
    /// Whether the attempt records the response's body as received.
    const CAPTURES_BODY: bool;

    /// The outcome of one attempt through `context`.
    fn read(result: Generated<T>, context: &CallContext) -> Result<Self::Output>;
}

/// Reads a success as the decoded value.
pub(crate) struct Decode;

impl<T: DeserializeOwned> ReadResponse<T> for Decode {
    type Output = T;
    const CAPTURES_BODY: bool = false;

    fn read(result: Generated<T>, context: &CallContext) -> Result<T> {
        match result {
            Ok(value) => Ok(value.into_inner()),
            Err(amazon_music_client::Error::InvalidResponsePayload(body, error))
                if is_success(context) =>
            {
                // One entity that does not match its schema must not cost the rest of the
                // page: decode again, keeping it as `Entity::Malformed`.
                match amazon_music_models::from_slice_lenient::<T>(&body) {
                    Ok(value) => Ok(value),
                    Err(_) => Err(from_generated::<T>(
                        amazon_music_client::Error::InvalidResponsePayload(body, error),
                        context,
                    )),
                }
            }
            Err(error) => Err(from_generated::<T>(error, context)),
        }
    }
}

/// Reads a success as the response received, whether or not its body decodes as `T`; an
/// error status is still an error.
pub(crate) struct Raw;

impl<T: DeserializeOwned> ReadResponse<T> for Raw {
    type Output = RawResponse;
    const CAPTURES_BODY: bool = true;

    fn read(result: Generated<T>, context: &CallContext) -> Result<RawResponse> {
        match result {
            Ok(_) => {}
            Err(amazon_music_client::Error::InvalidResponsePayload(..)) if is_success(context) => {}
            Err(error) => return Err(from_generated::<T>(error, context)),
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
                Err(Error::transport(message, message.into()))
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

/// A `401` that says the token is no longer valid: `INVALID_ACCESS_TOKEN` (expired or revoked),
/// or a body that is not a V1 error (a gateway's page), where a fresh token may work.
fn is_expired_token(error: &Error) -> bool {
    matches!(
        error,
        Error::Unauthorized(error)
            if error.status == 401
                && error.code.as_deref().is_none_or(|code| code == "INVALID_ACCESS_TOKEN")
    )
}
