//! The spec's example responses, the one source of truth for what the API's data looks like:
//! `cargo xtask codegen` copies them from the spec into `generated_examples.json`, which the
//! mock embeds and decodes once per process.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use amazon_music_models::{View, ViewResponse};
use serde::{Deserialize, Serialize};

use crate::MockError;

/// The spec's examples: `{"examples": {name: value}, "operations": {operationId: value}}`.
const EXAMPLES_JSON: &str = include_str!("generated_examples.json");

/// The names of the examples of a `200` view response, in `components/examples`.
pub(crate) const VIEW_EXAMPLES: [&str; 16] = [
    "Home",
    "HomeGroup",
    "Podcasts",
    "PodcastsGroup",
    "Library",
    "LibraryGroup",
    "Artist",
    "Album",
    "Playlist",
    "PodcastShow",
    "LibraryAlbums",
    "LibraryArtists",
    "LibrarySongs",
    "LibraryPlaylists",
    "LibraryPodcasts",
    "RecentlyPlayed",
];

/// What the `data` of a `200` holds: one view, or several (the search's), as the operation
/// table's `ResponseShape` says.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub(crate) enum Data {
    /// One view.
    View(Box<View>),
    /// Several views.
    Views(Vec<View>),
}

/// A `200`'s body: `{"data": ...}`.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct Envelope {
    /// The view or views.
    pub(crate) data: Data,
}

/// The view examples, decoded with the models, by the name of their example.
#[derive(Debug)]
pub(crate) struct Examples {
    pub(crate) home: View,
    pub(crate) podcasts: View,
    pub(crate) library: View,
    pub(crate) artist: View,
    pub(crate) album: View,
    pub(crate) playlist: View,
    pub(crate) podcast_show: View,
    pub(crate) library_albums: View,
    pub(crate) library_artists: View,
    pub(crate) library_songs: View,
    pub(crate) library_playlists: View,
    pub(crate) library_podcasts: View,
    pub(crate) recently_played: View,
    /// The examples of one group (`HomeGroup`, `PodcastsGroup`, `LibraryGroup`): the same
    /// groups as in the views above, so only their entities are used (for the index).
    pub(crate) groups: Vec<View>,
    /// The first example of each operation's `200` response, by `operationId`: what the mock
    /// serves for an operation its catalog has no handler for.
    responses: HashMap<String, Data>,
}

impl Examples {
    /// The examples, decoded once per process.
    ///
    /// # Errors
    /// [`MockError::Example`] when an example is missing or does not decode (a bug).
    pub(crate) fn get() -> Result<Arc<Examples>, MockError> {
        static EXAMPLES: OnceLock<Result<Arc<Examples>, (String, String)>> = OnceLock::new();
        EXAMPLES
            .get_or_init(|| Self::parse(EXAMPLES_JSON).map(Arc::new))
            .clone()
            .map_err(|(name, message)| MockError::Example {
                name,
                source: message.into(),
            })
    }

    fn parse(examples: &str) -> Result<Examples, (String, String)> {
        /// The generated file's shape.
        #[derive(Deserialize)]
        struct Generated {
            examples: HashMap<String, serde_json::Value>,
            operations: HashMap<String, Envelope>,
        }
        let Generated {
            mut examples,
            operations,
        } = serde_json::from_str(examples)
            .map_err(|error| ("(the examples)".to_owned(), error.to_string()))?;
        let responses = operations
            .into_iter()
            .map(|(operation_id, response)| (operation_id, response.data))
            .collect();
        let mut views = HashMap::new();
        for name in VIEW_EXAMPLES {
            let fail = |message: String| (name.to_owned(), message);
            let example = examples
                .remove(name)
                .ok_or_else(|| fail("no such example".to_owned()))?;
            let response: ViewResponse =
                serde_json::from_value(example).map_err(|error| fail(error.to_string()))?;
            views.insert(name, response.data);
        }
        let mut take = |name: &str| {
            views
                .remove(name)
                .ok_or_else(|| (name.to_owned(), "no such example".to_owned()))
        };
        Ok(Examples {
            home: take("Home")?,
            podcasts: take("Podcasts")?,
            library: take("Library")?,
            artist: take("Artist")?,
            album: take("Album")?,
            playlist: take("Playlist")?,
            podcast_show: take("PodcastShow")?,
            library_albums: take("LibraryAlbums")?,
            library_artists: take("LibraryArtists")?,
            library_songs: take("LibrarySongs")?,
            library_playlists: take("LibraryPlaylists")?,
            library_podcasts: take("LibraryPodcasts")?,
            recently_played: take("RecentlyPlayed")?,
            groups: vec![
                take("HomeGroup")?,
                take("PodcastsGroup")?,
                take("LibraryGroup")?,
            ],
            responses,
        })
    }

    /// The spec's example response of the operation `operation_id`, if it has one.
    pub(crate) fn response(&self, operation_id: &str) -> Option<&Data> {
        self.responses.get(operation_id)
    }

    /// Every view example.
    pub(crate) fn all(&self) -> impl Iterator<Item = &View> {
        [
            &self.home,
            &self.podcasts,
            &self.library,
            &self.artist,
            &self.album,
            &self.playlist,
            &self.podcast_show,
            &self.library_albums,
            &self.library_artists,
            &self.library_songs,
            &self.library_playlists,
            &self.library_podcasts,
            &self.recently_played,
        ]
        .into_iter()
        .chain(&self.groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_example_of_the_spec_decodes() {
        let examples = Examples::get().expect("the examples");
        assert_eq!(examples.all().count(), 16);
        assert_eq!(examples.artist.id, "B000QJJOSO");
        assert_eq!(examples.album.id, "B0CKMM9LJF");
    }

    #[test]
    fn every_operation_of_the_table_has_an_example_response_to_fall_back_on() {
        let examples = Examples::get().expect("the examples");
        for operation in crate::Operation::ALL {
            let example = examples
                .response(operation.operation_id())
                .unwrap_or_else(|| panic!("{operation} has an example"));
            let shape = match example {
                Data::View(view) => {
                    assert!(!view.id.is_empty(), "{operation}");
                    amazon_music_models::ResponseShape::View
                }
                Data::Views(views) => {
                    assert!(!views.is_empty(), "{operation}");
                    amazon_music_models::ResponseShape::Views
                }
            };
            assert_eq!(shape, operation.response_shape(), "{operation}");
        }
        assert!(matches!(
            examples.response("getAlbumView"),
            Some(Data::View(view)) if view.id == "B0CKMM9LJF"
        ));
    }
}
