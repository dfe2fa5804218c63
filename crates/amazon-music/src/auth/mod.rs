//! Where access tokens come from: a [`TokenSource`], and the ways to get the first tokens.
//!
//! - [`StaticToken`]: a token you already have; it cannot be refreshed.
//! - [`LwaTokenSource`]: Login with Amazon's refresh-token grant, cached and refreshed ahead of
//!   expiry (in the background, while the token is still valid), and once more when the API
//!   says a token is no longer valid; it can start from an access token you already have.
//! - [`PkceLogin`] and [`DeviceLogin`]: the two ways to get the first [`Tokens`] (and so a
//!   refresh token), asking for some of the [`scopes`].
//!
//! Every request to Login with Amazon is one form POST over this crate's own `reqwest` client;
//! a grant's answer is read as one token response, and a failure becomes an
//! [`Error::Auth`](crate::Error::Auth), retryable by the same rule as the client's own retries.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};

use crate::Result;

mod advice;
mod cache;
mod device;
mod exchange;
mod lwa;
mod pkce;
mod region;
mod settings;
#[cfg(test)]
mod test_support;

pub use device::{DeviceAuthorization, DeviceLogin, DeviceLoginBuilder};
pub use lwa::{LwaTokenSource, LwaTokenSourceBuilder};
pub use pkce::{DEFAULT_AUTHORIZE_URL, PkceLogin, PkceLoginBuilder};
pub use region::LwaRegion;

/// The Amazon Music scopes an app can ask for when a user logs in, as Amazon's developer
/// pages list them; a login asks for one or more (see [`PkceLogin`] and [`DeviceLogin`]).
pub mod scopes {
    /// `music::catalog`.
    pub const CATALOG: &str = "music::catalog";
    /// `music::library`.
    pub const LIBRARY: &str = "music::library";
    /// `music::library:read`.
    pub const LIBRARY_READ: &str = "music::library:read";
    /// `music::favorites`.
    pub const FAVORITES: &str = "music::favorites";
    /// `music::favorites:read`.
    pub const FAVORITES_READ: &str = "music::favorites:read";
    /// `music::history`.
    pub const HISTORY: &str = "music::history";
    /// `music::playback`.
    pub const PLAYBACK: &str = "music::playback";
    /// `music::profile`.
    pub const PROFILE: &str = "music::profile";
    /// `music::profile:read`.
    pub const PROFILE_READ: &str = "music::profile:read";
    /// `music::recommendation`.
    pub const RECOMMENDATION: &str = "music::recommendation";
}

/// An OAuth 2.0 access token (`Atza|...`). `Debug` never shows it.
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }

    /// The token itself, for the `Authorization` header.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.expose_secret() == other.expose_secret()
    }
}

impl Eq for AccessToken {}

impl fmt::Debug for AccessToken {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("AccessToken([REDACTED])")
    }
}

/// What the token endpoint issued after a login: an access token and, usually, the refresh
/// token to keep for [`LwaTokenSource`]. `Debug` shows neither.
#[derive(Clone)]
#[non_exhaustive]
pub struct Tokens {
    /// The access token, for the API's `Authorization` header.
    pub access_token: AccessToken,
    /// The refresh token (`Atzr|...`) to get later access tokens with; store it safely.
    pub refresh_token: Option<SecretString>,
    /// How long the access token lives from when it was requested (LWA: one hour; one hour
    /// is also assumed when the endpoint does not say).
    pub expires_in: Duration,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Tokens")
            .field("access_token", &self.access_token)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| Redacted),
            )
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Shows as `[REDACTED]` in `Debug` output, in place of a secret.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("[REDACTED]")
    }
}

/// A source of access tokens for the API's `Authorization: Bearer` header.
///
/// The client asks for [`token`](TokenSource::token) before every attempt (retries included),
/// and calls [`refresh`](TokenSource::refresh) once per call when the API answers `401` with
/// `INVALID_ACCESS_TOKEN`, or with a body that is not a V1 error (a gateway's page), then tries
/// the call again at once with the new token. A `token` error that
/// [`is_retryable`](crate::Error::is_retryable) is retried like a failed request.
/// Implementations are shared between concurrent calls.
pub trait TokenSource: Send + Sync + fmt::Debug {
    /// A token that is valid now, fetched or refreshed as needed.
    ///
    /// # Errors
    /// [`Error::Auth`](crate::Error::Auth) when no token can be had.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken>>;

    /// A new token, because the API rejected `rejected`; `None` when this source cannot
    /// refresh. However many callers report the same rejected token at once, it is replaced
    /// once: the others get the replacement.
    ///
    /// # Errors
    /// [`Error::Auth`](crate::Error::Auth) when refreshing fails.
    fn refresh<'a>(
        &'a self,
        rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<Option<AccessToken>>>;
}

/// A token you already have, used as it is until it expires; it cannot be refreshed.
///
/// ```
/// use amazon_music::auth::StaticToken;
///
/// let token = StaticToken::new("Atza|IwEB...");
/// assert_eq!(format!("{token:?}"), "StaticToken(AccessToken([REDACTED]))");
/// ```
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Uses `token` for every request.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }

    fn refresh<'a>(
        &'a self,
        _rejected: &'a AccessToken,
    ) -> BoxFuture<'a, Result<Option<AccessToken>>> {
        Box::pin(async { Ok(None) })
    }
}
