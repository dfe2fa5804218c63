//! Page tokens and `limit`: what a request's `cursor` and `limit` mean.
//!
//! A token names a position (an offset into a list of groups or of entities) and the list it
//! belongs to (derived from the list's scope, e.g. `library/songs` or `home/<groupId>`), so that
//! a token given by one view is refused by another. How a token is written is the server's
//! [`CursorStyle`]: by default as the views reference shows them, already percent-encoded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;

use crate::error::ApiError;
use crate::operation::Operation;

/// `limit` when a request sends none.
pub(crate) const DEFAULT_LIMIT: usize = 10;

/// The views reference's own example token (the spec's `cursor` example), read: every view
/// takes it, for its first page, so that a tool that starts from the spec's examples reaches
/// real pages.
const REFERENCE_EXAMPLE: &str = "0:97ac6538-dc9b-46c8-b617-30b2a89229a9";

const RAW_PREFIX: &str = "%2F";
const RAW_SUFFIX: &str = "+/";
/// Fills a raw token's payload up to a length that makes base64 pad it, so that `=` is always
/// there.
const FILLER: char = '.';

/// How the mock writes its page tokens, and so how a client must send them back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CursorStyle {
    /// As the views reference shows tokens: already percent-encoded for a URL, holding nothing
    /// a query cannot carry. A group's entities page with `<offset>%3A<uuid>`, a view's groups
    /// with `%22<uuid>%3A<offset>%22`. The server decodes the query once, as a server that
    /// issued them for pasting would, so a token sent back as received reads as the one meant
    /// (`0:<uuid>`), and one percent-encoded a second time is refused with a `400` that says
    /// so. The default.
    #[default]
    PreEncoded,
    /// Raw tokens holding `%`, `+`, `/` and `=` (`%2F<base64>+/`), for a client that
    /// percent-encodes a token as any query value; one sent back as received is refused (its
    /// `+` reads as a space, its `%2F` as `/`).
    Raw,
}

/// Which of a list's pages a token leads to: a group's entities or a view's groups (they are
/// written apart in the [`CursorStyle::PreEncoded`] style, as the reference's are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listing {
    /// The entities of one group.
    Entities,
    /// The groups of one view.
    Groups,
}

/// The token of the page at `offset` of the list named `scope`.
pub(crate) fn token(style: CursorStyle, listing: Listing, scope: &str, offset: usize) -> String {
    match (style, listing) {
        (CursorStyle::PreEncoded, Listing::Entities) => {
            format!("{offset}%3A{}", scope_uuid(scope))
        }
        (CursorStyle::PreEncoded, Listing::Groups) => {
            format!("%22{}%3A{offset}%22", scope_uuid(scope))
        }
        (CursorStyle::Raw, _) => {
            let mut payload = format!("v1|{:08x}|{offset}|", fnv1a(scope, 0));
            while payload.len() % 3 != 1 {
                payload.push(FILLER);
            }
            format!("{RAW_PREFIX}{}{RAW_SUFFIX}", STANDARD.encode(payload))
        }
    }
}

/// Reads `cursor`, as the query decoded it, as a position in the list named `scope`; no
/// cursor is the first page.
///
/// # Errors
/// `400 BAD_REQUEST` when the cursor is not one of this server's tokens, is one of another
/// list's, or (in the [`CursorStyle::PreEncoded`] style) was percent-encoded twice.
pub(crate) fn position(
    style: CursorStyle,
    scope: &str,
    cursor: Option<&str>,
) -> Result<usize, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(0);
    };
    let read = match style {
        CursorStyle::PreEncoded => read_pre_encoded(cursor),
        CursorStyle::Raw => read_raw(cursor),
    };
    let Some((list, offset)) = read else {
        let twice = style == CursorStyle::PreEncoded
            && percent_decode_str(cursor)
                .decode_utf8()
                .is_ok_and(|once_more| read_pre_encoded(&once_more).is_some());
        return Err(ApiError::bad_request(if twice {
            format!(
                "The cursor {cursor:?} was percent-encoded twice: send the nextPageToken \
                 exactly as received, as `cursor=<token>`."
            )
        } else {
            format!("The cursor {cursor:?} is not a valid page token.")
        }));
    };
    let ours = match style {
        CursorStyle::PreEncoded => scope_uuid(scope),
        CursorStyle::Raw => format!("{:08x}", fnv1a(scope, 0)),
    };
    if list != ours && cursor != REFERENCE_EXAMPLE {
        return Err(ApiError::bad_request(format!(
            "The cursor {cursor:?} belongs to another view."
        )));
    }
    Ok(offset)
}

/// A pre-encoded token as the query decoded it: `<offset>:<uuid>` or `"<uuid>:<offset>"`, as
/// its list's UUID and its offset.
fn read_pre_encoded(cursor: &str) -> Option<(String, usize)> {
    let (list, offset) = match cursor.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"')?.split_once(':')?,
        None => {
            let (offset, list) = cursor.split_once(':')?;
            (list, offset)
        }
    };
    let is_uuid = list.len() == 36
        && list.char_indices().all(|(at, character)| match at {
            8 | 13 | 18 | 23 => character == '-',
            _ => character.is_ascii_hexdigit() && !character.is_ascii_uppercase(),
        });
    let is_offset = !offset.is_empty() && offset.bytes().all(|byte| byte.is_ascii_digit());
    if !(is_uuid && is_offset) {
        return None;
    }
    Some((list.to_owned(), offset.parse().ok()?))
}

/// A raw token: `%2F` + the base64 of `v1|<scope hash>|<offset>|` (padded with `.`) + `+/`.
fn read_raw(cursor: &str) -> Option<(String, usize)> {
    let encoded = cursor.strip_prefix(RAW_PREFIX)?.strip_suffix(RAW_SUFFIX)?;
    let payload = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let mut fields = payload.trim_end_matches(FILLER).split('|');
    let (version, scope, offset, end) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let valid_scope = scope.len() == 8 && scope.bytes().all(|byte| byte.is_ascii_hexdigit());
    if version != "v1" || !end.is_empty() || fields.next().is_some() || !valid_scope {
        return None;
    }
    Some((scope.to_owned(), offset.parse().ok()?))
}

/// A UUID-shaped name of the list `scope` (version 4 and variant bits set), stable across runs.
fn scope_uuid(scope: &str) -> String {
    let [a, b, c, d] = [0, 1, 2, 3].map(|salt| fnv1a(scope, salt));
    format!(
        "{a:08x}-{:04x}-4{:03x}-{:04x}-{:04x}{d:08x}",
        b >> 16,
        b & 0x0fff,
        (c >> 16 & 0x3fff) | 0x8000,
        c & 0xffff,
    )
}

/// FNV-1a, 32 bits, of `salt` then `text`: a stable hash of a list's scope.
fn fnv1a(text: &str, salt: u8) -> u32 {
    std::iter::once(salt)
        .chain(text.bytes())
        .fold(0x811c_9dc5, |hash, byte| {
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

    use CursorStyle::{PreEncoded, Raw};
    use Listing::{Entities, Groups};

    /// `token` as a server reads it from a query: percent-decoded once.
    fn decoded(token: &str) -> String {
        percent_decode_str(token)
            .decode_utf8()
            .expect("UTF-8")
            .into_owned()
    }

    #[test]
    fn pre_encoded_tokens_hold_escapes_like_the_references_and_nothing_a_query_cannot_carry() {
        for offset in [0, 1, 10, 99, 12_345] {
            let entities = token(PreEncoded, Entities, "library/songs", offset);
            assert!(entities.starts_with(&format!("{offset}%3A")), "{entities}");
            let groups = token(PreEncoded, Groups, "home", offset);
            assert!(
                groups.starts_with("%22") && groups.ends_with("%22"),
                "{groups}"
            );
            assert!(groups.contains("%3A"), "{groups}");
            for token in [entities, groups] {
                assert!(
                    token
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || b"%-".contains(&byte)),
                    "{token}"
                );
            }
        }
    }

    #[test]
    fn raw_tokens_hold_percent_plus_slash_and_equals() {
        for offset in [0, 1, 10, 99, 12_345] {
            let token = token(Raw, Entities, "library/songs", offset);
            for character in ['%', '+', '/', '='] {
                assert!(token.contains(character), "{token} lacks {character}");
            }
        }
    }

    #[test]
    fn tokens_round_trip_within_their_scope_as_a_query_decodes_them() {
        for listing in [Entities, Groups] {
            let token = token(PreEncoded, listing, "home/group%23X", 30);
            assert_eq!(
                position(PreEncoded, "home/group%23X", Some(&decoded(&token))),
                Ok(30)
            );
        }
        let raw = token(Raw, Entities, "home/group%23X", 30);
        assert_eq!(position(Raw, "home/group%23X", Some(&raw)), Ok(30));
        assert_eq!(position(PreEncoded, "home/group%23X", None), Ok(0));
    }

    #[test]
    fn a_token_encoded_twice_is_refused_and_told_so() {
        for listing in [Entities, Groups] {
            // Sent encoded once more, the query decodes to the token as it was issued.
            let token = token(PreEncoded, listing, "library/songs", 10);
            let error =
                position(PreEncoded, "library/songs", Some(&token)).expect_err("encoded twice");
            assert_eq!(error.code, "BAD_REQUEST");
            assert!(
                error.message.contains("percent-encoded twice"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn tokens_of_another_scope_are_refused() {
        for style in [PreEncoded, Raw] {
            let token = token(style, Entities, "library/songs", 10);
            let read = if style == PreEncoded {
                decoded(&token)
            } else {
                token
            };
            let error = position(style, "library/albums", Some(&read)).expect_err("another scope");
            assert_eq!(error.code, "BAD_REQUEST");
            assert!(error.message.contains("another view"), "{}", error.message);
        }
    }

    #[test]
    fn the_references_example_token_is_every_views_first_page() {
        for scope in ["home", "library/songs", "artist/B000QJJOSO"] {
            assert_eq!(position(PreEncoded, scope, Some(REFERENCE_EXAMPLE)), Ok(0));
        }
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let good = decoded(&token(PreEncoded, Entities, "recent", 10));
        let raw = token(Raw, Entities, "recent", 10);
        for (style, bad) in [
            (PreEncoded, ""),
            (PreEncoded, "abc"),
            (PreEncoded, &good[..good.len() - 4]),
            (PreEncoded, &good.replace(':', "")),
            (PreEncoded, &format!("-1{good}")),
            (PreEncoded, &raw),
            (Raw, ""),
            (Raw, "%2F+/"),
            (Raw, "%2Fnot-base64!+/"),
            (Raw, &raw[..raw.len() - 4]),
            (Raw, &raw.replace('+', " ")),
            (Raw, &good),
        ] {
            assert!(
                position(style, "recent", Some(bad)).is_err(),
                "{style:?} {bad:?}"
            );
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
