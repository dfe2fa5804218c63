//! Fixtures the auth modules' tests share: a client secret to look for in output, an HTTP
//! client for paused clocks, token-endpoint answers, a catch-all mock, and readers of what was
//! sent and of an error's chain.

use std::error::Error as _;

use serde_json::json;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::Error;

/// A client secret unlike anything else in a test, so that finding it in output is a leak.
pub(super) const CLIENT_SECRET: &str = "distinct-client-secret-7f3a";

/// A client with no timeouts and no idle-connection timer, so that a paused clock only
/// moves when a test moves it.
pub(super) fn test_http_client() -> reqwest::Client {
    crate::http_client_builder()
        .unwrap()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// The decoded form fields of a request.
pub(super) fn form(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

/// The form field `name` of a request, if it was sent.
pub(super) fn field(request: &Request, name: &str) -> Option<String> {
    form(request)
        .into_iter()
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// A token response with `access_token`, living an hour, without a refresh token.
pub(super) fn token_body(access_token: &str) -> serde_json::Value {
    json!({"access_token": access_token, "token_type": "bearer", "expires_in": 3600})
}

/// Answers every request no other mock matched with a 599 that names it.
pub(super) async fn catch_all(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(|request: &Request| {
            ResponseTemplate::new(599).set_body_string(format!(
                "{} {} was not expected",
                request.method, request.url
            ))
        })
        .with_priority(u8::MAX)
        .mount(server)
        .await;
}

/// An error's `Display` and that of every cause, one per line.
pub(super) fn error_chain(error: &Error) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push('\n');
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}
