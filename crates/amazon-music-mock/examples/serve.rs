//! Runs the mock server until Ctrl-C: `cargo run -p amazon-music-mock --example serve --
//! [--port P] [--size N]`. The CLI's `amzn-music mock-server` does the same.

use amazon_music_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = MockServer::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        builder = match arg.as_str() {
            "--port" => builder.port(value.parse()?),
            "--size" => builder.library_size(value.parse()?),
            _ => {
                return Err(
                    format!("unknown argument {arg}; usage: serve [--port P] [--size N]").into(),
                );
            }
        };
    }
    let server = builder.start().await?;
    let credentials = server.credentials();
    println!("Amazon Music mock listening on {}", server.url());
    println!("  AMAZON_MUSIC_BASE_URL={}", server.url());
    println!("  AMAZON_MUSIC_API_KEY={}", credentials.api_key());
    println!("  AMAZON_MUSIC_TOKEN={}", credentials.access_token());
    println!("  AMAZON_MUSIC_CLIENT_ID={}", credentials.client_id());
    println!(
        "  AMAZON_MUSIC_CLIENT_SECRET={}",
        credentials.client_secret()
    );
    println!(
        "  AMAZON_MUSIC_REFRESH_TOKEN={}",
        credentials.refresh_token()
    );
    println!("  AMAZON_MUSIC_LWA_TOKEN_URL={}", server.token_url());
    println!("Ctrl-C stops it.");
    server
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    Ok(())
}
