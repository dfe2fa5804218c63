//! The middleware that injects the faults: it asks [`Faults`](super::Faults) what to do with
//! each request, and does it.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream;

use super::FaultKind;
use crate::MockState;
use crate::admin_path;
use crate::error::ApiError;
use crate::operation::Operation;

/// How long a truncated body waits, after its half, before it fails.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

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
        FaultKind::Latency(_) => next.run(request).await,
        FaultKind::Throttle(retry_after) => {
            let mut error =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "THROTTLED", "Rate exceeded.")
                    .at(&path);
            let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            error.retry_after = Some(seconds);
            error.into_response()
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
        FaultKind::TruncateBody => truncate(next.run(request).await).await,
    }
}

/// `response`, with its whole length announced and half its body sent before an error.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => Bytes::new(),
    };
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    // The error comes a moment after the half, so that the server flushes the half (with the
    // headers) before it drops the connection.
    let chunks = stream::unfold(Some(half), |half| async move {
        match half {
            Some(half) => Some((Ok(half), None)),
            None => {
                tokio::time::sleep(FLUSH_PAUSE).await;
                let error = std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "body truncated by the mock",
                );
                Some((Err(error), None))
            }
        }
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}
