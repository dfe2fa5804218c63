//! What the workspace's tests share, written once: the OpenAPI document with `$ref` resolution
//! and example lookup, a strict schema check of bodies against it, the catch-all mock that
//! names an unexpected request, a writer that captures log output, and (feature `sdk`) fast
//! retries and the call of any operation of the generated table.
//!
//! A dev-dependency only, never published.

#![deny(missing_docs)]

mod capture;
mod schema;
#[cfg(feature = "sdk")]
mod sdk;
mod spec;
mod wire;

pub use capture::Captured;
pub use schema::{assert_valid, schema_problems};
#[cfg(feature = "sdk")]
pub use sdk::{fast_retries, path_arguments, send};
pub use spec::{
    Example, Operation, component_examples, example, operations, parameter_example, resolve, spec,
    workspace_root,
};
pub use wire::{mount_catch_all, request_count, url_with_query};
