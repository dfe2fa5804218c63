//! The index of every album, artist, playlist and podcast show the catalog knows, built from
//! the examples and the generated library, for their details views.

use std::collections::HashMap;

use amazon_music_models::{
    Album, AlbumType, Artist, ArtistReference, ArtistType, Entity, PlayParams, Playlist,
    PodcastEpisode, PodcastShow, PodcastShowType, Track, View,
};

use super::Examples;
use super::generate::{Rng, catalog_mrn, episodes_for, play_params};

/// Everything known of each album, artist, playlist and show, for their details views.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub(super) albums: HashMap<String, Album>,
    pub(super) album_tracks: HashMap<String, Vec<Track>>,
    pub(super) artists: HashMap<String, Artist>,
    pub(super) artist_tracks: HashMap<String, Vec<Track>>,
    pub(super) artist_albums: HashMap<String, Vec<Album>>,
    pub(super) playlists: HashMap<String, (Playlist, Vec<Track>)>,
    pub(super) shows: HashMap<String, (PodcastShow, Vec<PodcastEpisode>)>,
    /// The artists in the order they were first seen, to pick related ones from.
    pub(super) artist_order: Vec<ArtistReference>,
    /// The playlists in the order they were first seen, to pick featured ones from.
    pub(super) playlist_order: Vec<Playlist>,
}

impl Index {
    /// Adds every entity of `view`.
    pub(super) fn add_view(&mut self, view: &View) {
        let grouped = view
            .content
            .entity_groups
            .iter()
            .flat_map(|group| &group.content.entities);
        for entity in view.entity.iter().chain(grouped) {
            self.add(entity);
        }
    }

    /// Adds what `entity` tells of the catalog: itself, and the artists, album or show it
    /// refers to.
    pub(super) fn add(&mut self, entity: &Entity) {
        match entity {
            Entity::Album(album) => {
                for artist in &album.artists {
                    self.add_artist_reference(artist);
                    push_unique(
                        self.artist_albums.entry(artist.id.clone()).or_default(),
                        album,
                        |a| &a.id,
                    );
                }
                self.albums
                    .entry(album.id.clone())
                    .or_insert_with(|| album.clone());
            }
            Entity::Artist(artist) => {
                self.add_artist_reference(&ArtistReference {
                    id: artist.id.clone(),
                    name: artist.name.clone(),
                });
                self.artists.insert(artist.id.clone(), artist.clone());
            }
            Entity::Track(track) => {
                let mut track = track.clone();
                track.play_params.container_id = None;
                track.play_params.container_ids = None;
                for artist in &track.artists {
                    self.add_artist_reference(artist);
                    push_unique(
                        self.artist_tracks.entry(artist.id.clone()).or_default(),
                        &track,
                        |t| &t.id,
                    );
                }
                push_unique(
                    self.album_tracks.entry(track.album.id.clone()).or_default(),
                    &track,
                    |t| &t.id,
                );
            }
            Entity::Playlist(playlist) => {
                if !self.playlists.contains_key(&playlist.id) {
                    self.playlist_order.push(playlist.clone());
                }
                self.playlists
                    .entry(playlist.id.clone())
                    .or_insert_with(|| (playlist.clone(), Vec::new()));
            }
            Entity::PodcastShow(show) => {
                self.shows
                    .entry(show.id.clone())
                    .or_insert_with(|| (show.clone(), Vec::new()));
            }
            Entity::PodcastEpisode(episode) => {
                let mut episode = episode.clone();
                episode.play_params.container_id = None;
                if let Some(playback) = episode.playback_information.as_mut() {
                    playback.progress_milliseconds = None;
                }
                let (_, episodes) =
                    self.shows
                        .entry(episode.podcast.id.clone())
                        .or_insert_with(|| {
                            (
                                PodcastShow {
                                    type_: PodcastShowType::PodcastShow,
                                    id: episode.podcast.id.clone(),
                                    title: episode.podcast.title.clone(),
                                    author: episode.author.clone(),
                                    images: episode.images.clone(),
                                    play_params: PlayParams {
                                        selections: vec!["PLAY".to_owned()],
                                        ..play_params(format!(
                                            "mrn:1.0:podcast:show:uuid:{}",
                                            episode.podcast.id
                                        ))
                                    },
                                    description: None,
                                },
                                Vec::new(),
                            )
                        });
                push_unique(episodes, &episode, |e| &e.id);
            }
            _ => {}
        }
    }

    /// Adds the artist `artist` refers to, made from the reference, unless it is known.
    fn add_artist_reference(&mut self, artist: &ArtistReference) {
        if !self.artists.contains_key(&artist.id) {
            self.artist_order.push(artist.clone());
            self.artists.insert(
                artist.id.clone(),
                Artist {
                    type_: ArtistType::Artist,
                    id: artist.id.clone(),
                    name: artist.name.clone(),
                    images: vec![Rng::from_text(&artist.id).image()],
                    play_params: play_params(catalog_mrn("artist", &artist.id)),
                    follower_count: None,
                },
            );
        }
    }

    /// Adds a playlist and its tracks, in place of what was known of it.
    pub(super) fn add_playlist(&mut self, playlist: Playlist, tracks: Vec<Track>) {
        self.add(&Entity::Playlist(playlist.clone()));
        self.playlists
            .insert(playlist.id.clone(), (playlist, tracks));
    }

    /// Adds a podcast show and its episodes, in place of what was known of it.
    pub(super) fn add_show(&mut self, show: PodcastShow, episodes: Vec<PodcastEpisode>) {
        self.shows.insert(show.id.clone(), (show, episodes));
    }

    /// Fills in what the examples only refer to: albums known from their tracks, tracks of
    /// playlists and episodes of shows known only as entities.
    pub(super) fn complete(&mut self, examples: &Examples, songs: &[Track]) {
        // In the order of the IDs, not the map's, so that every run makes the same catalog.
        let mut albums: Vec<(&String, &Vec<Track>)> = self.album_tracks.iter().collect();
        albums.sort_unstable_by_key(|(id, _)| *id);
        for (album_id, tracks) in albums {
            if let (false, Some(track)) = (self.albums.contains_key(album_id), tracks.first()) {
                let album = Album {
                    type_: AlbumType::Album,
                    id: album_id.clone(),
                    title: track.album.title.clone(),
                    artists: track.artists.clone(),
                    images: track.images.clone(),
                    play_params: play_params(catalog_mrn("album", album_id)),
                    duration: None,
                    release_date: None,
                    track_count: Some(tracks.len() as i64),
                    label: None,
                };
                for artist in &album.artists {
                    push_unique(
                        self.artist_albums.entry(artist.id.clone()).or_default(),
                        &album,
                        |a| &a.id,
                    );
                }
                self.albums.insert(album_id.clone(), album);
            }
        }
        for (id, (_, tracks)) in &mut self.playlists {
            if tracks.is_empty() && *id != examples.playlist.id {
                let mut rng = Rng::from_text(id);
                let count = 12 + rng.below(29);
                *tracks = rng
                    .sample(songs.len(), count)
                    .into_iter()
                    .map(|index| songs[index].clone())
                    .collect();
            }
        }
        for (show, episodes) in self.shows.values_mut() {
            if show.id != examples.podcast_show.id && episodes.len() < 12 {
                episodes.extend(episodes_for(show, 12));
            }
        }
    }
}

/// Adds `item` to `items` unless one with its ID is there.
fn push_unique<T: Clone>(items: &mut Vec<T>, item: &T, id: impl Fn(&T) -> &String) {
    if !items.iter().any(|existing| id(existing) == id(item)) {
        items.push(item.clone());
    }
}
