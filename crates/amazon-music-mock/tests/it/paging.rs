//! `cursor` and `limit` over plain HTTP: bounds, tokens, and which token leads where.

use amazon_music_mock::{CursorStyle, MockServer, Operation};

use crate::support::{error, get, path_of, server, view};

#[tokio::test]
async fn limits_out_of_bounds_answer_400_bad_request() {
    let server = server().await;
    for operation in Operation::ALL
        .into_iter()
        .filter(|operation| *operation != Operation::Album)
    {
        let path = path_of(operation);
        let mut bad = vec!["0", "-3", "ten", "2.5", "", "99999999999"];
        if operation.max_limit().is_some() {
            bad.push("11");
        } else {
            view(&server, &path, &[("limit", "11")], &[]).await;
        }
        for limit in bad {
            let code = error(&server, &path, &[("limit", limit)], &[], 400).await;
            assert_eq!(code, "BAD_REQUEST", "{operation} limit={limit:?}");
        }
        view(&server, &path, &[("limit", "10")], &[]).await;
    }
}

#[tokio::test]
async fn cursors_that_are_not_this_views_tokens_answer_400_bad_request() {
    let server = server().await;
    let songs = view(&server, "/v1/views/library/songs", &[], &[]).await;
    let songs_token = songs.data.content.entity_groups[0]
        .content
        .next_page_token
        .clone()
        .expect("a second page");
    for (path, cursor) in [
        ("/v1/views/library/songs", "garbage"),
        ("/v1/views/library/songs", "%2F+/"),
        ("/v1/views/library/albums", songs_token.as_str()),
        ("/v1/views/recent", songs_token.as_str()),
        ("/v1/views/home", songs_token.as_str()),
    ] {
        assert_eq!(
            error(&server, path, &[("cursor", cursor)], &[], 400).await,
            "BAD_REQUEST",
            "{path}"
        );
    }
    let response = get(
        &server,
        "/v1/views/library/songs",
        &[("cursor", &songs_token.replace('%', "%25"))],
        &[],
    )
    .await;
    let body = response.text().await.expect("a body");
    assert!(body.contains("percent-encoded twice"), "{body}");
}

#[tokio::test]
async fn tokens_hold_escapes_as_the_references_do_and_lead_to_the_next_page_sent_as_received() {
    let server = server().await;
    let first = view(&server, "/v1/views/library/songs", &[("limit", "4")], &[]).await;
    let token = first.data.content.entity_groups[0]
        .content
        .next_page_token
        .clone()
        .expect("a second page");
    assert!(token.contains("%3A"), "{token}");
    assert!(
        token
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"%-".contains(&byte)),
        "{token} holds only what a URL carries"
    );
    let second = view(
        &server,
        "/v1/views/library/songs",
        &[("limit", "4"), ("cursor", &token)],
        &[],
    )
    .await;
    let both = view(&server, "/v1/views/library/songs", &[("limit", "8")], &[]).await;
    let ids = |page: &amazon_music_models::ViewResponse| -> Vec<String> {
        page.data.content.entity_groups[0]
            .content
            .entities
            .iter()
            .filter_map(|entity| entity.id().map(str::to_owned))
            .collect()
    };
    assert_eq!([ids(&first), ids(&second)].concat(), ids(&both));
}

#[tokio::test]
async fn views_that_page_groups_bound_each_groups_entities_by_limit() {
    let server = server().await;
    for path in ["/v1/views/home", "/v1/views/podcasts", "/v1/views/library"] {
        let page = view(&server, path, &[("limit", "3")], &[]).await;
        let groups = &page.data.content.entity_groups;
        assert_eq!(groups.len(), 3, "{path}");
        for group in groups {
            assert!(group.content.entities.len() <= 3, "{path} {}", group.id);
        }
        let next = page
            .data
            .content
            .next_page_token
            .clone()
            .expect("more groups");
        let second = view(&server, path, &[("limit", "3"), ("cursor", &next)], &[]).await;
        assert!(!second.data.content.entity_groups.is_empty());
        assert_ne!(second.data.content.entity_groups[0].id, groups[0].id);
    }
}

#[tokio::test]
async fn group_tokens_of_home_and_podcasts_continue_in_their_group_views() {
    let server = server().await;
    for (view_path, prefix) in [
        ("/v1/views/home", "/v1/views/home/"),
        ("/v1/views/podcasts", "/v1/views/podcasts/"),
    ] {
        let page = view(&server, view_path, &[("limit", "2")], &[]).await;
        let mut checked = 0;
        for group in &page.data.content.entity_groups {
            let Some(token) = &group.content.next_page_token else {
                continue;
            };
            checked += 1;
            // The group ID goes in the path percent-encoded, `%23` and all.
            let path = format!("{prefix}{}", group.id.replace('%', "%25"));
            let next = view(&server, &path, &[("limit", "2"), ("cursor", token)], &[]).await;
            let from_start = view(&server, &path, &[("limit", "4")], &[]).await;
            assert_eq!(
                next.data.content.entity_groups[0].content.entities[..],
                from_start.data.content.entity_groups[0].content.entities[2..],
                "{path}"
            );
        }
        assert!(
            checked >= 2,
            "{view_path}: only {checked} group(s) had a token to follow"
        );
    }
}

#[tokio::test]
async fn library_group_tokens_continue_in_the_library_view_of_the_same_name() {
    let server = server().await;
    let library = view(&server, "/v1/views/library", &[("limit", "2")], &[]).await;
    let next = library
        .data
        .content
        .next_page_token
        .clone()
        .expect("more groups");
    let rest = view(
        &server,
        "/v1/views/library",
        &[("limit", "2"), ("cursor", &next)],
        &[],
    )
    .await;
    let groups = library
        .data
        .content
        .entity_groups
        .iter()
        .chain(&rest.data.content.entity_groups);
    let mut checked = 0;
    for group in groups {
        let token = group
            .content
            .next_page_token
            .as_deref()
            .expect("every library group pages");
        let page = view(
            &server,
            &format!("/v1/views/library/{}", group.id),
            &[("limit", "2"), ("cursor", token)],
            &[],
        )
        .await;
        let entities = &page.data.content.entity_groups[0].content.entities;
        assert_eq!(entities.len(), 2, "{}", group.id);
        assert!(
            !group.content.entities.contains(&entities[0]),
            "{}",
            group.id
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[tokio::test]
async fn the_library_podcasts_view_pages_both_groups_with_the_first_groups_token() {
    let server = server().await;
    let mut cursor: Option<String> = None;
    let (mut episodes, mut shows, mut pages) = (0, 0, 0);
    loop {
        let mut query = vec![("limit", "5")];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor));
        }
        let page = view(&server, "/v1/views/library/podcasts", &query, &[]).await;
        let groups = &page.data.content.entity_groups;
        assert_eq!(groups.len(), 2);
        assert_eq!(
            groups[1].content.next_page_token, None,
            "only the first group carries the token"
        );
        episodes += groups[0].content.entities.len();
        shows += groups[1].content.entities.len();
        pages += 1;
        cursor = groups[0].content.next_page_token.clone();
        if cursor.is_none() {
            break;
        }
    }
    assert!(
        pages > 2 && episodes > 10 && shows > 10,
        "{pages} {episodes} {shows}"
    );
}

#[tokio::test]
async fn the_artist_views_limit_counts_groups() {
    let server = server().await;
    let example = view(
        &server,
        "/v1/views/artists/B000QJJOSO",
        &[("limit", "2")],
        &[],
    )
    .await;
    assert_eq!(example.data.content.entity_groups.len(), 2);
    let next = example
        .data
        .content
        .next_page_token
        .clone()
        .expect("a third group");
    let rest = view(
        &server,
        "/v1/views/artists/B000QJJOSO",
        &[("cursor", &next)],
        &[],
    )
    .await;
    assert_eq!(rest.data.content.entity_groups.len(), 1);
    assert_eq!(rest.data.content.next_page_token, None);

    let generated = view(&server, "/v1/views/artists/B0MR000001", &[], &[]).await;
    assert_eq!(generated.data.content.entity_groups.len(), 10);
    assert!(
        generated.data.content.next_page_token.is_some(),
        "generated artists have more than ten groups"
    );
}

#[tokio::test]
async fn a_raw_style_server_takes_its_tokens_percent_encoded_once_more_and_refuses_them_as_received()
 {
    let server = MockServer::builder()
        .cursor_style(CursorStyle::Raw)
        .start()
        .await
        .expect("a mock server");
    let first = view(&server, "/v1/views/library/songs", &[("limit", "4")], &[]).await;
    let token = first.data.content.entity_groups[0]
        .content
        .next_page_token
        .clone()
        .expect("a second page");
    for character in ['%', '+', '/', '='] {
        assert!(token.contains(character), "{token}");
    }
    let encoded: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    view(
        &server,
        "/v1/views/library/songs",
        &[("limit", "4"), ("cursor", &encoded)],
        &[],
    )
    .await;
    error(
        &server,
        "/v1/views/library/songs",
        &[("limit", "4"), ("cursor", &token)],
        &[],
        400,
    )
    .await;
}
