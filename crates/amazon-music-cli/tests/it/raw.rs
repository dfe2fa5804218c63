//! `--output raw`: each body exactly as the API sent it.

use amazon_music::ViewResponse;
use amazon_music_mock::MockServer;

use crate::support::run;

/// The body the mock serves at `path` with `query`, as text, fetched directly.
/// What the mock serves for `path` and `query`, whose values go as given: they hold only what a
/// query carries (a `limit`, a token as received).
async fn served(server: &MockServer, path: &str, query: &[(&str, &str)]) -> String {
    let credentials = server.credentials();
    let query: Vec<String> = query
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    reqwest::Client::new()
        .get(format!("{}{path}?{}", server.url(), query.join("&")))
        .header("x-api-key", credentials.api_key())
        .bearer_auth(credentials.access_token())
        .send()
        .await
        .expect("a response")
        .text()
        .await
        .expect("a body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_prints_one_body_byte_for_byte_and_a_newline() {
    let server = MockServer::start().await.expect("a mock server");
    for (args, path, query) in [
        (
            &["album", "B0CKMM9LJF"][..],
            "/v1/views/albums/B0CKMM9LJF",
            &[][..],
        ),
        (
            &["library", "songs", "--limit", "5"][..],
            "/v1/views/library/songs",
            &[("limit", "5")][..],
        ),
        (
            &["api", "getPlaylistView", "id=B00J9PVXBM"][..],
            "/v1/views/playlists/B00J9PVXBM",
            &[][..],
        ),
    ] {
        let body = served(&server, path, query).await;
        assert!(
            !body.ends_with('\n'),
            "{path}: the mock's bodies are compact"
        );
        let run = run(&server, &[args, &["--output", "raw"]].concat());
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, format!("{body}\n"), "{args:?}");
        assert_eq!(run.stderr, "", "{args:?}: no hint beside a raw body");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_with_all_prints_every_page_body_one_a_line() {
    let server = MockServer::builder()
        .library_size(25)
        .start()
        .await
        .expect("a mock server");
    let run = run(
        &server,
        &["-o", "raw", "--all", "--limit", "10", "library", "songs"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    let mut cursor: Option<String> = None;
    let mut songs = 0;
    for (index, line) in lines.iter().enumerate() {
        let mut query = vec![("limit", "10")];
        query.extend(cursor.as_deref().map(|cursor| ("cursor", cursor)));
        let body = served(&server, "/v1/views/library/songs", &query).await;
        assert_eq!(*line, body, "page {index}");
        let page: ViewResponse = serde_json::from_str(line).expect("a view response");
        let group = &page.data.content.entity_groups[0].content;
        songs += group.entities.len();
        cursor.clone_from(&group.next_page_token);
    }
    assert_eq!(cursor, None, "the last page has no cursor");
    assert_eq!(songs, 25);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_refuses_max_items_which_would_cut_a_body() {
    let server = MockServer::start().await.expect("a mock server");
    let run = run(
        &server,
        &["-o", "raw", "--max-items", "3", "library", "songs"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--max-items does not apply"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}
