//! The blocking client: the same views, pages and errors, with no runtime in the caller's code.

use amazon_music::{Entity, Error, models::View};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{SongPager, builder_of, mount_catch_all, request_count};

/// A server of `total` songs, started on a runtime of the test's own: the code under test has
/// none.
fn song_server(total: usize) -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime for the server");
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/views/library/songs"))
            .respond_with(SongPager { total })
            .mount(&server)
            .await;
        crate::support::mount_missing_album(&server).await;
        mount_catch_all(&server).await;
        server
    });
    (runtime, server)
}

/// The blocking builder's `build()` gives the blocking client.
fn client(server: &MockServer) -> amazon_music::blocking::Client {
    builder_of::<amazon_music::blocking::Client>(&server.uri())
        .build()
        .expect("a client")
}

#[test]
fn send_returns_one_page_and_entities_follow_every_cursor() {
    let (runtime, server) = song_server(25);
    let client = client(&server);

    let page = client.library_songs().limit(10).send().expect("a page");
    assert_eq!(page.content.entity_groups[0].content.entities.len(), 10);
    let next =
        amazon_music::blocking::ViewRequest::<amazon_music::pagination::EntityPages>::next_cursor(
            &page,
        );
    assert_eq!(next, Some(SongPager::cursor(10).as_str()));

    let songs: Vec<Entity> = client
        .library_songs()
        .limit(10)
        .entities()
        .collect::<Result<_, _>>()
        .expect("every song");
    let ids: Vec<&str> = songs.iter().filter_map(Entity::id).collect();
    let expected: Vec<String> = (0..25).map(|n| format!("T{n:09}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(runtime.block_on(request_count(&server)), 1 + 3);
}

#[test]
fn pages_are_fetched_as_the_iteration_gets_to_them() {
    let (runtime, server) = song_server(100);
    let client = client(&server);

    let mut pages = client.library_songs().limit(10).pages();
    assert_eq!(
        runtime.block_on(request_count(&server)),
        0,
        "nothing before next()"
    );
    let first: View = pages.next().expect("a page").expect("no error");
    assert_eq!(first.content.entity_groups[0].content.entities.len(), 10);
    assert_eq!(runtime.block_on(request_count(&server)), 1);

    let taken = client
        .library_songs()
        .limit(10)
        .max_items(15)
        .entities()
        .count();
    assert_eq!(taken, 15);
    assert_eq!(
        runtime.block_on(request_count(&server)),
        1 + 2,
        "no page past the 15th song"
    );
}

#[test]
fn errors_are_the_async_clients_and_end_the_iteration() {
    let (_runtime, server) = song_server(0);
    let client = client(&server);

    let error = client.album("B404").send().expect_err("a 404");
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.code(), Some("NOT_FOUND"));
    assert!(error.is_not_found());
    assert!(matches!(error, Error::Api(_)), "{error:?}");

    let error = client.library_songs().limit(0).send().expect_err("limit 0");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let mut entities = client.library_songs().limit(0).entities();
    assert!(matches!(
        entities.next(),
        Some(Err(Error::InvalidRequest { .. }))
    ));
    assert!(
        entities.next().is_none(),
        "the iterator ends after its error"
    );
    let debug = format!("{entities:?}");
    assert!(debug.contains("done: true"), "its Debug says so: {debug}");
}

#[test]
fn send_raw_returns_the_body_as_served() {
    let (runtime, server) = song_server(3);
    let client = client(&server);

    let raw = client.library_songs().send_raw().expect("a response");
    let served = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(format!("{}/v1/views/library/songs", server.uri()))
            .send()
            .await
            .expect("a response");
        response.bytes().await.expect("a body")
    });
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.body(), &served[..]);
}

#[test]
fn requests_for_operations_picked_at_run_time_block_too() {
    let (_runtime, server) = song_server(4);
    let client = client(&server);
    let operation: amazon_music::models::Operation =
        "getLibrarySongsView".parse().expect("in the spec");
    let view = client
        .request::<amazon_music::pagination::EntityPages>(operation, Vec::<String>::new())
        .expect("a request")
        .send()
        .expect("a view");
    assert_eq!(view.content.entity_groups[0].content.entities.len(), 4);
}

#[tokio::test(flavor = "current_thread")]
async fn calls_inside_an_async_runtime_block_without_panicking() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(SongPager { total: 12 })
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client(&server);
    let songs = client.library_songs().entities().count();
    assert_eq!(songs, 12);
    // The last clone, dropped inside the runtime, shuts its own down without panicking.
    drop(client);
    assert_eq!(request_count(&server).await, 2);
}

/// A blocking client for `server`, a mock on a thread of its own, with its credentials.
fn mock_client(server: &amazon_music_mock::MockServer) -> amazon_music::blocking::Client {
    builder_of::<amazon_music::blocking::Client>(server.url())
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .build()
        .expect("a client")
}

#[test]
fn a_mock_started_blocking_serves_sync_code() {
    let server = amazon_music_mock::MockServer::builder()
        .library_size(25)
        .start_blocking()
        .expect("a mock on its own thread");
    let client = mock_client(&server);
    assert_eq!(client.library_songs().limit(10).entities().count(), 25);
    assert_eq!(server.requests().len(), 3, "three pages of at most 10");
}

#[tokio::test(flavor = "current_thread")]
async fn a_mock_started_blocking_serves_a_client_that_blocks_a_current_thread_runtime() {
    let server = amazon_music_mock::MockServer::start_blocking().expect("a mock");
    let client = mock_client(&server);
    let home = client.home().limit(2).send().expect("the home view");
    assert!(!home.content.entity_groups.is_empty());
    drop(client);
    server.shutdown().await;
}
