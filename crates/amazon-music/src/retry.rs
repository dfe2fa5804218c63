//! When to try a call again, and how long to wait first.
//!
//! Retried: `429`, `500`, `502`, `503`, `504`, timeouts, connection failures and transient
//! failures to get a token (every view operation is a `GET`, so repeating one is safe). Never
//! retried: any other status, and failures that say the request itself is wrong. A `401` is
//! handled apart, by one token refresh (see [`TokenSource`](crate::auth::TokenSource)).
//!
//! [`classify`] is the one rule: the send path, [`Error::is_retryable`](crate::Error::is_retryable)
//! and the token endpoints' requests (the refresh, the logins, the device flow's polling) all
//! ask it, and [`exponential_backoff`] is the one backoff they wait by.

use std::time::Duration;

use crate::Error;

/// How a failed call is retried: how often, and how long to wait between attempts.
///
/// The wait before retry `n` (from 0) is `min(initial_backoff * 2^n, max_backoff)`, scaled by a
/// random factor in `[0, 1)` ("full jitter") unless jitter is turned off. A `Retry-After` from
/// the server (seconds or a date) replaces that wait if it is at most `max_retry_after`, and is
/// never shorter than `initial_backoff` (so `Retry-After: 0`, or a date in the past, still
/// waits that long); a longer one ends the call at once with the response's error:
/// [`Error::RateLimited`] for a `429`,
/// [`Error::Api`] for a `5xx`, whose [`ApiError::retry_after`](crate::ApiError::retry_after)
/// is the wait asked for. A token source's cooldown after a transient failure is waited for
/// the same way.
///
/// On top of the number of retries, a call has a time budget, `max_elapsed` (default 60 s),
/// counted from its first attempt: a retry whose wait would end past it is not made, and the
/// last failure is returned.
///
/// ```
/// use std::time::Duration;
/// use amazon_music::RetryPolicy;
///
/// let policy = RetryPolicy::standard()
///     .with_max_retries(5)
///     .with_max_backoff(Duration::from_secs(10));
/// assert_eq!(policy.max_retries(), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_elapsed: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Up to 3 retries within 60 s, backoff from 200 ms capped at 20 s with full jitter, and a
    /// server's `Retry-After` honoured up to 60 s.
    pub fn standard() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(60),
            jitter: true,
        }
    }

    /// No retries: every failure is returned at once.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::standard()
        }
    }

    /// Sets how many times a call is retried after its first attempt.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the wait before the first retry, doubled for each one after.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the longest wait between two attempts (before jitter).
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets the longest `Retry-After` that is waited for; a server asking for more ends the call.
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Sets the time budget of a call, from its first attempt: no retry is made whose wait would
    /// end past it.
    pub fn with_max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// The longest `Retry-After` that is waited for.
    pub(crate) fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The time budget of a call, from its first attempt.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// Turns the random scaling of waits on or off (off makes waits exact, for tests).
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// How many times a call is retried after its first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (0 for the first), given what the failure said and
    /// how long the call has taken so far. `None`: do not retry.
    pub(crate) fn wait_before(
        &self,
        retry: u32,
        failure: Retryable,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        let wait = match failure {
            Retryable::No => return None,
            Retryable::After(wait) if wait > self.max_retry_after => return None,
            Retryable::After(wait) => wait.max(self.initial_backoff),
            Retryable::Backoff => self.backoff(retry),
        };
        (elapsed.saturating_add(wait) <= self.max_elapsed).then_some(wait)
    }

    fn backoff(&self, retry: u32) -> Duration {
        let exponential = exponential_backoff(self.initial_backoff, retry, self.max_backoff);
        if self.jitter {
            exponential.mul_f64(fastrand::f64())
        } else {
            exponential
        }
    }
}

/// `min(initial * 2^retry, max)`, without jitter: the wait before retry number `retry` (0 for
/// the first), saturating instead of overflowing.
pub(crate) fn exponential_backoff(initial: Duration, retry: u32, max: Duration) -> Duration {
    initial.saturating_mul(2u32.saturating_pow(retry)).min(max)
}

/// What one failed attempt says about trying again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retryable {
    /// Not worth repeating.
    No,
    /// Worth repeating after the policy's backoff.
    Backoff,
    /// Worth repeating after the wait the server asked for.
    After(Duration),
}

/// The outcome of one attempt, as far as retrying goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The server answered with this status and, maybe, a `Retry-After`.
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The request timed out.
    Timeout,
    /// The connection failed or broke.
    Connection,
    /// No token could be had, for a transient reason; the token source may say when it will
    /// try again.
    Token { retry_after: Option<Duration> },
    /// Anything else: a request that could not be built, a body that does not decode.
    Other,
}

impl Attempt {
    /// What `error` says happened to its attempt: the one reading of the SDK's errors that
    /// [`classify`] judges, for the send path and [`Error::is_retryable`] alike.
    pub(crate) fn of(error: &Error) -> Self {
        match error {
            Error::Unauthorized(api) | Error::Forbidden(api) | Error::Api(api) => Self::Status {
                status: api.status,
                retry_after: api.retry_after,
            },
            Error::RateLimited { retry_after, error } => Self::Status {
                status: error.status,
                retry_after: *retry_after,
            },
            Error::Timeout { .. } => Self::Timeout,
            Error::Transport { .. } => Self::Connection,
            Error::Auth {
                retryable: true,
                retry_after,
                ..
            } => Self::Token {
                retry_after: *retry_after,
            },
            Error::Group { source, .. } => Self::of(source),
            _ => Self::Other,
        }
    }
}

/// Whether an attempt's outcome is worth repeating: a pure function of the outcome.
pub(crate) fn classify(attempt: Attempt) -> Retryable {
    match attempt {
        Attempt::Status {
            status: 429 | 500 | 502 | 503 | 504,
            retry_after: Some(wait),
        } => Retryable::After(wait),
        Attempt::Status {
            status: 429 | 500 | 502 | 503 | 504,
            retry_after: None,
        }
        | Attempt::Timeout
        | Attempt::Connection
        | Attempt::Token { retry_after: None } => Retryable::Backoff,
        Attempt::Token {
            retry_after: Some(wait),
        } => Retryable::After(wait),
        Attempt::Status { .. } | Attempt::Other => Retryable::No,
    }
}

/// Whether an attempt's outcome is worth repeating at all, as [`classify`] decides.
pub(crate) fn is_worth_retrying(attempt: Attempt) -> bool {
    classify(attempt) != Retryable::No
}

/// Reads a `Retry-After` value: delay seconds, or an HTTP date (a date in the past is no wait).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    fn status(status: u16) -> Attempt {
        Attempt::Status {
            status,
            retry_after: None,
        }
    }

    #[test]
    fn classifies_each_outcome() {
        let wait = Duration::from_secs(7);
        let table = [
            (status(429), Retryable::Backoff),
            (status(500), Retryable::Backoff),
            (status(502), Retryable::Backoff),
            (status(503), Retryable::Backoff),
            (status(504), Retryable::Backoff),
            (
                Attempt::Status {
                    status: 429,
                    retry_after: Some(wait),
                },
                Retryable::After(wait),
            ),
            (
                Attempt::Status {
                    status: 503,
                    retry_after: Some(wait),
                },
                Retryable::After(wait),
            ),
            (status(400), Retryable::No),
            (status(401), Retryable::No),
            (status(403), Retryable::No),
            (status(404), Retryable::No),
            (status(422), Retryable::No),
            (status(501), Retryable::No),
            (
                Attempt::Status {
                    status: 404,
                    retry_after: Some(wait),
                },
                Retryable::No,
            ),
            (Attempt::Timeout, Retryable::Backoff),
            (Attempt::Connection, Retryable::Backoff),
            (Attempt::Other, Retryable::No),
        ];
        for (attempt, expected) in table {
            assert_eq!(classify(attempt), expected, "{attempt:?}");
        }
    }

    #[test]
    fn reads_each_error_as_the_attempt_it_describes() {
        let wait = Duration::from_secs(7);
        let api = |status: u16| {
            let mut error = crate::ApiError::with_status(status);
            error.retry_after = Some(wait);
            Box::new(error)
        };
        let io = || -> crate::BoxError { "broken".into() };
        let table = [
            (
                Error::Api(api(503)),
                Attempt::Status {
                    status: 503,
                    retry_after: Some(wait),
                },
            ),
            (
                Error::Unauthorized(api(401)),
                Attempt::Status {
                    status: 401,
                    retry_after: Some(wait),
                },
            ),
            (
                Error::Forbidden(api(403)),
                Attempt::Status {
                    status: 403,
                    retry_after: Some(wait),
                },
            ),
            (
                Error::RateLimited {
                    retry_after: None,
                    error: api(429),
                },
                Attempt::Status {
                    status: 429,
                    retry_after: None,
                },
            ),
            (Error::timeout(io()), Attempt::Timeout),
            (Error::transport("reset", io()), Attempt::Connection),
            (
                Error::auth_transient("busy", None),
                Attempt::Token { retry_after: None },
            ),
            (Error::auth("invalid_grant", None), Attempt::Other),
            (Error::invalid_request("bad"), Attempt::Other),
            (Error::ResponseTooLarge { limit: 1 }, Attempt::Other),
            (
                Error::PaginationLoop {
                    token: "t".to_owned(),
                },
                Attempt::Other,
            ),
            (
                Error::Group {
                    group: "g".to_owned(),
                    source: Box::new(Error::timeout(io())),
                },
                Attempt::Timeout,
            ),
        ];
        for (error, expected) in table {
            assert_eq!(Attempt::of(&error), expected, "{error:?}");
            assert_eq!(
                error.is_retryable(),
                classify(expected) != Retryable::No,
                "{error:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy::standard()
            .with_max_retries(10)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(1_000))
            .with_jitter(false);
        let waits: Vec<_> = (0..6)
            .map(|retry| policy.wait_before(retry, Retryable::Backoff, Duration::ZERO))
            .collect();
        let millis = |ms| Some(Duration::from_millis(ms));
        assert_eq!(
            waits,
            [
                millis(100),
                millis(200),
                millis(400),
                millis(800),
                millis(1_000),
                millis(1_000)
            ]
        );
    }

    #[test]
    fn jitter_stays_below_the_capped_backoff() {
        let policy = RetryPolicy::standard()
            .with_max_retries(100)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(400));
        let waits: Vec<Duration> = (0..50)
            .map(|retry| {
                policy
                    .wait_before(retry, Retryable::Backoff, Duration::ZERO)
                    .expect("within the retry budget")
            })
            .collect();
        for wait in &waits {
            assert!(*wait < Duration::from_millis(400), "{wait:?}");
        }
        // Full jitter spreads the waits over the whole range: not all zero, nor all the cap,
        // nor one value. (Drawn 50 times from [0, 400 ms), any of these fails with a
        // probability far below 1e-12.)
        let distinct: std::collections::BTreeSet<Duration> = waits.iter().copied().collect();
        assert!(distinct.len() > 10, "{waits:?}");
        assert!(
            waits.iter().any(|wait| *wait > Duration::from_millis(200)),
            "{waits:?}"
        );
        assert!(
            waits.iter().any(|wait| *wait < Duration::from_millis(200)),
            "{waits:?}"
        );
    }

    #[test]
    fn the_policies_report_their_documented_retry_counts_and_budget() {
        assert_eq!(RetryPolicy::standard().max_retries(), 3);
        assert_eq!(
            RetryPolicy::default().max_elapsed(),
            Duration::from_secs(60)
        );
        assert_eq!(RetryPolicy::disabled().max_retries(), 0);
        let policy = RetryPolicy::standard().with_max_retries(5);
        assert_eq!(policy.max_retries(), 5);
    }

    #[test]
    fn stops_after_the_last_retry() {
        let policy = RetryPolicy::standard().with_max_retries(2);
        assert!(
            policy
                .wait_before(1, Retryable::Backoff, Duration::ZERO)
                .is_some()
        );
        assert_eq!(
            policy.wait_before(2, Retryable::Backoff, Duration::ZERO),
            None
        );
        assert_eq!(
            RetryPolicy::disabled().wait_before(0, Retryable::Backoff, Duration::ZERO),
            None
        );
    }

    #[test]
    fn honours_retry_after_up_to_the_cap() {
        let policy = RetryPolicy::standard().with_max_retry_after(Duration::from_secs(30));
        assert_eq!(
            policy.wait_before(0, Retryable::After(Duration::from_secs(30)), Duration::ZERO),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            policy.wait_before(0, Retryable::After(Duration::from_secs(31)), Duration::ZERO),
            None
        );
        assert_eq!(policy.wait_before(0, Retryable::No, Duration::ZERO), None);
    }

    #[test]
    fn a_retry_after_of_zero_waits_at_least_the_initial_backoff() {
        let policy = RetryPolicy::standard()
            .with_initial_backoff(Duration::from_millis(250))
            .with_jitter(false);
        assert_eq!(
            policy.wait_before(0, Retryable::After(Duration::ZERO), Duration::ZERO),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            policy.wait_before(0, Retryable::After(Duration::from_secs(2)), Duration::ZERO),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn no_retry_ends_past_the_time_budget() {
        let policy = RetryPolicy::standard()
            .with_max_retries(100)
            .with_max_elapsed(Duration::from_secs(10))
            .with_jitter(false);
        let wait = Duration::from_secs(4);
        assert_eq!(
            policy.wait_before(0, Retryable::After(wait), Duration::from_secs(6)),
            Some(wait),
            "ends exactly at the budget"
        );
        assert_eq!(
            policy.wait_before(0, Retryable::After(wait), Duration::from_secs(7)),
            None
        );
        assert_eq!(
            RetryPolicy::standard().max_elapsed(),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn a_transient_token_failure_waits_for_the_sources_cooldown() {
        let wait = Duration::from_millis(1500);
        assert_eq!(
            classify(Attempt::Token {
                retry_after: Some(wait)
            }),
            Retryable::After(wait)
        );
        assert_eq!(
            classify(Attempt::Token { retry_after: None }),
            Retryable::Backoff
        );
    }

    #[test]
    fn overflowing_backoff_saturates_at_the_cap() {
        let policy = RetryPolicy::standard()
            .with_max_retries(u32::MAX)
            .with_jitter(false);
        assert_eq!(
            policy.wait_before(200, Retryable::Backoff, Duration::ZERO),
            Some(Duration::from_secs(20))
        );
    }

    #[test]
    fn reads_retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        // 2015-10-21T07:28:00Z is `now`; the header says 90 s later.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }
}
