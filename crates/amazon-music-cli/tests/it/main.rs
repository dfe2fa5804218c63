//! The `amzn-music` binary against the project's mock server: every command, human and JSON
//! output compared with the files in `tests/data/`, exit codes and stderr.
//!
//! The mock server runs in the test process, so tests use a multi-threaded runtime: the
//! blocking wait for the binary must not stop the server from answering it.
//!
//! `AMZN_MUSIC_BLESS=1 cargo nextest run -p amazon-music-cli` rewrites the expected files from
//! what the binary prints; review the diff before committing it.

mod api;
mod cli;
mod commands;
mod credentials;
mod doctor;
mod drift;
mod errors;
mod export;
mod failures;
mod guidance;
mod help;
mod login;
mod paging;
mod pipes;
mod raw;
mod record;
mod search;
mod secrets;
mod shells;
mod support;
mod tables;
