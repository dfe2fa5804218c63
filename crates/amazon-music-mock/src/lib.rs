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
pub use server::{MockConfig, MockServer, MockServerBuilder, MockState};

/// The mock's routes, to serve or embed in an app of your own: the sixteen views (which check
/// credentials), the token endpoints, the admin endpoint (`/__mock/...`), and a catch-all that
/// answers `404 NOT_FOUND` naming the request.
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
    use views::LibraryList;
    let views = LibraryList::ALL
        .into_iter()
        .fold(Router::new(), |router, which| {
            router.route(
                which.path(),
                get(move |state, uri, headers, query| {
                    views::library_list(which, state, uri, headers, query)
                }),
            )
        })
        .route("/v1/views/home", get(views::home))
        .route("/v1/views/home/{group_id}", get(views::home_group))
        .route("/v1/views/podcasts", get(views::podcasts))
        .route("/v1/views/podcasts/{group_id}", get(views::podcasts_group))
        .route("/v1/views/podcasts/shows/{id}", get(views::podcast_show))
        .route("/v1/views/library", get(views::library))
        .route("/v1/views/library/podcasts", get(views::library_podcasts))
        .route("/v1/views/library/{group_id}", get(views::library_group))
        .route("/v1/views/artists/{id}", get(views::artist))
        .route("/v1/views/albums/{id}", get(views::album))
        .route("/v1/views/playlists/{id}", get(views::playlist))
        .route("/v1/views/recent", get(views::recent))
        .route_layer(from_fn_with_state(state.clone(), auth::require_credentials));
    // (Literal paths such as `/v1/views/library/songs` win over `/v1/views/library/{group_id}`,
    // whatever the order of the routes.)
    let lwa = Router::new()
        .route("/auth/o2/token", post(lwa::token))
        .route("/auth/o2/create/codepair", post(lwa::codepair));
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
