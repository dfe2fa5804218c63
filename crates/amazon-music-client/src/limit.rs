//! A bound on the size of a response body, so that a huge or endless one cannot exhaust memory.

use http_body_util::{LengthLimitError, Limited};

/// `response`, whose body fails once more than `limit` bytes of it have been read.
pub(crate) fn limit_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let limited = reqwest::Body::wrap(Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, limited))
}

/// Whether `error`, or one of its sources, says that a response body passed the limit set
/// with [`CallContext::with_max_body_size`](crate::CallContext::with_max_body_size).
pub fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |error| error.source())
        .any(|error| error.is::<LengthLimitError>())
}
