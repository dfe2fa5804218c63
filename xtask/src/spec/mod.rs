//! The spec and the tools that hold it to its word: the published bundles, Redocly's lint,
//! Prism's contract, Redocly's drift against `amzn-music drift`, the TypeScript, Python and other-language clients, Schemathesis, the
//! rendered docs, the pinned tools themselves, and the proof that one spec edit reaches every
//! layer.

pub mod bundle;
pub mod clients;
pub mod contract;
pub mod docs;
pub mod drift;
pub mod lint;
pub mod proof;
pub mod python;
pub mod schemathesis;
pub mod tools;
pub mod typescript;
