//! Collects every song in the library, printing a progress count as pages arrive.
//!
//! `AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_TOKEN=... cargo run -p amazon-music --example collect_library`

use amazon_music::{Client, http::DEFAULT_BASE_URL};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(std::env::var("AMAZON_MUSIC_API_KEY")?)
        .access_token(std::env::var("AMAZON_MUSIC_TOKEN")?)
        .base_url(
            std::env::var("AMAZON_MUSIC_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        )
        .build()?;
    let mut songs = Vec::new();
    let mut entities = client.library_songs().limit(100).entities();
    while let Some(entity) = entities.try_next().await? {
        songs.push(entity);
        if songs.len() % 100 == 0 {
            eprint!("\r{} songs", songs.len());
        }
    }
    eprintln!("\r{} songs in all", songs.len());
    Ok(())
}
