//! Workspace-level tests: models against the spec, and the generated client on the wire.

mod client_requests;
mod contract;
mod contract_proxy;
mod examples;
mod faults;
mod forward_compat;
mod load;
mod proptests;
mod record_replay;
mod spec_agreement;
mod spec_sources;
