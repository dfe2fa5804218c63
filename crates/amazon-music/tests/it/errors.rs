use amazon_music::{Entity, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, error_body, mount_catch_all, single_group_page, track};

async fn serving(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    server
}

#[tokio::test]
async fn a_malformed_entity_is_kept_and_the_rest_of_the_page_decodes() {
    let mut page = single_group_page((0..5).map(track).collect(), None);
    page["data"]["content"]["entityGroups"][0]["content"]["entities"][3]["id"] = json!(42);
    let server = serving(200, page.clone()).await;
    let view = client(&server)
        .library_songs()
        .send()
        .await
        .expect("one odd entity does not fail the page");
    let entities = &view.content.entity_groups[0].content.entities;
    assert_eq!(entities.len(), 5);
    for (index, entity) in entities.iter().enumerate() {
        if index == 3 {
            let Entity::Malformed(odd) = entity else {
                panic!("kept as malformed: {entity:?}");
            };
            assert_eq!(odd.type_name(), "Track");
            assert!(odd.error().contains("expected a string"), "{}", odd.error());
            assert_eq!(
                serde_json::to_value(entity).expect("serializes"),
                page["data"]["content"]["entityGroups"][0]["content"]["entities"][3]
            );
        } else {
            assert!(matches!(entity, Entity::Track(_)), "{entity:?}");
        }
    }
}

#[tokio::test]
async fn a_malformed_view_is_a_decode_error_at_its_json_path_showing_the_text_there() {
    // A hundred songs first, so that the failure is far from the start of the body.
    let mut page = single_group_page((0..100).map(track).collect(), None);
    page["data"]["content"]["entityGroups"][0]["content"]["entities"][1]["id"] = json!(7);
    // Last in its group, after the songs (however the map orders keys).
    let group = page["data"]["content"]["entityGroups"][0]
        .as_object_mut()
        .expect("a group");
    group.remove("viewType");
    group.insert("viewType".to_owned(), json!(42));
    let body = serde_json::to_string(&page).expect("JSON");
    let at = body.find("\"viewType\":42").expect("the bad field");
    assert!(
        at > 2 * Error::SNIPPET_LEN,
        "the failure is deep in the body"
    );
    let server = serving(200, page).await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("a bad viewType");
    match &error {
        Error::Decode {
            path,
            message,
            snippet,
            ..
        } => {
            assert_eq!(path, "data.content.entityGroups[0].viewType");
            assert!(message.contains("expected a string"), "{message}");
            assert!(snippet.contains("\"viewType\":42"), "{snippet}");
            assert!(snippet.chars().count() <= Error::SNIPPET_LEN);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("entityGroups[0].viewType"),
        "{error}"
    );
}

#[tokio::test]
async fn a_decode_error_says_how_to_capture_the_exchange_in_its_message_and_at_debug() {
    // As in `redaction.rs`: a second live dispatcher, so that no other test thread caches the
    // SDK's callsites as off.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = amazon_music_test_support::Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = serving(200, json!({"data": 1})).await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("no view");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.ends_with(Error::CAPTURE_HINT), "{message}");
    for said in [
        "`amzn-music --record FILE.har ...`",
        "`amzn-music drift FILE.har`",
    ] {
        assert!(message.contains(said), "{message}");
    }
    let logs = captured.text();
    let line = logs
        .lines()
        .find(|line| line.contains("the response could not be decoded"))
        .unwrap_or_else(|| panic!("no debug line for the decode error:\n{logs}"));
    assert!(
        line.contains("DEBUG") && line.contains(Error::CAPTURE_HINT) && line.contains("path=data"),
        "{line}"
    );
}

#[tokio::test]
async fn an_api_error_carries_status_code_message_and_reference() {
    let server = serving(404, error_body(404, "NOT_FOUND", "No such album.")).await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("not found");
    match &error {
        Error::Api(api) => {
            assert_eq!(api.status, 404);
            assert_eq!(api.code.as_deref(), Some("NOT_FOUND"));
            assert_eq!(api.message.as_deref(), Some("No such album."));
            assert_eq!(api.reference.as_deref(), Some("ref-1"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "HTTP 404 NOT_FOUND: No such album. (reference ref-1)"
    );
}

#[tokio::test]
async fn an_api_error_keeps_the_bodys_url_and_payload_and_the_request_id() {
    let server = MockServer::start().await;
    let body = json!({"error": {
        "status": "422", "code": "UNPROCESSABLE", "message": "Bad limit.",
        "url": "/v1/views/library/songs", "reference": "ref-9",
        "payload": {"parameter": "limit", "maximum": 500}
    }});
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(body)
                .insert_header("x-amzn-RequestId", "req-77f"),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("422");
    let api = error.api_error().expect("an API error");
    assert_eq!(api.url.as_deref(), Some("/v1/views/library/songs"));
    assert_eq!(api.reference.as_deref(), Some("ref-9"));
    assert_eq!(api.request_id.as_deref(), Some("req-77f"));
    let payload = api.payload.as_ref().expect("a payload");
    assert_eq!(payload["parameter"], "limit");
    assert_eq!(payload["maximum"], 500);
    assert!(
        error
            .to_string()
            .contains("(reference ref-9, request req-77f)"),
        "{error}"
    );
}

#[tokio::test]
async fn forbidden_is_not_a_bad_api_key() {
    for code in ["AUTH_NO_MUSIC_ACCOUNT_FOUND", "FORBIDDEN_IN_TERRITORY"] {
        let server = serving(403, error_body(403, code, "No account.")).await;
        let error = client(&server)
            .library_songs()
            .send()
            .await
            .expect_err("forbidden");
        assert!(
            matches!(&error, Error::Forbidden(api) if api.status == 403 && api.code.as_deref() == Some(code)),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(text.contains(code), "{text}");
        assert!(!text.contains("API key"), "{text}");
        assert!(!error.is_retryable());
        assert_eq!(
            error.code(),
            Some(code),
            "the code without matching the variant"
        );
        assert!(!error.is_not_found());
    }
    // A 403 that says the API key is bad is the credentials' fault.
    let server = serving(
        403,
        error_body(403, "INVALID_API_KEY", "The API key is not valid."),
    )
    .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("a bad key");
    assert!(
        matches!(&error, Error::Unauthorized(api) if api.status == 403),
        "{error:?}"
    );
    assert!(error.to_string().contains("check the API key"), "{error}");
}

#[test]
fn errors_are_send_sync_and_static() {
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    fn assert_bounds<T: Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_bounds::<amazon_music::ApiError>();
    // Small enough for `Result<T, Error>` to move cheaply (clippy's `result_large_err`).
    assert!(
        std::mem::size_of::<Error>() <= 128,
        "{}",
        std::mem::size_of::<Error>()
    );
}

#[tokio::test]
async fn an_unknown_entity_type_does_not_fail_the_page() {
    let mut page = single_group_page(
        vec![
            track(0),
            json!({"_type": "Video", "id": "v1", "length": 12}),
            track(1),
        ],
        None,
    );
    page["data"]["content"]["entityGroups"][0]["viewType"] = json!("CAROUSEL");
    let server = serving(200, page).await;
    let view = client(&server)
        .library_songs()
        .send()
        .await
        .expect("a page");
    let entities = &view.content.entity_groups[0].content.entities;
    assert_eq!(entities.len(), 3);
    assert_eq!(entities[1].type_name(), "Video");
    assert_eq!(view.content.entity_groups[0].view_type, "CAROUSEL");
}

#[tokio::test]
async fn requests_carry_the_user_agent_and_a_callers_http_client_is_used() {
    use amazon_music::http::DEFAULT_USER_AGENT;
    use wiremock::matchers::header;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("user-agent", DEFAULT_USER_AGENT))
        .and(header("x-from-my-client", "yes"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    assert!(DEFAULT_USER_AGENT.starts_with("amazon-music-rs/"));

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-from-my-client",
        reqwest::header::HeaderValue::from_static("yes"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    let client = crate::support::builder(&server.uri())
        .http_client(http)
        .build()
        .expect("a client");
    client.library_songs().send().await.expect("a page");
    server.verify().await;
}

#[tokio::test]
async fn an_error_status_is_an_error_even_when_its_body_is_a_page() {
    let server = serving(404, single_group_page(vec![track(1)], None)).await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("a 404, whatever its body");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn an_error_body_that_is_not_the_apis_becomes_the_message_cut_to_the_snippet_length() {
    let page = format!(
        "<html><body>Request blocked by the gateway. {}</body></html>",
        "Details follow. ".repeat(30)
    );
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string(page.clone()))
        .mount(&server)
        .await;
    let error = client(&server)
        .library_songs()
        .send()
        .await
        .expect_err("a 404");
    let Error::Api(api) = &error else {
        panic!("an API error: {error:?}");
    };
    let expected: String = page.chars().take(Error::SNIPPET_LEN).collect();
    assert_eq!(api.message.as_deref(), Some(expected.as_str()));
    assert!(page.len() > Error::SNIPPET_LEN, "the page is cut");
}

#[tokio::test]
async fn a_page_over_two_mebibytes_is_read_under_the_default_limit() {
    let page = single_group_page((0..8_000).map(track).collect(), None);
    let size = page.to_string().len();
    assert!(size > 2 * 1024 * 1024, "the page is {size} bytes");
    let server = serving(200, page).await;
    let view = client(&server)
        .library_songs()
        .send()
        .await
        .expect("well under the default 16 MiB");
    assert_eq!(view.content.entity_groups[0].content.entities.len(), 8_000);
}
