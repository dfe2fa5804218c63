//! The home view's groups: the example's, extended, then generated ones.

use amazon_music_models::Entity;

use super::entities::{interleave, pick, release_date};
use super::{Examples, Group};

/// The home view's groups: the example's, extended, then generated ones.
pub(super) fn home_groups(
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
