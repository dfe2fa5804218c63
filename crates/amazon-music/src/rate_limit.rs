//! A client-wide limit on the rate of requests, fixed or learnt from the API's `429`s.
//!
//! The send path asks the [`RateLimiter`] for a [`Permit`] before each attempt and tells it
//! each attempt's outcome: every attempt of every request of a client and its clones goes
//! through the one limiter. The adaptive limit follows the spirit of aws-sdk-rust's adaptive
//! retry mode: no limit until the API first throttles, then additive increase and
//! multiplicative decrease (AIMD) of the request rate, and a `Retry-After` that holds back
//! every request, not only the one that got it.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::retry::Attempt;
use crate::{Error, Result};

/// What a throttle leaves of the rate: multiplicative decrease (aws-sdk-rust's `BETA`).
const DECREASE_FACTOR: f64 = 0.7;
/// The lowest rate the adaptive limit falls to, in requests a second.
const MIN_RATE: f64 = 0.5;
/// How many successes in a row raise the adaptive rate once.
const SUCCESSES_PER_INCREASE: u32 = 10;
/// How much each such run raises it, in requests a second: additive increase.
const INCREASE: f64 = 1.0;
/// The window the adaptive limit measures the rate of successes over.
const MEASURE_WINDOW: Duration = Duration::from_secs(1);
/// The most successes the measure keeps (10,000 a second is far beyond any API's limit).
const MEASURE_CAPACITY: usize = 10_000;

/// A limit on how fast a client sends requests, shared by the client and its clones; set with
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit). Off by default.
///
/// Each attempt (a retry too) waits for its turn before it is sent. Either kind honours a
/// `Retry-After` on a `429` for every request of the client: none is sent before it has
/// passed (a `Retry-After` longer than the retry policy's
/// [`max_retry_after`](crate::RetryPolicy::with_max_retry_after) is not waited for).
///
/// ```
/// use amazon_music::RateLimit;
///
/// let learnt = RateLimit::adaptive();
/// let at_most_20_a_second = RateLimit::fixed(20.0);
/// # let _ = (learnt, at_most_20_a_second);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimit {
    /// The fixed rate in requests a second; `None` for the adaptive limit.
    fixed: Option<f64>,
}

impl RateLimit {
    /// A rate learnt from the API's `429`s: unlimited until the first one; then, on each
    /// `429`, 0.7 times the lower of the current rate and the successes of the last second
    /// (at least 0.5 requests a second), and 1 request a second more after each run of 10
    /// successes. The `429`s of requests sent before a decrease took effect do not lower it
    /// again.
    pub fn adaptive() -> Self {
        Self { fixed: None }
    }

    /// At most `per_second` requests a second, evenly spaced. [`ClientBuilder::build`]
    /// refuses a rate that is not a positive, finite number.
    ///
    /// [`ClientBuilder::build`]: crate::ClientBuilder::build
    pub fn fixed(per_second: f64) -> Self {
        Self {
            fixed: Some(per_second),
        }
    }
}

/// What an attempt's outcome says to the limiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The API answered with success.
    Success,
    /// The API answered `429`, with the wait its `Retry-After` asked for, if any.
    Throttled(Option<Duration>),
    /// Anything else: says nothing about the rate.
    Other,
}

impl Outcome {
    /// What the outcome of one attempt, `Ok` or its error, says about the rate.
    pub(crate) fn of<T>(result: &Result<T>) -> Self {
        match result {
            Ok(_) => Self::Success,
            Err(error) => match Attempt::of(error) {
                Attempt::Status {
                    status: 429,
                    retry_after,
                } => Self::Throttled(retry_after),
                _ => Self::Other,
            },
        }
    }
}

/// The right to send one attempt, from [`RateLimiter::acquire`]; handed back with the
/// attempt's outcome to [`RateLimiter::observe`].
#[derive(Debug)]
#[must_use]
pub(crate) struct Permit {
    /// How many throttles the limiter had taken when this attempt was let through.
    epoch: u64,
}

/// The limiter a client's requests share.
pub(crate) struct RateLimiter {
    adaptive: bool,
    /// The longest `Retry-After` that holds back every request.
    max_pause: Duration,
    state: Mutex<State>,
}

struct State {
    /// Requests a second; `None`: no limit (the adaptive one before its first throttle).
    rate: Option<f64>,
    /// When the next attempt may start, given the rate.
    next_slot: Instant,
    /// No attempt starts before this, after a `Retry-After`.
    paused_until: Instant,
    /// How many throttles changed the pause or the rate: a waiting attempt whose epoch has
    /// passed waits again, and a `429` of an attempt from a past epoch lowers nothing.
    epoch: u64,
    /// Successes since the rate last changed.
    successes: u32,
    /// When the successes of the last [`MEASURE_WINDOW`] came.
    recent_successes: VecDeque<Instant>,
}

impl fmt::Debug for RateLimiter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RateLimiter")
            .field("adaptive", &self.adaptive)
            .field("rate", &self.rate())
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// The limiter `limit` describes, which waits for a `Retry-After` up to `max_pause`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for a fixed rate that is not a positive, finite number.
    pub(crate) fn new(limit: &RateLimit, max_pause: Duration) -> Result<Self> {
        if let Some(rate) = limit.fixed
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(Error::invalid_request(format!(
                "the fixed rate limit must be a positive number of requests a second, not {rate}"
            )));
        }
        let now = Instant::now();
        Ok(Self {
            adaptive: limit.fixed.is_none(),
            max_pause,
            state: Mutex::new(State {
                rate: limit.fixed,
                next_slot: now,
                paused_until: now,
                epoch: 0,
                successes: 0,
                recent_successes: VecDeque::new(),
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current rate in requests a second; `None` when there is no limit yet.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.lock().rate
    }

    /// Waits for this attempt's turn: after any `Retry-After` in force, and one rate's
    /// interval after the attempt before it.
    pub(crate) async fn acquire(&self) -> Permit {
        loop {
            let (start, epoch) = {
                let mut state = self.lock();
                let now = Instant::now();
                let mut start = now.max(state.paused_until);
                if let Some(rate) = state.rate {
                    start = start.max(state.next_slot);
                    state.next_slot = start + Duration::from_secs_f64(1.0 / rate);
                }
                (start, state.epoch)
            };
            let wait = start.saturating_duration_since(Instant::now());
            if !wait.is_zero() {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "waiting for the rate limit"
                );
                tokio::time::sleep_until(start).await;
            }
            // A throttle while this attempt waited moved the pause and the slots: its turn is
            // taken again under them.
            if self.lock().epoch == epoch {
                return Permit { epoch };
            }
        }
    }

    /// Learns from the outcome of the attempt `permit` let through.
    pub(crate) fn observe(&self, permit: Permit, outcome: Outcome) {
        let mut state = self.lock();
        let now = Instant::now();
        match outcome {
            Outcome::Other => {}
            Outcome::Success => {
                if state.recent_successes.len() == MEASURE_CAPACITY {
                    state.recent_successes.pop_front();
                }
                state.recent_successes.push_back(now);
                if let (true, Some(rate)) = (self.adaptive, state.rate) {
                    state.successes += 1;
                    if state.successes >= SUCCESSES_PER_INCREASE {
                        state.successes = 0;
                        state.rate = Some(rate + INCREASE);
                    }
                }
            }
            Outcome::Throttled(retry_after) => {
                let mut changed = false;
                if let Some(wait) = retry_after.filter(|wait| *wait <= self.max_pause) {
                    let paused_until = state.paused_until.max(now + wait);
                    changed = paused_until != state.paused_until;
                    state.paused_until = paused_until;
                }
                if self.adaptive && permit.epoch == state.epoch {
                    while state
                        .recent_successes
                        .front()
                        .is_some_and(|at| now.duration_since(*at) > MEASURE_WINDOW)
                    {
                        state.recent_successes.pop_front();
                    }
                    let measured =
                        state.recent_successes.len() as f64 / MEASURE_WINDOW.as_secs_f64();
                    let rate = state.rate.map_or(measured, |rate| rate.min(measured));
                    state.rate = Some((rate * DECREASE_FACTOR).max(MIN_RATE));
                    state.successes = 0;
                    changed = true;
                }
                if changed {
                    state.epoch += 1;
                    state.next_slot = now.max(state.paused_until);
                    tracing::debug!(
                        rate = state.rate,
                        pause_ms = state
                            .paused_until
                            .saturating_duration_since(now)
                            .as_millis() as u64,
                        "throttled: slowing every request down"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const MAX_PAUSE: Duration = Duration::from_secs(60);

    fn limiter(limit: RateLimit) -> Arc<RateLimiter> {
        Arc::new(RateLimiter::new(&limit, MAX_PAUSE).expect("a valid limit"))
    }

    /// How long after `since` each of `count` attempts, acquired one after another, starts.
    async fn starts(limiter: &RateLimiter, count: usize, since: Instant) -> Vec<Duration> {
        let mut starts = Vec::new();
        for _ in 0..count {
            let permit = limiter.acquire().await;
            starts.push(Instant::now() - since);
            limiter.observe(permit, Outcome::Success);
        }
        starts
    }

    fn millis(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_millis).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_rate_spaces_attempts_evenly() {
        let limiter = limiter(RateLimit::fixed(10.0));
        let since = Instant::now();
        assert_eq!(
            starts(&limiter, 4, since).await,
            millis(&[0, 100, 200, 300])
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_rate_holds_for_concurrent_attempts_and_clones_alike() {
        let limiter = limiter(RateLimit::fixed(20.0));
        let since = Instant::now();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                tokio::spawn(async move {
                    let permit = limiter.acquire().await;
                    limiter.observe(permit, Outcome::Success);
                    Instant::now() - since
                })
            })
            .collect();
        let mut started = Vec::new();
        for task in tasks {
            started.push(task.await.expect("the task ends"));
        }
        started.sort();
        assert_eq!(
            started,
            millis(&[0, 50, 100, 150, 200, 250, 300, 350, 400, 450])
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_adaptive_limit_lets_everything_through_until_the_first_throttle() {
        let limiter = limiter(RateLimit::adaptive());
        let since = Instant::now();
        assert_eq!(
            starts(&limiter, 100, since).await,
            vec![Duration::ZERO; 100]
        );
        assert_eq!(limiter.rate(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_holds_back_every_request() {
        let limiter = limiter(RateLimit::fixed(1000.0));
        let throttled = limiter.acquire().await;
        let waiting = limiter.acquire().await;
        limiter.observe(throttled, Outcome::Throttled(Some(Duration::from_secs(2))));
        let since = Instant::now();
        // A request that had its turn before the 429 came is not held back; every one after
        // it is, the first until the pause ends.
        limiter.observe(waiting, Outcome::Success);
        assert_eq!(starts(&limiter, 2, since).await, millis(&[2_000, 2_001]));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_waiting_for_its_turn_waits_for_a_pause_that_comes_meanwhile() {
        let limiter = limiter(RateLimit::fixed(1.0));
        let since = Instant::now();
        let first = limiter.acquire().await;
        let waiting = {
            let limiter = Arc::clone(&limiter);
            tokio::spawn(async move {
                let permit = limiter.acquire().await;
                limiter.observe(permit, Outcome::Success);
                Instant::now() - since
            })
        };
        // The second request's turn is at 1 s; at 0.5 s the first gets a 429 asking for 3 s.
        tokio::time::sleep(Duration::from_millis(500)).await;
        limiter.observe(first, Outcome::Throttled(Some(Duration::from_secs(3))));
        assert_eq!(
            waiting.await.expect("the task ends"),
            Duration::from_millis(3_500)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_cuts_the_rate_to_a_fraction_of_the_successes_of_the_last_second() {
        let limiter = limiter(RateLimit::adaptive());
        for _ in 0..20 {
            let permit = limiter.acquire().await;
            limiter.observe(permit, Outcome::Success);
        }
        let permit = limiter.acquire().await;
        limiter.observe(permit, Outcome::Throttled(None));
        assert_eq!(limiter.rate(), Some(14.0));
        // With no Retry-After, the next requests come one rate's interval apart.
        let since = Instant::now();
        let started = starts(&limiter, 3, since).await;
        for (index, start) in started.iter().enumerate() {
            // Tokio's timer counts whole milliseconds.
            let expected = index as f64 / 14.0;
            assert!(
                (start.as_secs_f64() - expected).abs() <= 1e-3,
                "{started:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_throttles_of_requests_sent_before_a_decrease_do_not_lower_the_rate_again() {
        let limiter = limiter(RateLimit::adaptive());
        for _ in 0..10 {
            let permit = limiter.acquire().await;
            limiter.observe(permit, Outcome::Success);
        }
        let in_flight: Vec<Permit> = {
            let mut permits = Vec::new();
            for _ in 0..8 {
                permits.push(limiter.acquire().await);
            }
            permits
        };
        for permit in in_flight {
            limiter.observe(permit, Outcome::Throttled(Some(Duration::from_secs(1))));
        }
        assert_eq!(limiter.rate(), Some(7.0), "one decrease, from 10 a second");
        // A request sent after the decrease that is throttled lowers it again.
        let permit = limiter.acquire().await;
        limiter.observe(permit, Outcome::Throttled(None));
        let rate = limiter.rate().expect("a rate");
        assert!((rate - 4.9).abs() < 1e-9, "{rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_of_successes_raises_the_rate_by_one() {
        let limiter = limiter(RateLimit::adaptive());
        for _ in 0..20 {
            let permit = limiter.acquire().await;
            limiter.observe(permit, Outcome::Success);
        }
        let permit = limiter.acquire().await;
        limiter.observe(permit, Outcome::Throttled(None));
        assert_eq!(limiter.rate(), Some(14.0));
        starts(&limiter, 9, Instant::now()).await;
        assert_eq!(limiter.rate(), Some(14.0));
        starts(&limiter, 1, Instant::now()).await;
        assert_eq!(limiter.rate(), Some(15.0));
        starts(&limiter, 20, Instant::now()).await;
        assert_eq!(limiter.rate(), Some(17.0));
    }

    #[tokio::test(start_paused = true)]
    async fn the_adaptive_rate_never_falls_below_its_floor() {
        let limiter = limiter(RateLimit::adaptive());
        for _ in 0..5 {
            let permit = limiter.acquire().await;
            limiter.observe(permit, Outcome::Throttled(None));
        }
        assert_eq!(limiter.rate(), Some(MIN_RATE));
    }

    #[tokio::test(start_paused = true)]
    async fn a_retry_after_past_the_cap_holds_nothing_back() {
        let limiter = Arc::new(
            RateLimiter::new(&RateLimit::fixed(1000.0), Duration::from_secs(10))
                .expect("a valid limit"),
        );
        let permit = limiter.acquire().await;
        limiter.observe(permit, Outcome::Throttled(Some(Duration::from_secs(3600))));
        let since = Instant::now();
        // One rate's interval after the throttled attempt, as if it had not been throttled.
        assert_eq!(starts(&limiter, 1, since).await, millis(&[1]));
    }

    #[tokio::test(start_paused = true)]
    async fn other_failures_change_nothing() {
        let limiter = limiter(RateLimit::fixed(4.0));
        let permit = limiter.acquire().await;
        limiter.observe(permit, Outcome::Other);
        assert_eq!(limiter.rate(), Some(4.0));
        let since = Instant::now();
        assert_eq!(starts(&limiter, 1, since).await, millis(&[250]));
    }

    #[test]
    fn fixed_rates_must_be_positive_and_finite() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let error = RateLimiter::new(&RateLimit::fixed(bad), MAX_PAUSE).expect_err("refused");
            assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        }
        assert!(RateLimiter::new(&RateLimit::fixed(0.25), MAX_PAUSE).is_ok());
    }

    #[test]
    fn outcomes_read_429s_and_their_retry_after() {
        let mut error = crate::ApiError::with_status(429);
        error.retry_after = Some(Duration::from_secs(1));
        let throttled: Result<()> = Err(Error::RateLimited {
            retry_after: Some(Duration::from_secs(1)),
            error: Box::new(error),
        });
        assert_eq!(
            Outcome::of(&throttled),
            Outcome::Throttled(Some(Duration::from_secs(1)))
        );
        assert_eq!(Outcome::of(&Ok(())), Outcome::Success);
        let unavailable: Result<()> = Err(Error::Api(Box::new(crate::ApiError::with_status(503))));
        assert_eq!(Outcome::of(&unavailable), Outcome::Other);
    }
}
