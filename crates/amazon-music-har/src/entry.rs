//! One exchange as a HAR entry, secrets redacted, and an entry's response body back as bytes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use har::v1_2::{Cache, Content, Entries, Headers, QueryString, Request, Response, Timings};
use http::{HeaderMap, Method, StatusCode, Version};

use crate::{Entry, Error};

/// What a recording holds in place of a secret header's value.
pub const REDACTED: &str = "[REDACTED]";

/// The headers whose values are secrets, lowercase: never written as they are.
const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "x-api-key",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// One HTTP exchange: a request, when it left, and the response it got or why it got none.
/// [`to_entry`](Self::to_entry) writes it as a HAR entry.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use http::{HeaderMap, HeaderValue, Method, StatusCode, Version};
///
/// let mut sent = HeaderMap::new();
/// sent.insert("x-api-key", HeaderValue::from_static("my-security-profile"));
/// let received = HeaderMap::new();
/// let entry = amazon_music_har::Exchange::new(
///     SystemTime::UNIX_EPOCH,
///     &Method::GET,
///     "https://api.music.amazon.dev/v1/views/home?limit=5",
///     &sent,
/// )
/// .response(StatusCode::OK, Version::HTTP_11, &received, b"{}")
/// .timings(Duration::from_millis(12), Duration::from_millis(3))
/// .to_entry();
/// assert_eq!(entry.response.status, 200);
/// assert_eq!(entry.request.headers[0].value, amazon_music_har::REDACTED);
/// assert_eq!(entry.started_date_time, "1970-01-01T00:00:00.000Z");
/// ```
#[must_use]
pub struct Exchange<'a> {
    started: SystemTime,
    method: &'a Method,
    url: &'a str,
    request_headers: &'a HeaderMap,
    outcome: Outcome<'a>,
    wait: Duration,
    receive: Duration,
}

/// How an exchange ended.
enum Outcome<'a> {
    /// A response came, and its whole body.
    Response {
        status: StatusCode,
        version: Version,
        headers: &'a HeaderMap,
        body: &'a [u8],
    },
    /// No response, or not all of its body: why.
    Failed(String),
}

impl<'a> Exchange<'a> {
    /// A request to `url` that left at `started` with `request_headers`; with no response
    /// until [`response`](Self::response) gives one.
    pub fn new(
        started: SystemTime,
        method: &'a Method,
        url: &'a str,
        request_headers: &'a HeaderMap,
    ) -> Self {
        Self {
            started,
            method,
            url,
            request_headers,
            outcome: Outcome::Failed("no response".to_owned()),
            wait: Duration::ZERO,
            receive: Duration::ZERO,
        }
    }

    /// The response: its status, HTTP version, headers and body exactly as received (after
    /// any `Content-Encoding` was decoded).
    pub fn response(
        mut self,
        status: StatusCode,
        version: Version,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> Self {
        self.outcome = Outcome::Response {
            status,
            version,
            headers,
            body,
        };
        self
    }

    /// No response, or not all of it, came: the entry has status 0 (as browsers record it) and
    /// `reason` as its comment.
    pub fn failed(mut self, reason: impl Into<String>) -> Self {
        self.outcome = Outcome::Failed(reason.into());
        self
    }

    /// How long the response's head took to come after the request left (`wait`), and its
    /// body to be read (`receive`).
    pub fn timings(mut self, wait: Duration, receive: Duration) -> Self {
        self.wait = wait;
        self.receive = receive;
        self
    }

    /// The HAR entry, with the value of every secret header (`Authorization`, `x-api-key`,
    /// `Proxy-Authorization`, `Cookie`, `Set-Cookie`, and any value marked sensitive) replaced
    /// by [`REDACTED`].
    pub fn to_entry(&self) -> Entry {
        let version = match &self.outcome {
            Outcome::Response { version, .. } => http_version(*version),
            Outcome::Failed(_) => "",
        };
        let query = self
            .url
            .split_once('?')
            .map(|(_, query)| query.split_once('#').map_or(query, |(query, _)| query))
            .unwrap_or_default();
        let request = Request {
            method: self.method.as_str().to_owned(),
            url: self.url.to_owned(),
            http_version: if version.is_empty() {
                "HTTP/1.1".to_owned()
            } else {
                version.to_owned()
            },
            cookies: Vec::new(),
            headers: headers(self.request_headers),
            query_string: form_urlencoded::parse(query.as_bytes())
                .map(|(name, value)| QueryString {
                    name: name.into_owned(),
                    value: value.into_owned(),
                    comment: None,
                })
                .collect(),
            post_data: None,
            headers_size: -1,
            body_size: 0,
            comment: None,
        };
        let (response, comment) = match &self.outcome {
            Outcome::Response {
                status,
                headers: received,
                body,
                ..
            } => (
                Response {
                    status: i64::from(status.as_u16()),
                    status_text: status.canonical_reason().unwrap_or_default().to_owned(),
                    http_version: version.to_owned(),
                    cookies: Vec::new(),
                    headers: headers(received),
                    content: content(received, body),
                    redirect_url: Some(
                        received
                            .get(http::header::LOCATION)
                            .and_then(|location| location.to_str().ok())
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    headers_size: -1,
                    // The bytes on the wire are unknown when they were compressed.
                    body_size: if received.contains_key(http::header::CONTENT_ENCODING) {
                        -1
                    } else {
                        i64::try_from(body.len()).unwrap_or(i64::MAX)
                    },
                    comment: None,
                },
                None,
            ),
            Outcome::Failed(reason) => (
                Response {
                    status: 0,
                    status_text: String::new(),
                    http_version: String::new(),
                    cookies: Vec::new(),
                    headers: Vec::new(),
                    content: Content {
                        size: 0,
                        mime_type: Some("x-unknown".to_owned()),
                        ..Content::default()
                    },
                    redirect_url: Some(String::new()),
                    headers_size: -1,
                    body_size: -1,
                    comment: Some(reason.clone()),
                },
                Some(reason.clone()),
            ),
        };
        let wait = milliseconds(self.wait);
        let receive = milliseconds(self.receive);
        Entries {
            pageref: None,
            started_date_time: rfc3339(self.started),
            time: wait + receive,
            request,
            response,
            cache: Cache::default(),
            timings: Timings {
                blocked: Some(-1.0),
                dns: Some(-1.0),
                connect: Some(-1.0),
                send: 0.0,
                wait,
                receive,
                ssl: Some(-1.0),
                comment: None,
            },
            server_ip_address: None,
            connection: None,
            comment,
        }
    }
}

/// The response body an entry recorded, as bytes: its `content.text`, decoded from base64 when
/// `content.encoding` says so; empty when it has none.
///
/// # Errors
/// [`Error::Body`] for an encoding other than `base64`, or text that is not base64.
pub fn response_body(entry: &Entry) -> Result<Vec<u8>, Error> {
    let content = &entry.response.content;
    let text = content.text.as_deref().unwrap_or_default();
    match content.encoding.as_deref() {
        None | Some("") => Ok(text.as_bytes().to_vec()),
        Some(encoding) if encoding.eq_ignore_ascii_case("base64") => {
            STANDARD.decode(text).map_err(|error| Error::Body {
                reason: error.to_string(),
            })
        }
        Some(other) => Err(Error::Body {
            reason: format!("the encoding {other:?} is not base64"),
        }),
    }
}

/// The headers as HAR writes them, secrets redacted.
fn headers(map: &HeaderMap) -> Vec<Headers> {
    map.iter()
        .map(|(name, value)| {
            let secret = value.is_sensitive() || SECRET_HEADERS.contains(&name.as_str());
            Headers {
                name: name.as_str().to_owned(),
                value: if secret {
                    REDACTED.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                },
                comment: None,
            }
        })
        .collect()
}

/// A body as HAR's `content`: the text when it is UTF-8, base64 otherwise.
fn content(headers: &HeaderMap, body: &[u8]) -> Content {
    let (text, encoding) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (STANDARD.encode(body), Some("base64".to_owned())),
    };
    Content {
        size: i64::try_from(body.len()).unwrap_or(i64::MAX),
        compression: None,
        mime_type: Some(
            headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("x-unknown")
                .to_owned(),
        ),
        text: Some(text),
        encoding,
        comment: None,
    }
}

/// HAR's name for an HTTP version.
fn http_version(version: Version) -> &'static str {
    match version {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

/// A duration in milliseconds, with its fraction.
fn milliseconds(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// `time` in RFC 3339 (UTC, milliseconds), as HAR's `startedDateTime` wants it.
fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
        since_epoch.subsec_millis()
    )
}

/// The Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn started_times_are_rfc3339_in_utc_with_milliseconds() {
        // Checked by hand: `date -u -d @1700000000` is Tue Nov 14 22:13:20 UTC 2023, and
        // 951782400 is 2000-02-29 (a leap day of a year divisible by 400).
        let at =
            |seconds: u64, millis: u64| UNIX_EPOCH + Duration::from_millis(seconds * 1000 + millis);
        assert_eq!(rfc3339(at(0, 0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(1_700_000_000, 42)), "2023-11-14T22:13:20.042Z");
        assert_eq!(rfc3339(at(951_782_400, 999)), "2000-02-29T00:00:00.999Z");
        assert_eq!(rfc3339(at(951_868_800, 0)), "2000-03-01T00:00:00.000Z");
    }

    #[test]
    fn secret_headers_are_redacted_and_others_kept() {
        let mut sent = HeaderMap::new();
        sent.insert(
            "authorization",
            HeaderValue::from_static("Bearer Atza|secret"),
        );
        sent.insert("x-api-key", HeaderValue::from_static("profile-secret"));
        let mut marked = HeaderValue::from_static("also-secret");
        marked.set_sensitive(true);
        sent.insert("x-other", marked);
        sent.insert("accept-language", HeaderValue::from_static("de-de"));
        let entry = Exchange::new(UNIX_EPOCH, &Method::GET, "http://h/v1/views/home", &sent)
            .failed("connection refused")
            .to_entry();
        let written = serde_json::to_string(&entry).expect("an entry serializes");
        for secret in ["Atza|secret", "profile-secret", "also-secret"] {
            assert!(!written.contains(secret), "{secret} in {written}");
        }
        assert!(written.contains("de-de"), "{written}");
        assert_eq!(entry.response.status, 0);
        assert_eq!(entry.comment.as_deref(), Some("connection refused"));
    }

    #[test]
    fn bodies_round_trip_byte_for_byte_as_text_or_base64() {
        let headers = HeaderMap::new();
        for body in [&b"{\"a\":1}"[..], &[0xff, 0x00, 0xfe][..], &[][..]] {
            let entry = Exchange::new(UNIX_EPOCH, &Method::GET, "http://h/x?a=1&b=%2F", &headers)
                .response(StatusCode::OK, Version::HTTP_2, &headers, body)
                .to_entry();
            assert_eq!(response_body(&entry).expect("decodes"), body);
            assert_eq!(entry.response.content.size, body.len() as i64);
            assert_eq!(entry.request.query_string.len(), 2);
            assert_eq!(entry.request.query_string[1].value, "/");
        }
    }

    #[test]
    fn unknown_body_encodings_are_an_error() {
        let headers = HeaderMap::new();
        let mut entry = Exchange::new(UNIX_EPOCH, &Method::GET, "http://h/x", &headers)
            .response(StatusCode::OK, Version::HTTP_11, &headers, b"x")
            .to_entry();
        entry.response.content.encoding = Some("rot13".to_owned());
        assert!(matches!(response_body(&entry), Err(Error::Body { .. })));
        entry.response.content.encoding = Some("base64".to_owned());
        entry.response.content.text = Some("not base64!".to_owned());
        assert!(matches!(response_body(&entry), Err(Error::Body { .. })));
    }
}
