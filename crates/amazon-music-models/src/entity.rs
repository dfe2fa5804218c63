//! The entity union, written by hand: the one type in this crate the generator cannot express.
//!
//! typify turns the spec's `oneOf` + `discriminator` into an untagged enum, which tries every
//! variant in turn, reports no useful error, and fails the whole page on a `_type` it does not
//! know. [`Entity`] instead dispatches on `_type`, keeps unknown entities whole, and reports a
//! malformed known entity as an error of that entity's own fields.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Album, Artist, Playlist, PodcastEpisode, PodcastShow, Station, Track, User};

/// A music, podcast or user entity, told apart by its `_type`.
///
/// New `_type` values appear over time: an entity whose `_type` this version does not know
/// decodes to [`Entity::Unknown`], which keeps the whole object and serializes it back unchanged.
///
/// ```
/// use amazon_music_models::Entity;
///
/// let known: Entity = serde_json::from_str(r#"{"_type": "User", "id": "u1", "images": [], "name": "Vic"}"#)?;
/// assert!(matches!(known, Entity::User(_)));
///
/// let unknown: Entity = serde_json::from_str(r#"{"_type": "Video", "id": "v1"}"#)?;
/// assert_eq!(unknown.type_name(), "Video");
/// assert_eq!(serde_json::to_string(&unknown)?, r#"{"_type":"Video","id":"v1"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Entity {
    /// `_type: "Album"`.
    Album(Album),
    /// `_type: "Artist"`.
    Artist(Artist),
    /// `_type: "Track"`.
    Track(Track),
    /// `_type: "Playlist"`.
    Playlist(Playlist),
    /// `_type: "PodcastShow"`.
    PodcastShow(PodcastShow),
    /// `_type: "PodcastEpisode"`.
    PodcastEpisode(PodcastEpisode),
    /// `_type: "Station"`.
    Station(Station),
    /// `_type: "User"`.
    User(User),
    /// An entity whose `_type` this version does not know, kept whole.
    Unknown(UnknownEntity),
}

/// An entity of a `_type` this version does not know: the whole JSON object, in its order.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UnknownEntity {
    object: Map<String, Value>,
}

impl UnknownEntity {
    /// The entity's `_type`.
    pub fn type_name(&self) -> &str {
        self.object
            .get(TYPE_KEY)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Every field of the entity, `_type` included.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.object
    }

    /// Takes the entity's fields, `_type` included.
    pub fn into_fields(self) -> Map<String, Value> {
        self.object
    }
}

impl Entity {
    /// The entity's `_type`, known or not.
    pub fn type_name(&self) -> &str {
        match self {
            Self::Album(_) => "Album",
            Self::Artist(_) => "Artist",
            Self::Track(_) => "Track",
            Self::Playlist(_) => "Playlist",
            Self::PodcastShow(_) => "PodcastShow",
            Self::PodcastEpisode(_) => "PodcastEpisode",
            Self::Station(_) => "Station",
            Self::User(_) => "User",
            Self::Unknown(unknown) => unknown.type_name(),
        }
    }

    /// The entity's `id`, where it has one (every known `_type` does).
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Album(entity) => Some(&entity.id),
            Self::Artist(entity) => Some(&entity.id),
            Self::Track(entity) => Some(&entity.id),
            Self::Playlist(entity) => Some(&entity.id),
            Self::PodcastShow(entity) => Some(&entity.id),
            Self::PodcastEpisode(entity) => Some(&entity.id),
            Self::Station(entity) => Some(&entity.id),
            Self::User(entity) => Some(&entity.id),
            Self::Unknown(unknown) => unknown.object.get("id").and_then(Value::as_str),
        }
    }
}

const TYPE_KEY: &str = "_type";

/// The `_type` values with a variant of their own.
#[derive(Clone, Copy)]
enum Kind {
    Album,
    Artist,
    Track,
    Playlist,
    PodcastShow,
    PodcastEpisode,
    Station,
    User,
}

impl Kind {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Album" => Self::Album,
            "Artist" => Self::Artist,
            "Track" => Self::Track,
            "Playlist" => Self::Playlist,
            "PodcastShow" => Self::PodcastShow,
            "PodcastEpisode" => Self::PodcastEpisode,
            "Station" => Self::Station,
            "User" => Self::User,
            _ => return None,
        })
    }

    /// Decodes the variant's struct from a deserializer over the entity's whole object.
    fn decode<'de, D: Deserializer<'de>>(self, object: D) -> Result<Entity, D::Error> {
        Ok(match self {
            Self::Album => Entity::Album(Album::deserialize(object)?),
            Self::Artist => Entity::Artist(Artist::deserialize(object)?),
            Self::Track => Entity::Track(Track::deserialize(object)?),
            Self::Playlist => Entity::Playlist(Playlist::deserialize(object)?),
            Self::PodcastShow => Entity::PodcastShow(PodcastShow::deserialize(object)?),
            Self::PodcastEpisode => Entity::PodcastEpisode(PodcastEpisode::deserialize(object)?),
            Self::Station => Entity::Station(Station::deserialize(object)?),
            Self::User => Entity::User(User::deserialize(object)?),
        })
    }
}

impl Serialize for Entity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Album(entity) => entity.serialize(serializer),
            Self::Artist(entity) => entity.serialize(serializer),
            Self::Track(entity) => entity.serialize(serializer),
            Self::Playlist(entity) => entity.serialize(serializer),
            Self::PodcastShow(entity) => entity.serialize(serializer),
            Self::PodcastEpisode(entity) => entity.serialize(serializer),
            Self::Station(entity) => entity.serialize(serializer),
            Self::User(entity) => entity.serialize(serializer),
            Self::Unknown(entity) => entity.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntityVisitor)
    }
}

struct EntityVisitor;

impl<'de> Visitor<'de> for EntityVisitor {
    type Value = Entity;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an entity object with a `_type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entity, A::Error> {
        let Some(first_key) = map.next_key::<FirstKey>()? else {
            return Err(de::Error::missing_field(TYPE_KEY));
        };
        match first_key {
            // Fast path, as the API sends it: `_type` first. The rest of the map streams straight
            // into the variant's struct, behind a replay of the `_type` entry already read.
            FirstKey::Type => {
                let type_name: String = map.next_value()?;
                match Kind::from_name(&type_name) {
                    Some(kind) => {
                        kind.decode(MapAccessDeserializer::new(TypeFirst::new(&type_name, map)))
                    }
                    None => {
                        let mut object = Map::new();
                        object.insert(TYPE_KEY.to_owned(), Value::String(type_name));
                        while let Some((key, value)) = map.next_entry::<String, Value>()? {
                            object.insert(key, value);
                        }
                        Ok(Entity::Unknown(UnknownEntity { object }))
                    }
                }
            }
            // Slow path: `_type` comes later, so the object is buffered before it is decoded.
            FirstKey::Other(key) => {
                let mut object = Map::new();
                object.insert(key, map.next_value()?);
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    object.insert(key, value);
                }
                from_object(object).map_err(de::Error::custom)
            }
        }
    }
}

/// Decodes a buffered entity object.
fn from_object(object: Map<String, Value>) -> Result<Entity, serde_json::Error> {
    let kind = match object.get(TYPE_KEY) {
        None => return Err(de::Error::missing_field(TYPE_KEY)),
        Some(Value::String(type_name)) => Kind::from_name(type_name),
        Some(other) => {
            return Err(de::Error::invalid_type(
                unexpected(other),
                &"a string `_type`",
            ));
        }
    };
    match kind {
        Some(kind) => kind.decode(Value::Object(object)),
        None => Ok(Entity::Unknown(UnknownEntity { object })),
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(value) => de::Unexpected::Bool(*value),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(value) => de::Unexpected::Str(value),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// An entity's first key: `_type`, or any other (kept, for the slow path).
enum FirstKey {
    Type,
    Other(String),
}

impl<'de> Deserialize<'de> for FirstKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = FirstKey;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<FirstKey, E> {
                Ok(if key == TYPE_KEY {
                    FirstKey::Type
                } else {
                    FirstKey::Other(key.to_owned())
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The rest of an entity's map, behind a replay of the `_type` entry that was already read.
struct TypeFirst<'a, A> {
    replay: Replay<'a>,
    rest: A,
}

/// Where the replay of the `_type` entry stands.
enum Replay<'a> {
    /// The key is still to be given, then this value.
    Key(&'a str),
    /// The key was given; this value is next.
    Value(&'a str),
    /// Both were given: the rest of the map follows.
    Done,
}

impl<'a, A> TypeFirst<'a, A> {
    fn new(type_name: &'a str, rest: A) -> Self {
        Self {
            replay: Replay::Key(type_name),
            rest,
        }
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TypeFirst<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if let Replay::Key(type_name) = self.replay {
            self.replay = Replay::Value(type_name);
            let key: StrDeserializer<'_, A::Error> = TYPE_KEY.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Replay::Value(type_name) = self.replay {
            self.replay = Replay::Done;
            let value: StrDeserializer<'_, A::Error> = type_name.into_deserializer();
            return seed.deserialize(value);
        }
        self.rest.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        let replayed = match self.replay {
            Replay::Key(_) | Replay::Value(_) => 1,
            Replay::Done => 0,
        };
        self.rest.size_hint().map(|rest| rest + replayed)
    }
}

impl schemars::JsonSchema for Entity {
    fn schema_name() -> String {
        "Entity".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        let variants = vec![
            generator.subschema_for::<Album>(),
            generator.subschema_for::<Artist>(),
            generator.subschema_for::<Track>(),
            generator.subschema_for::<Playlist>(),
            generator.subschema_for::<PodcastShow>(),
            generator.subschema_for::<PodcastEpisode>(),
            generator.subschema_for::<Station>(),
            generator.subschema_for::<User>(),
        ];
        schemars::schema::SchemaObject {
            metadata: Some(Box::new(schemars::schema::Metadata {
                description: Some(
                    "A music, podcast or user entity, told apart by `_type`; an unknown `_type` \
                     is kept as it is."
                        .to_owned(),
                ),
                ..Default::default()
            })),
            subschemas: Some(Box::new(schemars::schema::SubschemaValidation {
                one_of: Some(variants),
                ..Default::default()
            })),
            ..Default::default()
        }
        .into()
    }
}
