//! `amzn-music auth status` and `auth logout`: what is configured and where it comes from,
//! never a secret.

use std::fmt::Write as _;

use anyhow::{Context, Result};

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::credentials;
use crate::login_store::StoredLogin;
use crate::output;

/// Where a setting came from: the environment variable when it holds this value, the config
/// file when it does, the flag otherwise (clap prefers a flag to the environment).
fn source(value: &str, env: &str, flag: &str, config: Option<&str>) -> String {
    if std::env::var(env).is_ok_and(|set| set == value) {
        env.to_owned()
    } else if config == Some(value) {
        "the config file".to_owned()
    } else {
        flag.to_owned()
    }
}

/// `auth status`: prints who is configured, where each credential comes from, and which the
/// next command would use. Secrets are only ever said to be "set".
///
/// # Errors
/// When stdout cannot be written.
pub fn status(args: &GlobalArgs) -> Result<()> {
    output::print(&describe(args))?;
    Ok(())
}

/// Who is configured, where each credential comes from, and which the next command would use,
/// one line each (`auth status`, and the start of `doctor`). Secrets are only said to be "set".
pub fn describe(args: &GlobalArgs) -> String {
    let config = Config::load().unwrap_or_default();
    let refresh = &args.refresh;
    let stored_path = StoredLogin::path();
    let stored = StoredLogin::load();
    let mut out = String::new();

    let in_use = match &stored {
        Err(_) if !args.mock => "nothing: the stored login cannot be read (see below)".to_owned(),
        stored => match credentials::choose(args, stored.as_ref().ok().and_then(Option::as_ref)) {
            Ok(choice) => choice.describe(args.token.is_some()).to_owned(),
            Err(missing) => format!("nothing complete: {missing}"),
        },
    };
    let mock = in_use.starts_with("the embedded mock server");
    let _ = writeln!(out, "Uses:          {in_use}");

    let base_url = match &args.base_url {
        _ if mock => "the embedded mock server's, started for each command".to_owned(),
        Some(url) => format!(
            "{url} (from {})",
            source(
                url,
                "AMAZON_MUSIC_BASE_URL",
                "--base-url",
                config.base_url.as_deref()
            )
        ),
        None => format!("{} (the default)", amazon_music::http::DEFAULT_BASE_URL),
    };
    let _ = writeln!(out, "Base URL:      {base_url}");
    let _ = writeln!(
        out,
        "API key:       {}",
        match &args.api_key {
            Some(key) => format!(
                "set (from {})",
                source(key, "AMAZON_MUSIC_API_KEY", "--api-key", None)
            ),
            None => "not set (--api-key or AMAZON_MUSIC_API_KEY)".to_owned(),
        }
    );
    let _ = writeln!(
        out,
        "Access token:  {}",
        match &args.token {
            Some(token) => format!(
                "set (from {}); its expiry is not known before it is used (LWA's last an hour)",
                source(token, "AMAZON_MUSIC_TOKEN", "--token", None)
            ),
            None => "not set".to_owned(),
        }
    );
    let set = |value: &Option<String>| if value.is_some() { "set" } else { "not set" };
    if refresh.client_id.is_some()
        || refresh.client_secret.is_some()
        || refresh.refresh_token.is_some()
    {
        let _ = writeln!(
            out,
            "Refresh:       client ID {} (AMAZON_MUSIC_CLIENT_ID), client secret {}, refresh token {}; access tokens are fetched as needed, each lasting an hour",
            refresh.client_id.as_deref().unwrap_or("not set"),
            set(&refresh.client_secret),
            set(&refresh.refresh_token),
        );
    } else {
        let _ = writeln!(out, "Refresh:       not set");
    }
    let where_ = stored_path.as_deref().map_or_else(
        || "(no config folder)".to_owned(),
        |path| path.display().to_string(),
    );
    let login = match stored {
        Ok(Some(login)) => format!(
            "{where_}: client ID {}, refresh token stored{}",
            login.client_id,
            login
                .token_url
                .map(|url| format!(", token endpoint {url}"))
                .unwrap_or_default()
        ),
        Ok(None) => format!("none ({where_})"),
        Err(error) => format!("unreadable: {error:#}"),
    };
    let _ = writeln!(out, "Stored login:  {login}");
    let config_path = Config::path().map_or_else(
        || "(no config folder)".to_owned(),
        |path| path.display().to_string(),
    );
    let _ = writeln!(out, "Config file:   {config_path}");
    out
}

/// `auth logout`: removes the stored login, if there is one.
///
/// # Errors
/// When the stored login exists and cannot be removed.
pub fn logout(args: &GlobalArgs) -> Result<()> {
    let path = StoredLogin::path().context("this system has no config folder")?;
    match std::fs::remove_file(&path) {
        Ok(()) => eprintln!("logged out: removed {}", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "not logged in: there is no stored login at {}",
                path.display()
            );
        }
        Err(error) => {
            return Err(error).with_context(|| format!("removing {}", path.display()));
        }
    }
    if args.token.is_some() || args.refresh.refresh_token.is_some() {
        eprintln!(
            "credentials from the environment or flags still apply (see `amzn-music auth status`)"
        );
    }
    Ok(())
}
