//! One summary of an entity, built on the models' conveniences (`Entity::title`, `artists`,
//! `mrn`): what a table row, a CSV or TSV row and the export's CSV show, computed once.

use amazon_music::{Entity, models::ArtistReference};

/// How artists are joined, everywhere.
const ARTIST_SEPARATOR: &str = ", ";

/// An entity as people see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The `_type`, as the API spells it (`Track`, `PodcastEpisode`).
    pub kind: String,
    /// The title, or the name (`Entity::title`).
    pub title: String,
    /// The artists, joined with `, `; a show's or episode's author; a playlist's curator.
    pub artists: String,
    /// A track's album title.
    pub album: String,
    /// The duration in seconds, where the API gives one (never for tracks).
    pub duration: Option<i64>,
    /// The ID; empty where the entity has none.
    pub id: String,
    /// The MRN (`playParams.id`), as sent.
    pub mrn: String,
}

impl Summary {
    /// The summary of `entity`.
    pub fn of(entity: &Entity) -> Self {
        let names = |artists: &[ArtistReference]| {
            artists
                .iter()
                .map(|artist| artist.name.as_str())
                .collect::<Vec<_>>()
                .join(ARTIST_SEPARATOR)
        };
        let artists = match entity {
            Entity::Playlist(playlist) => playlist
                .curator
                .as_ref()
                .map(|curator| curator.name.clone())
                .unwrap_or_default(),
            Entity::PodcastShow(show) => show.author.clone(),
            Entity::PodcastEpisode(episode) => episode.author.clone(),
            Entity::Unknown(entity) => entity.artists().as_deref().map(names).unwrap_or_default(),
            // Its artists, where they have the shape a known entity's take.
            Entity::Malformed(entity) => entity
                .fields()
                .get("artists")
                .and_then(|artists| {
                    serde_json::from_value::<Vec<ArtistReference>>(artists.clone()).ok()
                })
                .as_deref()
                .map(names)
                .unwrap_or_default(),
            other => other.artists().map(names).unwrap_or_default(),
        };
        let (album, duration) = match entity {
            Entity::Track(track) => (track.album.title.clone(), None),
            Entity::Album(album) => (String::new(), album.duration),
            Entity::Playlist(playlist) => (String::new(), playlist.duration),
            Entity::PodcastEpisode(episode) => (String::new(), Some(episode.duration)),
            _ => (String::new(), None),
        };
        let mrn = entity
            .mrn()
            .map(|mrn| mrn.to_string())
            .or_else(|| entity.play_params().map(|params| params.id.clone()))
            .unwrap_or_default();
        Self {
            kind: entity.type_name().to_owned(),
            title: entity.title().unwrap_or_default().to_owned(),
            artists,
            album,
            duration,
            id: entity.id().unwrap_or_default().to_owned(),
            mrn,
        }
    }

    /// The duration as a clock time (`m:ss`, or `h:mm:ss` from an hour); empty without one.
    pub fn clock(&self) -> String {
        self.duration.map(clock).unwrap_or_default()
    }
}

/// Seconds as `m:ss`, or `h:mm:ss` from an hour.
pub fn clock(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(json: &str) -> Entity {
        serde_json::from_str(json).expect("an entity")
    }

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(2763), "46:03");
        assert_eq!(clock(13476), "3:44:36");
        assert_eq!(clock(-5), "0:00");
    }

    #[test]
    fn a_track_s_summary_comes_from_the_models_conveniences() {
        let track = entity(
            r#"{"_type": "Track", "id": "B0C9S6RQ1M", "isrc": "USA2P2300001", "title": "Losing My Grip",
                "artists": [{"id": "B07VPCLT49", "name": "Arm's Length"}, {"id": "B0X", "name": "Guest"}],
                "album": {"id": "B0BBB43TGW", "title": "Never Before Seen"},
                "images": [],
                "playParams": {"id": "mrn:1.0:catalog:track:asin:B0C9S6RQ1M?territory=US", "selections": []}}"#,
        );
        let summary = Summary::of(&track);
        assert_eq!(summary.kind, "Track");
        assert_eq!(summary.title, track.title().unwrap_or_default());
        assert_eq!(summary.artists, "Arm's Length, Guest");
        assert_eq!(summary.album, "Never Before Seen");
        assert_eq!(summary.duration, None);
        assert_eq!(summary.id, "B0C9S6RQ1M");
        assert_eq!(
            summary.mrn,
            "mrn:1.0:catalog:track:asin:B0C9S6RQ1M?territory=US"
        );
    }

    #[test]
    fn an_unknown_type_keeps_its_title_and_artists() {
        let unknown = entity(
            r#"{"_type": "Audiobook", "id": "a1", "title": "A Book",
                "artists": [{"id": "x", "name": "Reader"}]}"#,
        );
        let summary = Summary::of(&unknown);
        assert_eq!(
            (summary.kind.as_str(), summary.title.as_str()),
            ("Audiobook", "A Book")
        );
        assert_eq!(summary.artists, "Reader");
    }
}
