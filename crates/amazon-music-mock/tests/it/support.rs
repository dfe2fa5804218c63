//! Servers, clients and checks shared by the tests.

use amazon_music::{Client, RetryPolicy};
use amazon_music_mock::{MockServer, Operation};
use amazon_music_models::{ErrorResponse, ResponseShape, ViewListResponse, ViewResponse};
pub use amazon_music_test_support::{assert_valid, fast_retries, url_with_query};
use serde_json::Value;

/// A server with the default library.
pub async fn server() -> MockServer {
    MockServer::start().await.expect("a mock server")
}

/// A server whose library holds `songs` songs.
pub async fn server_of(songs: usize) -> MockServer {
    MockServer::builder()
        .library_size(songs)
        .start()
        .await
        .expect("a mock server")
}

/// A plain HTTP client: one per thread, since building one takes a while (TLS roots), and
/// each test's runtime has its thread.
pub fn http() -> reqwest::Client {
    thread_local! {
        static CLIENT: reqwest::Client = reqwest::Client::new();
    }
    CLIENT.with(reqwest::Client::clone)
}

/// An SDK client for `server`, with its credentials and fast retries.
pub fn sdk(server: &MockServer) -> Client {
    sdk_with(server, fast_retries())
}

/// An SDK client for `server` with `retries`.
pub fn sdk_with(server: &MockServer, retries: RetryPolicy) -> Client {
    Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(retries)
        .build()
        .expect("an SDK client")
}

/// A GET of `path` with the server's credentials, the `query` and the `headers` given, and the
/// required query parameters of the operation at `path` that `query` does not give set to the
/// spec's examples (the search's `query`). Each query value is form-encoded, but for
/// `cursor`'s, which goes as given: as received, the way Amazon's pagination page sends a
/// token back.
pub async fn get(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let examples: Vec<(&str, String)> = Operation::from_path(path)
        .into_iter()
        .flat_map(|operation| {
            operation
                .spec()
                .query_parameters
                .iter()
                .filter(|parameter| parameter.required)
                .filter(|parameter| query.iter().all(|(name, _)| *name != parameter.name))
                .map(move |parameter| {
                    let example = amazon_music_test_support::parameter_example(
                        operation.operation_id(),
                        parameter.name,
                    );
                    (parameter.name, example)
                })
        })
        .collect();
    let query: Vec<(&str, &str)> = query
        .iter()
        .copied()
        .chain(examples.iter().map(|(name, value)| (*name, value.as_str())))
        .collect();
    let url = url_with_query(server.url(), path, &query);
    let mut request = http()
        .get(url)
        .header("x-api-key", server.credentials().api_key())
        .bearer_auth(server.credentials().access_token());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("a response")
}

/// A GET that must answer a view: checks the status, the JSON against the spec's schema, that
/// `_type` comes first, and that the models decode it. Of an operation that answers several
/// views (the search), the whole body is checked against its schema and the first view
/// returned.
pub async fn view(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> ViewResponse {
    let response = get(server, path, query, headers).await;
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, 200, "GET {path} {query:?}: {body}");
    let json: Value = serde_json::from_str(&body).expect("JSON");
    let several = Operation::from_path(path)
        .is_some_and(|operation| operation.response_shape() == ResponseShape::Views);
    if several {
        assert_valid("ViewListResponse", &json, &format!("GET {path} {query:?}"));
        let list: ViewListResponse = serde_json::from_str(&body)
            .unwrap_or_else(|error| panic!("GET {path}: {error}: {body}"));
        let data = list.data.into_iter().next().expect("a view");
        return ViewResponse { data };
    }
    assert_valid("ViewResponse", &json, &format!("GET {path} {query:?}"));
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("GET {path}: {error}: {body}"))
}

/// A GET that must answer an error: checks the status, the V1 body against the spec, and
/// returns the body's code.
pub async fn error(
    server: &MockServer,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    status: u16,
) -> String {
    let response = get(server, path, query, headers).await;
    error_of(response, status, path).await
}

/// Checks an error response: its status and V1 body; returns its code.
pub async fn error_of(response: reqwest::Response, status: u16, what: &str) -> String {
    assert_eq!(response.status(), status, "{what}");
    let body = response.text().await.expect("a body");
    let json: Value = serde_json::from_str(&body).expect("JSON");
    assert_valid("ErrorResponse", &json, what);
    let error: ErrorResponse = serde_json::from_str(&body).expect("an error body");
    assert_eq!(error.error.status, status.to_string(), "{what}");
    error.error.code
}

/// The path of `operation` with the IDs the catalog serves.
pub fn path_of(operation: Operation) -> String {
    operation
        .path_template()
        .replace(
            "{groupId}",
            match operation {
                Operation::HomeGroup => "mp3-subscription-gateway_mp3YourHeaviestListeningStrategy",
                Operation::PodcastsGroup => {
                    "TopShowsStrategy-7e41c9a8-03b2-4d6f-a1e5-9f8c2d6b4a10%2523EDITORIAL%2523PODCASTS"
                }
                _ => "podcast-shows",
            },
        )
        .replace(
            "{id}",
            match operation {
                Operation::Artist => "B000QJJOSO",
                Operation::Album => "B0CKMM9LJF",
                Operation::Playlist => "B00J9PVXBM",
                _ => "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0",
            },
        )
}

/// The next page's cursor of a view, as the SDK reads it for `operation`.
pub fn next_cursor(operation: Operation, view: &ViewResponse) -> Option<String> {
    let content = &view.data.content;
    match operation {
        Operation::Home | Operation::Podcasts | Operation::Library | Operation::Artist => {
            content.next_page_token.clone()
        }
        Operation::Album => None,
        // The first group's token: on a playlist or a show, the second group's (similar
        // playlists or shows) is not this view's cursor.
        _ => content
            .entity_groups
            .first()
            .and_then(|group| group.content.next_page_token.clone()),
    }
}
