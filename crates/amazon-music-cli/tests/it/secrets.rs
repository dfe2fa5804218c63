//! No secret in any output: every command path, the successful ones and each error, run with
//! `RUST_LOG=trace` and every credential configured, prints none of the API key, the access
//! and refresh tokens, the client secret, nor any token the mock issued along the way.
//!
//! (`mock-server` is left out: printing the mock's own credentials is its job.)

use std::path::Path;

use amazon_music_mock::{Fault, MockServer};

use crate::commands::VIEWS;
use crate::support::{Run, amzn_music, finish, home};

/// Every token the mock issues starts so: access tokens `Atza|mock-…`, refresh `Atzr|mock-…`.
const ISSUED_PREFIXES: [&str; 2] = ["Atza|mock", "Atzr|mock"];

/// A wrong access token, API key and refresh token, configured in the error cases: secrets too.
const WRONG_TOKEN: &str = "Atza|wrong-access-token-secret";
const WRONG_API_KEY: &str = "amzn1.application-oa2-client.wrong-api-key-secret";
const WRONG_REFRESH_TOKEN: &str = "Atzr|wrong-refresh-token-secret";

/// How the credentials are configured for a case.
#[derive(Clone, Copy, Debug)]
enum Setup {
    /// The API key and access token, and the refresh token with the client's ID and secret.
    Everything,
    /// The API key and the refresh token with the client's ID and secret: each run refreshes.
    Refresh,
    /// Only what `login` needs: the client's ID and secret, and the API key.
    Login,
    /// The right credentials but a wrong access token and no refresh token.
    WrongToken,
    /// A wrong API key.
    WrongApiKey,
    /// A refresh token the token endpoint refuses, and no access token.
    WrongRefreshToken,
}

/// One command path: its name, setup, fault to inject first, arguments and expected exit.
struct Case {
    name: &'static str,
    setup: Setup,
    fault: Option<Fault>,
    args: &'static [&'static str],
    succeeds: bool,
}

fn case(name: &'static str, setup: Setup, args: &'static [&'static str], succeeds: bool) -> Case {
    Case {
        name,
        setup,
        fault: None,
        args,
        succeeds,
    }
}

fn failing(name: &'static str, fault: Fault, args: &'static [&'static str]) -> Case {
    Case {
        name,
        setup: Setup::Everything,
        fault: Some(fault),
        args,
        succeeds: false,
    }
}

/// Every command path: each view command (as `commands.rs` lists them), the other commands,
/// the refresh and login flows, and each kind of error.
fn cases() -> Vec<Case> {
    use Setup::*;
    let views = VIEWS
        .iter()
        .map(|&(name, args)| case(name, Everything, args, true));
    let others = vec![
        case(
            "podcasts, every page",
            Everything,
            &["--all", "--limit", "2", "podcasts"],
            true,
        ),
        case(
            "library songs as JSON",
            Everything,
            &["--json", "library", "songs"],
            true,
        ),
        case(
            "library songs as NDJSON",
            Everything,
            &["-o", "ndjson", "library", "songs"],
            true,
        ),
        case(
            "search",
            Everything,
            &["search", "beck", "--limit", "2"],
            true,
        ),
        case(
            "api getSearchView as raw",
            Everything,
            &["-o", "raw", "api", "getSearchView", "query=beck"],
            true,
        ),
        case("api --list", Everything, &["api", "--list"], true),
        case(
            "api",
            Everything,
            &["api", "getLibrarySongsView", "limit=2"],
            true,
        ),
        case("auth status", Everything, &["auth", "status"], true),
        case("doctor", Everything, &["doctor"], true),
        case("doctor, refreshing", Refresh, &["doctor"], true),
        case("doctor, 401", WrongToken, &["doctor"], false),
        case("doctor, bad API key", WrongApiKey, &["doctor"], false),
        case(
            "doctor, refresh refused",
            WrongRefreshToken,
            &["doctor"],
            false,
        ),
        Case {
            name: "doctor, token endpoint down",
            setup: Refresh,
            fault: Some(Fault::status(500).on_path("/auth/o2/token")),
            args: &["doctor"],
            succeeds: false,
        },
        case("config path", Everything, &["config", "path"], true),
        case("completions", Everything, &["completions", "bash"], true),
        case("man", Everything, &["man"], true),
        case("help", Everything, &["--help"], true),
        case("refresh", Refresh, &["recent"], true),
        Case {
            name: "401 then refresh",
            setup: Refresh,
            fault: Some(Fault::expired_token().on_path("/v1").times(1)),
            args: &["library", "songs"],
            succeeds: true,
        },
        case("login", Login, &["login"], true),
        case("401 with no refresh", WrongToken, &["home"], false),
        case("403 bad API key", WrongApiKey, &["home"], false),
        case("refresh refused", WrongRefreshToken, &["recent"], false),
        case("404", Everything, &["album", "B000NOSUCH0"], false),
        case("usage error", Everything, &["album"], false),
        failing(
            "429",
            Fault::throttle_with(Some("999999")).on_path("/v1"),
            &["recent"],
        ),
        failing("503", Fault::status(503).on_path("/v1"), &["recent"]),
        failing(
            "dropped connection",
            Fault::drop_connection().on_path("/v1"),
            &["recent"],
        ),
        failing(
            "HTML error page",
            Fault::respond(502, "text/html", "<html>Bad Gateway</html>").on_path("/v1"),
            &["recent"],
        ),
        failing(
            "undecodable page",
            Fault::respond(200, "application/json", r#"{"data": 1}"#).on_path("/v1"),
            &["recent"],
        ),
        Case {
            name: "token endpoint down",
            setup: Refresh,
            fault: Some(Fault::status(500).on_path("/auth/o2/token")),
            args: &["recent"],
            succeeds: false,
        },
    ];
    views.chain(others).collect()
}

/// The secrets `setup` configures, besides the tokens the mock issues.
fn secrets(server: &MockServer) -> Vec<String> {
    let credentials = server.credentials();
    [
        credentials.api_key(),
        credentials.access_token(),
        credentials.refresh_token(),
        credentials.client_secret(),
        WRONG_TOKEN,
        WRONG_API_KEY,
        WRONG_REFRESH_TOKEN,
    ]
    .into_iter()
    .chain(ISSUED_PREFIXES)
    .map(str::to_owned)
    .collect()
}

/// Runs `case` against `server` with `RUST_LOG=trace`, in the home folder `home`.
fn run_case(server: &MockServer, case: &Case, home: &Path) -> Run {
    let credentials = server.credentials();
    let mut command = amzn_music(home);
    command
        .env("RUST_LOG", "trace")
        .env("AMAZON_MUSIC_BASE_URL", server.url())
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .env("AMAZON_MUSIC_LWA_CODEPAIR_URL", server.codepair_url())
        .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
        .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret());
    let api_key = match case.setup {
        Setup::WrongApiKey => WRONG_API_KEY,
        _ => credentials.api_key(),
    };
    command.env("AMAZON_MUSIC_API_KEY", api_key);
    match case.setup {
        Setup::Everything | Setup::WrongApiKey => {
            command
                .env("AMAZON_MUSIC_TOKEN", credentials.access_token())
                .env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token());
        }
        Setup::Refresh => {
            command.env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token());
        }
        Setup::WrongToken => {
            command.env("AMAZON_MUSIC_TOKEN", WRONG_TOKEN);
        }
        Setup::WrongRefreshToken => {
            command.env("AMAZON_MUSIC_REFRESH_TOKEN", WRONG_REFRESH_TOKEN);
        }
        Setup::Login => {}
    }
    let output = command.args(case.args).output().expect("the binary runs");
    finish(output, server.url())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_path_prints_a_secret_even_at_trace_level() {
    let server = MockServer::start().await.expect("a mock server");
    let secrets = secrets(&server);
    let mut traced = 0;
    for case in cases() {
        server.faults().clear();
        if let Some(fault) = case.fault.clone() {
            server.faults().inject(fault);
        }
        let home = home("secrets");
        let run = run_case(&server, &case, &home);
        let name = case.name;
        assert_eq!(
            run.code == 0,
            case.succeeds,
            "{name}: exit {}\n{}",
            run.code,
            run.stderr
        );
        for secret in &secrets {
            assert!(
                !run.stdout.contains(secret.as_str()),
                "{name}: {secret:?} on stdout:\n{}",
                run.stdout
            );
            assert!(
                !run.stderr.contains(secret.as_str()),
                "{name}: {secret:?} on stderr:\n{}",
                run.stderr
            );
        }
        traced += usize::from(run.stderr.contains("TRACE"));
    }
    assert!(
        traced >= 20,
        "trace output on only {traced} runs: is RUST_LOG=trace still honoured?"
    );
}
