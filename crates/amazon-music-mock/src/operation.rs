//! The sixteen view operations, named as the spec names them, and which one a path calls.

use std::fmt;
use std::str::FromStr;

/// One of the spec's sixteen view operations.
///
/// Names a fault's scope ([`Fault::on_operation`](crate::Fault::on_operation)) and the
/// operation a [`ReceivedRequest`](crate::ReceivedRequest) called. `Display` and `FromStr` use
/// the spec's `operationId` (e.g. `getLibrarySongsView`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /v1/views/home` (`getHomeView`).
    Home,
    /// `GET /v1/views/home/{groupId}` (`getHomeGroup`).
    HomeGroup,
    /// `GET /v1/views/podcasts` (`getPodcastsView`).
    Podcasts,
    /// `GET /v1/views/podcasts/{groupId}` (`getPodcastsGroup`).
    PodcastsGroup,
    /// `GET /v1/views/library` (`getLibraryView`).
    Library,
    /// `GET /v1/views/library/{groupId}` (`getLibraryGroup`).
    LibraryGroup,
    /// `GET /v1/views/artists/{id}` (`getArtistView`).
    Artist,
    /// `GET /v1/views/albums/{id}` (`getAlbumView`).
    Album,
    /// `GET /v1/views/playlists/{id}` (`getPlaylistView`).
    Playlist,
    /// `GET /v1/views/podcasts/shows/{id}` (`getPodcastShowView`).
    PodcastShow,
    /// `GET /v1/views/library/albums` (`getLibraryAlbumsView`).
    LibraryAlbums,
    /// `GET /v1/views/library/artists` (`getLibraryArtistsView`).
    LibraryArtists,
    /// `GET /v1/views/library/songs` (`getLibrarySongsView`).
    LibrarySongs,
    /// `GET /v1/views/library/playlists` (`getLibraryPlaylistsView`).
    LibraryPlaylists,
    /// `GET /v1/views/library/podcasts` (`getLibraryPodcastsView`).
    LibraryPodcasts,
    /// `GET /v1/views/recent` (`getRecentlyPlayedView`).
    RecentlyPlayed,
}

impl Operation {
    /// Every operation, in the spec's order.
    pub const ALL: [Operation; 16] = [
        Self::Home,
        Self::HomeGroup,
        Self::Podcasts,
        Self::PodcastsGroup,
        Self::Library,
        Self::LibraryGroup,
        Self::Artist,
        Self::Album,
        Self::Playlist,
        Self::PodcastShow,
        Self::LibraryAlbums,
        Self::LibraryArtists,
        Self::LibrarySongs,
        Self::LibraryPlaylists,
        Self::LibraryPodcasts,
        Self::RecentlyPlayed,
    ];

    /// The spec's `operationId`, e.g. `getHomeView`.
    pub fn operation_id(self) -> &'static str {
        self.describe().0
    }

    /// The spec's path template, e.g. `/v1/views/home/{groupId}`.
    pub fn path_template(self) -> &'static str {
        self.describe().1
    }

    /// The largest `limit` the operation takes, where the spec sets one (10 on home, home
    /// group, library, library group, library artists and library podcasts).
    pub fn max_limit(self) -> Option<u32> {
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

    fn describe(self) -> (&'static str, &'static str) {
        match self {
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
        }
    }

    /// The operation a request path (still percent-encoded) calls, if any.
    pub fn from_path(path: &str) -> Option<Operation> {
        let rest = path.strip_prefix("/v1/views/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        let named = |segment: &str| !segment.is_empty();
        Some(match segments.as_slice() {
            ["home"] => Self::Home,
            ["home", group] if named(group) => Self::HomeGroup,
            ["podcasts"] => Self::Podcasts,
            ["podcasts", "shows", id] if named(id) => Self::PodcastShow,
            ["podcasts", group] if named(group) => Self::PodcastsGroup,
            ["library"] => Self::Library,
            ["library", "albums"] => Self::LibraryAlbums,
            ["library", "artists"] => Self::LibraryArtists,
            ["library", "songs"] => Self::LibrarySongs,
            ["library", "playlists"] => Self::LibraryPlaylists,
            ["library", "podcasts"] => Self::LibraryPodcasts,
            ["library", group] if named(group) => Self::LibraryGroup,
            ["artists", id] if named(id) => Self::Artist,
            ["albums", id] if named(id) => Self::Album,
            ["playlists", id] if named(id) => Self::Playlist,
            ["recent"] => Self::RecentlyPlayed,
            _ => return None,
        })
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.operation_id())
    }
}

/// An `operationId` that names none of the sixteen operations.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no view operation is called {0:?}")]
pub struct UnknownOperation(String);

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

    #[test]
    fn every_path_template_maps_back_to_its_operation() {
        for operation in Operation::ALL {
            let path = operation
                .path_template()
                .replace("{groupId}", "some-group%23X")
                .replace("{id}", "B000QJJOSO");
            assert_eq!(Operation::from_path(&path), Some(operation), "{path}");
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
            "/v1/views",
            "/v1/views/home/",
            "/v1/views/albums",
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
        assert!("getNothing".parse::<Operation>().is_err());
    }
}
