//! The per-call context the generated client carries: headers to add, and what came back.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use crate::CursorEncoding;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url, Version};

/// Extra headers for the requests of one [`Client`](crate::Client), and the status and headers
/// of the response to the most recent call made through it.
///
/// The generated operations only know the headers the spec lists as parameters; credentials
/// (`x-api-key`, `Authorization`) travel here, marked sensitive so that `Debug` hides them.
/// Recording the response lets a caller classify a failure even when its body could not be
/// decoded (an HTML page from a proxy, say).
///
/// # What it records
///
/// Clones share one record (a `Client` holds a clone: keep another to read it). Each call
/// through the client empties the record as it sends its request, then puts in it the status
/// and headers of its response, or leaves it empty when no response came (a connection
/// refused, or timed out before the response's head; a call dropped under way). So, for
/// calls made one after another, what is read after a call returns is that call's own
/// response, or `None`, never an earlier call's, with one exception: a call that fails before
/// its request is sent runs no hook and leaves the record as it was. That is a parameter or
/// header value that does not convert (`Error::InvalidRequest`, say for a `limit` of 0), or a
/// URL that does not parse (`Error::CommunicationError` from the request builder).
///
/// While calls sharing a record overlap, it holds whichever came last: the start of one, or
/// the end of any. To read each of several overlapping calls' own response, give each call a
/// record of its own with [`for_call`](Self::for_call).
///
/// ```
/// use amazon_music_client::{CallContext, Client};
/// use reqwest::header::{HeaderName, HeaderValue};
///
/// let context = CallContext::new()
///     .with_header(HeaderName::from_static("x-api-key"), HeaderValue::from_static("my-profile-id"));
/// let client = Client::new("https://api.music.amazon.dev", context.clone());
/// assert_eq!(context.response_status(), None, "no call made yet");
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    headers: HeaderMap,
    capture_body: bool,
    record_requests: bool,
    max_body_size: Option<usize>,
    cursor_encoding: CursorEncoding,
    response: Arc<Mutex<Option<ResponseMeta>>>,
    body: Arc<Mutex<Option<Bytes>>>,
    sent: Arc<Mutex<Option<(SentRequest, Instant)>>>,
}

/// The request of one call as it left, when, and how long its answer took: what a recording
/// of the traffic needs besides the response (see
/// [`recording_requests`](CallContext::recording_requests)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SentRequest {
    /// The method.
    pub method: Method,
    /// The URL, its query as sent.
    pub url: Url,
    /// The headers the request left with, the context's among them (credentials marked
    /// sensitive); the HTTP client may add more on the wire (`Accept-Encoding`, `Host`).
    pub headers: HeaderMap,
    /// When it left.
    pub started: SystemTime,
    /// From then until the response's head came; `None` while none has.
    pub wait: Option<Duration>,
    /// How long reading the whole body took; `None` unless it was read whole.
    pub receive: Option<Duration>,
    /// The response's HTTP version; `None` while no response has come.
    pub response_version: Option<Version>,
}

/// The status and headers of one response.
#[derive(Debug)]
struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
}

impl CallContext {
    /// An empty context: no extra headers, nothing recorded.
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

    /// Also records each response's body, as received (after any `Content-Encoding` is
    /// decoded), for [`response_body`](Self::response_body).
    ///
    /// The body is then read whole before the generated operation decodes it (as it would be
    /// anyway), and a failure while reading it is the call's `Error::CommunicationError`.
    pub fn capturing_body(mut self) -> Self {
        self.capture_body = true;
        self
    }

    /// Also records each call's request as it left, when, and how long its answer took, for
    /// [`sent_request`](Self::sent_request); implies [`capturing_body`](Self::capturing_body).
    /// For a recording of the traffic.
    pub fn recording_requests(mut self) -> Self {
        self.capture_body = true;
        self.record_requests = true;
        self
    }

    /// Limits every response body to `bytes` (after decompression): reading more fails the
    /// body with an error that [`is_body_too_large`](crate::is_body_too_large) recognises, so
    /// a huge or endless body costs at most about that much memory. Default: no limit.
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// The limit on response bodies set with [`with_max_body_size`](Self::with_max_body_size).
    pub fn max_body_size(&self) -> Option<usize> {
        self.max_body_size
    }

    /// Writes each request's `cursor` as `encoding` says. Default:
    /// [`CursorEncoding::Verbatim`], the token as received.
    pub fn with_cursor_encoding(mut self, encoding: CursorEncoding) -> Self {
        self.cursor_encoding = encoding;
        self
    }

    /// How requests through this context write their `cursor`.
    pub fn cursor_encoding(&self) -> CursorEncoding {
        self.cursor_encoding
    }

    /// The same headers, body and request capture, body limit and cursor encoding, with a
    /// record of its own (empty), shared with neither this context nor its clones.
    ///
    /// For calls that may overlap: a client per call, each with its own record, lets each
    /// caller read its own response.
    pub fn for_call(&self) -> Self {
        Self {
            headers: self.headers.clone(),
            capture_body: self.capture_body,
            record_requests: self.record_requests,
            max_body_size: self.max_body_size,
            cursor_encoding: self.cursor_encoding,
            response: Arc::default(),
            body: Arc::default(),
            sent: Arc::default(),
        }
    }

    /// The status of the response to the most recent call made through this context (or a
    /// clone); `None` before any call, while one is under way, and when it got no response.
    pub fn response_status(&self) -> Option<StatusCode> {
        self.recorded().as_ref().map(|meta| meta.status)
    }

    /// The headers of the response to the most recent call made through this context (or a
    /// clone), copied; `None` when [`response_status`](Self::response_status) is.
    pub fn response_headers(&self) -> Option<HeaderMap> {
        self.recorded().as_ref().map(|meta| meta.headers.clone())
    }

    /// The body of the response to the most recent call made through this context (or a
    /// clone), with [`capturing_body`](Self::capturing_body); `None` without it, and when
    /// [`response_status`](Self::response_status) is.
    pub fn response_body(&self) -> Option<Bytes> {
        lock(&self.body).clone()
    }

    /// The request of the most recent call made through this context (or a clone), with
    /// [`recording_requests`](Self::recording_requests); `None` without it, and before any
    /// call.
    pub fn sent_request(&self) -> Option<SentRequest> {
        lock(&self.sent).as_ref().map(|(sent, _)| sent.clone())
    }

    /// Adds the headers to `request`, and empties the record: a call is starting.
    pub(crate) fn start(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        *self.recorded() = None;
        *lock(&self.body) = None;
        *lock(&self.sent) = self.record_requests.then(|| {
            let sent = SentRequest {
                method: request.method().clone(),
                url: request.url().clone(),
                headers: request.headers().clone(),
                started: SystemTime::now(),
                wait: None,
                receive: None,
                response_version: None,
            };
            (sent, Instant::now())
        });
    }

    /// Notes that the head of `response` has come.
    pub(crate) fn head_arrived(&self, response: &reqwest::Response) {
        if let Some((sent, started)) = lock(&self.sent).as_mut() {
            sent.wait = Some(started.elapsed());
            sent.response_version = Some(response.version());
        }
    }

    /// Reads the body of `response` whole and records it, when this context captures bodies,
    /// and gives back a response with the same status, headers and body.
    pub(crate) async fn capture(
        &self,
        response: reqwest::Response,
    ) -> reqwest::Result<reqwest::Response> {
        if !self.capture_body {
            return Ok(response);
        }
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        if let Some((sent, started)) = lock(&self.sent).as_mut() {
            sent.receive = Some(
                started
                    .elapsed()
                    .saturating_sub(sent.wait.unwrap_or_default()),
            );
        }
        *lock(&self.body) = Some(body.clone());
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(rebuilt.into())
    }

    /// Records the outcome of a call: its response's status and headers, or nothing.
    pub(crate) fn finish(&self, result: &reqwest::Result<reqwest::Response>) {
        *self.recorded() = result.as_ref().ok().map(|response| ResponseMeta {
            status: response.status(),
            headers: response.headers().clone(),
        });
    }

    /// The record, locked.
    fn recorded(&self) -> MutexGuard<'_, Option<ResponseMeta>> {
        lock(&self.response)
    }
}

/// `mutex`, locked. A panic while it was held cannot leave it half-written (each write is one
/// assignment), so a poisoned lock is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
