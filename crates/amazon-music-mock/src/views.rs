//! The view operations, paged as the `amazon-music` crate's `pagination` module
//! documents:
//!
//! | views | `limit` counts | `cursor` / `nextPageToken` |
//! |---|---|---|
//! | home, podcasts, library | entities per group | the view's token: the next [`GROUPS_PER_PAGE`] groups |
//! | artist | groups | the view's token: the next groups |
//! | home, podcasts, library `/{groupId}` | entities | the group's token |
//! | playlist, podcast show | tracks or episodes | the first group's token; a second group (similar playlists or shows, the first three, with a token of its own that this view refuses) comes with every page |
//! | library albums, artists, songs, playlists, recent | entities | the group's token |
//! | library podcasts | episodes and shows (each) | the first group's token, set while either group has more |
//! | album | (not read) | (none) |
//! | search | entities per group | (none): one response of one `catalog` view |
//!
//! A group's token in the home, podcasts or library view is the cursor of the next page of its
//! `/{groupId}` view; a library group named `albums`, `artists`, `songs` or `playlists` (which
//! the literal paths shadow) continues in the library view of that name.

use amazon_music_models::{EntityGroup, EntityGroupContent, View, ViewContent};
use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::MockState;
use crate::catalog::{Catalog, Details, Group};
use crate::catalog::{Data, Envelope, Examples};
use crate::error::ApiError;
use crate::locale::{ImageStyle, Locale, localize};
use crate::operation::Operation;
use crate::paging::{self, CURSOR, CursorStyle, Listing, QueryValues, slice, token};

/// How many groups a page of the home, podcasts and library views holds.
pub(crate) const GROUPS_PER_PAGE: usize = 3;

/// The query parameters as sent, in order.
type QueryPairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// A page asked for: where it starts, and how many items it holds.
struct Page {
    cursor: Option<String>,
    limit: usize,
    style: CursorStyle,
}

impl Page {
    /// Where the page starts in the list named `scope`.
    fn offset(&self, scope: &str) -> Result<usize, ApiError> {
        paging::position(self.style, scope, self.cursor.as_deref())
    }
}

/// The page `query` (checked already) asks for.
fn page(catalog: &Catalog, query: &QueryValues) -> Page {
    Page {
        limit: query.limit(),
        cursor: query.get(CURSOR).map(str::to_owned),
        style: catalog.cursor_style,
    }
}

/// The answer: the view or views in the locale and image style asked for, or the error.
fn answer(uri: &Uri, headers: &HeaderMap, data: Result<Data, ApiError>) -> Response {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let locale = Locale::from_header(header(header::ACCEPT_LANGUAGE.as_str()));
    let style = ImageStyle::from_header(header("amzn-image-style"));
    match data {
        Ok(mut data) => {
            let views = match &mut data {
                Data::View(view) => std::slice::from_mut(view.as_mut()),
                Data::Views(views) => views.as_mut_slice(),
            };
            for view in views {
                localize(view, locale, style.as_ref());
            }
            let mut response = Json(Envelope { data }).into_response();
            if let Ok(tag) = HeaderValue::from_str(&locale.tag()) {
                response.headers_mut().insert(header::CONTENT_LANGUAGE, tag);
            }
            response
        }
        Err(error) => error.at(uri.path()).into_response(),
    }
}

/// One page of `group`'s entities, from `offset`; its token continues in the list `scope`.
fn emit(
    group: &Group,
    offset: usize,
    limit: usize,
    scope: &str,
    style: CursorStyle,
) -> EntityGroup {
    let (entities, next) = slice(&group.entities, offset, limit);
    EntityGroup {
        type_: "EntityGroup".to_owned(),
        id: group.id.clone(),
        title: group.title.clone(),
        view_type: group.view_type.clone(),
        content: EntityGroupContent {
            type_: group.typed.then(|| "EntityGroupContent".to_owned()),
            next_page_token: next.map(|next| token(style, Listing::Entities, scope, next)),
            entities: entities.to_vec(),
        },
    }
}

/// A view with no entity, holding `groups`.
fn view(id: &str, title: Option<&str>, groups: Vec<EntityGroup>, next: Option<String>) -> View {
    View {
        type_: "View".to_owned(),
        id: id.to_owned(),
        title: title.map(str::to_owned),
        images: Some(Vec::new()),
        entity: None,
        content: ViewContent {
            type_: "ViewContent".to_owned(),
            next_page_token: next,
            entity_groups: groups,
        },
    }
}

/// A library view: the user as its entity.
fn library_view(
    catalog: &Catalog,
    id: &str,
    title: &str,
    groups: Vec<EntityGroup>,
    next: Option<String>,
) -> View {
    View {
        entity: Some(amazon_music_models::Entity::User(catalog.user.clone())),
        ..view(id, Some(title), groups, next)
    }
}

/// A page of groups of a view that pages groups, each group's entities bounded by `limit`.
fn group_pages(
    groups: &[&Group],
    page: &Page,
    scope: &str,
    group_scope: impl Fn(&Group) -> String,
) -> Result<(Vec<EntityGroup>, Option<String>), ApiError> {
    let (groups, next) = slice(groups, page.offset(scope)?, GROUPS_PER_PAGE);
    let groups = groups
        .iter()
        .map(|group| emit(group, 0, page.limit, &group_scope(group), page.style))
        .collect();
    let next = next.map(|next| token(page.style, Listing::Groups, scope, next));
    Ok((groups, next))
}

/// The group `id` of `groups`, one page of it.
fn one_group(
    groups: &[&Group],
    id: &str,
    page: &Page,
    scope: &str,
    what: &str,
) -> Result<EntityGroup, ApiError> {
    let group = groups
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| ApiError::not_found(format!("No {what} group has the ID {id:?}.")))?;
    Ok(emit(
        group,
        page.offset(scope)?,
        page.limit,
        scope,
        page.style,
    ))
}

/// How many related entities (similar playlists or shows) a details page shows.
const RELATED_PER_PAGE: usize = 3;

/// A details view of `details`: one page of its group's entities, and, on every page, the
/// first related entities with a token of their own, which this view's cursor refuses
/// (`x-paging-groups: first`).
fn details_page(details: Details, page: &Page, scope: &str) -> Result<View, ApiError> {
    let Details {
        mut view,
        group,
        related,
    } = details;
    view.content.entity_groups = vec![emit(
        &group,
        page.offset(scope)?,
        page.limit,
        scope,
        page.style,
    )];
    if let Some(related) = related {
        let related_scope = format!("{scope}/{}", related.id);
        view.content.entity_groups.push(emit(
            &related,
            0,
            RELATED_PER_PAGE,
            &related_scope,
            page.style,
        ));
    }
    view.content.next_page_token = None;
    Ok(view)
}

/// The same group, with another ID and title.
fn renamed(group: &Group, id: &str, title: Option<&str>) -> Group {
    Group {
        id: id.to_owned(),
        title: title.map(str::to_owned),
        ..group.clone()
    }
}

/// Serves `operation`: the catalog's handler for it, or the spec's example response for an
/// operation the catalog has no handler for. Every route of the operation table comes here.
pub(crate) async fn serve(
    operation: Operation,
    State(state): State<MockState>,
    uri: Uri,
    headers: HeaderMap,
    path: Result<Path<Vec<String>>, PathRejection>,
    query: QueryPairs,
) -> Response {
    let query = match query {
        Ok(Query(pairs)) => QueryValues::read(operation, pairs),
        Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
    };
    let query = match query {
        Ok(query) => query,
        Err(error) => return answer(&uri, &headers, Err(error)),
    };
    let query = &query;
    let arguments = match path {
        Ok(Path(arguments)) => arguments,
        Err(_) if operation.spec().path_parameters.is_empty() => Vec::new(),
        Err(rejection) => {
            return answer(
                &uri,
                &headers,
                Err(ApiError::bad_request(rejection.body_text())),
            );
        }
    };
    let id = arguments.first().map(String::as_str).unwrap_or_default();
    let catalog = state.catalog();
    let result = match operation {
        Operation::Search => Ok(Data::Views(vec![search(catalog, query)])),
        other => match view_of(other, catalog, id, query) {
            Some(view) => view.map(|view| Data::View(Box::new(view))),
            None => example(other),
        },
    };
    answer(&uri, &headers, result)
}

/// Serves `operation`, one of one view, from the catalog; `None` for an operation the catalog
/// has no handler for.
fn view_of(
    operation: Operation,
    catalog: &Catalog,
    id: &str,
    query: &QueryValues,
) -> Option<Result<View, ApiError>> {
    Some(match operation {
        Operation::Home => home(catalog, query),
        Operation::HomeGroup => home_group(catalog, id, query),
        Operation::Podcasts => podcasts(catalog, query),
        Operation::PodcastsGroup => podcasts_group(catalog, id, query),
        Operation::Library => library(catalog, query),
        Operation::LibraryGroup => library_group(catalog, id, query),
        Operation::LibraryAlbums => library_list(LibraryList::Albums, catalog, query),
        Operation::LibraryArtists => library_list(LibraryList::Artists, catalog, query),
        Operation::LibrarySongs => library_list(LibraryList::Songs, catalog, query),
        Operation::LibraryPlaylists => library_list(LibraryList::Playlists, catalog, query),
        Operation::LibraryPodcasts => library_podcasts(catalog, query),
        Operation::RecentlyPlayed => recent(catalog, query),
        Operation::Artist => artist(catalog, id, query),
        Operation::Album => album(catalog, id),
        Operation::Playlist => playlist(catalog, id, query),
        Operation::PodcastShow => podcast_show(catalog, id, query),
        _ => return None,
    })
}

/// An operation the catalog has no handler for: the spec's example response for it (its query
/// parameters are checked like any other's).
fn example(operation: Operation) -> Result<Data, ApiError> {
    Examples::get()
        .ok()
        .and_then(|examples| examples.response(operation.operation_id()).cloned())
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "The spec has no example response for {operation}, and the mock no data."
            ))
        })
}

/// `GET /v1/search`: the catalog's view of what matches `query`, `limit` entities per group.
fn search(catalog: &Catalog, query: &QueryValues) -> View {
    catalog.search(query.get("query").unwrap_or_default(), query.limit())
}

/// `GET /v1/views/home`.
fn home(catalog: &Catalog, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let groups: Vec<&Group> = catalog.home.iter().collect();
    let (groups, next) = group_pages(&groups, &page, "home", |group| format!("home/{}", group.id))?;
    Ok(view("home", None, groups, next))
}

/// `GET /v1/views/home/{groupId}`.
fn home_group(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let groups: Vec<&Group> = catalog.home.iter().collect();
    let group = one_group(&groups, id, &page, &format!("home/{id}"), "home")?;
    Ok(view("home", None, vec![group], None))
}

/// `GET /v1/views/podcasts`.
fn podcasts(catalog: &Catalog, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let groups: Vec<&Group> = catalog.podcasts.iter().collect();
    let (groups, next) = group_pages(&groups, &page, "podcasts", |group| {
        format!("podcasts/{}", group.id)
    })?;
    Ok(view("podcasts", None, groups, next))
}

/// `GET /v1/views/podcasts/{groupId}`.
fn podcasts_group(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let groups: Vec<&Group> = catalog.podcasts.iter().collect();
    let group = one_group(&groups, id, &page, &format!("podcasts/{id}"), "podcasts")?;
    Ok(view("podcasts", None, vec![group], None))
}

/// `GET /v1/views/library`.
fn library(catalog: &Catalog, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let groups = catalog.library_groups();
    let (groups, next) = group_pages(&groups, &page, "library", |group| {
        format!("library/{}", group.id)
    })?;
    Ok(library_view(catalog, "library", "Library", groups, next))
}

/// `GET /v1/views/library/{groupId}`.
fn library_group(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let mut groups = catalog.library_groups().to_vec();
    groups.push(&catalog.episodes);
    let group = one_group(&groups, id, &page, &format!("library/{id}"), "library")?;
    Ok(library_view(
        catalog,
        "library",
        "Library",
        vec![group],
        None,
    ))
}

/// The library views of one list each: albums, artists, songs, playlists.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LibraryList {
    Albums,
    Artists,
    Songs,
    Playlists,
}

/// What one [`LibraryList`] view is made of.
struct LibraryListView {
    view_id: &'static str,
    view_title: &'static str,
    group_id: &'static str,
    group_title: Option<&'static str>,
}

impl LibraryList {
    fn describe(self) -> LibraryListView {
        let (view_id, view_title, group_id, group_title) = match self {
            Self::Albums => ("library-albums", "Albums", "albums", None),
            Self::Artists => ("library-artists", "Artists", "followed-artists", None),
            Self::Songs => ("library-songs", "Songs", "songs", None),
            Self::Playlists => (
                "library-playlists",
                "Playlists",
                "your-playlists",
                Some("Your Playlists"),
            ),
        };
        LibraryListView {
            view_id,
            view_title,
            group_id,
            group_title,
        }
    }

    fn list(self, catalog: &Catalog) -> &Group {
        match self {
            Self::Albums => &catalog.albums,
            Self::Artists => &catalog.artists,
            Self::Songs => &catalog.songs,
            Self::Playlists => &catalog.playlists,
        }
    }
}

/// `GET /v1/views/library/albums`, `.../artists`, `.../songs` and `.../playlists`: one list
/// each, in one group.
fn library_list(
    which: LibraryList,
    catalog: &Catalog,
    query: &QueryValues,
) -> Result<View, ApiError> {
    let view = which.describe();
    let list = which.list(catalog);
    let shown = renamed(list, view.group_id, view.group_title);
    let page = page(catalog, query);
    let scope = format!("library/{}", list.id);
    let group = emit(&shown, page.offset(&scope)?, page.limit, &scope, page.style);
    Ok(library_view(
        catalog,
        view.view_id,
        view.view_title,
        vec![group],
        None,
    ))
}

/// `GET /v1/views/library/podcasts`: episodes and shows, paged together; only the first
/// group carries the token.
fn library_podcasts(catalog: &Catalog, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let scope = "library/podcasts";
    let offset = page.offset(scope)?;
    let mut episodes = emit(&catalog.episodes, offset, page.limit, scope, page.style);
    let mut shows = emit(&catalog.shows, offset, page.limit, scope, page.style);
    episodes.content.next_page_token = episodes
        .content
        .next_page_token
        .or(shows.content.next_page_token.take());
    Ok(library_view(
        catalog,
        "library-podcasts",
        "Podcasts",
        vec![episodes, shows],
        None,
    ))
}

/// `GET /v1/views/recent`.
fn recent(catalog: &Catalog, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let group = emit(
        &catalog.recent,
        page.offset("recent")?,
        page.limit,
        "recent",
        page.style,
    );
    Ok(View {
        images: None,
        ..view("recent", Some("Recently Played"), vec![group], None)
    })
}

/// `GET /v1/views/artists/{id}`: `limit` counts groups.
fn artist(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let (mut view, groups) = catalog
        .artist(id)
        .ok_or_else(|| ApiError::not_found(format!("No artist has the ID {id:?}.")))?;
    let scope = format!("artist/{id}");
    let (groups, next) = slice(&groups, page.offset(&scope)?, page.limit);
    view.content.entity_groups = groups.to_vec();
    view.content.next_page_token =
        next.map(|next| token(page.style, Listing::Groups, &scope, next));
    Ok(view)
}

/// `GET /v1/views/albums/{id}`: no paging; `cursor` and `limit` are not read.
fn album(catalog: &Catalog, id: &str) -> Result<View, ApiError> {
    catalog
        .album(id)
        .ok_or_else(|| ApiError::not_found(format!("No album has the ID {id:?}.")))
}

/// `GET /v1/views/playlists/{id}`.
fn playlist(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let details = catalog
        .playlist(id)
        .ok_or_else(|| ApiError::not_found(format!("No playlist has the ID {id:?}.")))?;
    details_page(details, &page, &format!("playlist/{id}"))
}

/// `GET /v1/views/podcasts/shows/{id}`.
fn podcast_show(catalog: &Catalog, id: &str, query: &QueryValues) -> Result<View, ApiError> {
    let page = page(catalog, query);
    let details = catalog
        .podcast_show(id)
        .ok_or_else(|| ApiError::not_found(format!("No podcast show has the ID {id:?}.")))?;
    details_page(details, &page, &format!("show/{id}"))
}

/// Any other path or method: `404 NOT_FOUND` (or `405`), naming the request.
pub(crate) async fn not_found(uri: Uri, method: axum::http::Method) -> Response {
    ApiError::not_found(format!(
        "The mock has no route for {method} {}.",
        uri.path()
    ))
    .at(uri.path())
    .into_response()
}

/// A known path with a method it does not take: `405 METHOD_NOT_ALLOWED`.
pub(crate) async fn method_not_allowed(uri: Uri, method: axum::http::Method) -> Response {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("{} does not take {method}.", uri.path()),
    )
    .at(uri.path())
    .into_response()
}
