//! The exchanges drift reads: what a recording holds of each request and its response.

use std::path::Path;

use base64::Engine as _;

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

/// Reads the exchanges of a HAR file (HAR 1.2 or 1.3), in the order it holds them.
///
/// A response body recorded as base64 is decoded; one that is not UTF-8 is kept lossily.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::NotHar`] when it is not a HAR
/// file.
pub fn read_har(path: &Path) -> Result<Vec<Exchange>, Error> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    har_exchanges(&bytes).map_err(|source| Error::NotHar { path: name, source })
}

/// The exchanges of a HAR document held in memory.
fn har_exchanges(bytes: &[u8]) -> Result<Vec<Exchange>, Box<dyn std::error::Error + Send + Sync>> {
    /// The same fields in both versions' types.
    macro_rules! exchanges {
        ($log:expr) => {
            $log.entries
                .into_iter()
                .map(|entry| {
                    let content = entry.response.content;
                    Exchange {
                        method: entry.request.method,
                        url: entry.request.url,
                        status: u16::try_from(entry.response.status).unwrap_or(0),
                        response_headers: entry
                            .response
                            .headers
                            .into_iter()
                            .map(|header| (header.name, header.value))
                            .collect(),
                        response_body: body(content.text, content.encoding.as_deref()),
                    }
                })
                .collect()
        };
    }
    Ok(match har::from_slice(bytes)?.log {
        har::Spec::V1_2(log) => exchanges!(log),
        har::Spec::V1_3(log) => exchanges!(log),
    })
}

/// A recorded body as text: base64 decoded when the recording says so.
fn body(text: Option<String>, encoding: Option<&str>) -> Option<String> {
    let text = text?;
    match encoding {
        Some(encoding) if encoding.eq_ignore_ascii_case("base64") => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .ok()?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        _ => Some(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{"log": {"version": "1.2", "creator": {"name": "test", "version": "1"},
      "entries": [{"startedDateTime": "2026-01-01T00:00:00Z", "time": 1,
        "request": {"method": "GET", "url": "http://127.0.0.1:1/v1/views/home?limit=1",
          "httpVersion": "HTTP/1.1", "cookies": [], "headers": [], "queryString": [],
          "headersSize": -1, "bodySize": -1},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
          "cookies": [], "headers": [{"name": "Content-Type", "value": "application/json"}],
          "content": {"size": 2, "mimeType": "application/json", "text": "e30=",
            "encoding": "base64"},
          "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}]}}"#;

    #[test]
    fn a_base64_body_is_decoded() {
        let exchanges = har_exchanges(HAR.as_bytes()).expect("a HAR file");
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
    fn a_file_of_another_kind_is_a_typed_error() {
        let dir = std::env::temp_dir().join(format!("drift-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("not.har");
        std::fs::write(&path, "{\"log\": 1}").expect("writing");
        assert!(matches!(read_har(&path), Err(Error::NotHar { .. })));
        assert!(matches!(
            read_har(&dir.join("absent.har")),
            Err(Error::Io { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleaning up");
    }
}
