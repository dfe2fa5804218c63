//! The crate's error type, and the V1 error bodies the server answers with.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use amazon_music_models::{ErrorDetail, ErrorResponse};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why the mock server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The listening socket could not be bound (e.g. the port is taken).
    #[error("could not listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The thread or runtime of a server started with
    /// [`start_blocking`](crate::MockServer::start_blocking) could not be set up.
    #[error("could not start the mock server's thread")]
    Thread {
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The spec's examples, which the catalog is built from, could not be read: a bug in the
    /// spec or in this crate, never in the caller.
    #[error("the spec's example {name} cannot be served")]
    Example {
        /// The example's key in `components/examples`.
        name: String,
        /// What was wrong with it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The recording to replay could not be read, or holds an answer HTTP cannot give.
    #[error("the recording {} cannot be replayed", path.display())]
    Replay {
        /// The recording.
        path: std::path::PathBuf,
        /// What was wrong with it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Numbers the `reference` of each error body, so that every error names itself.
static REFERENCES: AtomicU64 = AtomicU64::new(1);

/// A V1 error answer: a status and `{"error": {"status", "code", "message", "url", "reference"}}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) url: Option<String>,
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            url: None,
            retry_after: None,
        }
    }

    /// `400 BAD_REQUEST`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// `404 NOT_FOUND`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// `401 INVALID_ACCESS_TOKEN`: the token expired.
    pub(crate) fn expired_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_ACCESS_TOKEN",
            "The access token has expired.",
        )
    }

    /// Names the path the error is about, in the body's `url`.
    pub(crate) fn at(mut self, path: &str) -> Self {
        self.url = Some(path.to_owned());
        self
    }

    /// The body, as the models crate writes it.
    pub(crate) fn body(&self) -> ErrorResponse {
        let reference = REFERENCES.fetch_add(1, Ordering::Relaxed);
        ErrorResponse {
            error: ErrorDetail {
                status: self.status.as_u16().to_string(),
                code: self.code.to_owned(),
                message: self.message.clone(),
                url: self.url.clone(),
                reference: Some(format!("00000000-0000-4000-8000-{reference:012x}")),
                payload: None,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_carry_the_status_as_a_string_and_a_fresh_reference() {
        let error = ApiError::not_found("no album B0").at("/v1/views/albums/B0");
        let (first, second) = (error.body(), error.body());
        assert_eq!(first.error.status, "404");
        assert_eq!(first.error.code, "NOT_FOUND");
        assert_eq!(first.error.url.as_deref(), Some("/v1/views/albums/B0"));
        assert_ne!(first.error.reference, second.error.reference);
    }
}
