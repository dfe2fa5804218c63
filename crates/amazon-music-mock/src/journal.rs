//! The requests the server received, for tests to count and inspect.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::MockState;
use crate::admin_path;
use crate::auth::lock;
use crate::operation::Operation;

/// How many requests are kept; older ones are forgotten.
const CAPACITY: usize = 10_000;

/// One request the server received, and its answer's status. Headers are not kept: they hold
/// credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The query string, still percent-encoded, if there was one.
    pub query: Option<String>,
    /// The view operation called, if the path names one.
    pub operation: Option<Operation>,
    /// The status answered (`200` for a dropped connection or a truncated body, whose faults
    /// act after the status is sent).
    pub status: u16,
}

/// The last [`CAPACITY`] requests.
#[derive(Clone, Debug, Default)]
pub(crate) struct Journal {
    requests: Arc<Mutex<VecDeque<ReceivedRequest>>>,
}

impl Journal {
    pub(crate) fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.requests).iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.requests).clear();
    }

    fn record(&self, request: ReceivedRequest) {
        let mut requests = lock(&self.requests);
        if requests.len() == CAPACITY {
            requests.pop_front();
        }
        requests.push_back(request);
    }
}

/// The middleware that records every request but the admin endpoint's.
pub(crate) async fn record(
    State(state): State<MockState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    if admin_path::is_admin(&path) {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status().as_u16();
    tracing::debug!(%method, %path, status, "answered a request");
    state.journal().record(ReceivedRequest {
        operation: Operation::from_path(&path),
        method,
        path,
        query,
        status,
    });
    response
}
