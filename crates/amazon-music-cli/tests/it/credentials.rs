//! Credentials: the stored login (written privately and atomically, secrets from stdin, a
//! corrupt file), a given token refreshed when the API rejects it, a rotated refresh token
//! stored, and the embedded mock only on a terminal.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use amazon_music_mock::MockServer;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use crate::support::{amzn_music, finish, home};

/// Runs `amzn-music` in `home` with `args`, `stdin` on its standard input.
fn run_with_stdin(
    home: &std::path::Path,
    envs: &[(&str, &str)],
    args: &[&str],
    stdin: &str,
) -> std::process::Output {
    let mut child = amzn_music(home)
        .envs(envs.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writing stdin");
    child.wait_with_output().expect("the binary runs")
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_token_reads_the_secrets_from_stdin_and_stores_them_privately() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("with-token");
    let token_url = server.token_url();
    let output = run_with_stdin(
        &home,
        &[
            ("AMAZON_MUSIC_CLIENT_ID", credentials.client_id()),
            ("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret()),
            ("AMAZON_MUSIC_LWA_TOKEN_URL", &token_url),
        ],
        &["login", "--with-token", "--with-api-key"],
        &format!(
            "{}\n{}\n",
            credentials.refresh_token(),
            credentials.api_key()
        ),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains(credentials.refresh_token()), "{stderr}");
    assert!(!stderr.contains(credentials.api_key()), "{stderr}");

    let stored = home.join(".config/amazon-music-rs/login.json");
    let login: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).expect("stored")).expect("JSON");
    assert_eq!(login["refresh_token"], credentials.refresh_token());
    assert_eq!(login["api_key"], credentials.api_key());
    assert_eq!(login["client_id"], credentials.client_id());
    #[cfg(unix)]
    {
        assert_eq!(mode(&stored), 0o600);
        assert_eq!(mode(stored.parent().expect("a folder")), 0o700);
    }

    // The stored API key serves later commands: no --api-key, no token.
    let later = amzn_music(&home)
        .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret())
        .args(["--base-url", server.url(), "recent"])
        .output()
        .expect("the binary runs");
    let run = finish(later, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Recently Played"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_token_needs_the_lines_it_asked_for() {
    let home = home("with-token-empty");
    let output = run_with_stdin(
        &home,
        &[("AMAZON_MUSIC_CLIENT_ID", "amzn1.application-oa2-client.x")],
        &["login", "--with-token", "--with-api-key"],
        "Atzr|only-one\n",
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the refresh token, then the API key"),
        "{stderr}"
    );
    assert!(!home.join(".config/amazon-music-rs/login.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_login_is_a_clear_error_naming_it_and_mock_still_works() {
    let server = MockServer::start().await.expect("a mock server");
    let home = home("corrupt-login");
    let folder = home.join(".config/amazon-music-rs");
    std::fs::create_dir_all(&folder).expect("a folder");
    let stored = folder.join("login.json");
    std::fs::write(&stored, "{\"client_id\": \"x\", \"refresh_tok").expect("a broken file");

    let output = amzn_music(&home)
        .args(["--base-url", server.url(), "--api-key", "k", "recent"])
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&stored.display().to_string()),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("amzn-music login"), "{}", run.stderr);
    assert_eq!(run.stdout, "");

    let output = amzn_music(&home)
        .args(["--mock", "recent"])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_given_token_that_expired_is_refreshed_once_with_the_refresh_credentials() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    // The mock's own access token is now past its lifetime, by the server's clock.
    server.advance_clock(Duration::from_secs(24 * 3600));
    let home = home("expired-token");
    let token_url = server.token_url();
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
        .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret())
        .env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token())
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", &token_url)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
            "--token",
            credentials.access_token(),
            "recent",
        ])
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Recently Played"), "{}", run.stdout);
    let views: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|request| request.path.starts_with("/v1/views/"))
        .collect();
    assert_eq!(views.len(), 2, "rejected once, then retried: {views:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_refresh_token_is_stored_in_the_login() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    // A token endpoint that rotates the refresh token, and issues the mock's access token.
    let lwa = wiremock::MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": credentials.access_token(),
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "Atzr|rotated-by-lwa",
        })))
        .mount(&lwa)
        .await;
    let home = home("rotated");
    let token_url = format!("{}/auth/o2/token", lwa.uri());
    let output = run_with_stdin(
        &home,
        &[
            ("AMAZON_MUSIC_CLIENT_ID", credentials.client_id()),
            ("AMAZON_MUSIC_LWA_TOKEN_URL", &token_url),
        ],
        &["login", "--with-token"],
        "Atzr|first\n",
    );
    assert!(output.status.success());

    let output = amzn_music(&home)
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
    let stored = home.join(".config/amazon-music-rs/login.json");
    let login: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).expect("stored")).expect("JSON");
    assert_eq!(login["refresh_token"], "Atzr|rotated-by-lwa");
    #[cfg(unix)]
    assert_eq!(mode(&stored), 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_credentials_and_stdout_not_a_terminal_it_refuses_the_mock() {
    let home = home("no-credentials-pipe");
    let output = amzn_music(&home)
        .arg("home")
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "no fake data on stdout");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("pass --mock"), "{stderr}");
    assert!(stderr.contains("AMAZON_MUSIC_API_KEY"), "{stderr}");

    let output = amzn_music(&home)
        .args(["--mock", "home"])
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    assert!(!output.stdout.is_empty());
}
