//! The SDK against real HTTP servers on loopback: retries, the token refresh, pagination,
//! errors and redaction.

mod auth;
mod blocking;
mod errors;
mod pagination;
mod parameters;
mod paths;
mod raw;
mod record;
mod redaction;
mod redirects;
mod retries;
mod support;
mod wire;
