//! The contract test: the generated client against Prism, a third-party mock server that
//! validates every request against the bundled spec and answers from it.
//!
//! Ignored by default, since it needs Prism running: `cargo xtask contract` (part of the gate)
//! starts `prism mock` on `openapi/dist/amazon-music-views.yaml` and runs these tests with its URL
//! in `AMAZON_MUSIC_PRISM_URL`. Without that variable they fail; they never pass silently.
//!
//! Every operation is called with only its required parameters, then with all of them. A request
//! Prism flags (it answers 4xx with a problem body, and names each violation in its
//! `sl-violations` header, which it also sets on a 2xx answer for a violation below error
//! severity) fails the test, and so does a response the client cannot decode. Prism answers first
//! with the operation's example (which must decode to what the spec's example decodes to), then
//! with bodies it makes up from the schemas (`Prefer: dynamic=true`, seeded by the xtask so that a
//! failure can be reproduced).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use amazon_music_client::{CallContext, Client, Error, ResponseValue};
use amazon_music_models::{ErrorResponse, ViewListResponse, ViewResponse};
use amazon_music_test_support::{operations, spec};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// The variable holding Prism's base URL.
const PRISM_URL: &str = "AMAZON_MUSIC_PRISM_URL";
/// The header in which Prism lists the violations it found.
const VIOLATIONS: &str = "sl-violations";
/// Both credentials the spec requires on every request.
const API_KEY: &str = "amzn1.application-oa2-client.contract-test";
const ACCESS_TOKEN: &str = "Bearer Atza|contract-test";
/// How many made-up responses each operation decodes.
const DYNAMIC_ROUNDS: usize = 3;

const ID: &str = "B000QJJOSO";
const GROUP_ID: &str = "mp3-subscription-gateway_mp3YourHeaviestListeningStrategy";
/// A real-looking token, with the characters tokens hold that need care in a query string.
const CURSOR: &str = "0%3A97ac6538-dc9b+46c8/b617=30b2a89229a9";
const LIMIT: u32 = 10;
const QUERY: &str = "weekend";
const ACCEPT_LANGUAGE: &str = "en-us";
const IMAGE_STYLE: &str = "SL160";

/// What a call gives: its body decoded with the operation's model, written back as JSON.
type Reply = Result<ResponseValue<Value>, Error<ErrorResponse>>;
type Call = for<'a> fn(&'a Client, Parameters) -> Pin<Box<dyn Future<Output = Reply> + 'a>>;

/// Which parameters a call sends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Parameters {
    /// Only the required parameters: the path's, and the search's `query`.
    Required,
    /// Every parameter the operation has, query and header ones included.
    All,
}

/// One operation, and how to call it.
struct Case {
    operation_id: &'static str,
    call: Call,
}

/// The value the calls send for a parameter, by its builder method.
macro_rules! value {
    (id) => {
        ID
    };
    (group_id) => {
        GROUP_ID
    };
    (cursor) => {
        CURSOR
    };
    (limit) => {
        LIMIT
    };
    (query) => {
        QUERY
    };
    (accept_language) => {
        ACCEPT_LANGUAGE
    };
    (amzn_image_style) => {
        IMAGE_STYLE
    };
}

/// A response, its decoded body written back as JSON.
fn to_json<T: serde::Serialize>(response: ResponseValue<T>) -> ResponseValue<Value> {
    let (status, headers) = (response.status(), response.headers().clone());
    let body = serde_json::to_value(response.into_inner()).expect("a model writes JSON");
    ResponseValue::new(body, status, headers)
}

/// A case calling `$method` with its required parameters, and with `All` its optional ones
/// too: `paged` views take a cursor, a limit and both optional headers, `limited` ones a limit
/// and the headers, `unpaged` ones the headers.
macro_rules! case {
    ($operation_id:literal => $method:ident($($required:ident),*), limited) => {
        case!(@build $operation_id, $method, [$($required),*],
            [limit, accept_language, amzn_image_style])
    };
    ($operation_id:literal => $method:ident($($required:ident),*), paged) => {
        case!(@build $operation_id, $method, [$($required),*],
            [cursor, limit, accept_language, amzn_image_style])
    };
    ($operation_id:literal => $method:ident($($required:ident),*), unpaged) => {
        case!(@build $operation_id, $method, [$($required),*], [accept_language, amzn_image_style])
    };
    (@build $operation_id:literal, $method:ident,
        [$($required:ident),*], [$($optional:ident),*]) => {
        Case {
            operation_id: $operation_id,
            call: |client, parameters| {
                let builder = client.$method() $(.$required(value!($required)))*;
                let builder = match parameters {
                    Parameters::Required => builder,
                    Parameters::All => builder $(.$optional(value!($optional)))*,
                };
                Box::pin(async move { builder.send().await.map(to_json) })
            },
        }
    };
}

/// Every operation of the spec.
fn cases() -> Vec<Case> {
    vec![
        case!("getHomeView" => get_home_view(), paged),
        case!("getHomeGroup" => get_home_group(group_id), paged),
        case!("getPodcastsView" => get_podcasts_view(), paged),
        case!("getPodcastsGroup" => get_podcasts_group(group_id), paged),
        case!("getLibraryView" => get_library_view(), paged),
        case!("getLibraryGroup" => get_library_group(group_id), paged),
        case!("getArtistView" => get_artist_view(id), paged),
        case!("getAlbumView" => get_album_view(id), unpaged),
        case!("getPlaylistView" => get_playlist_view(id), paged),
        case!("getPodcastShowView" => get_podcast_show_view(id), paged),
        case!("getLibraryAlbumsView" => get_library_albums_view(), paged),
        case!("getLibraryArtistsView" => get_library_artists_view(), paged),
        case!("getLibrarySongsView" => get_library_songs_view(), paged),
        case!("getLibraryPlaylistsView" => get_library_playlists_view(), paged),
        case!("getLibraryPodcastsView" => get_library_podcasts_view(), paged),
        case!("getRecentlyPlayedView" => get_recently_played_view(), paged),
        case!("getSearchView" => get_search_view(query), limited),
    ]
}

/// Prism's base URL, from the environment.
///
/// # Panics
/// When the variable is not set: the test was run without Prism.
fn prism_url() -> String {
    std::env::var(PRISM_URL).unwrap_or_else(|_| {
        panic!("{PRISM_URL} is not set: this test needs Prism; run it with `cargo xtask contract`")
    })
}

/// A client sending the headers in `headers` on every request.
fn prism_client(base_url: &str, headers: &[(HeaderName, &str)]) -> Client {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(
            name.clone(),
            HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    let http = reqwest::Client::builder()
        .default_headers(map)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("building the HTTP client");
    Client::new_with_client(base_url, http, CallContext::new())
}

/// The headers every request carries: both credentials.
fn credentials() -> Vec<(HeaderName, &'static str)> {
    vec![
        (HeaderName::from_static("x-api-key"), API_KEY),
        (AUTHORIZATION, ACCESS_TOKEN),
    ]
}

/// What Prism's answer should hold, beyond a valid request and a decodable body.
#[derive(Clone, Copy)]
enum Expect<'a> {
    /// Nothing more.
    Anything,
    /// The spec's example.
    Example(&'a Value),
    /// A body made up from the schemas: anything but the example.
    MadeUp(&'a Value),
}

/// What went wrong with a call, if anything.
fn problem(reply: Reply, expect: Expect<'_>) -> Option<String> {
    match reply {
        Ok(response) => {
            if let Some(violations) = response.headers().get(VIOLATIONS) {
                return Some(format!(
                    "answered {} but Prism found violations: {}",
                    response.status(),
                    String::from_utf8_lossy(violations.as_bytes())
                ));
            }
            match expect {
                Expect::Example(example) if response.as_ref() != example => Some(format!(
                    "decoded to something other than the spec's example: {:?}",
                    response.into_inner()
                )),
                Expect::MadeUp(example) if response.as_ref() == example => Some(
                    "answered the spec's example: Prism ignored `Prefer: dynamic=true`".to_owned(),
                ),
                _ => None,
            }
        }
        Err(Error::ErrorResponse(response)) => Some(format!(
            "answered {} ({VIOLATIONS}: {}): {:?}",
            response.status(),
            response
                .headers()
                .get(VIOLATIONS)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                .unwrap_or_else(|| "none".to_owned()),
            response.into_inner()
        )),
        Err(Error::InvalidResponsePayload(body, error)) => Some(format!(
            "the client could not decode the response ({error}): {}",
            String::from_utf8_lossy(&body[..body.len().min(2_000)])
        )),
        Err(error) => Some(format!("failed: {error:?}")),
    }
}

/// Each operation's example response, decoded with the model of its body (one view or
/// several) and written back as JSON, by operation ID.
fn examples() -> Vec<(String, Value)> {
    let spec = spec();
    operations(spec)
        .into_iter()
        .map(|operation| {
            let [reference] = operation.example_refs.as_slice() else {
                panic!(
                    "{} has {} examples; the contract test expects one",
                    operation.operation_id,
                    operation.example_refs.len()
                );
            };
            let example = spec
                .pointer(&format!("{}/value", reference.trim_start_matches('#')))
                .unwrap_or_else(|| panic!("{reference} does not resolve"));
            let decoded = if example["data"].is_array() {
                serde_json::from_value::<ViewListResponse>(example.clone())
                    .map(|list| serde_json::json!(list))
            } else {
                serde_json::from_value::<ViewResponse>(example.clone())
                    .map(|view| serde_json::json!(view))
            }
            .unwrap_or_else(|error| panic!("{reference} does not decode: {error}"));
            (operation.operation_id, decoded)
        })
        .collect()
}

#[test]
fn the_cases_cover_every_operation_of_the_spec() {
    let mut in_spec: Vec<String> = operations(spec())
        .into_iter()
        .map(|operation| operation.operation_id)
        .collect();
    let mut covered: Vec<String> = cases()
        .iter()
        .map(|case| case.operation_id.to_owned())
        .collect();
    in_spec.sort();
    covered.sort();
    assert_eq!(covered, in_spec);
}

#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn every_operation_passes_prism_validation_and_decodes() {
    let base_url = prism_url();
    let examples = examples();
    let client = prism_client(&base_url, &credentials());
    let mut dynamic_headers = credentials();
    dynamic_headers.push((HeaderName::from_static("prefer"), "dynamic=true"));
    let dynamic = prism_client(&base_url, &dynamic_headers);

    let mut problems = Vec::new();
    let mut calls = 0;
    for case in cases() {
        let (_, example) = examples
            .iter()
            .find(|(operation_id, _)| operation_id == case.operation_id)
            .unwrap_or_else(|| panic!("{} has no example", case.operation_id));
        for parameters in [Parameters::Required, Parameters::All] {
            calls += 1;
            let reply = (case.call)(&client, parameters).await;
            if let Some(problem) = problem(reply, Expect::Example(example)) {
                problems.push(format!(
                    "{} ({parameters:?} parameters, example): {problem}",
                    case.operation_id
                ));
            }
        }
        for round in 1..=DYNAMIC_ROUNDS {
            calls += 1;
            let reply = (case.call)(&dynamic, Parameters::All).await;
            if let Some(problem) = problem(reply, Expect::MadeUp(example)) {
                problems.push(format!(
                    "{} (made-up response {round}): {problem}",
                    case.operation_id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {calls} calls failed against Prism at {base_url}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    println!("{calls} calls, all valid for Prism and decoded");
}

/// The control: without it, a Prism that validated nothing would pass the test above.
#[tokio::test]
#[ignore = "needs Prism: run by `cargo xtask contract`"]
async fn prism_flags_requests_that_break_the_spec() {
    let base_url = prism_url();
    let without_api_key = prism_client(&base_url, &[(AUTHORIZATION, ACCESS_TOKEN)]);
    let reply = without_api_key.get_home_view().send().await.map(to_json);
    assert!(
        problem(reply, Expect::Anything).is_some(),
        "Prism took a request without x-api-key"
    );

    let client = prism_client(&base_url, &credentials());
    let reply = client
        .get_home_view()
        .limit(11_u32)
        .send()
        .await
        .map(to_json);
    let problem =
        problem(reply, Expect::Anything).expect("Prism took limit=11 where the maximum is 10");
    assert!(problem.contains(VIOLATIONS), "{problem}");
    assert!(problem.contains("limit"), "{problem}");
}
