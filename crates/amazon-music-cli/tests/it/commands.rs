use amazon_music::models::ViewResponse;
use amazon_music_mock::MockServer;

use crate::support::{URL_PLACEHOLDER, amzn_music, assert_matches_file, home, run};

/// Every view command, as `(expected file stem, arguments)`.
pub(crate) const VIEWS: &[(&str, &[&str])] = &[
    ("home", &["home"]),
    (
        "home-group",
        &[
            "home",
            "--group",
            "mp3-subscription-gateway_mp3YourHeaviestListeningStrategy",
        ],
    ),
    ("podcasts", &["podcasts"]),
    (
        "podcasts-group",
        &[
            "podcasts",
            "--group",
            "PodcastsYouFollowStrategy-2b0a291c-5e3d-4a46-8bac-26cc70db46a9%23EDITORIAL%23PODCASTS",
        ],
    ),
    ("library", &["library"]),
    ("library-group", &["library", "--group", "podcast-shows"]),
    ("library-albums", &["library", "albums"]),
    ("library-artists", &["library", "artists"]),
    ("library-songs", &["library", "songs"]),
    ("library-playlists", &["library", "playlists"]),
    ("library-podcasts", &["library", "podcasts"]),
    ("recent", &["recent"]),
    ("artist", &["artist", "B000QJJOSO"]),
    ("album", &["album", "B0CKMM9LJF"]),
    ("playlist", &["playlist", "B00J9PVXBM"]),
    ("show", &["show", "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0"]),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_command_prints_the_expected_table() {
    let server = MockServer::start().await.expect("a mock server");
    for (name, args) in VIEWS {
        let run = run(&server, args);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{name}");
        assert_matches_file(&format!("{name}.txt"), &run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_command_prints_the_expected_json() {
    let server = MockServer::start().await.expect("a mock server");
    for (name, args) in VIEWS {
        let args: Vec<&str> = ["--json"].iter().chain(args.iter()).copied().collect();
        let run = run(&server, &args);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let decoded: ViewResponse = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|error| panic!("{name}: not a view response: {error}"));
        assert!(!decoded.data.id.is_empty(), "{name}");
        assert_matches_file(&format!("{name}.json"), &run.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_view_command_prints_the_expected_ids_and_ndjson() {
    let server = MockServer::start().await.expect("a mock server");
    for (name, args) in VIEWS {
        let json = run(&server, &[&["--json"], *args].concat());
        let page: ViewResponse = serde_json::from_str(&json.stdout).expect("a view");
        let entities: Vec<&amazon_music::Entity> = page
            .data
            .content
            .entity_groups
            .iter()
            .flat_map(|group| &group.content.entities)
            .collect();

        // A page with more after it says so on stderr, with the table's next-page command.
        let table = run(&server, args);
        let rest = |format: &str| {
            table
                .stdout
                .lines()
                .find_map(|line| line.strip_prefix("next page: "))
                .map(|command| {
                    format!(
                        "{} entities shown; the rest: {command} -o {format}, or --all for every \
                         page\n",
                        entities.len()
                    )
                })
                .unwrap_or_default()
        };
        let ids = run(&server, &[&["--output", "ids"], *args].concat());
        assert_eq!(ids.code, 0, "{name}: {}", ids.stderr);
        assert_eq!(ids.stderr, rest("ids"), "{name}");
        let expected: Vec<&str> = entities.iter().filter_map(|entity| entity.id()).collect();
        assert_eq!(ids.stdout.lines().collect::<Vec<_>>(), expected, "{name}");
        assert_matches_file(&format!("{name}.ids"), &ids.stdout);

        let ndjson = run(&server, &[*args, &["-o", "ndjson"]].concat());
        assert_eq!(ndjson.code, 0, "{name}: {}", ndjson.stderr);
        assert_eq!(ndjson.stderr, rest("ndjson"), "{name}");
        let decoded: Vec<amazon_music::Entity> = ndjson
            .stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("one entity a line"))
            .collect();
        assert_eq!(decoded.iter().collect::<Vec<_>>(), entities, "{name}");
        assert_matches_file(&format!("{name}.ndjson"), &ndjson.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_is_an_alias_of_output_json() {
    let server = MockServer::start().await.expect("a mock server");
    let alias = run(&server, &["--json", "library", "songs"]);
    let output = run(&server, &["library", "songs", "--output", "json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(alias.stdout, output.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_is_what_the_api_served() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let served: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/v1/views/album/B0CKMM9LJF", server.url()).replace("/album/", "/albums/"))
        .header("x-api-key", credentials.api_key())
        .bearer_auth(credentials.access_token())
        .send()
        .await
        .expect("a response")
        .json()
        .await
        .expect("JSON");
    let printed: serde_json::Value =
        serde_json::from_str(&run(&server, &["--json", "album", "B0CKMM9LJF"]).stdout)
            .expect("JSON");
    assert_eq!(printed, served);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_follows_every_cursor_with_one_json_line_per_page() {
    let server = MockServer::builder()
        .library_size(95)
        .start()
        .await
        .expect("a mock server");
    let run = run(
        &server,
        &["--json", "--all", "--limit", "10", "library", "songs"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages: Vec<ViewResponse> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("one view response a line"))
        .collect();
    assert_eq!(pages.len(), 10);
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|page| page.data.content.entity_groups[0].content.entities.iter())
        .filter_map(|entity| entity.id().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 95);
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 95, "no song twice");
    assert_eq!(
        run.stderr, "",
        "no progress line when stderr is not a terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_with_max_items_stops_fetching_once_it_has_enough() {
    let server = MockServer::builder()
        .library_size(500)
        .start()
        .await
        .expect("a mock server");
    let run = run(
        &server,
        &[
            "--all",
            "--limit",
            "10",
            "--max-items",
            "25",
            "library",
            "songs",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_matches_file("library-songs-all-max-25.txt", &run.stdout);
    assert_eq!(run.stdout.matches("group songs").count(), 1, "one heading");
    assert_eq!(
        run.stdout.matches("  ID  ").count(),
        1,
        "one continuous table"
    );
    let widths: std::collections::HashSet<usize> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("  B0"))
        .map(|line| line.rfind("  ").unwrap_or_default())
        .collect();
    assert_eq!(widths.len(), 1, "the same columns on every page");
    let views = server
        .requests()
        .iter()
        .filter(|request| request.path.starts_with("/v1/views/library/songs"))
        .count();
    assert_eq!(views, 3, "no page past the 25th song");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_prints_each_group_of_a_paged_view_once_as_one_table() {
    let server = MockServer::start().await.expect("a mock server");
    let all = run(&server, &["--all", "--limit", "2", "podcasts"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let json = run(&server, &["--json", "--all", "--limit", "2", "podcasts"]);
    let pages: Vec<ViewResponse> = json
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a page"))
        .collect();
    assert!(pages.len() > 1, "more than one page of groups");
    let groups: Vec<&amazon_music::models::EntityGroup> = pages
        .iter()
        .flat_map(|page| &page.data.content.entity_groups)
        .collect();
    for group in &groups {
        let heading = format!("(group {})\n", group.id);
        assert_eq!(all.stdout.matches(&heading).count(), 1, "{}", group.id);
    }
    assert_eq!(all.stdout.matches("\n  ID  ").count(), groups.len());
    assert_matches_file("podcasts-all.txt", &all.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_page_hint_continues_where_the_page_ended() {
    let server = MockServer::start().await.expect("a mock server");
    let ids = |stdout: &str| -> Vec<String> {
        let page: ViewResponse = serde_json::from_str(stdout).expect("a view");
        page.data.content.entity_groups[0]
            .content
            .entities
            .iter()
            .filter_map(|entity| entity.id().map(str::to_owned))
            .collect()
    };
    let first = run(&server, &["--limit", "5", "library", "songs"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let hint = first
        .stdout
        .lines()
        .find_map(|line| {
            line.strip_prefix("next page: amzn-music library songs --limit 5 --cursor ")
        })
        .expect("a next-page hint");
    let cursor = hint.trim_matches('\'');
    let second = run(
        &server,
        &[
            "--json", "--limit", "5", "--cursor", cursor, "library", "songs",
        ],
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    let whole = run(&server, &["--json", "--limit", "10", "library", "songs"]);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let whole = ids(&whole.stdout);
    assert_eq!(whole.len(), 10);
    assert_eq!(
        ids(&second.stdout),
        whole[5..],
        "the hint's page is the five songs right after the first five"
    );
    for id in &whole[..5] {
        assert!(first.stdout.contains(id.as_str()), "{id} on the first page");
    }
}

/// Whether util-linux `script`, which runs a command on a pseudo-terminal, is on the `PATH`;
/// when it is not, says on stderr that the running test is skipped.
pub fn script_available() -> bool {
    let found = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        eprintln!(
            "skipped {}: it needs util-linux `script` for a pseudo-terminal, and none is on the PATH",
            std::thread::current().name().unwrap_or("this test")
        );
    }
    found
}

#[test]
fn with_no_credentials_on_a_terminal_it_uses_the_embedded_mock_and_says_so() {
    if !script_available() {
        return;
    }
    // `script` (util-linux) runs the command on a pseudo-terminal: stdout is a terminal there,
    // as when a person runs the README's first command.
    let home = home("no-credentials");
    let inner = format!("{} home", env!("CARGO_BIN_EXE_amzn-music"));
    let output = std::process::Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1")
        .output()
        .expect("`script` (util-linux) runs");
    let terminal = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    assert!(output.status.success(), "{terminal}");
    assert!(
        terminal
            .starts_with("no credentials set: using the embedded mock server at http://127.0.0.1:"),
        "{terminal}"
    );
    let url = terminal
        .lines()
        .next()
        .and_then(|line| line.rsplit(' ').next())
        .unwrap_or_default()
        .to_owned();
    let (_, view) = terminal.split_once('\n').expect("the view after the note");
    crate::support::assert_same_as_file("home.txt", &view.replace(&url, URL_PLACEHOLDER));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_every_command() {
    let home = home("help");
    let output = amzn_music(&home)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    assert_matches_file(
        "help.txt",
        &String::from_utf8(output.stdout).expect("UTF-8"),
    );
}

/// Runs `command` (a shell command line) on a pseudo-terminal with `script` (util-linux), with
/// `TERM=xterm` and the environment given, and returns what the terminal received; `None`
/// (and a note on stderr) where `script` is missing.
pub fn on_a_terminal(name: &str, command: &str, env: &[(&str, &str)]) -> Option<String> {
    if !script_available() {
        return None;
    }
    let home = home(name);
    let output = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .envs(env.iter().copied())
        .output()
        .expect("`script` (util-linux) runs");
    let terminal = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{terminal}");
    Some(terminal)
}

#[test]
fn all_shows_a_progress_spinner_when_stderr_is_a_terminal() {
    // stdout goes to /dev/null inside the terminal: what it shows is stderr.
    let Some(terminal) = on_a_terminal(
        "progress",
        &format!(
            "{} --mock --all --limit 100 library songs > /dev/null",
            env!("CARGO_BIN_EXE_amzn-music")
        ),
        &[],
    ) else {
        return;
    };
    assert!(terminal.contains("3 pages, 300 entities ("), "{terminal:?}");
    assert!(terminal.contains("\x1b[2K"), "drawn in place: {terminal:?}");
    assert!(terminal.ends_with("\r\n"), "{terminal:?}");
}

#[test]
fn progress_never_lands_on_stdout_or_a_piped_stderr() {
    // stderr goes to a file inside the terminal: the table alone reaches it, in one piece.
    let Some(terminal) = on_a_terminal(
        "progress-piped",
        &format!(
            "NO_COLOR=1 {} --mock --all --limit 100 library songs 2> /dev/null",
            env!("CARGO_BIN_EXE_amzn-music")
        ),
        &[],
    ) else {
        return;
    };
    assert!(!terminal.contains("entities"), "{terminal:?}");
    assert_eq!(
        terminal.matches("  ID  ").count(),
        1,
        "one table: {terminal:?}"
    );
    assert_eq!(terminal.matches("\r\n  B0").count(), 300, "{terminal:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_items_that_cut_a_page_print_no_cursor_that_would_skip_the_rest() {
    let server = MockServer::builder()
        .library_size(100)
        .start()
        .await
        .expect("a mock server");
    let whole = run(&server, &["--limit", "10", "library", "songs"]);
    assert!(
        whole
            .stdout
            .contains("next page: amzn-music library songs --limit 10 --cursor "),
        "{}",
        whole.stdout
    );

    let cut = run(
        &server,
        &["--limit", "10", "--max-items", "3", "library", "songs"],
    );
    assert_eq!(cut.code, 0, "{}", cut.stderr);
    assert!(!cut.stdout.contains("--cursor"), "{}", cut.stdout);
    assert!(
        cut.stdout
            .contains("--max-items left out 7 more entities of this page"),
        "{}",
        cut.stdout
    );

    let json = run(
        &server,
        &[
            "--json",
            "--limit",
            "10",
            "--max-items",
            "3",
            "library",
            "songs",
        ],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let page: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let group = &page["data"]["content"]["entityGroups"][0]["content"];
    assert_eq!(group["entities"].as_array().map(Vec::len), Some(3));
    assert!(group["nextPageToken"].is_null(), "{group}");
    assert!(
        !json.stdout.contains("nextPageToken\": \"%"),
        "no cursor anywhere"
    );
    assert!(
        json.stderr.contains("--max-items left out 7 more entities"),
        "{}",
        json.stderr
    );

    // A cut that drops nothing keeps the cursor.
    let exact = run(
        &server,
        &["--limit", "10", "--max-items", "10", "library", "songs"],
    );
    assert!(
        exact
            .stdout
            .contains("next page: amzn-music library songs --limit 10 --cursor "),
        "{}",
        exact.stdout
    );
}
