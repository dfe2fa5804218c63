//! Prints the home view: each group's title and its entities.
//!
//! `AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_TOKEN=... cargo run -p amazon-music --example browse_home`
//! (`AMAZON_MUSIC_BASE_URL` points it at another server, e.g. the project's mock).

use amazon_music::{Client, Entity, http::DEFAULT_BASE_URL};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key(std::env::var("AMAZON_MUSIC_API_KEY")?)
        .access_token(std::env::var("AMAZON_MUSIC_TOKEN")?)
        .base_url(
            std::env::var("AMAZON_MUSIC_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned()),
        )
        .locale("en-us")
        .build()?;
    let home = client.home().limit(5).send().await?;
    for group in &home.content.entity_groups {
        println!(
            "{} ({})",
            group.title.as_deref().unwrap_or(&group.id),
            group.view_type
        );
        for entity in &group.content.entities {
            let name = match entity {
                Entity::Album(album) => album.title.as_str(),
                Entity::Artist(artist) => artist.name.as_str(),
                Entity::Track(track) => track.title.as_str(),
                Entity::Playlist(playlist) => playlist.title.as_str(),
                Entity::PodcastShow(show) => show.title.as_str(),
                Entity::PodcastEpisode(episode) => episode.title.as_str(),
                Entity::Station(station) => station.name.as_str(),
                _ => "(an entity this version does not know)",
            };
            println!("  {:<14} {name}", entity.type_name());
        }
    }
    Ok(())
}
