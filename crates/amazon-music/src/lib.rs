#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod auth;
mod client;
mod error;
#[rustfmt::skip]
mod generated;
mod mrn;
pub mod pagination;
mod redirect;
mod request;
mod retry;
mod transport;
mod views;

pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BODY_SIZE, DEFAULT_USER_AGENT,
};
pub use error::{ApiError, BoxError, Error, Result};
pub use generated::*;
pub use mrn::{Mrn, ParseMrnError};
pub use redirect::same_origin_redirects;
pub use request::ViewRequest;
pub use retry::RetryPolicy;
