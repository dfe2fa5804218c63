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

mod examples;
mod generate;

use std::collections::HashMap;
use std::sync::Arc;

use amazon_music_models::{
    Album, AlbumType, Artist, ArtistReference, ArtistType, Entity, EntityGroup, EntityGroupContent,
    PlayParams, PlaybackInformation, Playlist, PodcastEpisode, PodcastShow, PodcastShowType, Track,
    User, View, ViewContent,
};

pub(crate) use examples::Examples;
use generate::{Rng, Sizes, catalog_mrn, episodes_for, play_params, station_for};

use crate::MockError;

/// The seed of the generated library.
const SEED: u64 = 0x00a3_a20b_0c05_1c00;

/// A group of entities, before it is paged.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    pub(crate) view_type: String,
    /// Whether the group's content carries `_type` (the podcasts example's first group's does
    /// not).
    pub(crate) typed: bool,
    pub(crate) entities: Vec<Entity>,
}

impl Group {
    fn new(id: &str, title: Option<&str>, view_type: &str, entities: Vec<Entity>) -> Self {
        Self {
            id: id.to_owned(),
            title: title.map(str::to_owned),
            view_type: view_type.to_owned(),
            typed: true,
            entities,
        }
    }

    /// The example group `group`, its entities followed by `more`.
    fn extended(group: &EntityGroup, more: Vec<Entity>) -> Self {
        let mut entities = group.content.entities.clone();
        entities.extend(more);
        Self {
            id: group.id.clone(),
            title: group.title.clone(),
            view_type: group.view_type.clone(),
            typed: group.content.type_.is_some(),
            entities: dedupe(entities),
        }
    }
}

/// A details view whose content is one paged group: its view (with no groups yet) and the
/// group.
#[derive(Clone, Debug)]
pub(crate) struct Details {
    pub(crate) view: View,
    pub(crate) group: Group,
}

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
    index: Index,
}

/// Everything known of each album, artist, playlist and show, for their details views.
#[derive(Debug, Default)]
struct Index {
    albums: HashMap<String, Album>,
    album_tracks: HashMap<String, Vec<Track>>,
    artists: HashMap<String, Artist>,
    artist_tracks: HashMap<String, Vec<Track>>,
    artist_albums: HashMap<String, Vec<Album>>,
    playlists: HashMap<String, (Playlist, Vec<Track>)>,
    shows: HashMap<String, (PodcastShow, Vec<PodcastEpisode>)>,
    /// The artists in the order they were first seen, to pick related ones from.
    artist_order: Vec<ArtistReference>,
    playlist_order: Vec<Playlist>,
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
            index,
        })
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

    /// The album details view of `id`: the album and all its tracks.
    pub(crate) fn album(&self, id: &str) -> Option<View> {
        if id == self.examples.album.id {
            return Some(self.examples.album.clone());
        }
        let album = self.index.albums.get(id)?;
        let container = album.play_params.id.clone();
        let tracks = self
            .index
            .album_tracks
            .get(id)
            .into_iter()
            .flatten()
            .map(|track| {
                let mut track = track.clone();
                track.play_params.container_id = Some(container.clone());
                Entity::Track(track)
            })
            .collect();
        let mut view = details_view(id, &album.title, Entity::Album(album.clone()));
        view.content.entity_groups.push(EntityGroup {
            type_: "EntityGroup".to_owned(),
            id: "songs".to_owned(),
            title: None,
            view_type: "STACK".to_owned(),
            content: EntityGroupContent {
                type_: Some("EntityGroupContent".to_owned()),
                next_page_token: None,
                entities: tracks,
            },
        });
        Some(view)
    }

    /// The artist details view of `id`, with no groups, and its groups.
    pub(crate) fn artist(&self, id: &str) -> Option<(View, Vec<EntityGroup>)> {
        if id == self.examples.artist.id {
            let mut view = self.examples.artist.clone();
            let groups = std::mem::take(&mut view.content.entity_groups);
            return Some((view, groups));
        }
        let artist = self.index.artists.get(id)?;
        let mut view = details_view(id, &artist.name, Entity::Artist(artist.clone()));
        view.images = Some(artist.images.clone());
        Some((view, self.index.artist_groups(artist)))
    }

    /// The playlist details view of `id`, and its tracks.
    pub(crate) fn playlist(&self, id: &str) -> Option<Details> {
        if id == self.examples.playlist.id {
            return Some(single_group(&self.examples.playlist));
        }
        let (playlist, tracks) = self.index.playlists.get(id)?;
        let container = playlist.play_params.id.clone();
        let tracks = tracks
            .iter()
            .map(|track| {
                let mut track = track.clone();
                track.play_params.container_id = Some(container.clone());
                Entity::Track(track)
            })
            .collect();
        Some(Details {
            view: details_view(id, &playlist.title, Entity::Playlist(playlist.clone())),
            group: Group::new("songs", None, "STACK", tracks),
        })
    }

    /// The podcast show details view of `id`, and its episodes.
    pub(crate) fn podcast_show(&self, id: &str) -> Option<Details> {
        if id == self.examples.podcast_show.id {
            return Some(single_group(&self.examples.podcast_show));
        }
        let (show, episodes) = self.index.shows.get(id)?;
        let episodes = episodes
            .iter()
            .cloned()
            .map(Entity::PodcastEpisode)
            .collect();
        Some(Details {
            view: details_view(id, &show.title, Entity::PodcastShow(show.clone())),
            group: Group::new("episodes", None, "STACK", episodes),
        })
    }
}

/// A details view of `entity`, with no groups yet.
fn details_view(id: &str, title: &str, entity: Entity) -> View {
    View {
        type_: "View".to_owned(),
        id: id.to_owned(),
        title: Some(title.to_owned()),
        images: Some(Vec::new()),
        entity: Some(entity),
        content: ViewContent {
            type_: "ViewContent".to_owned(),
            next_page_token: None,
            entity_groups: Vec::new(),
        },
    }
}

/// An example view of one group, split into its view and its group.
fn single_group(example: &View) -> Details {
    let mut view = example.clone();
    let groups = std::mem::take(&mut view.content.entity_groups);
    let group = groups
        .first()
        .map(|group| Group::extended(group, Vec::new()))
        .unwrap_or_else(|| Group::new("songs", None, "STACK", Vec::new()));
    Details { view, group }
}

/// The entities of the group `id` of `view`.
fn group_entities<'a>(view: &'a View, id: &str) -> impl Iterator<Item = &'a Entity> {
    view.content
        .entity_groups
        .iter()
        .filter(move |group| group.id == id)
        .flat_map(|group| &group.content.entities)
}

/// `entities` without the repeats of an ID already seen.
fn dedupe(entities: Vec<Entity>) -> Vec<Entity> {
    let mut seen = std::collections::HashSet::new();
    entities
        .into_iter()
        .filter(|entity| seen.insert(entity.id().unwrap_or_default().to_owned()))
        .collect()
}

/// The play parameters of a known entity.
fn play_params_mut(entity: &mut Entity) -> Option<&mut PlayParams> {
    Some(match entity {
        Entity::Album(album) => &mut album.play_params,
        Entity::Artist(artist) => &mut artist.play_params,
        Entity::Track(track) => &mut track.play_params,
        Entity::Playlist(playlist) => &mut playlist.play_params,
        Entity::PodcastShow(show) => &mut show.play_params,
        Entity::PodcastEpisode(episode) => &mut episode.play_params,
        Entity::Station(station) => &mut station.play_params,
        _ => return None,
    })
}

/// `count` entities of `items` picked from `seed`, in a random order.
fn pick(items: &[Entity], seed: &str, count: usize) -> Vec<Entity> {
    let mut rng = Rng::from_text(seed);
    rng.sample(items.len(), count)
        .into_iter()
        .map(|index| items[index].clone())
        .collect()
}

/// Takes one from each list in turn until `count` are taken or the lists run out.
fn interleave(lists: &[Vec<Entity>], count: usize) -> Vec<Entity> {
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .flat_map(|index| {
            lists
                .iter()
                .filter_map(move |list| list.get(index).cloned())
        })
        .take(count)
        .collect()
}

/// What the user played recently: the example's, then a generated mix. Tracks carry
/// `containerIds` (their album), as this view does.
fn recent(
    examples: &Examples,
    songs: &[Track],
    albums: &[Entity],
    playlists: &[Entity],
    stations: &[Entity],
    episodes: &[Entity],
    library_size: usize,
) -> Vec<Entity> {
    let songs: Vec<Entity> = songs.iter().cloned().map(Entity::Track).collect();
    let lists = [
        pick(&songs, "recent:songs", 40),
        pick(albums, "recent:albums", 20),
        pick(playlists, "recent:playlists", 15),
        pick(stations, "recent:stations", 10),
        pick(episodes, "recent:episodes", 10),
    ];
    let generated = interleave(&lists, (library_size / 10).max(24))
        .into_iter()
        .map(|mut entity| {
            let album = match &entity {
                Entity::Track(track) => Some(catalog_mrn("album", &track.album.id)),
                _ => None,
            };
            if let Some(play_params) = play_params_mut(&mut entity) {
                play_params.container_id = None;
                play_params.container_ids = album.map(|album| vec![album]);
            }
            entity
        });
    dedupe(
        group_entities(&examples.recently_played, "recently-played")
            .cloned()
            .chain(generated)
            .collect(),
    )
}

/// The home view's groups: the example's, extended, then generated ones.
fn home_groups(
    examples: &Examples,
    songs: &[Entity],
    albums: &[Entity],
    artists: &[Entity],
    playlists: &[Entity],
    shows: &[Entity],
    stations: &[Entity],
) -> Vec<Group> {
    let catalog_playlists: Vec<Entity> = playlists
        .iter()
        .filter(|entity| matches!(entity, Entity::Playlist(playlist) if playlist.curator.is_some()))
        .cloned()
        .collect();
    let extensions = [
        interleave(
            &[
                pick(albums, "home:albums", 8),
                pick(artists, "home:artists", 8),
                pick(playlists, "home:playlists", 8),
            ],
            20,
        ),
        pick(&catalog_playlists, "home:catalog-playlists", 16),
        interleave(
            &[
                pick(songs, "home:songs", 10),
                pick(stations, "home:stations", 10),
            ],
            16,
        ),
    ];
    let mut groups: Vec<Group> = examples
        .home
        .content
        .entity_groups
        .iter()
        .zip(
            extensions
                .into_iter()
                .chain(std::iter::repeat_with(Vec::new)),
        )
        .map(|(group, more)| Group::extended(group, more))
        .collect();
    let mut newest: Vec<Entity> = albums.to_vec();
    newest.sort_by(|a, b| release_date(b).cmp(release_date(a)));
    newest.truncate(30);
    let mut recently_added: Vec<Entity> = songs.iter().rev().take(30).cloned().collect();
    recently_added.retain(|entity| matches!(entity, Entity::Track(_)));
    let strategy = |name: &str| format!("mp3-subscription-gateway_mp3{name}Strategy");
    groups.extend([
        Group::new(
            &strategy("NewReleases"),
            Some("New Releases"),
            "GRID",
            newest,
        ),
        Group::new(
            &strategy("ArtistsYouMightLike"),
            Some("Artists You Might Like"),
            "GRID",
            pick(artists, "home:artists-you-might-like", 25),
        ),
        Group::new(
            &strategy("StationsForYou"),
            Some("Stations For You"),
            "LIST",
            pick(stations, "home:stations-for-you", 20),
        ),
        Group::new(
            &strategy("PopularPlaylists"),
            Some("Popular Playlists"),
            "GRID",
            pick(playlists, "home:popular-playlists", 20),
        ),
        Group::new(
            &strategy("PodcastsForYou"),
            Some("Podcasts For You"),
            "GRID",
            pick(shows, "home:podcasts-for-you", 15),
        ),
        Group::new(
            &strategy("RecentlyAdded"),
            Some("Recently Added"),
            "LIST",
            recently_added,
        ),
    ]);
    groups
}

fn release_date(entity: &Entity) -> &str {
    match entity {
        Entity::Album(album) => album.release_date.as_deref().unwrap_or_default(),
        Entity::PodcastEpisode(episode) => &episode.release_date,
        _ => "",
    }
}

/// The podcasts view's groups: the example's, extended, then generated ones. Their IDs hold
/// `%23`, as the example's do.
fn podcast_groups(
    examples: &Examples,
    shows: &[Entity],
    episodes: &[&PodcastEpisode],
) -> Vec<Group> {
    let episodes: Vec<Entity> = episodes
        .iter()
        .map(|episode| Entity::PodcastEpisode((*episode).clone()))
        .collect();
    let extensions = [shows.to_vec(), pick(shows, "podcasts:top-shows", 15)];
    let mut groups: Vec<Group> = examples
        .podcasts
        .content
        .entity_groups
        .iter()
        .zip(
            extensions
                .into_iter()
                .chain(std::iter::repeat_with(Vec::new)),
        )
        .map(|(group, more)| Group::extended(group, more))
        .collect();
    let strategy = |name: &str| {
        let uuid = Rng::from_text(name).uuid();
        format!("{name}Strategy-{uuid}%23EDITORIAL%23PODCASTS")
    };
    let mut newest: Vec<Entity> = Vec::new();
    let mut seen_shows = std::collections::HashSet::new();
    let mut by_date = episodes.clone();
    by_date.sort_by(|a, b| release_date(b).cmp(release_date(a)));
    for episode in by_date {
        if let Entity::PodcastEpisode(inner) = &episode
            && seen_shows.insert(inner.podcast.id.clone())
        {
            newest.push(episode);
        }
    }
    groups.extend([
        Group::new(
            &strategy("TopEpisodes"),
            Some("Top Episodes"),
            "TABLE",
            pick(&episodes, "podcasts:top-episodes", 25),
        ),
        Group::new(
            &strategy("NewEpisodes"),
            Some("New Episodes"),
            "LIST",
            newest,
        ),
        Group::new(
            &strategy("TrendingShows"),
            Some("Trending Shows"),
            "GRID",
            pick(shows, "podcasts:trending", 15),
        ),
    ]);
    groups
}

impl Index {
    /// Adds every entity of `view`.
    fn add_view(&mut self, view: &View) {
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
    fn add(&mut self, entity: &Entity) {
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

    fn add_playlist(&mut self, playlist: Playlist, tracks: Vec<Track>) {
        self.add(&Entity::Playlist(playlist.clone()));
        self.playlists
            .insert(playlist.id.clone(), (playlist, tracks));
    }

    fn add_show(&mut self, show: PodcastShow, episodes: Vec<PodcastEpisode>) {
        self.shows.insert(show.id.clone(), (show, episodes));
    }

    /// Fills in what the examples only refer to: albums known from their tracks, tracks of
    /// playlists and episodes of shows known only as entities.
    fn complete(&mut self, examples: &Examples, songs: &[Track]) {
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

    /// The groups of a generated artist details view; the empty ones left out.
    fn artist_groups(&self, artist: &Artist) -> Vec<EntityGroup> {
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

/// Adds `item` to `items` unless one with its ID is there.
fn push_unique<T: Clone>(items: &mut Vec<T>, item: &T, id: impl Fn(&T) -> &String) {
    if !items.iter().any(|existing| id(existing) == id(item)) {
        items.push(item.clone());
    }
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
