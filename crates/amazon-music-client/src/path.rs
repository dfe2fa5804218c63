//! Path parameters: how an ID becomes one path segment, and the check that it stayed one.
//!
//! progenitor's own `encode_path` leaves `\` and `.` as they are, and a URL parser turns `\`
//! into `/` (in `http` and `https` URLs) and resolves `.` and `..` segments, so that
//! `album("..\\library")` would call `GET /v1/views/library`. The generated client calls
//! [`encode_path`] instead (`cargo xtask codegen` swaps it in), which encodes every byte but
//! RFC 3986's unreserved characters; and, before any request leaves, [`check_path`] holds its
//! path to the operation's template, which refuses the IDs no encoding can carry (`""`, `.`
//! and `..`, and their encoded forms, which URL parsers resolve as dot-segments too).

use amazon_music_models::Operation;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Every byte but the unreserved characters `A-Z a-z 0-9 - . _ ~`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `segment`, percent-encoded so that no character of it is a separator (`/`, `\`, `?`, `#`),
/// a percent sign, or anything but an unreserved character.
pub fn encode_path(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Checks that `path` (as parsed, still encoded) is `template` with one non-empty segment, not a
/// dot-segment, in place of each parameter, after whatever path the base URL has.
///
/// # Errors
/// A message naming the operation, when a parameter did not stay one segment.
pub(crate) fn check_path(operation_id: &str, path: &str) -> Result<(), String> {
    let Ok(operation) = operation_id.parse::<Operation>() else {
        return Ok(());
    };
    let fits = operation.ends_path(path, |segment| !is_dot_segment(segment));
    if fits {
        Ok(())
    } else {
        Err(format!(
            "{operation_id}: a path parameter is empty, `.` or `..`, which cannot be sent as a \
             path segment of {}",
            operation.path_template()
        ))
    }
}

/// `.` or `..`, in any mix of literal and percent-encoded dots (which URL parsers resolve too).
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_escapes_are_encoded() {
        assert_eq!(encode_path("..\\library"), "..%5Clibrary");
        assert_eq!(encode_path("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_path("B000QJJOSO"), "B000QJJOSO");
        assert_eq!(encode_path("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path("é;=:@"), "%C3%A9%3B%3D%3A%40");
    }

    #[test]
    fn paths_must_keep_the_template_shape() {
        let id = "getAlbumView";
        assert!(check_path(id, "/v1/views/albums/B0").is_ok());
        assert!(check_path(id, "/prefix/v1/views/albums/B0").is_ok());
        assert!(check_path(id, "/v1/views/library").is_err());
        assert!(check_path(id, "/v1/views/albums/").is_err());
        assert!(check_path(id, "/v1/views/albums/%2E%2e").is_err());
        assert!(check_path(id, "/v1/views/albums/a/b").is_err());
        assert!(check_path("getHomeView", "/v1/views/home").is_ok());
    }
}
