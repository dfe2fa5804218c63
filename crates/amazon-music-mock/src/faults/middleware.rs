//! The middleware that injects the faults: it asks [`Faults`](super::Faults) what to do with
//! each request, and does it.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};
use serde_json::Value;

use super::FaultKind;
use crate::MockState;
use crate::admin_path;
use crate::error::ApiError;
use crate::operation::Operation;
use crate::paging::CursorStyle;

/// How long a truncated body waits, after its half, before it fails.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// The size of each chunk of a padded body's padding.
const PAD_CHUNK: usize = 64 * 1024;

/// The middleware that injects the faults.
pub(crate) async fn inject(
    State(state): State<MockState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if admin_path::is_admin(&path) {
        return next.run(request).await;
    }
    let plan = state.faults().plan(&path, Operation::from_path(&path));
    if !plan.delay.is_zero() {
        tracing::debug!(%path, delay_ms = plan.delay.as_millis() as u64, "injected latency");
        tokio::time::sleep(plan.delay).await;
    }
    let Some(outcome) = plan.outcome else {
        return next.run(request).await;
    };
    tracing::debug!(%path, fault = ?outcome, "injected a fault");
    match outcome {
        // Both act in the plan: a latency as its delay, a rate limit as a throttle.
        FaultKind::Latency(_) | FaultKind::RateLimit(_) => next.run(request).await,
        FaultKind::Throttle(retry_after) => {
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "THROTTLED", "Rate exceeded.")
                    .at(&path)
                    .into_response();
            if let Some(value) = retry_after.and_then(|value| HeaderValue::from_str(&value).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Status(status) => {
            let code = match status {
                StatusCode::INTERNAL_SERVER_ERROR => "INTERNAL_SERVER_ERROR",
                StatusCode::BAD_GATEWAY => "BAD_GATEWAY",
                StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
                StatusCode::GATEWAY_TIMEOUT => "GATEWAY_TIMEOUT",
                StatusCode::NOT_FOUND => "NOT_FOUND",
                StatusCode::TOO_MANY_REQUESTS => "THROTTLED",
                status if status.is_client_error() => "BAD_REQUEST",
                _ => "INTERNAL_SERVER_ERROR",
            };
            let message = status.canonical_reason().unwrap_or("Injected failure.");
            ApiError::new(status, code, format!("{message} (injected by the mock)"))
                .at(&path)
                .into_response()
        }
        FaultKind::ExpiredToken => ApiError::expired_token().at(&path).into_response(),
        FaultKind::DropConnection => {
            let failed = stream::iter([Err::<Bytes, _>(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "connection dropped by the mock",
            ))]);
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                Body::from_stream(failed),
            )
                .into_response()
        }
        FaultKind::TruncateBody => {
            split_body(next.run(request).await, FLUSH_PAUSE, |_| Err(truncated())).await
        }
        FaultKind::StallBody(pause) => split_body(next.run(request).await, pause, Ok).await,
        FaultKind::PadBody(bytes) => pad(next.run(request).await, bytes).await,
        FaultKind::Respond {
            status,
            content_type,
            body,
        } => {
            let mut response = (status, body).into_response();
            if let Ok(value) = HeaderValue::from_str(&content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            response
        }
        FaultKind::RepeatPageToken => {
            // The token as the client holds it: as sent for tokens issued pre-encoded, as
            // the query decodes it for raw ones.
            let cursor = match state.catalog().cursor_style {
                CursorStyle::PreEncoded => request.uri().query().and_then(|query| {
                    query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("cursor="))
                        .map(str::to_owned)
                }),
                _ => Query::<HashMap<String, String>>::try_from_uri(request.uri())
                    .ok()
                    .and_then(|Query(mut query)| query.remove("cursor")),
            };
            let response = next.run(request).await;
            match cursor {
                Some(cursor) => rewrite(response, |page| set_page_tokens(page, &cursor)).await,
                None => response,
            }
        }
        FaultKind::EmptyPage => rewrite(next.run(request).await, empty_groups).await,
    }
}

/// The error that ends a truncated body.
fn truncated() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "body truncated by the mock",
    )
}

/// `response`, with its whole length announced and the first half of its body sent, then,
/// `pause` later, what `rest` makes of the second half: that half, or an error that ends the
/// connection.
async fn split_body(
    response: Response,
    pause: Duration,
    rest: impl FnOnce(Bytes) -> Result<Bytes, std::io::Error> + Send + 'static,
) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let second = bytes.slice(bytes.len() / 2..);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    // The rest comes a moment after the half, so that the server flushes the half (with the
    // headers) first.
    let chunks = stream::once(async move { Ok(half) }).chain(stream::once(async move {
        tokio::time::sleep(pause).await;
        rest(second)
    }));
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// `response`, its body preceded by `padding` bytes of whitespace, streamed in chunks.
async fn pad(response: Response, padding: usize) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    let chunk = Bytes::from(vec![b' '; PAD_CHUNK]);
    let padding =
        stream::iter((0..padding).step_by(PAD_CHUNK).map(move |start| {
            Ok::<_, std::io::Error>(chunk.slice(..PAD_CHUNK.min(padding - start)))
        }));
    let body = padding.chain(stream::once(async move { Ok(bytes) }));
    Response::from_parts(parts, Body::from_stream(body))
}

/// `response` with its JSON body changed by `change` (left as it is when it is not JSON).
async fn rewrite(response: Response, change: impl FnOnce(&mut Value)) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    change(&mut json);
    let bytes = serde_json::to_vec(&json).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// Sets every `nextPageToken` that holds a token, anywhere in `json`, to `token`.
fn set_page_tokens(json: &mut Value, token: &str) {
    match json {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                if key == "nextPageToken" && value.is_string() {
                    *value = Value::String(token.to_owned());
                } else {
                    set_page_tokens(value, token);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| set_page_tokens(item, token)),
        _ => {}
    }
}

/// Empties every `entities` list in `json`.
fn empty_groups(json: &mut Value) {
    match json {
        Value::Object(object) => {
            for (key, value) in object.iter_mut() {
                if key == "entities" && value.is_array() {
                    *value = Value::Array(Vec::new());
                } else {
                    empty_groups(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(empty_groups),
        _ => {}
    }
}
