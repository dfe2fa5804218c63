//! Entities kept whole, as the JSON objects they came as: one of a `_type` this version does not
//! know ([`UnknownEntity`]), and one of a known `_type` whose fields do not match its schema
//! ([`MalformedEntity`]).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{ArtistReference, Image, Mrn, PlayParams};

/// The key of an entity's type.
pub(crate) const TYPE_KEY: &str = "_type";

/// What to do with a response the models do not fully describe (an entity kept as
/// [`Entity::Unknown`](crate::Entity::Unknown) or [`Entity::Malformed`](crate::Entity::Malformed),
/// a page that does not decode): how to capture it and see how it differs from the spec. The
/// SDK's decode errors and these log lines end with it.
pub const CAPTURE_HINT: &str = "to see how the API differs from the spec, record the exchange \
     (`amzn-music --record FILE.har ...`, or `ClientBuilder::record_to`) and run `amzn-music \
     drift FILE.har`";

/// An entity of a `_type` this version does not know: the whole JSON object, in its order.
///
/// ```
/// use amazon_music_models::Entity;
///
/// let unknown: Entity = serde_json::from_str(r#"{"_type": "Video", "id": "v1"}"#)?;
/// assert_eq!(unknown.type_name(), "Video");
/// assert_eq!(unknown.id(), Some("v1"));
/// assert_eq!(serde_json::to_string(&unknown)?, r#"{"_type":"Video","id":"v1"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct UnknownEntity {
    pub(crate) object: Map<String, Value>,
}

impl UnknownEntity {
    /// An unknown entity of this object, for the `proptest` strategies (the caller makes sure
    /// its `_type` is a string that no variant has).
    #[cfg(feature = "proptest")]
    pub(crate) fn from_object(object: Map<String, Value>) -> Self {
        Self { object }
    }

    /// The entity's `_type`.
    pub fn type_name(&self) -> &str {
        type_name(&self.object)
    }

    /// The entity's `title`, or its `name`, if it has a string one.
    pub fn title(&self) -> Option<&str> {
        title(&self.object)
    }

    /// The entity's `id`, if it has a string one.
    pub fn id(&self) -> Option<&str> {
        self.object.get("id").and_then(Value::as_str)
    }

    /// The entity's `images`, if it has them in the shape a known entity's take.
    ///
    /// Decoded from the fields at each call (unlike [`Entity::images`](crate::Entity::images),
    /// which borrows).
    pub fn images(&self) -> Option<Vec<Image>> {
        field(&self.object, "images")
    }

    /// What plays the entity (`playParams`), if it has one in the shape a known entity's
    /// takes. Decoded from the fields at each call.
    pub fn play_params(&self) -> Option<PlayParams> {
        field(&self.object, "playParams")
    }

    /// The entity's `artists`, if it has them in the shape a known entity's take. Decoded
    /// from the fields at each call.
    pub fn artists(&self) -> Option<Vec<ArtistReference>> {
        field(&self.object, "artists")
    }

    /// The entity's MRN: its `playParams.id`, if that is a string and an MRN.
    pub fn mrn(&self) -> Option<Mrn> {
        mrn(&self.object)
    }

    /// The entity's length, if its `duration` is a whole number of seconds.
    pub fn duration(&self) -> Option<std::time::Duration> {
        duration(&self.object)
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

/// An entity of a known `_type` whose fields do not match its schema: the whole JSON object,
/// in its order, and why it did not decode. Only [`from_slice_lenient`](crate::from_slice_lenient) makes these.
///
/// ```
/// use amazon_music_models::{Entity, EntityGroupContent, from_slice_lenient};
///
/// let page = br#"{"entities": [
///     {"_type": "User", "id": "u1", "images": [], "name": "Vic"},
///     {"_type": "User", "id": 7}
/// ]}"#;
/// let content: EntityGroupContent = from_slice_lenient(page)?;
/// assert!(matches!(content.entities[0], Entity::User(_)));
/// let Entity::Malformed(odd) = &content.entities[1] else { panic!("kept as it is") };
/// assert_eq!(odd.type_name(), "User");
/// assert!(odd.error().contains("invalid type"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct MalformedEntity {
    pub(crate) object: Map<String, Value>,
    #[serde(skip)]
    pub(crate) error: String,
}

impl MalformedEntity {
    /// The entity's `_type`.
    pub fn type_name(&self) -> &str {
        type_name(&self.object)
    }

    /// The entity's `title`, or its `name`, if it has a string one.
    pub fn title(&self) -> Option<&str> {
        title(&self.object)
    }

    /// The entity's `id`, if it has a string one.
    pub fn id(&self) -> Option<&str> {
        self.object.get("id").and_then(Value::as_str)
    }

    /// The entity's length, if its `duration` is a whole number of seconds.
    pub fn duration(&self) -> Option<std::time::Duration> {
        duration(&self.object)
    }

    /// The entity's MRN: its `playParams.id`, if that is a string and an MRN.
    pub fn mrn(&self) -> Option<Mrn> {
        mrn(&self.object)
    }

    /// Why the entity did not decode into its `_type`'s model.
    pub fn error(&self) -> &str {
        &self.error
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

fn title(object: &Map<String, Value>) -> Option<&str> {
    ["title", "name"]
        .into_iter()
        .find_map(|key| object.get(key).and_then(Value::as_str))
}

/// The field `key` of `object`, if it decodes as `T`.
fn field<T: DeserializeOwned>(object: &Map<String, Value>, key: &str) -> Option<T> {
    T::deserialize(object.get(key)?).ok()
}

fn duration(object: &Map<String, Value>) -> Option<std::time::Duration> {
    object
        .get("duration")
        .and_then(Value::as_u64)
        .map(std::time::Duration::from_secs)
}

fn mrn(object: &Map<String, Value>) -> Option<Mrn> {
    object.get("playParams")?.get("id")?.as_str()?.parse().ok()
}

fn type_name(object: &Map<String, Value>) -> &str {
    object
        .get(TYPE_KEY)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{Entity, from_slice_lenient};

    #[test]
    fn an_unknown_entity_gives_back_every_field_in_order() {
        let object = json!({"id": "v1", "_type": "Video", "z": [1], "name": "Clip", "a": null});
        let entity: Entity = serde_json::from_value(object.clone()).unwrap();
        let Entity::Unknown(unknown) = entity else {
            panic!("{entity:?}");
        };
        assert_eq!((unknown.id(), unknown.title()), (Some("v1"), Some("Clip")));
        let keys: Vec<&str> = unknown.fields().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "_type", "z", "name", "a"]);
        assert_eq!(Some(unknown.fields()), object.as_object());
        assert_eq!(Some(&unknown.into_fields()), object.as_object());
    }

    #[test]
    fn a_malformed_entity_keeps_its_fields_and_reads_what_it_can() {
        let object = json!({
            "_type": "PodcastEpisode", "id": "e1", "name": "Pilot", "duration": 61,
            "playParams": {"id": "mrn:1.0:catalog:episode:asin:E1", "selections": []},
            "podcast": 5
        });
        let entity: Entity = from_slice_lenient(object.to_string().as_bytes()).unwrap();
        let Entity::Malformed(malformed) = entity else {
            panic!("{entity:?}");
        };
        assert_eq!(malformed.type_name(), "PodcastEpisode");
        assert_eq!(
            (malformed.id(), malformed.title()),
            (Some("e1"), Some("Pilot"))
        );
        assert_eq!(
            malformed.duration(),
            Some(std::time::Duration::from_secs(61))
        );
        assert_eq!(
            malformed.mrn().map(|mrn| mrn.to_string()).as_deref(),
            Some("mrn:1.0:catalog:episode:asin:E1")
        );
        assert!(
            malformed.error().contains("invalid type"),
            "{}",
            malformed.error()
        );
        assert_eq!(Some(malformed.fields()), object.as_object());
        assert_eq!(Some(&malformed.into_fields()), object.as_object());
    }
}
