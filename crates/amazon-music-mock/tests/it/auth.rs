//! Credentials on every view: the API key, the bearer token and its lifetime.

use std::time::Duration;

use amazon_music::Error;
use amazon_music_mock::{MockServer, Operation};

use crate::support::{error_of, http, path_of, sdk, server};

/// A GET of `path` with exactly the headers given.
async fn get_with(server: &MockServer, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = http().get(format!("{}{path}", server.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("a response")
}

#[tokio::test]
async fn every_view_refuses_a_missing_or_wrong_api_key_with_403() {
    let server = server().await;
    let bearer = format!("Bearer {}", server.credentials().access_token());
    for operation in Operation::ALL {
        let path = path_of(operation);
        for headers in [
            vec![("authorization", bearer.as_str())],
            vec![("x-api-key", "wrong"), ("authorization", bearer.as_str())],
        ] {
            let response = get_with(&server, &path, &headers).await;
            assert_eq!(
                error_of(response, 403, &path).await,
                "INVALID_API_KEY",
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn every_view_refuses_a_missing_malformed_or_unknown_bearer_with_401() {
    let server = server().await;
    let key = server.credentials().api_key();
    for operation in Operation::ALL {
        let path = path_of(operation);
        for (authorization, code) in [
            (None, "INVALID_AUTH_TOKEN"),
            (Some("Bearer"), "INVALID_AUTH_TOKEN"),
            (Some("Bearer "), "INVALID_AUTH_TOKEN"),
            (Some("Bearer Atza|never-issued"), "INVALID_AUTH_TOKEN"),
            (Some("Basic dXNlcjpwYXNz"), "INVALID_AUTH_TYPE"),
        ] {
            let mut headers = vec![("x-api-key", key)];
            headers.extend(authorization.map(|value| ("authorization", value)));
            let response = get_with(&server, &path, &headers).await;
            assert_eq!(
                error_of(response, 401, &path).await,
                code,
                "{path} {authorization:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_token_past_its_lifetime_by_the_servers_clock_is_refused_as_expired() {
    // A frozen clock: only `advance_clock` moves it, so the expiry is exact to the second.
    let server = MockServer::builder()
        .token_lifetime(Duration::from_secs(60))
        .frozen_clock(true)
        .start()
        .await
        .expect("a server");
    let client = sdk(&server);
    client.home().send().await.expect("a fresh token works");
    server.advance_clock(Duration::from_secs(59));
    client
        .home()
        .send()
        .await
        .expect("a token works to its last second");
    server.advance_clock(Duration::from_secs(1));
    let response = crate::support::get(&server, "/v1/views/home", &[], &[]).await;
    assert_eq!(
        error_of(response, 401, "home").await,
        "INVALID_ACCESS_TOKEN"
    );
    match client.home().send().await {
        Err(Error::Unauthorized(error)) => {
            assert_eq!(
                (error.status, error.code.as_deref()),
                (401, Some("INVALID_ACCESS_TOKEN"))
            );
        }
        other => panic!("expected an expired token, got {other:?}"),
    }
}

#[tokio::test]
async fn the_token_endpoints_and_the_admin_endpoint_need_no_api_key() {
    let server = server().await;
    let response = http()
        .post(server.token_url())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 400, "an OAuth refusal, not a 403");
    let response = http()
        .delete(format!("{}/__mock/faults", server.url()))
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 204);
}
