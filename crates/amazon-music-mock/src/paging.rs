//! Page tokens and `limit`: what a request's `cursor` and `limit` mean.
//!
//! A token names a position (an offset into a list of groups or of entities) and the list it
//! belongs to (a hash of the list's scope, e.g. `library/songs` or `home/<groupId>`), so that a
//! token given by one view is refused by another. Tokens are opaque to clients, and on purpose
//! hold the characters that need care in a query string: `%2F` + the base64 (standard alphabet,
//! with padding) of the position + `+/`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::ApiError;
use crate::operation::Operation;

/// `limit` when a request sends none.
pub(crate) const DEFAULT_LIMIT: usize = 10;

const PREFIX: &str = "%2F";
const SUFFIX: &str = "+/";
/// Fills the payload up to a length that makes base64 pad it, so that `=` is always there.
const FILLER: char = '.';

/// Where a page starts in one list, and which list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    scope: u32,
    pub(crate) offset: usize,
}

/// The token of the page at `offset` of the list named `scope`.
pub(crate) fn token(scope: &str, offset: usize) -> String {
    let mut payload = format!("v1|{:08x}|{offset}|", fnv1a(scope));
    while payload.len() % 3 != 1 {
        payload.push(FILLER);
    }
    format!("{PREFIX}{}{SUFFIX}", STANDARD.encode(payload))
}

/// Reads `cursor` as a position in the list named `scope`; no cursor is the first page.
///
/// # Errors
/// `400 BAD_REQUEST` when the cursor is not one of this server's tokens, or is one of another
/// list's.
pub(crate) fn position(scope: &str, cursor: Option<&str>) -> Result<usize, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(0);
    };
    let position = decode(cursor).ok_or_else(|| {
        ApiError::bad_request(format!("The cursor {cursor:?} is not a valid page token."))
    })?;
    if position.scope != fnv1a(scope) {
        return Err(ApiError::bad_request(format!(
            "The cursor {cursor:?} belongs to another view."
        )));
    }
    Ok(position.offset)
}

fn decode(cursor: &str) -> Option<Position> {
    let encoded = cursor.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let payload = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let mut fields = payload.trim_end_matches(FILLER).split('|');
    let (version, scope, offset, end) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    if version != "v1" || !end.is_empty() || fields.next().is_some() || scope.len() != 8 {
        return None;
    }
    Some(Position {
        scope: u32::from_str_radix(scope, 16).ok()?,
        offset: offset.parse().ok()?,
    })
}

/// FNV-1a, 32 bits: a stable hash of a list's scope.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Reads `limit` for `operation`: default [`DEFAULT_LIMIT`], at least 1, at most the
/// operation's maximum, an `int32`.
///
/// # Errors
/// `400 BAD_REQUEST` naming the bound broken.
pub(crate) fn limit(operation: Operation, limit: Option<&str>) -> Result<usize, ApiError> {
    let Some(text) = limit else {
        return Ok(DEFAULT_LIMIT);
    };
    let value: i64 = text
        .trim()
        .parse()
        .map_err(|_| ApiError::bad_request(format!("The limit {text:?} is not an integer.")))?;
    if value < 1 {
        return Err(ApiError::bad_request(format!(
            "The limit must be at least 1, not {value}."
        )));
    }
    if let Some(max) = operation.max_limit()
        && value > i64::from(max)
    {
        return Err(ApiError::bad_request(format!(
            "The limit must be at most {max}, not {value}."
        )));
    }
    if value > i64::from(i32::MAX) {
        return Err(ApiError::bad_request(format!(
            "The limit {value} is out of range."
        )));
    }
    usize::try_from(value).map_err(|_| ApiError::bad_request("The limit is out of range."))
}

/// The part of `items` that a page starting at `offset` holds, and the offset of the next
/// page if there is one.
pub(crate) fn slice<T>(items: &[T], offset: usize, limit: usize) -> (&[T], Option<usize>) {
    let start = offset.min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    let next = (end < items.len()).then_some(end);
    (&items[start..end], next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_hold_percent_plus_slash_and_equals() {
        for offset in [0, 1, 10, 99, 12_345] {
            let token = token("library/songs", offset);
            for character in ['%', '+', '/', '='] {
                assert!(token.contains(character), "{token} lacks {character}");
            }
        }
    }

    #[test]
    fn tokens_round_trip_within_their_scope() {
        let token = token("home/group%23X", 30);
        assert_eq!(position("home/group%23X", Some(&token)), Ok(30));
        assert_eq!(position("home/group%23X", None), Ok(0));
    }

    #[test]
    fn tokens_of_another_scope_are_refused() {
        let token = token("library/songs", 10);
        let error = position("library/albums", Some(&token)).expect_err("another scope");
        assert_eq!(error.code, "BAD_REQUEST");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = token("recent", 10);
        let truncated = &good[..good.len() - 4];
        let spaced = good.replace('+', " ");
        for bad in [
            "",
            "abc",
            "%2F+/",
            "%2Fnot-base64!+/",
            truncated,
            spaced.as_str(),
        ] {
            assert!(position("recent", Some(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn limits_default_to_ten_and_keep_to_their_bounds() {
        assert_eq!(limit(Operation::Home, None), Ok(10));
        assert_eq!(limit(Operation::Home, Some("10")), Ok(10));
        assert_eq!(limit(Operation::LibrarySongs, Some("500")), Ok(500));
        for (operation, bad) in [
            (Operation::Home, "0"),
            (Operation::Home, "11"),
            (Operation::LibraryArtists, "11"),
            (Operation::LibrarySongs, "-1"),
            (Operation::LibrarySongs, "ten"),
            (Operation::LibrarySongs, "1.5"),
            (Operation::LibrarySongs, ""),
            (Operation::LibrarySongs, "2147483648"),
        ] {
            let error = limit(operation, Some(bad)).expect_err(bad);
            assert_eq!(error.status.as_u16(), 400, "{bad}");
        }
    }

    #[test]
    fn slices_stop_at_the_end_and_say_where_the_next_page_starts() {
        let items: Vec<u32> = (0..25).collect();
        assert_eq!(slice(&items, 0, 10), (&items[0..10], Some(10)));
        assert_eq!(slice(&items, 20, 10), (&items[20..25], None));
        assert_eq!(slice(&items, 40, 10), (&items[25..25], None));
        assert_eq!(slice(&items, 15, 10), (&items[15..25], None));
    }
}
