//! What the tasks share: child processes with time limits, and the workspace's root, cargo and
//! generated files.

pub mod process;
pub mod workspace;
