//! The settings the logins share (client ID and secret, region, token URL, HTTP client,
//! scopes), the setters their builders take them with, and their checks.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{LwaRegion, Redacted};
use crate::{Error, Result};

/// The settings a login's builder collects, unchecked.
#[derive(Clone, Default)]
pub(super) struct EndpointConfig {
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<SecretString>,
    pub(super) region: LwaRegion,
    pub(super) token_url: Option<String>,
    pub(super) http: Option<reqwest::Client>,
    pub(super) scopes: Vec<String>,
}

/// [`EndpointConfig`], checked: what a token request needs.
#[derive(Clone)]
pub(super) struct Endpoint {
    pub(super) client_id: String,
    /// The client secret, sent with every token request where there is one.
    pub(super) client_secret: Option<SecretString>,
    pub(super) region: LwaRegion,
    pub(super) token_url: Url,
    pub(super) http: reqwest::Client,
}

impl EndpointConfig {
    /// Checks the settings (all but the scopes, which only some logins take: see
    /// [`required_scopes`]). A blank client secret counts as none.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the client ID is missing or blank, or the token URL is not
    /// an `http` or `https` URL.
    pub(super) fn build(self) -> Result<Endpoint> {
        let client_id = required("client ID", self.client_id)?;
        let token_url = self
            .token_url
            .unwrap_or_else(|| self.region.token_url().to_owned());
        Ok(Endpoint {
            client_id,
            client_secret: self
                .client_secret
                .filter(|secret| !secret.expose_secret().trim().is_empty()),
            region: self.region,
            token_url: parse_url("token URL", &token_url)?,
            http: http_client_or_default(self.http)?,
        })
    }
}

impl fmt::Debug for EndpointConfig {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("EndpointConfig")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| Redacted),
            )
            .field("region", &self.region)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// The setters of [`EndpointConfig`], for a builder with an `endpoint` field: `endpoint` (client
/// ID, region, token URL, HTTP client), `client_secret` and `scopes`, in any combination.
macro_rules! setters {
    (endpoint) => {
        /// The security profile's client ID (`amzn1.application-oa2-client...`). Required.
        pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
            self.endpoint.client_id = Some(client_id.into());
            self
        }

        /// The region whose endpoints to use; default
        /// [`LwaRegion::NorthAmerica`](crate::auth::LwaRegion::NorthAmerica).
        /// [`token_url`](Self::token_url) overrides it.
        pub fn region(mut self, region: $crate::auth::LwaRegion) -> Self {
            self.endpoint.region = region;
            self
        }

        /// The token endpoint, in place of the region's (e.g. a local mock server).
        pub fn token_url(mut self, url: impl Into<String>) -> Self {
            self.endpoint.token_url = Some(url.into());
            self
        }

        /// The HTTP client for the endpoints; by default a new one with a 10 s connect timeout,
        /// a 30 s total timeout and no redirects (so no secret follows a redirect). A client
        /// given here keeps its own redirect policy: build it with
        /// `reqwest::redirect::Policy::none()`.
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.endpoint.http = Some(client);
            self
        }
    };
    (client_secret) => {
        /// The security profile's client secret, sent with each token request. Leave it out
        /// for a public client, which LWA knows by its client ID alone: tokens from the device
        /// flow, or an app that cannot keep a secret (PKCE's verifier stands in for it). A
        /// blank secret counts as none.
        pub fn client_secret(mut self, client_secret: impl Into<secrecy::SecretString>) -> Self {
            self.endpoint.client_secret = Some(client_secret.into());
            self
        }
    };
    (scopes) => {
        /// Adds a scope to ask for, e.g. [`scopes::CATALOG`](crate::auth::scopes::CATALOG). At
        /// least one is required.
        pub fn scope(mut self, scope: impl Into<String>) -> Self {
            self.endpoint.scopes.push(scope.into());
            self
        }

        /// Adds scopes to ask for.
        pub fn scopes<I>(mut self, scopes: I) -> Self
        where
            I: IntoIterator,
            I::Item: Into<String>,
        {
            self.endpoint
                .scopes
                .extend(scopes.into_iter().map(Into::into));
            self
        }
    };
    ($($part:ident),+) => {
        $($crate::auth::settings::setters!($part);)+
    };
}
pub(super) use setters;

/// A required, non-empty setting.
pub(super) fn required(name: &str, value: Option<String>) -> Result<String> {
    match value {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(Error::invalid_request(format!("the {name} is required"))),
    }
}

/// A required, non-empty secret.
pub(super) fn required_secret(name: &str, value: Option<SecretString>) -> Result<SecretString> {
    match value {
        Some(value) if !value.expose_secret().trim().is_empty() => Ok(value),
        _ => Err(Error::invalid_request(format!("the {name} is required"))),
    }
}

/// The scopes to ask for, blank ones dropped; at least one is required.
pub(super) fn required_scopes(scopes: Vec<String>) -> Result<Vec<String>> {
    let scopes: Vec<String> = scopes
        .into_iter()
        .filter(|scope| !scope.trim().is_empty())
        .collect();
    if scopes.is_empty() {
        return Err(Error::invalid_request(
            "at least one scope is required, e.g. music::catalog",
        ));
    }
    Ok(scopes)
}

/// An endpoint URL, which must be `http` or `https`.
pub(super) fn parse_url(name: &str, url: &str) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|error| {
        Error::invalid_request(format!("the {name} {url:?} is not a URL: {error}"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid_request(format!(
            "the {name} {url:?} is not an http or https URL"
        )));
    }
    Ok(parsed)
}

/// The HTTP client for the token endpoints: `given`, or by default one with 10 s to connect,
/// 30 s in all and no redirects (a token request is never sent on to another host).
fn http_client_or_default(given: Option<reqwest::Client>) -> Result<reqwest::Client> {
    if let Some(client) = given {
        return Ok(client);
    }
    crate::http_client_builder()?
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(crate::DEFAULT_USER_AGENT)
        .build()
        .map_err(|error| {
            Error::invalid_request(format!(
                "could not set up the HTTP client for the token endpoint: {error}"
            ))
        })
}
