//! Calls the API with access tokens that Login with Amazon refreshes as they expire.
//!
//! ```sh
//! AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_CLIENT_ID=... AMAZON_MUSIC_CLIENT_SECRET=... \
//! AMAZON_MUSIC_REFRESH_TOKEN=... cargo run -p amazon-music --example lwa_refresh
//! ```
//!
//! `AMAZON_MUSIC_LWA_TOKEN_URL` and `AMAZON_MUSIC_BASE_URL` point it at other servers (the
//! project's mock speaks both).

use amazon_music::auth::LwaTokenSource;
use amazon_music::{Client, http::DEFAULT_BASE_URL};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut tokens = LwaTokenSource::builder()
        .client_id(std::env::var("AMAZON_MUSIC_CLIENT_ID")?)
        .client_secret(std::env::var("AMAZON_MUSIC_CLIENT_SECRET")?)
        .refresh_token(std::env::var("AMAZON_MUSIC_REFRESH_TOKEN")?);
    if let Ok(url) = std::env::var("AMAZON_MUSIC_LWA_TOKEN_URL") {
        tokens = tokens.token_url(url);
    }
    let client = Client::builder()
        .api_key(std::env::var("AMAZON_MUSIC_API_KEY")?)
        .token_source(tokens.build()?)
        .base_url(
            std::env::var("AMAZON_MUSIC_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        )
        .build()?;
    // The first call fetches an access token; later ones reuse it until shortly before it
    // expires, and a `401 INVALID_ACCESS_TOKEN` refreshes it once and retries.
    let recent = client.recently_played().limit(5).send().await?;
    for group in &recent.content.entity_groups {
        for entity in &group.content.entities {
            println!("{:<14} {}", entity.type_name(), entity.id().unwrap_or("-"));
        }
    }
    Ok(())
}
