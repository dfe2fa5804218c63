//! Paging that does what people expect: `--all` asks for the largest page, `--max-items`
//! pages until it has enough, a lone page says on stderr how to get the rest, hints give the
//! whole command, and `--limit` and `--max-items` follow one rule.

use amazon_music_mock::MockServer;

use crate::support::run;

/// The `limit` of each request to `path`, in order.
fn limits(server: &MockServer, path: &str) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .map(|request| {
            request
                .query
                .as_deref()
                .unwrap_or_default()
                .split('&')
                .find_map(|pair| pair.strip_prefix("limit="))
                .unwrap_or("none")
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_asks_for_the_largest_page_the_operation_allows_unless_limit_is_given() {
    let server = MockServer::builder()
        .library_size(250)
        .start()
        .await
        .expect("a mock server");
    let songs = run(&server, &["-o", "ids", "--all", "library", "songs"]);
    assert_eq!(songs.code, 0, "{}", songs.stderr);
    assert_eq!(songs.stdout.lines().count(), 250);
    // No largest page in the spec: 100 a page, 3 requests in place of 25.
    assert_eq!(
        limits(&server, "/v1/views/library/songs"),
        ["100", "100", "100"]
    );

    let artists = run(&server, &["-o", "ids", "--all", "library", "artists"]);
    assert_eq!(artists.code, 0, "{}", artists.stderr);
    let asked = limits(&server, "/v1/views/library/artists");
    assert!(!asked.is_empty());
    assert!(asked.iter().all(|limit| limit == "10"), "{asked:?}");

    let given = run(
        &server,
        &["-o", "ids", "--all", "--limit", "7", "library", "albums"],
    );
    assert_eq!(given.code, 0, "{}", given.stderr);
    let asked = limits(&server, "/v1/views/library/albums");
    assert!(asked.iter().all(|limit| limit == "7"), "{asked:?}");

    // One page: the API's default.
    let one = run(&server, &["-o", "ids", "recent"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(limits(&server, "/v1/views/recent"), ["none"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_items_without_all_pages_until_it_has_that_many() {
    let server = MockServer::builder()
        .library_size(100)
        .start()
        .await
        .expect("a mock server");
    let run = run(
        &server,
        &[
            "-o",
            "ids",
            "--limit",
            "10",
            "--max-items",
            "25",
            "library",
            "songs",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 25);
    assert_eq!(
        limits(&server, "/v1/views/library/songs"),
        ["10", "10", "10"],
        "no page past the 25th song"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_page_of_ids_says_on_stderr_only_how_to_get_the_rest() {
    let server = MockServer::builder()
        .library_size(30)
        .start()
        .await
        .expect("a mock server");
    let first = run(&server, &["-o", "ids", "library", "songs", "--limit", "20"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        first.stdout.lines().count(),
        20,
        "stdout holds the IDs alone"
    );
    let command = first
        .stderr
        .strip_prefix("20 entities shown; the rest: amzn-music library songs --limit 20 --cursor ")
        .and_then(|rest| rest.strip_suffix(" -o ids, or --all for every page\n"))
        .unwrap_or_else(|| panic!("{:?}", first.stderr));
    let cursor = command.trim_matches('\'');
    let rest = run(
        &server,
        &[
            "-o", "ids", "library", "songs", "--limit", "20", "--cursor", cursor,
        ],
    );
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    assert_eq!(rest.stdout.lines().count(), 10);
    assert_eq!(rest.stderr, "", "the last page has no rest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_on_a_view_of_groups_says_what_it_followed_and_how_to_follow_a_group() {
    let server = MockServer::start().await.expect("a mock server");
    let home = run(&server, &["--all", "home"]);
    assert_eq!(home.code, 0, "{}", home.stderr);
    assert!(!home.stdout.contains("--cursor"), "{}", home.stdout);
    assert!(
        home.stdout.contains(
            "  more: amzn-music home --group mp3-subscription-gateway_mp3YourHeaviestListeningStrategy --all\n"
        ),
        "{}",
        home.stdout
    );
    assert!(
        home.stdout.ends_with(
            "\n--all followed the view's pages of groups; each `more:` line follows one group's own entities\n"
        ),
        "{}",
        home.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_and_max_items_follow_one_rule_said_in_the_command_s_terms() {
    let server = MockServer::start().await.expect("a mock server");
    for (args, message) in [
        (
            &["--limit", "0", "recent"][..],
            "'--limit <N>': must be a whole number of at least 1",
        ),
        (
            &["--max-items", "0", "recent"],
            "'--max-items <N>': must be a whole number of at least 1",
        ),
        (
            &["home", "--limit", "50"],
            "error: home: --limit must be 1..10, not 50",
        ),
        (
            &["library", "--group", "x", "--limit", "11"],
            "error: library: --limit must be 1..10, not 11",
        ),
    ] {
        let failed = run(&server, args);
        assert_eq!(failed.code, 2, "{args:?}: {}", failed.stderr);
        assert!(
            failed.stderr.contains(message),
            "{args:?}: {}",
            failed.stderr
        );
    }
    assert!(
        server.requests().is_empty(),
        "no usage error sends a request"
    );
}
