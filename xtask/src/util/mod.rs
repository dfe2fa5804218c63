//! What the tasks share: child processes with time limits, the pinned cargo subcommands, and the
//! workspace's root, cargo and generated files.

pub mod cargo_tool;
pub mod process;
pub mod workspace;
