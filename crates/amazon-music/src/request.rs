//! The request builder every view operation shares: its parameters, its checks and its paging
//! setters. The operations, one `Client` method each, and the setters of their query
//! parameters are generated from the spec (`generated.rs`); sending is in `views.rs`.

use std::marker::PhantomData;
use std::sync::Arc;

use amazon_music_models::{Operation, ParameterKind, View};
use futures_util::stream::BoxStream;

use crate::options::{CURSOR, QueryValue, RequestOptions};
use crate::pagination::{self, EntityPages, GroupPages, Paged, ViewList};
use crate::{Client, Entity, Error, RawResponse, Result};

/// A request for one view: set what it takes, then send it.
///
/// `P` says how the view pages (see the [`pagination`](crate::pagination) module): every
/// request has [`send`](Self::send); paged ones also take `limit` and `cursor` and have
/// [`pages`](Self::pages); those whose entities page have [`entities`](Self::entities) too.
#[must_use = "a request does nothing until it is sent"]
#[derive(Clone, Debug)]
pub struct ViewRequest<P> {
    pub(crate) client: Client,
    pub(crate) operation: Operation,
    pub(crate) options: RequestOptions,
    paging: PhantomData<fn() -> P>,
}

impl<P> ViewRequest<P> {
    /// A request for `operation`, whose paging the caller has matched with `P`.
    pub(crate) fn new(client: &Client, operation: Operation, path_arguments: Vec<String>) -> Self {
        let options = RequestOptions {
            path_arguments,
            locale: client.defaults.locale.clone(),
            image_style: client.defaults.image_style.clone(),
            ..RequestOptions::default()
        };
        Self::with_options(client, operation, options)
    }

    /// A request for `operation` with `options`, whose paging the caller has matched with `P`.
    pub(crate) fn with_options(
        client: &Client,
        operation: Operation,
        options: RequestOptions,
    ) -> Self {
        Self {
            client: client.clone(),
            operation,
            options,
            paging: PhantomData,
        }
    }

    /// The operation this request calls.
    pub(crate) fn operation(&self) -> Operation {
        self.operation
    }

    /// Sets the query parameter `name` to `value`, over any value set before.
    pub(crate) fn with_query(mut self, name: impl Into<String>, value: QueryValue) -> Self {
        self.options.query.insert(name.into(), value);
        self
    }

    /// Checks the parameters against what the spec allows, before anything is sent.
    pub(crate) fn validate(&self) -> Result<()> {
        let name = self.operation.operation_id();
        let parameters = self.operation.spec().path_parameters;
        check_path_argument_count(self.operation, self.options.path_arguments.len())?;
        for (parameter, argument) in parameters.iter().zip(&self.options.path_arguments) {
            if matches!(argument.as_str(), "" | "." | "..") {
                return Err(Error::invalid_request(format!(
                    "{name}: the {parameter} {argument:?} cannot name a resource"
                )));
            }
        }
        let spec = self.operation.spec();
        for (parameter_name, value) in &self.options.query {
            let parameter = spec.query_parameter(parameter_name).ok_or_else(|| {
                let taken: Vec<&str> = spec
                    .query_parameters
                    .iter()
                    .map(|taken| taken.name)
                    .collect();
                Error::invalid_request(format!(
                    "{name}: takes no query parameter {parameter_name:?} (it takes: {})",
                    if taken.is_empty() {
                        "none".to_owned()
                    } else {
                        taken.join(", ")
                    }
                ))
            })?;
            let checked = match (value, parameter.kind) {
                (QueryValue::Integer(value), ParameterKind::Integer { .. }) => {
                    parameter.check_integer(*value)
                }
                (QueryValue::Integer(value), _) => parameter.check_text(&value.to_string()),
                (QueryValue::Text(text), _) => parameter.check_text(text),
            };
            checked.map_err(|error| Error::invalid_request(format!("{name}: {error}")))?;
        }
        if let Some(missing) = spec.query_parameters.iter().find(|parameter| {
            parameter.required && !self.options.query.contains_key(parameter.name)
        }) {
            return Err(Error::invalid_request(format!(
                "{name}: the query parameter {} is required",
                missing.name
            )));
        }
        if self.options.cursor().as_deref() == Some("") {
            return Err(Error::invalid_request(format!(
                "{name}: the cursor is empty"
            )));
        }
        Ok(())
    }
}

impl<P: Paged> ViewRequest<P> {
    /// The cursor of the page after `view`, as this kind of view pages: what to pass to
    /// [`cursor`](Self::cursor) to continue by hand. `None` on the last page.
    pub fn next_cursor(view: &View) -> Option<&str> {
        P::next_cursor(view).filter(|token| !token.is_empty())
    }

    pub(crate) fn with_cursor(self, cursor: String) -> Self {
        self.with_query(CURSOR, QueryValue::Text(cursor))
    }
}

/// Writes each setter and stream of a view request once: on the async [`ViewRequest`], and on
/// the blocking [`blocking::ViewRequest`](crate::blocking::ViewRequest) (feature `blocking`),
/// which hands a setter to the async request it wraps and turns a stream into an iterator on
/// its runtime. The setters of the spec's query parameters are generated alike (`generated.rs`).
macro_rules! view_request_methods {
    ($(
        impl [$($generics:tt)*] $paging:ty {
            $(
                setter $(#[$setter_meta:meta])*
                fn $setter:ident(&mut $options:ident $(, $arg:ident: $arg_ty:ty)*) $setter_body:block
            )*
            $(
                stream $(#[$stream_meta:meta])*
                fn $stream:ident() -> $item:ty = $stream_fn:path;
            )*
        }
    )*) => {$(
        impl<$($generics)*> ViewRequest<$paging> {
            $(
                $(#[$setter_meta])*
                pub fn $setter(mut self $(, $arg: $arg_ty)*) -> Self {
                    let $options = &mut self.options;
                    $setter_body
                    self
                }
            )*
            $(
                $(#[$stream_meta])*
                pub fn $stream(self) -> BoxStream<'static, Result<$item>> {
                    $stream_fn(self)
                }
            )*
        }

        #[cfg(feature = "blocking")]
        impl<$($generics)*> crate::blocking::ViewRequest<$paging> {
            $(
                $(#[$setter_meta])*
                pub fn $setter(self $(, $arg: $arg_ty)*) -> Self {
                    self.map(|request| request.$setter($($arg),*))
                }
            )*
            $(
                $(#[$stream_meta])*
                pub fn $stream(self) -> crate::blocking::Iter<$item> {
                    self.iterate(ViewRequest::<$paging>::$stream)
                }
            )*
        }
    )*};
}

view_request_methods! {
    impl [P] P {
        setter
        /// Sets the `Accept-Language` of this request (e.g. `de-de`), over the client's default.
        fn locale(&mut options, locale: impl Into<String>) {
            options.locale = Some(locale.into());
        }
        setter
        /// Sets the `amzn-image-style` of this request (e.g. `SL160`), over the client's
        /// default.
        fn image_style(&mut options, image_style: impl Into<String>) {
            options.image_style = Some(image_style.into());
        }
        setter
        /// Sets a query parameter by its name in the spec, its value as text: for callers that
        /// pick the operation at run time (see [`Client::request`]); the typed setters (e.g.
        /// `limit`) are the better choice where the view is known.
        ///
        /// The name and the value are checked against the operation's query parameters when
        /// the request is sent: one it does not take, or a value out of its bounds, is an
        /// [`Error::InvalidRequest`] then, before anything is sent.
        fn query_parameter(&mut options, name: impl Into<String>, value: impl Into<String>) {
            options.query.insert(name.into(), QueryValue::Text(value.into()));
        }
    }

    impl [P: Paged] P {
        setter
        /// Stops a `pages` or `entities` stream after this many pages, fetched or not.
        fn max_pages(&mut options, max_pages: usize) {
            options.max_pages = Some(max_pages);
        }
        stream
        /// Every page of the view, from this request's cursor to the end, fetched lazily. See
        /// the [`pagination`] module for how each view pages and when it ends.
        fn pages() -> View = pagination::pages;
        stream
        /// Every page of the view as received, like `pages` but with each page a
        /// [`RawResponse`] (see `send_raw`). Each body is also decoded, leniently, for its
        /// cursor: one that does not decode ends the stream with an [`Error::Decode`] after it.
        fn pages_raw() -> RawResponse = pagination::pages;
    }

    impl [] EntityPages {
        setter
        /// Stops an `entities` stream after this many entities; no page past the one that
        /// holds the last of them is fetched.
        fn max_items(&mut options, max_items: usize) {
            options.max_items = Some(max_items);
        }
        stream
        /// Every entity of every group, page after page, as one flat stream.
        ///
        /// ```no_run
        /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
        /// use futures_util::TryStreamExt;
        ///
        /// let songs: Vec<_> = client.library_songs().limit(50).entities().try_collect().await?;
        /// println!("{} songs", songs.len());
        /// # Ok(())
        /// # }
        /// ```
        fn entities() -> Entity = pagination::entities;
    }

    impl [] GroupPages {
        setter
        /// Sets how many groups `entities_by_group` pages at a time: at most this many of its
        /// requests are in flight at once. At least 1 (0 counts as 1). Default:
        /// [`DEFAULT_CONCURRENCY`](crate::pagination::DEFAULT_CONCURRENCY), 8.
        fn concurrency(&mut options, groups: usize) {
            options.concurrency = Some(groups.max(1));
        }
        stream
        /// Every entity of every group, each group paged to its end, several groups at a time,
        /// each entity with its [`Group`](crate::pagination::Group): the group's ID and title.
        ///
        /// The view's pages bring the groups and their first entities; each group's token then
        /// goes on through the operation that pages one group of this view
        /// ([`Operation::group_operation`], e.g. [`home_group`](Client::home_group) for
        /// [`home`](Client::home)), with this request's `limit`, locale and image style. Up to
        /// `concurrency` groups (the view's own pages among them) are paged at once; the
        /// entities of one group come in order, those of different groups interleaved. A view
        /// whose groups no path pages (the artist view) yields what its pages hold.
        ///
        /// A failure while paging a group is yielded as [`Error::Group`] naming it, and ends
        /// that group only; a failure of the view's own pages is yielded as it is, and no more
        /// groups start. Each group's stream ends on a repeated token, as `entities` does.
        ///
        /// ```no_run
        /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
        /// use futures_util::TryStreamExt;
        ///
        /// let mut entities = client.home().concurrency(4).entities_by_group();
        /// while let Some((group, entity)) = entities.try_next().await? {
        ///     println!("{} ({}): {entity}", group.label(), group.id);
        /// }
        /// # Ok(())
        /// # }
        /// ```
        fn entities_by_group() -> (Arc<pagination::Group>, Entity) = pagination::entities_by_group;
    }
}

view_request_methods! {
    impl [] ViewList {
        stream
        /// Every entity of every group of every view of the response, in the order received,
        /// each with its [`Group`](crate::pagination::Group): on a search, the "Top hits"
        /// group's first, then each category's. One request, sent when the stream is first
        /// polled; an entity in two groups (a top hit is also in its category) comes twice.
        ///
        /// ```no_run
        /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
        /// use futures_util::TryStreamExt;
        ///
        /// let mut hits = client.search("weekend").limit(5).entities_by_group();
        /// while let Some((group, entity)) = hits.try_next().await? {
        ///     println!("{}: {entity}", group.label());
        /// }
        /// # Ok(())
        /// # }
        /// ```
        fn entities_by_group() -> (Arc<pagination::Group>, Entity) = pagination::view_list_entities;
    }
}

/// Checks that `count` path arguments fit `operation`: one per path parameter.
///
/// # Errors
/// [`Error::InvalidRequest`] naming the parameters, when they do not.
pub(crate) fn check_path_argument_count(operation: Operation, count: usize) -> Result<()> {
    let parameters = operation.spec().path_parameters;
    if parameters.len() == count {
        return Ok(());
    }
    Err(Error::invalid_request(format!(
        "{operation}: takes {} path argument(s) ({}), not {count}",
        parameters.len(),
        parameters.join(", "),
    )))
}
