//! The parameters of one request, as its builder sets them and the generated calls read
//! them: the path arguments, the query parameters by name, the locale and image style, and
//! the paging bounds. A leaf of the crate: the paging kinds' sealed trait names it, and the
//! request builder and the generated calls fill and read it.

use std::collections::BTreeMap;
use std::num::{NonZeroI32, NonZeroI64, NonZeroU32, NonZeroU64};

use amazon_music_models::{Operation, ParameterError};

/// The query parameter that carries a page token, in every view that pages.
pub(crate) const CURSOR: &str = "cursor";

/// The parameters of one request. Public only so that the sealed `Style` trait can name it;
/// nothing outside the crate can.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub(crate) path_arguments: Vec<String>,
    /// The query parameters set, by name: checked against the operation's before sending.
    pub(crate) query: BTreeMap<String, QueryValue>,
    pub(crate) locale: Option<String>,
    pub(crate) image_style: Option<String>,
    pub(crate) max_items: Option<usize>,
    pub(crate) max_pages: Option<usize>,
    pub(crate) concurrency: Option<usize>,
}

/// The value of a query parameter, as a typed setter or [`ViewRequest::query_parameter`]
/// gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum QueryValue {
    /// From the setter of an integer parameter.
    Integer(i64),
    /// From the setter of a string parameter, or as text for any.
    Text(String),
}

/// An integer query parameter on its way to the generated client's setter, which takes it as
/// the type the spec's bounds give (`NonZeroU32` for `limit`): checked against those bounds
/// before sending, so the conversion holds.
pub(crate) struct QueryInteger {
    name: &'static str,
    value: i64,
}

/// Converts a [`QueryInteger`] into each integer type a generated setter may take; the
/// `NonZero` ones through `NonZeroI64`.
macro_rules! query_integer_into {
    ($via:expr => $($target:ty),*) => {$(
        impl TryFrom<QueryInteger> for $target {
            type Error = ParameterError;

            fn try_from(value: QueryInteger) -> std::result::Result<Self, ParameterError> {
                let out_of_range = ParameterError::OutOfRange {
                    name: value.name,
                    value: value.value,
                };
                $via(value.value)
                    .ok_or_else(|| out_of_range.clone())?
                    .try_into()
                    .map_err(|_| out_of_range)
            }
        }
    )*};
}

query_integer_into!(Some => i32, i64, u32, u64);
query_integer_into!(NonZeroI64::new => NonZeroU32, NonZeroU64, NonZeroI32, NonZeroI64);

impl RequestOptions {
    /// The path argument at `index`, in path order (checked before anything is sent).
    pub(crate) fn path_argument(&self, index: usize) -> String {
        self.path_arguments.get(index).cloned().unwrap_or_default()
    }

    /// The query parameter `name` as text, if set.
    pub(crate) fn query_text(&self, name: &str) -> Option<String> {
        match self.query.get(name)? {
            QueryValue::Integer(value) => Some(value.to_string()),
            QueryValue::Text(text) => Some(text.clone()),
        }
    }

    /// The integer query parameter `name`, if set (and, given as text, a whole number).
    pub(crate) fn query_integer(&self, name: &'static str) -> Option<QueryInteger> {
        let value = match self.query.get(name)? {
            QueryValue::Integer(value) => *value,
            QueryValue::Text(text) => text.trim().parse().ok()?,
        };
        Some(QueryInteger { name, value })
    }

    /// The page token this request continues from, if any.
    pub(crate) fn cursor(&self) -> Option<String> {
        self.query_text(CURSOR)
    }

    pub(crate) fn locale(&self) -> Option<String> {
        self.locale.clone()
    }

    pub(crate) fn image_style(&self) -> Option<String> {
        self.image_style.clone()
    }

    /// The options of a request for the next page of one group, through `operation`, of a
    /// view these options ask for: its ID, the group's token, this request's query
    /// parameters that `operation` takes (the page size), and its locale and image style.
    pub(crate) fn for_group(&self, operation: Operation, group_id: String, cursor: String) -> Self {
        let spec = operation.spec();
        let mut query: BTreeMap<String, QueryValue> = self
            .query
            .iter()
            .filter(|(name, _)| *name != CURSOR && spec.query_parameter(name).is_some())
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        query.insert(CURSOR.to_owned(), QueryValue::Text(cursor));
        Self {
            path_arguments: vec![group_id],
            query,
            locale: self.locale.clone(),
            image_style: self.image_style.clone(),
            max_items: None,
            max_pages: None,
            concurrency: None,
        }
    }
}
