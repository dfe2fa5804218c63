//! Streams the library's songs and counts them, then prints the process's peak resident set
//! (`VmHWM` of `/proc/self/status`, on Linux): what `cargo xtask bench-memory` compares between
//! 1,000 and 100,000 entities against a mock in another process.
//!
//! `AMAZON_MUSIC_API_KEY=... AMAZON_MUSIC_TOKEN=... cargo run --release -p amazon-music
//! --example stream_entities -- <base-url> <count>`
//!
//! Prints `entities=<n> peak_rss_kib=<k>` (`peak_rss_kib=unknown` where `/proc` is missing).

use amazon_music::Client;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: stream_entities <base-url> <count>";
    let base_url = args.next().ok_or(usage)?;
    let count: usize = args.next().ok_or(usage)?.parse()?;
    let client = Client::builder()
        .api_key(std::env::var("AMAZON_MUSIC_API_KEY")?)
        .access_token(std::env::var("AMAZON_MUSIC_TOKEN")?)
        .base_url(base_url)
        .build()?;
    let entities = client
        .library_songs()
        .limit(100)
        .max_items(count)
        .entities()
        .try_fold(0usize, |seen, _| async move { Ok(seen + 1) })
        .await?;
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let value = line.strip_prefix("VmHWM:")?;
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
        })
        .map_or_else(|| "unknown".to_owned(), |kib| kib.to_string());
    println!("entities={entities} peak_rss_kib={peak}");
    Ok(())
}
