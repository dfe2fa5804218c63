//! The details views: an album, an artist, a playlist or a podcast show, from the spec's
//! examples or from what the index knows.

use amazon_music_models::{Entity, EntityGroup, EntityGroupContent, View, ViewContent};

use super::{Catalog, Group};

/// A details view whose content is one paged group, and maybe a group of related entities
/// that comes with every page: its view (with no groups yet) and the groups.
#[derive(Clone, Debug)]
pub(crate) struct Details {
    pub(crate) view: View,
    pub(crate) group: Group,
    /// Similar playlists or shows: not paged by the view's cursor (`x-paging-groups: first`).
    pub(crate) related: Option<Group>,
}

/// How many similar playlists or shows a details view lists at most.
const RELATED: usize = 8;

impl Catalog {
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
        // The spec's example is served as it is, with its one group.
        if id == self.examples.playlist.id {
            return Some(single_group(&self.examples.playlist));
        }
        let related = self.related(
            &self.playlists,
            id,
            "similar-playlists",
            "Similar Playlists",
        );
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
            related,
        })
    }

    /// The podcast show details view of `id`, and its episodes.
    pub(crate) fn podcast_show(&self, id: &str) -> Option<Details> {
        if id == self.examples.podcast_show.id {
            return Some(single_group(&self.examples.podcast_show));
        }
        let related = self.related(&self.shows, id, "similar-shows", "Similar Podcasts");
        let (show, episodes) = self.index.shows.get(id)?;
        let episodes = episodes
            .iter()
            .cloned()
            .map(Entity::PodcastEpisode)
            .collect();
        Some(Details {
            view: details_view(id, &show.title, Entity::PodcastShow(show.clone())),
            group: Group::new("episodes", None, "STACK", episodes),
            related,
        })
    }

    /// A group of up to [`RELATED`] entities of `list` other than `id`, or none if there are
    /// no others.
    fn related(&self, list: &Group, id: &str, group_id: &str, title: &str) -> Option<Group> {
        let others: Vec<Entity> = list
            .entities
            .iter()
            .filter(|entity| entity.id() != Some(id))
            .take(RELATED)
            .cloned()
            .collect();
        (!others.is_empty()).then(|| Group::new(group_id, Some(title), "CAROUSEL", others))
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
    Details {
        view,
        group,
        related: None,
    }
}
