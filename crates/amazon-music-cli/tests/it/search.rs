//! `amzn-music search QUERY [--limit N]` against the mock: every output format, the query and
//! the limit on the wire, and an empty query refused before anything is sent.

use amazon_music::models::ViewListResponse;
use amazon_music_mock::MockServer;

use crate::support::{assert_matches_file, run};

/// The search the expected files hold: the spec's example query, two entities a group.
const SEARCH: &[&str] = &["search", "beck", "--limit", "2"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_prints_each_group_in_every_format() {
    let server = MockServer::start().await.expect("a mock server");
    for (format, file) in [
        ("table", "search.txt"),
        ("json", "search.json"),
        ("ndjson", "search.ndjson"),
        ("ids", "search.ids"),
        ("csv", "search.csv"),
        ("tsv", "search.tsv"),
        ("raw", "search.raw"),
    ] {
        let run = run(&server, &[SEARCH, &["-o", format]].concat());
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{format}");
        assert_matches_file(file, &run.stdout);
    }
    let json = run(&server, &[&["--json"], SEARCH].concat());
    let response: ViewListResponse = serde_json::from_str(&json.stdout).expect("several views");
    let [catalog] = &response.data[..] else {
        panic!("one view: {}", json.stdout);
    };
    let groups: Vec<&str> = catalog
        .content
        .entity_groups
        .iter()
        .map(|group| group.id.as_str())
        .collect();
    assert_eq!(groups, ["topHits", "artists", "albums"]);
    assert!(
        catalog
            .content
            .entity_groups
            .iter()
            .all(|group| group.content.entities.len() <= 2)
    );
    let ids = run(&server, &[SEARCH, &["-o", "ids"]].concat());
    let expected: Vec<&str> = catalog
        .content
        .entity_groups
        .iter()
        .flat_map(|group| &group.content.entities)
        .filter_map(amazon_music::Entity::id)
        .collect();
    assert_eq!(ids.stdout.lines().collect::<Vec<_>>(), expected);
    for request in server.requests() {
        assert_eq!(request.path, "/v1/search");
        let query = request.query.unwrap_or_default();
        assert!(
            query.contains("query=beck") && query.contains("limit=2"),
            "{query}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_calls_the_search_from_the_table() {
    let server = MockServer::start().await.expect("a mock server");
    let named = run(&server, &[&["--json"], SEARCH].concat());
    let api = run(
        &server,
        &["--json", "api", "getSearchView", "query=beck", "limit=2"],
    );
    assert_eq!(api.code, 0, "{}", api.stderr);
    assert_eq!(api.stdout, named.stdout);
    // `--limit` is the search's `limit` there too; the flags that follow pages are refused.
    let flag = run(
        &server,
        &[
            "--json",
            "api",
            "getSearchView",
            "query=beck",
            "--limit",
            "2",
        ],
    );
    assert_eq!(
        (flag.code, flag.stdout.as_str()),
        (0, named.stdout.as_str())
    );
    for paging in ["--all", "--max-items=3", "--cursor=x"] {
        let refused = run(&server, &["api", "getSearchView", "query=beck", paging]);
        assert_eq!(refused.code, 2, "{paging}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("the search does not page"),
            "{paging}: {}",
            refused.stderr
        );
    }
    let missing = run(&server, &["api", "getSearchView", "limit=2"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("getSearchView needs query=..."),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_query_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await.expect("a mock server");
    for args in [
        &["search", ""][..],
        &["api", "getSearchView", "query="],
        &["search", "beck", "--limit", "0"],
    ] {
        let run = run(&server, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(
            run.stderr.contains("at least 1"),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_before_the_command_says_where_the_searchs_own_goes() {
    let server = MockServer::start().await.expect("a mock server");
    let run = run(&server, &["--limit", "2", "search", "beck"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`search` takes its own --limit after its arguments"),
        "{}",
        run.stderr
    );
    assert!(server.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_that_finds_nothing_is_the_view_with_no_groups() {
    let server = MockServer::start().await.expect("a mock server");
    let json = run(&server, &["--json", "search", "zzqqxx-nothing"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let response: ViewListResponse = serde_json::from_str(&json.stdout).expect("several views");
    assert!(response.data[0].content.entity_groups.is_empty());
    let ids = run(&server, &["search", "zzqqxx-nothing", "-o", "ids"]);
    assert_eq!((ids.code, ids.stdout.as_str()), (0, ""), "{}", ids.stderr);
}
