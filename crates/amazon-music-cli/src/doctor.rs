//! `amzn-music doctor`: what a new user runs when something does not work. It says where each
//! credential comes from (the lines of `auth status`), then checks, one line each: that the
//! credentials are complete, that Login with Amazon's token endpoint answers a refresh (when
//! there are refresh credentials), that the API answers the home view with `limit=1`, and that
//! this machine's clock agrees with the server's `Date`. Its output holds no secret, so that
//! it can be pasted into a bug report. It never starts the embedded mock server unless
//! `--mock` says so.

use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime};

use amazon_music::auth::TokenSource;
use amazon_music::{Client, RetryPolicy};
use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::credentials::{self, Resolved, Tokens};
use crate::{auth, error, output};

/// The largest clock offset that passes: the margin by which the SDK refreshes a token ahead
/// of its expiry.
const CLOCK_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// How long the API check waits for an answer.
const API_TIMEOUT: Duration = Duration::from_secs(20);
/// The proxy variables reqwest reads, in the order they are shown.
const PROXY_VARIABLES: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Some check failed: exit status 1, after the report.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {checked} checks failed (see above)")]
pub struct ChecksFailed {
    failed: usize,
    checked: usize,
}

/// How one check came out.
enum Outcome {
    Pass(String),
    Fail(String),
    /// Not run, and why: neither a pass nor a failure.
    Skip(String),
}

/// The checks' outcomes, in order.
#[derive(Default)]
struct Checks(Vec<(&'static str, Outcome)>);

impl Checks {
    fn add(&mut self, name: &'static str, outcome: Outcome) {
        self.0.push((name, outcome));
    }

    fn render(&self, out: &mut String) {
        for (name, outcome) in &self.0 {
            let (mark, text) = match outcome {
                Outcome::Pass(text) => ("ok  ", text),
                Outcome::Fail(text) => ("FAIL", text),
                Outcome::Skip(text) => ("skip", text),
            };
            let _ = writeln!(out, "[{mark}] {name}: {text}");
        }
    }

    fn failed(&self) -> usize {
        self.0
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Fail(_)))
            .count()
    }

    fn checked(&self) -> usize {
        self.0
            .iter()
            .filter(|(_, outcome)| !matches!(outcome, Outcome::Skip(_)))
            .count()
    }
}

/// Runs every check and prints the report.
///
/// # Errors
/// [`ChecksFailed`] (exit status 1) when a check fails; an error writing stdout.
pub async fn run(args: &GlobalArgs) -> Result<()> {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "amzn-music doctor (no secret below: paste it into a bug report)\n"
    );
    let _ = writeln!(
        out,
        "Versions:      amzn-music {}, {}, {} {}",
        env!("CARGO_PKG_VERSION"),
        amazon_music::http::DEFAULT_USER_AGENT,
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let _ = writeln!(out, "TLS backend:   {}", amazon_music::http::TLS_BACKEND);
    let _ = writeln!(out, "Proxy:         {}", proxies());
    out.push_str(&auth::describe(args));
    out.push('\n');

    let mut checks = Checks::default();
    // The mock server, if --mock asked for one, lives until the checks are done.
    let (_mock, target) = connect(args, &mut checks).await;
    if let Some(Target { client, url }) = target {
        api(&client, &url, &mut checks).await;
    } else {
        checks.add("API", Outcome::Skip("no client to try".to_owned()));
        checks.add("clock", Outcome::Skip("no answer from the API".to_owned()));
    }
    checks.render(&mut out);
    let (failed, checked) = (checks.failed(), checks.checked());
    if failed == 0 {
        let _ = writeln!(out, "\nall {checked} checks passed");
    }
    output::print(&out)?;
    if failed > 0 {
        return Err(ChecksFailed { failed, checked }.into());
    }
    Ok(())
}

/// The client the API check calls, and the base URL it calls.
struct Target {
    client: Client,
    url: String,
}

/// The credentials and token endpoint checks; the client for the API check, when there are
/// credentials to try, and the embedded mock server when `--mock` asked for it.
async fn connect(
    args: &GlobalArgs,
    checks: &mut Checks,
) -> (Option<amazon_music_mock::MockServer>, Option<Target>) {
    let base_url = args
        .base_url
        .clone()
        .unwrap_or_else(|| amazon_music::http::DEFAULT_BASE_URL.to_owned());
    let resolved = match credentials::resolve(args) {
        Ok(resolved) => resolved,
        Err(failure) => {
            checks.add("credentials", Outcome::Fail(error::report(&failure).1));
            checks.add(
                "token endpoint",
                Outcome::Skip("no credentials to try".to_owned()),
            );
            return (None, None);
        }
    };
    let (builder, tokens) = match resolved {
        Resolved::Mock { asked: false } => {
            checks.add(
                "credentials",
                Outcome::Fail(
                    "none set: the other commands would use the embedded mock server; set \
                     AMAZON_MUSIC_API_KEY and AMAZON_MUSIC_TOKEN, or run `amzn-music login` \
                     (`amzn-music doctor --mock` checks the mock server instead)"
                        .to_owned(),
                ),
            );
            checks.add(
                "token endpoint",
                Outcome::Skip("no credentials to try".to_owned()),
            );
            return (None, None);
        }
        Resolved::Mock { asked: true } => {
            let server = match amazon_music_mock::MockServer::start().await {
                Ok(server) => server,
                Err(failure) => {
                    checks.add(
                        "credentials",
                        Outcome::Fail(format!("the embedded mock server did not start: {failure}")),
                    );
                    return (None, None);
                }
            };
            checks.add(
                "credentials",
                Outcome::Pass("the embedded mock server's (--mock)".to_owned()),
            );
            checks.add(
                "token endpoint",
                Outcome::Skip(
                    "the embedded mock server's access token needs no refresh".to_owned(),
                ),
            );
            let target = credentials::mock_client(&server, args)
                .map(|client| Target {
                    client,
                    url: server.url().to_owned(),
                })
                .map_err(|failure| {
                    checks.add("API", Outcome::Fail(format!("{failure:#}")));
                })
                .ok();
            return (Some(server), target);
        }
        Resolved::Api { builder, tokens } => (*builder, tokens),
    };
    let builder = builder
        .retry_policy(RetryPolicy::disabled())
        .timeout(API_TIMEOUT);
    let built = match tokens {
        Tokens::Token(token) => {
            checks.add(
                "credentials",
                Outcome::Pass("an API key and an access token".to_owned()),
            );
            checks.add(
                "token endpoint",
                Outcome::Skip(
                    "no refresh credentials: the access token is used as it is, and its expiry \
                     is not known (LWA's last an hour)"
                        .to_owned(),
                ),
            );
            builder.access_token(token).build()
        }
        Tokens::Refresh { source, token } => {
            checks.add(
                "credentials",
                Outcome::Pass("an API key and refresh credentials".to_owned()),
            );
            let source = match source.build() {
                Ok(source) => source,
                Err(failure) => {
                    checks.add(
                        "token endpoint",
                        Outcome::Fail(error::describe(&failure, None)),
                    );
                    return (None, None);
                }
            };
            match source.token().await {
                Ok(_) => {
                    let expiry = source.expires_in().map_or_else(
                        || "its expiry was not said".to_owned(),
                        |left| format!("it expires in {}", minutes(left)),
                    );
                    checks.add(
                        "token endpoint",
                        Outcome::Pass(format!(
                            "answered a refresh with a new access token; {expiry}"
                        )),
                    );
                    builder.token_source(source).build()
                }
                Err(failure) => {
                    checks.add(
                        "token endpoint",
                        Outcome::Fail(error::describe(&failure, None)),
                    );
                    match token {
                        // The API check goes on with the access token given.
                        Some(token) => builder.access_token(token).build(),
                        None => return (None, None),
                    }
                }
            }
        }
    };
    match built {
        Ok(client) => (
            None,
            Some(Target {
                client,
                url: base_url,
            }),
        ),
        Err(failure) => {
            checks.add("API", Outcome::Fail(error::describe(&failure, None)));
            (None, None)
        }
    }
}

/// The API check (the home view, `limit=1`) and, from its `Date` header, the clock check.
async fn api(client: &Client, url: &str, checks: &mut Checks) {
    let request = format!("GET {}/v1/views/home?limit=1", url.trim_end_matches('/'));
    let started = Instant::now();
    let answer = client.home().limit(1).send_raw().await;
    let took = started.elapsed().as_millis();
    match answer {
        Ok(raw) => {
            let header = |name: &str| {
                raw.headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let request_id = ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"]
                .into_iter()
                .find_map(header)
                .map_or_else(
                    || "no request ID".to_owned(),
                    |id| format!("request ID {id}"),
                );
            checks.add(
                "API",
                Outcome::Pass(format!(
                    "{request} answered HTTP {} in {took} ms ({request_id})",
                    raw.status()
                )),
            );
            checks.add("clock", clock(header("date").as_deref()));
        }
        Err(failure) => {
            checks.add(
                "API",
                Outcome::Fail(format!(
                    "{request}: {}",
                    error::describe(&failure, Some(url))
                )),
            );
            checks.add(
                "clock",
                Outcome::Skip("the API sent no page to read its Date from".to_owned()),
            );
        }
    }
}

/// This machine's clock against the server's `Date`.
fn clock(date: Option<&str>) -> Outcome {
    let Some(date) = date else {
        return Outcome::Skip("the API sent no Date header".to_owned());
    };
    let Ok(server) = httpdate::parse_http_date(date) else {
        return Outcome::Skip(format!("the API's Date header is not a date: {date:?}"));
    };
    let (offset, ahead) = match SystemTime::now().duration_since(server) {
        Ok(ahead) => (ahead, true),
        Err(behind) => (behind.duration(), false),
    };
    // The Date header has whole seconds.
    let seconds = offset.as_secs();
    let said = format!(
        "{seconds} s {} the server's (its Date header)",
        if ahead { "ahead of" } else { "behind" }
    );
    if offset <= CLOCK_TOLERANCE {
        Outcome::Pass(said)
    } else {
        Outcome::Fail(format!(
            "this machine's clock is {said}: token expiry is judged by it, so set the clock \
             (NTP) and try again"
        ))
    }
}

/// A duration in whole minutes, as people say it.
fn minutes(duration: Duration) -> String {
    let minutes = duration.as_secs().div_ceil(60);
    format!("{minutes} min")
}

/// The proxy variables set, each value without its user and password; or `none set`.
fn proxies() -> String {
    let set: Vec<String> = PROXY_VARIABLES
        .iter()
        .filter_map(|name| {
            let value = std::env::var(name).ok().filter(|value| !value.is_empty())?;
            Some(format!("{name}={}", without_userinfo(&value)))
        })
        .collect();
    if set.is_empty() {
        "none set".to_owned()
    } else {
        set.join(", ")
    }
}

/// A proxy URL with its user and password (`user:pass@`) replaced by `***@`.
fn without_userinfo(value: &str) -> String {
    let start = value.find("://").map_or(0, |at| at + 3);
    let authority_end = value[start..]
        .find('/')
        .map_or(value.len(), |at| start + at);
    match value[start..authority_end].rfind('@') {
        Some(at) => format!("{}***@{}", &value[..start], &value[start + at + 1..]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_loses_its_user_and_password() {
        assert_eq!(
            without_userinfo("http://user:pa%40ss@proxy:3128/x@y"),
            "http://***@proxy:3128/x@y"
        );
        assert_eq!(without_userinfo("proxy:3128"), "proxy:3128");
        assert_eq!(without_userinfo("socks5://u@p"), "socks5://***@p");
    }

    #[test]
    fn a_clock_within_five_minutes_passes() {
        let now = httpdate::fmt_http_date(SystemTime::now());
        assert!(matches!(clock(Some(&now)), Outcome::Pass(_)));
        let late = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(600));
        let Outcome::Fail(said) = clock(Some(&late)) else {
            panic!("ten minutes behind fails");
        };
        assert!(said.contains("behind the server's"), "{said}");
        assert!(matches!(clock(None), Outcome::Skip(_)));
        assert!(matches!(clock(Some("yesterday")), Outcome::Skip(_)));
    }
}
