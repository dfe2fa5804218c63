//! Workspace-level tests: models against the spec, and the generated client on the wire.

mod client_requests;
mod contract;
mod contract_proxy;
mod examples;
mod forward_compat;
mod proptests;
mod spec_agreement;
