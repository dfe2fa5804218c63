//! Lists the library's playlists and the first songs with the blocking client: no async code,
//! no tokio. Needs the `blocking` feature.
//!
//! `AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_TOKEN=... cargo run -p amazon-music --features blocking --example blocking_library`
//!
//! Offline, against the mock: `cargo run -p amazon-music-cli -- mock-server`, then the variables
//! it prints.

use amazon_music::DEFAULT_BASE_URL;
use amazon_music::blocking::Client;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(std::env::var("AMAZON_MUSIC_API_KEY")?)
        .access_token(std::env::var("AMAZON_MUSIC_TOKEN")?)
        .base_url(
            std::env::var("AMAZON_MUSIC_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        )
        .build()?;
    for playlist in client.library_playlists().limit(50).entities() {
        println!("{}", playlist?);
    }
    for song in client.library_songs().limit(50).max_items(10).entities() {
        let song = song?;
        let mrn = song.mrn().map(|mrn| mrn.to_string()).unwrap_or_default();
        println!("{song} {mrn}");
    }
    Ok(())
}
