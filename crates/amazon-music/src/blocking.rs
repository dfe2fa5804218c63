//! A client that blocks: the same views, auth, retries, pagination and errors as the async
//! [`Client`](crate::Client), with no async code (and no tokio) in yours. Behind the
//! `blocking` feature.
//!
//! A [`Client`] drives an async client on a tokio runtime of its own, on a thread of its own
//! (shared by the client's clones, and shut down when the last is dropped). Each call hands its
//! request to that thread and waits for the answer, so a call may be made from any thread, a
//! thread inside some other async runtime included: it blocks that thread, never panics for
//! it. Inside async code the async client is the better choice all the same.
//!
//! ```no_run
//! # fn run() -> amazon_music::Result<()> {
//! let client = amazon_music::blocking::Client::builder()
//!     .api_key("amzn1.application-oa2-client.0123")
//!     .access_token("Atza|IwEB...")
//!     .build()?;
//! let home = client.home().limit(5).send()?;
//! println!("{} groups", home.content.entity_groups.len());
//! for song in client.library_songs().limit(100).entities() {
//!     println!("{}", song?);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The view methods and the setters of their query parameters are generated from the spec's
//! operations, as the async client's are.

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::sync::{Arc, mpsc};

use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};

use crate::pagination::{Paged, PagingKind};
use crate::{Error, RawResponse, Result, models::Operation, models::View};

/// Configures a blocking [`Client`]: the async client's builder, with the same setters, whose
/// [`build`](crate::ClientBuilder::build) returns the blocking client.
pub type ClientBuilder = crate::ClientBuilder<Client>;

/// A blocking client for the Amazon Music Web API: an async [`crate::Client`] and the runtime
/// that drives it. Cheap to clone (clones share both), `Send` and `Sync`.
///
/// Built by [`Client::builder`], with every setting the async client has. Each
/// view has a method that returns a [`ViewRequest`]: set what the view takes, then `send()`
/// for one page, or `pages()` / `entities()` for iterators that follow the cursors.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A request for any operation of the spec, by its entry in the operation table: see
    /// [`crate::Client::request`].
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `P` is not the operation's paging or the number of path
    /// arguments is not the number of its path parameters.
    pub fn request<P: PagingKind>(
        &self,
        operation: Operation,
        path_arguments: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<ViewRequest<P>> {
        Ok(self.wrap(self.inner.request(operation, path_arguments)?))
    }

    /// The blocking form of an async request of this client.
    pub(crate) fn wrap<P>(&self, inner: crate::ViewRequest<P>) -> ViewRequest<P> {
        ViewRequest {
            inner,
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// The async client the blocking one drives, for the generated view methods.
    pub(crate) fn inner(&self) -> &crate::Client {
        &self.inner
    }
}

impl ClientBuilder {
    /// Builds the blocking client, with a runtime of its own on a new thread.
    ///
    /// # Errors
    /// What the async client's `build` returns, and [`Error::InvalidRequest`] when the
    /// runtime's thread cannot be started.
    pub fn build(self) -> Result<Client> {
        let inner = self.build_async()?;
        Ok(Client {
            inner,
            runtime: Arc::new(Runtime::start()?),
        })
    }
}

/// A request for one view that blocks: the [`crate::ViewRequest`] of the async client, with
/// the same setters, sent on the blocking client's runtime.
#[must_use = "a request does nothing until it is sent"]
#[derive(Clone, Debug)]
pub struct ViewRequest<P> {
    inner: crate::ViewRequest<P>,
    runtime: Arc<Runtime>,
}

impl<P> ViewRequest<P> {
    /// This request with `change` made to the async request it wraps: how the setters mirror
    /// the async ones.
    pub(crate) fn map(
        mut self,
        change: impl FnOnce(crate::ViewRequest<P>) -> crate::ViewRequest<P>,
    ) -> Self {
        self.inner = change(self.inner);
        self
    }

    /// The iterator of `stream` (one of the async request's streams), driven on this
    /// request's runtime: how the streams are mirrored.
    pub(crate) fn iterate<T>(
        self,
        stream: impl FnOnce(crate::ViewRequest<P>) -> BoxStream<'static, Result<T>>,
    ) -> Iter<T> {
        Iter::new(stream(self.inner), self.runtime)
    }
}

impl<P: PagingKind + Clone> ViewRequest<P> {
    /// Sends the request and returns its `data`: one page of the view, or every view of a
    /// search. See [`crate::ViewRequest::send`].
    ///
    /// # Errors
    /// As [`crate::ViewRequest::send`].
    pub fn send(&self) -> Result<P::Data> {
        let request = self.inner.clone();
        self.runtime.run(async move { request.send().await })?
    }

    /// Sends the request and returns the response as received: see
    /// [`crate::ViewRequest::send_raw`].
    ///
    /// # Errors
    /// As [`crate::ViewRequest::send_raw`].
    pub fn send_raw(&self) -> Result<RawResponse> {
        let request = self.inner.clone();
        self.runtime.run(async move { request.send_raw().await })?
    }
}

impl<P: Paged> ViewRequest<P> {
    /// The cursor of the page after `view`: see [`crate::ViewRequest::next_cursor`].
    pub fn next_cursor(view: &View) -> Option<&str> {
        crate::ViewRequest::<P>::next_cursor(view)
    }
}

/// The pages or entities of a view, fetched as the iteration gets to them: the async client's
/// stream, driven on the blocking client's runtime. It ends after an error, which it yields.
#[must_use = "an iterator fetches nothing until it is used"]
pub struct Iter<T> {
    stream: Option<BoxStream<'static, Result<T>>>,
    runtime: Arc<Runtime>,
}

impl<T> Iter<T> {
    fn new(stream: BoxStream<'static, Result<T>>, runtime: Arc<Runtime>) -> Self {
        Self {
            stream: Some(stream),
            runtime,
        }
    }
}

impl<T: Send + 'static> Iterator for Iter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let mut stream = self.stream.take()?;
        match self.runtime.run(async move {
            let item = stream.next().await;
            (item, stream)
        }) {
            Ok((item, stream)) => {
                if item.is_some() {
                    self.stream = Some(stream);
                }
                item
            }
            Err(error) => Some(Err(error)),
        }
    }
}

impl<T> fmt::Debug for Iter<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Iter")
            .field("done", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}

/// A tokio runtime on a thread of its own, shut down without waiting when dropped (so that
/// dropping the last client inside async code does not panic).
struct Runtime {
    handle: tokio::runtime::Handle,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("amazon-music-blocking")
            .enable_all()
            .build()
            .map_err(|error| {
                Error::invalid_request(format!(
                    "the blocking client's runtime could not start: {error}"
                ))
            })?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// Runs `future` on the runtime's thread and waits for its output. A panic in it is
    /// resumed here.
    ///
    /// # Errors
    /// [`Error::Transport`] when the runtime stopped before the future ended.
    fn run<F>(&self, future: F) -> Result<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (sender, receiver) = mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = sender.send(AssertUnwindSafe(future).catch_unwind().await);
        });
        match receiver.recv() {
            Ok(Ok(output)) => Ok(output),
            Ok(Err(panic)) => resume_unwind(panic),
            Err(mpsc::RecvError) => {
                let message = "the blocking client's runtime stopped";
                Err(Error::transport(message, message.into()))
            }
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("Runtime").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pagination::EntityPages;

    #[test]
    fn blocking_clients_and_requests_are_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        assert_send_sync::<ViewRequest<EntityPages>>();
    }

    #[test]
    fn a_panic_in_the_runtime_reaches_the_caller() {
        let runtime = Runtime::start().expect("a runtime");
        let caught =
            std::panic::catch_unwind(AssertUnwindSafe(|| runtime.run(async { panic!("inside") })));
        let panic = caught.expect_err("the panic is resumed");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"inside"));
        assert_eq!(runtime.run(async { 7 }).expect("still running"), 7);
    }
}
