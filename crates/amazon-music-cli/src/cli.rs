//! The command line: every flag and subcommand.

use clap::{Args, Parser, Subcommand};

/// Browse the Amazon Music Web API views (unofficial).
///
/// With no credentials at all, runs against an embedded mock server, so every command works
/// offline.
#[derive(Debug, Parser)]
#[command(name = "amzn-music", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
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
    #[arg(long, global = true, value_name = "L")]
    pub locale: Option<String>,
    /// The image size: SL500, SL160, SL110, SL75 or SL30.
    #[arg(long, global = true, value_name = "S")]
    pub image_style: Option<String>,
    /// Use the embedded mock server, whatever credentials are set.
    #[arg(long, global = true)]
    pub mock: bool,
    /// Print the response as JSON (with --all, one line of JSON per page).
    #[arg(long, global = true)]
    pub json: bool,
    /// How many items a page holds.
    #[arg(long, global = true, value_name = "N")]
    pub limit: Option<u32>,
    /// Continue from a page's next cursor.
    #[arg(long, global = true, value_name = "C")]
    pub cursor: Option<String>,
    /// Follow the cursors to the last page.
    #[arg(long, global = true)]
    pub all: bool,
    /// Stop after this many entities.
    #[arg(long, global = true, value_name = "N")]
    pub max_items: Option<usize>,
    #[command(flatten)]
    pub refresh: RefreshArgs,
}

/// Login with Amazon credentials that keep access tokens fresh; from the environment only.
#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The LWA client ID.
    #[arg(
        long = "client-id",
        hide = true,
        env = "AMAZON_MUSIC_CLIENT_ID",
        hide_env_values = true
    )]
    pub client_id: Option<String>,
    /// The LWA client secret.
    #[arg(
        long = "client-secret",
        hide = true,
        env = "AMAZON_MUSIC_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// An LWA refresh token (`Atzr|...`).
    #[arg(
        long = "refresh-token",
        hide = true,
        env = "AMAZON_MUSIC_REFRESH_TOKEN",
        hide_env_values = true
    )]
    pub refresh_token: Option<String>,
    /// The LWA token endpoint, in place of the North American one.
    #[arg(
        long = "lwa-token-url",
        hide = true,
        env = "AMAZON_MUSIC_LWA_TOKEN_URL"
    )]
    pub token_url: Option<String>,
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
    Recent,
    /// An artist's details view.
    Artist(IdArg),
    /// An album's details view and its tracks.
    Album(IdArg),
    /// A playlist's details view and its tracks.
    Playlist(IdArg),
    /// A podcast show's details view and its episodes.
    Show(IdArg),
    /// Call any operation of the spec by its operationId (`api --list` shows them all).
    Api(ApiArgs),
    /// Log in with Login with Amazon's device flow and store the tokens.
    Login(LoginArgs),
    /// Run the mock server until Ctrl-C.
    MockServer(MockServerArgs),
}

/// `--group ID`.
#[derive(Debug, Args)]
pub struct GroupArg {
    /// One group of the view, by its ID.
    #[arg(long, value_name = "ID")]
    pub group: Option<String>,
}

/// `library [--group ID] [albums|artists|songs|playlists|podcasts]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LibraryArgs {
    #[command(flatten)]
    pub group: GroupArg,
    #[command(subcommand)]
    pub view: Option<LibraryView>,
}

/// The dedicated library views.
#[derive(Clone, Copy, Debug, Subcommand)]
pub enum LibraryView {
    /// Albums in your library.
    Albums,
    /// Artists you follow.
    Artists,
    /// Songs in your library.
    Songs,
    /// Playlists you follow.
    Playlists,
    /// Podcast shows and episodes you follow or liked.
    Podcasts,
}

/// `ID`.
#[derive(Debug, Args)]
pub struct IdArg {
    /// The ID (ASIN or UUID).
    pub id: String,
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
}

/// `login` options; the app's client ID comes from AMAZON_MUSIC_CLIENT_ID. The API key, when
/// given (--api-key, AMAZON_MUSIC_API_KEY or --with-api-key), is stored too.
#[derive(Debug, Args)]
pub struct LoginArgs {
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
