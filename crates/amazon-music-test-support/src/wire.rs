//! `wiremock` helpers: the mock of last resort, and request counts that cannot read 0 by
//! mistake.

use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Mounts the mock of last resort: any request no other mock took gets a `418` whose V1 error
/// body (`UNEXPECTED_REQUEST`) names it, with its headers, so that a miss fails readably.
pub async fn mount_catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(|request: &Request| {
            let headers: Vec<String> = request
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("<binary>")))
                .collect();
            ResponseTemplate::new(418).set_body_json(json!({
                "error": {
                    "status": "418",
                    "code": "UNEXPECTED_REQUEST",
                    "message": format!(
                        "no mock matched {} {} with headers [{}]",
                        request.method,
                        request.url,
                        headers.join("; ")
                    ),
                    "reference": "catch-all",
                }
            }))
        })
        .with_priority(u8::MAX)
        .named("catch-all")
        .mount(server)
        .await;
}

/// How many requests `server` received.
///
/// # Panics
/// When the server does not record requests: a count of 0 would then prove nothing.
pub async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("the server records requests")
        .len()
}

/// `base` + `path` + a query of `pairs`, each value form-encoded except `cursor`'s, which goes
/// as given: a token as received, the way Amazon's pagination page sends one back.
pub fn url_with_query(base: &str, path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(name, value)| match *name {
            "cursor" => format!("cursor={value}"),
            _ => form_urlencoded::Serializer::new(String::new())
                .append_pair(name, value)
                .finish(),
        })
        .collect();
    match query.is_empty() {
        true => format!("{base}{path}"),
        false => format!("{base}{path}?{}", query.join("&")),
    }
}
