//! The writer: a HAR file that is a whole document after every entry.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

use crate::Entry;

/// What ends the document: the entries array, the log and the document closed.
const TAIL: &[u8] = b"\n]}}\n";

/// Writes a HAR 1.2 file one entry at a time, so that the file is a whole HAR document after
/// every [`append`](Self::append): each entry is written over the document's closing
/// brackets, followed by them again. A process stopped at any moment (a crash, Ctrl-C) leaves
/// a valid file, or one cut inside its last entry, which [`read`](crate::read) still reads
/// up to that entry.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("har-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let path = dir.join("session.har");
/// let mut writer = amazon_music_har::HarWriter::create(&path, "my-app", "1.0")?;
/// assert_eq!(amazon_music_har::read(&path)?.len(), 0, "a valid document with no entry");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct HarWriter {
    file: File,
    /// Where the tail starts: the next entry goes there.
    end: u64,
    entries: usize,
}

impl HarWriter {
    /// Creates (or empties) the file at `path` and writes an empty HAR 1.2 document to it,
    /// naming `creator` and its `version` as what made it.
    ///
    /// # Errors
    /// When the file cannot be created or written.
    pub fn create(path: impl AsRef<Path>, creator: &str, version: &str) -> io::Result<Self> {
        let head = format!(
            "{{\"log\":{{\"version\":\"1.2\",\"creator\":{},\"entries\":[",
            serde_json::json!({ "name": creator, "version": version })
        );
        let mut file = File::create(path)?;
        file.write_all(head.as_bytes())?;
        file.write_all(TAIL)?;
        Ok(Self {
            file,
            end: head.len() as u64,
            entries: 0,
        })
    }

    /// Adds `entry` at the end of the document, in one write.
    ///
    /// # Errors
    /// When the file cannot be written; the entries written before are still a whole document,
    /// or one that [`read`](crate::read) reads up to the last of them.
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(if self.entries == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut bytes, entry)?;
        let end = self.end + bytes.len() as u64;
        bytes.extend_from_slice(TAIL);
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(&bytes)?;
        self.end = end;
        self.entries += 1;
        Ok(())
    }

    /// How many entries have been written.
    pub fn entries(&self) -> usize {
        self.entries
    }
}
