//! What a command runs with: its flags from before and after its name, merged, then the
//! environment for what no flag set (the config file comes after, in `commands`). A flag given
//! to a command that does not use it is a usage error, wherever it stands.

use clap::ValueEnum;

use crate::cli::{
    self, ApiArgs, Cli, Command, ConnectFlags, GlobalArgs, OutputFlags, OutputFormat, PagingArgs,
    RequestFlags,
};
use crate::error::UsageError;

/// The API's base URL.
const BASE_URL: &str = "AMAZON_MUSIC_BASE_URL";
/// The API key.
const API_KEY: &str = "AMAZON_MUSIC_API_KEY";
/// An access token.
const TOKEN: &str = "AMAZON_MUSIC_TOKEN";
/// The LWA client ID.
const CLIENT_ID: &str = "AMAZON_MUSIC_CLIENT_ID";
/// The LWA client secret.
const CLIENT_SECRET: &str = "AMAZON_MUSIC_CLIENT_SECRET";
/// An LWA refresh token.
const REFRESH_TOKEN: &str = "AMAZON_MUSIC_REFRESH_TOKEN";
/// The LWA token endpoint.
const LWA_TOKEN_URL: &str = "AMAZON_MUSIC_LWA_TOKEN_URL";
/// The LWA code-pair endpoint.
const LWA_CODEPAIR_URL: &str = "AMAZON_MUSIC_LWA_CODEPAIR_URL";
/// The response locale.
const LOCALE: &str = "AMAZON_MUSIC_LOCALE";
/// The image size.
const IMAGE_STYLE: &str = "AMAZON_MUSIC_IMAGE_STYLE";
/// The output format.
const OUTPUT: &str = "AMAZON_MUSIC_OUTPUT";

/// Every variable read here, for the test that `--help` lists them.
#[cfg(test)]
const ENVIRONMENT: [&str; 11] = [
    BASE_URL,
    API_KEY,
    TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    LWA_TOKEN_URL,
    LWA_CODEPAIR_URL,
    LOCALE,
    IMAGE_STYLE,
    OUTPUT,
];

/// A variable's value; an empty one counts as unset.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// A variable's value, checked as its flag is.
fn env_checked(
    name: &str,
    check: fn(&str) -> Result<String, String>,
) -> Result<Option<String>, UsageError> {
    env(name)
        .map(|value| check(&value).map_err(|error| UsageError::new(format!("{name}: {error}"))))
        .transpose()
}

/// The value `name` has at one level at most.
fn one<T: Clone>(
    name: &str,
    values: impl IntoIterator<Item = Option<T>>,
) -> Result<Option<T>, UsageError> {
    let mut found = None;
    for value in values.into_iter().flatten() {
        if found.replace(value).is_some() {
            return Err(UsageError::new(format!("{name} is given twice")));
        }
    }
    Ok(found)
}

/// The usage error for flags given to a command that does not take them.
fn does_not_take(command: &str, flags: &[&str]) -> UsageError {
    UsageError::new(format!(
        "`{command}` does not take {}: see `amzn-music {command} --help` for what it takes",
        flags.join(", ")
    ))
}

/// Puts together what `cli`'s command runs with (the config file aside), and returns it with
/// the command, whose `login` flags are filled in from the environment too.
///
/// # Errors
/// A [`UsageError`] for a flag the command does not take, a flag given twice, or a variable
/// whose value is not one its flag takes.
pub fn resolve(cli: Cli) -> Result<(GlobalArgs, Command), UsageError> {
    let Cli {
        view,
        refresh,
        paging,
        mut command,
    } = cli;
    let name = command.name();
    let mut global = GlobalArgs::default();
    resolve_paging(&mut global, paging, &command)?;
    if let Command::Api(ApiArgs { list: true, .. }) = &command {
        let after = command.flags().output.into_iter().flatten();
        let mut given: Vec<&str> = view.output.names();
        given.extend(after.flat_map(OutputFlags::names));
        if global.limit.is_some()
            || global.cursor.is_some()
            || global.all
            || global.max_items.is_some()
        {
            given.push("the paging flags");
        }
        if !given.is_empty() {
            return Err(UsageError::new(format!(
                "`api --list` prints the operations of the spec as text: {} do not apply",
                given.join(", ")
            )));
        }
    }
    let taken = command.flags();
    let connects = taken.connect.is_some() || matches!(command, Command::Login(_));

    match taken.connect {
        Some(levels) => {
            let levels: Vec<&ConnectFlags> = std::iter::once(&view.connect).chain(levels).collect();
            global.base_url = one(
                "--base-url",
                levels.iter().map(|flags| flags.base_url.clone()),
            )?;
            global.api_key = one(
                "--api-key",
                levels.iter().map(|flags| flags.api_key.clone()),
            )?;
            global.token = one("--token", levels.iter().map(|flags| flags.token.clone()))?;
            global.mock = levels.iter().any(|flags| flags.mock);
            global.record = one("--record", levels.iter().map(|flags| flags.record.clone()))?;
        }
        None if !view.connect.names().is_empty() => {
            return Err(does_not_take(name, &view.connect.names()));
        }
        None => {}
    }
    match taken.request {
        Some(levels) => {
            let levels: Vec<&RequestFlags> = std::iter::once(&view.request).chain(levels).collect();
            global.locale = one("--locale", levels.iter().map(|flags| flags.locale.clone()))?;
            global.image_style = one(
                "--image-style",
                levels.iter().map(|flags| flags.image_style.clone()),
            )?;
            if global.locale.is_none() {
                global.locale = env_checked(LOCALE, cli::locale)?;
            }
            if global.image_style.is_none() {
                global.image_style = env_checked(IMAGE_STYLE, cli::image_style)?;
            }
        }
        None if !view.request.names().is_empty() => {
            return Err(does_not_take(name, &view.request.names()));
        }
        None => {}
    }
    match taken.output {
        Some(levels) => {
            let levels: Vec<&OutputFlags> = std::iter::once(&view.output).chain(levels).collect();
            global.output = one("--output", levels.iter().map(|flags| flags.output))?;
            let columns: Vec<_> = levels
                .iter()
                .filter(|flags| !flags.columns.is_empty())
                .collect();
            if columns.len() > 1 {
                return Err(UsageError::new("--columns is given twice"));
            }
            global.columns = columns
                .first()
                .map(|flags| flags.columns.clone())
                .unwrap_or_default();
            global.no_headers = levels.iter().any(|flags| flags.no_headers);
            global.width = one("--width", levels.iter().map(|flags| flags.width))?;
            // --json wins over --output, the environment and the config file.
            if levels.iter().any(|flags| flags.json) {
                global.output = Some(OutputFormat::Json);
            }
            if global.output.is_none() {
                global.output = env(OUTPUT)
                    .map(|value| {
                        OutputFormat::from_str(&value, false).map_err(|_| {
                            UsageError::new(format!(
                                "{OUTPUT}: {value:?} is not an output format: table, json, \
                                 ndjson, ids, raw, csv or tsv"
                            ))
                        })
                    })
                    .transpose()?;
            }
        }
        None if !view.output.names().is_empty() => {
            return Err(does_not_take(name, &view.output.names()));
        }
        None => {}
    }
    let hidden: Vec<&str> = [
        refresh.client_id.as_ref().map(|_| "--client-id"),
        refresh.token_url.as_ref().map(|_| "--lwa-token-url"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !connects && !hidden.is_empty() {
        return Err(does_not_take(name, &hidden));
    }

    // The environment, for what no flag set (read whether or not the command uses it: `auth
    // logout` says which credentials still apply).
    global.base_url = global.base_url.or_else(|| env(BASE_URL));
    global.api_key = global.api_key.or_else(|| env(API_KEY));
    global.token = global.token.or_else(|| env(TOKEN));
    global.refresh = refresh;
    global.refresh.client_id = global.refresh.client_id.take().or_else(|| env(CLIENT_ID));
    global.refresh.token_url = global
        .refresh
        .token_url
        .take()
        .or_else(|| env(LWA_TOKEN_URL));
    global.refresh.client_secret = env(CLIENT_SECRET);
    global.refresh.refresh_token = env(REFRESH_TOKEN);

    if let Command::Login(login) = &mut command {
        login.client_id = login
            .client_id
            .take()
            .or_else(|| global.refresh.client_id.clone());
        login.codepair_url = login.codepair_url.take().or_else(|| env(LWA_CODEPAIR_URL));
        if let Some(url) = login.lwa_token_url.take() {
            global.refresh.token_url = Some(url);
        }
        if let Some(key) = login.api_key.take() {
            global.api_key = Some(key);
        }
    }
    Ok((global, command))
}

/// Gathers the paging flags from before and after the command's name into `global`; a
/// command that does not page refuses them.
fn resolve_paging(
    global: &mut GlobalArgs,
    before: PagingArgs,
    command: &Command,
) -> Result<(), UsageError> {
    let Some(levels) = command.paging() else {
        if before.any() {
            return Err(cli::does_not_page(command.name(), &before.names()));
        }
        return Ok(());
    };
    let mut paging = before;
    for level in levels {
        paging = paging.merge(level)?;
    }
    global.limit = paging.limit;
    global.cursor = paging.cursor;
    global.all = paging.all;
    global.max_items = paging.max_items;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_environment_variable_the_command_reads() {
        for name in ENVIRONMENT {
            assert!(cli::AFTER_HELP.contains(&format!("\n  {name} ")), "{name}");
        }
    }
}
