//! How the generated client's errors become the SDK's [`Error`]: an error status becomes
//! [`Error::Unauthorized`], [`Error::Forbidden`], [`Error::RateLimited`] or [`Error::Api`] with
//! what the body and headers said; a failure on the way becomes [`Error::Timeout`] or
//! [`Error::Transport`]; a body that does not decode becomes [`Error::Decode`], saying where.
//!
//! Whether any of them is worth another try is not decided here but by
//! [`retry::classify`], from the error.

use std::time::SystemTime;

use amazon_music_client::CallContext;
use amazon_music_models::ErrorResponse;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::retry;
use crate::{ApiError, Error};

/// The SDK's error for the generated client's `error`, with the status, headers and limit the
/// call context recorded; `T` is what a success would have decoded as, to say where a decode
/// failed.
pub(crate) fn from_generated<T: DeserializeOwned>(
    error: amazon_music_client::Error<ErrorResponse>,
    context: &CallContext,
) -> Error {
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
            status_error(api_error)
        }
        Generated::InvalidResponsePayload(body, error) => match context.response_status() {
            Some(status) if !status.is_success() => {
                let mut api_error = ApiError::with_status(status.as_u16());
                if let Some(headers) = context.response_headers() {
                    read_headers(&mut api_error, &headers);
                }
                api_error.message = Some(body_snippet(&body));
                status_error(api_error)
            }
            // Where the decode failed, as a lenient decode sees it: outside the entities.
            _ => amazon_music_models::leniently(|| decode_error::<T>(&body, &error)),
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
            status_error(api_error)
        }
        // A body read whole by the context (`capturing_body`) fails as the call's communication.
        Generated::CommunicationError(error) | Generated::ResponseBodyError(error)
            if amazon_music_client::is_body_too_large(&error) =>
        {
            Error::ResponseTooLarge {
                limit: context.max_body_size().unwrap_or_default(),
            }
        }
        Generated::CommunicationError(error) | Generated::ResponseBodyError(error) => {
            transport_error(error)
        }
        Generated::InvalidRequest(message) => Error::invalid_request(message),
        Generated::InvalidUpgrade(error) => transport_error(error),
        Generated::Custom(message) => Error::transport(message.clone(), message.into()),
    }
}

/// The error for an error status, by what the status (and, for a 403, the code) says.
fn status_error(error: ApiError) -> Error {
    match StatusCode::from_u16(error.status) {
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
    }
}

/// The error for a request that failed on the way: a timeout, or a transport failure that
/// says where it broke. The URL is left out.
fn transport_error(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        return Error::timeout(Box::new(error.without_url()));
    }
    let message = if error.is_connect() {
        "could not connect to the API"
    } else if error.is_body() || error.is_decode() {
        "the connection broke while the response was read"
    } else {
        "the request failed"
    };
    Error::transport(message, Box::new(error.without_url()))
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
