//! Logs in with the LWA device flow: shows a code to enter on another device, then waits.
//!
//! `AMAZON_MUSIC_CLIENT_ID=... cargo run -p amazon-music --example device_login`
//!
//! A real app keeps `tokens.refresh_token` (as secret as a password) for `LwaTokenSource`;
//! the `amzn-music login` command stores it in the user's config folder, readable only by them.

use amazon_music::auth::DeviceLogin;
use amazon_music::auth::scopes;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let login = DeviceLogin::builder()
        .client_id(std::env::var("AMAZON_MUSIC_CLIENT_ID")?)
        .scopes([
            scopes::LIBRARY_READ,
            scopes::HISTORY,
            scopes::RECOMMENDATION,
        ])
        .build()?;
    let authorization = login.start().await?;
    println!(
        "Open {} and enter the code {} (within {} minutes).",
        authorization.verification_uri(),
        authorization.user_code(),
        authorization.expires_in().as_secs() / 60
    );
    let tokens = authorization.poll().await?;
    println!(
        "Logged in; the access token lasts {} s.",
        tokens.expires_in.as_secs()
    );
    if tokens.refresh_token.is_some() {
        println!("Got a refresh token: keep it to stay logged in.");
    }
    Ok(())
}
