//! [`RawResponse`]: a response as received, for what the models do not know yet.

use std::fmt;

use http::HeaderMap;

/// A success response as it was received: its status, headers and body bytes, after auth,
/// retries and error mapping (an error status is still an [`Error`](crate::Error)), whether
/// or not the body decodes into the models.
///
/// What [`ViewRequest::send_raw`](crate::ViewRequest::send_raw) returns: for fields and
/// entities the models do not know yet. The body is as the server sent it, after any
/// `Content-Encoding` (gzip) is decoded.
///
/// ```no_run
/// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
/// let raw = client.home().limit(5).send_raw().await?;
/// let body: serde_json::Value = serde_json::from_slice(raw.body()).expect("JSON");
/// println!("{} {}", raw.status(), body["data"]["someNewField"]);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn new(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status, a success (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, byte for byte.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }
}

/// Shows the status, the headers and the body's length, not the body.
impl fmt::Debug for RawResponse {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}
