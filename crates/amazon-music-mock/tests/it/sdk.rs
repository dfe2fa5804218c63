//! The `amazon-music` SDK against the mock: every view, page after page.

use std::collections::HashSet;

use amazon_music::{CursorEncoding, Entity, models::CursorGroups};
use amazon_music_mock::{CursorStyle, MockServer, Operation};
use futures_util::TryStreamExt;

use crate::support::{fast_retries, sdk, server, server_of};

#[tokio::test]
async fn the_whole_library_of_a_2000_song_mock_streams_in_order() {
    let server = server_of(2000).await;
    let songs: Vec<Entity> = sdk(&server)
        .library_songs()
        .limit(100)
        .entities()
        .try_collect()
        .await
        .expect("every song");
    assert_eq!(songs.len(), 2000);
    let ids: Vec<&str> = songs.iter().filter_map(Entity::id).collect();
    assert_eq!(
        ids[..3],
        ["B01BO5275A", "B07CKC4G58", "B08D9T7MZK"],
        "the example's songs first"
    );
    assert_eq!(
        (ids[3], ids[1999]),
        ("B0MS000000", "B0MS0001JG"),
        "then the generated ones, in order"
    );
    assert!(
        ids[3..].windows(2).all(|pair| pair[0] < pair[1]),
        "generated IDs ascend"
    );
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 2000);
    assert!(songs.iter().all(|song| matches!(song, Entity::Track(_))));
    let pages = server.requests().len();
    assert_eq!(pages, 20, "one request per page of 100");
}

#[tokio::test]
async fn every_entity_view_pages_to_its_end_through_the_sdk() {
    let server = server_of(40).await;
    let client = sdk(&server);
    let requests = [
        (
            Operation::HomeGroup,
            client.home_group("mp3-subscription-gateway_mp3NewReleasesStrategy"),
        ),
        (
            Operation::PodcastsGroup,
            client.podcasts_group(
                "TopShowsStrategy-7e41c9a8-03b2-4d6f-a1e5-9f8c2d6b4a10%23EDITORIAL%23PODCASTS",
            ),
        ),
        (
            Operation::LibraryGroup,
            client.library_group("podcast-shows"),
        ),
        (Operation::Playlist, client.playlist("B0MP000001")),
        (
            Operation::PodcastShow,
            client.podcast_show("44e24353-f327-49c0-ae75-2d807da67137"),
        ),
        (Operation::LibraryAlbums, client.library_albums()),
        (Operation::LibraryArtists, client.library_artists()),
        (Operation::LibrarySongs, client.library_songs()),
        (Operation::LibraryPlaylists, client.library_playlists()),
        (Operation::LibraryPodcasts, client.library_podcasts()),
        (Operation::RecentlyPlayed, client.recently_played()),
    ];
    for (operation, request) in requests {
        let pages: Vec<_> = request
            .clone()
            .limit(3)
            .pages()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{operation}: {error}"));
        assert!(pages.len() > 1, "{operation}: {} page(s)", pages.len());
        let entities: Vec<Entity> = request
            .limit(4)
            .entities()
            .try_collect()
            .await
            .expect("entities");
        let ids: HashSet<&str> = entities.iter().filter_map(Entity::id).collect();
        assert_eq!(ids.len(), entities.len(), "{operation}: no entity twice");
        // The groups the cursor pages: all, or the first (a playlist's tracks, not its similar
        // playlists, which come again with every page).
        let paged = match operation.paged_groups() {
            CursorGroups::First => 1,
            _ => usize::MAX,
        };
        let per_page: usize = pages
            .iter()
            .flat_map(|page| page.content.entity_groups.iter().take(paged))
            .map(|group| group.content.entities.len())
            .sum();
        assert_eq!(
            per_page,
            entities.len(),
            "{operation}: the same entities at any limit"
        );
    }
}

#[tokio::test]
async fn every_group_view_pages_through_its_groups_through_the_sdk() {
    let server = server().await;
    let client = sdk(&server);
    let requests = [
        (Operation::Home, client.home(), 9),
        (Operation::Podcasts, client.podcasts(), 5),
        (Operation::Library, client.library(), 5),
        (Operation::Artist, client.artist("B0MR000002"), 12),
    ];
    for (operation, request, groups) in requests {
        let pages: Vec<_> = request
            .limit(2)
            .pages()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{operation}: {error}"));
        let ids: Vec<&str> = pages
            .iter()
            .flat_map(|page| &page.content.entity_groups)
            .map(|group| group.id.as_str())
            .collect();
        assert_eq!(ids.len(), groups, "{operation}: {ids:?}");
        assert_eq!(
            ids.iter().collect::<HashSet<_>>().len(),
            groups,
            "{operation}: no group twice"
        );
        assert!(pages.len() > 1, "{operation}");
    }
}

#[tokio::test]
async fn a_group_token_from_the_home_view_continues_in_the_sdks_group_view() {
    let server = server().await;
    let client = sdk(&server);
    let home = client.home().limit(5).send().await.expect("the home view");
    let group = &home.content.entity_groups[0];
    let token = group
        .content
        .next_page_token
        .clone()
        .expect("more in the group");
    let rest: Vec<Entity> = client
        .home_group(&group.id)
        .cursor(token)
        .limit(5)
        .entities()
        .try_collect()
        .await
        .expect("the rest");
    let all: Vec<Entity> = client
        .home_group(&group.id)
        .limit(5)
        .entities()
        .try_collect()
        .await
        .expect("all");
    assert_eq!(group.content.entities[..], all[..5]);
    assert_eq!(rest[..], all[5..]);
}

#[tokio::test]
async fn the_sdk_fetches_no_page_past_max_items() {
    let server = server().await;
    let songs: Vec<Entity> = sdk(&server)
        .library_songs()
        .max_items(15)
        .entities()
        .try_collect()
        .await
        .expect("songs");
    assert_eq!(songs.len(), 15);
    assert_eq!(server.requests().len(), 2, "two pages of ten, and no third");
}

#[tokio::test]
async fn the_album_view_is_one_page_through_the_sdk() {
    let server = server().await;
    let client = sdk(&server);
    let album = client.album("B0CKMM9LJF").send().await.expect("the album");
    assert_eq!(album.content.entity_groups[0].content.entities.len(), 4);
    let generated = client
        .album("B0MA000003")
        .send()
        .await
        .expect("a generated album");
    let Some(Entity::Album(entity)) = &generated.entity else {
        panic!("an album entity")
    };
    let tracks = &generated.content.entity_groups[0].content.entities;
    assert_eq!(Some(tracks.len() as i64), entity.track_count);
    for track in tracks {
        let Entity::Track(track) = track else {
            panic!("a track")
        };
        assert_eq!(
            track.play_params.container_id.as_deref(),
            Some(entity.play_params.id.as_str())
        );
    }
    let error = client
        .album("B000NOSUCH")
        .send()
        .await
        .expect_err("no such album");
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.code(), Some("NOT_FOUND"));
    assert!(error.is_not_found());
}

#[tokio::test]
async fn a_playlists_and_a_shows_entities_are_their_tracks_and_episodes_only() {
    let server = server().await;
    let client = sdk(&server);
    for (request, main, related) in [
        (client.playlist("B0MP000001"), "songs", "similar-playlists"),
        (
            client.podcast_show("44e24353-f327-49c0-ae75-2d807da67137"),
            "episodes",
            "similar-shows",
        ),
    ] {
        let pages: Vec<_> = request
            .clone()
            .limit(3)
            .pages()
            .try_collect()
            .await
            .expect("pages");
        assert!(pages.len() > 1, "{main}: {} page(s)", pages.len());
        let mut expected = Vec::new();
        for page in &pages {
            let groups = &page.content.entity_groups;
            assert_eq!(groups.len(), 2, "{main}: both groups on every page");
            assert_eq!(groups[0].id, main);
            assert_eq!(groups[1].id, related);
            assert!(
                groups[1].content.next_page_token.is_some(),
                "{related} has a token of its own"
            );
            expected.extend(groups[0].content.entities.iter().filter_map(Entity::id));
        }
        let entities: Vec<Entity> = request
            .limit(3)
            .entities()
            .try_collect()
            .await
            .expect("entities");
        let ids: Vec<&str> = entities.iter().filter_map(Entity::id).collect();
        assert_eq!(
            ids, expected,
            "{main}: the main group's entities, in order, once each"
        );
    }
}

#[tokio::test]
async fn every_operation_of_the_table_answers_the_sdk_for_the_specs_example_arguments() {
    let server = server().await;
    let client = sdk(&server);
    for operation in Operation::ALL {
        let arguments = amazon_music_test_support::path_arguments(operation);
        let views = amazon_music_test_support::send(&client, operation, arguments.clone())
            .await
            .unwrap_or_else(|error| panic!("{operation} {arguments:?}: {error}"));
        assert!(
            views
                .iter()
                .all(|view| !view.content.entity_groups.is_empty()),
            "{operation}: no group"
        );
    }
    let operations: Vec<Option<Operation>> = server
        .requests()
        .into_iter()
        .map(|request| request.operation)
        .collect();
    assert_eq!(
        operations,
        Operation::ALL.into_iter().map(Some).collect::<Vec<_>>(),
        "one request each, routed to its own operation"
    );
}

/// `builder` (async or blocking) set for `server`, writing cursors as `encoding` says.
fn sdk_writing<C>(
    builder: amazon_music::ClientBuilder<C>,
    server: &MockServer,
    encoding: CursorEncoding,
) -> amazon_music::ClientBuilder<C> {
    builder
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(fast_retries())
        .cursor_encoding(encoding)
}

/// A mock of 45 songs whose tokens are written in `style`, and an async client for it that
/// writes cursors as `encoding` says.
async fn styled(
    style: CursorStyle,
    encoding: CursorEncoding,
) -> (MockServer, amazon_music::Client) {
    let server = MockServer::builder()
        .library_size(45)
        .cursor_style(style)
        .start()
        .await
        .expect("a mock server");
    let client = sdk_writing(amazon_music::Client::builder(), &server, encoding)
        .build()
        .expect("a client");
    (server, client)
}

#[tokio::test]
async fn each_cursor_encoding_pages_to_the_end_against_the_server_that_expects_it() {
    for (style, encoding) in [
        (CursorStyle::PreEncoded, CursorEncoding::Verbatim),
        (CursorStyle::Raw, CursorEncoding::Encoded),
    ] {
        let (server, client) = styled(style, encoding).await;
        let songs: Vec<Entity> = client
            .library_songs()
            .limit(10)
            .entities()
            .try_collect()
            .await
            .unwrap_or_else(|error| panic!("{style:?} with {encoding:?}: {error}"));
        let ids: HashSet<&str> = songs.iter().filter_map(Entity::id).collect();
        assert_eq!((songs.len(), ids.len()), (45, 45), "{style:?} {encoding:?}");
        let blocking = sdk_writing(amazon_music::blocking::Client::builder(), &server, encoding)
            .build()
            .expect("a blocking client");
        let entities = tokio::task::spawn_blocking(move || {
            blocking
                .library_songs()
                .limit(10)
                .entities()
                .collect::<amazon_music::Result<Vec<_>>>()
        })
        .await
        .expect("the blocking thread")
        .unwrap_or_else(|error| panic!("blocking, {style:?} with {encoding:?}: {error}"));
        assert_eq!(entities, songs, "the blocking client pages alike");
    }
}

#[tokio::test]
async fn a_cursor_encoding_the_server_does_not_expect_fails_on_the_second_page() {
    for (style, encoding) in [
        (CursorStyle::PreEncoded, CursorEncoding::Encoded),
        (CursorStyle::Raw, CursorEncoding::Verbatim),
    ] {
        let (_server, client) = styled(style, encoding).await;
        let error = client
            .library_songs()
            .limit(10)
            .entities()
            .try_collect::<Vec<_>>()
            .await
            .expect_err("the second page is refused");
        assert_eq!(error.status(), Some(400), "{style:?} {encoding:?}: {error}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Whatever tokens the mock issues (every list, page size and library size), paging to the
    /// end through the SDK with tokens sent as received yields each entity once, in the order
    /// one big page holds them.
    #[test]
    fn paging_any_list_to_its_end_yields_every_entity_once(
        songs in 12_usize..150,
        limit in 1_u32..=10,
        list in 0_usize..5,
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let server = server_of(songs).await;
            let client = sdk(&server);
            let request = |limit: u32| match list {
                0 => client.library_songs().limit(limit),
                1 => client.library_albums().limit(limit),
                2 => client.library_artists().limit(limit),
                3 => client.library_playlists().limit(limit),
                _ => client.library_group("songs").limit(limit),
            };
            let paged: Vec<Entity> = request(limit)
                .entities()
                .try_collect()
                .await
                .expect("every page");
            let ids: Vec<&str> = paged.iter().filter_map(Entity::id).collect();
            let unique: HashSet<&str> = ids.iter().copied().collect();
            proptest::prop_assert_eq!(unique.len(), ids.len(), "an entity came twice");
            if list == 0 {
                proptest::prop_assert_eq!(ids.len(), songs);
            }
            let mut whole = Vec::new();
            let mut pages = std::pin::pin!(request(10).pages());
            while let Some(page) = pages.try_next().await.expect("a page") {
                whole.extend(page.content.entity_groups.into_iter().flat_map(|group| group.content.entities));
            }
            proptest::prop_assert_eq!(paged, whole);
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn any_request_is_the_request_of_each_operations_paging_and_answers() {
    let server = server().await;
    let client = sdk(&server);
    for operation in Operation::ALL {
        let arguments = amazon_music_test_support::path_arguments(operation);
        let mut request = client
            .any_request(operation, arguments)
            .unwrap_or_else(|error| panic!("{operation}: {error}"));
        let paging = match &request {
            amazon_music::AnyRequest::Groups(_) => amazon_music::models::PagingStyle::Groups,
            amazon_music::AnyRequest::Entities(_) => amazon_music::models::PagingStyle::Entities,
            amazon_music::AnyRequest::Single(_) | amazon_music::AnyRequest::Views(_) => {
                amazon_music::models::PagingStyle::None
            }
        };
        assert_eq!(paging, operation.paging(), "{operation}");
        assert_eq!(
            matches!(request, amazon_music::AnyRequest::Views(_)),
            operation.response_shape() == amazon_music::models::ResponseShape::Views,
            "{operation}"
        );
        assert_eq!(request.operation(), operation);
        for parameter in operation.spec().query_parameters {
            if parameter.required {
                let example = amazon_music_test_support::parameter_example(
                    operation.operation_id(),
                    parameter.name,
                );
                request = request.query_parameter(parameter.name, example);
            }
        }
        let views = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{operation}: {error}"));
        assert!(
            !views.is_empty() && views.iter().all(|view| !view.id.is_empty()),
            "{operation}"
        );
    }
    let refused = client.any_request(Operation::Artist, Vec::<String>::new());
    assert!(matches!(
        refused,
        Err(amazon_music::Error::InvalidRequest { .. })
    ));
}

#[tokio::test]
async fn the_blocking_request_has_every_setter_and_stream_of_the_async_one() {
    let server = server().await;
    let client = sdk(&server);
    let grouped: Vec<(String, Option<String>)> = client
        .home()
        .limit(2)
        .locale("de-de")
        .image_style("SL160")
        .concurrency(2)
        .entities_by_group()
        .map_ok(|(group, entity)| (group.id.clone(), entity.id().map(str::to_owned)))
        .try_collect()
        .await
        .expect("every group's entities");
    let songs: Vec<Entity> = client
        .library_songs()
        .limit(7)
        .max_pages(3)
        .max_items(17)
        .entities()
        .try_collect()
        .await
        .expect("17 songs");
    let blocking = sdk_writing(
        amazon_music::blocking::Client::builder(),
        &server,
        CursorEncoding::Verbatim,
    )
    .build()
    .expect("a blocking client");
    let (blocking_grouped, blocking_songs) = tokio::task::spawn_blocking(move || {
        let mut grouped: Vec<(String, Option<String>)> = blocking
            .home()
            .limit(2)
            .locale("de-de")
            .image_style("SL160")
            .concurrency(2)
            .entities_by_group()
            .map(|item| {
                item.map(|(group, entity)| (group.id.clone(), entity.id().map(str::to_owned)))
            })
            .collect::<amazon_music::Result<_>>()
            .expect("every group's entities");
        grouped.sort();
        let songs = blocking
            .library_songs()
            .limit(7)
            .max_pages(3)
            .max_items(17)
            .entities()
            .collect::<amazon_music::Result<Vec<_>>>()
            .expect("17 songs");
        (grouped, songs)
    })
    .await
    .expect("the blocking thread");
    let mut grouped = grouped;
    grouped.sort();
    assert_eq!(
        blocking_grouped, grouped,
        "groups interleave, so compare them sorted"
    );
    assert_eq!(songs.len(), 17);
    assert_eq!(blocking_songs, songs);
}
