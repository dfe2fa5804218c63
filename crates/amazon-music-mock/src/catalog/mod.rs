//! What the server serves: the spec's examples and a generated library, as models.
//!
//! - The details views of the examples' entities (artist `B000QJJOSO`, album `B0CKMM9LJF`,
//!   playlist `B00J9PVXBM`, podcast show `d6e3946e-...`) serve the example's data.
//! - The library lists (songs, albums, artists, playlists, podcast shows and episodes) and the
//!   recently played list start with the examples' entities, then the generated ones. The
//!   library holds exactly `library_size` songs.
//! - The home and podcasts views start with the examples' groups (their entities first, then
//!   generated ones, so that they page too), then generated groups.
//! - Every album, artist, playlist and podcast show that appears anywhere (as an entity or a
//!   reference) has a details view, made from what the catalog knows of it.

mod artist;
mod details;
mod entities;
mod examples;
mod generate;
mod group;
mod home;
mod index;
mod podcasts;
mod recent;
mod search;

use std::sync::Arc;

use amazon_music_models::{Entity, PlaybackInformation, PodcastEpisode, User};

pub(crate) use details::Details;
use entities::{dedupe, group_entities};
pub(crate) use examples::{Data, Envelope, Examples};
use generate::{Rng, Sizes, station_for};
pub(crate) use group::Group;
use home::home_groups;
use index::Index;
use podcasts::podcast_groups;
use recent::recent;

use crate::MockError;
use crate::paging::CursorStyle;

/// The seed of the generated library.
const SEED: u64 = 0x00a3_a20b_0c05_1c00;

/// Everything the server serves.
#[derive(Debug)]
pub(crate) struct Catalog {
    examples: Arc<Examples>,
    /// The signed-in user, the entity of the library views.
    pub(crate) user: User,
    pub(crate) songs: Group,
    pub(crate) albums: Group,
    pub(crate) artists: Group,
    pub(crate) playlists: Group,
    pub(crate) shows: Group,
    pub(crate) episodes: Group,
    pub(crate) recent: Group,
    pub(crate) home: Vec<Group>,
    pub(crate) podcasts: Vec<Group>,
    /// How the page tokens are written.
    pub(crate) cursor_style: CursorStyle,
    index: Index,
    /// The entities of the spec's example responses of several views (the search's), which
    /// the search finds besides the lists.
    search_examples: Vec<Entity>,
}

impl Catalog {
    /// The catalog of a library of `library_size` songs.
    ///
    /// # Errors
    /// [`MockError::Example`] when the spec's examples cannot be read (a bug).
    pub(crate) fn new(library_size: usize) -> Result<Self, MockError> {
        let examples = Examples::get()?;
        let example_songs = dedupe(
            group_entities(&examples.library_songs, "songs")
                .chain(group_entities(&examples.library, "songs"))
                .cloned()
                .collect(),
        );
        let generated = generate::generate(
            Sizes::for_songs(library_size.saturating_sub(example_songs.len())),
            SEED,
        );

        let mut songs = example_songs;
        songs.extend(generated.songs.iter().cloned().map(Entity::Track));
        songs.truncate(library_size);
        let albums = dedupe(
            group_entities(&examples.library_albums, "albums")
                .chain(group_entities(&examples.library, "albums"))
                .cloned()
                .chain(generated.albums.iter().cloned().map(Entity::Album))
                .collect(),
        );
        let artists = dedupe(
            group_entities(&examples.library_artists, "followed-artists")
                .chain(group_entities(&examples.library, "artists"))
                .cloned()
                .chain(generated.artists.iter().cloned().map(Entity::Artist))
                .collect(),
        );
        let playlists = dedupe(
            group_entities(&examples.library_playlists, "your-playlists")
                .chain(group_entities(&examples.library, "playlists"))
                .cloned()
                .chain(
                    generated
                        .playlists
                        .iter()
                        .map(|(playlist, _)| Entity::Playlist(playlist.clone())),
                )
                .collect(),
        );
        let shows = dedupe(
            group_entities(&examples.library_podcasts, "podcast-shows")
                .chain(group_entities(&examples.library, "podcast-shows"))
                .cloned()
                .chain(
                    generated
                        .shows
                        .iter()
                        .map(|(show, _)| Entity::PodcastShow(show.clone())),
                )
                .collect(),
        );
        let all_episodes: Vec<&PodcastEpisode> = generated
            .shows
            .iter()
            .flat_map(|(_, episodes)| episodes)
            .collect();
        let mut rng = Rng::new(SEED ^ 0x0e91);
        let started = rng
            .sample(all_episodes.len(), (library_size / 25).max(12))
            .into_iter()
            .map(|index| {
                let mut episode = all_episodes[index].clone();
                let listened = rng.below(usize::try_from(episode.duration).unwrap_or(0) * 1000);
                episode.playback_information = Some(PlaybackInformation {
                    progress_milliseconds: Some(listened as i64),
                });
                Entity::PodcastEpisode(episode)
            });
        let episodes = dedupe(
            group_entities(&examples.library_podcasts, "podcast-episodes")
                .cloned()
                .chain(started)
                .collect(),
        );

        let mut index = Index::default();
        for view in examples.all() {
            index.add_view(view);
        }
        for artist in &generated.artists {
            index.add(&Entity::Artist(artist.clone()));
        }
        for album in &generated.albums {
            index.add(&Entity::Album(album.clone()));
        }
        for song in &generated.songs {
            index.add(&Entity::Track(song.clone()));
        }
        for (playlist, tracks) in &generated.playlists {
            let tracks = tracks
                .iter()
                .map(|&track| generated.songs[track].clone())
                .collect();
            index.add_playlist(playlist.clone(), tracks);
        }
        for (show, episodes) in &generated.shows {
            index.add_show(show.clone(), episodes.clone());
        }
        index.complete(&examples, &generated.songs);

        let stations: Vec<Entity> = index
            .artist_order
            .iter()
            .map(|artist| Entity::Station(station_for(artist)))
            .collect();
        let recent = recent(
            &examples,
            &generated.songs,
            &albums,
            &playlists,
            &stations,
            &episodes,
            library_size,
        );
        let home = home_groups(
            &examples, &songs, &albums, &artists, &playlists, &shows, &stations,
        );
        let podcasts = podcast_groups(&examples, &shows, &all_episodes);

        let user = match &examples.library.entity {
            Some(Entity::User(user)) => user.clone(),
            _ => User {
                type_: amazon_music_models::UserType::User,
                id: "2efopvnhmjf7xuujlde55puahq".to_owned(),
                images: Vec::new(),
                name: "Vic".to_owned(),
            },
        };
        let search_examples = search_examples(&examples);
        Ok(Self {
            examples,
            user,
            songs: Group::new("songs", Some("Songs"), "STACK", songs),
            albums: Group::new("albums", Some("Albums"), "GRID", albums),
            artists: Group::new("artists", Some("Artists"), "GRID", artists),
            playlists: Group::new("playlists", Some("Playlists"), "LIST", playlists),
            shows: Group::new("podcast-shows", Some("Podcast Shows"), "LIST", shows),
            episodes: Group::new("podcast-episodes", Some("Jump Back In"), "TABLE", episodes),
            recent: Group::new("recently-played", None, "GRID", recent),
            home,
            podcasts,
            cursor_style: CursorStyle::default(),
            index,
            search_examples,
        })
    }

    /// The same catalog, its page tokens written in `style`.
    pub(crate) fn with_cursor_style(mut self, style: CursorStyle) -> Self {
        self.cursor_style = style;
        self
    }

    /// The library's groups, in the library view's order.
    pub(crate) fn library_groups(&self) -> [&Group; 5] {
        [
            &self.playlists,
            &self.albums,
            &self.artists,
            &self.songs,
            &self.shows,
        ]
    }
}

/// The entities of every example response of several views, in order.
fn search_examples(examples: &Examples) -> Vec<Entity> {
    crate::Operation::ALL
        .into_iter()
        .filter_map(
            |operation| match examples.response(operation.operation_id()) {
                Some(Data::Views(views)) => Some(views),
                _ => None,
            },
        )
        .flatten()
        .flat_map(|view| &view.content.entity_groups)
        .flat_map(|group| &group.content.entities)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(300).expect("a catalog")
    }

    #[test]
    fn the_library_holds_exactly_the_songs_asked_for() {
        for size in [0, 2, 3, 300, 2000] {
            assert_eq!(
                Catalog::new(size).expect("a catalog").songs.entities.len(),
                size
            );
        }
    }

    #[test]
    fn library_lists_start_with_the_examples() {
        let catalog = catalog();
        assert_eq!(catalog.songs.entities[0].id(), Some("B01BO5275A"));
        assert_eq!(catalog.albums.entities[0].id(), Some("B01D9PGS4E"));
        assert_eq!(catalog.artists.entities[0].id(), Some("B0023RQUXO"));
        assert_eq!(catalog.playlists.entities[0].id(), Some("B07M7FZKWQ"));
        assert_eq!(catalog.recent.entities[0].id(), Some("B09JZDGFS7"));
        assert_eq!(catalog.user.name, "Vic");
    }

    #[test]
    fn every_list_and_group_has_more_than_one_page_at_the_default_limit() {
        let catalog = catalog();
        let lists = catalog
            .library_groups()
            .into_iter()
            .chain([&catalog.episodes, &catalog.recent])
            .chain(&catalog.home)
            .chain(&catalog.podcasts);
        for group in lists {
            assert!(
                group.entities.len() > 10,
                "{}: {}",
                group.id,
                group.entities.len()
            );
        }
        assert!(catalog.home.len() > 3 && catalog.podcasts.len() > 3);
    }

    #[test]
    fn every_listed_entity_has_a_details_view() {
        let catalog = catalog();
        let entities = catalog
            .library_groups()
            .into_iter()
            .chain([&catalog.recent])
            .chain(&catalog.home)
            .flat_map(|group| &group.entities);
        for entity in entities {
            let id = entity.id().unwrap_or_default();
            let found = match entity {
                Entity::Album(_) => catalog.album(id).is_some(),
                Entity::Artist(_) => catalog.artist(id).is_some(),
                Entity::Playlist(_) => catalog.playlist(id).is_some(),
                Entity::PodcastShow(_) => catalog.podcast_show(id).is_some(),
                Entity::Track(track) => catalog.album(&track.album.id).is_some(),
                _ => true,
            };
            assert!(found, "{} {id}", entity.type_name());
        }
    }

    #[test]
    fn generated_artists_have_more_than_ten_groups() {
        let catalog = catalog();
        let generated = catalog
            .artists
            .entities
            .iter()
            .filter_map(Entity::id)
            .find(|id| id.starts_with("B0MR"))
            .expect("a generated artist");
        let (_, groups) = catalog.artist(generated).expect("its view");
        assert!(groups.len() > 10, "{}", groups.len());
    }
}
