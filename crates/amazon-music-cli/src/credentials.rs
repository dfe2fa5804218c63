//! Where the command's credentials come from: flags, the environment, the stored login, or
//! the embedded mock server when there are none at all (and standard output is a terminal).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use amazon_music::auth::LwaTokenSource;
use amazon_music::{Client, ClientBuilder};
use anyhow::{Context, Result};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::cli::GlobalArgs;
use crate::error::UsageError;

/// What `login` keeps, in the user's config folder, readable only by them.
#[derive(Deserialize, Serialize)]
pub struct StoredLogin {
    /// The LWA client ID the tokens belong to.
    pub client_id: String,
    /// The refresh token.
    pub refresh_token: String,
    /// The token endpoint, where it is not LWA's North American one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// The API key (security profile ID), when `login` was given one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
}

impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StoredLogin")
            .field("client_id", &self.client_id)
            .field("refresh_token", &"[REDACTED]")
            .field("token_url", &self.token_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

impl StoredLogin {
    /// Where the login is stored: `<config dir>/amazon-music-rs/login.json`.
    pub fn path() -> Option<PathBuf> {
        Some(
            dirs::config_dir()?
                .join("amazon-music-rs")
                .join("login.json"),
        )
    }

    /// The stored login, if there is one.
    ///
    /// # Errors
    /// When the file exists but cannot be read or is not a login: the error names the file and
    /// what to do.
    pub fn load() -> Result<Option<Self>> {
        let Some(path) = Self::path() else {
            return Ok(None);
        };
        Self::load_from(&path)
    }

    fn load_from(path: &Path) -> Result<Option<Self>> {
        let unusable = |reason: String| {
            UsageError::new(format!(
                "the stored login {} {reason}: run `amzn-music login` again, or delete the \
                 file (or pass --mock to use the embedded mock server)",
                path.display()
            ))
        };
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map(Some).map_err(|error| {
                unusable(format!("is not a login this version can read ({error})")).into()
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(unusable(format!("cannot be read ({error})")).into()),
        }
    }

    /// Stores the login, readable and writable only by the user, in a folder only they can
    /// enter.
    pub fn save(&self) -> Result<PathBuf> {
        let path = Self::path().context("this system has no config folder")?;
        self.save_to(&path)?;
        Ok(path)
    }

    fn save_to(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        write_private(path, text.as_bytes()).with_context(|| format!("writing {}", path.display()))
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file beside it (mode 0600, in a folder
/// of mode 0700, created if need be), flushed to disk, then renamed over `path`. A reader sees
/// the old file or the new one, never a part of either.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    create_private_folder(folder)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = open_private(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        // The rename itself, on disk.
        if let Ok(folder) = std::fs::File::open(folder) {
            let _ = folder.sync_all();
        }
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(unix)]
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)?;
    // A folder made by an earlier version, or by hand, may be open to others.
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;

    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

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

/// Works out the connection from flags, the environment and the stored login.
pub async fn connect(args: &GlobalArgs) -> Result<Connection> {
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
    match choice {
        Choice::Mock { asked: true } => return start_mock(false).await,
        Choice::Mock { asked: false } => {
            // Fake data must never land in a file or a pipe by accident.
            if !std::io::stdout().is_terminal() {
                return Err(UsageError::new(
                    "no credentials set, and standard output is not a terminal: pass --mock to \
                     use the embedded mock server, or set AMAZON_MUSIC_API_KEY and \
                     AMAZON_MUSIC_TOKEN (or run `amzn-music login`)",
                )
                .into());
            }
            return start_mock(true).await;
        }
        Choice::Token | Choice::Environment | Choice::Stored => {}
    }
    let builder = configure(
        Client::builder().api_key(api_key.ok_or_else(no_api_key)?),
        args,
    );
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
                return Ok(Connection::Api(builder.access_token(token).build()?));
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
    // A token and a way to refresh it: start with the token, refresh when it is rejected.
    if let Some(token) = &args.token {
        source = source.access_token(token.clone());
    }
    let builder = builder.token_source(keep_new_refresh_tokens(source, from).build()?);
    Ok(Connection::Api(builder.build()?))
}

/// Stores a refresh token that LWA rotates in the login it came from, or says on stderr that
/// the environment's is now outdated.
fn keep_new_refresh_tokens(
    source: amazon_music::auth::LwaTokenSourceBuilder,
    from: RefreshFrom,
) -> amazon_music::auth::LwaTokenSourceBuilder {
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

/// The settings every client takes from the flags.
fn configure(mut builder: ClientBuilder, args: &GlobalArgs) -> ClientBuilder {
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(locale) = &args.locale {
        builder = builder.locale(locale.clone());
    }
    if let Some(style) = &args.image_style {
        builder = builder.image_style(style.clone());
    }
    builder
}

/// Reads one secret per line from standard input (trimmed; blank lines skipped), `count` of
/// them: what `login --with-token` and `--with-api-key` take, so that secrets stay out of the
/// shell's history and of `ps`.
pub fn read_secrets_from_stdin(count: usize, names: &str) -> Result<Vec<String>> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("reading standard input")?;
    let secrets: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .take(count)
        .collect();
    if secrets.len() < count {
        return Err(UsageError::new(format!(
            "standard input holds {} line(s); expected {names}, one a line",
            secrets.len()
        ))
        .into());
    }
    Ok(secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("amzn-music-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn login() -> StoredLogin {
        StoredLogin {
            client_id: "amzn1.application-oa2-client.test".to_owned(),
            refresh_token: "Atzr|stored".to_owned(),
            token_url: None,
            api_key: Some("api-key".to_owned()),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_login_is_stored_0600_in_a_0700_folder_and_reads_back() {
        use std::os::unix::fs::PermissionsExt;

        let dir = scratch("store");
        let path = dir.join("amazon-music-rs/login.json");
        login().save_to(&path).expect("stored");
        let mode = |path: &Path| {
            std::fs::metadata(path)
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().expect("a folder")), 0o700);
        let read = StoredLogin::load_from(&path)
            .expect("readable")
            .expect("there");
        assert_eq!(read.refresh_token, "Atzr|stored");
        assert_eq!(read.api_key.as_deref(), Some("api-key"));

        // Written again over an open folder: the folder is closed again, and no temporary file
        // is left behind.
        std::fs::set_permissions(
            path.parent().unwrap(),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        login().save_to(&path).expect("stored again");
        assert_eq!(mode(path.parent().expect("a folder")), 0o700);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["login.json"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_login_is_an_error_naming_the_file() {
        let dir = scratch("corrupt");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("login.json");
        std::fs::write(&path, "{\"client_id\": ").unwrap();
        let error = StoredLogin::load_from(&path).expect_err("corrupt");
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("--mock"), "{message}");
        assert!(error.downcast_ref::<UsageError>().is_some());
        assert!(
            StoredLogin::load_from(&dir.join("absent.json"))
                .unwrap()
                .is_none()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
