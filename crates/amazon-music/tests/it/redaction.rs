use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{ACCESS_TOKEN, API_KEY, client, error_body, single_group_page, track};

/// Collects everything a subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_reaches_trace_output_or_debug() {
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
        .with_writer(captured.clone())
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

    let output = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("text");
    assert!(
        output.contains("amazon_music.request"),
        "the request span was traced:\n{output}"
    );
    assert!(
        output.contains("retrying"),
        "the retry was traced:\n{output}"
    );
    let debug = format!("{client:?}");
    for text in [&output, &debug] {
        assert!(!text.contains(API_KEY), "{text}");
        assert!(!text.contains(ACCESS_TOKEN), "{text}");
        assert!(!text.contains("TestAccessToken"), "{text}");
    }
}
