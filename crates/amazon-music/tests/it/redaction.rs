use amazon_music_test_support::Captured;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{ACCESS_TOKEN, API_KEY, client, error_body, single_group_page, track};

#[tokio::test]
async fn each_attempt_is_traced_and_no_secret_reaches_the_output_or_debug() {
    // While a single dispatcher is registered, tracing-core caches a callsite's interest from
    // the default subscriber of whichever thread reaches it first: under `cargo test`, where
    // the tests of this binary share one process, a test on another thread (no subscriber)
    // could switch the SDK's callsites off for good before this one subscribes. A second live
    // dispatcher makes tracing-core ask every registered one, on every use.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(error_body(
            503,
            "UNAVAILABLE",
            "down",
        )))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .library_songs()
        .send()
        .await
        .expect("after one retry");

    let output = captured.text();
    assert!(
        output.contains("amazon_music.request"),
        "the request span was traced:\n{output}"
    );
    assert!(
        output.contains("retrying"),
        "the retry was traced:\n{output}"
    );
    for field in ["attempt=1", "status=503", "attempt=2", "status=200"] {
        assert!(
            output.contains(field),
            "each attempt's span has its number and status ({field}):\n{output}"
        );
    }
    let debug = format!("{client:?}");
    assert!(
        debug.contains(&server.uri()) && debug.contains(r#"api_key: "[REDACTED]""#),
        "the client's Debug shows where it sends, and that a key is set: {debug}"
    );
    for text in [&output, &debug] {
        assert!(!text.contains(API_KEY), "{text}");
        assert!(!text.contains(ACCESS_TOKEN), "{text}");
        assert!(!text.contains("TestAccessToken"), "{text}");
    }
}

#[test]
fn builders_blocking_clients_and_their_iterators_show_their_state_in_debug_but_no_secret() {
    let base_url = "http://127.0.0.1:9";
    let builder = crate::support::builder(base_url);
    let builder_debug = format!("{builder:?}");
    assert!(
        builder_debug.starts_with("ClientBuilder {")
            && builder_debug.contains(base_url)
            && builder_debug.contains(r#"api_key: Some("[REDACTED]")"#),
        "the builder's Debug shows where it will send, and that a key is set: {builder_debug}"
    );
    let blocking = crate::support::builder_of::<amazon_music::blocking::Client>(base_url)
        .build()
        .expect("a blocking client");
    let client_debug = format!("{blocking:?}");
    assert!(
        client_debug.contains(base_url) && client_debug.contains("runtime: Runtime"),
        "the blocking client's Debug shows the async client and its runtime: {client_debug}"
    );
    let pages = blocking.library_songs().pages();
    let iter_debug = format!("{pages:?}");
    assert!(
        iter_debug.starts_with("Iter {") && iter_debug.contains("done: false"),
        "an iterator not yet used says so: {iter_debug}"
    );
    for text in [&builder_debug, &client_debug, &iter_debug] {
        assert!(!text.contains(API_KEY), "{text}");
        assert!(!text.contains(ACCESS_TOKEN), "{text}");
        assert!(!text.contains("TestAccessToken"), "{text}");
    }
}
