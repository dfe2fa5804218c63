//! Every operation over plain HTTP: what it answers, checked against the spec.

use amazon_music_mock::Operation;
use amazon_music_models::{Entity, ViewResponse};

use crate::support::{error, get, next_cursor, path_of, server, view};

/// Locale and image style pairs to fetch every view with.
const VARIANTS: [&[(&str, &str)]; 4] = [
    &[],
    &[("accept-language", "de-de"), ("amzn-image-style", "SL160")],
    &[("accept-language", "es_mx"), ("amzn-image-style", "SL30")],
    &[("accept-language", "ja-jp"), ("amzn-image-style", "SL500")],
];

#[tokio::test]
async fn every_operation_answers_pages_that_decode_and_match_the_spec() {
    let server = server().await;
    for operation in Operation::ALL {
        let path = path_of(operation);
        for headers in VARIANTS {
            let mut cursor: Option<String> = None;
            for _page in 0..3 {
                let mut query = vec![("limit", "2")];
                if let Some(cursor) = &cursor {
                    query.push(("cursor", cursor.as_str()));
                }
                let page = view(&server, &path, &query, headers).await;
                cursor = next_cursor(operation, &page);
                if cursor.is_none() {
                    break;
                }
            }
        }
    }
}

#[tokio::test]
async fn generated_entities_have_details_views_that_match_the_spec() {
    let server = server().await;
    let library = view(&server, "/v1/views/library", &[("limit", "10")], &[]).await;
    let entities = library
        .data
        .content
        .entity_groups
        .iter()
        .flat_map(|group| &group.content.entities);
    let mut seen = 0;
    for entity in entities {
        let path = match entity {
            Entity::Album(album) => format!("/v1/views/albums/{}", album.id),
            Entity::Artist(artist) => format!("/v1/views/artists/{}", artist.id),
            Entity::Playlist(playlist) => format!("/v1/views/playlists/{}", playlist.id),
            _ => continue,
        };
        view(&server, &path, &[], &[]).await;
        seen += 1;
    }
    assert!(seen > 5, "{seen}");
    let show = view(&server, "/v1/views/library/podcasts", &[], &[]).await;
    let show_id = show.data.content.entity_groups[1].content.entities[0]
        .id()
        .expect("a show ID")
        .to_owned();
    let episodes = view(
        &server,
        &format!("/v1/views/podcasts/shows/{show_id}"),
        &[],
        &[],
    )
    .await;
    assert_eq!(
        episodes.data.content.entity_groups[0]
            .content
            .entities
            .len(),
        10
    );
}

/// The spec's example `name`, through the models.
fn example(name: &str) -> ViewResponse {
    serde_json::from_value(amazon_music_test_support::example(name)).expect("a view")
}

#[tokio::test]
async fn the_example_ids_serve_the_spec_examples() {
    let server = server().await;
    let album = view(&server, "/v1/views/albums/B0CKMM9LJF", &[], &[]).await;
    assert_eq!(album, example("Album"));
    let artist = view(&server, "/v1/views/artists/B000QJJOSO", &[], &[]).await;
    assert_eq!(artist, example("Artist"));
    let playlist = view(&server, "/v1/views/playlists/B00J9PVXBM", &[], &[]).await;
    assert_eq!(playlist, example("Playlist"));
    let mut show = example("PodcastShow");
    // The example's token points past its five episodes: the mock has no more.
    show.data.content.entity_groups[0].content.next_page_token = None;
    assert_eq!(
        view(
            &server,
            "/v1/views/podcasts/shows/d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0",
            &[],
            &[]
        )
        .await,
        show
    );
}

#[tokio::test]
async fn lists_start_with_the_examples_entities() {
    let server = server().await;
    let ids = |view: &ViewResponse, group: usize| -> Vec<String> {
        view.data.content.entity_groups[group]
            .content
            .entities
            .iter()
            .filter_map(|entity| entity.id().map(str::to_owned))
            .collect()
    };
    for (path, example_name, group) in [
        ("/v1/views/library/songs", "LibrarySongs", 0),
        ("/v1/views/library/albums", "LibraryAlbums", 0),
        ("/v1/views/library/artists", "LibraryArtists", 0),
        ("/v1/views/library/playlists", "LibraryPlaylists", 0),
        ("/v1/views/library/podcasts", "LibraryPodcasts", 0),
        ("/v1/views/library/podcasts", "LibraryPodcasts", 1),
        ("/v1/views/recent", "RecentlyPlayed", 0),
        ("/v1/views/home", "Home", 0),
        ("/v1/views/podcasts", "Podcasts", 1),
    ] {
        let served = view(&server, path, &[], &[]).await;
        let expected = ids(&example(example_name), group);
        assert_eq!(
            ids(&served, group)[..expected.len()],
            expected[..],
            "{path}"
        );
    }
    let library = view(&server, "/v1/views/library", &[], &[]).await;
    assert_eq!(library.data.entity, example("Library").data.entity);
}

#[tokio::test]
async fn unknown_ids_answer_404_with_the_v1_error_body() {
    let server = server().await;
    for path in [
        "/v1/views/artists/B000NOSUCH",
        "/v1/views/albums/B000NOSUCH",
        "/v1/views/playlists/B000NOSUCH",
        "/v1/views/podcasts/shows/00000000-0000-0000-0000-000000000000",
        "/v1/views/home/no-such-group",
        "/v1/views/podcasts/no-such-group",
        "/v1/views/library/no-such-group",
    ] {
        assert_eq!(
            error(&server, path, &[], &[], 404).await,
            "NOT_FOUND",
            "{path}"
        );
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_with_the_v1_error_body() {
    let server = server().await;
    let response = get(&server, "/v2/nothing", &[], &[]).await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("GET /v2/nothing"),
        "{body}"
    );
    let response = crate::support::http()
        .post(format!("{}/v1/views/home", server.url()))
        .send()
        .await
        .expect("a response");
    assert_eq!(
        crate::support::error_of(response, 405, "POST home").await,
        "METHOD_NOT_ALLOWED"
    );
}

#[tokio::test]
async fn the_album_view_ignores_cursor_and_limit() {
    let server = server().await;
    let plain = view(&server, "/v1/views/albums/B0CKMM9LJF", &[], &[]).await;
    let with_query = view(
        &server,
        "/v1/views/albums/B0CKMM9LJF",
        &[("limit", "0"), ("cursor", "junk")],
        &[],
    )
    .await;
    assert_eq!(plain, with_query);
}

#[tokio::test]
async fn two_servers_of_one_size_serve_the_same_bytes() {
    let (first, second) = (
        crate::support::server().await,
        crate::support::server().await,
    );
    for path in [
        "/v1/views/home",
        "/v1/views/podcasts",
        "/v1/views/library/songs",
        "/v1/views/recent",
        "/v1/views/artists/B07VPCLT49",
        "/v1/views/artists/B0MR000005",
        "/v1/views/albums/B0C9S4LW2Z",
        "/v1/views/playlists/B07M7FZKWQ",
        "/v1/views/podcasts/shows/da4a9e28-3481-4a3e-b97e-b1afba0e7da5",
    ] {
        let body = |server| async move {
            get(server, path, &[], &[])
                .await
                .text()
                .await
                .expect("a body")
        };
        assert_eq!(body(&first).await, body(&second).await, "{path}");
    }
}
