//! How [`Entity`] decodes: the hand-written half of the entity union, generic over its variants.
//!
//! The variants, their `_type` dispatch ([`Kind`]), `Serialize` and the JSON Schema are
//! generated from the spec's discriminator mapping (`generated_entity.rs`). This module holds
//! what does not depend on which variants there are:
//!
//! - the fast path, as the API sends entities (`_type` first): the rest of the object streams
//!   straight into the variant's model, behind a replay of the `_type` entry already read;
//! - the buffered path, when `_type` comes later: the entries are kept, in order and with any
//!   duplicates, then decoded as the fast path would, so a key given twice is treated the same
//!   whichever path decodes the entity (an error for `_type` and every field the model or an
//!   unknown entity keeps);
//! - [`Entity::Unknown`], which keeps an entity of an unknown `_type` whole;
//! - the lenient mode of [`from_slice_lenient`], where a known entity whose fields do not match
//!   its schema becomes [`Entity::Malformed`] instead of failing the page.

use std::cell::Cell;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, MapDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::generated_entity::Kind;
use crate::kept::{CAPTURE_HINT, MalformedEntity, TYPE_KEY, UnknownEntity};
use crate::{Entity, Mrn};

thread_local! {
    /// Whether entities on this thread decode leniently (inside [`from_slice_lenient`]).
    static LENIENT: Cell<bool> = const { Cell::new(false) };
}

/// Decodes `bytes` as `T` like `serde_json::from_slice`, except that a known entity whose
/// fields do not match its schema becomes [`Entity::Malformed`] (with a `warn` event) instead of
/// failing the whole value.
///
/// Well-formed input decodes on the same fast path as `serde_json::from_slice`; only when that
/// fails is the input decoded again, buffering each entity. Use it where one odd entity must
/// not cost the rest of a page.
///
/// # Errors
/// When the input is not JSON, or fails to decode outside the entities (a missing field of the
/// view, say): the error of the lenient decode.
pub fn from_slice_lenient<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    from_slice(bytes).or_else(|_| leniently(|| from_slice(bytes)))
}

/// Decodes `bytes` as `T`, with the same result and errors as `serde_json::from_slice`, faster:
/// the whole input is checked as UTF-8 once, then parsed as text, which spares serde_json's
/// check of each string as it goes. Input that is not UTF-8 is left to `serde_json::from_slice`,
/// for its error and position.
///
/// ```
/// let page: amazon_music_models::ViewResponse = amazon_music_models::from_slice(
///     br#"{"data": {"_type": "View", "id": "home", "images": [],
///         "content": {"_type": "ViewContent", "entityGroups": []}}}"#,
/// )?;
/// assert_eq!(page.data.id, "home");
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// # Errors
/// When the input is not JSON or does not decode as `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// Runs `decode` with entities decoding leniently on this thread, as in
/// [`from_slice_lenient`]: for a deserializer of your own (one that tracks the path of an
/// error, say). Always the buffered path, so slower than a strict decode.
pub fn leniently<R>(decode: impl FnOnce() -> R) -> R {
    let _lenient = LenientScope::enter();
    decode()
}

/// Lenient decoding on this thread until dropped.
struct LenientScope {
    was: bool,
}

impl LenientScope {
    fn enter() -> Self {
        Self {
            was: LENIENT.with(|lenient| lenient.replace(true)),
        }
    }
}

impl Drop for LenientScope {
    fn drop(&mut self) {
        LENIENT.with(|lenient| lenient.set(self.was));
    }
}

/// `Track "Basket Case" (B0..)`: the `_type`, the title or name, and the id, where there are.
///
/// ```
/// use amazon_music_models::Entity;
///
/// let user: Entity = serde_json::from_str(r#"{"_type": "User", "id": "u1", "images": [], "name": "Vic"}"#)?;
/// assert_eq!(user.to_string(), r#"User "Vic" (u1)"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl fmt::Display for Entity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.type_name())?;
        if let Some(title) = self.title() {
            write!(formatter, " {title:?}")?;
        }
        if let Some(id) = self.id() {
            write!(formatter, " ({id})")?;
        }
        Ok(())
    }
}

impl Entity {
    /// The entity's MRN: its `playParams.id`, parsed. `None` when the entity has no
    /// `playParams` (a user), or its id is not an MRN: [`play_params`](Self::play_params)
    /// gives the string as sent.
    ///
    /// On an unknown or malformed entity, read from its fields, where they hold one.
    ///
    /// ```
    /// use amazon_music_models::Entity;
    ///
    /// let album: Entity = serde_json::from_str(r#"{"_type": "Album", "id": "B0BBB43TGW",
    ///     "title": "Never Before Seen", "artists": [], "images": [],
    ///     "playParams": {"id": "mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US", "selections": ["PLAY"]}}"#)?;
    /// let mrn = album.mrn().expect("an album has an MRN");
    /// assert_eq!((mrn.kind(), mrn.id(), mrn.territory()), ("album", "B0BBB43TGW", Some("US")));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn mrn(&self) -> Option<Mrn> {
        match self {
            Self::Unknown(entity) => entity.mrn(),
            Self::Malformed(entity) => entity.mrn(),
            known => known.play_params()?.id.parse().ok(),
        }
    }
}

impl<'de> Deserialize<'de> for Entity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EntityVisitor {
            lenient: LENIENT.with(Cell::get),
        })
    }
}

struct EntityVisitor {
    lenient: bool,
}

impl<'de> Visitor<'de> for EntityVisitor {
    type Value = Entity;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an entity object with a `_type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entity, A::Error> {
        let mut entries = Vec::new();
        match map.next_key::<FirstKey>()? {
            None => {}
            // Fast path, as the API sends it: `_type` first.
            Some(FirstKey::Type) => match map.next_value()? {
                TypeName::Known(kind) if !self.lenient => {
                    return kind
                        .decode(MapAccessDeserializer::new(TypeFirst::new(kind.name(), map)));
                }
                TypeName::Known(kind) => {
                    entries.push((TYPE_KEY.to_owned(), Value::String(kind.name().to_owned())));
                }
                TypeName::Unknown(type_name) => {
                    let mut object = Map::new();
                    object.insert(TYPE_KEY.to_owned(), Value::String(type_name));
                    while let Some((key, value)) = map.next_entry::<String, Value>()? {
                        insert_once(&mut object, key, value)?;
                    }
                    return Ok(unknown(object));
                }
            },
            Some(FirstKey::Other(key)) => entries.push((key, map.next_value()?)),
        }
        // Buffered path: `_type` comes later (or the decode is lenient).
        while let Some(entry) = map.next_entry::<String, Value>()? {
            entries.push(entry);
        }
        from_entries(entries, self.lenient)
    }
}

/// Decodes a buffered entity: its entries in order, duplicates kept.
fn from_entries<E: de::Error>(entries: Vec<(String, Value)>, lenient: bool) -> Result<Entity, E> {
    let mut types = entries.iter().filter(|(key, _)| key == TYPE_KEY);
    let kind = match (types.next(), types.next()) {
        (None, _) => return Err(de::Error::missing_field(TYPE_KEY)),
        (Some(_), Some(_)) => return Err(de::Error::duplicate_field(TYPE_KEY)),
        (Some((_, Value::String(type_name))), None) => Kind::from_name(type_name),
        (Some((_, other)), None) => {
            return Err(de::Error::invalid_type(
                unexpected(other),
                &"a string `_type`",
            ));
        }
    };
    let Some(kind) = kind else {
        let mut object = Map::new();
        for (key, value) in entries {
            insert_once(&mut object, key, value)?;
        }
        return Ok(unknown(object));
    };
    if !lenient {
        return kind
            .decode(MapDeserializer::new(entries.into_iter()))
            .map_err(de::Error::custom);
    }
    let borrowed = entries.iter().map(|(key, value)| (key.as_str(), value));
    let error: serde_json::Error = match kind.decode(MapDeserializer::new(borrowed)) {
        Ok(entity) => return Ok(entity),
        Err(error) => error,
    };
    let entity = MalformedEntity {
        error: error.to_string(),
        object: entries.into_iter().collect(),
    };
    tracing::warn!(
        entity_type = entity.type_name(),
        entity_id = entity.id(),
        error = %entity.error,
        "an entity does not match its schema; kept as Entity::Malformed; {CAPTURE_HINT}"
    );
    Ok(Entity::Malformed(entity))
}

/// An entity of a `_type` this version does not know, kept whole, and said at `debug`.
fn unknown(object: Map<String, Value>) -> Entity {
    let entity = UnknownEntity { object };
    tracing::debug!(
        entity_type = entity.type_name(),
        entity_id = entity.id(),
        "an entity of a type this version does not know; kept as Entity::Unknown; {CAPTURE_HINT}"
    );
    Entity::Unknown(entity)
}

/// Adds an entry to an unknown entity's object; a key given twice is an error, as it is for
/// the fields of a known entity.
fn insert_once<E: de::Error>(
    object: &mut Map<String, Value>,
    key: String,
    value: Value,
) -> Result<(), E> {
    if object.contains_key(&key) {
        return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
    }
    object.insert(key, value);
    Ok(())
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

/// An entity's first key: `_type`, or any other (kept, for the buffered path).
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

/// An entity's `_type`: a known kind (read without allocating), or the unknown name.
enum TypeName {
    Known(Kind),
    Unknown(String),
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = TypeName;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<TypeName, E> {
                Ok(match Kind::from_name(name) {
                    Some(kind) => TypeName::Known(kind),
                    None => TypeName::Unknown(name.to_owned()),
                })
            }
        }
        deserializer.deserialize_str(NameVisitor)
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

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = r#""id": "u1", "images": [], "name": "Vic""#;

    fn decode(json: &str) -> Result<Entity, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_known_type_decodes_on_either_path() {
        let first = decode(&format!(r#"{{"_type": "User", {USER}}}"#)).unwrap();
        let last = decode(&format!(r#"{{{USER}, "_type": "User"}}"#)).unwrap();
        assert!(matches!(first, Entity::User(_)));
        assert_eq!(first, last);
    }

    #[test]
    fn duration_is_whole_seconds_where_the_entity_gives_them() {
        let episode = decode(
            r#"{"_type": "PodcastEpisode", "id": "e", "title": "E", "author": "A",
            "releaseDate": "2024-02-06T08:00:00Z", "duration": 2763, "images": [],
            "podcast": {"id": "p", "title": "P"}, "playParams": {"id": "mrn:x", "selections": []}}"#,
        )
        .unwrap();
        assert_eq!(
            episode.duration(),
            Some(std::time::Duration::from_secs(2763))
        );
        let user = decode(&format!(r#"{{"_type": "User", {USER}}}"#)).unwrap();
        assert_eq!(user.duration(), None, "a user has no length");
        let unknown = decode(r#"{"_type": "Video", "id": "v", "duration": 90}"#).unwrap();
        assert_eq!(unknown.duration(), Some(std::time::Duration::from_secs(90)));
        for odd in ["-5", "1.5", "\"90\""] {
            let json = format!(r#"{{"_type": "Video", "id": "v", "duration": {odd}}}"#);
            assert_eq!(decode(&json).unwrap().duration(), None, "{odd}");
        }
    }

    #[test]
    fn a_duplicate_type_is_an_error_on_both_paths() {
        for json in [
            format!(r#"{{"_type": "User", {USER}, "_type": "User"}}"#),
            format!(r#"{{"_type": "User", {USER}, "_type": "Video"}}"#),
            format!(r#"{{{USER}, "_type": "User", "_type": "User"}}"#),
            r#"{"_type": "Video", "_type": "Clip"}"#.to_owned(),
            r#"{"id": "v", "_type": "Video", "_type": "Clip"}"#.to_owned(),
        ] {
            let error = decode(&json).unwrap_err().to_string();
            assert!(error.contains("duplicate field `_type`"), "{json}: {error}");
        }
    }

    #[test]
    fn duplicate_keys_decode_alike_on_both_paths() {
        let cases = [
            // A field of the model given twice: an error.
            (
                r#""name": "A", "name": "B", "id": "u1", "images": []"#,
                false,
            ),
            // A key the model does not keep, given twice: ignored, as every unknown field is.
            (
                r#""extra": 1, "extra": 2, "id": "u1", "images": [], "name": "A""#,
                true,
            ),
        ];
        for (fields, decodes) in cases {
            let first = decode(&format!(r#"{{"_type": "User", {fields}}}"#));
            let last = decode(&format!(r#"{{{fields}, "_type": "User"}}"#));
            assert_eq!(first.is_ok(), decodes, "{fields}: {first:?}");
            assert_eq!(last.is_ok(), decodes, "{fields}: {last:?}");
        }
        for json in [
            r#"{"_type": "Video", "id": "a", "id": "b"}"#,
            r#"{"id": "a", "id": "b", "_type": "Video"}"#,
        ] {
            let error = decode(json).unwrap_err().to_string();
            assert!(error.contains("duplicate field `id`"), "{json}: {error}");
        }
    }

    #[test]
    fn an_unknown_type_is_kept_whole_in_order() {
        let json = r#"{"id": "v1", "_type": "Video", "z": [1], "a": {"b": null}}"#;
        let entity = decode(json).unwrap();
        let Entity::Unknown(unknown) = &entity else {
            panic!("{entity:?}");
        };
        assert_eq!(unknown.type_name(), "Video");
        assert_eq!(
            serde_json::to_string(&entity).unwrap(),
            json.replace(": ", ":").replace(", ", ",")
        );
    }

    #[test]
    fn a_missing_or_odd_type_is_an_error() {
        assert!(
            decode(r#"{}"#)
                .unwrap_err()
                .to_string()
                .contains("missing field `_type`")
        );
        assert!(decode(r#"{"id": "x"}"#).is_err());
        assert!(
            decode(r#"{"id": "x", "_type": 3}"#)
                .unwrap_err()
                .to_string()
                .contains("a string `_type`")
        );
    }

    #[test]
    fn a_value_that_is_not_an_entity_says_what_was_expected() {
        let error = decode(r#""Video""#).unwrap_err().to_string();
        assert!(
            error.contains("expected an entity object with a `_type`"),
            "{error}"
        );
        let error = decode(r#"{"_type": 3, "id": "x"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("expected a string"), "{error}");
    }

    #[test]
    fn a_malformed_known_entity_fails_strictly_and_is_kept_leniently() {
        let page = format!(
            r#"[{{"_type": "User", {USER}}}, {{"_type": "User", "id": 5, "name": "x"}}, {{"name": "y", "_type": "User"}}]"#
        );
        assert!(serde_json::from_str::<Vec<Entity>>(&page).is_err());
        let entities: Vec<Entity> = from_slice_lenient(page.as_bytes()).unwrap();
        assert!(matches!(entities[0], Entity::User(_)));
        for odd in &entities[1..] {
            let Entity::Malformed(odd) = odd else {
                panic!("{odd:?}");
            };
            assert_eq!(odd.type_name(), "User");
            assert!(!odd.error().is_empty());
        }
        assert_eq!(
            serde_json::to_value(&entities[1]).unwrap(),
            serde_json::json!({"_type": "User", "id": 5, "name": "x"})
        );
    }

    fn album(play_id: &str) -> String {
        format!(
            r#"{{"_type": "Album", "id": "B0", "title": "T", "artists": [], "images": [],
                "playParams": {{"id": "{play_id}", "selections": []}}}}"#
        )
    }

    #[test]
    fn mrn_parses_the_play_params_id_of_any_entity_that_has_one() {
        let mrn = "mrn:1.0:catalog:album:asin:B0BBB43TGW?territory=US";
        let known = decode(&album(mrn)).unwrap();
        assert_eq!(known.mrn().map(|mrn| mrn.to_string()).as_deref(), Some(mrn));
        let unknown = decode(&format!(
            r#"{{"_type": "Video", "id": "v1", "playParams": {{"id": "{mrn}"}}}}"#
        ))
        .unwrap();
        assert!(matches!(unknown, Entity::Unknown(_)));
        assert_eq!(unknown.mrn(), known.mrn());
        let malformed: Entity = from_slice_lenient(
            format!(r#"{{"_type": "Album", "id": 5, "playParams": {{"id": "{mrn}"}}}}"#).as_bytes(),
        )
        .unwrap();
        assert!(matches!(malformed, Entity::Malformed(_)));
        assert_eq!(malformed.mrn(), known.mrn());
    }

    #[test]
    fn mrn_is_none_without_play_params_or_for_an_id_that_is_not_an_mrn() {
        for json in [
            format!(r#"{{"_type": "User", {USER}}}"#),
            album("B0BBB43TGW"),
            album(""),
            r#"{"_type": "Video", "playParams": {"id": 7}}"#.to_owned(),
            r#"{"_type": "Video", "playParams": "mrn:1.0:a:b:c:d"}"#.to_owned(),
        ] {
            assert_eq!(decode(&json).unwrap().mrn(), None, "{json}");
        }
    }

    #[test]
    fn an_unknown_entity_decodes_the_fields_known_entities_share() {
        let entity = decode(
            r#"{"_type": "Video", "id": "v1", "title": "Clip",
                "images": [{"url": "https://img/1"}],
                "artists": [{"id": "A1", "name": "Band"}],
                "playParams": {"id": "mrn:1.0:catalog:video:asin:V1", "selections": ["PLAY"]}}"#,
        )
        .unwrap();
        let Entity::Unknown(unknown) = &entity else {
            panic!("{entity:?}");
        };
        assert_eq!(unknown.images().unwrap()[0].url, "https://img/1");
        assert_eq!(unknown.artists().unwrap()[0].name, "Band");
        assert_eq!(unknown.play_params().unwrap().selections, ["PLAY"]);
        assert_eq!(entity.to_string(), r#"Video "Clip" (v1)"#);
        let odd = decode(r#"{"_type": "Video", "images": "none", "artists": [1]}"#).unwrap();
        let Entity::Unknown(odd) = &odd else {
            panic!("{odd:?}");
        };
        assert_eq!(
            (odd.images(), odd.artists(), odd.play_params()),
            (None, None, None)
        );
    }

    #[test]
    fn lenient_mode_ends_with_its_call() {
        let odd = br#"{"_type": "User", "id": 5}"#;
        assert!(from_slice_lenient::<Entity>(odd).is_ok());
        assert!(serde_json::from_slice::<Entity>(odd).is_err());
    }

    #[test]
    fn lenient_decoding_still_fails_outside_the_entities() {
        assert!(from_slice_lenient::<Vec<Entity>>(b"[1]").is_err());
        assert!(from_slice_lenient::<Vec<Entity>>(b"not json").is_err());
    }
}
