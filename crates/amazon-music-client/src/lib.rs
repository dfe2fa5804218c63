#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod context;
mod cursor;
mod decode;
mod limit;
mod path;
#[rustfmt::skip]
#[allow(missing_docs, unused_imports, dead_code, clippy::all)]
mod generated;

pub use context::{CallContext, SentRequest};
pub use cursor::CursorEncoding;
pub use generated::{Client, ClientInfo, Error, ResponseValue, builder};
pub use limit::is_body_too_large;
pub use path::encode_path;

use progenitor_client::{ClientHooks, OperationInfo};

/// Adds the context's headers to each request and records each call's outcome in the context:
/// the record is emptied as the request goes out, then holds the response's status and headers
/// (and its body, for a context [`capturing_body`](CallContext::capturing_body)), or stays
/// empty when no response came.
///
/// The generator also adds an `api-version` header to every request; the API documents no such
/// header, so it is removed before the request leaves. A request whose path is not its
/// operation's template with one segment for each parameter (an ID of `""`, `.` or `..`) is
/// refused with `Error::InvalidRequest` before it leaves (see [`encode_path`]). The `cursor`
/// goes out as the context's [`CursorEncoding`] writes it (by default, as received). A response's
/// body is cut off at the context's [`max_body_size`](CallContext::max_body_size).
impl ClientHooks<CallContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        path::check_path(info.operation_id, request.url().path()).map_err(Error::InvalidRequest)?;
        request.headers_mut().remove("api-version");
        cursor::rewrite_query(request.url_mut(), self.inner().cursor_encoding());
        self.inner().start(request);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        self.inner().head_arrived(&response);
        let response = match self.inner().max_body_size() {
            Some(limit) => limit::limit_body(response, limit),
            None => response,
        };
        self.inner().capture(response).await
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        self.inner().finish(result);
        Ok(())
    }
}
