//! What `login` keeps: the refresh token, the client ID and the API key, in the user's config
//! folder, readable only by them (written through [`crate::atomic`]); and the secrets `login`
//! reads from standard input.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::atomic::{self, Access};
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
        atomic::write(path, text.as_bytes(), Access::Private)
            .with_context(|| format!("writing {}", path.display()))
    }
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

        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("amazon-music-rs/login.json");
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
    }

    #[test]
    fn a_corrupt_login_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("login.json");
        std::fs::write(&path, "{\"client_id\": ").unwrap();
        let error = StoredLogin::load_from(&path).expect_err("corrupt");
        let message = error.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("--mock"), "{message}");
        assert!(error.downcast_ref::<UsageError>().is_some());
        assert!(
            StoredLogin::load_from(&dir.path().join("absent.json"))
                .unwrap()
                .is_none()
        );
    }
}
