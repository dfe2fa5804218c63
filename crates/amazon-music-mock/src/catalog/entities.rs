//! Helpers over lists of entities: finding, deduplicating, picking, interleaving and dating
//! them.

use amazon_music_models::{Entity, View};

use super::generate::Rng;

/// The entities of the group `id` of `view`.
pub(super) fn group_entities<'a>(view: &'a View, id: &str) -> impl Iterator<Item = &'a Entity> {
    view.content
        .entity_groups
        .iter()
        .filter(move |group| group.id == id)
        .flat_map(|group| &group.content.entities)
}

/// `entities` without the repeats of an ID already seen.
pub(super) fn dedupe(entities: Vec<Entity>) -> Vec<Entity> {
    let mut seen = std::collections::HashSet::new();
    entities
        .into_iter()
        .filter(|entity| seen.insert(entity.id().unwrap_or_default().to_owned()))
        .collect()
}

/// `count` entities of `items` picked from `seed`, in a random order.
pub(super) fn pick(items: &[Entity], seed: &str, count: usize) -> Vec<Entity> {
    let mut rng = Rng::from_text(seed);
    rng.sample(items.len(), count)
        .into_iter()
        .map(|index| items[index].clone())
        .collect()
}

/// Takes one from each list in turn until `count` are taken or the lists run out.
pub(super) fn interleave(lists: &[Vec<Entity>], count: usize) -> Vec<Entity> {
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

/// The release date of an album or an episode, to sort by; empty for other entities.
pub(super) fn release_date(entity: &Entity) -> &str {
    match entity {
        Entity::Album(album) => album.release_date.as_deref().unwrap_or_default(),
        Entity::PodcastEpisode(episode) => &episode.release_date,
        _ => "",
    }
}
