//! Faults to inject: latency, throttling (always, or over a rate), error statuses, broken,
//! stalled, padded or replaced bodies, pages that loop or come empty, and expired tokens, on
//! every route or some, a number of times or until removed.
//!
//! Faults apply to every route but the admin ones (`/__mock/...`), the token endpoints
//! included, before the credentials are checked. For each request, in the order the faults
//! were added: every matching latency fault adds its delay, and the first matching fault of
//! another kind decides the answer. Only the faults that act are counted against their
//! [`times`](Fault::times); a [`rate_limit`](Fault::rate_limit) acts only on the requests
//! over its rate, and lets the others on to the faults after it.

mod middleware;
mod spec;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;

pub(crate) use middleware::inject;
pub(crate) use spec::FaultSpec;

use crate::auth::lock;
use crate::operation::Operation;

/// A fault to inject; see [`Faults::inject`].
///
/// ```
/// use std::time::Duration;
/// use amazon_music_mock::{Fault, Operation};
///
/// let throttled_twice = Fault::throttle(Duration::from_secs(1))
///     .on_operation(Operation::LibrarySongs)
///     .times(2);
/// let slow_library = Fault::latency(Duration::from_millis(50)).on_path("/v1/views/library");
/// # let _ = (throttled_twice, slow_library);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct Fault {
    kind: FaultKind,
    scope: Scope,
    times: Option<u32>,
    after: u32,
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq)]
enum FaultKind {
    Latency(Duration),
    /// The `Retry-After` value, if any.
    Throttle(Option<String>),
    /// Requests a second, and as many at once.
    RateLimit(u32),
    Status(StatusCode),
    DropConnection,
    TruncateBody,
    StallBody(Duration),
    PadBody(usize),
    Respond {
        status: StatusCode,
        content_type: String,
        body: Bytes,
    },
    RepeatPageToken,
    EmptyPage,
    ExpiredToken,
}

/// Which requests a fault applies to.
#[derive(Clone, Debug, PartialEq)]
enum Scope {
    All,
    Path(String),
    Operation(Operation),
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            scope: Scope::All,
            times: None,
            after: 0,
        }
    }

    /// Delays the answer by `delay`, then answers as usual (or as another fault says).
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency(delay))
    }

    /// Answers `429 THROTTLED` with `Retry-After: <seconds>` (`retry_after` rounded up to
    /// whole seconds) and the V1 error body.
    pub fn throttle(retry_after: Duration) -> Self {
        Self::new(FaultKind::Throttle(Some(whole_seconds(retry_after))))
    }

    /// Answers `429 THROTTLED` with the V1 error body and `Retry-After: <retry_after>` exactly
    /// as given (an HTTP date, an absurd number, garbage), or no `Retry-After` for `None`.
    pub fn throttle_with(retry_after: Option<&str>) -> Self {
        Self::new(FaultKind::Throttle(retry_after.map(str::to_owned)))
    }

    /// Answers `429 THROTTLED`, as [`throttle`](Self::throttle) does, to the requests over
    /// `per_second` requests a second: a token bucket that holds `per_second` tokens (one
    /// second's requests may come at once), refilled at that rate; each request let through
    /// takes one. `Retry-After` says, in whole seconds rounded up, when the next token comes.
    /// A rate of 0 is taken as 1.
    pub fn rate_limit(per_second: u32) -> Self {
        Self::new(FaultKind::RateLimit(per_second.max(1)))
    }

    /// Answers `status` with the V1 error body (code e.g. `INTERNAL_SERVER_ERROR`,
    /// `SERVICE_UNAVAILABLE`). Meant for 5xx; any status from 400 to 599 works, and anything
    /// else is taken as 500.
    pub fn status(status: u16) -> Self {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|status| status.is_client_error() || status.is_server_error())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(FaultKind::Status(status))
    }

    /// Drops the connection: the answer's body fails before its first byte, and the server
    /// closes the connection.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Truncates the body: the usual answer, with the `Content-Length` of the whole body, but
    /// only its first half is sent before the connection is closed.
    pub fn truncate_body() -> Self {
        Self::new(FaultKind::TruncateBody)
    }

    /// Stalls the body: the usual answer, with the `Content-Length` of the whole body, sends
    /// its first half, then waits `pause` before the rest (a read timeout on the client's
    /// side, for a `pause` longer than its timeout).
    pub fn stall_body(pause: Duration) -> Self {
        Self::new(FaultKind::StallBody(pause))
    }

    /// Pads the body: the usual answer, with `bytes` of JSON whitespace before it, streamed
    /// in chunks without a `Content-Length` (still valid JSON, as large as wanted, that the
    /// mock never holds in memory).
    pub fn pad_body(bytes: usize) -> Self {
        Self::new(FaultKind::PadBody(bytes))
    }

    /// Answers `status` with `body` as it is, of type `content_type`: a JSON body cut short,
    /// a proxy's HTML error page, an empty `200`. A `status` HTTP does not allow is taken as
    /// 500.
    pub fn respond(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self::new(FaultKind::Respond {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            content_type: content_type.to_owned(),
            body: body.into(),
        })
    }

    /// Repeats the page token: the usual answer, with every `nextPageToken` in it replaced by
    /// the request's own `cursor` (left as it is when the request has none), so a client that
    /// follows it would loop.
    pub fn repeat_page_token() -> Self {
        Self::new(FaultKind::RepeatPageToken)
    }

    /// Empties the page: the usual answer, with no entity in any group, and its page tokens
    /// kept.
    pub fn empty_page() -> Self {
        Self::new(FaultKind::EmptyPage)
    }

    /// Answers `401 INVALID_ACCESS_TOKEN`, as for an expired access token, whatever the token.
    pub fn expired_token() -> Self {
        Self::new(FaultKind::ExpiredToken)
    }

    /// Applies the fault only to paths that start with `prefix` (e.g. `/v1/views/library`,
    /// `/auth/o2/token`). By default a fault applies to every route.
    pub fn on_path(mut self, prefix: impl Into<String>) -> Self {
        self.scope = Scope::Path(prefix.into());
        self
    }

    /// Applies the fault only to `operation`'s requests.
    pub fn on_operation(mut self, operation: Operation) -> Self {
        self.scope = Scope::Operation(operation);
        self
    }

    /// Acts on the next `n` requests it applies to, then no more. By default a fault acts
    /// until it is removed.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Lets the first `n` requests it applies to through untouched, and acts from the next
    /// one on: a failure in the middle of a paged list (`after(2)` on an operation fails its
    /// third page). By default a fault acts from the first request.
    pub fn after(mut self, n: u32) -> Self {
        self.after = n;
        self
    }

    fn applies_to(&self, path: &str, operation: Option<Operation>) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Path(prefix) => path.starts_with(prefix.as_str()),
            Scope::Operation(wanted) => operation == Some(*wanted),
        }
    }
}

/// `wait` as a `Retry-After` value: whole seconds, rounded up.
fn whole_seconds(wait: Duration) -> String {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).to_string()
}

/// Names an injected fault, to ask how often it acted or to remove it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FaultId(pub(crate) u64);

/// The faults of a server: add and remove them at any time, from any thread.
///
/// Clones share the same faults.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Rules>>,
}

#[derive(Default)]
struct Rules {
    next_id: u64,
    rules: Vec<Rule>,
}

struct Rule {
    id: FaultId,
    fault: Fault,
    acted: u32,
    /// How many requests it let through, of the `after` first.
    passed: u32,
    /// A rate limit's tokens.
    bucket: Option<TokenBucket>,
}

/// The tokens of a [`Fault::rate_limit`].
struct TokenBucket {
    per_second: f64,
    tokens: f64,
    refilled: Instant,
}

impl TokenBucket {
    fn full(per_second: u32) -> Self {
        let per_second = f64::from(per_second);
        Self {
            per_second,
            tokens: per_second,
            refilled: Instant::now(),
        }
    }

    /// Takes a token for a request at `now`: `None` when there was one, or the wait until
    /// the next one.
    fn take(&mut self, now: Instant) -> Option<Duration> {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64(
                (1.0 - self.tokens) / self.per_second,
            ))
        }
    }
}

impl Rule {
    fn spent(&self) -> bool {
        self.fault.times.is_some_and(|times| self.acted >= times)
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = lock(&self.inner);
        formatter
            .debug_list()
            .entries(
                rules
                    .rules
                    .iter()
                    .map(|rule| (&rule.id, &rule.fault, rule.acted)),
            )
            .finish()
    }
}

/// What the faults say about one request.
#[derive(Debug, Default)]
struct Plan {
    delay: Duration,
    outcome: Option<FaultKind>,
}

impl Faults {
    /// Adds a fault; it applies from the next request on.
    pub fn inject(&self, fault: Fault) -> FaultId {
        let mut rules = lock(&self.inner);
        rules.next_id += 1;
        let id = FaultId(rules.next_id);
        let bucket = match fault.kind {
            FaultKind::RateLimit(per_second) => Some(TokenBucket::full(per_second)),
            _ => None,
        };
        rules.rules.push(Rule {
            id,
            fault,
            acted: 0,
            passed: 0,
            bucket,
        });
        id
    }

    /// How many requests the fault `id` has acted on (0 for a fault that was removed).
    pub fn acted(&self, id: FaultId) -> u32 {
        lock(&self.inner)
            .rules
            .iter()
            .find(|rule| rule.id == id)
            .map_or(0, |rule| rule.acted)
    }

    /// Removes the fault `id`.
    pub fn remove(&self, id: FaultId) {
        lock(&self.inner).rules.retain(|rule| rule.id != id);
    }

    /// Removes every fault.
    pub fn clear(&self) {
        lock(&self.inner).rules.clear();
    }

    /// Decides what happens to one request, and counts the faults that act on it.
    fn plan(&self, path: &str, operation: Option<Operation>) -> Plan {
        let mut rules = lock(&self.inner);
        let mut plan = Plan::default();
        for rule in &mut rules.rules {
            if rule.spent() || !rule.fault.applies_to(path, operation) {
                continue;
            }
            if rule.passed < rule.fault.after {
                rule.passed += 1;
                continue;
            }
            match &rule.fault.kind {
                FaultKind::Latency(delay) => {
                    plan.delay += *delay;
                    rule.acted += 1;
                }
                FaultKind::RateLimit(_) if plan.outcome.is_none() => {
                    let wait = rule
                        .bucket
                        .as_mut()
                        .and_then(|bucket| bucket.take(Instant::now()));
                    if let Some(wait) = wait {
                        plan.outcome = Some(FaultKind::Throttle(Some(whole_seconds(wait))));
                        rule.acted += 1;
                    }
                }
                kind if plan.outcome.is_none() => {
                    plan.outcome = Some(kind.clone());
                    rule.acted += 1;
                }
                _ => {}
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_act_only_on_the_requests_in_their_scope() {
        let faults = Faults::default();
        let home = faults.inject(Fault::status(503).on_operation(Operation::Home));
        let library = faults.inject(Fault::drop_connection().on_path("/v1/views/library"));
        assert_eq!(
            faults.plan("/v1/views/home", Some(Operation::Home)).outcome,
            Some(FaultKind::Status(StatusCode::SERVICE_UNAVAILABLE))
        );
        assert_eq!(
            faults
                .plan("/v1/views/library/songs", Some(Operation::LibrarySongs))
                .outcome,
            Some(FaultKind::DropConnection)
        );
        assert_eq!(
            faults
                .plan("/v1/views/recent", Some(Operation::RecentlyPlayed))
                .outcome,
            None
        );
        assert_eq!((faults.acted(home), faults.acted(library)), (1, 1));
    }

    #[test]
    fn a_fault_with_times_acts_that_many_times() {
        let faults = Faults::default();
        let id = faults.inject(Fault::expired_token().times(2));
        let outcomes: Vec<_> = (0..4)
            .map(|_| faults.plan("/v1/views/home", None).outcome)
            .collect();
        assert_eq!(
            outcomes,
            [
                Some(FaultKind::ExpiredToken),
                Some(FaultKind::ExpiredToken),
                None,
                None
            ]
        );
        assert_eq!(faults.acted(id), 2);
    }

    #[test]
    fn a_fault_after_n_lets_n_requests_through_first() {
        let faults = Faults::default();
        let id = faults.inject(
            Fault::status(503)
                .on_operation(Operation::LibrarySongs)
                .after(2)
                .times(1),
        );
        let songs = || {
            faults
                .plan("/v1/views/library/songs", Some(Operation::LibrarySongs))
                .outcome
        };
        assert_eq!(
            faults.plan("/v1/views/home", Some(Operation::Home)).outcome,
            None
        );
        assert_eq!(songs(), None);
        assert_eq!(songs(), None);
        assert_eq!(
            songs(),
            Some(FaultKind::Status(StatusCode::SERVICE_UNAVAILABLE))
        );
        assert_eq!(songs(), None);
        assert_eq!(faults.acted(id), 1);
    }

    #[test]
    fn latencies_add_up_and_the_first_other_fault_decides() {
        let faults = Faults::default();
        faults.inject(Fault::latency(Duration::from_millis(5)));
        faults.inject(Fault::latency(Duration::from_millis(7)));
        faults.inject(Fault::status(500).times(1));
        let second = faults.inject(Fault::status(502).times(1));
        let plan = faults.plan("/x", None);
        assert_eq!(plan.delay, Duration::from_millis(12));
        assert_eq!(
            plan.outcome,
            Some(FaultKind::Status(StatusCode::INTERNAL_SERVER_ERROR))
        );
        assert_eq!(
            faults.acted(second),
            0,
            "a fault that does not act is not counted"
        );
        assert_eq!(
            faults.plan("/x", None).outcome,
            Some(FaultKind::Status(StatusCode::BAD_GATEWAY))
        );
    }

    #[test]
    fn a_rate_limit_throttles_the_requests_over_its_bucket() {
        let faults = Faults::default();
        let id = faults.inject(Fault::rate_limit(3).on_path("/v1"));
        let outcomes: Vec<_> = (0..4)
            .map(|_| faults.plan("/v1/views/library", None).outcome)
            .collect();
        // Three at once, one second's worth; the fourth waits for a token a third of a
        // second away, said as one whole second.
        assert_eq!(
            outcomes,
            [
                None,
                None,
                None,
                Some(FaultKind::Throttle(Some("1".to_owned())))
            ]
        );
        assert_eq!(faults.acted(id), 1);
        // A request let through goes on to the faults after the rate limit.
        let faults = Faults::default();
        faults.inject(Fault::rate_limit(1));
        faults.inject(Fault::status(503));
        assert_eq!(
            faults.plan("/x", None).outcome,
            Some(FaultKind::Status(StatusCode::SERVICE_UNAVAILABLE))
        );
        assert_eq!(
            faults.plan("/x", None).outcome,
            Some(FaultKind::Throttle(Some("1".to_owned())))
        );
        let mut bucket = TokenBucket::full(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(bucket.take(start), None);
        }
        let wait = bucket.take(start).expect("no token left");
        assert!((wait.as_secs_f64() - 1.0 / 3.0).abs() < 1e-9, "{wait:?}");
        assert_eq!(bucket.take(start + Duration::from_millis(334)), None);
        assert_eq!(Fault::rate_limit(0), Fault::rate_limit(1));
    }

    #[test]
    fn removed_and_cleared_faults_no_longer_act() {
        let faults = Faults::default();
        let id = faults.inject(Fault::truncate_body());
        faults.remove(id);
        assert_eq!(faults.plan("/x", None).outcome, None);
        faults.inject(Fault::truncate_body());
        faults.clear();
        assert_eq!(faults.plan("/x", None).outcome, None);
    }

    #[test]
    fn statuses_outside_the_error_range_become_500() {
        assert_eq!(
            Fault::status(200).kind,
            FaultKind::Status(StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(
            Fault::status(99).kind,
            FaultKind::Status(StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(
            Fault::status(504).kind,
            FaultKind::Status(StatusCode::GATEWAY_TIMEOUT)
        );
    }
}
