//! The access-token cache behind [`LwaTokenSource`](super::LwaTokenSource).
//!
//! # Who waits
//!
//! A short lock (never held across an `await`) guards the cached token and the one token
//! request in flight, if any. A caller whose token is still fresh gets it at once. A caller
//! whose token is due for refresh but still valid starts the request if none is in flight,
//! and goes on with the valid token either way: refreshing ahead of expiry stalls no one. Only
//! callers with no valid token (none yet, expired, or rejected by the API) wait, all on the
//! same request: however many arrive, one request goes to the token endpoint.
//!
//! The request runs in a task of its own (on the Tokio runtime, when there is one), so a caller
//! that gives up waiting does not cancel it for the others. It has its own timeout.
//!
//! # When a token is refreshed
//!
//! A token that lives `expires_in` is used until `expires_in - min(refresh_ahead,
//! expires_in / 2)` after it was requested, then refreshed: with the default five-minute
//! margin, a one-hour LWA token is refreshed after 55 minutes, and a token that lives less than
//! twice the margin (say two minutes) is used for half its life. The clock starts when the
//! token request is sent, not when its answer arrives, so a slow answer errs on the early side.
//! A token seeded without an expiry is used until the API rejects it.
//!
//! # After a failure
//!
//! A failed request starts a cooldown: no other request goes out until it is over, so that a
//! token endpoint that is down gets no storm of requests. Meanwhile, callers with a valid token
//! keep using it; callers without one get the failure at once (as [`Error::Auth`], with the
//! cooldown's remainder as its `retry_after` when the failure is transient). The first caller
//! after the cooldown tries again.
//!
//! The clock is [`tokio::time::Instant`], so tests drive it with `tokio::time::pause()` and
//! `advance()`.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use tokio::time::Instant;
use tracing::debug;

use super::AccessToken;
use crate::{BoxError, Error, Result};

/// How long before expiry a token is refreshed, unless configured otherwise: five minutes.
pub(crate) const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);

/// How long one token request may take, unless configured otherwise: 30 seconds.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long after a failed token request no other is sent, unless configured otherwise: two
/// seconds.
pub(crate) const DEFAULT_COOLDOWN: Duration = Duration::from_secs(2);

/// What a token request brings: the token, and how long it lives where that is known.
pub(crate) struct Fetched {
    pub(crate) token: AccessToken,
    pub(crate) expires_in: Option<Duration>,
}

/// A token request, ready to run.
pub(crate) type Fetch = BoxFuture<'static, Result<Fetched>>;

/// The cache's settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// How long before expiry a token is refreshed (at most half its life).
    pub(crate) refresh_ahead: Duration,
    /// How long one token request may take (`None`: no limit of its own, for tests whose
    /// paused clock would otherwise fire it while a real request is under way).
    pub(crate) timeout: Option<Duration>,
    /// How long after a failed request no other is sent.
    pub(crate) cooldown: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            timeout: Some(DEFAULT_TIMEOUT),
            cooldown: DEFAULT_COOLDOWN,
        }
    }
}

/// The outcome of one token request, shared by everyone who waits on it.
type Outcome = std::result::Result<AccessToken, SharedFailure>;
type InFlight = Shared<BoxFuture<'static, Outcome>>;

/// A cached access token, refreshed by the fetch function each call passes in.
pub(crate) struct TokenCache {
    settings: Settings,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// The token request under way, if any.
    in_flight: Option<InFlight>,
    /// The last request's failure, until the cooldown it started is over.
    cooldown: Option<(Instant, SharedFailure)>,
}

struct Cached {
    token: AccessToken,
    /// `None`: not known (a seeded token), used until the API rejects it.
    expires_at: Option<Instant>,
    refresh_at: Option<Instant>,
}

impl Cached {
    fn new(
        token: AccessToken,
        requested_at: Instant,
        expires_in: Option<Duration>,
        ahead: Duration,
    ) -> Self {
        match expires_in {
            Some(expires_in) => {
                let ahead = ahead.min(expires_in / 2);
                Self {
                    token,
                    expires_at: Some(requested_at + expires_in),
                    refresh_at: Some(requested_at + (expires_in - ahead)),
                }
            }
            None => Self {
                token,
                expires_at: None,
                refresh_at: None,
            },
        }
    }

    /// Not due for refresh yet.
    fn fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    /// Not expired yet.
    fn valid(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

impl State {
    /// The failure whose cooldown is still running, as an error for a caller now.
    fn cooling_down(&self, now: Instant) -> Option<Error> {
        match &self.cooldown {
            Some((until, failure)) if now < *until => Some(failure.to_error(*until - now)),
            _ => None,
        }
    }
}

impl TokenCache {
    /// An empty cache.
    pub(crate) fn new(settings: Settings) -> Self {
        Self {
            settings,
            state: Arc::default(),
        }
    }

    /// A cache holding `token`, which expires at `expires_at` (`None`: not known, used until
    /// rejected).
    pub(crate) fn seeded(
        settings: Settings,
        token: AccessToken,
        expires_at: Option<Instant>,
    ) -> Self {
        let ahead = settings.refresh_ahead;
        let cached = match expires_at {
            Some(expires_at) => {
                let now = Instant::now();
                let left = expires_at.saturating_duration_since(now);
                Cached {
                    token,
                    expires_at: Some(expires_at),
                    refresh_at: Some(expires_at.checked_sub(ahead.min(left / 2)).unwrap_or(now)),
                }
            }
            None => Cached::new(token, Instant::now(), None, ahead),
        };
        let cache = Self::new(settings);
        cache.lock().current = Some(cached);
        cache
    }

    /// How long the cached token has left; `None` when there is none or its expiry is not
    /// known (a seeded token).
    pub(crate) fn expires_in(&self) -> Option<Duration> {
        let state = self.lock();
        let expires_at = state.current.as_ref()?.expires_at?;
        Some(expires_at.saturating_duration_since(Instant::now()))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached token, or a new one from `fetch` when there is none or it has expired. A
    /// token due for refresh but still valid is returned at once, with a refresh started in the
    /// background (unless one is under way or a cooldown runs).
    ///
    /// # Errors
    /// What the request returned, as [`Error::Auth`], when there is no valid token to fall back
    /// on; the callers that waited on that request get the same error. During a cooldown, the
    /// failure that started it.
    pub(crate) async fn token<F>(&self, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fetch,
    {
        let waiting = {
            let mut state = self.lock();
            let now = Instant::now();
            if let Some(cached) = &state.current {
                if cached.fresh(now) {
                    return Ok(cached.token.clone());
                }
                if cached.valid(now) {
                    let token = cached.token.clone();
                    if state.in_flight.is_none() && state.cooling_down(now).is_none() {
                        debug!("refreshing the access token ahead of expiry, in the background");
                        let _running = self.start(&mut state, fetch);
                    }
                    return Ok(token);
                }
            }
            if let Some(in_flight) = &state.in_flight {
                debug!("waiting for the token request under way");
                in_flight.clone()
            } else if let Some(error) = state.cooling_down(now) {
                debug!("the last token request failed and its cooldown runs; sharing its failure");
                return Err(error);
            } else {
                match &state.current {
                    None => debug!("no access token yet; fetching one"),
                    Some(_) => debug!("the access token has expired; refreshing it"),
                }
                self.start(&mut state, fetch)
            }
        };
        self.wait(waiting).await
    }

    /// A token to replace `rejected`, which the API refused.
    ///
    /// Fetches a new one only if the cache still holds `rejected` (or nothing valid); when
    /// another caller has already replaced it, returns that replacement without a request, and
    /// when a request is under way, waits for it.
    ///
    /// # Errors
    /// As [`token`](Self::token).
    pub(crate) async fn refresh<F>(&self, rejected: &AccessToken, fetch: F) -> Result<AccessToken>
    where
        F: FnOnce() -> Fetch,
    {
        let waiting = {
            let mut state = self.lock();
            let now = Instant::now();
            match &state.current {
                Some(cached) if cached.token == *rejected => {
                    // The API refused it: it is of no use even if it has not expired.
                    state.current = None;
                }
                Some(cached) if cached.valid(now) => {
                    debug!(
                        "the rejected access token was already replaced; sharing the replacement"
                    );
                    return Ok(cached.token.clone());
                }
                _ => {}
            }
            if let Some(in_flight) = &state.in_flight {
                debug!("waiting for the token request under way");
                in_flight.clone()
            } else if let Some(error) = state.cooling_down(now) {
                debug!("the last token request failed and its cooldown runs; sharing its failure");
                return Err(error);
            } else {
                debug!("refreshing the access token after the API rejected it");
                self.start(&mut state, fetch)
            }
        };
        self.wait(waiting).await
    }

    async fn wait(&self, in_flight: InFlight) -> Result<AccessToken> {
        in_flight.await.map_err(|failure| {
            let cooldown = self.settings.cooldown;
            failure.to_error(cooldown)
        })
    }

    /// Starts a token request (with the lock held), recorded as the one under way; it records
    /// its own outcome when it ends.
    fn start<F>(&self, state: &mut State, fetch: F) -> InFlight
    where
        F: FnOnce() -> Fetch,
    {
        let settings = self.settings;
        let shared_state = Arc::downgrade(&self.state);
        let request = fetch();
        let in_flight = async move {
            let requested_at = Instant::now();
            let outcome = match settings.timeout {
                Some(timeout) => match tokio::time::timeout(timeout, request).await {
                    Ok(outcome) => outcome.map_err(SharedFailure::from),
                    Err(_) => Err(SharedFailure::timed_out(timeout)),
                },
                None => request.await.map_err(SharedFailure::from),
            };
            let Some(shared_state) = shared_state.upgrade() else {
                return outcome.map(|fetched| fetched.token);
            };
            let mut state = shared_state.lock().unwrap_or_else(PoisonError::into_inner);
            state.in_flight = None;
            match outcome {
                Ok(fetched) => {
                    state.current = Some(Cached::new(
                        fetched.token.clone(),
                        requested_at,
                        fetched.expires_in,
                        settings.refresh_ahead,
                    ));
                    state.cooldown = None;
                    Ok(fetched.token)
                }
                Err(failure) => {
                    debug!(
                        retryable = failure.retryable,
                        cooldown_ms = settings.cooldown.as_millis() as u64,
                        "the token request failed"
                    );
                    state.cooldown = Some((Instant::now() + settings.cooldown, failure.clone()));
                    Err(failure)
                }
            }
        }
        .boxed()
        .shared();
        state.in_flight = Some(in_flight.clone());
        // Run it on its own, so that it ends (and records its outcome) whoever waits for it.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(in_flight.clone());
        }
        in_flight
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let now = Instant::now();
        let expires_in = state.current.as_ref().map(|cached| {
            cached
                .expires_at
                .map(|at| at.saturating_duration_since(now))
        });
        formatter
            .debug_struct("TokenCache")
            .field("refresh_ahead", &self.settings.refresh_ahead)
            .field("token_expires_in", &expires_in.flatten())
            .field("refreshing", &state.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

/// A request's failure, kept so that every caller that waited on it gets a copy.
#[derive(Clone)]
struct SharedFailure {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
    retryable: bool,
}

impl From<Error> for SharedFailure {
    fn from(error: Error) -> Self {
        let retryable = error.is_retryable();
        match error {
            Error::Auth {
                message, source, ..
            } => Self {
                message,
                source: source.map(Arc::from),
                retryable,
            },
            other => Self {
                message: other.to_string(),
                source: Some(Arc::new(other)),
                retryable,
            },
        }
    }
}

impl SharedFailure {
    fn timed_out(timeout: Duration) -> Self {
        Self {
            message: format!(
                "the token endpoint did not answer within {} s: try again later",
                timeout.as_secs_f64()
            ),
            source: None,
            retryable: true,
        }
    }

    /// The error for a caller, with `retry_after` (when the next request may go out) if the
    /// failure is transient.
    fn to_error(&self, retry_after: Duration) -> Error {
        let source = self
            .source
            .clone()
            .map(|source| Box::new(SharedSource(source)) as BoxError);
        let mut error = Error::auth(self.message.clone(), source);
        if let Error::Auth {
            retryable,
            retry_after: after,
            ..
        } = &mut error
        {
            *retryable = self.retryable;
            *after = self.retryable.then_some(retry_after);
        }
        error
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn settings() -> Settings {
        Settings::default()
    }

    /// A fetch that counts its calls, takes a second, and returns `token-<n>`.
    fn counting(calls: &Arc<AtomicUsize>, lifetime: Duration) -> impl FnOnce() -> Fetch {
        let calls = calls.clone();
        move || {
            Box::pin(async move {
                let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
                Ok(Fetched {
                    token: AccessToken::new(format!("token-{n}")),
                    expires_in: Some(lifetime),
                })
            })
        }
    }

    /// A fetch that counts its calls, takes a second, and fails (transiently or not).
    fn failing(calls: &Arc<AtomicUsize>, transient: bool) -> impl FnOnce() -> Fetch {
        let calls = calls.clone();
        move || {
            Box::pin(async move {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(1)).await;
                let cause: BoxError = "connection reset".into();
                let mut error = Error::auth("the token endpoint failed", Some(cause));
                if let Error::Auth { retryable, .. } = &mut error {
                    *retryable = transient;
                }
                Err(error)
            })
        }
    }

    fn token(text: &str) -> AccessToken {
        AccessToken::new(text)
    }

    fn calls() -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(0))
    }

    #[tokio::test(start_paused = true)]
    async fn second_call_uses_the_cached_token_without_fetching() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let first = cache.token(counting(&calls, HOUR)).await.unwrap();
        let second = cache.token(counting(&calls, HOUR)).await.unwrap();
        assert_eq!(first, token("token-1"));
        assert_eq!(second, token("token-1"));
        // Ten minutes on (the paused clock runs every task meanwhile), the token is still
        // fresh: no request went out in the background either.
        tokio::time::sleep(Duration::from_secs(10 * 60)).await;
        let third = cache.token(counting(&calls, HOUR)).await.unwrap();
        assert_eq!(third, token("token-1"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_in_the_background_once_the_margin_before_expiry_is_reached() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        cache.token(counting(&calls, HOUR)).await.unwrap();
        // The default margin is five minutes: a one-hour token is due after 55. The clock
        // started when the fetch began, a second before it ended.
        tokio::time::advance(Duration::from_secs(55 * 60) - Duration::from_secs(2)).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        // Due: the valid token comes back at once, and a refresh starts.
        let started = Instant::now();
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
        assert_eq!(started.elapsed(), Duration::ZERO, "no wait");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-2")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn callers_with_a_valid_token_are_not_stalled_by_a_slow_refresh() {
        let cache = Arc::new(TokenCache::new(settings()));
        let calls = calls();
        cache.token(counting(&calls, HOUR)).await.unwrap();
        tokio::time::advance(HOUR - Duration::from_secs(60)).await;
        let slow = {
            let calls = calls.clone();
            move || -> Fetch {
                Box::pin(async move {
                    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                    tokio::time::sleep(Duration::from_secs(20)).await;
                    Ok(Fetched {
                        token: AccessToken::new(format!("token-{n}")),
                        expires_in: Some(HOUR),
                    })
                })
            }
        };
        let started = Instant::now();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, slow) = (cache.clone(), slow.clone());
                tokio::spawn(async move { cache.token(slow).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), token("token-1"));
        }
        assert_eq!(started.elapsed(), Duration::ZERO, "no caller waited");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "one refresh for all of them"
        );

        // Once the token has expired, callers wait for the refresh under way.
        tokio::time::advance(Duration::from_secs(60)).await;
        assert_eq!(cache.token(slow.clone()).await.unwrap(), token("token-2"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn short_lived_token_is_used_for_half_its_life() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let lifetime = Duration::from_secs(120);
        cache.token(counting(&calls, lifetime)).await.unwrap();
        tokio::time::advance(Duration::from_secs(58)).await;
        cache.token(counting(&calls, lifetime)).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        cache.token(counting(&calls, lifetime)).await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "due at half its life");
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new(settings()));
        let calls = calls();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move { cache.token(counting(&calls, HOUR)).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), token("token-1"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_refreshes_of_one_rejected_token_fetch_once() {
        let cache = Arc::new(TokenCache::new(settings()));
        let calls = calls();
        let rejected = cache.token(counting(&calls, HOUR)).await.unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls, rejected) = (cache.clone(), calls.clone(), rejected.clone());
                tokio::spawn(async move { cache.refresh(&rejected, counting(&calls, HOUR)).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), token("token-2"));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_of_an_already_replaced_token_returns_the_replacement_without_fetching() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let old = cache.token(counting(&calls, HOUR)).await.unwrap();
        let new = cache.refresh(&old, counting(&calls, HOUR)).await.unwrap();
        let again = cache.refresh(&old, counting(&calls, HOUR)).await.unwrap();
        assert_eq!(new, token("token-2"));
        assert_eq!(again, new);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_of_a_token_whose_replacement_has_expired_fetches_anew() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let old = cache.token(counting(&calls, HOUR)).await.unwrap();
        let replacement = cache.refresh(&old, counting(&calls, HOUR)).await.unwrap();
        assert_eq!(replacement, token("token-2"));
        tokio::time::advance(HOUR * 2).await;
        let fresh = cache.refresh(&old, counting(&calls, HOUR)).await.unwrap();
        assert_eq!(fresh, token("token-3"), "not the expired replacement");
    }

    #[tokio::test(start_paused = true)]
    async fn a_seeded_token_is_used_until_rejected_then_refreshed() {
        let cache = TokenCache::seeded(settings(), token("seeded"), None);
        let calls = calls();
        assert_eq!(cache.expires_in(), None, "its expiry is not known");
        tokio::time::advance(HOUR * 24).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("seeded")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let fresh = cache
            .refresh(&token("seeded"), counting(&calls, HOUR))
            .await
            .unwrap();
        assert_eq!(fresh, token("token-1"));
        // Its hour started when the request went out, a second ago.
        assert_eq!(cache.expires_in(), Some(HOUR - Duration::from_secs(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_seeded_token_that_expires_soon_is_used_for_half_of_what_it_has_left() {
        let expires_at = Instant::now() + Duration::from_secs(240);
        let cache = TokenCache::seeded(settings(), token("seeded"), Some(expires_at));
        let calls = calls();
        assert_eq!(cache.expires_in(), Some(Duration::from_secs(240)));
        tokio::time::sleep(Duration::from_secs(100)).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("seeded")
        );
        // The paused clock runs every task meanwhile: no refresh started in the background.
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 0, "fresh for its first 120 s");
        assert_eq!(cache.expires_in(), Some(Duration::from_secs(130)));
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("seeded"),
            "still valid, so no wait"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 1, "refreshed after 120 s");
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_seeded_token_with_an_expiry_is_refreshed_when_due() {
        let expires_at = Instant::now() + Duration::from_secs(600);
        let cache = TokenCache::seeded(settings(), token("seeded"), Some(expires_at));
        let calls = calls();
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("seeded")
        );
        tokio::time::advance(Duration::from_secs(600)).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failed_fetch_reaches_every_waiter_then_cools_down_then_tries_again() {
        let cache = Arc::new(TokenCache::new(settings()));
        let calls = calls();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                tokio::spawn(async move { cache.token(failing(&calls, true)).await })
            })
            .collect();
        for task in tasks {
            let error = task.await.unwrap().unwrap_err();
            assert!(matches!(error, Error::Auth { .. }), "{error:?}");
            assert!(error.is_retryable(), "{error:?}");
            assert_eq!(
                error.to_string(),
                "authentication failed: the token endpoint failed"
            );
            assert_eq!(error.source().unwrap().to_string(), "connection reset");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // During the cooldown: the failure again, with what is left of the cooldown, and no
        // request.
        tokio::time::advance(Duration::from_millis(500)).await;
        let error = cache.token(counting(&calls, HOUR)).await.unwrap_err();
        let Error::Auth { retry_after, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(
            *retry_after,
            Some(DEFAULT_COOLDOWN - Duration::from_millis(500))
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // After it: a new request.
        tokio::time::advance(DEFAULT_COOLDOWN).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-2")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_is_not_retryable() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let error = cache.token(failing(&calls, false)).await.unwrap_err();
        assert!(!error.is_retryable(), "{error:?}");
        let Error::Auth { retry_after, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*retry_after, None);
    }

    #[tokio::test(start_paused = true)]
    async fn every_waiter_gets_the_failures_whole_chain_of_causes() {
        let cache = TokenCache::new(settings());
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let cause = Error::transport("could not connect", Box::new(refused));
        let fetch = move || -> Fetch {
            Box::pin(async move { Err(Error::auth("no token", Some(Box::new(cause)))) })
        };
        let error = cache.token(fetch).await.unwrap_err();
        let first = error.source().expect("the cause");
        assert_eq!(first.to_string(), "transport error: could not connect");
        let second = first.source().expect("the cause's cause");
        assert_eq!(second.to_string(), "refused");
        let debug = format!("{error:?}");
        assert!(debug.contains("ConnectionRefused"), "{debug}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_request_that_takes_too_long_times_out_as_retryable() {
        let cache = TokenCache::new(Settings {
            timeout: Some(Duration::from_secs(5)),
            ..settings()
        });
        let hanging = || -> Fetch { Box::pin(std::future::pending()) };
        let started = Instant::now();
        let error = cache.token(hanging).await.unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert!(error.is_retryable(), "{error:?}");
        assert!(error.to_string().contains("within 5 s"), "{error}");
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_ahead_of_expiry_keeps_the_valid_token_and_cools_down() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        cache.token(counting(&calls, HOUR)).await.unwrap();
        tokio::time::advance(HOUR - Duration::from_secs(60)).await;
        assert_eq!(
            cache.token(failing(&calls, true)).await.unwrap(),
            token("token-1")
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // The cooldown holds the next refresh back; the valid token is still used.
        assert_eq!(
            cache.token(failing(&calls, true)).await.unwrap(),
            token("token-1")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);

        // Once it has expired (and the cooldown is over), the failure shows.
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(cache.token(failing(&calls, true)).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_after_rejection_is_an_error_even_before_expiry() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let rejected = cache.token(counting(&calls, HOUR)).await.unwrap();
        assert!(
            cache
                .refresh(&rejected, failing(&calls, true))
                .await
                .is_err()
        );
        // The rejected token is gone: after the cooldown, the next call fetches.
        tokio::time::advance(DEFAULT_COOLDOWN).await;
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-3")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_that_gives_up_does_not_cancel_the_request_for_the_next() {
        let cache = TokenCache::new(settings());
        let calls = calls();
        let cancelled = tokio::time::timeout(
            Duration::from_millis(500),
            cache.token(counting(&calls, HOUR)),
        )
        .await;
        assert!(cancelled.is_err());
        assert_eq!(
            cache.token(counting(&calls, HOUR)).await.unwrap(),
            token("token-1")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn debug_shows_the_expiry_but_not_the_token() {
        let cache = TokenCache::new(settings());
        cache
            .token(|| -> Fetch {
                Box::pin(async {
                    Ok(Fetched {
                        token: token("Atza|cache-secret-token"),
                        expires_in: Some(HOUR),
                    })
                })
            })
            .await
            .unwrap();
        let debug = format!("{cache:?}");
        assert!(!debug.contains("cache-secret-token"), "{debug}");
        assert!(debug.contains("token_expires_in: Some(3600s)"), "{debug}");
    }
}
