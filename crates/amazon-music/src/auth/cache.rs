//! The access-token cache behind [`LwaTokenSource`](super::LwaTokenSource).
//!
//! One [`tokio::sync::Mutex`] guards the cached token and is held across a refresh: the first
//! caller that finds the token missing, stale or rejected fetches a new one, and the callers
//! that arrive meanwhile queue on the lock; once they hold it they find the new token and share
//! it, or find that the refresh they waited on failed and share that failure. A failure is
//! never cached: the next caller to arrive after it tries again.
//!
//! # When a token is refreshed
//!
//! A token that lives `expires_in` is used until `expires_in - min(refresh_ahead,
//! expires_in / 2)` after it was requested, then refreshed on the next call: with the default
//! five-minute margin, a one-hour LWA token is refreshed after 55 minutes, and a token that
//! lives less than twice the margin (say two minutes) is used for half its life. The clock
//! starts when the token request is sent, not when its answer arrives, so a slow answer errs
//! on the early side.
//!
//! If a refresh ahead of expiry fails while the current token is still valid, callers keep
//! using the current token (the next call tries again); once it has expired, or after the API
//! rejected it, the failure is returned.
//!
//! The clock is [`tokio::time::Instant`], so tests drive it with `tokio::time::pause()` and
//! `advance()`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::debug;

use super::AccessToken;
use crate::{BoxError, Error, Result};

/// How long before expiry a token is refreshed, unless configured otherwise: five minutes.
pub(crate) const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);

/// A cached access token, refreshed by the fetch function each call passes in.
pub(crate) struct TokenCache {
    refresh_ahead: Duration,
    state: Mutex<State>,
    /// How many fetches have finished, successfully or not. A caller reads it before it waits
    /// for the lock, so that once it holds the lock it can tell whether a fetch finished while
    /// it waited (and share that fetch's outcome rather than start another).
    finished: AtomicU64,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// The last fetch's failure, with the value of `finished` it left behind; cleared by the
    /// next success.
    failure: Option<(u64, SharedFailure)>,
}

struct Cached {
    token: AccessToken,
    expires_at: Instant,
    refresh_at: Instant,
}

impl Cached {
    fn new(
        token: AccessToken,
        requested_at: Instant,
        expires_in: Duration,
        ahead: Duration,
    ) -> Self {
        let ahead = ahead.min(expires_in / 2);
        Self {
            token,
            expires_at: requested_at + expires_in,
            refresh_at: requested_at + (expires_in - ahead),
        }
    }
}

impl State {
    /// The failure of a fetch that finished after the caller read `seen`, if the last fetch
    /// failed.
    fn failure_since(&self, seen: u64) -> Option<Error> {
        match &self.failure {
            Some((finished, failure)) if *finished > seen => Some(failure.to_error()),
            _ => None,
        }
    }

    /// The current token if it has not expired yet.
    fn unexpired(&self, now: Instant) -> Option<AccessToken> {
        self.current
            .as_ref()
            .filter(|cached| now < cached.expires_at)
            .map(|cached| cached.token.clone())
    }
}

impl TokenCache {
    /// An empty cache that refreshes `refresh_ahead` before expiry (at most half a token's life).
    pub(crate) fn new(refresh_ahead: Duration) -> Self {
        Self {
            refresh_ahead,
            state: Mutex::new(State::default()),
            finished: AtomicU64::new(0),
        }
    }

    /// The cached token, or a new one from `fetch` when there is none or it is due for refresh.
    ///
    /// `fetch` returns a token and how long it lives.
    ///
    /// # Errors
    /// What `fetch` returned, as [`Error::Auth`], when there is no unexpired token to fall
    /// back on; the callers that waited on that fetch get the same error.
    pub(crate) async fn token<F, Fut>(&self, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(AccessToken, Duration)>>,
    {
        let seen = self.finished.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(cached) = state
            .current
            .as_ref()
            .filter(|cached| now < cached.refresh_at)
        {
            return Ok(cached.token.clone());
        }
        if let Some(error) = state.failure_since(seen) {
            return match state.unexpired(now) {
                Some(token) => {
                    debug!("the refresh ahead of expiry failed; using the current access token");
                    Ok(token)
                }
                None => {
                    debug!("sharing the failure of the token refresh this call waited on");
                    Err(error)
                }
            };
        }
        match &state.current {
            None => debug!("no access token yet; fetching one"),
            Some(cached) if now < cached.expires_at => debug!(
                expires_in_secs = (cached.expires_at - now).as_secs(),
                "refreshing the access token ahead of expiry"
            ),
            Some(_) => debug!("the access token has expired; refreshing it"),
        }
        self.fetch(&mut state, fetch).await
    }

    /// A token to replace `rejected`, which the API refused.
    ///
    /// Fetches a new one only if the cache still holds `rejected` (or nothing usable); when
    /// another caller has already replaced it, returns that replacement without a fetch.
    ///
    /// # Errors
    /// What `fetch` returned, as [`Error::Auth`]; the callers that waited on that fetch get
    /// the same error.
    pub(crate) async fn refresh<F, Fut>(
        &self,
        rejected: &AccessToken,
        fetch: F,
    ) -> Result<AccessToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(AccessToken, Duration)>>,
    {
        let seen = self.finished.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = Instant::now();
        match &state.current {
            Some(cached) if cached.token == *rejected => {
                // The API refused it: it is of no use even if it has not expired.
                state.current = None;
            }
            Some(cached) if now < cached.expires_at => {
                debug!("the rejected access token was already replaced; sharing the replacement");
                return Ok(cached.token.clone());
            }
            _ => {}
        }
        if let Some(error) = state.failure_since(seen) {
            debug!("sharing the failure of the token refresh this call waited on");
            return Err(error);
        }
        debug!("refreshing the access token after the API rejected it");
        self.fetch(&mut state, fetch).await
    }

    /// Runs `fetch` with the lock held and records its outcome.
    async fn fetch<F, Fut>(&self, state: &mut State, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(AccessToken, Duration)>>,
    {
        let requested_at = Instant::now();
        // If this future is dropped here, nothing is recorded and the next caller fetches.
        let outcome = fetch().await;
        let finished = self.finished.fetch_add(1, Ordering::AcqRel) + 1;
        match outcome {
            Ok((token, expires_in)) => {
                state.current = Some(Cached::new(
                    token.clone(),
                    requested_at,
                    expires_in,
                    self.refresh_ahead,
                ));
                state.failure = None;
                Ok(token)
            }
            Err(error) => {
                let failure = SharedFailure::from(error);
                let error = failure.to_error();
                state.failure = Some((finished, failure));
                match state.unexpired(Instant::now()) {
                    Some(token) => {
                        debug!(
                            "the refresh ahead of expiry failed; using the current access token"
                        );
                        Ok(token)
                    }
                    None => Err(error),
                }
            }
        }
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = formatter.debug_struct("TokenCache");
        debug.field("refresh_ahead", &self.refresh_ahead);
        match self.state.try_lock() {
            Ok(state) => {
                let now = Instant::now();
                let expires_in = state
                    .current
                    .as_ref()
                    .map(|cached| cached.expires_at.saturating_duration_since(now));
                debug.field("token_expires_in", &expires_in)
            }
            Err(_) => debug.field("token_expires_in", &format_args!("<refreshing>")),
        };
        debug.finish_non_exhaustive()
    }
}

/// A fetch's failure, kept so that every caller that waited on the fetch gets a copy.
#[derive(Clone)]
struct SharedFailure {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl From<Error> for SharedFailure {
    fn from(error: Error) -> Self {
        match error {
            Error::Auth { message, source } => Self {
                message,
                source: source.map(Arc::from),
            },
            other => Self {
                message: other.to_string(),
                source: Some(Arc::new(other)),
            },
        }
    }
}

impl SharedFailure {
    fn to_error(&self) -> Error {
        let source = self
            .source
            .clone()
            .map(|source| Box::new(SharedSource(source)) as BoxError);
        Error::auth(self.message.clone(), source)
    }
}

/// A shared cause, showing as the cause itself in an error chain.
struct SharedSource(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl fmt::Debug for SharedSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, formatter)
    }
}

impl fmt::Display for SharedSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, formatter)
    }
}

impl std::error::Error for SharedSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    /// A fetch function that counts its calls, takes a second, and returns `token-<n>`.
    async fn counting(calls: &AtomicUsize, lifetime: Duration) -> Result<(AccessToken, Duration)> {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok((AccessToken::new(format!("token-{n}")), lifetime))
    }

    /// A fetch function that counts its calls, takes a second, and fails.
    async fn failing(calls: &AtomicUsize) -> Result<(AccessToken, Duration)> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let cause: BoxError = "connection reset".into();
        Err(Error::auth("the token endpoint failed", Some(cause)))
    }

    fn token(text: &str) -> AccessToken {
        AccessToken::new(text)
    }

    #[tokio::test(start_paused = true)]
    async fn second_call_uses_the_cached_token_without_fetching() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        let first = cache.token(|| counting(&calls, HOUR)).await.unwrap();
        let second = cache.token(|| counting(&calls, HOUR)).await.unwrap();
        assert_eq!(first, token("token-1"));
        assert_eq!(second, token("token-1"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_once_the_margin_before_expiry_is_reached() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        cache.token(|| counting(&calls, HOUR)).await.unwrap();
        // The clock started when the fetch began, a second before it ended.
        tokio::time::advance(HOUR - DEFAULT_REFRESH_AHEAD - Duration::from_secs(2)).await;
        assert_eq!(
            cache.token(|| counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(
            cache.token(|| counting(&calls, HOUR)).await.unwrap(),
            token("token-2")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn short_lived_token_is_used_for_half_its_life() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        let lifetime = Duration::from_secs(120);
        cache.token(|| counting(&calls, lifetime)).await.unwrap();
        tokio::time::advance(Duration::from_secs(58)).await;
        assert_eq!(
            cache.token(|| counting(&calls, lifetime)).await.unwrap(),
            token("token-1")
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(
            cache.token(|| counting(&calls, lifetime)).await.unwrap(),
            token("token-2")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new(DEFAULT_REFRESH_AHEAD));
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move { cache.token(|| counting(&calls, HOUR)).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), token("token-1"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_refreshes_of_one_rejected_token_fetch_once() {
        let cache = Arc::new(TokenCache::new(DEFAULT_REFRESH_AHEAD));
        let calls = Arc::new(AtomicUsize::new(0));
        let rejected = cache.token(|| counting(&calls, HOUR)).await.unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls, rejected) = (cache.clone(), calls.clone(), rejected.clone());
                tokio::spawn(
                    async move { cache.refresh(&rejected, || counting(&calls, HOUR)).await },
                )
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), token("token-2"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_of_an_already_replaced_token_returns_the_replacement_without_fetching() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        let old = cache.token(|| counting(&calls, HOUR)).await.unwrap();
        let new = cache
            .refresh(&old, || counting(&calls, HOUR))
            .await
            .unwrap();
        let again = cache
            .refresh(&old, || counting(&calls, HOUR))
            .await
            .unwrap();
        assert_eq!(new, token("token-2"));
        assert_eq!(again, new);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_fetch_reaches_every_waiter_and_is_not_cached() {
        let cache = Arc::new(TokenCache::new(DEFAULT_REFRESH_AHEAD));
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move { cache.token(|| failing(&calls)).await })
            })
            .collect();
        for task in tasks {
            let error = task.await.unwrap().unwrap_err();
            assert!(matches!(error, Error::Auth { .. }), "{error:?}");
            assert_eq!(
                error.to_string(),
                "authentication failed: the token endpoint failed"
            );
            assert_eq!(error.source().unwrap().to_string(), "connection reset");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // The failure was not cached: the next call tries again.
        assert_eq!(
            cache.token(|| counting(&calls, HOUR)).await.unwrap(),
            token("token-2")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_ahead_of_expiry_keeps_the_valid_token() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        cache.token(|| counting(&calls, HOUR)).await.unwrap();
        tokio::time::advance(HOUR - Duration::from_secs(60)).await;
        assert_eq!(
            cache.token(|| failing(&calls)).await.unwrap(),
            token("token-1")
        );

        // Once it has expired, the failure shows.
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(cache.token(|| failing(&calls)).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_after_rejection_is_an_error_even_before_expiry() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        let rejected = cache.token(|| counting(&calls, HOUR)).await.unwrap();
        assert!(cache.refresh(&rejected, || failing(&calls)).await.is_err());
        // The rejected token is gone: the next call fetches rather than reuse it.
        assert_eq!(
            cache.token(|| counting(&calls, HOUR)).await.unwrap(),
            token("token-3")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_fetch_leaves_the_next_caller_to_fetch() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        let calls = AtomicUsize::new(0);
        let cancelled = tokio::time::timeout(
            Duration::from_millis(500),
            cache.token(|| counting(&calls, HOUR)),
        )
        .await;
        assert!(cancelled.is_err());
        assert_eq!(
            cache.token(|| counting(&calls, HOUR)).await.unwrap(),
            token("token-2")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn debug_shows_the_expiry_but_not_the_token() {
        let cache = TokenCache::new(DEFAULT_REFRESH_AHEAD);
        cache
            .token(|| async { Ok((token("Atza|cache-secret-token"), HOUR)) })
            .await
            .unwrap();
        let debug = format!("{cache:?}");
        assert!(!debug.contains("cache-secret-token"), "{debug}");
        assert!(debug.contains("token_expires_in: Some(3600s)"), "{debug}");
    }
}
