//! How a page token travels as the `cursor` query parameter: the one function every request
//! goes through.
//!
//! Amazon's pagination page ("Web API Pagination V1.0", `API_web_pagination.html`) appends the
//! token it received to the URL as `cursor=<token>`, and the views reference shows tokens that
//! are already percent-encoded (`0%3A97ac…`, `%2255271b4e-…%22`). So by default a token goes
//! out as received ([`CursorEncoding::Verbatim`]): its `%XX` escapes are left as they are, and
//! only what a query component cannot carry is escaped. This is an inference from those two
//! pages; [`CursorEncoding::Encoded`] is the other reading, for a server that turns out to
//! expect every token percent-encoded as any query value.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// The query parameter that carries a page token.
const CURSOR: &str = "cursor";

/// What [`CursorEncoding::Verbatim`] escapes besides `%` outside an escape: the characters a
/// query component cannot hold (space, `"`, `#`, `&`, `<`, `>`), control characters and
/// non-ASCII, plus `'`, which the URL standard escapes in every `http(s)` query.
const NOT_IN_QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'&')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// How a page token is written into the `cursor` query parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CursorEncoding {
    /// As received, the way Amazon's pagination page appends it: `%XX` escapes stay as they
    /// are; only a `%` that starts no escape, the characters a query cannot hold (space, `"`,
    /// `#`, `&`, `<`, `>`, `'`), control characters and non-ASCII are percent-encoded. The
    /// default.
    #[default]
    Verbatim,
    /// Percent-encoded as any form value (`%` as `%25`, `+` as `%2B`, a space as `+`), for a
    /// server that expects the token encoded once more.
    Encoded,
}

impl CursorEncoding {
    /// `token` as it goes into the query after `cursor=`.
    ///
    /// ```
    /// use amazon_music_client::CursorEncoding;
    ///
    /// assert_eq!(CursorEncoding::Verbatim.encode("0%3A97ac"), "0%3A97ac");
    /// assert_eq!(CursorEncoding::Verbatim.encode("a b&c"), "a%20b%26c");
    /// assert_eq!(CursorEncoding::Encoded.encode("0%3A97ac"), "0%253A97ac");
    /// ```
    pub fn encode(self, token: &str) -> Cow<'_, str> {
        match self {
            Self::Verbatim => verbatim(token),
            Self::Encoded => form_urlencoded::byte_serialize(token.as_bytes()).collect(),
        }
    }
}

/// `token` with its `%XX` escapes kept and everything else a query cannot hold escaped.
fn verbatim(token: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(token.len());
    let mut rest = token;
    while let Some(at) = rest.find('%') {
        out.extend(utf8_percent_encode(&rest[..at], NOT_IN_QUERY));
        let escape = rest.as_bytes().get(at + 1..at + 3);
        match escape {
            Some([high, low]) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                out.push_str(&rest[at..at + 3]);
                rest = &rest[at + 3..];
            }
            _ => {
                out.push_str("%25");
                rest = &rest[at + 1..];
            }
        }
    }
    out.extend(utf8_percent_encode(rest, NOT_IN_QUERY));
    if out == token {
        Cow::Borrowed(token)
    } else {
        Cow::Owned(out)
    }
}

/// Rewrites the `cursor` of `url`'s query, which the generated code form-encoded, as
/// `encoding` writes it; the other parameters stay as they were.
pub(crate) fn rewrite_query(url: &mut reqwest::Url, encoding: CursorEncoding) {
    let Some(query) = url.query() else {
        return;
    };
    let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        form_urlencoded::parse(query.as_bytes()).collect();
    if !pairs.iter().any(|(name, _)| name == CURSOR) {
        return;
    }
    let rewritten = pairs
        .iter()
        .map(|(name, value)| {
            let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
            let value = if name == CURSOR {
                encoding.encode(value).into_owned()
            } else {
                form_urlencoded::byte_serialize(value.as_bytes()).collect()
            };
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(Some(&rewritten));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_keeps_escapes_and_the_characters_a_query_holds() {
        for token in [
            "0%3A97ac6538-dc9b-46c8-b617-30b2a89229a9",
            "%2255271b4e-b314-48f8-8611-0f5781b1481a%22",
            "eyJzb3VyY2UiOnsiaWQiOiJhcnRpc3RzIn19+/=",
            "a:b;c,d!e$f(g)h*i?j@k[l]m~n",
        ] {
            assert_eq!(CursorEncoding::Verbatim.encode(token), token);
        }
    }

    #[test]
    fn verbatim_escapes_what_a_query_cannot_hold() {
        assert_eq!(
            CursorEncoding::Verbatim.encode("a b\"c#d&e<f>g'h\u{7f}i\nj"),
            "a%20b%22c%23d%26e%3Cf%3Eg%27h%7Fi%0Aj"
        );
        assert_eq!(CursorEncoding::Verbatim.encode("é"), "%C3%A9");
    }

    #[test]
    fn verbatim_escapes_a_percent_sign_that_starts_no_escape() {
        assert_eq!(CursorEncoding::Verbatim.encode("100%"), "100%25");
        assert_eq!(CursorEncoding::Verbatim.encode("%G1%4"), "%25G1%254");
        assert_eq!(CursorEncoding::Verbatim.encode("%%41"), "%25%41");
    }

    #[test]
    fn encoded_escapes_every_reserved_character() {
        assert_eq!(
            CursorEncoding::Encoded.encode("0%3A9 +/="),
            "0%253A9+%2B%2F%3D"
        );
    }

    #[test]
    fn rewriting_touches_only_the_cursor() {
        let mut url =
            reqwest::Url::parse("http://host/v1/views/home?cursor=0%253A9%2B&limit=5").unwrap();
        rewrite_query(&mut url, CursorEncoding::Verbatim);
        assert_eq!(url.query(), Some("cursor=0%3A9+&limit=5"));
        let mut url = reqwest::Url::parse("http://host/v1/views/home?limit=5").unwrap();
        rewrite_query(&mut url, CursorEncoding::Verbatim);
        assert_eq!(url.query(), Some("limit=5"));
    }
}
