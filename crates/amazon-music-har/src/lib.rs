#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod entry;
mod read;
mod write;

pub use entry::{Exchange, REDACTED, response_body};
/// The `har` crate, whose types the entries are.
pub use har;
pub use read::{from_slice, read};
pub use write::HarWriter;

/// One exchange of a recording: HAR 1.2's `entries[]` item, as the `har` crate models it.
pub type Entry = har::v1_2::Entries;

/// Why a recording could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read.
    #[error("could not read {path}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a HAR document, not even the start of one.
    #[error("not a HAR file: {reason}")]
    NotHar {
        /// What is wrong, from the JSON parser.
        reason: String,
    },
    /// An entry, complete in the file, is not a HAR 1.2 entry.
    #[error("entry {index} of the recording is not a HAR 1.2 entry: {reason}")]
    Entry {
        /// Its position, from 0.
        index: usize,
        /// What is wrong, from the JSON parser.
        reason: String,
    },
    /// A response body is in an encoding other than none or `base64`, or not valid base64.
    #[error("a response body cannot be decoded: {reason}")]
    Body {
        /// What is wrong.
        reason: String,
    },
}
