//! Prints the size of one page of some views as the server sends it and gzipped (flate2's
//! default level), to show what compression on the wire would save: what `cargo xtask
//! bench-memory` reports as the gzip figures.
//!
//! `AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_TOKEN=... cargo run --release -p amazon-music
//! --example page_bytes -- <base-url>`
//!
//! Prints one line a page: `path=<path> identity=<bytes> gzip=<bytes> content_encoding=<...>`,
//! the last what the server answered to `Accept-Encoding: gzip`.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

/// The pages measured: a path and its query.
const PAGES: [&str; 4] = [
    "/v1/views/library/songs?limit=100",
    "/v1/views/library/albums?limit=100",
    "/v1/views/home?limit=10",
    "/v1/views/podcasts?limit=10",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args()
        .nth(1)
        .ok_or("usage: page_bytes <base-url>")?;
    let api_key = std::env::var("AMAZON_MUSIC_API_KEY")?;
    let token = std::env::var("AMAZON_MUSIC_TOKEN")?;
    // Without reqwest's transparent decompression, to see what the server sends.
    let http = reqwest::Client::builder().no_gzip().build()?;
    for page in PAGES {
        let response = http
            .get(format!("{base_url}{page}"))
            .header("x-api-key", &api_key)
            .header("authorization", format!("Bearer {token}"))
            .header("accept-encoding", "gzip")
            .send()
            .await?
            .error_for_status()?;
        let encoding = response
            .headers()
            .get("content-encoding")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("identity")
            .to_owned();
        let body = response.bytes().await?;
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(&body)?;
        let gzipped = encoder.finish()?;
        println!(
            "path={page} identity={} gzip={} content_encoding={encoding}",
            body.len(),
            gzipped.len()
        );
    }
    Ok(())
}
