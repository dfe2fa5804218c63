//! Redirects: the credentials never leave the base URL's origin. The SDK's client follows a
//! redirect only within the origin (scheme, host and port) of the base URL; the token
//! endpoints' client follows none. Another origin is played by a server on another loopback
//! address (`127.0.0.2`, which Linux routes to loopback) or another port.

use amazon_music::Error;
use amazon_music::auth::{LwaTokenSource, TokenSource};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{ACCESS_TOKEN, API_KEY, builder, single_group_page, track};

/// A server on `127.0.0.2`: another host than the API's `127.0.0.1`.
async fn other_host() -> MockServer {
    let listener = std::net::TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is loopback");
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(9)], None)),
        )
        .mount(&server)
        .await;
    server
}

/// Every request `server` received, as `(path, x-api-key, authorization)`.
async fn received(server: &MockServer) -> Vec<(String, Option<String>, Option<String>)> {
    let header = |request: &wiremock::Request, name: &str| {
        request
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|request| {
            (
                request.url.path().to_owned(),
                header(request, "x-api-key"),
                header(request, "authorization"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_redirect_to_another_host_or_port_is_not_followed_and_no_credential_leaves() {
    let elsewhere = other_host().await;
    let other_port = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(9)], None)),
        )
        .mount(&other_port)
        .await;
    for target in [&elsewhere, &other_port] {
        for status in [301, 302, 303, 307, 308] {
            let api = MockServer::start().await;
            let location = format!("{}/v1/views/library/songs", target.uri());
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(status).insert_header("location", &*location))
                .mount(&api)
                .await;
            let error = builder(&api.uri())
                .build()
                .expect("a client")
                .library_songs()
                .send()
                .await
                .expect_err("the redirect is not followed");
            let Error::Api(api_error) = &error else {
                panic!("{status}: {error:?}");
            };
            assert_eq!(api_error.status, status);
            assert!(error.to_string().contains("not followed"), "{error}");
            assert!(error.to_string().contains(&location), "{error}");
            assert!(!error.is_retryable());
            assert_eq!(received(&api).await.len(), 1, "no retry of a redirect");
        }
        assert_eq!(
            received(target).await,
            [],
            "nothing reached {}",
            target.uri()
        );
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_both_credentials() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/moved/songs"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/moved/songs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .mount(&api)
        .await;
    let view = builder(&api.uri())
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect("followed");
    assert_eq!(view.content.entity_groups[0].content.entities.len(), 1);
    let bearer = format!("Bearer {ACCESS_TOKEN}");
    assert_eq!(
        received(&api).await,
        [
            (
                "/v1/views/library/songs".to_owned(),
                Some(API_KEY.to_owned()),
                Some(bearer.clone())
            ),
            (
                "/moved/songs".to_owned(),
                Some(API_KEY.to_owned()),
                Some(bearer)
            ),
        ]
    );
}

#[tokio::test]
async fn a_chain_that_leaves_the_origin_half_way_stops_there() {
    let elsewhere = other_host().await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/views/library/songs"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/hop"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/hop"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&api)
        .await;
    let error = builder(&api.uri())
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect_err("stopped");
    assert_eq!(error.status(), Some(302), "{error:?}");
    assert_eq!(received(&elsewhere).await, []);
}

#[tokio::test]
async fn the_token_endpoint_follows_no_redirect_so_no_secret_leaves() {
    let elsewhere = other_host().await;
    let lwa = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/auth/o2/token", elsewhere.uri()).as_str(),
        ))
        .mount(&lwa)
        .await;
    let source = LwaTokenSource::builder()
        .client_id("amzn1.application-oa2-client.test")
        .client_secret("client-secret-never-elsewhere")
        .refresh_token("Atzr|refresh-never-elsewhere")
        .token_url(format!("{}/auth/o2/token", lwa.uri()))
        .build()
        .expect("a token source");
    let error = source.token().await.expect_err("not followed");
    assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    assert_eq!(received(&elsewhere).await, []);
}
