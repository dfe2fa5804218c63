//! What the spec says of each operation: the hand-written half of the operation table.
//!
//! The table itself ([`Operation`] and its rows) is generated from the spec; this module holds
//! the row type and what is generic over the rows: names, paths, and which operation a request
//! path calls.

use std::fmt;
use std::str::FromStr;

use crate::Operation;

/// What the spec says of one operation: one row of the table, from [`Operation::spec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationSpec {
    /// The `operationId`, e.g. `getLibrarySongsView`.
    pub operation_id: &'static str,
    /// The SDK's method for it, e.g. `library_songs` (`x-sdk-method`, or the `operationId`
    /// without `get` and `View`, in snake case).
    pub sdk_method: &'static str,
    /// The HTTP method: `GET`.
    pub method: &'static str,
    /// The path template, e.g. `/v1/views/home/{groupId}`.
    pub path: &'static str,
    /// The path parameters, in the order they stand in the path.
    pub path_parameters: &'static [&'static str],
    /// The query parameters it takes, in the spec's order (`cursor` and `limit` on the views
    /// that page).
    pub query_parameters: &'static [QueryParameter],
    /// The optional headers it takes (`Accept-Language`, `amzn-image-style`).
    pub headers: &'static [&'static str],
    /// How the view pages (`x-paging`).
    pub paging: PagingStyle,
    /// Which of its groups the cursor pages (`x-paging-groups`).
    pub paged_groups: CursorGroups,
    /// What the `data` of its `200` response holds: one view or several.
    pub response: ResponseShape,
    /// The operation's summary.
    pub summary: &'static str,
}

impl OperationSpec {
    /// The query parameter called `name`, if the operation takes one.
    pub fn query_parameter(&self, name: &str) -> Option<&'static QueryParameter> {
        self.query_parameters
            .iter()
            .find(|parameter| parameter.name == name)
    }
}

/// What the spec says of one query parameter of an operation: its name, type, whether it is
/// required, and the bounds of its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryParameter {
    /// The parameter's name in the query, e.g. `limit`.
    pub name: &'static str,
    /// The type of its values.
    pub kind: ParameterKind,
    /// Whether every request must send it.
    pub required: bool,
    /// The smallest value an integer may take (`minimum`).
    pub minimum: Option<i64>,
    /// The largest value an integer may take (`maximum`).
    pub maximum: Option<i64>,
    /// The fewest characters a string may hold (`minLength`).
    pub min_length: Option<u64>,
    /// The most characters a string may hold (`maxLength`).
    pub max_length: Option<u64>,
}

/// The type of a query parameter's values: the `type` of its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParameterKind {
    /// `type: string`.
    String,
    /// `type: integer`, of `format: int32` (or else `int64`).
    Integer {
        /// Whether `format` is `int32`, which bounds the values to an `i32`.
        int32: bool,
    },
}

/// How a value breaks a query parameter's constraints; `Display` names the parameter and the
/// bound, e.g. `limit must be at most 10, not 11`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParameterError {
    /// An integer parameter's value is not a whole number.
    NotAnInteger {
        /// The parameter.
        name: &'static str,
        /// The value, as given.
        value: String,
    },
    /// An integer is below the parameter's `minimum`.
    BelowMinimum {
        /// The parameter.
        name: &'static str,
        /// The `minimum`.
        minimum: i64,
        /// The value.
        value: i64,
    },
    /// An integer is above the parameter's `maximum`.
    AboveMaximum {
        /// The parameter.
        name: &'static str,
        /// The `maximum`.
        maximum: i64,
        /// The value.
        value: i64,
    },
    /// An integer does not fit the parameter's `format`.
    OutOfRange {
        /// The parameter.
        name: &'static str,
        /// The value.
        value: i64,
    },
    /// A string is shorter than the parameter's `minLength`.
    TooShort {
        /// The parameter.
        name: &'static str,
        /// The `minLength`.
        min_length: u64,
    },
    /// A string is longer than the parameter's `maxLength`.
    TooLong {
        /// The parameter.
        name: &'static str,
        /// The `maxLength`.
        max_length: u64,
    },
}

impl fmt::Display for ParameterError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAnInteger { name, value } => {
                write!(formatter, "{name} {value:?} is not an integer")
            }
            Self::BelowMinimum {
                name,
                minimum,
                value,
            } => write!(formatter, "{name} must be at least {minimum}, not {value}"),
            Self::AboveMaximum {
                name,
                maximum,
                value,
            } => write!(formatter, "{name} must be at most {maximum}, not {value}"),
            Self::OutOfRange { name, value } => write!(formatter, "{name} {value} is out of range"),
            Self::TooShort { name, min_length } => write!(
                formatter,
                "{name} must be at least {min_length} character(s) long"
            ),
            Self::TooLong { name, max_length } => write!(
                formatter,
                "{name} must be at most {max_length} character(s) long"
            ),
        }
    }
}

impl std::error::Error for ParameterError {}

impl QueryParameter {
    /// Checks an integer against the parameter's `minimum`, `maximum` and `format`.
    ///
    /// # Errors
    /// The first bound `value` breaks.
    pub fn check_integer(&self, value: i64) -> Result<(), ParameterError> {
        let name = self.name;
        if let Some(minimum) = self.minimum.filter(|minimum| value < *minimum) {
            return Err(ParameterError::BelowMinimum {
                name,
                minimum,
                value,
            });
        }
        if let Some(maximum) = self.maximum.filter(|maximum| value > *maximum) {
            return Err(ParameterError::AboveMaximum {
                name,
                maximum,
                value,
            });
        }
        if matches!(self.kind, ParameterKind::Integer { int32: true })
            && i32::try_from(value).is_err()
        {
            return Err(ParameterError::OutOfRange { name, value });
        }
        Ok(())
    }

    /// Checks a string against the parameter's `minLength` and `maxLength`, in characters.
    ///
    /// # Errors
    /// The bound `value` breaks.
    pub fn check_string(&self, value: &str) -> Result<(), ParameterError> {
        let name = self.name;
        let length = u64::try_from(value.chars().count()).unwrap_or(u64::MAX);
        if let Some(min_length) = self.min_length.filter(|min| length < *min) {
            return Err(ParameterError::TooShort { name, min_length });
        }
        if let Some(max_length) = self.max_length.filter(|max| length > *max) {
            return Err(ParameterError::TooLong { name, max_length });
        }
        Ok(())
    }

    /// Checks a value as the query carries it (text), against the parameter's type and
    /// bounds: what a server does with what it receives.
    ///
    /// # Errors
    /// When an integer parameter's text is not a whole number, or the value breaks a bound.
    pub fn check_text(&self, text: &str) -> Result<(), ParameterError> {
        match self.kind {
            ParameterKind::String => self.check_string(text),
            ParameterKind::Integer { .. } => {
                let value = text
                    .trim()
                    .parse()
                    .map_err(|_| ParameterError::NotAnInteger {
                        name: self.name,
                        value: text.to_owned(),
                    })?;
                self.check_integer(value)
            }
        }
    }
}

/// How a view pages: the spec's `x-paging`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PagingStyle {
    /// `x-paging: groups`: the view's `nextPageToken` leads to more entity groups.
    Groups,
    /// `x-paging: entities`: the groups' `nextPageToken` leads to more entities.
    Entities,
    /// `x-paging: none`: the view is one page.
    None,
}

/// Which groups of a view the cursor pages: the spec's `x-paging-groups`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CursorGroups {
    /// Every group (`all`, the default): e.g. the library podcasts view's episodes and shows.
    All,
    /// The first group only, the one the view is about (`first`): e.g. a playlist's tracks,
    /// while its similar playlists come again with every page.
    First,
}

/// What the `data` of an operation's `200` response holds: the shape of the response schema
/// the spec names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseShape {
    /// One view (`ViewResponse`: `data` is a `View`), as every view operation answers.
    View,
    /// Several views (`ViewListResponse`: `data` is an array of `View`), as the search answers.
    Views,
}

impl Operation {
    /// The spec's `operationId`, e.g. `getHomeView`.
    pub fn operation_id(self) -> &'static str {
        self.spec().operation_id
    }

    /// The spec's path template, e.g. `/v1/views/home/{groupId}`.
    pub fn path_template(self) -> &'static str {
        self.spec().path
    }

    /// The largest `limit` the operation takes, where the spec sets one: the `maximum` of
    /// its `limit` query parameter.
    pub fn max_limit(self) -> Option<u32> {
        self.spec()
            .query_parameter("limit")?
            .maximum
            .and_then(|maximum| u32::try_from(maximum).ok())
    }

    /// What the `data` of the operation's `200` response holds.
    pub fn response_shape(self) -> ResponseShape {
        self.spec().response
    }

    /// How the operation's view pages.
    pub fn paging(self) -> PagingStyle {
        self.spec().paging
    }

    /// Which of the view's groups the cursor pages.
    pub fn paged_groups(self) -> CursorGroups {
        self.spec().paged_groups
    }

    /// The operation that pages one group of this view, e.g. [`Operation::HomeGroup`] for
    /// [`Operation::Home`]: the view that pages through entities at this view's path and one
    /// path parameter more. `None` for a view that does not page through groups, or whose
    /// groups no documented path pages (the artist view).
    ///
    /// ```
    /// use amazon_music_models::Operation;
    ///
    /// assert_eq!(Operation::Home.group_operation(), Some(Operation::HomeGroup));
    /// assert_eq!(Operation::Library.group_operation(), Some(Operation::LibraryGroup));
    /// assert_eq!(Operation::Artist.group_operation(), None);
    /// assert_eq!(Operation::LibrarySongs.group_operation(), None);
    /// ```
    pub fn group_operation(self) -> Option<Operation> {
        if self.paging() != PagingStyle::Groups {
            return None;
        }
        let parameters = self.spec().path_parameters.len();
        Self::ALL.into_iter().find(|candidate| {
            candidate.paging() == PagingStyle::Entities
                && candidate.spec().path_parameters.len() == parameters + 1
                && candidate
                    .path_template()
                    .strip_prefix(self.path_template())
                    .and_then(|rest| rest.strip_prefix("/{"))
                    // A parameter is a whole segment: with no `/` after it, it ends the path.
                    .is_some_and(|rest| !rest.contains('/'))
        })
    }

    /// The operation a request path (still percent-encoded) calls, if any.
    ///
    /// A path parameter matches one non-empty segment. Where several templates match, the one
    /// with more literal segments wins (`/v1/views/library/songs` is the library songs view,
    /// not a group of the library view).
    ///
    /// ```
    /// use amazon_music_models::Operation;
    ///
    /// assert_eq!(Operation::from_path("/v1/views/library/songs"), Some(Operation::LibrarySongs));
    /// assert_eq!(Operation::from_path("/v1/views/library/podcast-shows"), Some(Operation::LibraryGroup));
    /// assert_eq!(Operation::from_path("/v1/views/home/"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<Operation> {
        let segments: Vec<&str> = path.split('/').collect();
        Self::ALL
            .into_iter()
            .filter_map(|operation| {
                literal_segments_matched(operation.path_template(), &segments, |_| true)
                    .map(|literals| (literals, operation))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, operation)| operation)
    }

    /// Whether `path` (still percent-encoded) ends with this operation's path: its template
    /// after whatever path a base URL puts before it, each parameter one non-empty segment that
    /// `parameter` accepts.
    ///
    /// ```
    /// use amazon_music_models::Operation;
    ///
    /// let any = |_: &str| true;
    /// assert!(Operation::Album.ends_path("/base/v1/views/albums/B0", any));
    /// assert!(!Operation::Album.ends_path("/v1/views/albums/B0/x", any));
    /// assert!(!Operation::Album.ends_path("/v1/views/albums/..", |segment| segment != ".."));
    /// ```
    pub fn ends_path(self, path: &str, parameter: impl Fn(&str) -> bool) -> bool {
        let template = self.path_template();
        // The template's own segments, without the empty one before its leading `/`.
        let length = template.split('/').count() - 1;
        let segments: Vec<&str> = path.split('/').collect();
        segments.len() > length
            && literal_segments_matched(
                template.strip_prefix('/').unwrap_or(template),
                &segments[segments.len() - length..],
                parameter,
            )
            .is_some()
    }
}

/// How many literal segments of `template` match `segments`, one for one, each parameter one
/// non-empty segment that `parameter` accepts; `None` when they do not match.
fn literal_segments_matched(
    template: &str,
    segments: &[&str],
    parameter: impl Fn(&str) -> bool,
) -> Option<usize> {
    let expected: Vec<&str> = template.split('/').collect();
    if expected.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (expected, segment) in expected.iter().zip(segments) {
        if expected.starts_with('{') && expected.ends_with('}') {
            if segment.is_empty() || !parameter(segment) {
                return None;
            }
        } else if segment == expected {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}

impl fmt::Display for Operation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.operation_id())
    }
}

/// An `operationId` that names none of the spec's operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownOperation(String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "no view operation is called {:?}", self.0)
    }
}

impl std::error::Error for UnknownOperation {}

impl FromStr for Operation {
    type Err = UnknownOperation;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|operation| operation.operation_id() == name)
            .ok_or_else(|| UnknownOperation(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path for `operation`, with `value` for every parameter.
    fn path_of(operation: Operation, value: &str) -> String {
        operation
            .path_template()
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    value
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn every_path_template_maps_back_to_its_operation() {
        for operation in Operation::ALL {
            for value in ["B000QJJOSO", "some-group%23X"] {
                let path = path_of(operation, value);
                assert_eq!(Operation::from_path(&path), Some(operation), "{path}");
            }
        }
    }

    #[test]
    fn literal_library_paths_win_over_the_group_path() {
        assert_eq!(
            Operation::from_path("/v1/views/library/albums"),
            Some(Operation::LibraryAlbums)
        );
        assert_eq!(
            Operation::from_path("/v1/views/library/podcast-shows"),
            Some(Operation::LibraryGroup)
        );
    }

    #[test]
    fn other_paths_name_no_operation() {
        for path in [
            "/",
            "",
            "/v1/views",
            "/v1/views/home/",
            "/v1/views/albums",
            "/v1/views/albums/B0/extra",
            "/auth/o2/token",
        ] {
            assert_eq!(Operation::from_path(path), None, "{path}");
        }
    }

    #[test]
    fn operation_ids_round_trip() {
        for operation in Operation::ALL {
            assert_eq!(operation.to_string().parse::<Operation>(), Ok(operation));
        }
        let unknown = "getNothing".parse::<Operation>().unwrap_err();
        assert_eq!(
            unknown.to_string(),
            r#"no view operation is called "getNothing""#
        );
    }

    #[test]
    fn integer_parameters_keep_to_their_bounds_and_format() {
        let limit = Operation::Home
            .spec()
            .query_parameter("limit")
            .expect("home takes a limit");
        assert_eq!(limit.check_text("10"), Ok(()));
        assert_eq!(limit.check_text(" 1 "), Ok(()));
        let refusals = [
            ("0", "limit must be at least 1, not 0"),
            ("11", "limit must be at most 10, not 11"),
            ("ten", r#"limit "ten" is not an integer"#),
            ("2.5", r#"limit "2.5" is not an integer"#),
        ];
        for (text, message) in refusals {
            let error = limit.check_text(text).expect_err(text);
            assert_eq!(error.to_string(), message);
        }
        let songs = Operation::LibrarySongs
            .spec()
            .query_parameter("limit")
            .expect("library songs take a limit");
        assert_eq!(songs.check_integer(500), Ok(()));
        assert_eq!(
            songs.check_integer(i64::from(i32::MAX) + 1),
            Err(ParameterError::OutOfRange {
                name: "limit",
                value: i64::from(i32::MAX) + 1
            })
        );
        assert_eq!(Operation::Home.max_limit(), Some(10));
        assert_eq!(Operation::LibrarySongs.max_limit(), None);
        assert_eq!(Operation::Album.max_limit(), None);
    }

    #[test]
    fn string_parameters_keep_to_their_lengths_in_characters() {
        let query = QueryParameter {
            name: "query",
            kind: ParameterKind::String,
            required: true,
            minimum: None,
            maximum: None,
            min_length: Some(1),
            max_length: Some(3),
        };
        assert_eq!(query.check_text("äöü"), Ok(()));
        assert_eq!(
            query.check_text("").map_err(|error| error.to_string()),
            Err("query must be at least 1 character(s) long".to_owned())
        );
        assert_eq!(
            query
                .check_string("four")
                .map_err(|error| error.to_string()),
            Err("query must be at most 3 character(s) long".to_owned())
        );
        let cursor = Operation::Home
            .spec()
            .query_parameter("cursor")
            .expect("home takes a cursor");
        assert_eq!(cursor.check_text("0%3Aabc"), Ok(()));
        assert_eq!(Operation::Album.spec().query_parameter("cursor"), None);
    }

    #[test]
    fn a_one_character_search_is_long_enough_and_an_empty_one_is_not() {
        let query = Operation::Search
            .spec()
            .query_parameter("query")
            .expect("the search takes a query");
        assert_eq!(query.check_string("a"), Ok(()));
        assert!(query.check_string("").is_err());
    }

    #[test]
    fn each_grouped_view_pages_its_groups_at_its_own_path_and_one_segment_more() {
        assert_eq!(
            Operation::Home.group_operation(),
            Some(Operation::HomeGroup)
        );
        assert_eq!(
            Operation::Podcasts.group_operation(),
            Some(Operation::PodcastsGroup)
        );
        assert_eq!(
            Operation::Library.group_operation(),
            Some(Operation::LibraryGroup)
        );
        for operation in Operation::ALL {
            let Some(group) = operation.group_operation() else {
                continue;
            };
            assert_eq!(operation.paging(), PagingStyle::Groups, "{operation}");
            assert_eq!(group.paging(), PagingStyle::Entities, "{group}");
            let rest = group
                .path_template()
                .strip_prefix(operation.path_template())
                .expect("the group's path extends the view's");
            assert!(
                rest.starts_with("/{") && rest.ends_with('}') && !rest[1..].contains('/'),
                "{group}: {rest}"
            );
        }
        for operation in [
            Operation::Artist,
            Operation::LibrarySongs,
            Operation::HomeGroup,
            Operation::Album,
            Operation::Search,
        ] {
            assert_eq!(operation.group_operation(), None, "{operation}");
        }
    }

    #[test]
    fn a_path_ends_with_an_operation_after_any_base_path() {
        let any = |_: &str| true;
        assert!(Operation::Album.ends_path("/v1/views/albums/B0", any));
        assert!(Operation::Album.ends_path("/base/v1/views/albums/B0", any));
        assert!(Operation::Album.ends_path("/a/b/v1/views/albums/B0", any));
        assert!(!Operation::Album.ends_path("/v1/views/albums/B0/x", any));
        assert!(!Operation::Album.ends_path("/v1/views/albums/", any));
        assert!(!Operation::Album.ends_path("/B0", any));
        assert!(!Operation::Album.ends_path("", any));
        assert!(!Operation::Album.ends_path("v1/views/albums/B0", any));
        assert!(!Operation::Album.ends_path("/v1/views/artists/B0", any));
        assert!(Operation::LibrarySongs.ends_path("/v1/views/library/songs", any));
        assert!(!Operation::LibrarySongs.ends_path("/v1/views/library/albums", any));
    }

    #[test]
    fn a_literal_path_outranks_a_template_whatever_the_table_order() {
        let segments = ["", "v1", "views", "library", "songs"];
        let any = |_: &str| true;
        let group =
            literal_segments_matched(Operation::LibraryGroup.path_template(), &segments, any);
        let songs =
            literal_segments_matched(Operation::LibrarySongs.path_template(), &segments, any);
        assert_eq!(group, Some(4));
        assert_eq!(songs, Some(5));
    }

    #[test]
    fn rows_are_in_the_order_of_the_variants() {
        for operation in Operation::ALL {
            let sdk_name: String = operation
                .spec()
                .sdk_method
                .split('_')
                .map(|word| word[..1].to_uppercase() + &word[1..])
                .collect();
            assert_eq!(format!("{operation:?}"), sdk_name);
        }
    }
}
