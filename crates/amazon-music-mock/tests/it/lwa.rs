//! The token endpoints: LWA's grants over plain HTTP, and the SDK's auth against them.

use std::time::Duration;

use amazon_music::Client;
use amazon_music::auth::DeviceLogin;
use amazon_music::auth::PkceLogin;
use amazon_music::auth::{LwaTokenSource, TokenSource, scopes};
use amazon_music_mock::MockServer;
use serde_json::Value;

use crate::support::{fast_retries, http, server};

/// POSTs `form` to `url`; the status and the JSON body.
async fn post(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = http()
        .post(url)
        .form(form)
        .send()
        .await
        .expect("a response");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

fn refresh_form(server: &MockServer) -> Vec<(&'static str, String)> {
    let credentials = server.credentials();
    vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", credentials.refresh_token().to_owned()),
        ("client_id", credentials.client_id().to_owned()),
        ("client_secret", credentials.client_secret().to_owned()),
    ]
}

fn borrowed<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

#[tokio::test]
async fn the_refresh_grant_issues_short_lived_tokens_that_the_views_accept() {
    let server = MockServer::builder()
        .token_lifetime(Duration::from_secs(120))
        .start()
        .await
        .expect("a server");
    let (status, body) = post(&server.token_url(), &borrowed(&refresh_form(&server))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 120);
    assert_eq!(body["refresh_token"], server.credentials().refresh_token());
    let token = body["access_token"].as_str().expect("an access token");
    assert!(token.starts_with("Atza|mock-"), "{token}");
    let response = http()
        .get(format!("{}/v1/views/recent", server.url()))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(token)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    server.advance_clock(Duration::from_secs(121));
    let response = http()
        .get(format!("{}/v1/views/recent", server.url()))
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(token)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_refresh_grant_refuses_as_lwa_does() {
    let server = server().await;
    let good = refresh_form(&server);
    let with = |name: &str, value: &str| -> Vec<(&'static str, String)> {
        good.iter()
            .map(|(key, old)| {
                (
                    *key,
                    if *key == name {
                        value.to_owned()
                    } else {
                        old.clone()
                    },
                )
            })
            .collect()
    };
    let without = |name: &str| -> Vec<(&'static str, String)> {
        good.iter()
            .filter(|(key, _)| *key != name)
            .cloned()
            .collect()
    };
    for (form, status, error) in [
        (with("client_secret", "wrong"), 401, "invalid_client"),
        (
            with("client_id", "amzn1.application-oa2-client.other"),
            401,
            "invalid_client",
        ),
        (without("client_secret"), 401, "invalid_client"),
        (with("refresh_token", "Atzr|revoked"), 400, "invalid_grant"),
        (without("refresh_token"), 400, "invalid_request"),
        (without("grant_type"), 400, "invalid_request"),
        (
            with("grant_type", "password"),
            400,
            "unsupported_grant_type",
        ),
    ] {
        let (got_status, body) = post(&server.token_url(), &borrowed(&form)).await;
        assert_eq!(
            (got_status, body["error"].as_str()),
            (status, Some(error)),
            "{form:?}: {body}"
        );
        assert!(body["error_description"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn client_credentials_may_come_as_http_basic_auth() {
    let server = server().await;
    let credentials = server.credentials();
    let response = http()
        .post(server.token_url())
        .basic_auth(credentials.client_id(), Some(credentials.client_secret()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", credentials.refresh_token()),
        ])
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_sdk_token_source_refreshes_when_the_servers_clock_passes_expiry() {
    let server = MockServer::builder()
        .token_lifetime(Duration::from_secs(3600))
        .start()
        .await
        .expect("a server");
    let credentials = server.credentials();
    let source = LwaTokenSource::builder()
        .client_id(credentials.client_id())
        .client_secret(credentials.client_secret().to_owned())
        .refresh_token(credentials.refresh_token().to_owned())
        .token_url(server.token_url())
        .build()
        .expect("a token source");
    let client = Client::builder()
        .api_key(credentials.api_key())
        .token_source(source.clone())
        .base_url(server.url())
        .retry_policy(fast_retries())
        .build()
        .expect("a client");
    let first = source.token().await.expect("a token");
    client.library_songs().send().await.expect("a page");
    // The SDK still holds its token; by the server's clock it has expired.
    server.advance_clock(Duration::from_secs(3601));
    client
        .library_songs()
        .send()
        .await
        .expect("a page, after one refresh");
    let second = source.token().await.expect("a token");
    assert_ne!(first, second);
    let paths: Vec<(String, u16)> = server
        .requests()
        .into_iter()
        .map(|request| (request.path, request.status))
        .collect();
    let songs = "/v1/views/library/songs".to_owned();
    let token = "/auth/o2/token".to_owned();
    assert_eq!(
        paths,
        [
            (token.clone(), 200),
            (songs.clone(), 200),
            (songs.clone(), 401),
            (token, 200),
            (songs, 200)
        ]
    );
}

#[tokio::test]
async fn the_device_flow_answers_pending_once_then_issues_tokens() {
    let server = server().await;
    let client_id = server.credentials().client_id();
    let (status, pair) = post(
        &server.codepair_url(),
        &[
            ("response_type", "device_code"),
            ("client_id", client_id),
            ("scope", "music::catalog"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{pair}");
    for field in ["device_code", "user_code", "verification_uri"] {
        assert!(pair[field].is_string(), "{field}: {pair}");
    }
    assert_eq!(
        (pair["expires_in"].as_u64(), pair["interval"].as_u64()),
        (Some(600), Some(1))
    );
    let device_code = pair["device_code"].as_str().unwrap_or_default();
    let user_code = pair["user_code"].as_str().unwrap_or_default();
    let poll = [
        ("grant_type", "device_code"),
        ("device_code", device_code),
        ("user_code", user_code),
    ];
    let wrong_user = [
        ("grant_type", "device_code"),
        ("device_code", device_code),
        ("user_code", "NOPE"),
    ];
    assert_eq!(
        post(&server.token_url(), &wrong_user).await.1["error"],
        "invalid_grant"
    );
    let (status, body) = post(&server.token_url(), &poll).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (status, body) = post(&server.token_url(), &poll).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["refresh_token"]
            .as_str()
            .is_some_and(|token| token.starts_with("Atzr|"))
    );
    let (status, body) = post(&server.token_url(), &poll).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code is used once"
    );

    let (_, pair) = post(
        &server.codepair_url(),
        &[
            ("response_type", "device_code"),
            ("client_id", client_id),
            ("scope", "music::catalog"),
        ],
    )
    .await;
    server.advance_clock(Duration::from_secs(601));
    let poll = [
        ("grant_type", "device_code"),
        (
            "device_code",
            pair["device_code"].as_str().unwrap_or_default(),
        ),
        ("user_code", pair["user_code"].as_str().unwrap_or_default()),
    ];
    assert_eq!(
        post(&server.token_url(), &poll).await.1["error"],
        "expired_token"
    );
    let (status, body) = post(
        &server.codepair_url(),
        &[
            ("response_type", "device_code"),
            ("client_id", "other"),
            ("scope", "s"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn the_sdk_device_login_completes_against_the_mock() {
    let server = server().await;
    let login = DeviceLogin::builder()
        .client_id(server.credentials().client_id())
        .scope(scopes::LIBRARY_READ)
        .codepair_url(server.codepair_url())
        .token_url(server.token_url())
        .build()
        .expect("a device login");
    let authorization = login.start().await.expect("a code pair");
    let tokens = authorization.poll().await.expect("tokens");
    let client = Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(tokens.access_token.expose_secret())
        .base_url(server.url())
        .build()
        .expect("a client");
    client
        .recently_played()
        .send()
        .await
        .expect("the issued token works");

    // A device's refresh token refreshes without a client secret, as a public client's.
    let refresh_token = tokens.refresh_token.clone().expect("a refresh token");
    let source = LwaTokenSource::builder()
        .client_id(server.credentials().client_id())
        .refresh_token(refresh_token)
        .token_url(server.token_url())
        .build()
        .expect("a token source");
    let refreshed = source.token().await.expect("a refreshed token");
    assert_ne!(refreshed, tokens.access_token);
}

#[tokio::test]
async fn only_public_clients_refresh_without_the_client_secret() {
    let server = server().await;
    let client_id = server.credentials().client_id();
    let (_, issued) = post(
        &server.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", "C"),
            ("client_id", client_id),
            ("code_verifier", "v"),
        ],
    )
    .await;
    let public = issued["refresh_token"].as_str().expect("a refresh token");
    let refresh = |token| {
        [
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", token),
        ]
    };
    assert_eq!(post(&server.token_url(), &refresh(public)).await.0, 200);
    let confidential = server.credentials().refresh_token();
    let (status, body) = post(&server.token_url(), &refresh(confidential)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let mut wrong_secret = refresh(public).to_vec();
    wrong_secret.push(("client_secret", "wrong"));
    assert_eq!(
        post(&server.token_url(), &wrong_secret).await.0,
        401,
        "a secret sent is checked"
    );
}

#[tokio::test]
async fn the_authorization_code_grant_takes_any_code_with_a_verifier() {
    let server = server().await;
    let client_id = server.credentials().client_id();
    let (status, body) = post(
        &server.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", "ANY-CODE"),
            ("client_id", client_id),
            ("code_verifier", "a-verifier"),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(
        &server.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", "ANY-CODE"),
            ("client_id", client_id),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "no verifier and no secret"
    );

    let login = PkceLogin::builder()
        .client_id(client_id)
        .redirect_uri("http://127.0.0.1:9/callback")
        .scope(scopes::CATALOG)
        .token_url(server.token_url())
        .build()
        .expect("a PKCE login");
    let tokens = login
        .exchange("ANY-CODE", login.state())
        .await
        .expect("tokens");
    assert!(tokens.refresh_token.is_some());
}

#[tokio::test]
async fn a_code_from_the_authorize_page_is_exchanged_only_with_its_pkce_verifier() {
    let server = server().await;
    let login = || {
        PkceLogin::builder()
            .client_id(server.credentials().client_id())
            .redirect_uri("http://127.0.0.1:9/callback")
            .scope(scopes::CATALOG)
            .authorize_url(server.authorize_url())
            .token_url(server.token_url())
            .build()
            .expect("a PKCE login")
    };
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    // What the browser brings back to the redirect URI: the code and the state.
    let authorize = async |login: &PkceLogin| -> (String, String) {
        let response = no_redirects
            .get(login.authorize_url())
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 302);
        let location = response.headers()["location"]
            .to_str()
            .expect("text")
            .to_owned();
        let url = reqwest::Url::parse(&location).expect("a URL");
        assert!(
            location.starts_with("http://127.0.0.1:9/callback?"),
            "{location}"
        );
        let value = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_else(|| panic!("no {name} in {location}"))
        };
        (value("code"), value("state"))
    };

    let own = login();
    let (code, state) = authorize(&own).await;
    assert_eq!(state, own.state());
    let tokens = own.exchange(&code, &state).await.expect("tokens");
    assert!(tokens.refresh_token.is_some());

    // Another login's verifier does not match this code's challenge.
    let (code, _) = authorize(&own).await;
    let other = login();
    let error = other
        .exchange(&code, other.state())
        .await
        .expect_err("the wrong verifier");
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    let (status, body) = post(
        &server.token_url(),
        &[
            ("grant_type", "authorization_code"),
            ("code", &authorize(&own).await.0),
            ("client_id", server.credentials().client_id()),
            ("code_verifier", "not-the-verifier"),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{body}"
    );
}
