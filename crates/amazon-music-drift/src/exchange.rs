//! The exchanges drift reads: what a recording holds of each request and its response.

use std::path::Path;

/// One request and its response, as a recording holds them.
///
/// Drift reads the method, the URL, the status and the response body; the headers say
/// whether the body is JSON. Build these from any source of traffic, or read them from a HAR
/// file with [`read_har`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Exchange {
    /// The request's method, e.g. `GET`.
    pub method: String,
    /// The request's whole URL, query included.
    pub url: String,
    /// The response's status code.
    pub status: u16,
    /// The response's headers, names as sent.
    pub response_headers: Vec<(String, String)>,
    /// The response's body as text, when the recording holds it.
    pub response_body: Option<String>,
}

impl Exchange {
    /// The value of the response header `name` (case-insensitive), if it was sent.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Why drift could not run: the recording could not be read, or the embedded spec is broken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec embedded by `cargo xtask codegen` is not JSON (a build from a broken copy).
    #[error("the embedded spec cannot be read")]
    Spec(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The file could not be opened or read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not an HTTP Archive (HAR 1.2 or 1.3).
    #[error("{path} is not a HAR file")]
    NotHar {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Reads the exchanges of a HAR file, in the order it holds them, through `amazon-music-har`'s
/// reader: a recording cut short (its writer stopped mid-entry) gives every complete entry.
///
/// A response body recorded as base64 is decoded; one that is not UTF-8 is kept lossily, and
/// one that cannot be decoded is left out (the exchange is still routed).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::NotHar`] when it is not a HAR file.
pub fn read_har(path: &Path) -> Result<Vec<Exchange>, Error> {
    let name = path.display().to_string();
    match amazon_music_har::read(path) {
        Ok(entries) => Ok(entries.iter().map(exchange).collect()),
        Err(amazon_music_har::Error::Read { source, .. }) => Err(Error::Io { path: name, source }),
        Err(other) => Err(Error::NotHar {
            path: name,
            source: Box::new(other),
        }),
    }
}

/// The exchange a HAR entry records.
fn exchange(entry: &amazon_music_har::Entry) -> Exchange {
    Exchange {
        method: entry.request.method.clone(),
        url: entry.request.url.clone(),
        status: u16::try_from(entry.response.status).unwrap_or(0),
        response_headers: entry
            .response
            .headers
            .iter()
            .map(|header| (header.name.clone(), header.value.clone()))
            .collect(),
        response_body: entry
            .response
            .content
            .text
            .as_ref()
            .and_then(|_| amazon_music_har::response_body(entry).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One entry with a base64 body (`{}`).
    macro_rules! entry {
        () => {
            r#"{"startedDateTime": "2026-01-01T00:00:00Z", "time": 1,
        "request": {"method": "GET", "url": "http://127.0.0.1:1/v1/views/home?limit=1",
          "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "queryString": [],
          "headersSize": -1, "bodySize": -1},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
          "cookies": [], "headers": [{"name": "Content-Type", "value": "application/json"}],
          "content": {"size": 2, "mimeType": "application/json", "text": "e30=",
            "encoding": "base64"},
          "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}"#
        };
    }

    const HAR: &str = concat!(
        r#"{"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": ["#,
        entry!(),
        "]}}"
    );
    const ENTRY: &str = entry!();

    fn exchanges(bytes: &[u8]) -> Vec<Exchange> {
        amazon_music_har::from_slice(bytes)
            .expect("a HAR file")
            .iter()
            .map(exchange)
            .collect()
    }

    #[test]
    fn a_base64_body_is_decoded() {
        let exchanges = exchanges(HAR.as_bytes());
        assert_eq!(exchanges.len(), 1);
        assert_eq!(exchanges[0].method, "GET");
        assert_eq!(exchanges[0].status, 200);
        assert_eq!(exchanges[0].response_body.as_deref(), Some("{}"));
        assert_eq!(
            exchanges[0].response_header("content-type"),
            Some("application/json")
        );
    }

    #[test]
    fn a_recording_cut_short_gives_its_complete_entries() {
        let whole =
            format!("{{\"log\": {{\"version\": \"1.2\", \"entries\": [{ENTRY}, {ENTRY}]}}}}");
        let cut = &whole[..whole.rfind("\"cache\"").expect("a second entry's cache")];
        assert_eq!(exchanges(whole.as_bytes()).len(), 2);
        assert_eq!(exchanges(cut.as_bytes()).len(), 1);
    }

    #[test]
    fn a_file_of_another_kind_is_a_typed_error() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("not.har");
        std::fs::write(&path, "{\"log\": 1}").expect("writing");
        assert!(matches!(read_har(&path), Err(Error::NotHar { .. })));
        assert!(matches!(
            read_har(&dir.path().join("absent.har")),
            Err(Error::Io { .. })
        ));
    }
}
