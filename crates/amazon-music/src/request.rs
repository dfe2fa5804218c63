//! The request builder every view operation shares: its parameters, its checks and its paging
//! setters. The operations, one `Client` method each, are generated from the spec
//! (`generated.rs`); sending is in `views.rs`.

use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::sync::Arc;

use amazon_music_models::{Operation, View};
use futures_util::stream::BoxStream;

use crate::pagination::{self, EntityPages, GroupPages, Paging};
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

/// The parameters of one request.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestOptions {
    path_arguments: Vec<String>,
    pub(crate) cursor: Option<String>,
    limit: Option<u32>,
    locale: Option<String>,
    image_style: Option<String>,
    pub(crate) max_items: Option<usize>,
    pub(crate) max_pages: Option<usize>,
    pub(crate) concurrency: Option<usize>,
}

impl RequestOptions {
    /// The path argument at `index`, in path order (checked before anything is sent).
    pub(crate) fn path_argument(&self, index: usize) -> String {
        self.path_arguments.get(index).cloned().unwrap_or_default()
    }

    pub(crate) fn cursor(&self) -> Option<String> {
        self.cursor.clone()
    }

    pub(crate) fn limit(&self) -> Option<NonZeroU32> {
        self.limit.and_then(NonZeroU32::new)
    }

    pub(crate) fn locale(&self) -> Option<String> {
        self.locale.clone()
    }

    pub(crate) fn image_style(&self) -> Option<String> {
        self.image_style.clone()
    }

    /// The options of a request for the next page of one group of a view these options ask
    /// for: its ID, the group's token, and this request's page size, locale and image style.
    pub(crate) fn for_group(&self, group_id: String, cursor: String) -> Self {
        Self {
            path_arguments: vec![group_id],
            cursor: Some(cursor),
            limit: self.limit,
            locale: self.locale.clone(),
            image_style: self.image_style.clone(),
            max_items: None,
            max_pages: None,
            concurrency: None,
        }
    }
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

    /// Sets the `Accept-Language` of this request (e.g. `de-de`), over the client's default.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.options.locale = Some(locale.into());
        self
    }

    /// Sets the `amzn-image-style` of this request (e.g. `SL160`), over the client's default.
    pub fn image_style(mut self, image_style: impl Into<String>) -> Self {
        self.options.image_style = Some(image_style.into());
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
        if let Some(limit) = self.options.limit {
            if limit == 0 {
                return Err(Error::invalid_request(format!(
                    "{name}: limit must be at least 1"
                )));
            }
            if let Some(max) = self.operation.max_limit().filter(|max| limit > *max) {
                return Err(Error::invalid_request(format!(
                    "{name}: limit must be at most {max}, not {limit}"
                )));
            }
        }
        if self.options.cursor.as_deref() == Some("") {
            return Err(Error::invalid_request(format!(
                "{name}: the cursor is empty"
            )));
        }
        Ok(())
    }
}

impl<P: Paging> ViewRequest<P> {
    /// Sets the page size: how many entities a page holds, per group on home, podcasts and
    /// library, and how many groups on the artist view (see the
    /// [`pagination`](crate::pagination) module). At least 1; at most 10 on home, library,
    /// their groups, library artists and library podcasts.
    pub fn limit(mut self, limit: u32) -> Self {
        self.options.limit = Some(limit);
        self
    }

    /// Continues from a `nextPageToken` of an earlier page, sent back exactly as given.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.options.cursor = Some(cursor.into());
        self
    }

    /// Stops a [`pages`](Self::pages) or [`entities`](Self::entities) stream after this many
    /// pages, fetched or not.
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.options.max_pages = Some(max_pages);
        self
    }

    /// Every page of the view, from this request's cursor to the end, fetched lazily. See the
    /// [`pagination`](crate::pagination) module for how each view pages and when the stream ends.
    pub fn pages(self) -> BoxStream<'static, Result<View>> {
        pagination::pages(self)
    }

    /// Every page of the view as received, like [`pages`](Self::pages) but with each page a
    /// [`RawResponse`] (see [`send_raw`](Self::send_raw)). Each body is also decoded, leniently,
    /// for its cursor: one that does not decode ends the stream with an
    /// [`Error::Decode`] after it.
    pub fn pages_raw(self) -> BoxStream<'static, Result<RawResponse>> {
        pagination::pages(self)
    }

    /// The cursor of the page after `view`, as this kind of view pages: what to pass to
    /// [`cursor`](Self::cursor) to continue by hand. `None` on the last page.
    pub fn next_cursor(view: &View) -> Option<&str> {
        P::next_cursor(view).filter(|token| !token.is_empty())
    }

    pub(crate) fn with_cursor(mut self, cursor: String) -> Self {
        self.options.cursor = Some(cursor);
        self
    }
}

impl ViewRequest<EntityPages> {
    /// Stops an [`entities`](Self::entities) stream after this many entities; no page past
    /// the one that holds the last of them is fetched.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.options.max_items = Some(max_items);
        self
    }

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
    pub fn entities(self) -> BoxStream<'static, Result<Entity>> {
        pagination::entities(self)
    }
}

impl ViewRequest<GroupPages> {
    /// Sets how many groups [`entities_by_group`](Self::entities_by_group) pages at a time:
    /// at most this many of its requests are in flight at once. At least 1 (0 counts as 1).
    /// Default: 4.
    pub fn concurrency(mut self, groups: usize) -> Self {
        self.options.concurrency = Some(groups.max(1));
        self
    }

    /// Every entity of every group, each group paged to its end, several groups at a time,
    /// each entity with its [`Group`](crate::pagination::Group): the group's ID and title.
    ///
    /// The view's pages bring the groups and their first entities; each group's token then
    /// goes on through the operation that pages one group of this view
    /// ([`Operation::group_operation`], e.g. [`home_group`](Client::home_group) for
    /// [`home`](Client::home)), with this request's `limit`, locale and image style. Up to
    /// [`concurrency`](Self::concurrency) groups (the view's own pages among them) are paged
    /// at once; the entities of one group come in order, those of different groups
    /// interleaved. A view whose groups no path pages (the artist view) yields what its pages
    /// hold.
    ///
    /// A failure while paging a group is yielded as [`Error::Group`] naming it, and ends that
    /// group only; a failure of the view's own pages is yielded as it is, and no more groups
    /// start. Each group's stream ends on a repeated token, as
    /// [`entities`](ViewRequest::entities) does.
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
    pub fn entities_by_group(self) -> BoxStream<'static, Result<(Arc<pagination::Group>, Entity)>> {
        pagination::entities_by_group(self)
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
