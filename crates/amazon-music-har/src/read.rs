//! The reader: every entry of a HAR file, or of the complete part of a cut one.

use std::path::Path;

use serde::Deserialize;

use crate::{Entry, Error};

/// The parts of a HAR document the reader needs.
#[derive(Deserialize)]
struct Document {
    log: Log,
}

/// HAR's `log`: its entries (the version is not checked, so 1.1 and 1.3 files read too).
#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

/// Every entry of the HAR file at `path`, in order; see [`from_slice`].
///
/// # Errors
/// [`Error::Read`] when the file cannot be read, and [`from_slice`]'s errors.
pub fn read(path: impl AsRef<Path>) -> Result<Vec<Entry>, Error> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    from_slice(&bytes)
}

/// Every entry of a HAR document, in order. A document cut short (a recording whose writer
/// was stopped mid-entry) gives every entry that is complete in it.
///
/// # Errors
/// [`Error::NotHar`] when the bytes are not a HAR document nor the start of one with its
/// `entries` array begun, [`Error::Entry`] when a complete entry is not a HAR 1.2 entry.
pub fn from_slice(bytes: &[u8]) -> Result<Vec<Entry>, Error> {
    match serde_json::from_slice::<Document>(bytes) {
        Ok(document) => Ok(document.log.entries),
        Err(whole) => match entries_start(bytes) {
            Some(start) => complete_entries(bytes, start),
            None => Err(Error::NotHar {
                reason: whole.to_string(),
            }),
        },
    }
}

/// Where the first entry of the `entries` array starts: past `"entries"`, its colon and its
/// opening bracket. Inside a JSON string every quote is escaped, so the bytes `"entries"`
/// followed by a colon are a key.
fn entries_start(bytes: &[u8]) -> Option<usize> {
    const KEY: &[u8] = b"\"entries\"";
    let mut from = 0;
    while let Some(found) = bytes[from..]
        .windows(KEY.len())
        .position(|window| window == KEY)
    {
        let after_key = skip_whitespace(bytes, from + found + KEY.len());
        if bytes.get(after_key) == Some(&b':') {
            let bracket = skip_whitespace(bytes, after_key + 1);
            return (bytes.get(bracket) == Some(&b'[')).then_some(bracket + 1);
        }
        from += found + KEY.len();
    }
    None
}

/// The entries from `start` on, up to the end of the array or of the bytes, whichever comes
/// first; an entry cut by the end of the bytes is left out.
fn complete_entries(bytes: &[u8], mut at: usize) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    loop {
        at = skip_whitespace(bytes, at);
        match bytes.get(at) {
            None | Some(b']') => return Ok(entries),
            Some(b',') if !entries.is_empty() => at = skip_whitespace(bytes, at + 1),
            Some(_) if entries.is_empty() => {}
            Some(_) => {
                return Err(Error::Entry {
                    index: entries.len(),
                    reason: "entries are not separated by a comma".to_owned(),
                });
            }
        }
        let mut stream = serde_json::Deserializer::from_slice(&bytes[at..]).into_iter::<Entry>();
        match stream.next() {
            None => return Ok(entries),
            Some(Ok(entry)) => entries.push(entry),
            Some(Err(error)) if error.is_eof() => return Ok(entries),
            Some(Err(error)) => {
                return Err(Error::Entry {
                    index: entries.len(),
                    reason: error.to_string(),
                });
            }
        }
        at += stream.byte_offset();
    }
}

/// The first position from `at` that is not JSON whitespace.
fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes
        .get(at)
        .is_some_and(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
    {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use http::{HeaderMap, Method, StatusCode, Version};

    use super::*;
    use crate::{Exchange, HarWriter};

    /// A file of three entries, each with the body `{"n":<i>}`, written by the writer, and
    /// where each entry ends in it.
    fn recording(name: &str) -> (Vec<u8>, Vec<usize>) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join(name);
        let mut writer = HarWriter::create(&path, "test", "0").expect("created");
        let headers = HeaderMap::new();
        let mut ends = Vec::new();
        for n in 0..3 {
            let body = format!("{{\"n\":{n}}}");
            let url = format!("http://h/v1/views/home?n={n}");
            let entry = Exchange::new(UNIX_EPOCH, &Method::GET, &url, &headers)
                .response(StatusCode::OK, Version::HTTP_11, &headers, body.as_bytes())
                .timings(Duration::from_millis(1), Duration::ZERO)
                .to_entry();
            writer.append(&entry).expect("appended");
            assert_eq!(read(&path).expect("whole after each entry").len(), n + 1);
            let written = std::fs::metadata(&path).expect("the file").len() as usize;
            ends.push(written - "\n]}}\n".len());
        }
        let bytes = std::fs::read(&path).expect("read back");
        (bytes, ends)
    }

    #[test]
    fn a_written_file_is_a_whole_har_document_the_har_crate_reads() {
        let (bytes, _) = recording("whole.har");
        let document = har::from_slice(&bytes).expect("the har crate reads it");
        let har::Spec::V1_2(log) = document.log else {
            panic!("not a HAR 1.2 document");
        };
        assert_eq!(log.entries.len(), 3);
        assert_eq!(log.creator.name, "test");
        let entries = from_slice(&bytes).expect("read");
        let bodies: Vec<_> = entries
            .iter()
            .map(|entry| crate::response_body(entry).expect("a body"))
            .collect();
        assert_eq!(bodies, [&b"{\"n\":0}"[..], b"{\"n\":1}", b"{\"n\":2}"]);
    }

    #[test]
    fn a_file_cut_anywhere_gives_every_entry_complete_before_the_cut() {
        let (bytes, ends) = recording("cut.har");
        let whole = from_slice(&bytes).expect("read");
        let head =
            br#"{"log":{"version":"1.2","creator":{"name":"test","version":"0"},"entries":["#;
        assert!(bytes.starts_with(head));
        for cut in head.len()..bytes.len() {
            let entries =
                from_slice(&bytes[..cut]).unwrap_or_else(|error| panic!("cut at {cut}: {error}"));
            let complete = ends.iter().filter(|end| **end <= cut).count();
            assert_eq!(entries.len(), complete, "cut at {cut}");
            assert_eq!(entries[..], whole[..complete], "cut at {cut}");
        }
    }

    #[test]
    fn what_is_not_a_har_file_is_a_typed_error() {
        for bad in [&b""[..], b"not json", b"{\"log\":{}}", b"[1,2]"] {
            assert!(
                matches!(from_slice(bad), Err(Error::NotHar { .. })),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let wrong_entry = br#"{"log":{"entries":[{"request":1}]}"#;
        assert!(matches!(
            from_slice(wrong_entry),
            Err(Error::Entry { index: 0, .. })
        ));
        let dir = tempfile::tempdir().expect("a temporary folder");
        let missing = dir.path().join("no-such-file.har");
        assert!(matches!(read(&missing), Err(Error::Read { .. })));
    }
}
