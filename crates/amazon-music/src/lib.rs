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
pub mod http;
mod options;
pub mod pagination;
pub mod prelude;
mod rate_limit;
mod raw;
mod record;
mod redirect;
mod request;
mod retry;
mod transport;
mod views;

pub use amazon_music_client::CursorEncoding;
pub use amazon_music_models::{Entity, Mrn};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, BoxError, Error, Result};
pub use generated::models;
pub use rate_limit::RateLimit;
pub use raw::RawResponse;
pub use request::ViewRequest;
pub use retry::RetryPolicy;
pub use views::AnyRequest;
