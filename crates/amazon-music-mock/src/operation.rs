//! The view operations, as the spec's generated operation table names them.
//!
//! The table lives in the models crate (`amazon_music_models::Operation`), generated from the
//! spec; the mock routes, records and scopes faults by it.

pub use amazon_music_models::{Operation, UnknownOperation};
