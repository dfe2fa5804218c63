//! Sending a view request: the one call every operation goes through, each request type's
//! dispatch to the generated calls, and requests for operations picked at run time.

use std::sync::Arc;

use amazon_music_models::{
    Operation, PagingStyle, ResponseShape, View, ViewListResponse, ViewResponse,
};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::generated::{dispatch_view, dispatch_view_list};
use crate::options::RequestOptions;
use crate::pagination::sealed::Style;
use crate::pagination::{EntityPages, GroupPages, PagingKind, SinglePage, ViewList};
use crate::request::{ViewRequest, check_path_argument_count};
use crate::transport::{Decode, Generated, Raw, ReadResponse};
use crate::{Client, Error, RawResponse, Result};

impl<P: PagingKind> ViewRequest<P> {
    /// Sends the request and returns its `data`: one page of the view, or, for a
    /// [`ViewList`] (the search), every view of the response.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] before anything is sent when a parameter is out of bounds;
    /// otherwise whatever the call ends with after its retries (see [`Error`]).
    pub async fn send(&self) -> Result<P::Data> {
        Ok(P::data(self.call(Decode).await?))
    }

    /// Sends the request and returns the response as received: status, headers and body
    /// bytes, for fields the models do not know yet. The same call as [`send`](Self::send)
    /// (auth, retries, errors), except that a success whose body does not decode into the
    /// models is returned all the same.
    ///
    /// ```no_run
    /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
    /// let raw = client.playlist("B00J9PVXBM").send_raw().await?;
    /// std::io::Write::write_all(&mut std::io::stdout(), raw.body()).expect("stdout");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`send`](Self::send), but for a body that does not decode.
    pub async fn send_raw(&self) -> Result<RawResponse> {
        self.call(Raw).await
    }

    /// Validates the request, then sends it through the transport, read by `reader`.
    async fn call<R: ReadResponse<P::Envelope>>(&self, reader: R) -> Result<R::Output> {
        self.validate()?;
        let operation = self.operation;
        let options = Arc::new(self.options.clone());
        self.client
            .transport
            .send(operation, reader, move |client| {
                P::dispatch(client, operation, Arc::clone(&options))
            })
            .await
    }
}

impl Client {
    /// A request for any operation of the spec, by its entry in the operation table: what the
    /// generated view methods call, for callers that pick the operation at run time (the
    /// `amzn-music api` command does).
    ///
    /// `P` must be the request type of the operation's paging ([`GroupPages`](crate::pagination::GroupPages),
    /// [`EntityPages`](crate::pagination::EntityPages) or [`SinglePage`](crate::pagination::SinglePage)), and `path_arguments`
    /// its path parameters, in path order.
    ///
    /// ```no_run
    /// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
    /// use amazon_music::models::Operation;
    /// use amazon_music::pagination::EntityPages;
    ///
    /// let operation: Operation = "getPlaylistView".parse().expect("an operation of the spec");
    /// let view = client.request::<EntityPages>(operation, ["B00J9PVXBM"])?.send().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `P` is not the operation's paging or the number of path
    /// arguments is not the number of its path parameters.
    pub fn request<P: PagingKind>(
        &self,
        operation: Operation,
        path_arguments: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<ViewRequest<P>> {
        let path_arguments: Vec<String> = path_arguments.into_iter().map(Into::into).collect();
        let spec = operation.spec();
        if P::STYLE != spec.paging {
            return Err(Error::invalid_request(format!(
                "{operation}: its view pages as {:?}, not as {:?}",
                spec.paging,
                P::STYLE
            )));
        }
        if P::SHAPE != spec.response {
            return Err(Error::invalid_request(format!(
                "{operation}: its response holds {}, not {}",
                shape_words(spec.response),
                shape_words(P::SHAPE)
            )));
        }
        check_path_argument_count(operation, path_arguments.len())?;
        Ok(ViewRequest::new(self, operation, path_arguments))
    }
}

/// A request for an operation picked at run time, whatever its paging: the [`ViewRequest`] of
/// the paging its `x-paging` names, made by [`Client::any_request`]. One variant per paging
/// kind of the spec ([`PagingKind`]), so a match over it is complete.
///
/// ```no_run
/// # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
/// use amazon_music::AnyRequest;
///
/// let operation = "getLibrarySongsView".parse().expect("an operation of the spec");
/// let request = client.any_request(operation, Vec::<String>::new())?;
/// let views = request.query_parameter("limit", "5").send().await?;
/// if let AnyRequest::Entities(_) = client.any_request(operation, Vec::<String>::new())? {
///     println!("{} pages its entities", views[0].id);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub enum AnyRequest {
    /// A view that pages through its entity groups (`x-paging: groups`).
    Groups(ViewRequest<GroupPages>),
    /// A view that pages through the entities of its groups (`x-paging: entities`).
    Entities(ViewRequest<EntityPages>),
    /// A view of one page (`x-paging: none`).
    Single(ViewRequest<SinglePage>),
    /// A response of several views (the search).
    Views(ViewRequest<ViewList>),
}

impl AnyRequest {
    /// The operation this request calls.
    pub fn operation(&self) -> Operation {
        match self {
            Self::Groups(request) => request.operation(),
            Self::Entities(request) => request.operation(),
            Self::Single(request) => request.operation(),
            Self::Views(request) => request.operation(),
        }
    }

    /// Sets a query parameter by its name in the spec: see [`ViewRequest::query_parameter`].
    pub fn query_parameter(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        match self {
            Self::Groups(request) => Self::Groups(request.query_parameter(name, value)),
            Self::Entities(request) => Self::Entities(request.query_parameter(name, value)),
            Self::Single(request) => Self::Single(request.query_parameter(name, value)),
            Self::Views(request) => Self::Views(request.query_parameter(name, value)),
        }
    }

    /// Sends the request and returns the views of its response: one page of the view of a
    /// view operation, every view of a search. See [`ViewRequest::send`].
    ///
    /// # Errors
    /// As [`ViewRequest::send`].
    pub async fn send(&self) -> Result<Vec<View>> {
        match self {
            Self::Groups(request) => request.send().await.map(|view| vec![view]),
            Self::Entities(request) => request.send().await.map(|view| vec![view]),
            Self::Single(request) => request.send().await.map(|view| vec![view]),
            Self::Views(request) => request.send().await,
        }
    }

    /// Sends the request and returns the response as received: see
    /// [`ViewRequest::send_raw`].
    ///
    /// # Errors
    /// As [`ViewRequest::send_raw`].
    pub async fn send_raw(&self) -> Result<RawResponse> {
        match self {
            Self::Groups(request) => request.send_raw().await,
            Self::Entities(request) => request.send_raw().await,
            Self::Single(request) => request.send_raw().await,
            Self::Views(request) => request.send_raw().await,
        }
    }
}

impl Client {
    /// A request for `operation`, of the type its `x-paging` names, with `path_arguments` in
    /// path order: [`request`](Self::request) for a caller that knows the operation only at run
    /// time.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the number of path arguments is not the number of the
    /// operation's path parameters.
    pub fn any_request(
        &self,
        operation: Operation,
        path_arguments: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<AnyRequest> {
        let path_arguments: Vec<String> = path_arguments.into_iter().map(Into::into).collect();
        Ok(match (operation.response_shape(), operation.paging()) {
            (ResponseShape::Views, _) => {
                AnyRequest::Views(self.request(operation, path_arguments)?)
            }
            (_, PagingStyle::Groups) => {
                AnyRequest::Groups(self.request(operation, path_arguments)?)
            }
            (_, PagingStyle::Entities) => {
                AnyRequest::Entities(self.request(operation, path_arguments)?)
            }
            (_, PagingStyle::None) => AnyRequest::Single(self.request(operation, path_arguments)?),
        })
    }
}

/// What a response of `shape` holds, in words.
fn shape_words(shape: ResponseShape) -> &'static str {
    match shape {
        ResponseShape::View => "one view",
        ResponseShape::Views => "several views",
    }
}

/// The [`Style`] of the request types of one view: `data` is a [`View`].
macro_rules! one_view {
    ($($kind:ident => $style:ident),*) => {$(
        impl Style for $kind {
            const STYLE: PagingStyle = PagingStyle::$style;
            const SHAPE: ResponseShape = ResponseShape::View;
            type Envelope = ViewResponse;
            type Data = View;

            fn data(envelope: ViewResponse) -> View {
                envelope.data
            }

            fn dispatch(
                client: amazon_music_client::Client,
                operation: Operation,
                options: Arc<RequestOptions>,
            ) -> BoxFuture<'static, Generated<ViewResponse>> {
                async move { dispatch_view(client, operation, &options).await }.boxed()
            }
        }
    )*};
}

one_view!(GroupPages => Groups, EntityPages => Entities, SinglePage => None);

impl Style for ViewList {
    const STYLE: PagingStyle = PagingStyle::None;
    const SHAPE: ResponseShape = ResponseShape::Views;
    type Envelope = ViewListResponse;
    type Data = Vec<View>;

    fn data(envelope: ViewListResponse) -> Vec<View> {
        envelope.data
    }

    fn dispatch(
        client: amazon_music_client::Client,
        operation: Operation,
        options: Arc<RequestOptions>,
    ) -> BoxFuture<'static, Generated<ViewListResponse>> {
        async move { dispatch_view_list(client, operation, &options).await }.boxed()
    }
}
