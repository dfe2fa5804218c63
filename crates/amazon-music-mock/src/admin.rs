//! The admin endpoint, for a server run on its own (where tests cannot reach
//! [`MockServer::faults`](crate::MockServer::faults)). No credentials are needed.
//!
//! | request | effect |
//! |---|---|
//! | `POST /__mock/faults` with a JSON fault | injects it; answers `201 {"id": N}` |
//! | `DELETE /__mock/faults` | removes every fault; `204` |
//! | `POST /__mock/clock` with `{"advance_secs": N}` | moves the clock on (tokens expire); `204` |
//! | `GET /__mock/requests` | the requests received so far, as JSON; `DELETE` forgets them |
//!
//! A JSON fault: `{"kind": K, ...}`, with `kind` one of `latency` (`millis`), `throttle`
//! (`retry_after_secs`, default 1, or `retry_after`, a raw header value), `rate_limit`
//! (`per_second`, default 1: a 429 to the requests over that rate), `status` (`status`,
//! default 500), `drop_connection`, `truncate_body`, `stall_body` (`millis`), `pad_body`
//! (`bytes`), `respond` (`status`, default 200, `content_type`, default `application/json`,
//! `body`), `repeat_page_token`, `empty_page`, `expired_token`; and optionally `path` (a path
//! prefix) or `operation` (an `operationId`), `times` and `after`.

use std::time::Duration;

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::MockState;
use crate::faults::FaultSpec;

/// Injects (`POST`) or clears (`DELETE`) faults.
const FAULTS: &str = "/__mock/faults";
/// Moves the clock on.
const CLOCK: &str = "/__mock/clock";
/// Lists (`GET`) or forgets (`DELETE`) the requests received.
const REQUESTS: &str = "/__mock/requests";

/// The admin routes.
pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route(FAULTS, post(add_fault).delete(clear_faults))
        .route(CLOCK, post(advance_clock))
        .route(REQUESTS, get(requests).delete(forget_requests))
}

fn bad(message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Problem {
        error: String,
    }
    (
        StatusCode::BAD_REQUEST,
        Json(Problem {
            error: message.into(),
        }),
    )
        .into_response()
}

async fn add_fault(
    State(state): State<MockState>,
    spec: Result<Json<FaultSpec>, JsonRejection>,
) -> Response {
    let spec = match spec {
        Ok(Json(spec)) => spec,
        Err(rejection) => return bad(rejection.body_text()),
    };
    match spec.into_fault() {
        Ok(fault) => {
            #[derive(Serialize)]
            struct Added {
                id: u64,
            }
            let id = state.faults().inject(fault);
            (StatusCode::CREATED, Json(Added { id: id.0 })).into_response()
        }
        Err(message) => bad(message),
    }
}

async fn clear_faults(State(state): State<MockState>) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_secs: u64,
}

async fn advance_clock(
    State(state): State<MockState>,
    advance: Result<Json<Advance>, JsonRejection>,
) -> Response {
    match advance {
        Ok(Json(advance)) => {
            state.advance_clock(Duration::from_secs(advance.advance_secs));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(rejection) => bad(rejection.body_text()),
    }
}

async fn requests(State(state): State<MockState>) -> Response {
    #[derive(Serialize)]
    struct Entry {
        method: String,
        path: String,
        query: Option<String>,
        operation: Option<String>,
        status: u16,
    }
    let entries: Vec<Entry> = state
        .requests()
        .into_iter()
        .map(|request| Entry {
            operation: request.operation.map(|operation| operation.to_string()),
            method: request.method,
            path: request.path,
            query: request.query,
            status: request.status,
        })
        .collect();
    Json(entries).into_response()
}

async fn forget_requests(State(state): State<MockState>) -> StatusCode {
    state.journal().clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin_path;

    #[test]
    fn every_admin_route_is_under_the_prefix_the_middleware_skip() {
        for path in [FAULTS, CLOCK, REQUESTS] {
            assert!(admin_path::is_admin(path), "{path}");
        }
    }
}
