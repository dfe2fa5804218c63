//! Recording the traffic to a HAR file, for
//! [`ClientBuilder::record_to`](crate::ClientBuilder::record_to): one entry per attempt, written
//! from the transport's one send path.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use amazon_music_client::CallContext;
use amazon_music_har::{Exchange, HarWriter};

use crate::{Error, Result};

/// Writes each attempt to a HAR file, until writing fails once.
pub(crate) struct Recorder {
    path: PathBuf,
    /// `None` once a write has failed: recording has stopped.
    writer: Mutex<Option<HarWriter>>,
}

impl Recorder {
    /// Creates (or empties) the file at `path`, an empty HAR document until the first attempt.
    pub(crate) fn create(path: PathBuf) -> Result<Self> {
        let writer = HarWriter::create(&path, "amazon-music-rs", env!("CARGO_PKG_VERSION"))
            .map_err(|error| {
                Error::invalid_request(format!(
                    "the recording {} cannot be created: {error}",
                    path.display()
                ))
            })?;
        Ok(Self {
            path,
            writer: Mutex::new(Some(writer)),
        })
    }

    /// The file recorded to.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Adds the attempt made through `context` (which was
    /// [`recording_requests`](CallContext::recording_requests)), whose outcome was `error` or
    /// a success. An attempt that sent no request is not one. A write that fails is logged at
    /// `warn`, once, and ends the recording; the attempt's outcome stands.
    pub(crate) fn record(&self, context: &CallContext, error: Option<&Error>) {
        let Some(sent) = context.sent_request() else {
            return;
        };
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(open) = writer.as_mut() else {
            return;
        };
        let (status, headers, body) = (
            context.response_status(),
            context.response_headers(),
            context.response_body(),
        );
        let exchange = Exchange::new(sent.started, &sent.method, sent.url.as_str(), &sent.headers)
            .timings(
                sent.wait.unwrap_or_default(),
                sent.receive.unwrap_or(Duration::ZERO),
            );
        let exchange = match (status, &headers, &body, sent.response_version) {
            (Some(status), Some(headers), Some(body), Some(version)) => {
                exchange.response(status, version, headers, body)
            }
            _ => exchange
                .failed(error.map_or_else(|| "no response".to_owned(), |error| error.to_string())),
        };
        if let Err(error) = open.append(&exchange.to_entry()) {
            tracing::warn!(
                path = %self.path.display(),
                %error,
                "the recording cannot be written: recording stops here, requests go on"
            );
            *writer = None;
        }
    }
}
