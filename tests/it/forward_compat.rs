//! What the models do with what this version does not know: new `_type`s, new values of open
//! sets, new fields, keys in another order, and what they must still refuse.

use amazon_music_models::{Entity, ViewResponse};
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------
// Documents: a home page with one group, and the entities to put in it.

/// A view page whose one group holds `entities`.
fn page(entities: Vec<Value>) -> Value {
    json!({
        "data": {
            "_type": "View",
            "id": "home",
            "title": "Home",
            "content": {
                "_type": "ViewContent",
                "nextPageToken": "a9634283-7988-428a-a5c7-1d17d61f388e",
                "entityGroups": [{
                    "_type": "EntityGroup",
                    "id": "recently-played",
                    "title": "Recently Played",
                    "viewType": "LIST",
                    "content": {
                        "_type": "EntityGroupContent",
                        "nextPageToken": "75edff21-5b28-43f9-8272-f533182fd896",
                        "entities": entities,
                    },
                }],
            },
        },
    })
}

fn play_params(mrn: &str) -> Value {
    json!({"id": mrn, "selections": ["PLAY", "SHUFFLE"]})
}

fn album(id: &str) -> Value {
    json!({
        "_type": "Album",
        "id": id,
        "title": "Morning View XXIII",
        "artists": [{"id": "B000QKUHTI", "name": "Incubus"}],
        "images": [{"url": "https://m.media-amazon.com/images/I/wf3RnrQVdHC.jpg"}],
        "playParams": play_params(&format!("mrn:1.0:catalog:album:asin:{id}?territory=US")),
    })
}

fn artist(id: &str) -> Value {
    json!({
        "_type": "Artist",
        "id": id,
        "name": "Adele",
        "images": [{"url": "https://m.media-amazon.com/images/I/vtDYirUlajp.jpg"}],
        "playParams": play_params(&format!("mrn:1.0:catalog:artist:asin:{id}?territory=US")),
    })
}

fn track(id: &str) -> Value {
    json!({
        "_type": "Track",
        "id": id,
        "isrc": "USSM12400125",
        "title": "Lovin On Me",
        "album": {"id": "B0CT8HQ7NM", "title": "Lovin On Me"},
        "artists": [{"id": "B01N3QJ9OZ", "name": "Jack Harlow"}],
        "images": [{"url": "https://m.media-amazon.com/images/I/k1ecg8Np5Ii.jpg"}],
        "playParams": play_params(&format!("mrn:1.0:catalog:track:asin:{id}?territory=US")),
    })
}

fn station(id: &str) -> Value {
    json!({
        "_type": "Station",
        "id": id,
        "name": "Sleep",
        "images": [{"url": "https://m.media-amazon.com/images/I/S3s3GDvACxU.jpg"}],
        "playParams": play_params(&format!("mrn:1.0:catalog:station:key:{id}")),
    })
}

fn user(id: &str) -> Value {
    json!({
        "_type": "User",
        "id": id,
        "images": [{"url": "https://m.media-amazon.com/images/I/Vj95781RIPX.jpg"}],
        "name": "Vic",
    })
}

/// An entity of a `_type` this version does not know, with fields of every JSON kind.
fn video(id: &str) -> Value {
    json!({
        "_type": "Video",
        "id": id,
        "title": "Hello (Official Video)",
        "duration": 367,
        "rating": 4.5,
        "explicit": false,
        "chapter": null,
        "creator": {"id": "B0014DEFTE", "name": "Adele", "verified": true},
        "formats": ["HD", "UHD"],
    })
}

/// `object` with its `_type` moved to `position` (other keys keep their order).
fn with_type_at(object: &Value, position: usize) -> Value {
    let mut fields: Vec<(String, Value)> = object
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| *key != "_type")
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    fields.insert(position, ("_type".to_owned(), object["_type"].clone()));
    let moved: Map<String, Value> = fields.into_iter().collect();
    assert_eq!(moved.keys().position(|key| key == "_type"), Some(position));
    Value::Object(moved)
}

/// `object` with its `_type` as its last key.
fn with_type_last(object: &Value) -> Value {
    let last = object.as_object().map_or(0, Map::len).saturating_sub(1);
    with_type_at(object, last)
}

fn decode(document: &Value) -> Result<ViewResponse, serde_json::Error> {
    // Through the text, as from the wire: the order of keys matters to the decoder.
    serde_json::from_str(&document.to_string())
}

/// The error of decoding `document`, which must not decode.
fn decode_error(document: &Value) -> serde_json::Error {
    match decode(document) {
        Ok(view) => panic!("{document} decoded to {view:?}"),
        Err(error) => error,
    }
}

fn entities(view: &ViewResponse) -> &[Entity] {
    &view.data.content.entity_groups[0].content.entities
}

/// The name of an entity's variant: its `_type` for a known one (the variants are named by the
/// discriminator mapping), `Unknown` or `Malformed` otherwise.
fn variant(entity: &Entity) -> &str {
    match entity {
        Entity::Unknown(_) => "Unknown",
        Entity::Malformed(_) => "Malformed",
        known => known.type_name(),
    }
}

fn reserialized(view: &ViewResponse) -> Value {
    serde_json::to_value(view).unwrap_or_else(|error| panic!("serializing: {error}"))
}

// ---------------------------------------------------------------------------------------------
// Unknown things are kept.

#[test]
fn unknown_entity_type_keeps_the_whole_object() {
    let original = video("v1");
    // `_type` first (as the API sends it), in the middle, and last.
    for position in [0, 4, 8] {
        let entity = with_type_at(&original, position);
        let document = page(vec![track("B0CT8KJ5WS"), entity.clone()]);
        let view = decode(&document).unwrap_or_else(|error| panic!("position {position}: {error}"));

        let Entity::Unknown(unknown) = &entities(&view)[1] else {
            panic!("position {position}: decoded to {:?}", entities(&view)[1]);
        };
        assert_eq!(unknown.type_name(), "Video");
        assert_eq!(entities(&view)[1].type_name(), "Video");
        assert_eq!(entities(&view)[1].id(), Some("v1"));
        assert_eq!(Some(unknown.fields()), entity.as_object());
        let keys: Vec<&String> = unknown.fields().keys().collect();
        let original_keys: Vec<&String> = entity
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, original_keys, "position {position}: keys reordered");
        assert_eq!(Some(&unknown.clone().into_fields()), entity.as_object());

        assert_eq!(reserialized(&view), document, "position {position}");
    }
}

#[test]
fn known_entities_next_to_an_unknown_one_keep_their_variants() {
    let document = page(vec![
        album("B0CTKSY168"),
        video("v1"),
        track("B0CT8KJ5WS"),
        with_type_last(&video("v2")),
        station("A1QBEFLCLMQ8D6"),
        artist("B0014DEFTE"),
    ]);
    let view = decode(&document).unwrap_or_else(|error| panic!("{error}"));

    let decoded: Vec<(&str, Option<&str>)> = entities(&view)
        .iter()
        .map(|entity| (variant(entity), entity.id()))
        .collect();
    assert_eq!(
        decoded,
        [
            ("Album", Some("B0CTKSY168")),
            ("Unknown", Some("v1")),
            ("Track", Some("B0CT8KJ5WS")),
            ("Unknown", Some("v2")),
            ("Station", Some("A1QBEFLCLMQ8D6")),
            ("Artist", Some("B0014DEFTE")),
        ]
    );
    assert_eq!(reserialized(&view), document);
}

#[test]
fn unknown_view_type_and_selection_are_kept() {
    let mut document = page(vec![track("B0CT8KJ5WS")]);
    let group = &mut document["data"]["content"]["entityGroups"][0];
    group["viewType"] = json!("CAROUSEL");
    group["content"]["entities"][0]["playParams"]["selections"] = json!(["PLAY", "DOWNLOAD"]);

    let view = decode(&document).unwrap_or_else(|error| panic!("{error}"));

    let group = &view.data.content.entity_groups[0];
    assert_eq!(group.view_type, "CAROUSEL");
    let Entity::Track(track) = &group.content.entities[0] else {
        panic!("decoded to {:?}", group.content.entities[0]);
    };
    assert_eq!(track.play_params.selections, ["PLAY", "DOWNLOAD"]);
    assert_eq!(reserialized(&view), document);
}

#[test]
fn unknown_fields_of_known_objects_are_ignored() {
    let plain = page(vec![track("B0CT8KJ5WS")]);
    let mut extended = plain.clone();
    let data = &mut extended["data"];
    data["layout"] = json!({"columns": 3, "dense": true});
    data["content"]["entityGroups"][0]["badge"] = json!("NEW");
    data["content"]["entityGroups"][0]["refreshedAt"] = json!(null);
    let entity = &mut data["content"]["entityGroups"][0]["content"]["entities"][0];
    entity["explicit"] = json!(true);
    entity["lyrics"] = json!({"available": true, "lines": ["one", "two"]});
    entity["playParams"]["quality"] = json!(["HD", "UHD"]);

    let view = decode(&extended).unwrap_or_else(|error| panic!("{error}"));

    assert_eq!(view.data.id, "home");
    assert_eq!(view.data.title.as_deref(), Some("Home"));
    let group = &view.data.content.entity_groups[0];
    assert_eq!(group.id, "recently-played");
    assert_eq!(group.view_type, "LIST");
    let Entity::Track(track) = &group.content.entities[0] else {
        panic!("decoded to {:?}", group.content.entities[0]);
    };
    assert_eq!(track.id, "B0CT8KJ5WS");
    assert_eq!(track.isrc, "USSM12400125");
    assert_eq!(track.title, "Lovin On Me");
    assert_eq!(
        track.play_params.id,
        "mrn:1.0:catalog:track:asin:B0CT8KJ5WS?territory=US"
    );
    assert_eq!(track.play_params.selections, ["PLAY", "SHUFFLE"]);
    assert_eq!(
        view,
        decode(&plain).unwrap_or_else(|error| panic!("{error}"))
    );
}

// ---------------------------------------------------------------------------------------------
// Keys in another order, and fields the spec leaves out.

#[test]
fn known_entity_with_type_last_decodes_as_with_type_first() {
    for entity in [
        album("B0CTKSY168"),
        artist("B0014DEFTE"),
        track("B0CT8KJ5WS"),
        station("A1QBEFLCLMQ8D6"),
        user("2efopvnhmjf7xuujlde55puahq"),
    ] {
        let type_last = with_type_last(&entity);
        assert!(!type_last.to_string().starts_with(r#"{"_type""#));

        let first: Entity = serde_json::from_str(&entity.to_string())
            .unwrap_or_else(|error| panic!("{entity}: {error}"));
        let last: Entity = serde_json::from_str(&type_last.to_string())
            .unwrap_or_else(|error| panic!("{type_last}: {error}"));

        assert!(!matches!(last, Entity::Unknown(_)), "{type_last}");
        assert_eq!(last.type_name(), entity["_type"]);
        assert_eq!(last, first);

        let in_page = decode(&page(vec![type_last])).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(entities(&in_page), [first]);
    }
}

#[test]
fn entity_group_content_without_type_decodes_and_round_trips_without_one() {
    let mut document = page(vec![album("B0CTKSY168")]);
    let content = &mut document["data"]["content"]["entityGroups"][0]["content"];
    content
        .as_object_mut()
        .and_then(|content| content.shift_remove("_type"))
        .unwrap_or_else(|| panic!("the page has no EntityGroupContent._type to remove"));

    let view = decode(&document).unwrap_or_else(|error| panic!("{error}"));

    let content = &view.data.content.entity_groups[0].content;
    assert_eq!(content.type_, None);
    assert_eq!(content.entities.len(), 1);
    let again = reserialized(&view);
    assert_eq!(
        again["data"]["content"]["entityGroups"][0]["content"].get("_type"),
        None
    );
    assert_eq!(again, document);
}

// ---------------------------------------------------------------------------------------------
// What is still refused.

/// A page whose 4th entity is `entity`, and the path of the error of decoding it.
fn error_path_of_fourth(entity: Value) -> (String, String) {
    let text = page(vec![
        album("B0CTKSY168"),
        artist("B0014DEFTE"),
        station("A1QBEFLCLMQ8D6"),
        entity,
    ])
    .to_string();
    match serde_path_to_error::deserialize::<_, ViewResponse>(
        &mut serde_json::Deserializer::from_str(&text),
    ) {
        Ok(view) => panic!("{text} decoded to {view:?}"),
        Err(error) => (error.path().to_string(), error.inner().to_string()),
    }
}

#[test]
fn malformed_known_entity_is_an_error_at_its_field_not_an_unknown_entity() {
    let mut malformed = track("B0CT8KJ5WS");
    malformed["id"] = json!(42);
    assert!(
        malformed
            .to_string()
            .starts_with(r#"{"_type":"Track","id":42,"#)
    );

    let (path, message) = error_path_of_fourth(malformed);

    assert_eq!(path, "data.content.entityGroups[0].content.entities[3].id");
    assert!(message.contains("invalid type"), "{message}");
}

#[test]
fn malformed_known_entity_with_type_last_is_an_error_too() {
    let mut malformed = track("B0CT8KJ5WS");
    malformed["id"] = json!(42);

    let (path, message) = error_path_of_fourth(with_type_last(&malformed));

    // The entity is buffered before it is decoded, so the path ends at the entity.
    assert!(
        path.starts_with("data.content.entityGroups[0].content.entities[3]"),
        "{path}"
    );
    assert!(message.contains("invalid type"), "{message}");
}

#[test]
fn track_missing_a_required_field_is_an_error_naming_it() {
    let mut incomplete = track("B0CT8KJ5WS");
    incomplete
        .as_object_mut()
        .and_then(|track| track.shift_remove("isrc"))
        .unwrap_or_else(|| panic!("the track has no isrc to remove"));
    for entity in [incomplete.clone(), with_type_last(&incomplete)] {
        let error = decode_error(&page(vec![entity.clone()]));
        assert!(error.to_string().contains("isrc"), "{entity}: {error}");
    }
}

#[test]
fn entity_without_type_is_an_error_naming_type() {
    let mut untyped = track("B0CT8KJ5WS");
    untyped
        .as_object_mut()
        .and_then(|track| track.shift_remove("_type"))
        .unwrap_or_else(|| panic!("the track has no _type to remove"));
    for entity in [untyped, json!({})] {
        let error = decode_error(&page(vec![entity.clone()]));
        assert!(error.to_string().contains("_type"), "{entity}: {error}");
    }
}

#[test]
fn entity_type_that_is_not_a_string_is_an_error() {
    for type_value in [
        json!(7),
        json!(null),
        json!(true),
        json!(["Track"]),
        json!({"name": "Track"}),
    ] {
        let mut entity = track("B0CT8KJ5WS");
        entity["_type"] = type_value;
        for entity in [entity.clone(), with_type_last(&entity)] {
            decode_error(&page(vec![entity]));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The schema.

#[test]
fn json_schema_of_a_view_offers_every_entity_variant() {
    let schema = serde_json::to_value(schemars::schema_for!(ViewResponse))
        .unwrap_or_else(|error| panic!("serializing the schema: {error}"));
    let definitions = &schema["definitions"];
    let variants: Vec<&str> = definitions["Entity"]["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|variant| variant["$ref"].as_str())
        .collect();
    let spec = amazon_music_test_support::spec();
    let names: Vec<&str> = spec["components"]["schemas"]["Entity"]["discriminator"]["mapping"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(_, reference)| reference.as_str()?.strip_prefix("#/components/schemas/"))
        .collect();
    assert!(!names.is_empty(), "the spec maps `_type`s to schemas");
    let wanted: Vec<String> = names
        .iter()
        .map(|name| format!("#/definitions/{name}"))
        .collect();
    assert_eq!(variants, wanted);
    for name in names {
        assert!(
            definitions[name].is_object(),
            "no definition of {name} in {schema}"
        );
    }
}
