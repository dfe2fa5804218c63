//! Serving a recording ([`MockConfig::replay`](crate::MockConfig::replay)): each request whose
//! method, path and query match a recorded entry gets that entry's status, headers and body,
//! byte for byte; the Nth identical request the Nth recorded answer, then the last again.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use amazon_music_har::Entry;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::auth::lock;
use crate::error::ApiError;
use crate::{MockError, MockState};

/// Response headers that describe how the recorded response travelled, not what it said:
/// the body is recorded decoded and whole, so these would now be wrong.
const TRANSFER_HEADERS: [&str; 5] = [
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
];

/// What identifies a request: its method, its path as sent, and its query's pairs decoded and
/// sorted (so their order does not matter).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    method: String,
    path: String,
    query: Vec<(String, String)>,
}

impl Key {
    fn new(method: &str, path: &str, query: &str) -> Self {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        pairs.sort();
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: pairs,
        }
    }
}

/// One recorded answer.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// A recording, ready to serve.
#[derive(Debug)]
pub(crate) struct Replay {
    answers: HashMap<Key, Vec<Answer>>,
    /// How many times each request has been answered.
    served: Mutex<HashMap<Key, usize>>,
    /// Every recorded path, once, in the order of the recording.
    paths: Vec<String>,
}

impl Replay {
    /// Reads the recording at `path`.
    pub(crate) fn load(path: &Path) -> Result<Self, MockError> {
        let invalid = |source: Box<dyn std::error::Error + Send + Sync>| MockError::Replay {
            path: path.to_owned(),
            source,
        };
        let entries = amazon_music_har::read(path).map_err(|error| invalid(Box::new(error)))?;
        Self::new(&entries).map_err(|error| invalid(error.into()))
    }

    /// The answers of `entries`; those with no response (status 0) are left out.
    fn new(entries: &[Entry]) -> Result<Self, String> {
        let mut answers: HashMap<Key, Vec<Answer>> = HashMap::new();
        let mut paths: Vec<String> = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            if entry.response.status == 0 {
                continue;
            }
            let (path, query) = path_and_query(&entry.request.url);
            let status = u16::try_from(entry.response.status)
                .ok()
                .and_then(|status| StatusCode::from_u16(status).ok())
                .ok_or_else(|| {
                    format!(
                        "entry {index} has the status {}, which HTTP has not",
                        entry.response.status
                    )
                })?;
            let body = amazon_music_har::response_body(entry)
                .map_err(|error| format!("entry {index}: {error}"))?;
            let mut headers = HeaderMap::new();
            for recorded in &entry.response.headers {
                let name = recorded.name.to_ascii_lowercase();
                if TRANSFER_HEADERS.contains(&name.as_str()) {
                    continue;
                }
                // HTTP/2 pseudo-headers (`:status`), which some browsers record, are no headers.
                if let (Ok(name), Ok(value)) = (
                    HeaderName::try_from(name),
                    HeaderValue::try_from(recorded.value.as_str()),
                ) {
                    headers.append(name, value);
                }
            }
            if !paths.iter().any(|known| known == path) {
                paths.push(path.to_owned());
            }
            answers
                .entry(Key::new(&entry.request.method, path, query))
                .or_default()
                .push(Answer {
                    status,
                    headers,
                    body: Bytes::from(body),
                });
        }
        Ok(Self {
            answers,
            served: Mutex::default(),
            paths,
        })
    }

    /// The answer to the request, or `None` when the recording has none for it.
    fn answer(&self, method: &Method, uri: &Uri) -> Option<Response> {
        let key = Key::new(method.as_str(), uri.path(), uri.query().unwrap_or_default());
        let answers = self.answers.get(&key)?;
        let nth = {
            let mut served = lock(&self.served);
            let count = served.entry(key).or_default();
            *count += 1;
            *count - 1
        };
        let answer = answers.get(nth).or_else(|| answers.last())?;
        let mut response = Response::new(Body::from(answer.body.clone()));
        *response.status_mut() = answer.status;
        *response.headers_mut() = answer.headers.clone();
        Some(response)
    }

    /// The recorded path most like `path`: the fewest single-character edits away.
    fn closest_path(&self, path: &str) -> Option<&str> {
        self.paths
            .iter()
            .min_by_key(|recorded| edit_distance(recorded, path))
            .map(String::as_str)
    }
}

/// Answers every request but the admin endpoint's from the recording, once credentials (any)
/// are sent; a request it does not hold gets `404 NOT_FOUND` naming the closest recorded path.
pub(crate) async fn serve(
    State(state): State<MockState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(replay) = state.replay() else {
        return crate::views::not_found(uri, method).await;
    };
    if let Err(error) = credentials_sent(&headers) {
        return error.at(uri.path()).into_response();
    }
    if let Some(response) = replay.answer(&method, &uri) {
        return response;
    }
    let request = match uri.query() {
        Some(query) => format!("{method} {}?{query}", uri.path()),
        None => format!("{method} {}", uri.path()),
    };
    tracing::debug!(%request, "not in the recording");
    let closest = match replay.closest_path(uri.path()) {
        Some(path) => format!("the closest recorded path is {path}"),
        None => "the recording holds no answered request".to_owned(),
    };
    ApiError::not_found(format!("{request} was not in the recording; {closest}."))
        .at(uri.path())
        .into_response()
}

/// Checks that a request carries an API key and an `Authorization` header: a recording's are
/// redacted, so theirs cannot be compared.
fn credentials_sent(headers: &HeaderMap) -> Result<(), ApiError> {
    let sent = |name| headers.get(name).is_some_and(|value| !value.is_empty());
    if !sent(HeaderName::from_static("x-api-key")) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "INVALID_API_KEY",
            "The x-api-key header is missing.",
        ));
    }
    if !sent(header::AUTHORIZATION) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_AUTH_TOKEN",
            "The Authorization header is missing.",
        ));
    }
    Ok(())
}

/// The path and the query (without `?`) of a recorded URL, absolute or not.
fn path_and_query(url: &str) -> (&str, &str) {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let after_authority = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => url,
    };
    after_authority
        .split_once('?')
        .unwrap_or((after_authority, ""))
}

/// How many single-character insertions, deletions and substitutions turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_urls_split_into_path_and_query() {
        assert_eq!(
            path_and_query("http://127.0.0.1:8080/v1/views/home?limit=5#top"),
            ("/v1/views/home", "limit=5")
        );
        assert_eq!(path_and_query("https://api.music.amazon.dev"), ("/", ""));
        assert_eq!(
            path_and_query("/v1/search?query=beck"),
            ("/v1/search", "query=beck")
        );
    }

    #[test]
    fn query_pairs_match_in_any_order() {
        assert_eq!(
            Key::new("get", "/p", "limit=5&cursor=%22a%22"),
            Key::new("GET", "/p", "cursor=%22a%22&limit=5")
        );
        assert_ne!(
            Key::new("GET", "/p", "limit=5"),
            Key::new("GET", "/p", "limit=6")
        );
    }

    #[test]
    fn edit_distances_count_single_character_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("/v1/views/home", "/v1/views/home"), 0);
    }
}
