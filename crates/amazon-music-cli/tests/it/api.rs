//! `amzn-music api`: any operation by its operationId, the same output as the named commands.

use amazon_music::{models::Operation, models::ViewResponse};
use amazon_music_mock::MockServer;

use crate::support::run;

/// Named commands and the `api` calls that mean the same, one per operation.
const SAME_AS: &[(&[&str], &[&str])] = &[
    (
        &["home", "--limit", "2"],
        &["api", "getHomeView", "limit=2"],
    ),
    (
        &[
            "home",
            "--group",
            "mp3-subscription-gateway_mp3YourHeaviestListeningStrategy",
        ],
        &[
            "api",
            "getHomeGroup",
            "groupId=mp3-subscription-gateway_mp3YourHeaviestListeningStrategy",
        ],
    ),
    (&["podcasts"], &["api", "getPodcastsView"]),
    (
        &[
            "podcasts",
            "--group",
            "PodcastsYouFollowStrategy-2b0a291c-5e3d-4a46-8bac-26cc70db46a9%23EDITORIAL%23PODCASTS",
        ],
        &[
            "api",
            "getPodcastsGroup",
            "groupId=PodcastsYouFollowStrategy-2b0a291c-5e3d-4a46-8bac-26cc70db46a9%23EDITORIAL%23PODCASTS",
        ],
    ),
    (&["library"], &["api", "getLibraryView"]),
    (
        &["library", "--group", "podcast-shows"],
        &["api", "getLibraryGroup", "groupId=podcast-shows"],
    ),
    (&["library", "albums"], &["api", "getLibraryAlbumsView"]),
    (&["library", "artists"], &["api", "getLibraryArtistsView"]),
    (
        &["--limit", "3", "library", "songs"],
        &["api", "getLibrarySongsView", "limit=3"],
    ),
    (
        &["library", "playlists"],
        &["api", "getLibraryPlaylistsView"],
    ),
    (&["library", "podcasts"], &["api", "getLibraryPodcastsView"]),
    (&["recent"], &["api", "getRecentlyPlayedView"]),
    (
        &["artist", "B000QJJOSO"],
        &["api", "getArtistView", "id=B000QJJOSO"],
    ),
    (
        &["search", "beck", "--limit", "2"],
        &["api", "getSearchView", "query=beck", "limit=2"],
    ),
    (
        &["album", "B0CKMM9LJF"],
        &["api", "getAlbumView", "id=B0CKMM9LJF"],
    ),
    (
        &["playlist", "B00J9PVXBM"],
        &["api", "getPlaylistView", "id=B00J9PVXBM"],
    ),
    (
        &["show", "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0"],
        &[
            "api",
            "getPodcastShowView",
            "id=d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0",
        ],
    ),
];

/// Drops the hints that name a command (`more: amzn-music home --group ...`, `next page:
/// amzn-music ...`): `api` prints no group hints, since the group's own operation is another
/// call, and its page hints name the `api` call.
fn without_command_hints(stdout: &str) -> String {
    stdout
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("more: amzn-music") && !line.starts_with("next page: amzn-music")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_prints_what_the_named_command_prints_in_both_formats() {
    let server = MockServer::start().await.expect("a mock server");
    for (named, api) in SAME_AS {
        for json in [false, true] {
            let with_format = |args: &[&'static str]| -> Vec<&'static str> {
                json.then_some("--json")
                    .into_iter()
                    .chain(args.iter().copied())
                    .collect()
            };
            let expected = run(&server, &with_format(named));
            let actual = run(&server, &with_format(api));
            assert_eq!(expected.code, 0, "{named:?}: {}", expected.stderr);
            assert_eq!(actual.code, 0, "{api:?}: {}", actual.stderr);
            assert!(!actual.stdout.is_empty(), "{api:?}");
            assert_eq!(
                without_command_hints(&actual.stdout),
                without_command_hints(&expected.stdout),
                "{api:?} (json: {json})"
            );
        }
    }
    let covered: Vec<&str> = SAME_AS.iter().map(|(_, api)| api[1]).collect();
    for operation in Operation::ALL {
        assert!(covered.contains(&operation.operation_id()), "{operation}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_follows_every_page_with_all() {
    let server = MockServer::start().await.expect("a mock server");
    let named = run(
        &server,
        &["--json", "--all", "--limit", "40", "library", "songs"],
    );
    let api = run(
        &server,
        &["--json", "--all", "api", "getLibrarySongsView", "limit=40"],
    );
    assert_eq!(api.code, 0, "{}", api.stderr);
    assert!(api.stdout.lines().count() > 1, "more than one page");
    assert_eq!(api.stdout, named.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_list_names_every_operation_with_its_path_and_parameters() {
    let server = MockServer::start().await.expect("a mock server");
    let list = run(&server, &["api", "--list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    for operation in Operation::ALL {
        let spec = operation.spec();
        let line = list
            .stdout
            .lines()
            .position(|line| line.starts_with(&format!("{} ", spec.operation_id)))
            .unwrap_or_else(|| panic!("{operation} is listed"));
        let lines: Vec<&str> = list.stdout.lines().collect();
        assert!(
            lines[line].ends_with(&format!("GET {}", spec.path)),
            "{}",
            lines[line]
        );
        for parameter in spec.path_parameters {
            assert!(
                lines[line + 1].contains(&format!("{parameter}=...")),
                "{}",
                lines[line + 1]
            );
        }
        assert_eq!(
            lines[line + 1].contains("[limit="),
            spec.query_parameter("limit").is_some()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_usage_errors_exit_2_and_say_what_is_valid() {
    let server = MockServer::start().await.expect("a mock server");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["api", "getNothing"],
            &[
                "no operation is called \"getNothing\"",
                "getHomeView",
                "getRecentlyPlayedView",
            ],
        ),
        (
            &["api", "getPlaylistView"],
            &["getPlaylistView needs id=...", "[limit=1..]"],
        ),
        (
            &["api", "getPlaylistView", "id=B00J9PVXBM", "groupId=x"],
            &["takes no parameter \"groupId\"", "id=..."],
        ),
        (
            &["api", "getAlbumView", "id=B0CKMM9LJF", "limit=3"],
            &["takes no parameter \"limit\""],
        ),
        (
            &["api", "getHomeView", "limit=ten"],
            &["limit must be a whole number"],
        ),
        (
            &["--limit", "2", "api", "getHomeView", "limit=3"],
            &["limit is given twice"],
        ),
        (
            &["api", "getHomeView", "limit"],
            &["\"limit\" is not NAME=VALUE"],
        ),
        (
            &["api", "getHomeView", "limit=11"],
            &["api getHomeView: limit must be 1..10, not 11"],
        ),
    ];
    for (args, expected) in cases {
        let failed = run(&server, args);
        assert_eq!(failed.code, 2, "{args:?}: {}", failed.stderr);
        assert_eq!(failed.stdout, "", "{args:?}");
        for text in *expected {
            assert!(
                failed.stderr.contains(text),
                "{args:?}: {:?} lacks {text:?}",
                failed.stderr
            );
        }
    }
    assert_eq!(server.requests().len(), 0, "no usage error sends a request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_sends_a_cursor_as_received_as_cursor_does() {
    let server = MockServer::start().await.expect("a mock server");
    let first = run(&server, &["--json", "--limit", "5", "library", "songs"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let page: ViewResponse = serde_json::from_str(&first.stdout).expect("a view");
    let cursor = page.data.content.entity_groups[0]
        .content
        .next_page_token
        .clone()
        .expect("a second page");
    assert!(
        cursor.contains('%'),
        "the mock's tokens hold escapes: {cursor}"
    );
    let named = run(
        &server,
        &[
            "--json", "--limit", "5", "--cursor", &cursor, "library", "songs",
        ],
    );
    let api = run(
        &server,
        &[
            "--json",
            "api",
            "getLibrarySongsView",
            "limit=5",
            &format!("cursor={cursor}"),
        ],
    );
    assert_eq!(
        (named.code, api.code),
        (0, 0),
        "{}{}",
        named.stderr,
        api.stderr
    );
    assert_eq!(api.stdout, named.stdout);
    assert_ne!(api.stdout, first.stdout, "the second page");
}
