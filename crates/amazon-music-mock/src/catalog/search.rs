//! The catalog's search (`GET /v1/search`): a case-insensitive match of the query on the
//! titles (an artist's name) and artist names of the catalog's artists, albums, songs,
//! playlists and podcast shows, ranked and grouped as Amazon's search page describes.
//!
//! One `catalog` view answers: its first group is "Top hits" (`topHits`), the best matches of
//! every kind, then one group per kind that matched, each holding at most `limit` entities.
//! Matches rank exact title first, then title prefix, title substring and artist name; ties
//! keep the catalog's order (and, in the top hits, the kinds' order), so that a query always
//! gets the same answer. A query that matches nothing gets the view with no groups.

use amazon_music_models::{Entity, EntityGroup, EntityGroupContent, View, ViewContent};

use super::{Catalog, Group};

/// How well an entity matches the query; the lower, the better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// Its title is the query.
    ExactTitle,
    /// Its title starts with the query.
    TitlePrefix,
    /// Its title holds the query.
    TitleSubstring,
    /// The name of one of its artists holds the query.
    ArtistName,
}

/// One match: its rank, its kind's place in [`Catalog::search_kinds`], its place in its list.
type Match<'a> = (Rank, usize, usize, &'a Entity);

impl Catalog {
    /// The kinds searched, in the order of their groups: group ID, title, list, and the
    /// `_type` of the entities of the spec's search examples that the list is followed by.
    fn search_kinds(&self) -> [(&'static str, &'static str, &Group, &'static str); 5] {
        [
            ("artists", "Artists", &self.artists, "Artist"),
            ("albums", "Albums", &self.albums, "Album"),
            ("tracks", "Songs", &self.songs, "Track"),
            ("playlists", "Playlists", &self.playlists, "Playlist"),
            ("podcasts", "Podcasts", &self.shows, "PodcastShow"),
        ]
    }

    /// The search's view for `query`, each group holding at most `limit` entities.
    pub(crate) fn search(&self, query: &str, limit: usize) -> View {
        let query = query.trim().to_lowercase();
        let mut groups = Vec::new();
        let mut top_hits: Vec<Match<'_>> = Vec::new();
        for (kind, (id, title, group, type_name)) in self.search_kinds().into_iter().enumerate() {
            let examples = self
                .search_examples
                .iter()
                .filter(|entity| entity.type_name() == type_name);
            let mut found: Vec<Match<'_>> = dedupe_refs(group.entities.iter().chain(examples))
                .into_iter()
                .enumerate()
                .filter_map(|(position, entity)| {
                    rank(entity, &query).map(|rank| (rank, kind, position, entity))
                })
                .collect();
            if found.is_empty() {
                continue;
            }
            found.sort_by_key(|(rank, kind, position, _)| (*rank, *kind, *position));
            found.truncate(limit);
            top_hits.extend(found.iter().copied());
            groups.push(entity_group(id, title, &group.view_type, &found));
        }
        top_hits.sort_by_key(|(rank, kind, position, _)| (*rank, *kind, *position));
        top_hits.truncate(limit);
        if !top_hits.is_empty() {
            groups.insert(0, entity_group("topHits", "Top hits", "LIST", &top_hits));
        }
        View {
            type_: "View".to_owned(),
            id: "catalog".to_owned(),
            title: Some("Catalog Data".to_owned()),
            images: None,
            entity: None,
            content: ViewContent {
                type_: "ViewContent".to_owned(),
                next_page_token: None,
                entity_groups: groups,
            },
        }
    }
}

/// `entities` without the repeats of an ID, the first of each kept.
fn dedupe_refs<'a>(entities: impl Iterator<Item = &'a Entity>) -> Vec<&'a Entity> {
    let mut seen = std::collections::HashSet::new();
    entities
        .filter(|entity| seen.insert(entity.id().unwrap_or_default()))
        .collect()
}

/// How `entity` matches `query` (lowercase, trimmed), if it does; an empty query matches
/// nothing.
fn rank(entity: &Entity, query: &str) -> Option<Rank> {
    if query.is_empty() {
        return None;
    }
    let title = entity.title().unwrap_or_default().to_lowercase();
    if title == query {
        Some(Rank::ExactTitle)
    } else if title.starts_with(query) {
        Some(Rank::TitlePrefix)
    } else if title.contains(query) {
        Some(Rank::TitleSubstring)
    } else {
        entity
            .artists()
            .unwrap_or_default()
            .iter()
            .any(|artist| artist.name.to_lowercase().contains(query))
            .then_some(Rank::ArtistName)
    }
}

/// A group of the search's view, holding `found`'s entities in order.
fn entity_group(id: &str, title: &str, view_type: &str, found: &[Match<'_>]) -> EntityGroup {
    EntityGroup {
        type_: "EntityGroup".to_owned(),
        id: id.to_owned(),
        title: Some(title.to_owned()),
        view_type: view_type.to_owned(),
        content: EntityGroupContent {
            type_: Some("EntityGroupContent".to_owned()),
            next_page_token: None,
            entities: found
                .iter()
                .map(|(_, _, _, entity)| (*entity).clone())
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(group: &EntityGroup) -> Vec<&str> {
        group
            .content
            .entities
            .iter()
            .filter_map(Entity::id)
            .collect()
    }

    #[test]
    fn an_exact_title_ranks_before_a_substring_and_an_artist_name() {
        let catalog = Catalog::new(300).expect("a catalog");
        let view = catalog.search("Beck", 10);
        let top = &view.content.entity_groups[0];
        assert_eq!(
            (top.id.as_str(), top.title.as_deref()),
            ("topHits", Some("Top hits"))
        );
        let ranks: Vec<Rank> = top
            .content
            .entities
            .iter()
            .filter_map(|entity| rank(entity, "beck"))
            .collect();
        assert_eq!(ranks.len(), top.content.entities.len());
        assert!(ranks.windows(2).all(|pair| pair[0] <= pair[1]), "{ranks:?}");
        // Beck, then Jeff Beck (the title holds the query), then Beck's album Odelay.
        let top_ids = ids(top);
        let at = |id: &str| top_ids.iter().position(|found| *found == id).expect(id);
        assert_eq!(at("B000APS6A0"), 0);
        assert!(at("B000AQ0FXS") < at("B000002TQV"), "{top_ids:?}");
    }

    #[test]
    fn each_group_holds_at_most_limit_and_the_answer_does_not_change() {
        let catalog = Catalog::new(300).expect("a catalog");
        let view = catalog.search("E", 2);
        assert!(view.content.entity_groups.len() > 2);
        for group in &view.content.entity_groups {
            assert!(!group.content.entities.is_empty() && group.content.entities.len() <= 2);
        }
        let again = Catalog::new(300).expect("a catalog").search("e", 2);
        let first: Vec<Vec<&str>> = view.content.entity_groups.iter().map(ids).collect();
        let second: Vec<Vec<&str>> = again.content.entity_groups.iter().map(ids).collect();
        assert_eq!(first, second);
    }

    #[test]
    fn the_entities_of_the_specs_search_example_are_found() {
        let catalog = Catalog::new(300).expect("a catalog");
        let view = catalog.search("BECK", 10);
        let artists = view
            .content
            .entity_groups
            .iter()
            .find(|group| group.id == "artists")
            .expect("an artists group");
        assert_eq!(ids(artists)[..2], ["B000APS6A0", "B000AQ0FXS"]);
        assert_eq!(ids(&view.content.entity_groups[0])[0], "B000APS6A0");
    }

    #[test]
    fn no_match_is_the_view_with_no_groups() {
        let catalog = Catalog::new(300).expect("a catalog");
        for query in ["zzqqxx-nothing", "   "] {
            let view = catalog.search(query, 10);
            assert_eq!(view.id, "catalog");
            assert!(view.content.entity_groups.is_empty(), "{query:?}");
        }
    }
}
