//! The TLS of the SDK's HTTP clients, chosen by feature: the platform's library (`native-tls`,
//! the default) or rustls with aws-lc-rs (`rustls`, which wins when both are on). Either way
//! reqwest brings its own provider, so the app's own `reqwest` clients in the same build work
//! too: nothing process-wide is installed or required.

use crate::Result;

/// A `reqwest::ClientBuilder` with the SDK's TLS backend. Start from it when you give the SDK an
/// HTTP client of your own ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client)),
/// so that it uses the backend the SDK's features chose.
///
/// ```
/// let http = amazon_music::http_client_builder()?
///     .redirect(amazon_music::same_origin_redirects())
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// None with today's backends; the `Result` leaves room for one whose setup can fail.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_rustls();
    #[cfg(all(feature = "native-tls", not(feature = "rustls")))]
    let builder = builder.tls_backend_native();
    Ok(builder)
}
