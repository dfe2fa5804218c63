//! Where the command's credentials come from: flags, the environment, the stored login, or
//! the embedded mock server when there are none at all.

use std::path::PathBuf;

use amazon_music::auth::LwaTokenSource;
use amazon_music::{Client, ClientBuilder};
use anyhow::{Context, Result};
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
}

impl std::fmt::Debug for StoredLogin {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StoredLogin")
            .field("client_id", &self.client_id)
            .field("refresh_token", &"[REDACTED]")
            .field("token_url", &self.token_url)
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
    pub fn load() -> Result<Option<Self>> {
        let Some(path) = Self::path() else {
            return Ok(None);
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map(Some).with_context(|| {
                format!("{} is not a login this version can read", path.display())
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Stores the login, readable and writable only by the user.
    pub fn save(&self) -> Result<PathBuf> {
        let path = Self::path().context("this system has no config folder")?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let text = serde_json::to_string_pretty(self)?;
        write_private(&path, text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// How the command reaches an API.
pub enum Connection {
    /// The real API (or whatever `--base-url` says), with these credentials.
    Api(Client),
    /// The embedded mock server, started for this command.
    Mock(amazon_music_mock::MockServer),
}

/// Works out the connection from flags, the environment and the stored login.
pub async fn connect(args: &GlobalArgs) -> Result<Connection> {
    let refresh = &args.refresh;
    let has_refresh = refresh.client_id.is_some()
        || refresh.client_secret.is_some()
        || refresh.refresh_token.is_some();
    let stored = StoredLogin::load()?;
    // A base URL of its own says the user means a real server: no silent fallback to the mock.
    let nothing_set = args.api_key.is_none()
        && args.token.is_none()
        && args.base_url.is_none()
        && !has_refresh
        && stored.is_none();
    if args.mock || nothing_set {
        let server = amazon_music_mock::MockServer::start()
            .await
            .context("starting the embedded mock server")?;
        if !args.mock {
            eprintln!(
                "no credentials set: using the embedded mock server at {}",
                server.url()
            );
        }
        return Ok(Connection::Mock(server));
    }
    let api_key = args.api_key.clone().ok_or_else(|| {
        UsageError::new("no API key: set --api-key or AMAZON_MUSIC_API_KEY (or use --mock)")
    })?;
    let builder = configure(Client::builder().api_key(api_key), args);
    let builder = if let Some(token) = &args.token {
        builder.access_token(token.clone())
    } else if has_refresh {
        let (Some(client_id), Some(client_secret), Some(refresh_token)) = (
            &refresh.client_id,
            &refresh.client_secret,
            &refresh.refresh_token,
        ) else {
            return Err(UsageError::new(
                "incomplete refresh credentials: set all of AMAZON_MUSIC_CLIENT_ID, \
                 AMAZON_MUSIC_CLIENT_SECRET and AMAZON_MUSIC_REFRESH_TOKEN",
            )
            .into());
        };
        let mut source = LwaTokenSource::builder()
            .client_id(client_id.clone())
            .client_secret(client_secret.clone())
            .refresh_token(refresh_token.clone());
        if let Some(url) = &refresh.token_url {
            source = source.token_url(url.clone());
        }
        builder.token_source(source.build()?)
    } else if let Some(stored) = stored {
        let mut source = LwaTokenSource::builder()
            .client_id(stored.client_id)
            .refresh_token(stored.refresh_token);
        if let Some(url) = refresh.token_url.clone().or(stored.token_url) {
            source = source.token_url(url);
        }
        builder.token_source(source.build()?)
    } else {
        return Err(UsageError::new(
            "no access token: set --token or AMAZON_MUSIC_TOKEN, or run `amzn-music login`",
        )
        .into());
    };
    Ok(Connection::Api(builder.build()?))
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
