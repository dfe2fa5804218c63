//! The sixteen view operations: one request builder shape for all of them.

use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::sync::Arc;

use amazon_music_models::{View, ViewResponse};
use futures_util::stream::BoxStream;

use crate::pagination::{self, EntityPages, GroupPages, Paging, SinglePage};
use crate::transport::{Generated, Operation};
use crate::{Client, Entity, Error, Result};

/// Which view an operation reads, and what the spec says of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Home,
    HomeGroup,
    Podcasts,
    PodcastsGroup,
    Library,
    LibraryGroup,
    Artist,
    Album,
    Playlist,
    PodcastShow,
    LibraryAlbums,
    LibraryArtists,
    LibrarySongs,
    LibraryPlaylists,
    LibraryPodcasts,
    RecentlyPlayed,
}

impl Endpoint {
    /// The operation's name (its `operationId`) and path template, for tracing and errors.
    fn operation(self) -> Operation {
        let (name, path) = match self {
            Self::Home => ("getHomeView", "/v1/views/home"),
            Self::HomeGroup => ("getHomeGroup", "/v1/views/home/{groupId}"),
            Self::Podcasts => ("getPodcastsView", "/v1/views/podcasts"),
            Self::PodcastsGroup => ("getPodcastsGroup", "/v1/views/podcasts/{groupId}"),
            Self::Library => ("getLibraryView", "/v1/views/library"),
            Self::LibraryGroup => ("getLibraryGroup", "/v1/views/library/{groupId}"),
            Self::Artist => ("getArtistView", "/v1/views/artists/{id}"),
            Self::Album => ("getAlbumView", "/v1/views/albums/{id}"),
            Self::Playlist => ("getPlaylistView", "/v1/views/playlists/{id}"),
            Self::PodcastShow => ("getPodcastShowView", "/v1/views/podcasts/shows/{id}"),
            Self::LibraryAlbums => ("getLibraryAlbumsView", "/v1/views/library/albums"),
            Self::LibraryArtists => ("getLibraryArtistsView", "/v1/views/library/artists"),
            Self::LibrarySongs => ("getLibrarySongsView", "/v1/views/library/songs"),
            Self::LibraryPlaylists => ("getLibraryPlaylistsView", "/v1/views/library/playlists"),
            Self::LibraryPodcasts => ("getLibraryPodcastsView", "/v1/views/library/podcasts"),
            Self::RecentlyPlayed => ("getRecentlyPlayedView", "/v1/views/recent"),
        };
        Operation { name, path }
    }

    /// The largest `limit` the spec allows, where it sets one.
    fn max_limit(self) -> Option<u32> {
        match self {
            Self::Home
            | Self::HomeGroup
            | Self::Library
            | Self::LibraryGroup
            | Self::LibraryArtists
            | Self::LibraryPodcasts => Some(10),
            _ => None,
        }
    }
}

/// A request for one view: set what it takes, then send it.
///
/// `P` says how the view pages (see the [`pagination`](crate::pagination) module): every
/// request has [`send`](Self::send); paged ones also take `limit` and `cursor` and have
/// [`pages`](Self::pages); those whose entities page have [`entities`](Self::entities) too.
#[must_use = "a request does nothing until it is sent"]
#[derive(Clone, Debug)]
pub struct ViewRequest<P> {
    client: Client,
    endpoint: Endpoint,
    pub(crate) options: RequestOptions,
    paging: PhantomData<fn() -> P>,
}

/// The parameters of one request.
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestOptions {
    id: Option<String>,
    pub(crate) cursor: Option<String>,
    limit: Option<u32>,
    locale: Option<String>,
    image_style: Option<String>,
    pub(crate) max_items: Option<usize>,
    pub(crate) max_pages: Option<usize>,
}

impl<P> ViewRequest<P> {
    fn new(client: &Client, endpoint: Endpoint, id: Option<String>) -> Self {
        let options = RequestOptions {
            id,
            locale: client.defaults.locale.clone(),
            image_style: client.defaults.image_style.clone(),
            ..RequestOptions::default()
        };
        Self {
            client: client.clone(),
            endpoint,
            options,
            paging: PhantomData,
        }
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

    /// Sends the request and returns one page of the view.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] before anything is sent when a parameter is out of bounds;
    /// otherwise whatever the call ends with after its retries (see [`Error`]).
    pub async fn send(&self) -> Result<View> {
        self.validate()?;
        let endpoint = self.endpoint;
        let options = Arc::new(self.options.clone());
        let response: ViewResponse = self
            .client
            .transport
            .send(endpoint.operation(), move |client| {
                let options = Arc::clone(&options);
                async move { dispatch(client, endpoint, &options).await }
            })
            .await?;
        Ok(response.data)
    }

    /// Checks the parameters against what the spec allows, before anything is sent.
    fn validate(&self) -> Result<()> {
        let name = self.endpoint.operation().name;
        if let Some(id) = &self.options.id
            && matches!(id.as_str(), "" | "." | "..")
        {
            return Err(Error::invalid_request(format!(
                "{name}: the id {id:?} cannot name a resource"
            )));
        }
        if let Some(limit) = self.options.limit {
            if limit == 0 {
                return Err(Error::invalid_request(format!(
                    "{name}: limit must be at least 1"
                )));
            }
            if let Some(max) = self.endpoint.max_limit().filter(|max| limit > *max) {
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

/// Calls the generated operation for `endpoint` with `options`.
async fn dispatch(
    client: amazon_music_client::Client,
    endpoint: Endpoint,
    options: &RequestOptions,
) -> Generated<ViewResponse> {
    // Every generated builder has the same optional setters, on sixteen different types.
    macro_rules! send {
        ($builder:expr) => {{
            let mut builder = $builder;
            if let Some(locale) = &options.locale {
                builder = builder.accept_language(locale.clone());
            }
            if let Some(image_style) = &options.image_style {
                builder = builder.amzn_image_style(image_style.clone());
            }
            builder.send().await
        }};
        ($builder:expr, paged) => {{
            let mut builder = $builder;
            if let Some(cursor) = &options.cursor {
                builder = builder.cursor(cursor.clone());
            }
            if let Some(limit) = options.limit.and_then(NonZeroU32::new) {
                builder = builder.limit(limit);
            }
            send!(builder)
        }};
    }
    let id = options.id.clone().unwrap_or_default();
    match endpoint {
        Endpoint::Home => send!(client.get_home_view(), paged),
        Endpoint::HomeGroup => send!(client.get_home_group().group_id(id), paged),
        Endpoint::Podcasts => send!(client.get_podcasts_view(), paged),
        Endpoint::PodcastsGroup => send!(client.get_podcasts_group().group_id(id), paged),
        Endpoint::Library => send!(client.get_library_view(), paged),
        Endpoint::LibraryGroup => send!(client.get_library_group().group_id(id), paged),
        Endpoint::Artist => send!(client.get_artist_view().id(id), paged),
        Endpoint::Album => send!(client.get_album_view().id(id)),
        Endpoint::Playlist => send!(client.get_playlist_view().id(id), paged),
        Endpoint::PodcastShow => send!(client.get_podcast_show_view().id(id), paged),
        Endpoint::LibraryAlbums => send!(client.get_library_albums_view(), paged),
        Endpoint::LibraryArtists => send!(client.get_library_artists_view(), paged),
        Endpoint::LibrarySongs => send!(client.get_library_songs_view(), paged),
        Endpoint::LibraryPlaylists => send!(client.get_library_playlists_view(), paged),
        Endpoint::LibraryPodcasts => send!(client.get_library_podcasts_view(), paged),
        Endpoint::RecentlyPlayed => send!(client.get_recently_played_view(), paged),
    }
}

/// The views, one method each.
impl Client {
    /// The home view: personalized recommendations in groups; pages through groups.
    pub fn home(&self) -> ViewRequest<GroupPages> {
        ViewRequest::new(self, Endpoint::Home, None)
    }

    /// One group of the home view, by its `EntityGroup.id`; pages through its entities.
    pub fn home_group(&self, group_id: impl Into<String>) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::HomeGroup, Some(group_id.into()))
    }

    /// The podcasts view: podcast recommendations in groups; pages through groups.
    pub fn podcasts(&self) -> ViewRequest<GroupPages> {
        ViewRequest::new(self, Endpoint::Podcasts, None)
    }

    /// One group of the podcasts view, by its `EntityGroup.id`; pages through its entities.
    pub fn podcasts_group(&self, group_id: impl Into<String>) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::PodcastsGroup, Some(group_id.into()))
    }

    /// The library view: the user and their library in groups; pages through groups.
    pub fn library(&self) -> ViewRequest<GroupPages> {
        ViewRequest::new(self, Endpoint::Library, None)
    }

    /// One group of the library view, by its `EntityGroup.id`; pages through its entities.
    pub fn library_group(&self, group_id: impl Into<String>) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibraryGroup, Some(group_id.into()))
    }

    /// An artist's details view, by ASIN; pages through groups (not through a group's entities).
    pub fn artist(&self, id: impl Into<String>) -> ViewRequest<GroupPages> {
        ViewRequest::new(self, Endpoint::Artist, Some(id.into()))
    }

    /// An album's details view with its tracks, by ASIN; one page.
    pub fn album(&self, id: impl Into<String>) -> ViewRequest<SinglePage> {
        ViewRequest::new(self, Endpoint::Album, Some(id.into()))
    }

    /// A playlist's details view, by ID; pages through its tracks.
    pub fn playlist(&self, id: impl Into<String>) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::Playlist, Some(id.into()))
    }

    /// A podcast show's details view, by UUID; pages through its episodes.
    pub fn podcast_show(&self, id: impl Into<String>) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::PodcastShow, Some(id.into()))
    }

    /// The albums in the user's library; pages through them.
    pub fn library_albums(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibraryAlbums, None)
    }

    /// The artists the user follows; pages through them.
    pub fn library_artists(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibraryArtists, None)
    }

    /// The songs in the user's library; pages through them.
    pub fn library_songs(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibrarySongs, None)
    }

    /// The playlists the user follows; pages through them.
    pub fn library_playlists(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibraryPlaylists, None)
    }

    /// The podcast shows and episodes the user follows or liked; pages through them.
    pub fn library_podcasts(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::LibraryPodcasts, None)
    }

    /// What the user played recently; pages through it.
    pub fn recently_played(&self) -> ViewRequest<EntityPages> {
        ViewRequest::new(self, Endpoint::RecentlyPlayed, None)
    }
}
