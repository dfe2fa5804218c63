//! How the views page, and the streams that follow them.
//!
//! The API pages with opaque tokens: a response carries a `nextPageToken`, and the next
//! request sends it back, exactly as received, as `cursor`. There are two tokens: one on the
//! view's content (more entity groups) and one on each group's content (more entities of that
//! group). Which one moves a view forward depends on the view:
//!
//! | the spec's `x-paging` | the request's type | the next page's cursor |
//! |---|---|---|
//! | `groups` | [`ViewRequest<GroupPages>`] | `ViewContent.nextPageToken` (more groups) |
//! | `entities` | [`ViewRequest<EntityPages>`] | the first group's `nextPageToken` (more entities) |
//! | `none` | [`ViewRequest<SinglePage>`] | (none) |
//! | `none`, a `200` of several views (the search) | [`ViewRequest<ViewList>`] | (none) |
//!
//! Each view method says which it is ("pages through groups", "pages through entities", "one
//! page"), and [`Operation::paging`](crate::models::Operation::paging) says it at run time. What
//! `limit` counts depends on the view and is in each method's description: entities per group
//! on home, podcasts and library, groups on an artist, entities elsewhere.
//!
//! What the API does not allow: paging inside one group of a multi-group view (the groups of
//! home, podcasts and library page through their `/{groupId}` views instead, which is what
//! [`home_group`] and its siblings are for), and paging inside an artist's groups at all: no
//! documented path takes an artist's group ID. The album view documents no `cursor` or
//! `limit`.
//!
//! # What the streams yield
//!
//! [`pages`](ViewRequest::pages) yields each page whole, every group of it.
//! [`entities`](ViewRequest::entities) yields the entities of the groups the cursor pages,
//! which the spec's `x-paging-groups` names ([`Operation::paged_groups`](crate::models::Operation::paged_groups)):
//!
//! - `first` (the playlist and podcast show views): the group the view is about, the first one
//!   (a playlist's tracks, a show's episodes). The other groups (similar playlists, similar
//!   shows) come again with every page and may carry tokens of their own, which this view's
//!   cursor does not take: `entities()` never yields them, and their tokens are never followed.
//!   They are in each page of `pages()`.
//! - `all` (every other view that pages through entities): every group of every page; on the
//!   library podcasts view, episodes and shows, paged together by the first group's token.
//!
//! A view's next cursor is always its first group's token: a token on another group never moves
//! the stream.
//!
//! Streams are lazy: nothing is fetched until they are polled, and each page is fetched when
//! the one before it is used up. They end when a page has no token (`null`, absent or empty),
//! after an error (which they yield first), at [`max_pages`](ViewRequest::max_pages) and at
//! [`max_items`](ViewRequest::max_items). A token the server already gave (or the starting
//! cursor) ends the stream with [`Error::PaginationLoop`] after the page that carried it, so a
//! stream never loops forever on a repeating server. Retries happen inside each page's
//! request, never in the stream.
//!
//! [`home_group`]: crate::Client::home_group

use std::collections::HashSet;
use std::sync::Arc;

use std::future::Future;

use amazon_music_models::{CursorGroups, EntityGroup, View, ViewResponse};
use futures_util::future;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::{Entity, Error, RawResponse, Result, ViewRequest};

/// How many requests a fan-out keeps in flight at once by default: the groups
/// [`ViewRequest::entities_by_group`] pages at once, and the lists `amzn-music export` fetches
/// at once.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// The group an entity of [`ViewRequest::entities_by_group`] came in: its ID and title, shared
/// by every entity of the group.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Group {
    /// The group's ID; on home, podcasts and library, the `groupId` of its own path.
    pub id: String,
    /// The group's title, where it has one.
    pub title: Option<String>,
}

impl Group {
    /// The title, or the ID when the group has no title: what to show people.
    pub fn label(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}

/// A view that pages through its entity groups, with the view's `nextPageToken`.
#[derive(Clone, Copy, Debug)]
pub enum GroupPages {}

/// A view that pages through the entities of its group, with the group's `nextPageToken`.
#[derive(Clone, Copy, Debug)]
pub enum EntityPages {}

/// A view that does not page.
#[derive(Clone, Copy, Debug)]
pub enum SinglePage {}

/// A response of several views, which does not page: the search's. Its `send` returns every
/// view of the response.
#[derive(Clone, Copy, Debug)]
pub enum ViewList {}

/// How a view pages: [`GroupPages`] or [`EntityPages`]. Sealed.
pub trait Paged: PagingKind + sealed::NextCursor + sealed::Style<Data = View> {}

impl Paged for GroupPages {}
impl Paged for EntityPages {}

/// The kind of a request: [`GroupPages`], [`EntityPages`] or [`SinglePage`], one for each
/// `x-paging` of the spec, and [`ViewList`] for a response of several views. Sealed.
pub trait PagingKind: sealed::Style {}

impl PagingKind for GroupPages {}
impl PagingKind for EntityPages {}
impl PagingKind for SinglePage {}
impl PagingKind for ViewList {}

pub(crate) mod sealed {
    use std::sync::Arc;

    use amazon_music_models::{Operation, PagingStyle, ResponseShape, View};
    use futures_util::future::BoxFuture;
    use serde::de::DeserializeOwned;

    use crate::options::RequestOptions;
    use crate::transport::Generated;

    /// The spec's `x-paging` and response shape a request type stands for, and what its
    /// `send` returns. Implemented in `views.rs`, beside the generated calls it dispatches to.
    pub trait Style: Send + 'static {
        /// The paging style.
        const STYLE: PagingStyle;
        /// What the `data` of the `200` holds.
        const SHAPE: ResponseShape;
        /// The envelope the `200` decodes into.
        type Envelope: DeserializeOwned + Send + 'static;
        /// What `send` returns: the envelope's `data`.
        type Data: Send + 'static;

        /// The envelope's `data`.
        fn data(envelope: Self::Envelope) -> Self::Data;

        /// Calls `operation` on the generated client, with `options`.
        fn dispatch(
            client: amazon_music_client::Client,
            operation: Operation,
            options: Arc<RequestOptions>,
        ) -> BoxFuture<'static, Generated<Self::Envelope>>;
    }

    /// Where a page's successor's cursor is.
    pub trait NextCursor: Send + 'static {
        /// The token of the page after `view`, if any.
        fn next_cursor(view: &View) -> Option<&str>;
    }

    impl NextCursor for super::GroupPages {
        fn next_cursor(view: &View) -> Option<&str> {
            view.content.next_page_token.as_deref()
        }
    }

    impl NextCursor for super::EntityPages {
        fn next_cursor(view: &View) -> Option<&str> {
            view.content
                .entity_groups
                .first()?
                .content
                .next_page_token
                .as_deref()
                .filter(|token| !token.is_empty())
        }
    }
}

/// What a page stream yields for each page: the view, or the response as received.
pub(crate) trait Page: Sized + Send + 'static {
    /// Sends `request` for one page.
    fn fetch<P: Paged>(request: &ViewRequest<P>) -> impl Future<Output = Result<Self>> + Send + '_;

    /// The cursor of the page after this one, as `P` pages.
    ///
    /// # Errors
    /// When the page does not say (a raw body that does not decode).
    fn next_cursor<P: Paged>(&self) -> Result<Option<String>>;
}

impl Page for View {
    fn fetch<P: Paged>(request: &ViewRequest<P>) -> impl Future<Output = Result<Self>> + Send + '_ {
        request.send()
    }

    fn next_cursor<P: Paged>(&self) -> Result<Option<String>> {
        Ok(ViewRequest::<P>::next_cursor(self).map(str::to_owned))
    }
}

impl Page for RawResponse {
    fn fetch<P: Paged>(request: &ViewRequest<P>) -> impl Future<Output = Result<Self>> + Send + '_ {
        request.send_raw()
    }

    fn next_cursor<P: Paged>(&self) -> Result<Option<String>> {
        let view = amazon_music_models::from_slice_lenient::<ViewResponse>(self.body())
            .map_err(|error| {
                amazon_music_models::leniently(|| {
                    crate::client_error::decode_error::<ViewResponse>(self.body(), &error)
                })
            })?
            .data;
        view.next_cursor::<P>()
    }
}

/// Where a page stream stands.
struct PageState<P> {
    /// The request for the next page; `None` once the stream is done.
    next: Option<ViewRequest<P>>,
    /// Every token sent so far, to catch a server that repeats one.
    seen: HashSet<String>,
    /// How many more pages may be fetched.
    pages_left: Option<usize>,
    /// An error to yield after the page just yielded.
    pending: Option<Error>,
}

/// The pages of `request`'s view, from its cursor on, as `T`s.
pub(crate) fn pages<P: Paged, T: Page>(request: ViewRequest<P>) -> BoxStream<'static, Result<T>> {
    let state = PageState {
        seen: request.options.cursor().into_iter().collect(),
        pages_left: request.options.max_pages,
        next: Some(request),
        pending: None,
    };
    stream::unfold(state, |mut state| async move {
        if let Some(error) = state.pending.take() {
            return Some((Err(error), state));
        }
        if state.pages_left == Some(0) {
            return None;
        }
        let request = state.next.take()?;
        state.pages_left = state.pages_left.map(|left| left - 1);
        let page = match T::fetch(&request).await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), state)),
        };
        match page.next_cursor::<P>() {
            Ok(None) => {}
            Ok(Some(token)) if state.seen.contains(&token) => {
                state.pending = Some(Error::PaginationLoop { token });
            }
            Ok(Some(token)) => {
                state.seen.insert(token.clone());
                state.next = Some(request.with_cursor(token));
            }
            Err(error) => state.pending = Some(error),
        }
        Some((Ok(page), state))
    })
    .boxed()
}

/// The entities of the paged groups of every page of `request`'s view: every group, or the
/// first one only (found again by its ID on later pages), as the operation's `x-paging-groups`
/// says.
pub(crate) fn entities(request: ViewRequest<EntityPages>) -> BoxStream<'static, Result<Entity>> {
    let max_items = request.options.max_items;
    let first_only = request.operation().paged_groups() == CursorGroups::First;
    let mut paged_group: Option<String> = None;
    let entities = pages::<_, View>(request)
        .map_ok(move |view| {
            let mut groups = view.content.entity_groups;
            if first_only {
                let id = paged_group
                    .get_or_insert_with(|| {
                        groups
                            .first()
                            .map(|group| group.id.clone())
                            .unwrap_or_default()
                    })
                    .clone();
                let index = groups.iter().position(|group| group.id == id).unwrap_or(0);
                groups = groups.into_iter().skip(index).take(1).collect();
            }
            let entities = groups.into_iter().flat_map(|group| group.content.entities);
            stream::iter(entities.map(Ok::<_, Error>))
        })
        .try_flatten();
    match max_items {
        Some(max_items) => entities.take(max_items).boxed(),
        None => entities.boxed(),
    }
}

/// The entities of every group of every page of `request`'s view, each group paged to its end
/// through the view's group operation, up to the request's concurrency at once.
pub(crate) fn entities_by_group(
    request: ViewRequest<GroupPages>,
) -> BoxStream<'static, Result<(Arc<Group>, Entity)>> {
    let concurrency = request.options.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    let client = request.client.clone();
    let group_operation = request.operation().group_operation();
    let options = request.options.clone();
    pages::<_, View>(request)
        .flat_map(move |page| {
            let groups: Vec<BoxStream<'static, _>> = match page {
                Err(error) => vec![stream::once(future::ready(Err(error))).boxed()],
                Ok(view) => view
                    .content
                    .entity_groups
                    .into_iter()
                    .map(|group| {
                        let rest = group_operation
                            .zip(group.content.next_page_token.clone())
                            .map(|(operation, token)| {
                                let options = options.for_group(operation, group.id.clone(), token);
                                ViewRequest::<EntityPages>::with_options(
                                    &client, operation, options,
                                )
                            });
                        group_chain(group, rest)
                    })
                    .collect(),
            };
            stream::iter(groups)
        })
        .flatten_unordered(concurrency)
        .boxed()
}

/// The entities of every group of every view of `request`'s response, in order, each with
/// its group: one request, sent when the stream is first polled.
pub(crate) fn view_list_entities(
    request: ViewRequest<ViewList>,
) -> BoxStream<'static, Result<(Arc<Group>, Entity)>> {
    stream::once(async move { request.send().await })
        .map_ok(|views| {
            let pairs = views
                .into_iter()
                .flat_map(|view| view.content.entity_groups)
                .flat_map(|group| {
                    let tag = Arc::new(Group {
                        id: group.id,
                        title: group.title,
                    });
                    group
                        .content
                        .entities
                        .into_iter()
                        .map(move |entity| Ok((Arc::clone(&tag), entity)))
                });
            stream::iter(pairs)
        })
        .try_flatten()
        .boxed()
}

/// One group's entities, tagged with its ID and title: those `group` holds, then those of
/// `rest`, the request for the group's next pages, if there are more. `rest`'s error names the
/// group.
fn group_chain(
    group: EntityGroup,
    rest: Option<ViewRequest<EntityPages>>,
) -> BoxStream<'static, Result<(Arc<Group>, Entity)>> {
    let tag = Arc::new(Group {
        id: group.id,
        title: group.title,
    });
    let first = stream::iter(group.content.entities).map(Ok);
    let rest = stream::iter(rest).flat_map(entities);
    first
        .chain(rest)
        .map(move |entity| match entity {
            Ok(entity) => Ok((Arc::clone(&tag), entity)),
            Err(error) => Err(Error::Group {
                group: tag.id.clone(),
                source: Box::new(error),
            }),
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::Group;

    #[test]
    fn a_group_is_labelled_by_its_title_or_else_its_id() {
        let titled = Group {
            id: "top-hits".to_owned(),
            title: Some("Top hits".to_owned()),
        };
        assert_eq!(titled.label(), "Top hits");
        let untitled = Group {
            id: "songs".to_owned(),
            title: None,
        };
        assert_eq!(untitled.label(), "songs");
    }
}
