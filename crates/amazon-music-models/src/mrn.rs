//! Amazon Music Resource Names (MRNs), the ids in `playParams.id`; [`Entity::mrn`](crate::Entity::mrn)
//! reads an entity's.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// How many characters of the input an error quotes before cutting it short.
const QUOTED_INPUT_MAX_CHARS: usize = 100;

/// An Amazon Music Resource Name, the id the API gives in `playParams.id`.
///
/// No public grammar exists; this type reads MRNs as
/// `mrn:<version>:<namespace>:<kind>:<id kind>:<id>[?<query>]`, which fits every MRN the API
/// documents (`mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US`,
/// `mrn:1.0:library:playlist:uuid:<uuid>`, `mrn:1.0:algorithmic:playlist:playlistid:<id>`,
/// `mrn:1.0:podcast:episode:uuid:<uuid>`, `mrn:1.0:catalog:station:key:<key>`):
///
/// - The `mrn:` prefix is required and case-sensitive.
/// - The version, namespace, entity kind and id kind are the next four `:`-separated segments;
///   none may be empty. They are kept as written: the version is text (`"1.0"`, not a number)
///   and the namespace and kind are open sets, so values this crate does not know are kept.
/// - The id is everything after the fifth `:` up to the first `?`. It may contain `:` but not
///   be empty.
/// - The optional query, after the first `?`, is `key=value` pairs joined by `&`. A key is
///   non-empty and ends at the pair's first `=`; a value may be empty or contain `=` or `?`.
///   Pairs keep their order and duplicates are kept. Nothing is percent-decoded.
/// - Whitespace and control characters are rejected anywhere; other characters are kept.
///
/// So `Display` gives back exactly the string that was parsed.
///
/// # Examples
///
/// ```
/// use amazon_music_models::Mrn;
///
/// let mrn: Mrn = "mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US".parse()?;
/// assert_eq!(mrn.version(), "1.0");
/// assert_eq!(mrn.namespace(), "catalog");
/// assert_eq!(mrn.kind(), "album");
/// assert_eq!(mrn.id_kind(), "asin");
/// assert_eq!(mrn.id(), "B0BBB43TGW");
/// assert_eq!(mrn.territory(), Some("US"));
/// assert_eq!(mrn.to_string(), "mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US");
///
/// assert!("urn:1.0:catalog:album:asin:B0BBB43TGW".parse::<Mrn>().is_err());
/// # Ok::<(), amazon_music_models::ParseMrnError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mrn {
    version: String,
    namespace: String,
    kind: String,
    id_kind: String,
    id: String,
    query: Vec<(String, String)>,
}

impl Mrn {
    /// The MRN format version as written, e.g. `"1.0"`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The namespace, e.g. `"catalog"`, `"library"`, `"algorithmic"` or `"podcast"`.
    ///
    /// An open set: values not listed here are kept as written.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The entity kind, e.g. `"album"`, `"playlist"`, `"station"` or `"episode"`.
    ///
    /// An open set: values not listed here are kept as written.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// What kind of id follows, e.g. `"asin"`, `"uuid"`, `"playlistid"` or `"key"`.
    pub fn id_kind(&self) -> &str {
        &self.id_kind
    }

    /// The id itself, e.g. `"B0BBB43TGW"`; never empty, and may contain `:`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The query parameters as `(key, value)` pairs, in the order written.
    pub fn query(&self) -> impl ExactSizeIterator<Item = (&str, &str)> {
        self.query
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// The value of the first query parameter named `name`, if any.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// The `territory` query parameter (a country code such as `"US"`), if any.
    pub fn territory(&self) -> Option<&str> {
        self.param("territory")
    }
}

impl fmt::Display for Mrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mrn:{}:{}:{}:{}:{}",
            self.version, self.namespace, self.kind, self.id_kind, self.id
        )?;
        for (index, (key, value)) in self.query.iter().enumerate() {
            let separator = if index == 0 { '?' } else { '&' };
            write!(f, "{separator}{key}={value}")?;
        }
        Ok(())
    }
}

impl FromStr for Mrn {
    type Err = ParseMrnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseMrnError::Empty);
        }
        let bad_char = s
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || c.is_control());
        if let Some((position, _)) = bad_char {
            return Err(ParseMrnError::InvalidCharacter {
                input: quote(s),
                position,
            });
        }
        let (head, query) = match s.split_once('?') {
            Some((head, query)) => (head, Some(query)),
            None => (s, None),
        };
        let Some(rest) = head.strip_prefix("mrn:") else {
            return Err(ParseMrnError::MissingPrefix { input: quote(s) });
        };
        // The id is the fifth piece and keeps any further `:`.
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [version, namespace, kind, id_kind, id] = parts[..] else {
            return Err(ParseMrnError::TooFewSegments {
                input: quote(s),
                found: parts.len() + 1,
            });
        };
        let named = [
            (version, "version"),
            (namespace, "namespace"),
            (kind, "entity kind"),
            (id_kind, "id kind"),
            (id, "id"),
        ];
        if let Some((_, segment)) = named.iter().find(|(value, _)| value.is_empty()) {
            return Err(ParseMrnError::EmptySegment {
                input: quote(s),
                segment,
            });
        }
        let query = match query {
            None => Vec::new(),
            Some(query) => query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
                    _ => Err(ParseMrnError::MalformedParam {
                        input: quote(s),
                        param: quote(pair),
                    }),
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(Self {
            version: version.to_owned(),
            namespace: namespace.to_owned(),
            kind: kind.to_owned(),
            id_kind: id_kind.to_owned(),
            id: id.to_owned(),
            query,
        })
    }
}

impl TryFrom<&str> for Mrn {
    type Error = ParseMrnError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Serialize for Mrn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Mrn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MrnVisitor;

        impl Visitor<'_> for MrnVisitor {
            type Value = Mrn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an MRN string such as `mrn:1.0:catalog:album:asin:B0BBB43TGW`")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<Mrn, E> {
                s.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(MrnVisitor)
    }
}

/// Why a string is not an [`Mrn`].
///
/// Quoted input is cut to its first 100 characters, followed by `...` when longer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseMrnError {
    /// The string is empty.
    #[error("empty string is not an mrn; expected e.g. `mrn:1.0:catalog:album:asin:B0BBB43TGW`")]
    Empty,
    /// The string holds whitespace or a control character, which no MRN contains.
    #[error("invalid mrn {input:?}: whitespace or control character at byte {position}")]
    InvalidCharacter {
        /// The input, possibly cut short.
        input: String,
        /// The byte offset of the first offending character.
        position: usize,
    },
    /// The string does not start with `mrn:` (lowercase).
    #[error("invalid mrn {input:?}: must start with `mrn:`")]
    MissingPrefix {
        /// The input, possibly cut short.
        input: String,
    },
    /// Fewer than six `:`-separated segments come before the query.
    #[error(
        "invalid mrn {input:?}: expected `mrn:<version>:<namespace>:<kind>:<id kind>:<id>`, \
         found {found} segments"
    )]
    TooFewSegments {
        /// The input, possibly cut short.
        input: String,
        /// How many segments were found, `mrn` included.
        found: usize,
    },
    /// A segment is empty.
    #[error("invalid mrn {input:?}: {segment} is empty")]
    EmptySegment {
        /// The input, possibly cut short.
        input: String,
        /// Which segment: `"version"`, `"namespace"`, `"entity kind"`, `"id kind"` or `"id"`.
        segment: &'static str,
    },
    /// A query parameter is not `key=value` with a non-empty key (this includes an empty
    /// query after `?`, and empty pairs from `&&` or a trailing `&`).
    #[error("invalid mrn {input:?}: query parameter {param:?} must be `key=value` with a key")]
    MalformedParam {
        /// The input, possibly cut short.
        input: String,
        /// The offending parameter, possibly cut short.
        param: String,
    },
}

/// `s`, cut to [`QUOTED_INPUT_MAX_CHARS`] characters with `...` appended when longer.
fn quote(s: &str) -> String {
    match s.char_indices().nth(QUOTED_INPUT_MAX_CHARS) {
        Some((end, _)) => format!("{}...", s.get(..end).unwrap_or(s)),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;
    use proptest::sample::Index;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    #[test]
    fn a_value_that_is_not_a_string_says_an_mrn_string_was_expected() {
        let error = serde_json::from_str::<Mrn>("42").unwrap_err().to_string();
        assert!(error.contains("expected an MRN string such as"), "{error}");
    }

    const EXAMPLES: [&str; 5] = [
        "mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US",
        "mrn:1.0:library:playlist:uuid:e45df856-2ab7-424e-ba70-76931f50da47",
        "mrn:1.0:algorithmic:playlist:playlistid:PPF40E8A5DABF148289F3143951A2F4C48",
        "mrn:1.0:podcast:episode:uuid:57a461ef-6fa6-4f1f-bbef-2be2bcc5c9f6",
        "mrn:1.0:catalog:station:key:A1QBEFLCLMQ8D6",
    ];

    fn parse(s: &str) -> Mrn {
        match s.parse() {
            Ok(mrn) => mrn,
            Err(error) => panic!("{s:?} should parse: {error}"),
        }
    }

    fn parse_err(s: &str) -> ParseMrnError {
        match s.parse::<Mrn>() {
            Ok(mrn) => panic!("{s:?} should not parse, got {mrn:?}"),
            Err(error) => error,
        }
    }

    /// `(version, namespace, kind, id kind, id, query)` of `mrn`, for one-line assertions.
    fn parts(mrn: &Mrn) -> (&str, &str, &str, &str, &str, Vec<(&str, &str)>) {
        let query = mrn.query().collect();
        (
            mrn.version(),
            mrn.namespace(),
            mrn.kind(),
            mrn.id_kind(),
            mrn.id(),
            query,
        )
    }

    #[test]
    fn catalog_album_parses_with_its_territory() {
        let mrn = parse(EXAMPLES[0]);
        let query = vec![("territory", "US")];
        assert_eq!(
            parts(&mrn),
            ("1.0", "catalog", "album", "asin", "B0BBB43TGW", query)
        );
        assert_eq!(mrn.territory(), Some("US"));
        assert_eq!(mrn.param("territory"), Some("US"));
        assert_eq!(mrn.param("missing"), None);
    }

    #[test]
    fn library_playlist_parses_without_a_query() {
        let mrn = parse(EXAMPLES[1]);
        let id = "e45df856-2ab7-424e-ba70-76931f50da47";
        assert_eq!(
            parts(&mrn),
            ("1.0", "library", "playlist", "uuid", id, vec![])
        );
        assert_eq!(mrn.territory(), None);
        assert_eq!(mrn.query().len(), 0);
    }

    #[test]
    fn algorithmic_playlist_parses() {
        let id = "PPF40E8A5DABF148289F3143951A2F4C48";
        let expected = ("1.0", "algorithmic", "playlist", "playlistid", id, vec![]);
        assert_eq!(parts(&parse(EXAMPLES[2])), expected);
    }

    #[test]
    fn podcast_episode_parses() {
        let id = "57a461ef-6fa6-4f1f-bbef-2be2bcc5c9f6";
        assert_eq!(
            parts(&parse(EXAMPLES[3])),
            ("1.0", "podcast", "episode", "uuid", id, vec![])
        );
    }

    #[test]
    fn catalog_station_parses() {
        let expected = ("1.0", "catalog", "station", "key", "A1QBEFLCLMQ8D6", vec![]);
        assert_eq!(parts(&parse(EXAMPLES[4])), expected);
    }

    #[test]
    fn every_example_displays_back_identically() {
        for example in EXAMPLES {
            assert_eq!(parse(example).to_string(), example);
        }
    }

    #[test]
    fn try_from_str_agrees_with_from_str() {
        for example in EXAMPLES {
            assert_eq!(Mrn::try_from(example), example.parse::<Mrn>());
        }
        assert_eq!(Mrn::try_from("nope"), "nope".parse::<Mrn>());
    }

    #[test]
    fn unknown_namespace_and_kind_are_kept() {
        let s = "mrn:2.0-beta:Concerts:liveSet:ref:X1";
        let mrn = parse(s);
        assert_eq!(
            parts(&mrn),
            ("2.0-beta", "Concerts", "liveSet", "ref", "X1", vec![])
        );
        assert_eq!(mrn.to_string(), s);
    }

    #[test]
    fn colons_after_the_id_kind_belong_to_the_id() {
        let s = "mrn:1.0:catalog:track:composite:a:b::c:?territory=DE";
        let mrn = parse(s);
        assert_eq!(mrn.id_kind(), "composite");
        assert_eq!(mrn.id(), "a:b::c:");
        assert_eq!(mrn.to_string(), s);
    }

    #[test]
    fn query_keeps_order_duplicates_empty_values_and_equals_in_values() {
        let s = "mrn:1.0:catalog:album:asin:B0?b=2&territory=US&a=&territory=GB&t=x=y?z";
        let mrn = parse(s);
        let expected = [
            ("b", "2"),
            ("territory", "US"),
            ("a", ""),
            ("territory", "GB"),
        ];
        let query: Vec<_> = mrn.query().collect();
        assert_eq!(query[..4], expected);
        assert_eq!(query[4], ("t", "x=y?z"));
        assert_eq!(mrn.territory(), Some("US"));
        assert_eq!(mrn.param("a"), Some(""));
        assert_eq!(mrn.to_string(), s);
    }

    #[test]
    fn empty_input_is_rejected() {
        assert_eq!(parse_err(""), ParseMrnError::Empty);
    }

    #[test]
    fn missing_or_miscased_prefix_is_rejected() {
        for s in [
            "urn:1.0:catalog:album:asin:B0",
            "MRN:1.0:catalog:album:asin:B0",
            "mrn",
            "B0",
        ] {
            let input = s.to_owned();
            assert_eq!(parse_err(s), ParseMrnError::MissingPrefix { input }, "{s}");
        }
        let input = "?mrn:1.0:catalog:album:asin:B0".to_owned();
        assert_eq!(
            parse_err(&input.clone()),
            ParseMrnError::MissingPrefix { input }
        );
    }

    #[test]
    fn too_few_segments_are_rejected_with_the_count() {
        let cases = [
            ("mrn:", 2),
            ("mrn:1.0", 2),
            ("mrn:1.0:catalog:album", 4),
            ("mrn:1.0:catalog:album:asin", 5),
            ("mrn:1.0:catalog:album:asin?x=B0:y", 5),
        ];
        for (s, found) in cases {
            let input = s.to_owned();
            assert_eq!(
                parse_err(s),
                ParseMrnError::TooFewSegments { input, found },
                "{s}"
            );
        }
    }

    #[test]
    fn each_empty_segment_is_named() {
        let cases = [
            ("mrn::catalog:album:asin:B0", "version"),
            ("mrn:1.0::album:asin:B0", "namespace"),
            ("mrn:1.0:catalog::asin:B0", "entity kind"),
            ("mrn:1.0:catalog:album::B0", "id kind"),
            ("mrn:1.0:catalog:album:asin:", "id"),
            ("mrn:1.0:catalog:album:asin:?territory=US", "id"),
            ("mrn:::::", "version"),
        ];
        for (s, segment) in cases {
            let input = s.to_owned();
            assert_eq!(
                parse_err(s),
                ParseMrnError::EmptySegment { input, segment },
                "{s}"
            );
        }
    }

    #[test]
    fn whitespace_and_control_characters_are_rejected_anywhere() {
        let valid = EXAMPLES[0];
        let cases = [
            (format!(" {valid}"), 0),
            (format!("{valid}\n"), valid.len()),
            (valid.replacen("B0BB", "B0 BB", 1), 29),
            (valid.replacen("asin", "as\tin", 1), 24),
            (valid.replacen('=', "=\u{a0}", 1), 48),
            (valid.replacen("US", "U\0S", 1), 49),
        ];
        for (s, position) in cases {
            let input = s.clone();
            let expected = ParseMrnError::InvalidCharacter { input, position };
            assert_eq!(parse_err(&s), expected, "{s:?}");
        }
    }

    #[test]
    fn malformed_query_params_are_rejected() {
        let base = "mrn:1.0:catalog:album:asin:B0";
        let cases = [
            ("?", ""),
            ("?territory", "territory"),
            ("?=US", "=US"),
            ("?territory=US&", ""),
            ("?a=1&&b=2", ""),
            ("?a=1&b", "b"),
        ];
        for (query, param) in cases {
            let s = format!("{base}{query}");
            let expected = ParseMrnError::MalformedParam {
                input: s.clone(),
                param: param.to_owned(),
            };
            assert_eq!(parse_err(&s), expected, "{s}");
        }
    }

    #[test]
    fn errors_display_lowercase_and_quote_the_input() {
        let cases = [
            (
                "",
                "empty string is not an mrn; expected e.g. `mrn:1.0:catalog:album:asin:B0BBB43TGW`",
            ),
            ("urn:x", r#"invalid mrn "urn:x": must start with `mrn:`"#),
            (
                "mrn:1 .0",
                r#"invalid mrn "mrn:1 .0": whitespace or control character at byte 5"#,
            ),
            (
                "mrn:1.0:catalog",
                r#"invalid mrn "mrn:1.0:catalog": expected `mrn:<version>:<namespace>:<kind>:<id kind>:<id>`, found 3 segments"#,
            ),
            (
                "mrn:1.0::a:b:c",
                r#"invalid mrn "mrn:1.0::a:b:c": namespace is empty"#,
            ),
            (
                "mrn:1.0:a:b:c:d?x",
                r#"invalid mrn "mrn:1.0:a:b:c:d?x": query parameter "x" must be `key=value` with a key"#,
            ),
        ];
        for (s, message) in cases {
            assert_eq!(parse_err(s).to_string(), message);
        }
    }

    #[test]
    fn errors_quote_at_most_a_hundred_characters() {
        let long = format!("urn:{}", "é".repeat(200));
        let ParseMrnError::MissingPrefix { input } = parse_err(&long) else {
            panic!("expected MissingPrefix");
        };
        assert_eq!(input.chars().count(), 103);
        assert!(input.starts_with("urn:éé") && input.ends_with("é..."));
        assert!(parse_err(&long).to_string().len() < 250);

        let exact = format!("urn:{}", "x".repeat(96));
        let ParseMrnError::MissingPrefix { input } = parse_err(&exact) else {
            panic!("expected MissingPrefix");
        };
        assert_eq!(input, exact);
    }

    #[test]
    fn deserializes_from_a_string() {
        for example in EXAMPLES {
            let deserializer: StrDeserializer<'_, ValueError> = example.into_deserializer();
            assert_eq!(Mrn::deserialize(deserializer), Ok(parse(example)));
        }
    }

    #[test]
    fn deserialize_reports_the_parse_error() {
        let deserializer: StrDeserializer<'_, ValueError> = "urn:x".into_deserializer();
        let error = Mrn::deserialize(deserializer).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(r#"invalid mrn "urn:x": must start with `mrn:`"#)
        );
    }

    fn segment() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9]{0,11}"
    }

    proptest! {
        #[test]
        fn valid_parts_parse_back_and_display_identically(
            version in "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}",
            namespace in segment(),
            kind in segment(),
            id_kind in segment(),
            id in "[A-Za-z0-9._-][A-Za-z0-9._:-]{0,39}",
            territory in option::of("[A-Z]{2}"),
            territory_at in any::<Index>(),
            mut params in vec(("[a-z][a-zA-Z0-9_]{0,8}", "[A-Za-z0-9._%=-]{0,12}"), 0..4),
        ) {
            if let Some(territory) = territory {
                let at = territory_at.index(params.len() + 1);
                params.insert(at, ("territory".to_owned(), territory));
            }
            let mut s = format!("mrn:{version}:{namespace}:{kind}:{id_kind}:{id}");
            for (index, (key, value)) in params.iter().enumerate() {
                for piece in [if index == 0 { "?" } else { "&" }, key, "=", value] {
                    s.push_str(piece);
                }
            }

            let mrn: Mrn = s.parse().map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
            prop_assert_eq!(mrn.version(), version.as_str());
            prop_assert_eq!(mrn.namespace(), namespace.as_str());
            prop_assert_eq!(mrn.kind(), kind.as_str());
            prop_assert_eq!(mrn.id_kind(), id_kind.as_str());
            prop_assert_eq!(mrn.id(), id.as_str());
            let expected: Vec<(&str, &str)> =
                params.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect();
            prop_assert_eq!(mrn.query().collect::<Vec<_>>(), expected);
            let first_territory =
                params.iter().find(|(key, _)| key == "territory").map(|(_, v)| v.as_str());
            prop_assert_eq!(mrn.territory(), first_territory);
            prop_assert_eq!(mrn.to_string(), s);
        }

        #[test]
        fn any_string_parses_without_panicking_and_round_trips_when_valid(
            s in prop_oneof![
                any::<String>(),
                "(mrn:)?[a-z0-9.:?&= \t_-]{0,40}",
                "mrn(:[a-z0-9?&=]{0,4}){4,7}",
            ],
        ) {
            if let Ok(mrn) = s.parse::<Mrn>() {
                prop_assert_eq!(mrn.to_string(), s);
            }
        }
    }
}
