use amazon_music_mock::MockServer;

use crate::support::{amzn_music, assert_same_as_file, finish, home, mock_server};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_login_the_next_command_works_with_the_client_id_still_set_or_unset() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("login-then-command");
    let with_client_id = |command: &mut std::process::Command| {
        command
            .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
            .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
            .env("AMAZON_MUSIC_API_KEY", credentials.api_key())
            .env("AMAZON_MUSIC_BASE_URL", server.url());
    };
    let mut login = amzn_music(&home);
    with_client_id(&mut login);
    let output = login
        .args(["login", "--codepair-url", &server.codepair_url()])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let mut status = amzn_music(&home);
    with_client_id(&mut status);
    let status = finish(
        status
            .args(["auth", "status"])
            .output()
            .expect("the binary runs"),
        server.url(),
    );
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status
            .stdout
            .starts_with("Uses:          the stored login\n"),
        "{}",
        status.stdout
    );

    let mut set = amzn_music(&home);
    with_client_id(&mut set);
    let set = finish(
        set.arg("recent").output().expect("the binary runs"),
        server.url(),
    );
    assert_eq!(
        set.code, 0,
        "with AMAZON_MUSIC_CLIENT_ID set: {}",
        set.stderr
    );
    assert_same_as_file("recent.txt", &set.stdout);

    let unset = amzn_music(&home)
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .args(["--base-url", server.url(), "recent"])
        .output()
        .expect("the binary runs");
    let unset = finish(unset, server.url());
    assert_eq!(unset.code, 0, "with it unset: {}", unset.stderr);
    assert_same_as_file("recent.txt", &unset.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_takes_the_client_id_as_a_flag_and_stores_it() {
    let server = MockServer::start().await.expect("a mock server");
    let home = home("login-client-id-flag");
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_LWA_TOKEN_URL", server.token_url())
        .args(["login", "--client-id", server.credentials().client_id()])
        .args(["--codepair-url", &server.codepair_url()])
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stored = home.join(".config/amazon-music-rs/login.json");
    let login: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).expect("the stored login"))
            .expect("JSON");
    assert_eq!(login["client_id"], server.credentials().client_id());
}

#[cfg(unix)]
#[tokio::test]
async fn mock_server_prints_lines_a_shell_evaluates_then_serves_until_ctrl_c() {
    let home = home("mock-server");
    let (mut child, printed) = mock_server(&home, &[]);
    for line in printed.lines() {
        assert!(
            line.starts_with("# ") || line.starts_with("export AMAZON_MUSIC_"),
            "{line:?} is neither a comment nor an export"
        );
    }
    // Evaluated by bash, as pasted: then `login` against the mock, and a view.
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_amzn-music"));
    let path = std::env::join_paths(
        std::iter::once(binary.parent().expect("the binary's folder").to_owned()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("a PATH");
    let mut bash = std::process::Command::new(crate::shells::shell("bash"));
    bash.env_clear()
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1")
        .env("PATH", path)
        .env("AMZN_MUSIC_LINES", &printed)
        .args([
            "--norc",
            "--noprofile",
            "-c",
            "eval \"$AMZN_MUSIC_LINES\" && amzn-music login && amzn-music recent",
        ]);
    let output = bash.output().expect("bash runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{printed}{stderr}");
    assert!(stderr.contains("logged in;"), "{stderr}");
    assert_same_as_file("recent.txt", &String::from_utf8_lossy(&output.stdout));
    let url = printed
        .lines()
        .find_map(|line| line.strip_prefix("export AMAZON_MUSIC_BASE_URL='"))
        .and_then(|rest| rest.strip_suffix('\''))
        .expect("the base URL")
        .to_owned();

    // Ctrl-C: SIGINT to the process, as a terminal sends it.
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .expect("`kill` runs");
    assert!(sent.success());
    let status = child.0.wait().expect("it ends");
    assert_eq!(status.code(), Some(0), "a clean stop on Ctrl-C: {status:?}");
    assert!(
        reqwest::Client::new().get(&url).send().await.is_err(),
        "nothing listens any more"
    );
}
