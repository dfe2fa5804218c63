//! Workspace-level tests: models against the spec, and the generated client on the wire.

mod client_requests;
mod contract;
mod examples;
mod forward_compat;
mod proptests;
