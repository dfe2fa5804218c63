//! The command line: every flag and subcommand. Each command takes the flags it uses, before or
//! after its name; [`crate::resolve`] merges them with the environment and the config file.

use amazon_music::models::Operation;
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

With no credentials at all, every command runs against an embedded mock server.

Example:
  amzn-music library songs --all -o ids";

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
    /// Flags given before the command's name, for the commands that take them.
    #[command(flatten)]
    pub view: ViewFlags,
    /// The refresh credentials' flags, which only the environment normally gives.
    #[command(flatten)]
    pub refresh: RefreshArgs,
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
    // One entity a row, comma-separated, with a header (the export's columns by default).
    Csv,
    // One entity a row, tab-separated, with a header (the export's columns by default).
    Tsv,
}

/// A column of a table, a CSV or a TSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Column {
    // The ID.
    Id,
    // The `_type`.
    Type,
    // The title or name.
    Title,
    // The artists, author or curator.
    Artists,
    // A track's album.
    Album,
    // The duration (a clock time in tables, seconds in CSV and TSV).
    Duration,
    // The MRN.
    Mrn,
}

/// How a command reaches the API: taken by the commands that call it. `Debug` shows whether a
/// secret is set, never the secret.
#[derive(Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectFlags {
    /// The API's base URL [env: AMAZON_MUSIC_BASE_URL].
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The security profile ID of your Login with Amazon app [env: AMAZON_MUSIC_API_KEY].
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
    /// An access token (`Atza|...`) [env: AMAZON_MUSIC_TOKEN]; see also `login`.
    #[arg(long, value_name = "TOKEN")]
    pub token: Option<String>,
    /// Use the embedded mock server, whatever credentials are set.
    #[arg(long)]
    pub mock: bool,
    /// Record every exchange with the API to FILE, an HTTP Archive (HAR 1.2) with the
    /// credentials redacted; `mock-server --replay FILE` serves it.
    #[arg(long, value_name = "FILE")]
    pub record: Option<std::path::PathBuf>,
}

impl ConnectFlags {
    /// The flags set here, as they are spelled.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for (set, name) in [
            (self.base_url.is_some(), "--base-url"),
            (self.api_key.is_some(), "--api-key"),
            (self.token.is_some(), "--token"),
            (self.mock, "--mock"),
            (self.record.is_some(), "--record"),
        ] {
            if set {
                names.push(name);
            }
        }
        names
    }
}

/// What a command asks the API for besides the view: taken by the commands that call it.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Request")]
pub struct RequestFlags {
    /// The response locale, e.g. en-us, de-de, ja-jp [env: AMAZON_MUSIC_LOCALE].
    #[arg(long, value_name = "L", value_parser = locale)]
    pub locale: Option<String>,
    /// The image size: SL500, SL160, SL110, SL75 or SL30 [env: AMAZON_MUSIC_IMAGE_STYLE].
    #[arg(long, value_name = "S", value_parser = image_style)]
    pub image_style: Option<String>,
}

impl RequestFlags {
    /// The flags set here, as they are spelled.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.locale.is_some() {
            names.push("--locale");
        }
        if self.image_style.is_some() {
            names.push("--image-style");
        }
        names
    }
}

/// How a command prints: taken by the commands that print views.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputFlags {
    /// The output: tables, the response as JSON, one entity a line as JSON, one ID a line, each
    /// response body exactly as received, or one entity a row as CSV or TSV [default: table]
    /// [env: AMAZON_MUSIC_OUTPUT]
    #[arg(long, short = 'o', value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// The same as --output json (and wins over it, AMAZON_MUSIC_OUTPUT and the config file).
    #[arg(long)]
    pub json: bool,
    /// The columns of a table, CSV or TSV, in order: id, type, title, artists, album, duration,
    /// mrn [default: a table's id, type, title, artists, duration (each where some row has
    /// it); CSV's and TSV's type, id, title, artists, album, duration, mrn].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub columns: Vec<Column>,
    /// No header line in a table, CSV or TSV.
    #[arg(long)]
    pub no_headers: bool,
    /// The width tables fit in [default: the terminal's, or COLUMNS; in a pipe, nothing is
    /// cut].
    #[arg(long, value_name = "N", value_parser = at_least_one::<usize>)]
    pub width: Option<usize>,
}

impl OutputFlags {
    /// The flags set here, as they are spelled.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for (set, name) in [
            (self.output.is_some(), "--output"),
            (self.json, "--json"),
            (!self.columns.is_empty(), "--columns"),
            (self.no_headers, "--no-headers"),
            (self.width.is_some(), "--width"),
        ] {
            if set {
                names.push(name);
            }
        }
        names
    }
}

/// The flags of the commands that show a view: connection, request and output.
#[derive(Clone, Debug, Default, Args)]
pub struct ViewFlags {
    #[command(flatten)]
    pub connect: ConnectFlags,
    #[command(flatten)]
    pub request: RequestFlags,
    #[command(flatten)]
    pub output: OutputFlags,
}

/// A locale as the API takes it: a language and a region (`en-us`, `de-de`, `es_mx`). The
/// API's set is open, so the shape is checked, not the set.
///
/// # Errors
/// A message listing the documented locales, for anything else.
pub fn locale(text: &str) -> Result<String, String> {
    let shaped = text
        .split_once(['-', '_'])
        .is_some_and(|(language, region)| {
            (2..=3).contains(&language.len())
                && language.chars().all(|c| c.is_ascii_alphabetic())
                && region.len() == 2
                && region.chars().all(|c| c.is_ascii_alphabetic())
        });
    if shaped {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not a locale: a language and a region, such as de-de, en-au, en-ca, \
             en-gb, en-in, en-nz, en-us, es-es, es_mx, fr-ca, fr-fr, it-it, ja-jp or pt-br"
        ))
    }
}

/// An image style as the API takes it: `SL` and the pixels on the longer side. The API's set
/// is open, so the shape is checked, not the set.
///
/// # Errors
/// A message listing the documented styles, for anything else.
pub fn image_style(text: &str) -> Result<String, String> {
    let pixels = text.strip_prefix("SL").unwrap_or_default();
    if !pixels.is_empty() && pixels.chars().all(|c| c.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "{text:?} is not an image style: SL500, SL160, SL110, SL75 or SL30 (pixels on the \
             longer side)"
        ))
    }
}

/// What a command runs with: its flags from before and after its name, the environment and the
/// config file, merged ([`crate::resolve`]). `Debug` shows whether a secret is set, never the
/// secret.
#[derive(Default)]
pub struct GlobalArgs {
    /// The API's base URL.
    pub base_url: Option<String>,
    /// The API key.
    pub api_key: Option<String>,
    /// An access token.
    pub token: Option<String>,
    /// The response locale.
    pub locale: Option<String>,
    /// The image size.
    pub image_style: Option<String>,
    /// Whether to use the embedded mock server.
    pub mock: bool,
    /// The HAR file to record the exchanges to.
    pub record: Option<std::path::PathBuf>,
    /// The output format.
    pub output: Option<OutputFormat>,
    /// The columns asked for; empty for the format's own.
    pub columns: Vec<Column>,
    /// Whether to leave the header line out.
    pub no_headers: bool,
    /// The width tables fit in, given with `--width`.
    pub width: Option<usize>,
    /// The page size.
    pub limit: Option<u32>,
    /// The cursor to continue from.
    pub cursor: Option<String>,
    /// Whether to follow the cursors.
    pub all: bool,
    /// The most entities to show.
    pub max_items: Option<usize>,
    /// The refresh credentials.
    pub refresh: RefreshArgs,
}

/// The paging flags, which only the commands that page take; before or after the command's
/// name.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Paging (commands that page)")]
pub struct PagingArgs {
    /// How many items a page holds (each command's `--help` gives its range).
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

    // The commands with the paging flags: `--all` is one (the search has a `--limit` of its
    // own, and no `--all`).
    let paging: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|sub| sub.get_arguments().any(|arg| arg.get_id() == "all"))
        .map(|sub| sub.get_name().to_owned())
        .collect();
    // A command with a `--limit` of its own (the search's, entities per group) takes it after
    // its name.
    let own_limit = flags.contains(&"--limit")
        && Cli::command()
            .find_subcommand(command)
            .is_some_and(|sub| sub.get_arguments().any(|arg| arg.get_id() == "limit"));
    UsageError::new(format!(
        "`{command}` does not page: {} applies only to {}{}",
        flags.join(", "),
        paging.join(", "),
        if own_limit {
            format!("; `{command}` takes its own --limit after its arguments")
        } else {
            String::new()
        }
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

/// Login with Amazon credentials that keep access tokens fresh, from the environment; the
/// client ID and the token endpoint also as hidden flags. `Debug` shows whether a secret is set,
/// never the secret.
#[derive(Clone, Default, Args)]
pub struct RefreshArgs {
    /// The LWA client ID [env: AMAZON_MUSIC_CLIENT_ID].
    #[arg(long = "client-id", hide = true)]
    pub client_id: Option<String>,
    /// The LWA client secret: from AMAZON_MUSIC_CLIENT_SECRET only, never a flag, so that it
    /// stays out of the shell's history, `ps`, help and completion.
    #[arg(skip)]
    pub client_secret: Option<String>,
    /// An LWA refresh token (`Atzr|...`): from AMAZON_MUSIC_REFRESH_TOKEN only, like the secret.
    #[arg(skip)]
    pub refresh_token: Option<String>,
    /// The LWA token endpoint, in place of the North American one [env:
    /// AMAZON_MUSIC_LWA_TOKEN_URL].
    #[arg(long = "lwa-token-url", hide = true)]
    pub token_url: Option<String>,
}

/// How a secret shows in `Debug` output.
fn redacted(secret: &Option<String>) -> &'static str {
    match secret {
        Some(_) => "Some([REDACTED])",
        None => "None",
    }
}

impl std::fmt::Debug for ConnectFlags {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ConnectFlags")
            .field("base_url", &self.base_url)
            .field("api_key", &format_args!("{}", redacted(&self.api_key)))
            .field("token", &format_args!("{}", redacted(&self.token)))
            .field("mock", &self.mock)
            .field("record", &self.record)
            .finish()
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
            .field("record", &self.record)
            .field("output", &self.output)
            .field("columns", &self.columns)
            .field("no_headers", &self.no_headers)
            .field("width", &self.width)
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
    #[command(after_help = "Example:\n  amzn-music home --group ID --all")]
    Home(GroupArg),
    /// The podcasts view, or one of its groups.
    #[command(after_help = "Example:\n  amzn-music podcasts --limit 5")]
    Podcasts(GroupArg),
    /// The library view, one of its groups, or one of the library views.
    #[command(after_help = "Example:\n  amzn-music library songs --all -o ids")]
    Library(Box<LibraryArgs>),
    /// What you played recently.
    #[command(after_help = "Example:\n  amzn-music recent --max-items 25")]
    Recent(ViewOnly),
    /// An artist's details view.
    #[command(
        after_help = "Example:\n  amzn-music artist https://music.amazon.com/artists/B000QJJOSO"
    )]
    Artist(PagedIdArg),
    /// An album's details view and its tracks (one page).
    #[command(after_help = "Example:\n  amzn-music album B0CKMM9LJF --json")]
    Album(IdArg),
    /// A playlist's details view and its tracks.
    #[command(after_help = "Example:\n  amzn-music playlist B00J9PVXBM --all")]
    Playlist(PagedIdArg),
    /// A podcast show's details view and its episodes.
    #[command(after_help = "Example:\n  amzn-music show d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0")]
    Show(PagedIdArg),
    /// Search the catalog: the top hits, then a group per kind (artists, albums, ...).
    #[command(after_help = "Example:\n  amzn-music search weekend --limit 5")]
    Search(SearchArgs),
    /// Call any operation of the spec by its operationId (`api --list` shows them all).
    #[command(after_help = "Example:\n  amzn-music api getLibrarySongsView limit=5")]
    Api(ApiArgs),
    /// Write the whole library to files in DIR (resumable).
    #[command(after_help = "Example:\n  amzn-music export ~/amazon-music-backup --format csv")]
    Export(ExportArgs),
    /// Log in with Login with Amazon's device flow and store the tokens.
    #[command(
        after_help = "Example:\n  amzn-music login --client-id amzn1.application-oa2-client.…"
    )]
    Login(LoginArgs),
    /// Who is configured, and log out.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// The config file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  amzn-music completions bash > ~/.local/share/bash-completion/completions/amzn-music"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  amzn-music man | man -l -")]
    Man,
    /// Run the mock server until Ctrl-C.
    #[command(after_help = "Example:\n  amzn-music mock-server --port 8080 --size 2000")]
    MockServer(MockServerArgs),
    /// Compare a recording (HAR) with the spec: what the API does that the spec does not say.
    #[command(after_help = DRIFT_AFTER_HELP)]
    Drift(DriftArgs),
    /// Check the credentials, token endpoint, API and clock; the output holds no secret.
    ///
    /// Also says where each credential comes from, the proxies, the TLS backend and the versions.
    #[command(
        after_help = "Exit status: 0 when every check passes, 1 otherwise.\n\nExample:\n  amzn-music doctor"
    )]
    Doctor(ConnectFlags),
}

/// What `drift --help` ends with: the kinds of finding and the exit status.
const DRIFT_AFTER_HELP: &str = "\
Findings: unknown_field, unknown_type, unknown_value, undeclared_status, type_mismatch,
missing_required, unexpected_null, unknown_operation. Exchanges with the LWA token endpoint are
skipped.

Exit status: 0 when nothing drifts, 1 when something does, 2 when the file cannot be read.

Example:
  amzn-music --record session.har library songs --all
  amzn-music drift session.har -o json";

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
            Command::Search(_) => "search",
            Command::Api(_) => "api",
            Command::Export(_) => "export",
            Command::Login(_) => "login",
            Command::Auth(_) => "auth",
            Command::Config(_) => "config",
            Command::Completions(_) => "completions",
            Command::Man => "man",
            Command::MockServer(_) => "mock-server",
            Command::Drift(_) => "drift",
            Command::Doctor(_) => "doctor",
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
                    levels.push(&view.args().paging);
                }
                levels
            }
            Command::Recent(args) => vec![&args.paging],
            Command::Artist(args) | Command::Playlist(args) | Command::Show(args) => {
                vec![&args.paging]
            }
            Command::Api(args) => vec![&args.paging],
            Command::Album(_)
            | Command::Search(_)
            | Command::Export(_)
            | Command::Login(_)
            | Command::Auth(_)
            | Command::Config(_)
            | Command::Completions(_)
            | Command::Man
            | Command::MockServer(_)
            | Command::Drift(_)
            | Command::Doctor(_) => return None,
        })
    }

    /// The flags the command takes after its name, at every level: each kind only where the
    /// command uses it (`None` where it does not).
    pub fn flags(&self) -> Taken<'_> {
        let view = Taken::view;
        match self {
            Command::Home(args) | Command::Podcasts(args) => view(vec![&args.view]),
            Command::Library(args) => {
                let mut levels = vec![&args.group.view];
                if let Some(sub) = &args.view {
                    levels.push(&sub.args().view);
                }
                view(levels)
            }
            Command::Recent(args) => view(vec![&args.view]),
            Command::Artist(args) | Command::Playlist(args) | Command::Show(args) => {
                view(vec![&args.view])
            }
            Command::Album(args) => view(vec![&args.view]),
            Command::Search(args) => view(vec![&args.view]),
            Command::Api(args) => view(vec![&args.view]),
            Command::Export(args) => Taken {
                connect: Some(vec![&args.connect]),
                request: Some(vec![&args.request]),
                output: None,
            },
            Command::Auth(AuthCommand::Status(connect)) | Command::Doctor(connect) => Taken {
                connect: Some(vec![connect]),
                request: None,
                output: None,
            },
            Command::Drift(args) => Taken {
                connect: None,
                request: None,
                output: Some(vec![&args.output]),
            },
            Command::Login(_)
            | Command::Auth(AuthCommand::Logout)
            | Command::Config(_)
            | Command::Completions(_)
            | Command::Man
            | Command::MockServer(_) => Taken::default(),
        }
    }
}

/// The flags a command takes after its name, by kind: `None` for a kind it does not use.
#[derive(Default)]
pub struct Taken<'a> {
    pub connect: Option<Vec<&'a ConnectFlags>>,
    pub request: Option<Vec<&'a RequestFlags>>,
    pub output: Option<Vec<&'a OutputFlags>>,
}

impl<'a> Taken<'a> {
    /// Every kind, from the view flags at each level.
    fn view(levels: Vec<&'a ViewFlags>) -> Self {
        Self {
            connect: Some(levels.iter().map(|flags| &flags.connect).collect()),
            request: Some(levels.iter().map(|flags| &flags.request).collect()),
            output: Some(levels.iter().map(|flags| &flags.output).collect()),
        }
    }
}

/// What a view command calls: its operation, and its groups' operation (`--group ID`).
pub struct View {
    /// The command's path of names (`library songs`).
    pub path: &'static [&'static str],
    /// The operation it calls.
    pub operation: Operation,
    /// The operation it calls with `--group ID`, where it has groups.
    pub group: Option<Operation>,
}

/// Every view command: the one table of which command calls which operation.
pub const VIEWS: &[View] = &[
    View {
        path: &["home"],
        operation: Operation::Home,
        group: Some(Operation::HomeGroup),
    },
    View {
        path: &["podcasts"],
        operation: Operation::Podcasts,
        group: Some(Operation::PodcastsGroup),
    },
    View {
        path: &["library"],
        operation: Operation::Library,
        group: Some(Operation::LibraryGroup),
    },
    View {
        path: &["library", "albums"],
        operation: Operation::LibraryAlbums,
        group: None,
    },
    View {
        path: &["library", "artists"],
        operation: Operation::LibraryArtists,
        group: None,
    },
    View {
        path: &["library", "songs"],
        operation: Operation::LibrarySongs,
        group: None,
    },
    View {
        path: &["library", "playlists"],
        operation: Operation::LibraryPlaylists,
        group: None,
    },
    View {
        path: &["library", "podcasts"],
        operation: Operation::LibraryPodcasts,
        group: None,
    },
    View {
        path: &["recent"],
        operation: Operation::RecentlyPlayed,
        group: None,
    },
    View {
        path: &["artist"],
        operation: Operation::Artist,
        group: None,
    },
    View {
        path: &["album"],
        operation: Operation::Album,
        group: None,
    },
    View {
        path: &["playlist"],
        operation: Operation::Playlist,
        group: None,
    },
    View {
        path: &["show"],
        operation: Operation::PodcastShow,
        group: None,
    },
    View {
        path: &["search"],
        operation: Operation::Search,
        group: None,
    },
];

/// The view command at `path`.
pub fn view(path: &[&str]) -> Option<&'static View> {
    VIEWS.iter().find(|view| view.path == path)
}

/// The command line, with each paging command's `--limit` help giving its range, from the
/// operation table: what parses the arguments, and what help, completion and the manual page
/// show.
pub fn command() -> clap::Command {
    use clap::CommandFactory;

    fn edit(command: clap::Command, path: &[&str], help: String) -> clap::Command {
        match path.split_first() {
            Some((first, rest)) => command.mut_subcommand(*first, |sub| edit(sub, rest, help)),
            None if command.get_arguments().any(|arg| arg.get_id() == "limit") => {
                command.mut_arg("limit", |arg| arg.help(help))
            }
            None => command,
        }
    }
    let mut command = Cli::command();
    // The views that page; the search's `--limit` is its own (entities per group).
    for view in VIEWS
        .iter()
        .filter(|view| view.operation.paging() != amazon_music::models::PagingStyle::None)
    {
        let range = crate::page_size::limit_range(view.operation);
        let largest = crate::page_size::largest_page(view.operation);
        command = edit(
            command,
            view.path,
            format!(
                "How many items a page holds: {range} [default: the API's; with --all or \
                 --max-items, {largest}]"
            ),
        );
    }
    edit(
        command,
        &["api"],
        "How many items a page holds: each operation's range is in `api --list` [default: the \
         API's; with --all or --max-items, the operation's largest]"
            .to_owned(),
    )
}

/// `--group ID`, the paging flags and the view flags.
#[derive(Debug, Args)]
pub struct GroupArg {
    /// One group of the view, by its ID.
    #[arg(long, value_name = "ID")]
    pub group: Option<String>,
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(flatten)]
    pub view: ViewFlags,
}

/// The paging flags and the view flags.
#[derive(Debug, Args)]
pub struct ViewOnly {
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(flatten)]
    pub view: ViewFlags,
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
    Albums(ViewOnly),
    /// Artists you follow.
    Artists(ViewOnly),
    /// Songs in your library.
    Songs(ViewOnly),
    /// Playlists you follow.
    Playlists(ViewOnly),
    /// Podcast shows and episodes you follow or liked.
    Podcasts(ViewOnly),
}

impl LibraryView {
    /// The view's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            LibraryView::Albums(_) => "albums",
            LibraryView::Artists(_) => "artists",
            LibraryView::Songs(_) => "songs",
            LibraryView::Playlists(_) => "playlists",
            LibraryView::Podcasts(_) => "podcasts",
        }
    }

    /// The flags given after the view's name.
    pub fn args(&self) -> &ViewOnly {
        match self {
            LibraryView::Albums(args)
            | LibraryView::Artists(args)
            | LibraryView::Songs(args)
            | LibraryView::Playlists(args)
            | LibraryView::Podcasts(args) => args,
        }
    }
}

/// `ID`, and the view flags.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The ID (ASIN or UUID), or the URL of its page on music.amazon.com.
    pub id: String,
    #[command(flatten)]
    pub view: ViewFlags,
}

/// `QUERY`, `--limit N` and the view flags.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to search for: keywords, or lyrics (not empty).
    pub query: String,
    /// How many entities each group of results holds, at least 1 [default: the API's, 10].
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    #[command(flatten)]
    pub view: ViewFlags,
}

/// `ID`, the paging flags and the view flags.
#[derive(Debug, Args)]
pub struct PagedIdArg {
    /// The ID (ASIN or UUID), or the URL of its page on music.amazon.com.
    pub id: String,
    #[command(flatten)]
    pub paging: PagingArgs,
    #[command(flatten)]
    pub view: ViewFlags,
}

/// `auth status|logout`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Who is configured, where each credential comes from, and which the next command uses
    /// (no secret is ever printed).
    #[command(after_help = "Example:\n  amzn-music auth status")]
    Status(ConnectFlags),
    /// Remove the login stored by `amzn-music login`.
    #[command(after_help = "Example:\n  amzn-music auth logout")]
    Logout,
}

/// `config path`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where the config file is read from.
    #[command(after_help = "Example:\n  amzn-music config path")]
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
    /// One CSV file per list: type, id, title, artists, album, duration, mrn.
    Csv,
}

/// `export DIR [--format json|csv]`, and the connection and request flags.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write to (created if missing).
    pub dir: std::path::PathBuf,
    /// The file format [default: json, or the format of the unfinished export DIR holds].
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// How many lists are fetched at once (each one page after another); the files are the
    /// same at any number.
    #[arg(long, value_name = "N", default_value_t = amazon_music::pagination::DEFAULT_CONCURRENCY, value_parser = at_least_one::<usize>)]
    pub concurrency: usize,
    #[command(flatten)]
    pub connect: ConnectFlags,
    #[command(flatten)]
    pub request: RequestFlags,
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
    #[command(flatten)]
    pub view: ViewFlags,
}

/// `login` options. The client ID is stored with the login, and so is the API key when given.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Your LWA app's client ID (stored with the login) [env: AMAZON_MUSIC_CLIENT_ID].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The API key (security profile ID) to store with the login [env: AMAZON_MUSIC_API_KEY].
    #[arg(long, value_name = "KEY")]
    pub api_key: Option<String>,
    /// The code-pair endpoint, in place of LWA's [env: AMAZON_MUSIC_LWA_CODEPAIR_URL].
    #[arg(long, value_name = "URL")]
    pub codepair_url: Option<String>,
    /// The token endpoint, in place of LWA's [env: AMAZON_MUSIC_LWA_TOKEN_URL].
    #[arg(long, value_name = "URL")]
    pub lwa_token_url: Option<String>,
    /// Store a refresh token read from standard input (the first line) instead of logging in.
    #[arg(long)]
    pub with_token: bool,
    /// Store an API key read from standard input (the line after the token, with --with-token).
    #[arg(long)]
    pub with_api_key: bool,
}

/// `drift` options.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The recording: an HTTP Archive (HAR 1.2 or 1.3), as `--record` writes it.
    #[arg(value_name = "FILE.har")]
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub output: OutputFlags,
}

/// `mock-server` options.
#[derive(Debug, Args)]
pub struct MockServerArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// How many songs the generated library holds.
    #[arg(long, conflicts_with = "replay")]
    pub size: Option<usize>,
    /// Serve the HAR recording FILE (from `--record`) in place of the catalog: each request
    /// recorded gets its recorded answers in order, any other a 404.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<std::path::PathBuf>,
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
    fn every_operation_has_one_view_command_and_groups_page_as_their_views() {
        let mut called: Vec<Operation> = VIEWS
            .iter()
            .flat_map(|view| std::iter::once(view.operation).chain(view.group))
            .collect();
        called.sort_by_key(|operation| operation.operation_id());
        let mut all = Operation::ALL.to_vec();
        all.sort_by_key(|operation| operation.operation_id());
        assert_eq!(called, all);
        for view in VIEWS {
            if let Some(group) = view.group {
                // The range `--help` gives for the view holds with `--group` too.
                assert_eq!(
                    group.max_limit(),
                    view.operation.max_limit(),
                    "{:?}",
                    view.path
                );
            }
        }
        for view in VIEWS {
            let mut command = command();
            for name in view.path {
                command = command
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("{:?}", view.path))
                    .clone();
            }
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let cli = Cli::try_parse_from([
            "amzn-music",
            "--api-key",
            "the-api-key",
            "--token",
            "Atza|the-token",
            "--client-id",
            "the-client-id",
            "recent",
            "--token",
            "Atza|the-other-token",
        ])
        .expect("a valid command line");
        let global = GlobalArgs {
            api_key: Some("the-api-key".to_owned()),
            token: Some("Atza|the-token".to_owned()),
            refresh: RefreshArgs {
                client_id: Some("the-client-id".to_owned()),
                client_secret: Some("the-client-secret".to_owned()),
                refresh_token: Some("Atzr|the-refresh-token".to_owned()),
                token_url: None,
            },
            ..GlobalArgs::default()
        };
        let debug = format!("{cli:?} {global:?}");
        for secret in [
            "the-api-key",
            "Atza|the-token",
            "Atza|the-other-token",
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
    }

    #[test]
    fn locales_and_image_styles_are_checked_by_their_shape() {
        for good in ["en-us", "de-de", "es_mx", "EN-GB", "fil-ph"] {
            assert!(locale(good).is_ok(), "{good}");
        }
        for bad in ["klingon", "en", "en-usa", "e1-us", ""] {
            assert!(locale(bad).is_err(), "{bad}");
        }
        for good in ["SL500", "SL30", "SL1200"] {
            assert!(image_style(good).is_ok(), "{good}");
        }
        for bad in ["huge", "SL", "sl500", "SL5x"] {
            assert!(image_style(bad).is_err(), "{bad}");
        }
    }
}
