//! The podcasts view's groups: the example's, extended, then generated ones.

use amazon_music_models::{Entity, PodcastEpisode};

use super::entities::{pick, release_date};
use super::generate::Rng;
use super::{Examples, Group};

/// The podcasts view's groups: the example's, extended, then generated ones. Their IDs hold
/// `%23`, as the example's do.
pub(super) fn podcast_groups(
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
