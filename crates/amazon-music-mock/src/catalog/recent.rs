//! The recently played list: the example's entities, then a generated mix.

use amazon_music_models::{Entity, PlayParams, Track};

use super::Examples;
use super::entities::{dedupe, group_entities, interleave, pick};
use super::generate::catalog_mrn;

/// What the user played recently: the example's, then a generated mix. Tracks carry
/// `containerIds` (their album), as this view does.
pub(super) fn recent(
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
