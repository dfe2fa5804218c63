use std::io::{BufRead, BufReader};
use std::process::Stdio;

use amazon_music_mock::MockServer;

use crate::support::{amzn_music, assert_same_as_file, finish, home};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_stores_a_private_refresh_token_that_later_commands_use() {
    let server = MockServer::start().await.expect("a mock server");
    let home = home("login");
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_CLIENT_ID", server.credentials().client_id())
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .args(["login", "--codepair-url", &server.codepair_url()])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("enter the code"), "{stderr}");

    let stored = home.join(".config/amazon-music-rs/login.json");
    let text = std::fs::read_to_string(&stored).expect("the stored login");
    let login: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(login["client_id"], server.credentials().client_id());
    assert!(
        login["refresh_token"]
            .as_str()
            .is_some_and(|token| !token.is_empty())
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&stored)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable only by the user");
    }
    assert!(
        !stderr.contains(login["refresh_token"].as_str().unwrap_or("?")),
        "no secret on stderr"
    );

    let later = amzn_music(&home)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            server.credentials().api_key(),
            "recent",
        ])
        .output()
        .expect("the binary runs");
    let run = finish(later, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_same_as_file("recent.txt", &run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_stores_the_api_key_it_is_given_so_later_commands_need_no_credentials() {
    let server = MockServer::start().await.expect("a mock server");
    let home = home("login-api-key");
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_CLIENT_ID", server.credentials().client_id())
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .env("AMAZON_MUSIC_API_KEY", server.credentials().api_key())
        .args(["login", "--codepair-url", &server.codepair_url()])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stderr.contains(server.credentials().api_key()),
        "no secret on stderr"
    );
    let stored = home.join(".config/amazon-music-rs/login.json");
    let login: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).expect("the stored login"))
            .expect("JSON");
    assert_eq!(login["api_key"], server.credentials().api_key());

    // No --api-key, no token: the stored login is enough.
    let later = amzn_music(&home)
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .args(["--base-url", server.url(), "recent"])
        .output()
        .expect("the binary runs");
    let run = finish(later, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_same_as_file("recent.txt", &run.stdout);
}

/// A child process killed when dropped, so that a failing test leaks none.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[cfg(unix)]
#[tokio::test]
async fn mock_server_serves_until_ctrl_c_and_then_exits_0() {
    let home = home("mock-server");
    let mut child = Child(
        amzn_music(&home)
            .args(["mock-server", "--port", "0", "--size", "40"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let mut lines = BufReader::new(child.0.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a first line").expect("text");
    let url = first
        .strip_prefix("mock server listening on ")
        .expect("the URL")
        .to_owned();
    let printed: Vec<String> = lines
        .by_ref()
        .take(4)
        .map(|line| line.expect("text"))
        .collect();
    let value = |name: &str| {
        printed
            .iter()
            .find_map(|line| line.trim().strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("{name} printed"))
    };
    let songs = || {
        reqwest::Client::new()
            .get(format!("{url}/v1/views/library/songs?limit=5"))
            .header("x-api-key", value("AMAZON_MUSIC_API_KEY"))
            .bearer_auth(value("AMAZON_MUSIC_TOKEN"))
            .send()
    };
    let response = songs().await.expect("a response");
    assert_eq!(response.status(), 200);

    // Ctrl-C: SIGINT to the process, as a terminal sends it.
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .expect("`kill` runs");
    assert!(sent.success());
    let status = child.0.wait().expect("it ends");
    assert_eq!(status.code(), Some(0), "a clean stop on Ctrl-C: {status:?}");
    assert!(songs().await.is_err(), "nothing listens any more");
}
