//! Where the command's credentials come from: flags, the environment, the stored login, or
//! the embedded mock server when there are none at all (and standard output is a terminal).

use std::io::IsTerminal;

use amazon_music::auth::{LwaTokenSource, LwaTokenSourceBuilder};
use amazon_music::{Client, ClientBuilder, RateLimit};
use anyhow::{Context, Result};
use secrecy::ExposeSecret;

use crate::cli::GlobalArgs;
use crate::error::UsageError;
use crate::login_store::StoredLogin;

/// How the command reaches an API.
pub enum Connection {
    /// The real API (or whatever `--base-url` says), with these credentials.
    Api(Client),
    /// The embedded mock server, started for this command.
    Mock(amazon_music_mock::MockServer),
}

/// Where the refresh credentials came from, which says where a new refresh token goes.
enum RefreshFrom {
    /// Flags or the environment: the command cannot update them.
    Environment,
    /// The stored login, which is updated.
    Stored(StoredLogin),
}

/// Which credentials a command uses: decided here once, for connecting and for `auth status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The embedded mock server: asked for with `--mock`, or nothing is set at all.
    Mock {
        /// Whether `--mock` asked for it.
        asked: bool,
    },
    /// An access token alone, used as it is.
    Token,
    /// The refresh credentials of the environment (client ID and refresh token), starting
    /// with the access token when one is given.
    Environment,
    /// The stored login, starting with the access token when one is given. A client ID alone
    /// in the environment goes with it (the one `login` stored wins).
    Stored,
}

impl Choice {
    /// What `auth status` says is used.
    pub fn describe(self, token: bool) -> &'static str {
        match (self, token) {
            (Choice::Mock { asked: true }, _) => "the embedded mock server (--mock)",
            (Choice::Mock { asked: false }, _) => "the embedded mock server (no credentials set)",
            (Choice::Token, _) => "the access token",
            (Choice::Environment, false) => "the refresh credentials from the environment",
            (Choice::Environment, true) => {
                "the access token, refreshed with the refresh credentials from the environment"
            }
            (Choice::Stored, false) => "the stored login",
            (Choice::Stored, true) => "the access token, refreshed with the stored login",
        }
    }
}

/// Chooses the credentials from the flags, the environment and the stored login.
///
/// # Errors
/// A [`UsageError`] saying what is missing, when what is set is not enough.
pub fn choose(args: &GlobalArgs, stored: Option<&StoredLogin>) -> Result<Choice, UsageError> {
    if args.mock {
        return Ok(Choice::Mock { asked: true });
    }
    let refresh = &args.refresh;
    // A base URL of its own says the user means a real server, and a client ID that they mean
    // to log in: no silent fallback to the mock.
    let nothing_set = args.api_key.is_none()
        && args.token.is_none()
        && args.base_url.is_none()
        && refresh.client_id.is_none()
        && refresh.refresh_token.is_none()
        && stored.is_none();
    if nothing_set {
        return Ok(Choice::Mock { asked: false });
    }
    if refresh.refresh_token.is_some() {
        if refresh.client_id.is_none() {
            return Err(UsageError::new(
                "AMAZON_MUSIC_REFRESH_TOKEN is set without AMAZON_MUSIC_CLIENT_ID, the client ID \
                 the token belongs to: set it too (and AMAZON_MUSIC_CLIENT_SECRET unless the \
                 token comes from the device flow), or unset the token to use `amzn-music login`",
            ));
        }
        return Ok(Choice::Environment);
    }
    if stored.is_some() {
        return Ok(Choice::Stored);
    }
    if args.token.is_some() {
        return Ok(Choice::Token);
    }
    Err(UsageError::new(if refresh.client_id.is_some() {
        "not logged in: AMAZON_MUSIC_CLIENT_ID alone is no credential; run `amzn-music login` \
         (or set AMAZON_MUSIC_REFRESH_TOKEN, or --token)"
    } else {
        "no access token: set --token or AMAZON_MUSIC_TOKEN, or run `amzn-music login`"
    }))
}

/// The credentials a command uses, worked out from the flags, the environment and the stored
/// login once: for connecting, and for `doctor`, which checks each part.
pub enum Resolved {
    /// The embedded mock server (see [`Choice::Mock`]).
    Mock {
        /// Whether `--mock` asked for it.
        asked: bool,
    },
    /// An API, with the client's settings (its API key among them) and how it gets tokens.
    Api {
        /// The client's builder: the API key and every setting the flags give.
        builder: Box<ClientBuilder>,
        /// Where access tokens come from.
        tokens: Tokens,
    },
}

/// Where a command's access tokens come from.
pub enum Tokens {
    /// An access token alone, used as it is.
    Token(String),
    /// Login with Amazon's refresh grant, starting with the access token when one is given.
    Refresh {
        /// The token source, without the access token (new refresh tokens are kept where they
        /// came from).
        source: Box<LwaTokenSourceBuilder>,
        /// The access token to start with.
        token: Option<String>,
    },
}

/// Works out the credentials from flags, the environment and the stored login.
///
/// # Errors
/// A [`UsageError`] saying what is missing, or the stored login's error when it cannot be read.
pub fn resolve(args: &GlobalArgs) -> Result<Resolved> {
    // With --mock the stored login is not even read: whatever state it is in, --mock works.
    let stored = if args.mock {
        None
    } else {
        StoredLogin::load()?
    };
    let no_api_key = || {
        UsageError::new(
            "no API key: set --api-key or AMAZON_MUSIC_API_KEY, or store one with `amzn-music \
             login` (or use --mock)",
        )
    };
    let api_key = args
        .api_key
        .clone()
        .or_else(|| stored.as_ref().and_then(|login| login.api_key.clone()));
    let choice = match choose(args, stored.as_ref()) {
        // The first thing missing is said first.
        Err(_) if api_key.is_none() => return Err(no_api_key().into()),
        choice => choice?,
    };
    if let Choice::Mock { asked } = choice {
        return Ok(Resolved::Mock { asked });
    }
    let builder = Box::new(configure(
        Client::builder().api_key(api_key.ok_or_else(no_api_key)?),
        args,
    ));
    let refresh = &args.refresh;
    let (client_id, refresh_token, token_url, from) =
        match (choice, stored, &refresh.client_id, &refresh.refresh_token) {
            (Choice::Environment, _, Some(client_id), Some(refresh_token)) => (
                client_id.clone(),
                refresh_token.clone(),
                refresh.token_url.clone(),
                RefreshFrom::Environment,
            ),
            (Choice::Stored, Some(stored), _, _) => (
                stored.client_id.clone(),
                stored.refresh_token.clone(),
                refresh.token_url.clone().or(stored.token_url.clone()),
                RefreshFrom::Stored(stored),
            ),
            // An access token alone.
            _ => {
                let token = args.token.clone().ok_or_else(|| {
                    UsageError::new(
                        "no access token: set --token or AMAZON_MUSIC_TOKEN, or run `amzn-music \
                         login`",
                    )
                })?;
                return Ok(Resolved::Api {
                    builder,
                    tokens: Tokens::Token(token),
                });
            }
        };
    let mut source = LwaTokenSource::builder()
        .client_id(client_id)
        .refresh_token(refresh_token);
    if let Some(secret) = &refresh.client_secret {
        source = source.client_secret(secret.clone());
    }
    if let Some(url) = token_url {
        source = source.token_url(url);
    }
    Ok(Resolved::Api {
        builder,
        tokens: Tokens::Refresh {
            source: Box::new(keep_new_refresh_tokens(source, from)),
            token: args.token.clone(),
        },
    })
}

/// Works out the connection from flags, the environment and the stored login, starting the
/// embedded mock server when that is what they say.
pub async fn connect(args: &GlobalArgs) -> Result<Connection> {
    match resolve(args)? {
        Resolved::Mock { asked: true } => start_mock(false).await,
        Resolved::Mock { asked: false } => {
            // Fake data must never land in a file or a pipe by accident.
            if !std::io::stdout().is_terminal() {
                return Err(UsageError::new(
                    "no credentials set, and standard output is not a terminal: pass --mock to \
                     use the embedded mock server, or set AMAZON_MUSIC_API_KEY and \
                     AMAZON_MUSIC_TOKEN (or run `amzn-music login`)",
                )
                .into());
            }
            start_mock(true).await
        }
        Resolved::Api {
            builder,
            tokens: Tokens::Token(token),
        } => Ok(Connection::Api(builder.access_token(token).build()?)),
        Resolved::Api {
            builder,
            tokens: Tokens::Refresh { source, token },
        } => {
            // A token and a way to refresh it: start with the token, refresh when it is
            // rejected.
            let mut source = *source;
            if let Some(token) = token {
                source = source.access_token(token);
            }
            Ok(Connection::Api(
                builder.token_source(source.build()?).build()?,
            ))
        }
    }
}

/// Stores a refresh token that LWA rotates in the login it came from, or says on stderr that
/// the environment's is now outdated.
fn keep_new_refresh_tokens(
    source: LwaTokenSourceBuilder,
    from: RefreshFrom,
) -> LwaTokenSourceBuilder {
    let stored = match from {
        RefreshFrom::Stored(stored) => Some(std::sync::Mutex::new(stored)),
        RefreshFrom::Environment => None,
    };
    source.on_new_refresh_token(move |token| match &stored {
        Some(stored) => {
            let mut login = stored
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            login.refresh_token = token.expose_secret().to_owned();
            if let Err(error) = login.save() {
                eprintln!("warning: Login with Amazon sent a new refresh token, which could not be stored: {error:#}");
            }
        }
        None => eprintln!(
            "warning: Login with Amazon sent a new refresh token; the one in \
             AMAZON_MUSIC_REFRESH_TOKEN may stop working (`amzn-music login` stores one that is \
             kept up to date)"
        ),
    })
}

async fn start_mock(announce: bool) -> Result<Connection> {
    let server = amazon_music_mock::MockServer::start()
        .await
        .context("starting the embedded mock server")?;
    if announce {
        eprintln!(
            "no credentials set: using the embedded mock server at {}",
            server.url()
        );
    }
    Ok(Connection::Mock(server))
}

/// A client for the mock server, with the credentials it accepts.
pub fn mock_client(server: &amazon_music_mock::MockServer, args: &GlobalArgs) -> Result<Client> {
    let credentials = server.credentials();
    let builder = Client::builder()
        .api_key(credentials.api_key())
        .access_token(credentials.access_token());
    Ok(configure(builder, args).base_url(server.url()).build()?)
}

/// The settings every client takes from the flags, and the adaptive rate limit: the command
/// slows down when the API throttles it, instead of meeting `429` after `429`.
fn configure(builder: ClientBuilder, args: &GlobalArgs) -> ClientBuilder {
    let mut builder = builder.rate_limit(RateLimit::adaptive());
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(path) = &args.record {
        builder = builder.record_to(path.clone());
    }
    if let Some(locale) = &args.locale {
        builder = builder.locale(locale.clone());
    }
    if let Some(style) = &args.image_style {
        builder = builder.image_style(style.clone());
    }
    builder
}
