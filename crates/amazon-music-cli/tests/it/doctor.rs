//! `amzn-music doctor` against the mock: each check's line and the exit status with good
//! credentials, a wrong API key, an expired token with and without refresh credentials, a
//! token endpoint that is down, an unreachable base URL, no credentials at all, and `--mock`.
//! (`secrets.rs` runs it too, and finds no secret in its output.)

use std::time::Duration;

use amazon_music_mock::{Fault, MockServer};

use crate::support::{Run, amzn_music, finish, home};

/// How long the mock's tokens live in these tests, and so how far its clock moves to expire one.
const LIFETIME: Duration = Duration::from_secs(3600);

/// A proxy password, in a variable doctor shows: a secret too.
const PROXY_PASSWORD: &str = "proxy-password-secret";

async fn server() -> MockServer {
    MockServer::builder()
        .token_lifetime(LIFETIME)
        .start()
        .await
        .expect("a mock server")
}

/// How the credentials are given.
#[derive(Clone, Copy, PartialEq)]
enum Setup {
    /// The API key and the access token.
    Token,
    /// A wrong API key and the access token.
    WrongApiKey,
    /// The API key, the access token and the refresh credentials.
    TokenAndRefresh,
    /// The API key and the refresh credentials, with a token endpoint where nothing listens.
    RefreshFromNowhere,
}

/// Runs `doctor` with `setup` against `server` (at `base_url`, when given), with a proxy
/// variable that holds a password but does not apply to loopback.
fn doctor(server: &MockServer, setup: Setup, base_url: Option<&str>) -> Run {
    let credentials = server.credentials();
    let home = home("doctor");
    let mut command = amzn_music(&home);
    command
        .env("AMAZON_MUSIC_BASE_URL", base_url.unwrap_or(server.url()))
        .env(
            "HTTPS_PROXY",
            format!("http://user:{PROXY_PASSWORD}@proxy.invalid:3128"),
        )
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env(
            "AMAZON_MUSIC_API_KEY",
            match setup {
                Setup::WrongApiKey => "amzn1.application-oa2-client.wrong-key-secret",
                _ => credentials.api_key(),
            },
        );
    if setup != Setup::RefreshFromNowhere {
        command.env("AMAZON_MUSIC_TOKEN", credentials.access_token());
    }
    if matches!(setup, Setup::TokenAndRefresh | Setup::RefreshFromNowhere) {
        command
            .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
            .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret())
            .env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token())
            .env(
                "AMAZON_MUSIC_LWA_TOKEN_URL",
                if setup == Setup::RefreshFromNowhere {
                    "http://127.0.0.1:9/auth/o2/token".to_owned()
                } else {
                    server.token_url()
                },
            );
    }
    let run = finish(
        command.arg("doctor").output().expect("the binary runs"),
        server.url(),
    );
    let credentials = server.credentials();
    for secret in [
        credentials.api_key(),
        credentials.access_token(),
        credentials.refresh_token(),
        credentials.client_secret(),
        "wrong-key-secret",
        PROXY_PASSWORD,
        "Atza|",
        "Atzr|",
    ] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret:?} in the output:\n{}{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

/// The line of the check `name`.
fn line<'a>(run: &'a Run, name: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|line| {
            line.get(7..)
                .is_some_and(|rest| rest.starts_with(&format!("{name}:")))
        })
        .unwrap_or_else(|| panic!("no {name} check in:\n{}", run.stdout))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_credentials_pass_every_check() {
    let server = server().await;
    let run = doctor(&server, Setup::Token, None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "Proxy:         HTTPS_PROXY=http://***@proxy.invalid:3128, NO_PROXY=127.0.0.1,localhost"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("TLS backend:   native-tls"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("API key:       set (from AMAZON_MUSIC_API_KEY)"),
        "{}",
        run.stdout
    );
    assert!(line(&run, "credentials").starts_with("[ok  ]"));
    assert!(line(&run, "token endpoint").starts_with("[skip]"));
    let api = line(&run, "API");
    assert!(
        api.starts_with(
            "[ok  ] API: GET http://MOCK_URL/v1/views/home?limit=1 answered HTTP 200 in "
        ),
        "{api}"
    );
    assert!(line(&run, "clock").starts_with("[ok  ] clock: "));
    assert!(
        run.stdout.ends_with("\nall 3 checks passed\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_api_key_is_named_with_what_to_do() {
    let server = server().await;
    let run = doctor(&server, Setup::WrongApiKey, None);
    assert_eq!(run.code, 1);
    let api = line(&run, "API");
    assert!(
        api.starts_with("[FAIL]")
            && api.contains("HTTP 403 INVALID_API_KEY")
            && api.contains("the API key was refused; check --api-key / AMAZON_MUSIC_API_KEY"),
        "{api}"
    );
    assert_eq!(run.stderr, "error: 1 of 2 checks failed (see above)\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_fails_without_refresh_credentials_and_is_refreshed_with_them() {
    let server = server().await;
    server.advance_clock(LIFETIME + Duration::from_secs(1));

    let alone = doctor(&server, Setup::Token, None);
    assert_eq!(alone.code, 1);
    let api = line(&alone, "API");
    assert!(
        api.starts_with("[FAIL]")
            && api.contains("HTTP 401 INVALID_ACCESS_TOKEN")
            && api.contains("token expired"),
        "{api}"
    );

    let refreshed = doctor(&server, Setup::TokenAndRefresh, None);
    assert_eq!(refreshed.code, 0, "{}", refreshed.stdout);
    assert_eq!(
        line(&refreshed, "token endpoint"),
        "[ok  ] token endpoint: answered a refresh with a new access token; it expires in 60 min"
    );
    assert!(line(&refreshed, "API").starts_with("[ok  ]"));
    assert!(refreshed.stdout.contains("all 4 checks passed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_is_down_fails_its_check() {
    let server = server().await;
    let nowhere = doctor(&server, Setup::RefreshFromNowhere, None);
    assert_eq!(nowhere.code, 1);
    let token = line(&nowhere, "token endpoint");
    assert!(
        token.starts_with("[FAIL] token endpoint: authentication failed: "),
        "{token}"
    );
    assert!(line(&nowhere, "API").starts_with("[skip]"));

    // Down with a 503, and an access token to go on with: the API check still runs.
    server
        .faults()
        .inject(Fault::status(503).on_path("/auth/o2/token"));
    let failing = doctor(&server, Setup::TokenAndRefresh, None);
    assert_eq!(failing.code, 1);
    assert!(line(&failing, "token endpoint").starts_with("[FAIL]"));
    assert!(line(&failing, "API").starts_with("[ok  ]"));
    assert_eq!(failing.stderr, "error: 1 of 4 checks failed (see above)\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_base_url_fails_the_api_check() {
    let server = server().await;
    let run = doctor(&server, Setup::Token, Some("http://127.0.0.1:9"));
    assert_eq!(run.code, 1);
    let api = line(&run, "API");
    assert!(
        api.starts_with("[FAIL] API: GET http://127.0.0.1:9/v1/views/home?limit=1: ")
            && api.contains("the connection was refused"),
        "{api}"
    );
    assert!(line(&run, "clock").starts_with("[skip]"));
}

#[test]
fn without_credentials_it_starts_no_mock_server_unless_asked() {
    let home = home("doctor-none");
    let run = finish(
        amzn_music(&home)
            .arg("doctor")
            .output()
            .expect("the binary runs"),
        "http://no-server",
    );
    assert_eq!(run.code, 1);
    assert!(line(&run, "credentials").starts_with("[FAIL] credentials: none set"));
    assert!(line(&run, "API").starts_with("[skip]"));
    assert!(!run.stdout.contains("http://127.0.0.1"), "{}", run.stdout);
    assert!(!run.stderr.contains("mock server"), "{}", run.stderr);

    let mock = finish(
        amzn_music(&home)
            .args(["doctor", "--mock"])
            .output()
            .expect("the binary runs"),
        "http://no-server",
    );
    assert_eq!(mock.code, 0, "{}", mock.stdout);
    assert!(line(&mock, "API").starts_with("[ok  ] API: GET http://127.0.0.1:"));
}
