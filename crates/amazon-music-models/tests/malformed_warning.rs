//! The `warn` event of a malformed entity, in a test binary of its own: tracing caches
//! process-wide whether a call site is enabled, and another test thread that reaches the call
//! site with no subscriber while this one sets its own can leave it cached as off. Alone in its
//! process, the test sees every event it should.

use amazon_music_models::{Entity, from_slice_lenient};
use amazon_music_test_support::Captured;

const USER: &str = r#""id": "u1", "images": [], "name": "Vic""#;

#[test]
fn a_malformed_entity_is_logged_as_a_warning_naming_it() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let page =
        format!(r#"[{{"_type": "User", {USER}}}, {{"_type": "User", "id": "u9", "name": 5}}]"#);
    let entities = tracing::subscriber::with_default(subscriber, || {
        from_slice_lenient::<Vec<Entity>>(page.as_bytes())
    })
    .unwrap();
    assert!(matches!(entities[1], Entity::Malformed(_)));
    let logs = logs.text();
    assert_eq!(logs.lines().count(), 1, "{logs}");
    for expected in [
        "WARN",
        "entity_type=\"User\"",
        "entity_id=\"u9\"",
        "Entity::Malformed",
        "invalid type",
    ] {
        assert!(logs.contains(expected), "{expected} in {logs}");
    }
}
