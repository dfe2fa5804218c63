#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod admin;
mod admin_path;
mod auth;
mod catalog;
mod error;
mod faults;
mod journal;
mod locale;
mod lwa;
mod operation;
mod paging;
mod replay;
mod server;
mod views;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

pub use auth::Credentials;
pub use error::MockError;
pub use faults::{Fault, FaultId, Faults};
pub use journal::ReceivedRequest;
pub use locale::{IMAGE_STYLES, LOCALES};
pub use operation::{Operation, UnknownOperation};
pub use paging::CursorStyle;
pub use server::{MockConfig, MockServer, MockServerBuilder, MockState};

/// The mock's routes, to serve or embed in an app of your own: every view operation of the
/// spec (which check credentials), the token endpoints, the admin endpoint (`/__mock/...`), and a catch-all that
/// answers `404 NOT_FOUND` naming the request. With a [recording to replay](MockConfig::replay),
/// the admin endpoint and the recording's answers.
///
/// ```
/// use amazon_music_mock::{MockConfig, MockState, router};
///
/// let state = MockState::new(MockConfig::default().library_size(50))?;
/// let app: axum::Router = router(state.clone());
/// # let _ = app;
/// # Ok::<(), amazon_music_mock::MockError>(())
/// ```
pub fn router(state: MockState) -> Router {
    if state.replay().is_some() {
        return Router::new()
            .merge(admin::routes())
            .fallback(replay::serve)
            .layer(from_fn_with_state(state.clone(), faults::inject))
            .layer(from_fn_with_state(state.clone(), journal::record))
            .with_state(state);
    }
    // One route per operation of the spec's table. Literal paths such as
    // `/v1/views/library/songs` win over `/v1/views/library/{groupId}`, whatever the order.
    let views = Operation::ALL
        .into_iter()
        .fold(Router::new(), |router, operation| {
            router.route(
                operation.path_template(),
                get(move |state, uri, headers, path, query| {
                    views::serve(operation, state, uri, headers, path, query)
                }),
            )
        })
        .route_layer(from_fn_with_state(state.clone(), auth::require_credentials));
    let lwa = Router::new()
        .route("/auth/o2/token", post(lwa::token))
        .route("/auth/o2/create/codepair", post(lwa::codepair))
        .route("/ap/oa", get(lwa::authorize));
    Router::new()
        .merge(views)
        .merge(lwa)
        .merge(admin::routes())
        .fallback(views::not_found)
        .method_not_allowed_fallback(views::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), faults::inject))
        .layer(from_fn_with_state(state.clone(), journal::record))
        .with_state(state)
}
