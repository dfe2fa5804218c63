//! The `warn` event of a malformed entity and the `debug` event of an unknown one, in a test
//! binary of its own: tracing caches
//! process-wide whether a call site is enabled, and another test thread that reaches the call
//! site with no subscriber while this one sets its own can leave it cached as off. Alone in its
//! process, the test sees every event it should.

use amazon_music_models::{Entity, from_slice_lenient};
use amazon_music_test_support::Captured;

const USER: &str = r#""id": "u1", "images": [], "name": "Vic""#;

#[test]
fn a_kept_entity_is_logged_naming_it_and_how_to_capture_it() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let page = format!(
        r#"[{{"_type": "User", {USER}}}, {{"_type": "User", "id": "u9", "name": 5}},
            {{"_type": "Video", "id": "v1"}}]"#
    );
    let entities = tracing::subscriber::with_default(subscriber, || {
        from_slice_lenient::<Vec<Entity>>(page.as_bytes())
    })
    .unwrap();
    assert!(matches!(entities[1], Entity::Malformed(_)));
    assert!(matches!(entities[2], Entity::Unknown(_)));
    let logs = logs.text();
    let lines: Vec<&str> = logs.lines().collect();
    assert_eq!(lines.len(), 2, "{logs}");
    for expected in [
        "WARN",
        "entity_type=\"User\"",
        "entity_id=\"u9\"",
        "Entity::Malformed",
        "invalid type",
    ] {
        assert!(lines[0].contains(expected), "{expected} in {logs}");
    }
    for expected in [
        "DEBUG",
        "entity_type=\"Video\"",
        "entity_id=\"v1\"",
        "Entity::Unknown",
    ] {
        assert!(lines[1].contains(expected), "{expected} in {logs}");
    }
    for line in lines {
        assert!(
            line.contains(amazon_music_models::CAPTURE_HINT)
                && line.contains("`amzn-music --record FILE.har ...`")
                && line.contains("`amzn-music drift FILE.har`"),
            "{line}"
        );
    }
}
