//! The TLS of the SDK's HTTP clients, chosen by feature: rustls with the `ring` provider and the
//! platform's certificate verifier (`rustls`, the default: it builds much faster than aws-lc-rs),
//! rustls with `aws-lc-rs` (`rustls-aws-lc-rs`), or the platform's library (`native-tls`). When
//! several are on, `native-tls` wins, then `rustls-aws-lc-rs`.

use crate::Result;

/// A `reqwest::ClientBuilder` with the SDK's TLS. Start from it when you give the SDK an HTTP
/// client of your own ([`ClientBuilder::http_client`](crate::ClientBuilder::http_client)): with
/// the default `rustls` feature, reqwest has no TLS provider of its own to fall back on.
///
/// ```
/// let http = amazon_music::http_client_builder()?
///     .redirect(amazon_music::same_origin_redirects())
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When the platform's certificate verifier cannot be set up.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(all(
        feature = "rustls",
        not(feature = "native-tls"),
        not(feature = "rustls-aws-lc-rs")
    ))]
    let builder = builder.tls_backend_preconfigured(ring::client_config()?);
    Ok(builder)
}

#[cfg(all(
    feature = "rustls",
    not(feature = "native-tls"),
    not(feature = "rustls-aws-lc-rs")
))]
mod ring {
    use std::sync::Arc;

    use rustls_platform_verifier::BuilderVerifierExt;

    use crate::{Error, Result};

    /// rustls with the ring provider, the platform's verifier, and HTTP/2 offered by ALPN.
    pub(super) fn client_config() -> Result<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_platform_verifier())
            .map_err(|error| Error::invalid_request(format!("TLS could not be set up: {error}")))?
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}
