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
//! | `entities` | [`ViewRequest<EntityPages>`] | the first group's `nextPageToken` that is set (more entities) |
//! | `none` | [`ViewRequest<SinglePage>`] | (none) |
//!
//! Each view method says which it is ("pages through groups", "pages through entities", "one
//! page"), and [`Operation::paging`](crate::Operation::paging) says it at run time. What
//! `limit` counts depends on the view and is in each method's description: entities per group
//! on home, podcasts and library, groups on an artist, entities elsewhere.
//!
//! What the API does not allow: paging inside one group of a multi-group view (the groups of
//! home, podcasts and library page through their `/{groupId}` views instead, which is what
//! [`home_group`] and its siblings are for), and paging inside an artist's groups at all: no
//! documented path takes an artist's group ID. The album view documents no `cursor` or
//! `limit`. Where a single-group view holds several groups with tokens (the library podcasts
//! view has one for episodes and one for shows), there is still one `cursor`; the SDK follows
//! the first group's token.
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

use amazon_music_models::View;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::{Entity, Error, Result, ViewRequest};

/// A view that pages through its entity groups, with the view's `nextPageToken`.
#[derive(Clone, Copy, Debug)]
pub enum GroupPages {}

/// A view that pages through the entities of its group, with the group's `nextPageToken`.
#[derive(Clone, Copy, Debug)]
pub enum EntityPages {}

/// A view that does not page.
#[derive(Clone, Copy, Debug)]
pub enum SinglePage {}

/// How a view pages: [`GroupPages`] or [`EntityPages`]. Sealed.
pub trait Paging: RequestPaging + sealed::NextCursor {}

impl Paging for GroupPages {}
impl Paging for EntityPages {}

/// The paging of a request: [`GroupPages`], [`EntityPages`] or [`SinglePage`], one for each
/// `x-paging` of the spec. Sealed.
pub trait RequestPaging: sealed::Style {}

impl RequestPaging for GroupPages {}
impl RequestPaging for EntityPages {}
impl RequestPaging for SinglePage {}

mod sealed {
    use amazon_music_models::{PagingStyle, View};

    /// The spec's `x-paging` a request type stands for.
    pub trait Style: Send + 'static {
        /// The paging style.
        const STYLE: PagingStyle;
    }

    impl Style for super::GroupPages {
        const STYLE: PagingStyle = PagingStyle::Groups;
    }

    impl Style for super::EntityPages {
        const STYLE: PagingStyle = PagingStyle::Entities;
    }

    impl Style for super::SinglePage {
        const STYLE: PagingStyle = PagingStyle::None;
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
            view.content.entity_groups.iter().find_map(|group| {
                group
                    .content
                    .next_page_token
                    .as_deref()
                    .filter(|token| !token.is_empty())
            })
        }
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

/// The pages of `request`'s view, from its cursor on.
pub(crate) fn pages<P: Paging>(request: ViewRequest<P>) -> BoxStream<'static, Result<View>> {
    let state = PageState {
        seen: request.options.cursor.iter().cloned().collect(),
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
        let view = match request.send().await {
            Ok(view) => view,
            Err(error) => return Some((Err(error), state)),
        };
        match ViewRequest::<P>::next_cursor(&view) {
            None => {}
            Some(token) if state.seen.contains(token) => {
                state.pending = Some(Error::PaginationLoop {
                    token: token.to_owned(),
                });
            }
            Some(token) => {
                state.seen.insert(token.to_owned());
                state.next = Some(request.with_cursor(token.to_owned()));
            }
        }
        Some((Ok(view), state))
    })
    .boxed()
}

/// Every entity of every group of every page of `request`'s view.
pub(crate) fn entities(request: ViewRequest<EntityPages>) -> BoxStream<'static, Result<Entity>> {
    let max_items = request.options.max_items;
    let entities = pages(request)
        .map_ok(|view| {
            let entities = view
                .content
                .entity_groups
                .into_iter()
                .flat_map(|group| group.content.entities);
            stream::iter(entities.map(Ok::<_, Error>))
        })
        .try_flatten();
    match max_items {
        Some(max_items) => entities.take(max_items).boxed(),
        None => entities.boxed(),
    }
}
