//! The one send path every operation goes through: credentials, attempts, retries, the
//! token refresh on `401 INVALID_ACCESS_TOKEN`, error mapping and tracing.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use amazon_music_client::{CallContext, ResponseValue};
use amazon_music_models::{ErrorResponse, Operation};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::auth::{AccessToken, TokenSource};
use crate::retry::{self, Attempt, RetryPolicy};
use crate::{ApiError, Error, Result};

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
        })
    }

    /// Runs `call` (one generated operation) until it succeeds, fails for good, or runs out
    /// of retries. `call` gets a fresh generated client for each attempt, carrying the
    /// credentials of that attempt.
    pub(crate) async fn send<T, F, Fut>(&self, operation: Operation, call: F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn(amazon_music_client::Client) -> Fut,
        Fut: Future<Output = Generated<T>>,
    {
        let mut token = self.token_source.token().await?;
        let mut refreshed = false;
        let mut retries = 0;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let context = self.context(&token)?;
            let client = amazon_music_client::Client::new_with_client(
                &self.base_url,
                self.http.clone(),
                context.clone(),
            );
            let span = tracing::debug_span!(
                "amazon_music.request",
                operation = operation.operation_id(),
                method = operation.spec().method,
                path = operation.path_template(),
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = call(client).instrument(span.clone()).await;
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Some(status) = context.response_status() {
                span.record("status", status.as_u16());
            }
            tracing::debug!(parent: &span, "attempt finished");
            let failure = match result {
                Ok(value) => return Ok(value.into_inner()),
                Err(amazon_music_client::Error::InvalidResponsePayload(body, error))
                    if context
                        .response_status()
                        .is_none_or(|status| status.is_success()) =>
                {
                    // One entity that does not match its schema must not cost the rest of the
                    // page: decode again, keeping it as `Entity::Malformed`.
                    match amazon_music_models::from_slice_lenient::<T>(&body) {
                        Ok(value) => return Ok(value),
                        Err(_) => Failure {
                            attempt: Attempt::Other,
                            error: amazon_music_models::leniently(|| {
                                decode_error::<T>(&body, &error)
                            }),
                        },
                    }
                }
                Err(error) => Failure::new::<T>(error, &context),
            };
            if failure.is_expired_token() && !refreshed {
                refreshed = true;
                if let Some(fresh) = self.token_source.refresh(&token).await? {
                    tracing::debug!(
                        parent: &span,
                        "access token rejected as expired; retrying with a refreshed one"
                    );
                    token = fresh;
                    continue;
                }
            }
            match self
                .retry_policy
                .wait_before(retries, retry::classify(failure.attempt))
            {
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
            .with_header(HeaderName::from_static("x-api-key"), api_key)
            .with_header(AUTHORIZATION, bearer)
            .with_header(USER_AGENT, self.user_agent.clone()))
    }
}

/// One failed attempt: the error to return, and what it says about retrying.
struct Failure {
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
                let status = response.status();
                let retry_after = retry_after(response.headers());
                let body = response.into_inner().error;
                let api_error = ApiError {
                    status: status.as_u16(),
                    code: Some(body.code),
                    message: Some(body.message),
                    reference: body.reference,
                };
                Self::status(api_error, retry_after)
            }
            Generated::InvalidResponsePayload(body, error) => match context.response_status() {
                Some(status) if !status.is_success() => {
                    let api_error = ApiError {
                        status: status.as_u16(),
                        code: None,
                        message: Some(body_snippet(&body)),
                        reference: None,
                    };
                    Self::status(
                        api_error,
                        context.response_headers().as_ref().and_then(retry_after),
                    )
                }
                _ => Self {
                    attempt: Attempt::Other,
                    error: decode_error::<T>(&body, &error),
                },
            },
            Generated::UnexpectedResponse(response) => {
                let status = response.status();
                let message = if status.is_redirection() {
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
                let api_error = ApiError {
                    status: status.as_u16(),
                    code: None,
                    message,
                    reference: None,
                };
                Self::status(api_error, retry_after(response.headers()))
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
                error: Error::Transport {
                    message: message.clone(),
                    source: message.into(),
                },
            },
        }
    }

    fn status(error: ApiError, retry_after: Option<std::time::Duration>) -> Self {
        let attempt = Attempt::Status {
            status: error.status,
            retry_after,
        };
        let error = match StatusCode::from_u16(error.status) {
            Ok(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => Error::Unauthorized(error),
            Ok(StatusCode::TOO_MANY_REQUESTS) => Error::RateLimited { retry_after, error },
            _ => Error::Api(error),
        };
        Self { attempt, error }
    }

    fn transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self {
                attempt: Attempt::Timeout,
                error: Error::Timeout {
                    source: Box::new(error.without_url()),
                },
            }
        } else {
            let message = if error.is_connect() {
                "could not connect to the API".to_owned()
            } else if error.is_body() || error.is_decode() {
                "the connection broke while the response was read".to_owned()
            } else {
                "the request failed".to_owned()
            };
            Self {
                attempt: Attempt::Connection,
                error: Error::Transport {
                    message,
                    source: Box::new(error.without_url()),
                },
            }
        }
    }

    /// A `401 INVALID_ACCESS_TOKEN`: the token expired or was revoked, and a fresh one may work.
    fn is_expired_token(&self) -> bool {
        matches!(
            &self.error,
            Error::Unauthorized(ApiError { status: 401, code: Some(code), .. })
                if code == "INVALID_ACCESS_TOKEN"
        )
    }
}

/// Reads `Retry-After`, in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

/// Decodes `body` again, tracking the path, to say where the first decode failed.
fn decode_error<T: DeserializeOwned>(body: &[u8], error: &serde_json::Error) -> Error {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(tracked) => Error::decode(
            tracked.path().to_string(),
            tracked.inner().to_string(),
            body,
        ),
        Ok(_) => Error::decode(".".to_owned(), error.to_string(), body),
    }
}

fn body_snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(Error::SNIPPET_LEN)
        .collect()
}
