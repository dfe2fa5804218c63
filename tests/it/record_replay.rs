//! Record and replay end to end: a session against the live mock (every operation of the
//! table, a cursor chain, a 404, a 429 then a success) recorded with `record_to`, then replayed
//! by the mock from the file, gives the SDK the same results.

use amazon_music::prelude::*;
use amazon_music::{Client, Entity};
use amazon_music_mock::{MockServer, Operation};
use amazon_music_test_support::{fast_retries, path_arguments, send};

/// What the SDK made of each step of the session: the value, or the error as displayed.
type Outcomes = Vec<Result<String, String>>;

/// The session: every operation of the table with the spec's example arguments, the library's
/// songs page by page (a cursor chain), an album the mock does not have (a 404), and the home
/// view after `before_throttled` (which makes the server answer the next request with a 429).
async fn session(client: &Client, before_throttled: impl AsyncFnOnce()) -> Outcomes {
    let mut outcomes = Vec::new();
    for operation in Operation::ALL {
        let view = send(client, operation, path_arguments(operation)).await;
        outcomes.push(
            view.map(|view| format!("{view:?}"))
                .map_err(|e| e.to_string()),
        );
    }
    let songs: Result<Vec<Entity>, _> = client
        .library_songs()
        .limit(7)
        .entities()
        .try_collect()
        .await;
    outcomes.push(
        songs
            .map(|songs| format!("{} songs: {songs:?}", songs.len()))
            .map_err(|error| error.to_string()),
    );
    let missing = client.album("B000NOSUCHALBUM").send().await;
    outcomes.push(
        missing
            .map(|view| format!("{view:?}"))
            .map_err(|e| e.to_string()),
    );
    before_throttled().await;
    let home = client.home().limit(3).send().await;
    outcomes.push(
        home.map(|view| format!("{view:?}"))
            .map_err(|e| e.to_string()),
    );
    outcomes
}

fn client(server: &MockServer) -> amazon_music::ClientBuilder {
    Client::builder()
        .api_key(server.credentials().api_key())
        .access_token(server.credentials().access_token())
        .base_url(server.url())
        .retry_policy(fast_retries())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_recording_gives_the_sdk_what_the_live_mock_gave() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let recording = dir.path().join("session.har");

    let live = MockServer::builder()
        .library_size(30)
        .start()
        .await
        .expect("the live mock");
    let recorder = client(&live)
        .record_to(&recording)
        .build()
        .expect("a recording client");
    let admin = format!("{}/__mock/faults", live.url());
    let live_outcomes = session(&recorder, async || {
        // Through the admin endpoint, as for a mock run on its own.
        let injected = reqwest::Client::new()
            .post(&admin)
            .json(&serde_json::json!({"kind": "throttle", "retry_after_secs": 0, "times": 1}))
            .send()
            .await
            .expect("the admin endpoint");
        assert_eq!(injected.status(), 201);
    })
    .await;

    let entries = amazon_music_har::read(&recording).expect("the recording");
    let statuses: Vec<i64> = entries.iter().map(|entry| entry.response.status).collect();
    assert_eq!(
        entries.len(),
        live.requests().len(),
        "one entry per attempt"
    );
    assert!(statuses.contains(&404), "{statuses:?}");
    assert_eq!(
        statuses[statuses.len() - 2..],
        [429, 200],
        "a 429, then its retry"
    );
    assert!(
        entries
            .iter()
            .filter(|entry| entry.request.url.contains("cursor="))
            .count()
            >= 4,
        "the songs' cursor chain"
    );
    assert!(
        live_outcomes[..Operation::ALL.len()]
            .iter()
            .all(Result::is_ok)
    );

    let replay = MockServer::builder()
        .replay(&recording)
        .start()
        .await
        .expect("the replaying mock");
    let replayer = client(&replay).build().expect("a client");
    let replayed_outcomes = session(&replayer, async || {}).await;
    assert_eq!(replayed_outcomes, live_outcomes);
    assert_eq!(
        replay.requests().len(),
        live.requests().len(),
        "the same attempts: the 429 was replayed, and retried"
    );
}
