//! How the generated client decodes a response body, in place of progenitor's
//! `ResponseValue::from_response` (`cargo xtask codegen` makes the swap).

use serde::de::DeserializeOwned;

use crate::{Error, ResponseValue};

/// Reads the body and decodes it with [`amazon_music_models::from_slice`]: the same value and
/// errors as progenitor's `serde_json::from_slice`, with UTF-8 checked once for the whole body
/// rather than string by string.
pub(crate) async fn from_response<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner = amazon_music_models::from_slice(&body)
        .map_err(|error| Error::InvalidResponsePayload(body, error))?;
    Ok(ResponseValue::new(inner, status, headers))
}
