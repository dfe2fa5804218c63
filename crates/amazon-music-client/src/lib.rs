#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[allow(missing_docs, unused_imports, dead_code, clippy::all)]
#[rustfmt::skip]
mod generated;

pub use generated::{Client, ClientInfo, Error, ResponseValue, builder};

use progenitor_client::{ClientHooks, OperationInfo};

/// The generator adds an `api-version` header to every request; the API documents no such
/// header, so it is removed before the request leaves.
impl ClientHooks for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove("api-version");
        Ok(())
    }
}
