#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod client_error;
mod error;
#[rustfmt::skip]
mod generated;
pub mod pagination;
pub mod prelude;
mod raw;
mod redirect;
mod request;
mod retry;
mod tls;
mod transport;
mod views;

pub use amazon_music_client::CursorEncoding;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BODY_SIZE, DEFAULT_USER_AGENT,
};
pub use error::{ApiError, BoxError, Error, Result};
pub use generated::*;
pub use raw::RawResponse;
pub use redirect::same_origin_redirects;
pub use request::ViewRequest;
pub use retry::RetryPolicy;
pub use tls::http_client_builder;
