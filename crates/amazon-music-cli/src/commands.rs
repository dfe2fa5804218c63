//! What each command does.

use amazon_music::auth::scopes;
use amazon_music::auth::{DeviceLogin, LwaRegion};
use amazon_music::models::{Operation, View};
use amazon_music::pagination::{Paged, ViewList};
use amazon_music::{AnyRequest, Client, ViewRequest};
use anyhow::{Context, Result};
use futures_util::TryStreamExt;

use crate::api::ApiCall;
use crate::cli::{
    AuthCommand, Cli, Command, ConfigCommand, GlobalArgs, LoginArgs, MockServerArgs, OutputFormat,
    SearchArgs,
};
use crate::config::Config;
use crate::credentials::{self, Connection};
use crate::error::{Endpoint, UsageError};
use crate::login_store::{self, StoredLogin};
use crate::output::{Hints, Printer, plural};
use crate::progress::Progress;
use crate::{
    api, auth, cli, doctor, drift, error, export, ids, manual, output, page_size, resolve,
};

/// Runs the command.
pub async fn run(cli: Cli) -> Result<()> {
    let (mut global, command) = resolve::resolve(cli)?;
    match command {
        Command::Completions(args) => return print_completions(args.shell),
        Command::Man => return print_man(),
        Command::Config(ConfigCommand::Path) => {
            let path = Config::path().context("this system has no config folder")?;
            output::print(&format!("{}\n", path.display()))?;
            return Ok(());
        }
        _ => {}
    }
    Config::load()?.apply(&mut global);
    match command {
        Command::MockServer(args) => mock_server(args).await,
        Command::Drift(args) => drift::run(&args.file, &global),
        Command::Doctor(_) => doctor::run(&global).await,
        Command::Login(args) => login(&global, args).await,
        Command::Auth(AuthCommand::Status(_)) => auth::status(&global),
        Command::Auth(AuthCommand::Logout) => auth::logout(&global),
        Command::Api(args) if args.list => {
            output::print(&api::list())?;
            Ok(())
        }
        Command::Export(args) => {
            let (client, _mock, url) = client(&global).await?;
            export::run(&client, &args)
                .await
                .map_err(|error| at(error, url))
        }
        command => {
            if let Command::Library(library) = &command
                && library.view.is_some()
                && library.group.group.is_some()
            {
                return Err(UsageError::new(
                    "library takes --group or a library view (albums, artists, ...), not both",
                )
                .into());
            }
            let target = match command {
                Command::Api(args) => {
                    let call = api::parse(&args, &mut global)?;
                    let mut words =
                        vec!["api".to_owned(), call.operation.operation_id().to_owned()];
                    words.extend(
                        call.operation
                            .spec()
                            .path_parameters
                            .iter()
                            .zip(&call.path_arguments)
                            .map(|(name, value)| format!("{name}={value}")),
                    );
                    Target {
                        name: words[..2].join(" "),
                        call,
                        words,
                        group_command: None,
                    }
                }
                command => view_target(command)?,
            };
            check_limit(&target, &global)?;
            // The mock server, if any, lives until the command is done.
            let (client, _mock, url) = client(&global).await?;
            show(&client, target, &global)
                .await
                .map_err(|error| at(error, url))
        }
    }
}

/// The client for the command, the embedded mock server it talks to, if it does, and the
/// API's URL.
async fn client(
    global: &GlobalArgs,
) -> Result<(Client, Option<amazon_music_mock::MockServer>, String)> {
    Ok(match credentials::connect(global).await? {
        Connection::Api(client) => {
            let url = global
                .base_url
                .clone()
                .unwrap_or_else(|| amazon_music::http::DEFAULT_BASE_URL.to_owned());
            (client, None, url)
        }
        Connection::Mock(server) => {
            let url = server.url().to_owned();
            (
                credentials::mock_client(&server, global)?,
                Some(server),
                url,
            )
        }
    })
}

/// `error`, naming the API at `url` when the SDK raised it.
fn at(error: anyhow::Error, url: String) -> anyhow::Error {
    if error.is::<amazon_music::Error>() {
        error.context(Endpoint(url))
    } else {
        error
    }
}

fn print_completions(shell: clap_complete::Shell) -> Result<()> {
    output::print(&completion_script(shell)?)?;
    Ok(())
}

/// The completion script for `shell`.
///
/// clap_complete's bash script (up to 4.6.12 at least) escapes the hyphen of `amzn-music` in
/// two ways: it sets `cmd="amzn__music__subcmd__library"` while its case labels read
/// `amzn__subcmd__music__subcmd__library`, so that nothing completes after the first word.
/// The labels are renamed to what `cmd` is set to.
fn completion_script(shell: clap_complete::Shell) -> Result<String> {
    const BIN: &str = "amzn-music";
    let mut command = cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut out);
    let script = String::from_utf8(out).context("the completion script is not UTF-8")?;
    Ok(match shell {
        clap_complete::Shell::Bash => {
            script.replace(&BIN.replace('-', "__subcmd__"), &BIN.replace('-', "__"))
        }
        _ => script,
    })
}

fn print_man() -> Result<()> {
    output::print(&manual::page()?)?;
    Ok(())
}

/// A view command resolved: what it calls, and how to say it again in a hint.
struct Target {
    /// The command as errors name it, without IDs (`library songs`, `api getHomeView`).
    name: String,
    call: ApiCall,
    /// The command's words after `amzn-music`, unquoted (`artist B000QJJOSO`).
    words: Vec<String>,
    /// The command that shows one group of this view (`home`, `podcasts`, `library`).
    group_command: Option<&'static str>,
}

/// What a view command calls, from [`cli::VIEWS`].
fn view_target(command: Command) -> Result<Target> {
    let name = command.name();
    let (path, group, id) = match command {
        Command::Home(args) | Command::Podcasts(args) => (vec![name], args.group, None),
        Command::Library(library) => match library.view {
            Some(view) => (vec![name, view.name()], None, None),
            None => (vec![name], library.group.group, None),
        },
        Command::Recent(_) => (vec![name], None, None),
        Command::Artist(args) | Command::Playlist(args) | Command::Show(args) => {
            (vec![name], None, Some(ids::id_for(name, &args.id)?))
        }
        Command::Album(args) => (vec![name], None, Some(ids::id_for(name, &args.id)?)),
        Command::Search(args) => return Ok(search_target(args)),
        other => {
            return Err(
                UsageError::new(format!("`{}` is not a view command", other.name())).into(),
            );
        }
    };
    let view = cli::view(&path)
        .ok_or_else(|| UsageError::new(format!("`{}` is not a view command", path.join(" "))))?;
    let mut words: Vec<String> = path.iter().map(|word| (*word).to_owned()).collect();
    let (operation, argument, group_command) = match (group, view.group) {
        (Some(group), Some(operation)) => {
            words.extend(["--group".to_owned(), group.clone()]);
            (operation, Some(group), None)
        }
        (Some(_), None) => {
            return Err(UsageError::new(format!("`{}` has no groups", path.join(" "))).into());
        }
        (None, one) => {
            words.extend(id.clone());
            (view.operation, id, one.map(|_| name))
        }
    };
    Ok(Target {
        name: path.join(" "),
        call: ApiCall {
            operation,
            path_arguments: argument.into_iter().collect(),
            query: Vec::new(),
        },
        words,
        group_command,
    })
}

/// What `search QUERY [--limit N]` calls: the search, its query and its limit as the
/// operation table names them (checked there before sending).
fn search_target(args: SearchArgs) -> Target {
    let mut words = vec!["search".to_owned(), args.query.clone()];
    let mut query = vec![("query", args.query)];
    if let Some(limit) = args.limit {
        words.extend(["--limit".to_owned(), limit.to_string()]);
        query.push(("limit", limit.to_string()));
    }
    Target {
        name: "search".to_owned(),
        call: ApiCall {
            operation: Operation::Search,
            path_arguments: Vec::new(),
            query,
        },
        words,
        group_command: None,
    }
}

/// Refuses a `--limit` or `--max-items` out of range, in the command's terms.
fn check_limit(target: &Target, args: &GlobalArgs) -> Result<(), UsageError> {
    let operation = target.call.operation;
    if let Some(limit) = args.limit
        && operation.max_limit().is_some_and(|max| limit > max)
    {
        // `api` takes it as `limit=N` too.
        let flag = if target.words[0] == "api" {
            "limit"
        } else {
            "--limit"
        };
        return Err(UsageError::new(format!(
            "{}: {flag} must be {}, not {limit}",
            target.name,
            page_size::limit_range(operation)
        )));
    }
    Ok(())
}

/// The page size to ask for: `--limit`; else, when more than one page may be fetched (`--all`,
/// `--max-items`), the largest the operation allows (no more than `--max-items`); else the
/// API's default.
fn page_size(operation: Operation, args: &GlobalArgs) -> Option<u32> {
    if args.limit.is_some() {
        return args.limit;
    }
    if !args.all && args.max_items.is_none() {
        return None;
    }
    let largest = page_size::largest_page(operation);
    Some(match args.max_items {
        Some(wanted) => u32::try_from(wanted).unwrap_or(u32::MAX).clamp(1, largest),
        None => largest,
    })
}

async fn show(client: &Client, target: Target, args: &GlobalArgs) -> Result<()> {
    let format = args.output.unwrap_or_default();
    let operation = target.call.operation;
    let hints = Hints {
        words: target.words,
        group_command: target.group_command,
        limit: args.limit,
    };
    let request = api::request(client, target.call)?;
    if format == OutputFormat::Raw {
        return show_raw(request, operation, args).await;
    }
    let follow = args.all || args.max_items.is_some();
    match request {
        AnyRequest::Groups(request) => {
            let printer = Printer::new(args, hints, follow).whole_groups();
            show_paged(request, operation, args, printer).await
        }
        AnyRequest::Entities(request) => {
            show_paged(request, operation, args, Printer::new(args, hints, follow)).await
        }
        AnyRequest::Single(request) => {
            refuse_paging(args, "the album view")?;
            let view = request.send().await?;
            let mut printer = Printer::new(args, hints, false);
            printer.page(&view, None)?;
            printer.finish()?;
            Ok(())
        }
        AnyRequest::Views(request) => {
            let views = views_request(request, args)?.send().await?;
            let mut printer = Printer::new(args, hints, false);
            printer.views(&views)?;
            printer.finish()?;
            Ok(())
        }
    }
}

/// Refuses the paging flags, for `what` (the album view, the search), which does not page.
fn refuse_paging(args: &GlobalArgs, what: &str) -> Result<(), UsageError> {
    if args.limit.is_some() || args.cursor.is_some() || args.all || args.max_items.is_some() {
        return Err(UsageError::new(format!(
            "{what} does not page: --limit, --cursor, --all and --max-items do not apply"
        )));
    }
    Ok(())
}

/// A request of several views (the search's) with `--limit` as its `limit` (entities per
/// group, checked against the operation table before sending); the flags that follow pages
/// are refused, since it does not page.
fn views_request(
    request: ViewRequest<ViewList>,
    args: &GlobalArgs,
) -> Result<ViewRequest<ViewList>, UsageError> {
    if args.cursor.is_some() || args.all || args.max_items.is_some() {
        return Err(UsageError::new(
            "the search does not page: --cursor, --all and --max-items do not apply",
        ));
    }
    Ok(match args.limit {
        Some(limit) => request.query_parameter("limit", limit.to_string()),
        None => request,
    })
}

/// `--output raw`: each body as received, one after another.
async fn show_raw(request: AnyRequest, operation: Operation, args: &GlobalArgs) -> Result<()> {
    if args.max_items.is_some() {
        return Err(UsageError::new(
            "--output raw prints whole bodies as received: --max-items does not apply",
        )
        .into());
    }
    match request {
        AnyRequest::Groups(request) => show_raw_paged(request, operation, args).await,
        AnyRequest::Entities(request) => show_raw_paged(request, operation, args).await,
        AnyRequest::Single(request) => {
            refuse_paging(args, "the album view")?;
            output::print_raw(request.send_raw().await?.body())?;
            Ok(())
        }
        AnyRequest::Views(request) => {
            output::print_raw(views_request(request, args)?.send_raw().await?.body())?;
            Ok(())
        }
    }
}

/// `request` with the page size and the cursor the flags ask for.
fn paged<P: Paged>(
    mut request: ViewRequest<P>,
    operation: Operation,
    args: &GlobalArgs,
) -> ViewRequest<P> {
    if let Some(limit) = page_size(operation, args) {
        request = request.limit(limit);
    }
    if let Some(cursor) = &args.cursor {
        request = request.cursor(cursor.clone());
    }
    request
}

async fn show_raw_paged<P: Paged>(
    request: ViewRequest<P>,
    operation: Operation,
    args: &GlobalArgs,
) -> Result<()> {
    let request = paged(request, operation, args);
    if !args.all {
        output::print_raw(request.send_raw().await?.body())?;
        return Ok(());
    }
    let progress = Progress::start();
    let result = async {
        let mut stream = request.pages_raw();
        let mut pages = 0usize;
        while let Some(page) = stream.try_next().await? {
            progress.suspend(|| output::print_raw(page.body()))?;
            pages += 1;
            progress.message(format!("{pages} {}", plural(pages, "page", "pages")));
        }
        anyhow::Ok(())
    }
    .await;
    progress.finish();
    result
}

/// Shows the pages: one, or (`--all`, `--max-items`) every page until the last or until
/// `--max-items` entities are in.
async fn show_paged<P: Paged>(
    request: ViewRequest<P>,
    operation: Operation,
    args: &GlobalArgs,
    mut printer: Printer,
) -> Result<()> {
    let request = paged(request, operation, args);
    if !args.all && args.max_items.is_none() {
        let view = request.send().await?;
        let next = ViewRequest::<P>::next_cursor(&view).map(str::to_owned);
        printer.page(&view, next.as_deref())?;
        printer.finish()?;
        return Ok(());
    }
    let progress = Progress::start();
    let result = async {
        let mut budget = args.max_items;
        let (mut pages, mut entities) = (0usize, 0usize);
        let mut stream = request.pages();
        // The cursor past the last page shown, when --max-items stopped at its end.
        let mut next = None;
        while budget != Some(0) {
            let Some(mut view) = stream.try_next().await? else {
                break;
            };
            let cut = truncate(&mut view, budget);
            budget = budget.map(|left| left - cut.kept);
            pages += 1;
            entities += cut.kept;
            next = ViewRequest::<P>::next_cursor(&view).map(str::to_owned);
            progress.suspend(|| printer.page(&view, None))?;
            progress.suspend(|| printer.cut(cut.dropped))?;
            progress.update(pages, entities);
        }
        progress.suspend(|| printer.finish())?;
        if let (Some(0), Some(cursor)) = (budget, next) {
            progress.suspend(|| printer.next_page(entities, &cursor))?;
        }
        anyhow::Ok(())
    }
    .await;
    progress.finish();
    result
}

/// What [`truncate`] kept and dropped.
struct Cut {
    kept: usize,
    dropped: usize,
}

/// Keeps at most `max_items` entities of `view`, in order. When it drops any, it also drops the
/// page tokens that would skip them (the view's, and those of the groups it cut or emptied), so
/// that neither the JSON nor the hints offer a cursor past entities never shown.
fn truncate(view: &mut View, max_items: Option<usize>) -> Cut {
    let mut left = max_items.unwrap_or(usize::MAX);
    let (mut kept, mut dropped) = (0, 0);
    for group in &mut view.content.entity_groups {
        let entities = &mut group.content.entities;
        let before = entities.len();
        entities.truncate(left);
        left -= entities.len();
        kept += entities.len();
        if entities.len() < before {
            dropped += before - entities.len();
            group.content.next_page_token = None;
        }
    }
    if dropped > 0 {
        view.content.next_page_token = None;
    }
    Cut { kept, dropped }
}

async fn login(args: &GlobalArgs, login: LoginArgs) -> Result<()> {
    let client_id = login
        .client_id
        .clone()
        .or_else(|| args.refresh.client_id.clone())
        .ok_or_else(|| {
            UsageError::new(
                "login needs your app's client ID: pass --client-id or set AMAZON_MUSIC_CLIENT_ID",
            )
        })?;
    let wanted = usize::from(login.with_token) + usize::from(login.with_api_key);
    if wanted > 0 && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(UsageError::new(
            "--with-token and --with-api-key read standard input, which is a terminal here (and \
             typing would show the secret): pipe them in, one a line, e.g. `printf '%s\\n' \
             \"$REFRESH_TOKEN\" | amzn-music login --with-token`",
        )
        .into());
    }
    let mut from_stdin = if wanted > 0 {
        let names = match (login.with_token, login.with_api_key) {
            (true, true) => "the refresh token, then the API key",
            (true, false) => "the refresh token",
            _ => "the API key",
        };
        login_store::read_secrets_from_stdin(wanted, names)?.into_iter()
    } else {
        Vec::new().into_iter()
    };
    let refresh_token = if login.with_token {
        from_stdin.next().unwrap_or_default()
    } else {
        device_login(args, &login, &client_id).await?
    };
    let api_key = if login.with_api_key {
        from_stdin.next()
    } else {
        args.api_key.clone()
    };
    let stored = StoredLogin {
        client_id,
        refresh_token,
        token_url: args.refresh.token_url.clone(),
        api_key,
    };
    let path = stored.save()?;
    let what = if stored.api_key.is_some() {
        "the refresh token and the API key are"
    } else {
        "the refresh token is"
    };
    eprintln!(
        "logged in; {what} stored in {} (readable only by you)",
        path.display()
    );
    Ok(())
}

/// Logs in with LWA's device flow and returns the refresh token.
async fn device_login(args: &GlobalArgs, login: &LoginArgs, client_id: &str) -> Result<String> {
    let mut builder = DeviceLogin::builder().client_id(client_id).scopes([
        scopes::LIBRARY_READ,
        scopes::HISTORY,
        scopes::RECOMMENDATION,
        scopes::PROFILE_READ,
    ]);
    if let Some(url) = &login.codepair_url {
        builder = builder.codepair_url(url.clone());
    }
    if let Some(url) = &args.refresh.token_url {
        builder = builder.token_url(url.clone());
    }
    let codepair_url = login
        .codepair_url
        .clone()
        .unwrap_or_else(|| LwaRegion::default().codepair_url().to_owned());
    let authorization = builder
        .build()?
        .start()
        .await
        .map_err(|failure| match &failure {
            // The SDK says "token endpoint" for either LWA endpoint: this is the code-pair one.
            amazon_music::Error::Auth {
                source: Some(source),
                retryable: true,
                ..
            } => anyhow::anyhow!(
                "could not reach the code-pair endpoint {codepair_url}: {}; check the network, \
                 or --codepair-url / AMAZON_MUSIC_LWA_CODEPAIR_URL, and try again",
                error::connection_cause(source.as_ref())
            ),
            _ => failure.into(),
        })?;
    eprintln!(
        "To log in, open {} and enter the code {} (within {} minutes). Waiting...",
        authorization.verification_uri(),
        authorization.user_code(),
        authorization.expires_in().as_secs().div_ceil(60)
    );
    let tokens = authorization.poll().await?;
    let refresh_token = tokens
        .refresh_token
        .context("Login with Amazon sent no refresh token: there is nothing to store")?;
    Ok(secrecy::ExposeSecret::expose_secret(&refresh_token).to_owned())
}

async fn mock_server(args: MockServerArgs) -> Result<()> {
    let mut builder = amazon_music_mock::MockServer::builder().port(args.port);
    if let Some(size) = args.size {
        builder = builder.library_size(size);
    }
    if let Some(recording) = &args.replay {
        builder = builder.replay(recording);
    }
    let server = builder.start().await.context("starting the mock server")?;
    let credentials = server.credentials();
    let (token_url, codepair_url) = (server.token_url(), server.codepair_url());
    let mut lines = format!(
        "# mock server listening on {} (Ctrl-C stops it); paste these lines into a shell: its\n\
         # own test credentials, good for nothing else (`amzn-music login` works against it too)\n",
        server.url()
    );
    if let Some(recording) = &args.replay {
        lines.push_str(&format!(
            "# replaying {}: any credentials do, requests not in it get a 404\n",
            recording.display()
        ));
    }
    for (name, value) in [
        ("AMAZON_MUSIC_BASE_URL", server.url()),
        ("AMAZON_MUSIC_API_KEY", credentials.api_key()),
        ("AMAZON_MUSIC_TOKEN", credentials.access_token()),
        ("AMAZON_MUSIC_CLIENT_ID", credentials.client_id()),
        ("AMAZON_MUSIC_LWA_TOKEN_URL", &token_url),
        ("AMAZON_MUSIC_LWA_CODEPAIR_URL", &codepair_url),
    ] {
        lines.push_str(&format!("export {name}={}\n", output::single_quote(value)));
    }
    output::print(&lines)?;
    server
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}
