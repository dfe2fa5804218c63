//! The per-call context the generated client carries: headers to add, and what came back.

use std::sync::{Arc, OnceLock};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Extra headers for the requests of one [`Client`](crate::Client), and the status and headers
/// of the last response it received.
///
/// The generated operations only know the headers the spec lists as parameters; credentials
/// (`x-api-key`, `Authorization`) travel here, marked sensitive so that `Debug` hides them.
/// Recording the response lets a caller classify a failure even when its body could not be
/// decoded (an HTML page from a proxy, say).
///
/// ```
/// use amazon_music_client::{CallContext, Client};
/// use reqwest::header::{HeaderName, HeaderValue};
///
/// let context = CallContext::new()
///     .with_header(HeaderName::from_static("x-api-key"), HeaderValue::from_static("my-profile-id"));
/// let client = Client::new("https://api.music.amazon.dev", context);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    headers: HeaderMap,
    response: Arc<OnceLock<ResponseMeta>>,
}

#[derive(Debug)]
struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
}

impl CallContext {
    /// An empty context: no extra headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a header to every request, replacing one of the same name. Its value is marked
    /// sensitive when the name is `authorization` or `x-api-key`.
    pub fn with_header(mut self, name: HeaderName, mut value: HeaderValue) -> Self {
        if name == reqwest::header::AUTHORIZATION || name.as_str() == "x-api-key" {
            value.set_sensitive(true);
        }
        self.headers.insert(name, value);
        self
    }

    /// The status of the first response received through this context, if any.
    pub fn response_status(&self) -> Option<StatusCode> {
        self.response.get().map(|meta| meta.status)
    }

    /// The headers of the first response received through this context, if any.
    pub fn response_headers(&self) -> Option<&HeaderMap> {
        self.response.get().map(|meta| &meta.headers)
    }

    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
    }

    pub(crate) fn record(&self, response: &reqwest::Response) {
        let _ = self.response.set(ResponseMeta {
            status: response.status(),
            headers: response.headers().clone(),
        });
    }
}
