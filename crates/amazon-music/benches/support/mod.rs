//! The mock the benches run against: in this process, on a runtime of its own, on loopback.

use std::time::Duration;

use amazon_music::Client;
use amazon_music_mock::{Fault, MockServer};
use tokio::runtime::Runtime;

/// A mock server serving on a runtime of its own, so that the client's runtime does not
/// serve it too, and the runtime the benches drive the client on.
pub struct Bench {
    /// The runtime the client runs on.
    pub runtime: Runtime,
    /// The mock, on its own runtime.
    pub server: MockServer,
    _serving: Runtime,
}

impl Bench {
    /// A mock of `songs` songs whose every answer waits `latency` first (none when zero).
    pub fn new(songs: usize, latency: Duration) -> Self {
        let serving = runtime();
        let server = serving.block_on(async {
            MockServer::builder()
                .library_size(songs)
                .start()
                .await
                .expect("a mock server")
        });
        if !latency.is_zero() {
            server.faults().inject(Fault::latency(latency));
        }
        Self {
            runtime: runtime(),
            server,
            _serving: serving,
        }
    }

    /// An SDK client for the mock.
    pub fn client(&self) -> Client {
        let credentials = self.server.credentials();
        Client::builder()
            .api_key(credentials.api_key())
            .access_token(credentials.access_token())
            .base_url(self.server.url())
            .build()
            .expect("an SDK client")
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime")
}
