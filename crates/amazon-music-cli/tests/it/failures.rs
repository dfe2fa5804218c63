//! What the binary says, and how it exits, when the API or the setup fails: one line on
//! stderr naming the status and what to do, exit code 1 for the API and 2 for usage; and the
//! headers it sends on the user's behalf.

use std::io::Read;
use std::process::Stdio;

use amazon_music_mock::MockServer;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, query_param, query_param_is_missing};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::support::{Run, amzn_music, finish, home};

/// A `recent` view with one track, whose group gives `next` as its page token.
pub(crate) fn recent_page(next: Option<&str>) -> Value {
    json!({"data": {
        "_type": "View", "id": "recent", "title": "Recently Played", "images": [],
        "content": {"_type": "ViewContent", "nextPageToken": next, "entityGroups": [{
            "_type": "EntityGroup", "id": "recent", "viewType": "LIST",
            "content": {"_type": "EntityGroupContent", "nextPageToken": next, "entities": [{
                "_type": "Track", "id": "B0TRACK001", "isrc": "USRE10000001",
                "title": "Basket Case", "album": {"id": "B0011Z330C", "title": "Dookie"},
                "artists": [{"id": "B000QJJOSO", "name": "Green Day"}],
                "images": [{"url": "https://m.media-amazon.com/images/I/x.jpg"}],
                "playParams": {"id": "mrn:1.0:catalog:track:asin:B0TRACK001?territory=US", "selections": ["PLAY"]}
            }]}
        }]}
    }})
}

/// A V1 error body.
fn error_body(status: u16, code: &str) -> Value {
    json!({"error": {"status": status.to_string(), "code": code, "message": "no", "reference": "ref-1"}})
}

/// A wiremock server that answers what `mount` sets up, and 418 to anything else.
pub(crate) async fn api(mount: impl AsyncFnOnce(&wiremock::MockServer)) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    mount(&server).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(|request: &Request| {
            ResponseTemplate::new(418)
                .set_body_string(format!("{} {}", request.method, request.url))
        })
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

/// Runs `amzn-music` against `server` with test credentials, `envs` and `args`.
pub(crate) fn run_against(
    server: &wiremock::MockServer,
    envs: &[(&str, &str)],
    args: &[&str],
) -> Run {
    let home = home("failures");
    let output = amzn_music(&home)
        .envs(envs.iter().copied())
        .args([
            "--base-url",
            &server.uri(),
            "--api-key",
            "k",
            "--token",
            "t",
        ])
        .args(args)
        .output()
        .expect("the binary runs");
    finish(output, &server.uri())
}

/// Checks a failed run: exit code 1, nothing on stdout, one line on stderr that starts with
/// `start` and ends with `end`.
fn assert_one_line_failure(run: &Run, start: &str, end: &str) {
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.starts_with(start), "{}", run.stderr);
    assert!(run.stderr.trim_end().ends_with(end), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locale_and_image_style_reach_the_api_from_flags_and_the_environment() {
    let server = api(async |server| {
        for (language, style) in [("de-de", "SL500"), ("ja-jp", "SL160")] {
            Mock::given(method("GET"))
                .and(header("accept-language", language))
                .and(header("amzn-image-style", style))
                .respond_with(ResponseTemplate::new(200).set_body_json(recent_page(None)))
                .expect(1)
                .mount(server)
                .await;
        }
    })
    .await;
    let flags = run_against(
        &server,
        &[],
        &["--locale", "de-de", "--image-style", "SL500", "recent"],
    );
    assert_eq!(flags.code, 0, "{}", flags.stderr);
    let environment = run_against(
        &server,
        &[
            ("AMAZON_MUSIC_LOCALE", "ja-jp"),
            ("AMAZON_MUSIC_IMAGE_STYLE", "SL160"),
        ],
        &["recent"],
    );
    assert_eq!(environment.code, 0, "{}", environment.stderr);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_api_failure_is_one_line_with_exit_code_1() {
    // Waits beyond the retry policy's cap: the call ends at the first answer.
    let throttled = api(async |server| {
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(429)
                    .insert_header("retry-after", "120")
                    .set_body_json(error_body(429, "THROTTLED")),
            )
            .mount(server)
            .await;
    })
    .await;
    assert_one_line_failure(
        &run_against(&throttled, &[], &["recent"]),
        "error: rate limited (HTTP 429 THROTTLED",
        "try again in 120 s",
    );

    let down = api(async |server| {
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(503)
                    .insert_header("retry-after", "120")
                    .set_body_json(error_body(503, "SERVICE_UNAVAILABLE")),
            )
            .mount(server)
            .await;
    })
    .await;
    assert_one_line_failure(
        &run_against(&down, &[], &["recent"]),
        "error: the API failed (HTTP 503 SERVICE_UNAVAILABLE",
        "try again later",
    );

    let unauthorized = api(async |server| {
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(error_body(401, "INVALID_AUTH_TOKEN")),
            )
            .mount(server)
            .await;
    })
    .await;
    assert_one_line_failure(
        &run_against(&unauthorized, &[], &["recent"]),
        "error: unauthorized (HTTP 401 INVALID_AUTH_TOKEN",
        "run `amzn-music login` (or set AMAZON_MUSIC_REFRESH_TOKEN) for a fresh one, or check \
         --token / AMAZON_MUSIC_TOKEN",
    );

    let forbidden = api(async |server| {
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(403).set_body_json(error_body(403, "FORBIDDEN")))
            .mount(server)
            .await;
    })
    .await;
    assert_one_line_failure(
        &run_against(&forbidden, &[], &["recent"]),
        "error: forbidden (HTTP 403 FORBIDDEN",
        "check that the API key (--api-key / AMAZON_MUSIC_API_KEY, your security profile ID) \
         belongs to an app allowed to call the Amazon Music API",
    );

    let garbled = api(async |server| {
        let mut page = recent_page(None);
        page["data"]["content"]["entityGroups"][0]["id"] = json!(7);
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(server)
            .await;
    })
    .await;
    let run = run_against(&garbled, &[], &["recent"]);
    assert_one_line_failure(
        &run,
        "error: the response could not be read at `",
        "run `amzn-music drift FILE.har` (and please report it)",
    );
    assert!(run.stderr.contains("entityGroups[0].id`"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_page_token_stops_with_exit_code_1_after_the_pages_before_it() {
    let server = api(async |server| {
        Mock::given(method("GET"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(recent_page(Some("A"))))
            .expect(1)
            .mount(server)
            .await;
        Mock::given(method("GET"))
            .and(query_param("cursor", "A"))
            .respond_with(ResponseTemplate::new(200).set_body_json(recent_page(Some("A"))))
            .expect(1)
            .mount(server)
            .await;
    })
    .await;
    let run = run_against(&server, &[], &["--json", "--all", "recent"]);
    assert_one_line_failure(
        &run,
        "error: the server repeated the page token \"A\"",
        "(the pages before it were printed)",
    );
    assert_eq!(run.stdout.lines().count(), 2, "both pages: {}", run.stdout);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_credentials_from_the_environment_fetch_the_access_token() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("refresh-environment");
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
        .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret())
        .env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token())
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
            "recent",
        ])
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests: Vec<(String, u16)> = server
        .requests()
        .into_iter()
        .map(|request| (request.path, request.status))
        .collect();
    assert_eq!(
        requests,
        [
            ("/auth/o2/token".to_owned(), 200),
            ("/v1/views/recent".to_owned(), 200)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_mistakes_are_usage_errors_with_exit_code_2() {
    let server = MockServer::start().await.expect("a mock server");
    let base = ["--base-url", server.url(), "--api-key", "k"];
    for (envs, wanted) in [
        (
            &[("AMAZON_MUSIC_REFRESH_TOKEN", "Atzr|x")][..],
            "AMAZON_MUSIC_REFRESH_TOKEN is set without AMAZON_MUSIC_CLIENT_ID",
        ),
        (
            &[("AMAZON_MUSIC_CLIENT_ID", "amzn1.application-oa2-client.x")][..],
            "not logged in: AMAZON_MUSIC_CLIENT_ID alone is no credential; run `amzn-music login`",
        ),
    ] {
        let folder = home("incomplete-refresh");
        let output = amzn_music(&folder)
            .envs(envs.iter().copied())
            .args(base)
            .arg("recent")
            .output()
            .expect("the binary runs");
        let run = finish(output, server.url());
        assert_eq!(run.code, 2, "{envs:?}: {}", run.stderr);
        assert!(run.stderr.contains(wanted), "{envs:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
    }

    // A login file that exists but cannot be read: here a folder in its place.
    let unreadable = home("unreadable-login");
    let stored = unreadable.join(".config/amazon-music-rs/login.json");
    std::fs::create_dir_all(&stored).expect("a folder where the file goes");
    let output = amzn_music(&unreadable)
        .args(base)
        .arg("recent")
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "the stored login {} cannot be read",
            stored.display()
        )),
        "{}",
        run.stderr
    );

    let no_client_id = home("login-without-client-id");
    let output = amzn_music(&no_client_id)
        .args(["login", "--codepair-url", &server.codepair_url()])
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "login needs your app's client ID: pass --client-id or set AMAZON_MUSIC_CLIENT_ID"
        ),
        "{}",
        run.stderr
    );
    assert!(
        server.requests().is_empty(),
        "nothing sent: {:?}",
        server.requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_stops_reading_ends_the_run_quietly_with_exit_code_0() {
    // Far more than a pipe holds (64 KiB on Linux): the binary is still writing when the
    // reader goes away.
    let server = MockServer::builder()
        .library_size(3_000)
        .start()
        .await
        .expect("a mock server");
    let credentials = server.credentials();
    let home = home("closed-pipe");
    let mut child = amzn_music(&home)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
            "--token",
            credentials.access_token(),
            "--all",
            "--limit",
            "100",
            "library",
            "songs",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Reads the first bytes, as `head -c` would, then closes the pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout
        .read_exact(&mut first)
        .expect("the start of the table");
    drop(stdout);
    let output = child.wait_with_output().expect("the binary ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "no error, no panic");
}
