//! Round trips of every model through JSON, on arbitrary values.
//!
//! Each model gets one strategy below; each property checks that a value survives both
//! `to_value` → `from_value` and `to_string` → `from_str` unchanged.

use amazon_music_models::{
    Album, AlbumReference, AlbumType, Artist, ArtistReference, ArtistType, Curator, Entity,
    EntityGroup, EntityGroupContent, ErrorDetail, ErrorResponse, Image, PlayParams,
    PlaybackInformation, Playlist, PlaylistType, PodcastEpisode, PodcastEpisodeType,
    PodcastReference, PodcastShow, PodcastShowType, Station, StationType, Track, TrackType, User,
    UserType, View, ViewContent, ViewResponse,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};

/// The `_type` values with a variant of their own in [`Entity`].
const KNOWN_ENTITY_TYPES: [&str; 8] = [
    "Album",
    "Artist",
    "Track",
    "Playlist",
    "PodcastShow",
    "PodcastEpisode",
    "Station",
    "User",
];

/// Checks that `$value` (of type `$type`) comes back equal through `serde_json::Value` and
/// through a JSON string.
macro_rules! prop_assert_round_trips {
    ($type:ty, $value:expr) => {{
        let value: &$type = &$value;
        let json = serde_json::to_value(value)
            .map_err(|error| TestCaseError::fail(format!("to_value: {error}")))?;
        let back: $type = serde_json::from_value(json.clone())
            .map_err(|error| TestCaseError::fail(format!("from_value({json}): {error}")))?;
        prop_assert_eq!(&back, value, "through the JSON value {}", json);
        let text = serde_json::to_string(value)
            .map_err(|error| TestCaseError::fail(format!("to_string: {error}")))?;
        let back: $type = serde_json::from_str(&text)
            .map_err(|error| TestCaseError::fail(format!("from_str({text}): {error}")))?;
        prop_assert_eq!(&back, value, "through the JSON text {}", text);
    }};
}

// ---------------------------------------------------------------------------------------------
// Strategies: one per type.

/// Arbitrary Unicode text, control characters and newlines included.
fn text() -> impl Strategy<Value = String> {
    "(?s).{0,12}"
}

/// A value of an open string set: one of the values seen, or any text.
fn open_set(seen: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(seen).prop_map(str::to_owned),
        text(),
    ]
}

fn small_vec<S: Strategy>(element: S) -> impl Strategy<Value = Vec<S::Value>> {
    vec(element, 0..3)
}

/// Any JSON number that JSON text can carry exactly: integers of either sign, and floats with
/// a short decimal expansion.
fn json_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<i32>().prop_filter_map("a finite float", |eighths| {
            Number::from_f64(f64::from(eighths) / 8.0)
        }),
    ]
}

/// Any JSON value, nested up to three levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number().prop_map(Value::Number),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            json_object(inner).prop_map(Value::Object),
        ]
    })
}

fn json_object(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Map<String, Value>> {
    vec((text(), value), 0..4).prop_map(|fields| fields.into_iter().collect())
}

prop_compose! {
    fn image()(url in text()) -> Image {
        Image { url }
    }
}

prop_compose! {
    fn artist_reference()(id in text(), name in text()) -> ArtistReference {
        ArtistReference { id, name }
    }
}

prop_compose! {
    fn album_reference()(id in text(), title in text()) -> AlbumReference {
        AlbumReference { id, title }
    }
}

prop_compose! {
    fn podcast_reference()(id in text(), title in text()) -> PodcastReference {
        PodcastReference { id, title }
    }
}

prop_compose! {
    fn curator()(id in option::of(text()), name in text()) -> Curator {
        Curator { id, name }
    }
}

prop_compose! {
    fn playback_information()(progress_milliseconds in option::of(any::<i64>()))
        -> PlaybackInformation {
        PlaybackInformation { progress_milliseconds }
    }
}

prop_compose! {
    fn play_params()(
        id in text(),
        container_id in option::of(text()),
        container_ids in option::of(small_vec(text())),
        selections in small_vec(open_set(&["PLAY", "SHUFFLE", "STATION"])),
    ) -> PlayParams {
        PlayParams { id, container_id, container_ids, selections }
    }
}

prop_compose! {
    fn album()(
        id in text(),
        title in text(),
        artists in small_vec(artist_reference()),
        images in small_vec(image()),
        play_params in play_params(),
        duration in option::of(any::<i64>()),
        release_date in option::of(text()),
        track_count in option::of(any::<i64>()),
        label in option::of(text()),
    ) -> Album {
        Album {
            type_: AlbumType::Album,
            id,
            title,
            artists,
            images,
            play_params,
            duration,
            release_date,
            track_count,
            label,
        }
    }
}

prop_compose! {
    fn artist()(
        id in text(),
        name in text(),
        images in small_vec(image()),
        play_params in play_params(),
        follower_count in option::of(any::<i64>()),
    ) -> Artist {
        Artist { type_: ArtistType::Artist, id, name, images, play_params, follower_count }
    }
}

prop_compose! {
    fn track()(
        id in text(),
        isrc in text(),
        title in text(),
        album in album_reference(),
        artists in small_vec(artist_reference()),
        images in small_vec(image()),
        play_params in play_params(),
    ) -> Track {
        Track { type_: TrackType::Track, id, isrc, title, album, artists, images, play_params }
    }
}

prop_compose! {
    fn playlist()(
        id in text(),
        title in text(),
        images in small_vec(image()),
        play_params in play_params(),
        curator in option::of(curator()),
        description in option::of(text()),
        duration in option::of(any::<i64>()),
    ) -> Playlist {
        Playlist {
            type_: PlaylistType::Playlist,
            id,
            title,
            images,
            play_params,
            curator,
            description,
            duration,
        }
    }
}

prop_compose! {
    fn podcast_show()(
        id in text(),
        title in text(),
        author in text(),
        images in small_vec(image()),
        play_params in play_params(),
        description in option::of(text()),
    ) -> PodcastShow {
        PodcastShow {
            type_: PodcastShowType::PodcastShow,
            id,
            title,
            author,
            images,
            play_params,
            description,
        }
    }
}

prop_compose! {
    fn podcast_episode()(
        id in text(),
        title in text(),
        author in text(),
        season_number in option::of(any::<i64>()),
        episode_number in option::of(any::<i64>()),
        release_date in text(),
        duration in any::<i64>(),
        images in small_vec(image()),
        podcast in podcast_reference(),
        play_params in play_params(),
        playback_information in option::of(playback_information()),
    ) -> PodcastEpisode {
        PodcastEpisode {
            type_: PodcastEpisodeType::PodcastEpisode,
            id,
            title,
            author,
            season_number,
            episode_number,
            release_date,
            duration,
            images,
            podcast,
            play_params,
            playback_information,
        }
    }
}

prop_compose! {
    fn station()(
        id in text(),
        name in text(),
        images in small_vec(image()),
        play_params in play_params(),
    ) -> Station {
        Station { type_: StationType::Station, id, name, images, play_params }
    }
}

prop_compose! {
    fn user()(id in text(), images in small_vec(image()), name in text()) -> User {
        User { type_: UserType::User, id, images, name }
    }
}

/// A `_type` that [`Entity`] has no variant for.
fn unknown_type_name() -> impl Strategy<Value = String> {
    text().prop_filter("a known `_type`", |name| {
        !KNOWN_ENTITY_TYPES.contains(&name.as_str())
    })
}

prop_compose! {
    /// The JSON object of an entity of an unknown `_type`, with `_type` at any position.
    fn unknown_entity_object()(
        type_name in unknown_type_name(),
        fields in vec((text(), json_value()), 0..5),
        type_position in any::<Index>(),
    ) -> Map<String, Value> {
        let mut fields: Vec<(String, Value)> =
            fields.into_iter().filter(|(key, _)| key != "_type").collect();
        let position = type_position.index(fields.len() + 1);
        fields.insert(position, ("_type".to_owned(), Value::String(type_name)));
        fields.into_iter().collect()
    }
}

/// An [`Entity::Unknown`]: there is no constructor, so it is decoded from its JSON object.
fn unknown_entity() -> impl Strategy<Value = Entity> {
    unknown_entity_object().prop_map(|object| {
        match serde_json::from_value(Value::Object(object.clone())) {
            Ok(entity @ Entity::Unknown(_)) => entity,
            other => panic!("{object:?} decoded to {other:?}, not to an unknown entity"),
        }
    })
}

fn entity() -> impl Strategy<Value = Entity> {
    prop_oneof![
        album().prop_map(Entity::Album),
        artist().prop_map(Entity::Artist),
        track().prop_map(Entity::Track),
        playlist().prop_map(Entity::Playlist),
        podcast_show().prop_map(Entity::PodcastShow),
        podcast_episode().prop_map(Entity::PodcastEpisode),
        station().prop_map(Entity::Station),
        user().prop_map(Entity::User),
        unknown_entity(),
    ]
}

prop_compose! {
    fn entity_group_content()(
        type_ in option::of(open_set(&["EntityGroupContent"])),
        next_page_token in option::of(text()),
        entities in vec(entity(), 0..4),
    ) -> EntityGroupContent {
        EntityGroupContent { type_, next_page_token, entities }
    }
}

prop_compose! {
    fn entity_group()(
        type_ in open_set(&["EntityGroup"]),
        id in text(),
        title in option::of(text()),
        view_type in open_set(&["LIST", "GRID", "STACK", "TABLE"]),
        content in entity_group_content(),
    ) -> EntityGroup {
        EntityGroup { type_, id, title, view_type, content }
    }
}

prop_compose! {
    fn view_content()(
        type_ in open_set(&["ViewContent"]),
        next_page_token in option::of(text()),
        entity_groups in small_vec(entity_group()),
    ) -> ViewContent {
        ViewContent { type_, next_page_token, entity_groups }
    }
}

prop_compose! {
    fn view()(
        type_ in open_set(&["View"]),
        id in text(),
        title in option::of(text()),
        images in option::of(small_vec(image())),
        entity in option::of(entity()),
        content in view_content(),
    ) -> View {
        View { type_, id, title, images, entity, content }
    }
}

prop_compose! {
    fn view_response()(data in view()) -> ViewResponse {
        ViewResponse { data }
    }
}

prop_compose! {
    fn error_detail()(
        status in open_set(&["400", "401", "403", "404", "429", "500"]),
        code in open_set(&["INVALID_ACCESS_TOKEN", "NOT_FOUND", "THROTTLED"]),
        message in text(),
        url in option::of(text()),
        reference in option::of(text()),
        payload in option::of(json_object(json_value())),
    ) -> ErrorDetail {
        ErrorDetail { status, code, message, url, reference, payload }
    }
}

prop_compose! {
    fn error_response()(error in error_detail()) -> ErrorResponse {
        ErrorResponse { error }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties.

proptest! {
    #[test]
    fn image_round_trips(value in image()) {
        prop_assert_round_trips!(Image, value);
    }

    #[test]
    fn artist_reference_round_trips(value in artist_reference()) {
        prop_assert_round_trips!(ArtistReference, value);
    }

    #[test]
    fn album_reference_round_trips(value in album_reference()) {
        prop_assert_round_trips!(AlbumReference, value);
    }

    #[test]
    fn podcast_reference_round_trips(value in podcast_reference()) {
        prop_assert_round_trips!(PodcastReference, value);
    }

    #[test]
    fn curator_round_trips_with_or_without_an_id(value in curator()) {
        prop_assert_round_trips!(Curator, value);
    }

    #[test]
    fn playback_information_round_trips_with_or_without_progress(
        value in playback_information(),
    ) {
        prop_assert_round_trips!(PlaybackInformation, value);
    }

    #[test]
    fn play_params_round_trip(value in play_params()) {
        prop_assert_round_trips!(PlayParams, value);
    }

    #[test]
    fn error_detail_round_trips(value in error_detail()) {
        prop_assert_round_trips!(ErrorDetail, value);
    }

    #[test]
    fn error_response_round_trips(value in error_response()) {
        prop_assert_round_trips!(ErrorResponse, value);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn album_round_trips_alone_and_as_an_entity(value in album()) {
        prop_assert_round_trips!(Album, value);
        prop_assert_round_trips!(Entity, Entity::Album(value));
    }

    #[test]
    fn artist_round_trips_alone_and_as_an_entity(value in artist()) {
        prop_assert_round_trips!(Artist, value);
        prop_assert_round_trips!(Entity, Entity::Artist(value));
    }

    #[test]
    fn track_round_trips_alone_and_as_an_entity(value in track()) {
        prop_assert_round_trips!(Track, value);
        prop_assert_round_trips!(Entity, Entity::Track(value));
    }

    #[test]
    fn playlist_round_trips_alone_and_as_an_entity(value in playlist()) {
        prop_assert_round_trips!(Playlist, value);
        prop_assert_round_trips!(Entity, Entity::Playlist(value));
    }

    #[test]
    fn podcast_show_round_trips_alone_and_as_an_entity(value in podcast_show()) {
        prop_assert_round_trips!(PodcastShow, value);
        prop_assert_round_trips!(Entity, Entity::PodcastShow(value));
    }

    #[test]
    fn podcast_episode_round_trips_alone_and_as_an_entity(value in podcast_episode()) {
        prop_assert_round_trips!(PodcastEpisode, value);
        prop_assert_round_trips!(Entity, Entity::PodcastEpisode(value));
    }

    #[test]
    fn station_round_trips_alone_and_as_an_entity(value in station()) {
        prop_assert_round_trips!(Station, value);
        prop_assert_round_trips!(Entity, Entity::Station(value));
    }

    #[test]
    fn user_round_trips_alone_and_as_an_entity(value in user()) {
        prop_assert_round_trips!(User, value);
        prop_assert_round_trips!(Entity, Entity::User(value));
    }

    #[test]
    fn unknown_entity_decodes_to_its_whole_object(object in unknown_entity_object()) {
        let entity: Entity = serde_json::from_value(Value::Object(object.clone()))
            .map_err(|error| TestCaseError::fail(format!("from_value: {error}")))?;
        let Entity::Unknown(unknown) = &entity else {
            return Err(TestCaseError::fail(format!("decoded to {entity:?}")));
        };
        prop_assert_eq!(Some(unknown.type_name()), object["_type"].as_str());
        prop_assert_eq!(unknown.fields(), &object);
        let keys: Vec<&String> = unknown.fields().keys().collect();
        prop_assert_eq!(keys, object.keys().collect::<Vec<_>>(), "keys reordered");
        prop_assert_eq!(unknown.clone().into_fields(), object);
    }

    #[test]
    fn unknown_entity_round_trips(value in unknown_entity()) {
        prop_assert_round_trips!(Entity, value);
    }

    #[test]
    fn entity_of_any_type_round_trips(value in entity()) {
        prop_assert_round_trips!(Entity, value);
    }

    #[test]
    fn entity_group_content_round_trips(value in entity_group_content()) {
        prop_assert_round_trips!(EntityGroupContent, value);
    }

    #[test]
    fn entity_group_round_trips(value in entity_group()) {
        prop_assert_round_trips!(EntityGroup, value);
    }

    #[test]
    fn view_content_round_trips(value in view_content()) {
        prop_assert_round_trips!(ViewContent, value);
    }

    #[test]
    fn view_round_trips(value in view()) {
        prop_assert_round_trips!(View, value);
    }

    #[test]
    fn view_response_round_trips(value in view_response()) {
        prop_assert_round_trips!(ViewResponse, value);
    }
}
