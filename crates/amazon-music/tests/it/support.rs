//! Pages, servers and clients shared by the tests.

use amazon_music::{Client, ClientBuilder};
pub use amazon_music_test_support::{fast_retries, mount_catch_all, request_count};
use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// The API key every test client sends.
pub const API_KEY: &str = "amzn1.application-oa2-client.test-api-key-7f3a";
/// The access token every test client sends.
pub const ACCESS_TOKEN: &str = "Atza|IwEBITestAccessToken-9c1e";

/// A client builder for `base_url` with the test credentials and fast retries.
pub fn builder(base_url: &str) -> ClientBuilder {
    builder_of(base_url)
}

/// [`builder`] for the client `C` (the blocking one, say).
pub fn builder_of<C>(base_url: &str) -> ClientBuilder<C> {
    ClientBuilder::default()
        .api_key(API_KEY)
        .access_token(ACCESS_TOKEN)
        .base_url(base_url)
        .retry_policy(fast_retries())
}

/// A client for `server` with a static token and fast retries.
pub fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().expect("a client")
}

/// A track entity numbered `n`.
pub fn track(n: usize) -> Value {
    json!({
        "_type": "Track",
        "id": format!("T{n:09}"),
        "isrc": format!("USRE1{n:07}"),
        "title": format!("Song {n}"),
        "album": {"id": "B0011Z330C", "title": "Dookie"},
        "artists": [{"id": "B000QJJOSO", "name": "Green Day"}],
        "images": [{"url": "https://m.media-amazon.com/images/I/x.jpg"}],
        "playParams": {"id": format!("mrn:1.0:catalog:track:asin:T{n:09}?territory=US"), "selections": ["PLAY"]}
    })
}

/// A one-group view (`library-songs`) holding `entities`, with the group's `next` token.
pub fn single_group_page(entities: Vec<Value>, next: Option<&str>) -> Value {
    json!({"data": {
        "_type": "View", "id": "library-songs", "title": "Songs", "images": [],
        "entity": {"_type": "User", "id": "u1", "images": [], "name": "Vic"},
        "content": {"_type": "ViewContent", "entityGroups": [{
            "_type": "EntityGroup", "id": "songs", "viewType": "STACK",
            "content": {"_type": "EntityGroupContent", "nextPageToken": next, "entities": entities}
        }]}
    }})
}

/// A V1 error body.
pub fn error_body(status: u16, code: &str, message: &str) -> Value {
    json!({"error": {"status": status.to_string(), "code": code, "message": message, "reference": "ref-1"}})
}

/// Serves a library of `total` songs, `limit` a page (10 by default), following `cursor`s
/// made of the next offset in a token that is already percent-encoded, as the reference's are.
pub struct SongPager {
    /// How many songs the library holds.
    pub total: usize,
}

impl SongPager {
    /// The cursor for the page starting at `offset`.
    pub fn cursor(offset: usize) -> String {
        format!("%22o%3D{offset}%2F%22")
    }

    /// The offset of a cursor as the query decodes it: `"o=<offset>/"`.
    fn offset(cursor: &str) -> Option<usize> {
        cursor
            .strip_prefix("\"o=")?
            .strip_suffix("/\"")?
            .parse()
            .ok()
    }
}

/// Mounts the album `B404`, which answers 404 `NOT_FOUND`.
pub async fn mount_missing_album(server: &MockServer) {
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/v1/views/albums/B404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(error_body(
            404,
            "NOT_FOUND",
            "no album",
        )))
        .mount(server)
        .await;
}

/// The value of the query parameter `name` of `request`, if it has one.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The query parameter `name` of `request` as it went over the wire, still percent-encoded.
pub fn raw_query(request: &Request, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    request
        .url
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix(&prefix))
        .map(str::to_owned)
}

/// The `cursor` of each of `requests`, in order, as it went over the wire.
pub fn cursors(requests: &[Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|request| raw_query(request, "cursor"))
        .collect()
}

impl Respond for SongPager {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query = |name: &str| query(request, name);
        let offset = match query("cursor") {
            None => 0,
            Some(cursor) => match Self::offset(&cursor) {
                Some(offset) => offset,
                None => {
                    return ResponseTemplate::new(400).set_body_json(error_body(
                        400,
                        "BAD_REQUEST",
                        &format!("unknown cursor {cursor:?}"),
                    ));
                }
            },
        };
        let limit = query("limit")
            .and_then(|limit| limit.parse().ok())
            .unwrap_or(10);
        let end = (offset + limit).min(self.total);
        let next = (end < self.total).then(|| Self::cursor(end));
        ResponseTemplate::new(200).set_body_json(single_group_page(
            (offset..end).map(track).collect(),
            next.as_deref(),
        ))
    }
}

/// What a [`RawServer`] does with one connection.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Reads the request, then closes the connection without a word.
    Drop,
    /// Announces `body` in full, sends only its first half, then closes.
    Truncated(String),
    /// Answers 200 with `body`.
    Ok(String),
}

/// A bare HTTP server on loopback that answers connection after connection as scripted, for
/// faults wiremock cannot make.
pub struct RawServer {
    /// Its base URL.
    pub url: String,
    /// How many connections it accepted.
    pub accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl RawServer {
    /// Starts serving `replies`, one per connection, in order.
    pub async fn start(replies: Vec<Reply>) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let accepted = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = accepted.clone();
        tokio::spawn(async move {
            for reply in replies {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let response = match &reply {
                    Reply::Drop => Vec::new(),
                    Reply::Truncated(body) => {
                        let half = &body.as_bytes()[..body.len() / 2];
                        let mut response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        response.extend_from_slice(half);
                        response
                    }
                    Reply::Ok(body) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes(),
                };
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            }
        });
        Self { url, accepted }
    }

    /// How many connections it accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}
