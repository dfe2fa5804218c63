//! The search through the SDK against the mock: the views, the flattened `(group, entity)`
//! pairs in order, the blocking client alike, and bad input refused before anything is sent.

use amazon_music::{Entity, Error};
use futures_util::TryStreamExt;

use crate::support::{error, error_of, fast_retries, http, sdk, server, url_with_query, view};

/// `(group ID, entity ID)` pairs.
type Pairs = Vec<(String, String)>;

#[tokio::test]
async fn search_answers_the_catalog_view_top_hits_first() {
    let server = server().await;
    let client = sdk(&server);
    let views = client.search("Beck").limit(2).send().await.expect("views");
    let [catalog] = &views[..] else {
        panic!("one view: {views:?}");
    };
    assert_eq!(
        (catalog.id.as_str(), catalog.title.as_deref()),
        ("catalog", Some("Catalog Data"))
    );
    let groups: Vec<(&str, Vec<&str>)> = catalog
        .content
        .entity_groups
        .iter()
        .map(|group| {
            let ids = group.content.entities.iter().filter_map(Entity::id);
            (group.id.as_str(), ids.collect())
        })
        .collect();
    // Beck's exact title first, then Jeff Beck's (a substring); each group at most 2.
    assert_eq!(
        groups,
        [
            ("topHits", vec!["B000APS6A0", "B000AQ0FXS"]),
            ("artists", vec!["B000APS6A0", "B000AQ0FXS"]),
            ("albums", vec!["B000002TQV"]),
        ]
    );
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/search");
    let query = request.query.as_deref().unwrap_or_default();
    let mut pairs: Vec<&str> = query.split('&').collect();
    pairs.sort_unstable();
    assert_eq!(pairs, ["limit=2", "query=Beck"]);
}

#[tokio::test]
async fn entities_by_group_flattens_the_groups_in_order_async_and_blocking() {
    let server = server().await;
    let client = sdk(&server);
    let pairs: Pairs = client
        .search("beck")
        .entities_by_group()
        .map_ok(|(group, entity)| (group.id.clone(), entity.id().unwrap_or_default().to_owned()))
        .try_collect()
        .await
        .expect("pairs");
    let expected: Pairs = [
        ("topHits", "B000APS6A0"),
        ("topHits", "B000AQ0FXS"),
        ("topHits", "B000002TQV"),
        ("artists", "B000APS6A0"),
        ("artists", "B000AQ0FXS"),
        ("albums", "B000002TQV"),
    ]
    .map(|(group, id)| (group.to_owned(), id.to_owned()))
    .into();
    assert_eq!(pairs, expected);
    let blocking = amazon_music::blocking::Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(fast_retries())
        .build()
        .expect("a blocking client");
    let (blocking_pairs, blocking_views) = tokio::task::spawn_blocking(move || {
        let pairs: Pairs = blocking
            .search("beck")
            .entities_by_group()
            .map(|item| {
                item.map(|(group, entity)| {
                    (group.id.clone(), entity.id().unwrap_or_default().to_owned())
                })
            })
            .collect::<amazon_music::Result<_>>()
            .expect("pairs");
        let views = blocking.search("beck").limit(1).send().expect("views");
        (pairs, views)
    })
    .await
    .expect("the blocking thread");
    assert_eq!(blocking_pairs, pairs);
    assert_eq!(
        blocking_views,
        client.search("beck").limit(1).send().await.expect("views")
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = server().await;
    let client = sdk(&server);
    let empty = client.search("").send().await;
    assert!(
        matches!(&empty, Err(Error::InvalidRequest { message, .. })
            if message == "getSearchView: query must be at least 1 character(s) long"),
        "{empty:?}"
    );
    let zero = client.search("beck").limit(0).send().await;
    assert!(
        matches!(&zero, Err(Error::InvalidRequest { message, .. }) if message.contains("limit must be at least 1")),
        "{zero:?}"
    );
    let flat: amazon_music::Result<Vec<_>> =
        client.search("").entities_by_group().try_collect().await;
    assert!(
        matches!(flat, Err(Error::InvalidRequest { .. })),
        "{flat:?}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn the_mock_answers_an_empty_query_400_and_no_match_the_view_with_no_groups() {
    let server = server().await;
    let code = error(&server, "/v1/search", &[("query", "")], &[], 400).await;
    assert_eq!(code, "BAD_REQUEST");
    // Without the query at all (`get` would add the spec's example).
    let response = http()
        .get(url_with_query(
            server.url(),
            "/v1/search",
            &[("limit", "3")],
        ))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token())
        .send()
        .await
        .expect("a response");
    let code = error_of(response, 400, "no query").await;
    assert_eq!(code, "BAD_REQUEST");
    let nothing = view(&server, "/v1/search", &[("query", "zzqqxx-nothing")], &[]).await;
    assert_eq!(nothing.data.id, "catalog");
    assert!(nothing.data.content.entity_groups.is_empty());
}
