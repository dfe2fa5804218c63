//! The command line: every flag and subcommand.

use clap::{Args, Parser, Subcommand};

use crate::error::UsageError;

/// What `--help` says after the options: the environment and the config file.
pub const AFTER_HELP: &str = "\
Environment:
  AMAZON_MUSIC_BASE_URL          the API's base URL (--base-url)
  AMAZON_MUSIC_API_KEY           your security profile ID (--api-key)
  AMAZON_MUSIC_TOKEN             an access token (--token)
  AMAZON_MUSIC_CLIENT_ID         your LWA client ID (refresh credentials, and `login`)
  AMAZON_MUSIC_CLIENT_SECRET     your LWA client secret (refresh credentials)
  AMAZON_MUSIC_REFRESH_TOKEN     an LWA refresh token (refresh credentials)
  AMAZON_MUSIC_LWA_TOKEN_URL     another LWA token endpoint
  AMAZON_MUSIC_LWA_CODEPAIR_URL  another LWA code-pair endpoint (`login`)
  AMAZON_MUSIC_LOCALE            the response locale (--locale)
  AMAZON_MUSIC_IMAGE_STYLE       the image size (--image-style)
  AMAZON_MUSIC_OUTPUT            the output format (--output)
  NO_COLOR                       no colour, even on a terminal
  RUST_LOG                       tracing on stderr, e.g. RUST_LOG=amazon_music=debug

Config file: config.toml in the config folder (`amzn-music config path` shows where), with
locale, image-style, output and base-url; flags and the environment override it.

With no credentials at all, every command runs against an embedded mock server.";

/// Browse the Amazon Music Web API views from a terminal.
///
/// An unofficial client: not made or endorsed by Amazon.
#[derive(Debug, Parser)]
#[command(
    name = "amzn-music",
    version,
    about = "Browse the Amazon Music Web API views from a terminal (an unofficial client, not made or endorsed by Amazon).",
    long_about = None,
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Paging flags given before the command's name (`amzn-music --all library songs`).
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// How the command prints what it fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    // Tables for people.
    #[default]
    Table,
    // The response as JSON (with --all, one line of JSON per page).
    Json,
    // One line of JSON per entity.
    Ndjson,
    // One entity ID per line.
    Ids,
    // Each response body exactly as received (with --all, one a line).
    Raw,
}

/// Options every command takes. `Debug` shows whether a secret is set, never the secret.
#[derive(Args)]
pub struct GlobalArgs {
    /// The API's base URL.
    #[arg(long, global = true, env = "AMAZON_MUSIC_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// The security profile ID of your Login with Amazon app.
    #[arg(
        long,
        global = true,
        env = "AMAZON_MUSIC_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// An access token (`Atza|...`); see also `login` and AMAZON_MUSIC_REFRESH_TOKEN.
    #[arg(
        long,
        global = true,
        env = "AMAZON_MUSIC_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// The response locale, e.g. en-us, de-de, ja-jp.
    #[arg(long, global = true, env = "AMAZON_MUSIC_LOCALE", value_name = "L")]
    pub locale: Option<String>,
    /// The image size: SL500, SL160, SL110, SL75 or SL30.
    #[arg(
        long,
        global = true,
        env = "AMAZON_MUSIC_IMAGE_STYLE",
        value_name = "S"
    )]
    pub image_style: Option<String>,
    /// Use the embedded mock server, whatever credentials are set.
    #[arg(long, global = true)]
    pub mock: bool,
    /// The output: tables, the response as JSON, one entity a line as JSON, one ID a line, or
    /// each response body exactly as received [default: table]
    #[arg(
        long,
        short = 'o',
        global = true,
        env = "AMAZON_MUSIC_OUTPUT",
        value_name = "FORMAT"
    )]
    pub output: Option<OutputFormat>,
    /// The same as --output json (and wins over it, AMAZON_MUSIC_OUTPUT and the config file).
    #[arg(long, global = true)]
    pub json: bool,
    /// The page size, resolved from the paging flags wherever they were given.
    #[arg(skip)]
    pub limit: Option<u32>,
    /// The cursor to continue from, resolved like `limit`.
    #[arg(skip)]
    pub cursor: Option<String>,
    /// Whether to follow the cursors, resolved like `limit`.
    #[arg(skip)]
    pub all: bool,
    /// The most entities to show, resolved like `limit`.
    #[arg(skip)]
    pub max_items: Option<usize>,
    #[command(flatten)]
    pub refresh: RefreshArgs,
}

/// The paging flags, which only the commands that page take; before or after the command's
/// name.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Paging (commands that page)")]
pub struct PagingArgs {
    /// How many items a page holds [default: the API's; with --all or --max-items, the
    /// largest the command allows].
    #[arg(long, value_name = "N", value_parser = at_least_one::<u32>)]
    pub limit: Option<u32>,
    /// Continue from a page's next cursor.
    #[arg(long, value_name = "C")]
    pub cursor: Option<String>,
    /// Follow the cursors to the last page.
    #[arg(long)]
    pub all: bool,
    /// Show this many entities, following the cursors until they are in.
    #[arg(long, value_name = "N", value_parser = at_least_one::<usize>)]
    pub max_items: Option<usize>,
}

/// A whole number of at least 1: the one rule of `--limit` and `--max-items`.
fn at_least_one<T: std::str::FromStr + PartialOrd + From<u8>>(text: &str) -> Result<T, String> {
    match text.parse::<T>() {
        Ok(number) if number >= T::from(1) => Ok(number),
        _ => Err(format!(
            "must be a whole number of at least 1, not {text:?}"
        )),
    }
}

/// The usage error for paging flags given to a command that does not page, wherever they
/// stand: before the command's name, or after it (where clap would suggest `-- --limit`).
pub fn does_not_page(command: &str, flags: &[&str]) -> UsageError {
    use clap::CommandFactory;

    let paging: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|sub| sub.get_arguments().any(|arg| arg.get_id() == "limit"))
        .map(|sub| sub.get_name().to_owned())
        .collect();
    UsageError::new(format!(
        "`{command}` does not page: {} applies only to {}",
        flags.join(", "),
        paging.join(", ")
    ))
}

/// For a paging flag that clap found after a command that does not page, the same message as
/// for one before its name; `None` for any other error.
pub fn misplaced_paging_flag(error: &clap::Error, args: &[String]) -> Option<UsageError> {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};

    if error.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let flag = given.split('=').next().unwrap_or(given);
    if !["--limit", "--cursor", "--all", "--max-items"].contains(&flag) {
        return None;
    }
    let command = Cli::command();
    let name = args
        .iter()
        .skip(1)
        .find(|arg| command.find_subcommand(arg.as_str()).is_some())?;
    Some(does_not_page(name, &[flag]))
}

impl PagingArgs {
    /// Whether any paging flag is set.
    pub fn any(&self) -> bool {
        self.limit.is_some() || self.cursor.is_some() || self.all || self.max_items.is_some()
    }

    /// The flags set here, as they are spelled.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.limit.is_some() {
            names.push("--limit");
        }
        if self.cursor.is_some() {
            names.push("--cursor");
        }
        if self.all {
            names.push("--all");
        }
        if self.max_items.is_some() {
            names.push("--max-items");
        }
        names
    }

    /// These flags and `other`'s together.
    ///
    /// # Errors
    /// A [`UsageError`] when both give the same flag a value.
    pub fn merge(self, other: &PagingArgs) -> Result<PagingArgs, UsageError> {
        fn one<T: Clone>(name: &str, a: Option<T>, b: &Option<T>) -> Result<Option<T>, UsageError> {
            match (a, b) {
                (Some(_), Some(_)) => Err(UsageError::new(format!("{name} is given twice"))),
                (a, b) => Ok(a.or_else(|| b.clone())),
            }
        }
        Ok(PagingArgs {
            limit: one("--limit", self.limit, &other.limit)?,
            cursor: one("--cursor", self.cursor, &other.cursor)?,
            all: self.all || other.all,
            max_items: one("--max-items", self.max_items, &other.max_items)?,
        })
    }
}

/// Login with Amazon credentials that keep access tokens fresh. The secrets come from the
/// environment only ([`RefreshArgs::read_secrets`]). `Debug` shows whether a secret is set,
/// never the secret.
#[derive(Args)]
pub struct RefreshArgs {
    /// The LWA client ID.
    #[arg(
        long = "client-id",
        hide = true,
        env = "AMAZON_MUSIC_CLIENT_ID",
        hide_env_values = true
    )]
    pub client_id: Option<String>,
    /// The LWA client secret: from AMAZON_MUSIC_CLIENT_SECRET only, never a flag, so that it
    /// stays out of the shell's history, `ps`, help and completion.
    #[arg(skip)]
    pub client_secret: Option<String>,
    /// An LWA refresh token (`Atzr|...`): from AMAZON_MUSIC_REFRESH_TOKEN only, like the secret.
    #[arg(skip)]
    pub refresh_token: Option<String>,
    /// The LWA token endpoint, in place of the North American one.
    #[arg(
        long = "lwa-token-url",
        hide = true,
        env = "AMAZON_MUSIC_LWA_TOKEN_URL"
    )]
    pub token_url: Option<String>,
}

/// The environment variable of the client secret.
pub const CLIENT_SECRET_ENV: &str = "AMAZON_MUSIC_CLIENT_SECRET";
/// The environment variable of the refresh token.
pub const REFRESH_TOKEN_ENV: &str = "AMAZON_MUSIC_REFRESH_TOKEN";

impl RefreshArgs {
    /// Reads the client secret and the refresh token from the environment (an empty value
    /// counts as unset, as clap treats the other variables).
    pub fn read_secrets(&mut self) {
        let read = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        self.client_secret = read(CLIENT_SECRET_ENV);
        self.refresh_token = read(REFRESH_TOKEN_ENV);
    }
}

/// How a secret shows in `Debug` output.
fn redacted(secret: &Option<String>) -> &'static str {
    match secret {
        Some(_) => "Some([REDACTED])",
        None => "None",
    }
}

impl std::fmt::Debug for GlobalArgs {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GlobalArgs")
            .field("base_url", &self.base_url)
            .field("api_key", &format_args!("{}", redacted(&self.api_key)))
            .field("token", &format_args!("{}", redacted(&self.token)))
            .field("locale", &self.locale)
            .field("image_style", &self.image_style)
            .field("mock", &self.mock)
            .field("output", &self.output)
            .field("json", &self.json)
            .field("limit", &self.limit)
            .field("cursor", &self.cursor)
            .field("all", &self.all)
            .field("max_items", &self.max_items)
            .field("refresh", &self.refresh)
            .finish()
    }
}

impl std::fmt::Debug for RefreshArgs {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RefreshArgs")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &format_args!("{}", redacted(&self.client_secret)),
            )
            .field(
                "refresh_token",
                &format_args!("{}", redacted(&self.refresh_token)),
            )
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The home view, or one of its groups.
    Home(GroupArg),
    /// The podcasts view, or one of its groups.
    Podcasts(GroupArg),
    /// The library view, one of its groups, or one of the library views.
    Library(LibraryArgs),
    /// What you played recently.
    Recent(PagingOnly),
    /// An artist's details view.
    Artist(PagedIdArg),
    /// An album's details view and its tracks (one page).
    Album(IdArg),
    /// A playlist's details view and its tracks.
    Playlist(PagedIdArg),
    /// A podcast show's details view and its episodes.
    Show(PagedIdArg),
    /// Call any operation of the spec by its operationId (`api --list` shows them all).
    Api(ApiArgs),
    /// Write the whole library to files in DIR (resumable).
    Export(ExportArgs),
    /// Log in with Login with Amazon's device flow and store the tokens.
    Login(LoginArgs),
    /// Who is configured, and log out.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// The config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
    /// Run the mock server until Ctrl-C.
    MockServer(MockServerArgs),
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Home(_) => "home",
            Command::Podcasts(_) => "podcasts",
            Command::Library(_) => "library",
            Command::Recent(_) => "recent",
            Command::Artist(_) => "artist",
            Command::Album(_) => "album",
            Command::Playlist(_) => "playlist",
            Command::Show(_) => "show",
            Command::Api(_) => "api",
            Command::Export(_) => "export",
            Command::Login(_) => "login",
            Command::Auth(_) => "auth",
            Command::Config(_) => "config",
            Command::Completions(_) => "completions",
            Command::Man => "man",
            Command::MockServer(_) => "mock-server",
        }
    }

    /// The paging flags given after the command's name (at every level), or `None` for a
    /// command that does not page.
    pub fn paging(&self) -> Option<Vec<&PagingArgs>> {
        Some(match self {
            Command::Home(args) | Command::Podcasts(args) => vec![&args.paging],
            Command::Library(args) => {
                let mut levels = vec![&args.group.paging];
                if let Some(view) = &args.view {
                    levels.push(view.paging());
                }
                levels
            }
            Command::Recent(args) => vec![&args.paging],
            Command::Artist(args) | Command::Playlist(args) | Command::Show(args) => {
                vec![&args.paging]
            }
            Command::Api(args) => vec![&args.paging],
            Command::Album(_)
            | Command::Export(_)
            | Command::Login(_)
            | Command::Auth(_)
            | Command::Config(_)
            | Command::Completions(_)
            | Command::Man
            | Command::MockServer(_) => return None,
        })
    }
}

/// `--group ID`, and the paging flags.
#[derive(Debug, Args)]
pub struct GroupArg {
    /// One group of the view, by its ID.
    #[arg(long, value_name = "ID")]
    pub group: Option<String>,
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// The paging flags alone.
#[derive(Debug, Args)]
pub struct PagingOnly {
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// `library [--group ID] [albums|artists|songs|playlists|podcasts]`.
#[derive(Debug, Args)]
pub struct LibraryArgs {
    #[command(flatten)]
    pub group: GroupArg,
    #[command(subcommand)]
    pub view: Option<LibraryView>,
}

/// The dedicated library views.
#[derive(Debug, Subcommand)]
pub enum LibraryView {
    /// Albums in your library.
    Albums(PagingOnly),
    /// Artists you follow.
    Artists(PagingOnly),
    /// Songs in your library.
    Songs(PagingOnly),
    /// Playlists you follow.
    Playlists(PagingOnly),
    /// Podcast shows and episodes you follow or liked.
    Podcasts(PagingOnly),
}

impl LibraryView {
    /// The paging flags given after the view's name.
    pub fn paging(&self) -> &PagingArgs {
        match self {
            LibraryView::Albums(args)
            | LibraryView::Artists(args)
            | LibraryView::Songs(args)
            | LibraryView::Playlists(args)
            | LibraryView::Podcasts(args) => &args.paging,
        }
    }
}

/// `ID`.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The ID (ASIN or UUID), or the URL of its page on music.amazon.com.
    pub id: String,
}

/// `ID`, and the paging flags.
#[derive(Debug, Args)]
pub struct PagedIdArg {
    /// The ID (ASIN or UUID), or the URL of its page on music.amazon.com.
    pub id: String,
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// `auth status|logout`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Who is configured, where each credential comes from, and which the next command uses
    /// (no secret is ever printed).
    Status,
    /// Remove the login stored by `amzn-music login`.
    Logout,
}

/// `config path`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file is read from.
    Path,
}

/// `completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

/// The file format of an export.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// One JSON array per list, the entities as the API's models serialize them.
    Json,
    /// One CSV file per list: id, title, artists, album, duration, mrn.
    Csv,
}

/// `export DIR [--format json|csv]`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write to (created if missing).
    pub dir: std::path::PathBuf,
    /// The file format [default: json, or the format of the unfinished export DIR holds].
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
}

/// `api OPERATION_ID [NAME=VALUE ...]`, or `api --list`.
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// List every operation of the spec with its parameters.
    #[arg(long, conflicts_with_all = ["operation", "parameters"])]
    pub list: bool,
    /// The operation's operationId, e.g. getLibrarySongsView.
    #[arg(required_unless_present = "list", value_name = "OPERATION_ID")]
    pub operation: Option<String>,
    /// Its path and query parameters by name: id=B0..., groupId=..., limit=5, cursor=...
    #[arg(value_name = "NAME=VALUE")]
    pub parameters: Vec<String>,
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// `login` options. The client ID is stored with the login, and so is the API key when given
/// (--api-key, AMAZON_MUSIC_API_KEY or --with-api-key).
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Your LWA app's client ID (stored with the login).
    #[arg(long, env = "AMAZON_MUSIC_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// The code-pair endpoint, in place of LWA's.
    #[arg(long, env = "AMAZON_MUSIC_LWA_CODEPAIR_URL", value_name = "URL")]
    pub codepair_url: Option<String>,
    /// Store a refresh token read from standard input (the first line) instead of logging in.
    #[arg(long)]
    pub with_token: bool,
    /// Store an API key read from standard input (the line after the token, with --with-token).
    #[arg(long)]
    pub with_api_key: bool,
}

/// `mock-server` options.
#[derive(Debug, Args)]
pub struct MockServerArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// How many songs the generated library holds.
    #[arg(long)]
    pub size: Option<usize>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_environment_variable_the_command_reads() {
        fn walk(command: &clap::Command, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                if let Some(env) = arg.get_env() {
                    found.push(env.to_string_lossy().into_owned());
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, found);
            }
        }
        let mut found = Vec::new();
        walk(&Cli::command(), &mut found);
        assert!(found.len() >= 10, "{found:?}");
        for env in found {
            assert!(AFTER_HELP.contains(&format!("\n  {env} ")), "{env}");
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let mut cli = Cli::try_parse_from([
            "amzn-music",
            "--api-key",
            "the-api-key",
            "--token",
            "Atza|the-token",
            "--client-id",
            "the-client-id",
            "recent",
        ])
        .expect("a valid command line");
        cli.global.refresh.client_secret = Some("the-client-secret".to_owned());
        cli.global.refresh.refresh_token = Some("Atzr|the-refresh-token".to_owned());
        let debug = format!("{cli:?}");
        for secret in [
            "the-api-key",
            "Atza|the-token",
            "the-client-secret",
            "Atzr|the-refresh-token",
        ] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(debug.contains("the-client-id"), "{debug}");
        assert!(debug.contains("Some([REDACTED])"), "{debug}");
    }

    #[test]
    fn the_client_secret_and_the_refresh_token_are_no_flags() {
        for flag in ["--client-secret", "--refresh-token"] {
            let error =
                Cli::try_parse_from(["amzn-music", flag, "x", "recent"]).expect_err("no such flag");
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::UnknownArgument,
                "{flag}"
            );
        }
        for env in [CLIENT_SECRET_ENV, REFRESH_TOKEN_ENV] {
            assert!(AFTER_HELP.contains(&format!("\n  {env} ")), "{env}");
        }
    }
}
