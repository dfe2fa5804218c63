//! The command line itself: where paging flags go, table widths, colour, completions, the
//! manual page, `--help`, the config file and `auth`.

use amazon_music_mock::MockServer;
use unicode_width::UnicodeWidthStr;

use crate::commands::on_a_terminal;
use crate::support::{amzn_music, assert_matches_file, finish, home, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_flags_work_before_or_after_the_command_name() {
    let server = MockServer::start().await.expect("a mock server");
    let before = run(&server, &["--limit", "3", "--json", "library", "songs"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    for args in [
        &["library", "songs", "--limit", "3", "--json"][..],
        &["library", "--limit", "3", "songs", "--json"],
        &["--json", "library", "songs", "--limit=3"],
    ] {
        let after = run(&server, args);
        assert_eq!(after.code, 0, "{args:?}: {}", after.stderr);
        assert_eq!(after.stdout, before.stdout, "{args:?}");
    }
    let all = run(
        &server,
        &[
            "recent",
            "--all",
            "--limit",
            "5",
            "--max-items",
            "7",
            "-o",
            "ids",
        ],
    );
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.stdout.lines().count(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_that_do_not_page_refuse_paging_flags() {
    let server = MockServer::start().await.expect("a mock server");
    let cases: &[(&[&str], &str)] = &[
        (
            &["--all", "login"],
            "`login` does not page: --all applies only to home, podcasts, library, recent, artist, playlist, show, api",
        ),
        (
            &["login", "--all"],
            "`login` does not page: --all applies only to home",
        ),
        (
            &["--limit", "2", "mock-server"],
            "`mock-server` does not page: --limit",
        ),
        (
            &["mock-server", "--cursor", "x"],
            "`mock-server` does not page: --cursor",
        ),
        (
            &["--max-items", "2", "album", "B0CKMM9LJF"],
            "`album` does not page: --max-items",
        ),
        (
            &["album", "B0CKMM9LJF", "--limit", "5"],
            "`album` does not page: --limit",
        ),
        (
            &["album", "B0CKMM9LJF", "--max-items=5"],
            "`album` does not page: --max-items",
        ),
        (&["--all", "auth", "status"], "`auth` does not page: --all"),
        (
            &["--cursor", "c", "--all", "config", "path"],
            "`config` does not page: --cursor, --all",
        ),
        (
            &["--limit", "2", "home", "--limit", "3"],
            "--limit is given twice",
        ),
        (
            &["--all", "api", "getAlbumView", "id=B0CKMM9LJF"],
            "the album view does not page",
        ),
        (&["library", "--group", "x", "songs"], "not both"),
    ];
    for (args, message) in cases {
        let failed = run(&server, args);
        assert_eq!(failed.code, 2, "{args:?}: {}", failed.stderr);
        assert_eq!(failed.stdout, "", "{args:?}");
        assert!(
            failed.stderr.contains(message),
            "{args:?}: {:?} lacks {message:?}",
            failed.stderr
        );
    }
    assert_eq!(server.requests().len(), 0, "no usage error sends a request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_fit_the_terminal_width() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let output = amzn_music(&home("columns"))
        .env("COLUMNS", "50")
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
        ])
        .args(["--token", credentials.access_token(), "library", "songs"])
        .output()
        .expect("the binary runs");
    let narrow = finish(output, server.url());
    assert_eq!(narrow.code, 0, "{}", narrow.stderr);
    for line in narrow.stdout.lines().filter(|line| line.starts_with("  ")) {
        assert!(line.width() <= 50, "{line:?} is wider than 50 columns");
    }
    assert!(narrow.stdout.contains('…'), "long titles are cut");
    assert_matches_file("library-songs-50-columns.txt", &narrow.stdout);
}

#[test]
fn tables_fit_a_real_terminal() {
    let Some(terminal) = on_a_terminal(
        "terminal-width",
        &format!(
            "stty rows 24 cols 45; {} --mock --all library songs",
            env!("CARGO_BIN_EXE_amzn-music")
        ),
        &[("NO_COLOR", "1")],
    ) else {
        return;
    };
    // A row may follow the spinner's line, cleared with `ESC [2K`.
    let rows: Vec<&str> = terminal
        .split("\r\n")
        .filter_map(|line| line.rsplit("\x1b[2K").next())
        .filter(|line| line.starts_with("  B0"))
        .collect();
    assert_eq!(rows.len(), 300, "{terminal:?}");
    for row in rows {
        assert!(row.width() <= 45, "{row:?} is wider than the terminal");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durations_show_where_the_api_gives_them() {
    let server = MockServer::start().await.expect("a mock server");
    let show = run(&server, &["show", "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0"]);
    assert!(show.stdout.contains("DURATION"), "{}", show.stdout);
    assert!(
        show.stdout
            .lines()
            .any(|line| line.starts_with("  57a461ef") && line.ends_with("  1:00:04")),
        "{}",
        show.stdout
    );
    // The API gives tracks no duration: no empty column for them.
    let songs = run(&server, &["library", "songs"]);
    assert!(!songs.stdout.contains("DURATION"), "{}", songs.stdout);
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let binary = env!("CARGO_BIN_EXE_amzn-music");
    let Some(coloured) = on_a_terminal("colour", &format!("{binary} --mock recent --limit 2"), &[])
    else {
        return;
    };
    assert!(
        coloured.contains("\x1b[1mRecently Played\x1b[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\x1b[1m  ID  "), "{coloured:?}");
    let Some(error) = on_a_terminal(
        "colour-error",
        &format!("{binary} --mock api getNothing; true"),
        &[],
    ) else {
        return;
    };
    assert!(error.contains("\x1b[31merror:\x1b[0m"), "{error:?}");
    for command in [
        format!("{binary} --mock recent --limit 2"),
        format!("{binary} --mock api getNothing; true"),
    ] {
        let Some(plain) = on_a_terminal("no-color", &command, &[("NO_COLOR", "1")]) else {
            return;
        };
        assert!(!plain.contains('\x1b'), "{plain:?}");
    }
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let home = home("completions");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = amzn_music(&home)
            .args(["completions", shell])
            .output()
            .expect("the binary runs");
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8(output.stdout).expect("UTF-8");
        for command in ["library", "export", "auth", "completions", "mock-server"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let output = amzn_music(&home)
        .args(["completions", "tcsh"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn man_prints_a_manual_page() {
    let output = amzn_music(&home("man"))
        .arg("man")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(page.starts_with(".ie"), "{page}");
    assert!(page.contains(".TH amzn-music 1"), "{page}");
    assert!(page.contains("unofficial client"), "{page}");
    assert!(page.contains("AMAZON_MUSIC_TOKEN"), "{page}");
    // No page it names but does not have (`amzn-music-home(1)`).
    assert!(!page.contains("(1)"), "{page}");
    for section in [".SH COMMANDS\n", ".SH EXAMPLES\n", ".SH \"EXIT STATUS\"\n"] {
        assert!(page.contains(section), "{section} in {page}");
    }
    assert!(
        page.contains(".TP\n\\fBamzn\\-music library songs\\fR\nSongs in your library\n"),
        "{page}"
    );
    assert!(
        page.contains(".TP\n130\ninterrupted by Ctrl\\-C (export)\n"),
        "{page}"
    );
    assert_matches_file("man.1", &page);
}

#[test]
fn help_says_unofficial_and_lists_the_environment() {
    let output = amzn_music(&home("help-env"))
        .arg("--help")
        .output()
        .expect("the binary runs");
    let help = String::from_utf8(output.stdout).expect("UTF-8");
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("unofficial client, not made or endorsed by Amazon"));
    for variable in [
        "AMAZON_MUSIC_BASE_URL",
        "AMAZON_MUSIC_API_KEY",
        "AMAZON_MUSIC_TOKEN",
        "AMAZON_MUSIC_CLIENT_ID",
        "AMAZON_MUSIC_CLIENT_SECRET",
        "AMAZON_MUSIC_REFRESH_TOKEN",
        "AMAZON_MUSIC_LWA_TOKEN_URL",
        "NO_COLOR",
        "RUST_LOG",
    ] {
        assert!(help.contains(&format!("\n  {variable} ")), "{variable}");
    }
    for (command, file) in [("library", "help-library.txt"), ("login", "help-login.txt")] {
        let output = amzn_music(&home("help-command"))
            .args([command, "--help"])
            .output()
            .expect("the binary runs");
        assert!(output.status.success());
        assert_matches_file(file, &String::from_utf8(output.stdout).expect("UTF-8"));
    }
}

/// Writes `text` as the config file of `home`.
fn write_config(home: &std::path::Path, text: &str) {
    let folder = home.join(".config/amazon-music-rs");
    std::fs::create_dir_all(&folder).expect("the config folder");
    std::fs::write(folder.join("config.toml"), text).expect("the config file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_file_sets_defaults_that_flags_and_the_environment_override() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("config");
    write_config(
        &home,
        &format!(
            "base-url = \"{}\"\noutput = \"ids\"\nlocale = \"de-de\"\n",
            server.url()
        ),
    );
    let with = |args: &[&str], env: &[(&str, &str)]| {
        let output = amzn_music(&home)
            .envs(env.iter().copied())
            .args(["--api-key", credentials.api_key(), "--token"])
            .arg(credentials.access_token())
            .args(args)
            .output()
            .expect("the binary runs");
        finish(output, server.url())
    };
    let ids = with(&["recent", "--limit", "3"], &[]);
    assert_eq!(ids.code, 0, "{}", ids.stderr);
    assert_eq!(ids.stdout.lines().count(), 3, "{}", ids.stdout);
    let table = with(&["recent", "--limit", "3", "--output", "table"], &[]);
    assert!(table.stdout.contains("TYPE"), "{}", table.stdout);
    let env = with(
        &["recent", "--limit", "3"],
        &[("AMAZON_MUSIC_OUTPUT", "ndjson")],
    );
    assert!(env.stdout.starts_with("{\"_type\""), "{}", env.stdout);
    let json = with(&["--json", "home", "--limit", "1"], &[]);
    assert!(json.stdout.starts_with("{\n"), "{}", json.stdout);
    let json = with(
        &["--json", "home", "--limit", "1"],
        &[("AMAZON_MUSIC_OUTPUT", "ids")],
    );
    assert!(
        json.stdout.starts_with("{\n"),
        "--json wins: {}",
        json.stdout
    );
    let german = run(
        &server,
        &["--locale", "de-de", "-o", "table", "home", "--limit", "1"],
    );
    let configured = with(&["-o", "table", "home", "--limit", "1"], &[]);
    assert_eq!(
        configured.stdout, german.stdout,
        "the locale, from the file"
    );
    let english = with(
        &["-o", "table", "home", "--limit", "1", "--locale", "en-us"],
        &[],
    );
    assert_ne!(english.stdout, german.stdout, "the flag wins");

    let path = amzn_music(&home)
        .args(["config", "path"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        String::from_utf8_lossy(&path.stdout).trim(),
        home.join(".config/amazon-music-rs/config.toml")
            .display()
            .to_string()
    );
}

#[test]
fn a_bad_config_file_is_a_usage_error_that_names_it() {
    let home = home("bad-config");
    write_config(&home, "colour = \"always\"\n");
    let output = amzn_music(&home)
        .args(["--mock", "recent"])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("config.toml is not valid"), "{stderr}");
    assert!(stderr.contains("unknown field `colour`"), "{stderr}");
    let path = amzn_music(&home)
        .args(["config", "path"])
        .output()
        .expect("the binary runs");
    assert!(path.status.success(), "`config path` still answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_status_says_where_credentials_come_from_and_never_shows_a_secret() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let home = home("auth-status");
    let folder = home.join(".config/amazon-music-rs");
    std::fs::create_dir_all(&folder).expect("the config folder");
    let stored_secret = "Atzr|stored-refresh-token-secret";
    std::fs::write(
        folder.join("login.json"),
        format!("{{\"client_id\": \"amzn1.application-oa2-client.stored\", \"refresh_token\": \"{stored_secret}\"}}"),
    )
    .expect("a stored login");
    let output = amzn_music(&home)
        .env("AMAZON_MUSIC_API_KEY", credentials.api_key())
        .env("AMAZON_MUSIC_CLIENT_SECRET", credentials.client_secret())
        .env("AMAZON_MUSIC_REFRESH_TOKEN", credentials.refresh_token())
        .env("AMAZON_MUSIC_CLIENT_ID", credentials.client_id())
        .args([
            "--base-url",
            server.url(),
            "--token",
            credentials.access_token(),
        ])
        .args(["auth", "status"])
        .output()
        .expect("the binary runs");
    let status = finish(output, server.url());
    assert_eq!(status.code, 0, "{}", status.stderr);
    for secret in [
        credentials.api_key(),
        credentials.access_token(),
        credentials.client_secret(),
        credentials.refresh_token(),
        stored_secret,
    ] {
        assert!(
            !status.stdout.contains(secret),
            "{secret} in {}",
            status.stdout
        );
        assert!(
            !status.stderr.contains(secret),
            "{secret} in {}",
            status.stderr
        );
    }
    let stdout = status
        .stdout
        .replace(&home.display().to_string(), "HOME")
        .replace(credentials.client_id(), "CLIENT_ID");
    assert_matches_file("auth-status.txt", &stdout);
}

#[test]
fn auth_logout_removes_the_stored_login() {
    let home = home("logout");
    let folder = home.join(".config/amazon-music-rs");
    std::fs::create_dir_all(&folder).expect("the config folder");
    let login = folder.join("login.json");
    std::fs::write(
        &login,
        "{\"client_id\": \"c\", \"refresh_token\": \"Atzr|x\"}",
    )
    .expect("a stored login");
    let status = |args: &[&str]| {
        let output = amzn_music(&home)
            .args(args)
            .output()
            .expect("the binary runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).replace(&home.display().to_string(), "HOME"),
            String::from_utf8_lossy(&output.stderr).replace(&home.display().to_string(), "HOME"),
        )
    };
    let (_, before, _) = status(&["auth", "status"]);
    assert!(
        before.contains("Uses:          the stored login"),
        "{before}"
    );
    let (code, _, stderr) = status(&["auth", "logout"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stderr,
        "logged out: removed HOME/.config/amazon-music-rs/login.json\n"
    );
    assert!(!login.exists());
    let (_, after, _) = status(&["auth", "status"]);
    assert!(
        after.contains("Uses:          the embedded mock server (no credentials set)"),
        "{after}"
    );
    assert!(
        after.contains("Base URL:      the embedded mock server's"),
        "{after}"
    );
    let (code, _, stderr) = status(&["auth", "logout"]);
    assert_eq!(code, Some(0));
    assert!(stderr.starts_with("not logged in"), "{stderr}");
}
