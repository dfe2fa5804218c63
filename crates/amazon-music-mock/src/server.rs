//! The server: its configuration, its shared state, and the running server.

use std::fmt;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::{Clock, Credentials, Tokens};
use crate::catalog::Catalog;
use crate::faults::Faults;
use crate::journal::{Journal, ReceivedRequest};
use crate::paging::CursorStyle;
use crate::replay::Replay;
use crate::{MockError, router};

/// How long [`MockServer::shutdown`] waits for open requests to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// What the mock serves: how big its library is and how long its tokens live.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct MockConfig {
    library_size: usize,
    token_lifetime: Duration,
    frozen_clock: bool,
    cursor_style: CursorStyle,
    replay: Option<PathBuf>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            library_size: 300,
            token_lifetime: Duration::from_secs(3600),
            frozen_clock: false,
            cursor_style: CursorStyle::default(),
            replay: None,
        }
    }
}

impl MockConfig {
    /// Sets how many songs the library holds. Default: 300. Albums (a sixth as many), artists
    /// (two fifteenths), playlists (a fifteenth) and podcast shows (a thirtieth) scale with
    /// it, each at least 12, so that every view has more than one page at the default limit.
    pub fn library_size(mut self, songs: usize) -> Self {
        self.library_size = songs;
        self
    }

    /// Sets how long the access tokens live, the first one included (by the server's clock:
    /// see [`MockServer::advance_clock`]). Default: one hour, as LWA's.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Stops the server's clock: time passes for tokens and device codes only when
    /// [`MockServer::advance_clock`] (or `POST /__mock/clock`) moves it, so that a test
    /// involves no wall time. Default: off, the clock follows real time.
    pub fn frozen_clock(mut self, frozen: bool) -> Self {
        self.frozen_clock = frozen;
        self
    }

    /// Sets how page tokens are written, and so how clients must send them back. Default:
    /// [`CursorStyle::PreEncoded`], as the views reference shows them.
    pub fn cursor_style(mut self, style: CursorStyle) -> Self {
        self.cursor_style = style;
        self
    }

    /// Serves the HAR recording at `path` (one made with the SDK's `record_to`, or
    /// `amzn-music --record`) in place of the catalog. A request whose method, path and query
    /// (in any order) match a recorded entry gets that entry's status, headers and body, byte
    /// for byte; the Nth identical request gets the Nth recorded answer, then the last again.
    /// Any other request gets `404 NOT_FOUND`, whose message says it was not in the recording
    /// and names the closest recorded path. Credentials are not compared with the recording's
    /// (which are redacted): any `x-api-key` and `Authorization` do, but they must be sent.
    /// Entries with no response (status 0) are left out; the admin endpoint and faults work as
    /// ever. Default: none, the catalog is served.
    pub fn replay(mut self, path: impl Into<PathBuf>) -> Self {
        self.replay = Some(path.into());
        self
    }
}

/// The state the routes share: the catalog, the credentials and issued tokens, the faults
/// and the request journal. Cheap to clone; clones share everything.
///
/// Made by [`MockState::new`] to embed the mock in an app of your own with
/// [`router`](crate::router); [`MockServer`] makes its own.
#[derive(Clone)]
pub struct MockState {
    inner: Arc<Shared>,
}

struct Shared {
    catalog: Catalog,
    credentials: Credentials,
    tokens: Tokens,
    faults: Faults,
    journal: Journal,
    replay: Option<Replay>,
}

impl MockState {
    /// Builds the catalog (the spec's examples and the generated library) and the credentials.
    ///
    /// # Errors
    /// [`MockError::Example`] if the spec's examples cannot be read (a bug, not a usage error),
    /// [`MockError::Replay`] if the recording to replay cannot be read.
    pub fn new(config: MockConfig) -> Result<Self, MockError> {
        let credentials = Credentials::default();
        let clock = if config.frozen_clock {
            Clock::frozen()
        } else {
            Clock::default()
        };
        let tokens = Tokens::new(&credentials, clock, config.token_lifetime);
        Ok(Self {
            inner: Arc::new(Shared {
                catalog: Catalog::new(config.library_size)?.with_cursor_style(config.cursor_style),
                credentials,
                tokens,
                faults: Faults::default(),
                journal: Journal::default(),
                replay: config.replay.as_deref().map(Replay::load).transpose()?,
            }),
        })
    }

    /// The credentials the server accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The faults to inject; add and remove them at any time.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// Moves the server's clock on by `by`: tokens and device codes expire as if that much
    /// time had passed. The clock never goes back.
    pub fn advance_clock(&self, by: Duration) {
        self.inner.tokens.clock().advance(by);
    }

    /// The requests received so far (the last 10,000), oldest first; the admin endpoint's
    /// are not kept.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.inner.journal.requests()
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub(crate) fn tokens(&self) -> &Tokens {
        &self.inner.tokens
    }

    pub(crate) fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The recording served in place of the catalog, if any.
    pub(crate) fn replay(&self) -> Option<&Replay> {
        self.inner.replay.as_ref()
    }
}

impl fmt::Debug for MockState {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MockState")
            .field("credentials", &self.inner.credentials)
            .field("faults", &self.inner.faults)
            .finish_non_exhaustive()
    }
}

/// Configures a [`MockServer`]: the port and the [`MockConfig`] settings.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct MockServerBuilder {
    port: u16,
    config: MockConfig,
}

impl MockServerBuilder {
    /// Sets the port to listen on, on `127.0.0.1`. Default: 0, any free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets how many songs the library holds; see [`MockConfig::library_size`].
    pub fn library_size(mut self, songs: usize) -> Self {
        self.config = self.config.library_size(songs);
        self
    }

    /// Sets how long access tokens live; see [`MockConfig::token_lifetime`].
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config = self.config.token_lifetime(lifetime);
        self
    }

    /// Stops the server's clock; see [`MockConfig::frozen_clock`].
    pub fn frozen_clock(mut self, frozen: bool) -> Self {
        self.config = self.config.frozen_clock(frozen);
        self
    }

    /// Sets how page tokens are written; see [`MockConfig::cursor_style`].
    pub fn cursor_style(mut self, style: CursorStyle) -> Self {
        self.config = self.config.cursor_style(style);
        self
    }

    /// Serves a HAR recording in place of the catalog; see [`MockConfig::replay`].
    pub fn replay(mut self, path: impl Into<PathBuf>) -> Self {
        self.config = self.config.replay(path);
        self
    }

    /// Replaces every [`MockConfig`] setting.
    pub fn config(mut self, config: MockConfig) -> Self {
        self.config = config;
        self
    }

    /// Starts the server on a thread of its own, with a runtime of its own; it serves until
    /// it is dropped (or [`shutdown`](MockServer::shutdown)). For code with no runtime (the
    /// SDK's blocking client) and for a current-thread runtime whose thread the code under
    /// test blocks; see [`MockServer::start_blocking`].
    ///
    /// # Errors
    /// [`MockError::Bind`] when the port cannot be listened on, [`MockError::Thread`] when the
    /// thread or its runtime cannot be started.
    pub fn start_blocking(self) -> Result<MockServer, MockError> {
        let (ready, started) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("amazon-music-mock".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(source) => {
                        let _ = ready.send(Err(MockError::Thread { source }));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let server = match self.start().await {
                        Ok(server) => server,
                        Err(error) => {
                            let _ = ready.send(Err(error));
                            return;
                        }
                    };
                    let (stop, stopped) = oneshot::channel::<()>();
                    let handle = MockServer {
                        state: server.state.clone(),
                        addr: server.addr,
                        url: server.url.clone(),
                        stop: Some(stop),
                        task: None,
                    };
                    if ready.send(Ok(handle)).is_ok() {
                        // Until the handle asks, or is dropped.
                        let _ = stopped.await;
                    }
                    server.shutdown().await;
                });
            })
            .map_err(|source| MockError::Thread { source })?;
        started.recv().map_err(|_| MockError::Thread {
            source: std::io::Error::other("the mock server's thread ended before it started"),
        })?
    }

    /// Starts the server on the current Tokio runtime; it serves until
    /// [`shutdown`](MockServer::shutdown) or until it is dropped.
    ///
    /// On a current-thread runtime (`#[tokio::test]`'s default) the server runs only while
    /// that thread awaits: code under test that blocks it, such as the SDK's blocking client,
    /// waits for an answer that never comes. Use [`start_blocking`](Self::start_blocking)
    /// there.
    ///
    /// # Errors
    /// [`MockError::Bind`] when the port cannot be listened on, [`MockError::Replay`] when the
    /// recording to replay cannot be read.
    pub async fn start(self) -> Result<MockServer, MockError> {
        let state = MockState::new(self.config)?;
        let wanted = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let bind = |source| MockError::Bind {
            addr: wanted,
            source,
        };
        let listener = TcpListener::bind(wanted).await.map_err(bind)?;
        let addr = listener.local_addr().map_err(bind)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
                // A dropped sender stops the server as well.
                let _ = stopped.await;
            });
            if let Err(error) = serving.await {
                tracing::warn!(%error, "the mock server stopped with an error");
            }
        });
        let url = format!("http://{addr}");
        tracing::debug!(%url, "the mock server is listening");
        Ok(MockServer {
            state,
            addr,
            url,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running mock server on loopback: the Amazon Music views and Login with Amazon's token
/// endpoints, over a deterministic catalog.
///
/// Stops on [`shutdown`](Self::shutdown) or when dropped. `Debug` shows no secret.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), amazon_music_mock::MockError> {
/// let server = amazon_music_mock::MockServer::start().await?;
/// assert!(server.url().starts_with("http://127.0.0.1:"));
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct MockServer {
    state: MockState,
    addr: SocketAddr,
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server with the defaults: any free port, 300 songs, one-hour tokens.
    ///
    /// # Errors
    /// [`MockError::Bind`] when no port can be listened on.
    pub async fn start() -> Result<MockServer, MockError> {
        Self::builder().start().await
    }

    /// Starts a server with the defaults on a thread of its own, with a runtime of its own:
    /// for sync code and for runtimes whose thread the code under test blocks.
    ///
    /// ```
    /// let server = amazon_music_mock::MockServer::start_blocking()?;
    /// assert!(server.url().starts_with("http://127.0.0.1:"));
    /// drop(server); // stops it
    /// # Ok::<(), amazon_music_mock::MockError>(())
    /// ```
    ///
    /// # Errors
    /// [`MockError::Bind`] when no port can be listened on, [`MockError::Thread`] when the
    /// thread or its runtime cannot be started.
    pub fn start_blocking() -> Result<MockServer, MockError> {
        Self::builder().start_blocking()
    }

    /// Configures a server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: the SDK's `base_url`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token endpoint, `<url>/auth/o2/token`: the SDK's LWA `token_url`.
    pub fn token_url(&self) -> String {
        format!("{}/auth/o2/token", self.url)
    }

    /// The authorize page, `<url>/ap/oa`: the SDK's PKCE `authorize_url`. It consents at once,
    /// redirecting with a code whose exchange checks the PKCE verifier.
    pub fn authorize_url(&self) -> String {
        format!("{}/ap/oa", self.url)
    }

    /// The device flow's code-pair endpoint, `<url>/auth/o2/create/codepair`.
    pub fn codepair_url(&self) -> String {
        format!("{}/auth/o2/create/codepair", self.url)
    }

    /// The credentials the server accepts.
    pub fn credentials(&self) -> &Credentials {
        self.state.credentials()
    }

    /// The faults to inject; add and remove them at any time.
    pub fn faults(&self) -> &Faults {
        self.state.faults()
    }

    /// Moves the server's clock on; see [`MockState::advance_clock`].
    pub fn advance_clock(&self, by: Duration) {
        self.state.advance_clock(by);
    }

    /// The requests received so far; see [`MockState::requests`].
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state.requests()
    }

    /// The server's shared state.
    pub fn state(&self) -> &MockState {
        &self.state
    }

    /// Serves until `signal` completes (e.g. `tokio::signal::ctrl_c()`), then shuts down.
    pub async fn run_until<F: Future>(self, signal: F) {
        signal.await;
        self.shutdown().await;
    }

    /// Stops accepting connections, lets open requests finish (for up to a second), and
    /// stops. A server started with [`start_blocking`](Self::start_blocking) is told to stop,
    /// and its thread does so by itself, as when it is dropped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("MockServer")
            .field("url", &self.url)
            .field("credentials", self.credentials())
            .finish_non_exhaustive()
    }
}
