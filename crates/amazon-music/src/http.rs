//! The HTTP side of the SDK: a `reqwest` client builder set up as the SDK's own client is (its
//! TLS backend and redirect policy), the redirect policy alone, and the defaults
//! [`ClientBuilder`](crate::ClientBuilder) starts from.
//!
//! The TLS backend is chosen by feature: the platform's library (`native-tls`, the default) or
//! rustls with aws-lc-rs (`rustls`, which wins when both are on). Either way reqwest brings its
//! own provider, so the app's own `reqwest` clients in the same build work too: nothing
//! process-wide is installed or required.

pub use crate::client::{DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BODY_SIZE, DEFAULT_USER_AGENT};
pub use crate::redirect::same_origin_redirects;

use crate::Result;

/// The TLS backend this build of the SDK uses: `"rustls"` or `"native-tls"` (the platform's
/// library: OpenSSL on Linux).
#[cfg(feature = "rustls")]
pub const TLS_BACKEND: &str = "rustls";
/// The TLS backend this build of the SDK uses: `"rustls"` or `"native-tls"` (the platform's
/// library: OpenSSL on Linux).
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
pub const TLS_BACKEND: &str = "native-tls";
/// The TLS backend this build of the SDK uses: none (no TLS feature: `http://` URLs only).
#[cfg(not(any(feature = "native-tls", feature = "rustls")))]
pub const TLS_BACKEND: &str = "none";

/// A `reqwest::ClientBuilder` as the SDK builds its own client: its TLS backend, and redirects
/// followed only on the request's origin ([`same_origin_redirects`]). Start from it when you
/// give the SDK an HTTP client of your own
/// ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client)).
///
/// ```
/// let http = amazon_music::http::client_builder()?
///     .pool_max_idle_per_host(4)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None with today's backends; the `Result` leaves room for one whose setup can fail.
pub fn client_builder() -> Result<reqwest::ClientBuilder> {
    let builder = reqwest::Client::builder().redirect(same_origin_redirects());
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_rustls();
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let builder = builder.tls_backend_native();
    Ok(builder)
}
