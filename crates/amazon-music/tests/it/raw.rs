//! `send_raw` and `pages_raw`: the response as received, through the same send path.

use amazon_music::{Error, models::View};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    SongPager, client, error_body, mount_catch_all, request_count, single_group_page, track,
};

/// A page of one track whose body carries a field and an entity field no model knows.
fn page_with_unknown_fields() -> String {
    let mut page = single_group_page(vec![track(1)], None);
    page["data"]["futureField"] = json!({"nested": [1, 2.50, "x"]});
    page["data"]["content"]["entityGroups"][0]["content"]["entities"][0]["lyricsUrl"] =
        json!("https://lyrics/1");
    // Whitespace and key order as a server might send them, which a re-encoding would change.
    serde_json::to_string_pretty(&page).expect("JSON")
}

#[tokio::test]
async fn send_raw_returns_the_body_byte_for_byte_with_the_fields_models_drop() {
    let server = MockServer::start().await;
    let body = page_with_unknown_fields();
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amzn-requestid", "req-42")
                .set_body_raw(body.clone(), "application/json"),
        )
        .expect(3)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client(&server);

    let raw = client.library_songs().send_raw().await.expect("a response");
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.headers()["x-amzn-requestid"], "req-42");
    assert_eq!(raw.body(), body.as_bytes());
    let value: Value = serde_json::from_slice(raw.body()).expect("JSON");
    assert_eq!(value["data"]["futureField"]["nested"][1], json!(2.5));

    let view = client.library_songs().send().await.expect("a view");
    let reencoded = serde_json::to_value(&view).expect("JSON");
    assert_eq!(reencoded.get("futureField"), None, "the models drop it");

    let raw = client.library_songs().send_raw().await.expect("a response");
    let shown = format!("{raw:?}");
    assert!(shown.contains("status: 200"), "{shown}");
    assert!(
        shown.contains(&format!("body_len: {}", body.len())),
        "{shown}"
    );
    assert!(
        !shown.contains("futureField"),
        "Debug leaves the body out: {shown}"
    );
    assert_eq!(raw.into_body(), body.into_bytes(), "the body, taken whole");
}

#[tokio::test]
async fn send_raw_returns_a_success_the_models_cannot_decode() {
    let server = MockServer::start().await;
    let body = r#"{"data": {"shape": "new"}}"#;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client(&server);

    let raw = client.library_songs().send_raw().await.expect("a response");
    assert_eq!(raw.body(), body.as_bytes());
    let error = client.library_songs().send().await.expect_err("no view");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn send_raw_retries_and_maps_errors_like_send() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body(
            503,
            "UNAVAILABLE",
            "later",
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(single_group_page(vec![], None)))
        .mount(&server)
        .await;
    crate::support::mount_missing_album(&server).await;
    mount_catch_all(&server).await;
    let client = client(&server);

    let raw = client
        .library_songs()
        .send_raw()
        .await
        .expect("the retry succeeds");
    assert_eq!(raw.status(), 200);
    assert_eq!(request_count(&server).await, 2);

    let error = client.album("B404").send_raw().await.expect_err("a 404");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.code.as_deref()), (404, Some("NOT_FOUND")));
}

#[tokio::test]
async fn pages_raw_follows_the_cursors_and_yields_each_body_as_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(SongPager { total: 25 })
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let client = client(&server);

    let raw: Vec<_> = client
        .library_songs()
        .pages_raw()
        .try_collect()
        .await
        .expect("pages");
    let views: Vec<View> = client
        .library_songs()
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(raw.len(), 3);
    for (raw, view) in raw.iter().zip(&views) {
        let decoded: amazon_music::models::ViewResponse =
            serde_json::from_slice(raw.body()).expect("a view");
        assert_eq!(&decoded.data, view);
    }
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(
        crate::support::cursors(&requests[..3]),
        [
            None,
            Some(SongPager::cursor(10)),
            Some(SongPager::cursor(20))
        ]
    );
}

#[tokio::test]
async fn pages_raw_ends_with_a_decode_error_after_a_body_without_a_cursor_to_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"data\": 1}", "application/json"))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let mut pages = client(&server).library_songs().pages_raw();
    let first = pages.try_next().await.expect("the page").expect("one");
    assert_eq!(first.body(), b"{\"data\": 1}");
    let error = pages.try_next().await.expect_err("cannot page on");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(pages.try_next().await.expect("ended").is_none());
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn send_raw_of_an_error_status_with_a_page_that_is_not_json_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw("<html>no such page</html>", "text/html"),
        )
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let error = client(&server)
        .library_songs()
        .send_raw()
        .await
        .expect_err("a 404 is an error whatever its body");
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.code.as_deref()), (404, None));
    assert_eq!(request_count(&server).await, 1);
}
