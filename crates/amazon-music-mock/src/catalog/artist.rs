//! The groups of a generated artist's details view, from what the index knows of the artist
//! and of the others.

use amazon_music_models::{Artist, ArtistReference, Entity, EntityGroup, EntityGroupContent};

use super::entities::{pick, release_date};
use super::generate::{Rng, station_for};
use super::index::Index;

impl Index {
    /// The groups of a generated artist details view; the empty ones left out.
    pub(super) fn artist_groups(&self, artist: &Artist) -> Vec<EntityGroup> {
        let reference = ArtistReference {
            id: artist.id.clone(),
            name: artist.name.clone(),
        };
        let tracks: Vec<Entity> = self
            .artist_tracks
            .get(&artist.id)
            .into_iter()
            .flatten()
            .cloned()
            .map(Entity::Track)
            .collect();
        let mut albums: Vec<Entity> = self
            .artist_albums
            .get(&artist.id)
            .into_iter()
            .flatten()
            .cloned()
            .map(Entity::Album)
            .collect();
        albums.sort_by(|a, b| release_date(b).cmp(release_date(a)));
        let others: Vec<&ArtistReference> = self
            .artist_order
            .iter()
            .filter(|other| other.id != artist.id)
            .collect();
        let mut rng = Rng::from_text(&format!("related:{}", artist.id));
        let related: Vec<&ArtistReference> = rng
            .sample(others.len(), 6)
            .into_iter()
            .map(|index| others[index])
            .collect();
        let playlists: Vec<Entity> = self
            .playlist_order
            .iter()
            .cloned()
            .map(Entity::Playlist)
            .collect();
        let related_artists: Vec<Entity> = related
            .iter()
            .filter_map(|other| self.artists.get(&other.id).cloned().map(Entity::Artist))
            .collect();
        let fans_also_like: Vec<Entity> = related
            .iter()
            .filter_map(|other| {
                self.artist_albums
                    .get(&other.id)?
                    .first()
                    .cloned()
                    .map(Entity::Album)
            })
            .collect();
        let more_like_this: Vec<Entity> = related
            .iter()
            .filter_map(|other| {
                self.artist_tracks
                    .get(&other.id)?
                    .first()
                    .cloned()
                    .map(Entity::Track)
            })
            .collect();
        let similar_stations: Vec<Entity> = related
            .iter()
            .map(|other| Entity::Station(station_for(other)))
            .collect();
        let groups = [
            (
                "top-songs",
                "Top Songs",
                "TABLE",
                tracks.iter().take(10).cloned().collect(),
            ),
            ("albums", "Albums", "GRID", albums.clone()),
            (
                "latest-release",
                "Latest Release",
                "GRID",
                albums.iter().take(1).cloned().collect(),
            ),
            (
                "stations",
                "Stations",
                "LIST",
                vec![Entity::Station(station_for(&reference))],
            ),
            (
                "featured-in",
                "Featured In",
                "GRID",
                pick(&playlists, &format!("featured:{}", artist.id), 6),
            ),
            (
                "related-artists",
                "Related Artists",
                "GRID",
                related_artists,
            ),
            ("fans-also-like", "Fans Also Like", "GRID", fans_also_like),
            (
                "similar-stations",
                "Similar Stations",
                "LIST",
                similar_stations,
            ),
            (
                "deep-cuts",
                "Deep Cuts",
                "TABLE",
                tracks.iter().rev().take(10).cloned().collect(),
            ),
            (
                "appears-on",
                "Appears On",
                "GRID",
                pick(&playlists, &format!("appears:{}", artist.id), 6),
            ),
            (
                "essentials",
                "Essentials",
                "GRID",
                pick(&playlists, &format!("essentials:{}", artist.id), 3),
            ),
            ("more-like-this", "More Like This", "TABLE", more_like_this),
        ];
        groups
            .into_iter()
            .filter(|(_, _, _, entities)| !entities.is_empty())
            .map(
                |(id, title, view_type, entities): (&str, &str, &str, Vec<Entity>)| EntityGroup {
                    type_: "EntityGroup".to_owned(),
                    id: id.to_owned(),
                    title: Some(title.to_owned()),
                    view_type: view_type.to_owned(),
                    content: EntityGroupContent {
                        type_: Some("EntityGroupContent".to_owned()),
                        next_page_token: None,
                        entities,
                    },
                },
            )
            .collect()
    }
}
