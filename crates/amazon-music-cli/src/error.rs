//! Exit codes, and the one-line messages a person can act on.

use amazon_music::Error;

/// The exit code for success.
pub const EXIT_OK: u8 = 0;
/// The exit code for an API or network failure.
pub const EXIT_FAILURE: u8 = 1;
/// The exit code for a usage error: bad flags, missing credentials, out-of-range input.
pub const EXIT_USAGE: u8 = 2;

/// A mistake in how the command was called.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(String);

impl UsageError {
    /// A usage error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// The API a failed call went to, attached to the SDK's errors so that a message can name it.
#[derive(Debug)]
pub struct Endpoint(pub String);

impl std::fmt::Display for Endpoint {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "calling {}", self.0)
    }
}

/// What to do after a failure, attached to it: the message ends with it.
#[derive(Debug)]
pub struct Then(pub String);

impl std::fmt::Display for Then {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Ctrl-C stopped the command.
#[derive(Debug, thiserror::Error)]
#[error("interrupted (Ctrl-C)")]
pub struct Interrupted;

/// The exit code for a command that Ctrl-C stopped (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The exit code and message for a failure.
pub fn report(error: &anyhow::Error) -> (u8, String) {
    let (code, message) = report_cause(error);
    match error.downcast_ref::<Then>() {
        Some(then) => (code, format!("{message}; {then}")),
        None => (code, message),
    }
}

fn report_cause(error: &anyhow::Error) -> (u8, String) {
    if let Some(usage) = error.downcast_ref::<UsageError>() {
        return (EXIT_USAGE, usage.to_string());
    }
    if let Some(interrupted) = error.downcast_ref::<Interrupted>() {
        return (EXIT_INTERRUPTED, interrupted.to_string());
    }
    let endpoint = error.downcast_ref::<Endpoint>();
    match error.downcast_ref::<Error>() {
        Some(Error::InvalidRequest { message, .. }) => (EXIT_USAGE, message.clone()),
        Some(error) => (
            EXIT_FAILURE,
            describe(error, endpoint.map(|endpoint| endpoint.0.as_str())),
        ),
        // The causes alone: what this module attaches is said in its own place.
        None => {
            let attached: Vec<String> = [
                error.downcast_ref::<Then>().map(ToString::to_string),
                endpoint.map(ToString::to_string),
            ]
            .into_iter()
            .flatten()
            .collect();
            let causes: Vec<String> = error
                .chain()
                .map(ToString::to_string)
                .skip_while(|cause| attached.contains(cause))
                .collect();
            (EXIT_FAILURE, causes.join(": "))
        }
    }
}

/// Why a connection failed, from the error's causes: refused, a name that does not resolve, or
/// the innermost cause's own words.
pub fn connection_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut causes = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        causes.push(cause);
        next = cause.source();
    }
    let io_kind = causes.iter().find_map(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
    });
    let said = |words: &[&str]| {
        causes.iter().any(|cause| {
            let text = cause.to_string().to_lowercase();
            words.iter().any(|word| text.contains(word))
        })
    };
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => {
            "the connection was refused (nothing listens at that address and port)".to_owned()
        }
        _ if said(&["dns", "lookup", "resolve", "name or service not known"]) => {
            "its host name could not be resolved (check the spelling, or the network)".to_owned()
        }
        _ => causes
            .last()
            .map_or_else(|| error.to_string(), |cause| cause.to_string()),
    }
}

/// One line: what happened, with the status and the API's code and message, and what to do.
pub fn describe(error: &Error, endpoint: Option<&str>) -> String {
    let at = endpoint.map_or_else(String::new, |url| format!(" at {url}"));
    match error {
        Error::Unauthorized(api) if api.code.as_deref() == Some("INVALID_ACCESS_TOKEN") => format!(
            "token expired ({api}): run `amzn-music login` or set AMAZON_MUSIC_REFRESH_TOKEN"
        ),
        Error::Forbidden(api) if api.code.as_deref() == Some("AUTH_NO_MUSIC_ACCOUNT_FOUND") => {
            format!(
                "forbidden ({api}): the logged-in Amazon account has no Amazon Music account; \
                 log in with one that has"
            )
        }
        Error::Forbidden(api) => format!(
            "forbidden ({api}): the credentials were accepted, but may not do this; check that \
             the API key (--api-key / AMAZON_MUSIC_API_KEY, your security profile ID) belongs to \
             an app allowed to call the Amazon Music API"
        ),
        Error::Unauthorized(api) if api.code.as_deref() == Some("INVALID_API_KEY") => format!(
            "unauthorized ({api}): the API key was refused; check --api-key / \
             AMAZON_MUSIC_API_KEY (your security profile ID, enabled for Amazon Music)"
        ),
        Error::Unauthorized(api) => format!(
            "unauthorized ({api}): the access token was refused; run `amzn-music login` (or set \
             AMAZON_MUSIC_REFRESH_TOKEN) for a fresh one, or check --token / AMAZON_MUSIC_TOKEN"
        ),
        Error::RateLimited {
            error: api,
            retry_after,
            ..
        } => match retry_after {
            Some(wait) => format!("rate limited ({api}): try again in {} s", wait.as_secs()),
            None => format!("rate limited ({api}): try again later"),
        },
        Error::Api(api) if api.status == 404 => format!(
            "not found ({api}): check the ID; IDs come from a list's `-o ids` or a table's ID \
             column, and a music.amazon.com URL (`.../albums/B0...`) works in their place"
        ),
        Error::Api(api) if api.status >= 500 => {
            format!("the API failed ({api}): try again later")
        }
        Error::Api(api) => format!("the API refused the request ({api})"),
        Error::Timeout { .. } => {
            format!("the request{at} timed out: check the network or --base-url, and try again")
        }
        Error::Transport {
            message, source, ..
        } => format!(
            "{message}{at}: {}; check the network or --base-url, and try again",
            connection_cause(source.as_ref())
        ),
        Error::Decode { path, message, .. } => {
            format!(
                "the response could not be read at `{path}`: {message}; {} (and please report \
                 it)",
                Error::CAPTURE_HINT
            )
        }
        Error::PaginationLoop { token, .. } => format!(
            "the server repeated the page token {token:?}; stopped to avoid looping (the pages before it were printed)"
        ),
        Error::Auth {
            message,
            retryable: true,
            ..
        } => format!("authentication failed: {message} (a passing failure: try again)"),
        Error::Auth { message, .. } => {
            format!("authentication failed: {message}")
        }
        other => other.to_string(),
    }
}
