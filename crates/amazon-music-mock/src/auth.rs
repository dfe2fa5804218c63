//! Credentials: the ones the server accepts, the tokens it has issued, its clock, and the check
//! every view request goes through.
//!
//! The check, in order (the first failure answers):
//!
//! | request | answer |
//! |---|---|
//! | no `x-api-key`, or not the server's | `403 INVALID_API_KEY` |
//! | no `Authorization` | `401 INVALID_AUTH_TOKEN` |
//! | `Authorization` with a scheme other than `Bearer` | `401 INVALID_AUTH_TYPE` |
//! | `Bearer` with no token, or a token the server never issued | `401 INVALID_AUTH_TOKEN` |
//! | a token past its lifetime, by the server's clock | `401 INVALID_ACCESS_TOKEN` |

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::MockState;
use crate::error::ApiError;

/// The credentials the server accepts: plain strings, since it is a mock. `Debug` shows only
/// the client ID.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    api_key: String,
    access_token: String,
    client_id: String,
    client_secret: String,
    refresh_token: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            api_key: "amzn1.application.mock-0a1b2c3d4e5f".to_owned(),
            access_token: "Atza|mock-access-token-0".to_owned(),
            client_id: "amzn1.application-oa2-client.mock-6a7b8c9d".to_owned(),
            client_secret: "mock-client-secret-1f2e3d4c".to_owned(),
            refresh_token: "Atzr|mock-refresh-token-0".to_owned(),
        }
    }
}

impl Credentials {
    /// The API key (`x-api-key`), the security profile ID of the mock application.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// An access token (`Authorization: Bearer ...`) valid from the server's start for the
    /// configured token lifetime (default one hour).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The client ID the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// A refresh token the token endpoint accepts, for as long as the server runs.
    pub fn refresh_token(&self) -> &str {
        &self.refresh_token
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Credentials")
            .field("api_key", &"[REDACTED]")
            .field("access_token", &"[REDACTED]")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .finish()
    }
}

/// The server's clock: real time, or (frozen) the time it was made at, plus however far a
/// test has moved it on.
#[derive(Clone, Debug, Default)]
pub(crate) struct Clock {
    frozen_at: Option<Instant>,
    offset: Arc<Mutex<Duration>>,
}

impl Clock {
    /// A clock that stands still but for [`advance`](Self::advance).
    pub(crate) fn frozen() -> Self {
        Self {
            frozen_at: Some(Instant::now()),
            offset: Arc::default(),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        self.frozen_at.unwrap_or_else(Instant::now)
            + *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(PoisonError::into_inner);
        *offset = offset.saturating_add(by);
    }
}

/// A device login in progress.
#[derive(Debug)]
pub(crate) struct DeviceCode {
    pub(crate) user_code: String,
    pub(crate) expires_at: Instant,
    /// How many times the token endpoint was asked about it.
    pub(crate) polls: u32,
}

/// What the token endpoint has issued.
#[derive(Debug)]
pub(crate) struct Tokens {
    clock: Clock,
    lifetime: Duration,
    issued: AtomicU64,
    /// Access tokens, with when they expire.
    access: Mutex<HashMap<String, Instant>>,
    /// Refresh tokens, each with whether it was issued to a public client (one without a
    /// secret: the device flow, or PKCE without the secret), which refreshes without one.
    refresh: Mutex<HashMap<String, bool>>,
    pub(crate) devices: Mutex<HashMap<String, DeviceCode>>,
    /// Authorization codes the authorize endpoint issued, each with its PKCE challenge
    /// (`S256`), good for one exchange.
    pub(crate) codes: Mutex<HashMap<String, String>>,
}

/// Why a bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    Unknown,
    Expired,
}

impl Tokens {
    pub(crate) fn new(credentials: &Credentials, clock: Clock, lifetime: Duration) -> Self {
        let expires = clock.now() + lifetime;
        Self {
            access: Mutex::new(HashMap::from([(credentials.access_token.clone(), expires)])),
            refresh: Mutex::new(HashMap::from([(credentials.refresh_token.clone(), false)])),
            devices: Mutex::new(HashMap::new()),
            codes: Mutex::new(HashMap::new()),
            issued: AtomicU64::new(1),
            clock,
            lifetime,
        }
    }

    /// How long the tokens issued from now on live.
    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A fresh number, for the names of issued tokens and codes.
    pub(crate) fn serial(&self) -> u64 {
        self.issued.fetch_add(1, Ordering::Relaxed)
    }

    /// Issues an access token that lives [`lifetime`](Self::lifetime) from now.
    pub(crate) fn issue_access(&self) -> String {
        let serial = self.serial();
        let token = format!("Atza|mock-{serial}-{:016x}", scramble(serial));
        let expires = self.clock.now() + self.lifetime;
        lock(&self.access).insert(token.clone(), expires);
        token
    }

    /// Issues a refresh token, good for as long as the server runs; a `public` one (for a
    /// client without a secret) is refreshed without the client secret.
    pub(crate) fn issue_refresh(&self, public: bool) -> String {
        let serial = self.serial();
        let token = format!("Atzr|mock-{serial}-{:016x}", scramble(serial ^ 0x5a5a));
        lock(&self.refresh).insert(token.clone(), public);
        token
    }

    /// Whether `token` is a refresh token this server issued, and if so whether it is public.
    pub(crate) fn refresh_token(&self, token: &str) -> Option<bool> {
        lock(&self.refresh).get(token).copied()
    }

    /// Checks an access token.
    pub(crate) fn check(&self, token: &str) -> Result<(), Refusal> {
        match lock(&self.access).get(token) {
            None => Err(Refusal::Unknown),
            Some(expires) if *expires <= self.clock.now() => Err(Refusal::Expired),
            Some(_) => Ok(()),
        }
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Mixes a number's bits, so that issued tokens do not look sequential.
fn scramble(serial: u64) -> u64 {
    let mut z = serial.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z ^ (z >> 31)
}

/// Checks the credentials of a view request (see the module docs for the answers).
pub(crate) fn check(state: &MockState, headers: &HeaderMap) -> Result<(), ApiError> {
    let credentials = state.credentials();
    match headers.get("x-api-key").map(|value| value.as_bytes()) {
        Some(key) if key == credentials.api_key.as_bytes() => {}
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "INVALID_API_KEY",
                "The API key is not valid.",
            ));
        }
        None => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "INVALID_API_KEY",
                "The x-api-key header is missing.",
            ));
        }
    }
    let unauthorized = |code, message: &str| ApiError::new(StatusCode::UNAUTHORIZED, code, message);
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "INVALID_AUTH_TOKEN",
            "The Authorization header is missing.",
        ));
    };
    let authorization = authorization.to_str().unwrap_or_default().trim();
    let (scheme, token) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(unauthorized(
            "INVALID_AUTH_TYPE",
            "The Authorization header must carry a Bearer token.",
        ));
    }
    match state.tokens().check(token.trim()) {
        Ok(()) => Ok(()),
        Err(Refusal::Unknown) => Err(unauthorized(
            "INVALID_AUTH_TOKEN",
            "The access token is not valid.",
        )),
        Err(Refusal::Expired) => Err(ApiError::expired_token()),
    }
}

/// The middleware that runs [`check`] before every view.
pub(crate) async fn require_credentials(
    State(state): State<MockState>,
    request: Request,
    next: Next,
) -> Response {
    match check(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            let path = request.uri().path().to_owned();
            tracing::debug!(%path, code = error.code, "refused the request's credentials");
            error.at(&path).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_expire_by_the_servers_clock() {
        let clock = Clock::frozen();
        let tokens = Tokens::new(
            &Credentials::default(),
            clock.clone(),
            Duration::from_secs(60),
        );
        let token = tokens.issue_access();
        assert_eq!(tokens.check(&token), Ok(()));
        assert_eq!(tokens.check(Credentials::default().access_token()), Ok(()));
        clock.advance(Duration::from_secs(59));
        assert_eq!(tokens.check(&token), Ok(()));
        clock.advance(Duration::from_secs(1));
        assert_eq!(tokens.check(&token), Err(Refusal::Expired));
        assert_eq!(tokens.check("Atza|never-issued"), Err(Refusal::Unknown));
    }

    #[test]
    fn issued_tokens_differ() {
        let tokens = Tokens::new(
            &Credentials::default(),
            Clock::default(),
            Duration::from_secs(60),
        );
        assert_ne!(tokens.issue_access(), tokens.issue_access());
        let refresh = tokens.issue_refresh(true);
        assert!(refresh.starts_with("Atzr|"));
        assert_eq!(tokens.refresh_token(&refresh), Some(true));
        assert_eq!(
            tokens.refresh_token(Credentials::default().refresh_token()),
            Some(false)
        );
        assert_eq!(tokens.refresh_token("Atzr|never-issued"), None);
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let credentials = Credentials::default();
        let debug = format!("{credentials:?}");
        for secret in [
            credentials.api_key(),
            credentials.access_token(),
            credentials.client_secret(),
            credentials.refresh_token(),
        ] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}
