//! A group of entities before it is paged: what the library lists, the home and podcasts
//! views' groups and the details views' content are made of.

use amazon_music_models::{Entity, EntityGroup};

use super::entities::dedupe;

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
    pub(super) fn new(
        id: &str,
        title: Option<&str>,
        view_type: &str,
        entities: Vec<Entity>,
    ) -> Self {
        Self {
            id: id.to_owned(),
            title: title.map(str::to_owned),
            view_type: view_type.to_owned(),
            typed: true,
            entities,
        }
    }

    /// The example group `group`, its entities followed by `more`.
    pub(super) fn extended(group: &EntityGroup, more: Vec<Entity>) -> Self {
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
