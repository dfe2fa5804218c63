use amazon_music::{Entity, Error};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    self, SongPager, client, mount_catch_all, request_count, single_group_page, track,
};

async fn song_server(total: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(SongPager { total })
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    server
}

fn ids(entities: &[Entity]) -> Vec<String> {
    entities
        .iter()
        .filter_map(|entity| entity.id().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn collects_a_ten_thousand_song_library_in_order() {
    let server = song_server(10_000).await;
    let songs: Vec<Entity> = client(&server)
        .library_songs()
        .limit(100)
        .entities()
        .try_collect()
        .await
        .expect("every song");
    assert_eq!(songs.len(), 10_000);
    let expected: Vec<String> = (0..10_000).map(|n| format!("T{n:09}")).collect();
    assert_eq!(ids(&songs), expected);
    assert_eq!(request_count(&server).await, 100);
}

#[tokio::test]
async fn percent_encoded_tokens_go_back_as_received() {
    let server = song_server(25).await;
    let pages: Vec<_> = client(&server)
        .library_songs()
        .pages()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(pages.len(), 3);
    let requests = server.received_requests().await.expect("recorded requests");
    assert_eq!(
        crate::support::cursors(&requests),
        [
            None,
            Some(SongPager::cursor(10)),
            Some(SongPager::cursor(20))
        ]
    );
}

#[tokio::test]
async fn max_items_stops_before_fetching_the_next_page() {
    let server = song_server(1_000).await;
    let songs: Vec<Entity> = client(&server)
        .library_songs()
        .limit(100)
        .max_items(150)
        .entities()
        .try_collect()
        .await
        .expect("150 songs");
    assert_eq!(songs.len(), 150);
    assert_eq!(request_count(&server).await, 2);

    let server = song_server(1_000).await;
    let songs: Vec<Entity> = client(&server)
        .library_songs()
        .limit(100)
        .max_items(100)
        .entities()
        .try_collect()
        .await
        .expect("100 songs");
    assert_eq!(songs.len(), 100);
    assert_eq!(
        request_count(&server).await,
        1,
        "no page past the 100th song"
    );
}

#[tokio::test]
async fn take_on_the_stream_stops_fetching_too() {
    let server = song_server(1_000).await;
    let songs: Vec<_> = client(&server)
        .library_songs()
        .limit(10)
        .entities()
        .take(25)
        .collect()
        .await;
    assert_eq!(songs.len(), 25);
    assert_eq!(request_count(&server).await, 3);
}

/// The `limit` and `cursor` (as it went over the wire) of every request `server` received, in
/// order.
async fn limits_and_cursors(server: &MockServer) -> Vec<(Option<String>, Option<String>)> {
    let (query, raw_query) = (crate::support::query, crate::support::raw_query);
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|request| (query(request, "limit"), raw_query(request, "cursor")))
        .collect()
}

#[tokio::test]
async fn streams_are_lazy() {
    let server = song_server(100).await;
    let client = client(&server);
    // A call of its own (`limit=1`) is the barrier: the stream's requests are the others.
    let barrier = || async {
        client
            .library_songs()
            .limit(1)
            .send()
            .await
            .expect("the barrier's page");
    };
    let sent = |limits: &[(Option<String>, Option<String>)]| {
        limits
            .iter()
            .filter(|(limit, _)| limit.as_deref() == Some("10"))
            .map(|(_, cursor)| cursor.clone())
            .collect::<Vec<_>>()
    };
    let mut stream = client.library_songs().limit(10).entities();
    barrier().await;
    assert_eq!(
        sent(&limits_and_cursors(&server).await),
        [],
        "nothing before the first poll"
    );
    let mut songs = Vec::new();
    for _ in 0..10 {
        songs.push(
            stream
                .try_next()
                .await
                .expect("a song")
                .expect("not the end"),
        );
    }
    barrier().await;
    assert_eq!(
        sent(&limits_and_cursors(&server).await),
        [None],
        "the first page's ten songs come from one request, and the next page waits"
    );
    songs.push(
        stream
            .try_next()
            .await
            .expect("a song")
            .expect("not the end"),
    );
    assert_eq!(
        sent(&limits_and_cursors(&server).await),
        [None, Some(SongPager::cursor(10))],
        "the 11th song fetched the second page"
    );
    assert_eq!(ids(&songs)[10], "T000000010");
    drop(stream);
    barrier().await;
    assert_eq!(
        sent(&limits_and_cursors(&server).await).len(),
        2,
        "nothing after the stream is dropped"
    );
}

#[tokio::test]
async fn max_pages_bounds_the_pages_fetched() {
    let server = song_server(1_000).await;
    let pages: Vec<_> = client(&server)
        .library_songs()
        .max_pages(3)
        .pages()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(request_count(&server).await, 3);
}

#[tokio::test]
async fn stops_on_a_repeated_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(0)], Some("A"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .and(query_param("cursor", "A"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], Some("B"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .and(query_param("cursor", "B"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(2)], Some("A"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let results: Vec<_> = client(&server).library_songs().entities().collect().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let songs: Vec<Entity> = results[..3]
        .iter()
        .map(|result| result.as_ref().expect("a song").clone())
        .collect();
    assert_eq!(ids(&songs), ["T000000000", "T000000001", "T000000002"]);
    match &results[3] {
        Err(Error::PaginationLoop { token, .. }) => assert_eq!(token, "A"),
        other => panic!("expected a pagination loop, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn a_token_equal_to_the_starting_cursor_is_a_loop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "start"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(single_group_page(vec![track(0)], Some("start"))),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let results: Vec<_> = client(&server)
        .library_songs()
        .cursor("start")
        .pages()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::PaginationLoop { .. })));
}

#[tokio::test]
async fn an_empty_last_page_ends_the_stream_cleanly() {
    for token in [json!(null), json!("")] {
        let server = MockServer::start().await;
        let mut page = single_group_page(vec![], None);
        page["data"]["content"]["entityGroups"][0]["content"]["nextPageToken"] = token;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .expect(1)
            .mount(&server)
            .await;
        let songs: Vec<Entity> = client(&server)
            .library_songs()
            .entities()
            .try_collect()
            .await
            .expect("no songs, no error");
        assert!(songs.is_empty());
        server.verify().await;
    }
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_and_ends_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(single_group_page(vec![track(0)], Some("next"))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("cursor", "next"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(support::error_body(404, "NOT_FOUND", "gone")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).library_songs().entities().collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::Api(error)) if error.status == 404));
    server.verify().await;
}

#[tokio::test]
async fn group_views_page_with_the_views_token_and_group_views_with_the_groups() {
    let server = MockServer::start().await;
    let home = |next: Option<&str>, group: &str| {
        json!({"data": {"_type": "View", "id": "home", "images": [], "content": {
            "_type": "ViewContent", "nextPageToken": next, "entityGroups": [{
                "_type": "EntityGroup", "id": group, "title": group, "viewType": "LIST",
                "content": {"_type": "EntityGroupContent", "nextPageToken": "group-token", "entities": [track(1)]}}]}}})
    };
    Mock::given(path("/v1/views/home"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(home(Some("view-token"), "g1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/views/home"))
        .and(query_param("cursor", "view-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(home(None, "g2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/views/home/g1"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(home(None, "g1")))
        .expect(1)
        .mount(&server)
        .await;
    let mut last = home(None, "g1");
    last["data"]["content"]["entityGroups"][0]["content"]["nextPageToken"] = json!(null);
    Mock::given(path("/v1/views/home/g1"))
        .and(query_param("cursor", "group-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(last))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let client = client(&server);
    let groups: Vec<String> = client
        .home()
        .pages()
        .map_ok(|view| view.content.entity_groups[0].id.clone())
        .try_collect()
        .await
        .expect("two pages of groups");
    assert_eq!(groups, ["g1", "g2"]);
    let entities: Vec<Entity> = client
        .home_group("g1")
        .entities()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(entities.len(), 2);
    server.verify().await;
}

#[tokio::test]
async fn out_of_bounds_limits_fail_before_anything_is_sent() {
    let server = song_server(10).await;
    let client = client(&server);
    for result in [
        client.home().limit(0).send().await,
        client.home().limit(11).send().await,
        client.library_artists().limit(11).send().await,
        client.library_songs().limit(0).send().await,
        client.artist("..").send().await,
        client.album("").send().await,
        client.library_songs().cursor("").send().await,
    ] {
        assert!(
            matches!(result, Err(Error::InvalidRequest { .. })),
            "{result:?}"
        );
    }
    let first: Vec<_> = client.home().limit(0).pages().collect().await;
    assert!(matches!(
        first.as_slice(),
        [Err(Error::InvalidRequest { .. })]
    ));
    assert_eq!(request_count(&server).await, 0);
    client
        .library_songs()
        .limit(500)
        .send()
        .await
        .expect("no maximum on library songs");
}

/// A home view of two groups: `g1` holding track 1, with more behind the cursor `c1`, and `g2`
/// holding track 3, with nothing more.
fn home_of_two_groups() -> serde_json::Value {
    let mut page = single_group_page(vec![track(1)], Some("c1"));
    let groups = &mut page["data"]["content"]["entityGroups"];
    groups[0]["id"] = json!("g1");
    let mut second = groups[0].clone();
    second["id"] = json!("g2");
    second["content"]["entities"] = json!([track(3)]);
    second["content"]["nextPageToken"] = json!(null);
    groups.as_array_mut().expect("the groups").push(second);
    page
}

/// Serves the home view of [`home_of_two_groups`], and `g1`'s page behind `c1` as `group_page`.
async fn home_server(group_page: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/home"))
        .respond_with(ResponseTemplate::new(200).set_body_json(home_of_two_groups()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/home/g1"))
        .and(query_param("cursor", "c1"))
        .respond_with(group_page)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    server
}

#[tokio::test]
async fn entities_by_group_pages_a_group_on_with_the_requests_limit_and_locale() {
    let next = ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(2)], None));
    let server = home_server(next).await;
    let mut entities: Vec<(String, String)> = client(&server)
        .home()
        .limit(5)
        .locale("de-de")
        .entities_by_group()
        .map_ok(|(group, entity)| (group.id.clone(), entity.id().unwrap_or("?").to_owned()))
        .try_collect()
        .await
        .expect("every group's entities");
    entities.sort();
    let expected =
        [("g1", 1), ("g1", 2), ("g2", 3)].map(|(group, n)| (group.to_owned(), format!("T{n:09}")));
    assert_eq!(entities, expected);
    let requests = server.received_requests().await.expect("recorded requests");
    assert_eq!(requests.len(), 2);
    let group_page = &requests[1];
    assert_eq!(group_page.url.path(), "/v1/views/home/g1");
    assert_eq!(support::query(group_page, "limit").as_deref(), Some("5"));
    assert_eq!(
        group_page
            .headers
            .get("accept-language")
            .map(|value| value.as_bytes()),
        Some(&b"de-de"[..])
    );
}

#[tokio::test]
async fn a_group_that_fails_ends_with_an_error_naming_it_while_the_others_go_on() {
    let failure =
        ResponseTemplate::new(404).set_body_json(support::error_body(404, "NOT_FOUND", "gone"));
    let server = home_server(failure).await;
    let items: Vec<_> = client(&server).home().entities_by_group().collect().await;
    let mut entities = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok((group, entity)) => {
                entities.push((group.id.clone(), entity.id().unwrap_or("?").to_owned()))
            }
            Err(error) => errors.push(error),
        }
    }
    entities.sort();
    let expected = [("g1", 1), ("g2", 3)].map(|(group, n)| (group.to_owned(), format!("T{n:09}")));
    assert_eq!(entities, expected);
    let [error] = &errors[..] else {
        panic!("one error: {errors:?}")
    };
    assert!(
        matches!(error, Error::Group { group, .. } if group == "g1"),
        "{error:?}"
    );
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.code(), Some("NOT_FOUND"));
    assert!(!error.is_retryable());
}

/// A playlist view of two groups, `tracks` holding `tracks` (with the `next` token) and
/// `similar` holding a playlist, in that order or, with `similar_first`, the other.
fn playlist_page(tracks: Vec<Value>, next: Option<&str>, similar_first: bool) -> Value {
    let mut page = single_group_page(tracks, next);
    let groups = &mut page["data"]["content"]["entityGroups"];
    groups[0]["id"] = json!("tracks");
    let mut similar = groups[0].clone();
    similar["id"] = json!("similar");
    similar["content"]["entities"] = json!([{"_type": "Video", "id": "not-a-track"}]);
    similar["content"]["nextPageToken"] = json!(null);
    let groups = groups.as_array_mut().expect("the groups");
    if similar_first {
        groups.insert(0, similar);
    } else {
        groups.push(similar);
    }
    page
}

#[tokio::test]
async fn a_playlists_entities_follow_its_first_group_by_id_when_the_groups_reorder() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/playlists/P1"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_json(playlist_page(
            vec![track(1)],
            Some("c1"),
            false,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/playlists/P1"))
        .and(query_param("cursor", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(playlist_page(
            vec![track(2)],
            None,
            true,
        )))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let entities: Vec<Entity> = client(&server)
        .playlist("P1")
        .entities()
        .try_collect()
        .await
        .expect("the playlist's tracks");
    assert_eq!(ids(&entities), ["T000000001", "T000000002"]);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_client_set_to_encode_cursors_sends_each_token_encoded_once_more() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("cursor"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(single_group_page(vec![track(1)], Some("0%3A97ac"))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(2)], None)),
        )
        .mount(&server)
        .await;
    let songs: Vec<Entity> = support::builder(&server.uri())
        .cursor_encoding(amazon_music::CursorEncoding::Encoded)
        .build()
        .expect("a client")
        .library_songs()
        .entities()
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(ids(&songs), ["T000000001", "T000000002"]);
    let requests = server.received_requests().await.expect("recorded requests");
    assert_eq!(
        support::cursors(&requests),
        [None, Some("0%253A97ac".to_owned())]
    );
}

#[tokio::test]
async fn a_search_returns_every_view_of_the_response_in_order() {
    let view = |id: &str| {
        let mut page = single_group_page(vec![track(id.len())], None);
        page["data"]["id"] = json!(id);
        page["data"].take()
    };
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/search"))
        .and(query_param("query", "weekend"))
        .and(query_param("limit", "3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [view("top-hits"), view("tracks")]})),
        )
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let views = client(&server)
        .search("weekend")
        .limit(3)
        .send()
        .await
        .expect("the search's views");
    let ids: Vec<&str> = views.iter().map(|view| view.id.as_str()).collect();
    assert_eq!(ids, ["top-hits", "tracks"]);
}
