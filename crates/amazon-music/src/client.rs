//! [`Client`] and its configuration.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::auth::{StaticToken, TokenSource};
use crate::rate_limit::RateLimiter;
use crate::record::Recorder;
use crate::transport::Transport;
use crate::{CursorEncoding, Error, RateLimit, Result, RetryPolicy};

/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.music.amazon.dev";

/// The `User-Agent` sent unless another is set: `amazon-music-rs/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("amazon-music-rs/", env!("CARGO_PKG_VERSION"));

/// The largest response body read unless another limit is set: 16 MiB (a page of the API is
/// well under 1 MiB).
pub const DEFAULT_MAX_RESPONSE_BODY_SIZE: usize = 16 * 1024 * 1024;

/// A client for the Amazon Music Web API: cheap to clone (clones share one connection pool),
/// `Send` and `Sync`.
///
/// Each view has a method that returns a request builder: set what the view takes, then
/// `send()` for one page, or `pages()` / `entities()` for streams that follow the cursors.
///
/// ```no_run
/// # async fn run() -> amazon_music::Result<()> {
/// let client = amazon_music::Client::builder()
///     .api_key("amzn1.application-oa2-client.0123")
///     .access_token("Atza|IwEB...")
///     .build()?;
/// let home = client.home().limit(5).send().await?;
/// println!("{} groups", home.content.entity_groups.len());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) transport: Arc<Transport>,
    pub(crate) defaults: Arc<RequestDefaults>,
}

/// What every request of a client carries unless the request says otherwise.
#[derive(Debug, Default)]
pub(crate) struct RequestDefaults {
    pub(crate) locale: Option<String>,
    pub(crate) image_style: Option<String>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Client")
            .field("transport", &self.transport)
            .field("defaults", &self.defaults)
            .finish()
    }
}

/// Configures a [`Client`]. The API key and a token source are required; everything else has
/// a default.
///
/// `C` is the client that [`build`](Self::build) returns: the async [`Client`] here, and the
/// blocking one as `amazon_music::blocking::ClientBuilder` (the `blocking` feature), with the
/// same setters.
#[must_use]
pub struct ClientBuilder<C = Client> {
    api_key: Option<SecretString>,
    token_source: Option<Arc<dyn TokenSource>>,
    base_url: String,
    locale: Option<String>,
    image_style: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: String,
    retry_policy: RetryPolicy,
    rate_limit: Option<RateLimit>,
    http_client: Option<reqwest::Client>,
    max_response_body_size: usize,
    cursor_encoding: CursorEncoding,
    record_to: Option<PathBuf>,
    client: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            api_key: None,
            token_source: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            locale: None,
            image_style: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry_policy: RetryPolicy::standard(),
            rate_limit: None,
            http_client: None,
            max_response_body_size: DEFAULT_MAX_RESPONSE_BODY_SIZE,
            cursor_encoding: CursorEncoding::default(),
            record_to: None,
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("token_source", &self.token_source)
            .field("base_url", &self.base_url)
            .field("locale", &self.locale)
            .field("image_style", &self.image_style)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_body_size", &self.max_response_body_size)
            .field("cursor_encoding", &self.cursor_encoding)
            .field("record_to", &self.record_to)
            .finish_non_exhaustive()
    }
}

impl<C> ClientBuilder<C> {
    /// Sets the API key: the security profile ID of your Login with Amazon application, sent
    /// as `x-api-key`. Required.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(api_key.into()));
        self
    }

    /// Uses a fixed access token, which cannot be refreshed: shorthand for
    /// `token_source(StaticToken::new(token))`.
    pub fn access_token(self, token: impl Into<String>) -> Self {
        self.token_source(StaticToken::new(token))
    }

    /// Sets where access tokens come from, e.g. an
    /// [`LwaTokenSource`](crate::auth::LwaTokenSource) that refreshes them. Required (or
    /// [`access_token`](Self::access_token)).
    pub fn token_source(mut self, source: impl TokenSource + 'static) -> Self {
        self.token_source = Some(Arc::new(source));
        self
    }

    /// Sets the base URL. Default: [`DEFAULT_BASE_URL`](crate::http::DEFAULT_BASE_URL).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the default `Accept-Language`, e.g. `en-us` or `de-de`. Default: none (the API's
    /// own default).
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Sets the default `amzn-image-style`, e.g. `SL500` (pixels on the longer side).
    /// Default: none.
    pub fn image_style(mut self, image_style: impl Into<String>) -> Self {
        self.image_style = Some(image_style.into());
        self
    }

    /// Sets how long connecting may take. Default: 10 s. Ignored with
    /// [`http_client`](Self::http_client), whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets how long one attempt may take, from connecting to the end of the body. Default:
    /// 30 s. Ignored with [`http_client`](Self::http_client), whose own settings apply.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the `User-Agent`. Default: [`DEFAULT_USER_AGENT`](crate::http::DEFAULT_USER_AGENT).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets how failed calls are retried. Default: [`RetryPolicy::standard`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Limits the rate of requests: every attempt of every request of the client and its
    /// clones waits for its turn, and a `429`'s `Retry-After` holds them all back. Default: no
    /// limit (each request still honours its own `Retry-After` through the retry policy).
    ///
    /// ```
    /// let client = amazon_music::Client::builder()
    ///     .api_key("amzn1.application-oa2-client.0123")
    ///     .access_token("Atza|IwEB...")
    ///     .rate_limit(amazon_music::RateLimit::adaptive())
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), amazon_music::Error>(())
    /// ```
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Sets the largest response body read, in bytes (after decompression): a larger one ends
    /// the call with [`Error::ResponseTooLarge`] once that much has been read, so no response
    /// costs more memory than about that. Applies with [`http_client`](Self::http_client)
    /// too. Default: [`DEFAULT_MAX_RESPONSE_BODY_SIZE`](crate::http::DEFAULT_MAX_RESPONSE_BODY_SIZE).
    pub fn max_response_body_size(mut self, bytes: usize) -> Self {
        self.max_response_body_size = bytes;
        self
    }

    /// Sets how a page token is written into the `cursor` query parameter. Default:
    /// [`CursorEncoding::Verbatim`], the token exactly as received, as Amazon's pagination page
    /// appends it; [`CursorEncoding::Encoded`] percent-encodes it once more, for a server that
    /// turns out to expect that (see the crate docs, "How cursors travel").
    pub fn cursor_encoding(mut self, encoding: CursorEncoding) -> Self {
        self.cursor_encoding = encoding;
        self
    }

    /// Records every exchange with the API to an HTTP Archive (HAR 1.2) file at `path`, created
    /// (or emptied) when the client is built: one entry per attempt (a `429` then a `200` are
    /// two), with the method, URL, request and response headers, status, timings, and the
    /// response body exactly as received (after gzip). Default: no recording.
    ///
    /// - The values of `Authorization` and `x-api-key` are replaced by `[REDACTED]`. The token
    ///   endpoint's exchanges (Login with Amazon) are not recorded at all.
    /// - The file is a whole HAR document after every entry, so a process stopped mid-run
    ///   leaves it readable (`amazon_music_har::read` reads every complete entry of a cut one).
    /// - Writing never fails a request: the first write that fails is logged (`warn`) and
    ///   recording stops.
    ///
    /// The mock server replays a recording (`MockServer::builder().replay(path)`, or
    /// `amzn-music mock-server --replay FILE`), so tests can run against pages recorded once.
    ///
    /// ```no_run
    /// # async fn run() -> amazon_music::Result<()> {
    /// let client = amazon_music::Client::builder()
    ///     .api_key("amzn1.application-oa2-client.0123")
    ///     .access_token("Atza|IwEB...")
    ///     .record_to("session.har")
    ///     .build()?;
    /// client.home().send().await?; // now in session.har
    /// # Ok(())
    /// # }
    /// ```
    pub fn record_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.record_to = Some(path.into());
        self
    }

    /// Uses an existing `reqwest::Client` (its pool, proxy and TLS settings) instead of a new one.
    ///
    /// Start from [`http::client_builder`](crate::http::client_builder), which sets the SDK's
    /// TLS backend and redirect policy. The client's redirect policy applies: `reqwest`'s own
    /// default follows a redirect to any host, and strips `Authorization` on the way but not
    /// `x-api-key`, so keep [`same_origin_redirects`](crate::http::same_origin_redirects) or
    /// `reqwest::redirect::Policy::none()`.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The async client, which a blocking client drives.
    pub(crate) fn build_async(self) -> Result<Client> {
        let api_key = self
            .api_key
            .ok_or_else(|| Error::invalid_request("an API key is required: set `api_key`"))?;
        // Checked once, here: every request then sends this header as it is.
        let mut api_key = HeaderValue::from_str(api_key.expose_secret())
            .map_err(|_| Error::invalid_request("the API key holds characters HTTP forbids"))?;
        api_key.set_sensitive(true);
        let token_source = self.token_source.ok_or_else(|| {
            Error::invalid_request(
                "a token source is required: set `access_token` or `token_source`",
            )
        })?;
        let base_url = validate_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::invalid_request("the user agent holds characters HTTP forbids"))?;
        for (name, value) in [("locale", &self.locale), ("image style", &self.image_style)] {
            if let Some(value) = value {
                HeaderValue::from_str(value).map_err(|_| {
                    Error::invalid_request(format!(
                        "the {name} {value:?} holds characters HTTP forbids"
                    ))
                })?;
            }
        }
        let rate_limiter = self
            .rate_limit
            .map(|limit| RateLimiter::new(&limit, self.retry_policy.max_retry_after()))
            .transpose()?;
        let http = match self.http_client {
            Some(client) => client,
            None => crate::http::client_builder()?
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                // Asks for gzip and decodes it; HTTP/2 is offered by ALPN wherever TLS is used.
                .gzip(true)
                .build()
                .map_err(|error| {
                    Error::invalid_request(format!("the HTTP client could not be built: {error}"))
                })?,
        };
        Ok(Client {
            transport: Arc::new(
                Transport::new(
                    http,
                    base_url,
                    api_key,
                    user_agent,
                    token_source,
                    self.retry_policy,
                    self.max_response_body_size,
                )
                .with_cursor_encoding(self.cursor_encoding)
                .with_rate_limiter(rate_limiter)
                .with_recorder(self.record_to.map(Recorder::create).transpose()?),
            ),
            defaults: Arc::new(RequestDefaults {
                locale: self.locale,
                image_style: self.image_style,
            }),
        })
    }
}

impl ClientBuilder {
    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the API key or token source is missing, the base URL is
    /// not an absolute http(s) URL, a header value holds characters HTTP forbids, a fixed rate
    /// limit is not a positive number, the HTTP client cannot be built, or the
    /// [recording](Self::record_to) cannot be created.
    pub fn build(self) -> Result<Client> {
        self.build_async()
    }
}

/// Checks that `base_url` is an absolute http(s) URL, and drops a trailing `/`.
fn validate_base_url(base_url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(base_url).map_err(|error| {
        Error::invalid_request(format!("the base URL {base_url:?} is not a URL: {error}"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(Error::invalid_request(format!(
            "the base URL {base_url:?} must be an http or https URL"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid_request(format!(
            "the base URL {base_url:?} must not have a query or fragment"
        )));
    }
    Ok(base_url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_needs_an_api_key_and_a_token_source() {
        let error = Client::builder()
            .access_token("t")
            .build()
            .expect_err("no key");
        assert!(error.to_string().contains("API key"), "{error}");
        let error = Client::builder()
            .api_key("k")
            .build()
            .expect_err("no token");
        assert!(error.to_string().contains("token source"), "{error}");
        Client::builder()
            .api_key("k")
            .access_token("t")
            .build()
            .expect("a client");
    }

    #[test]
    fn base_urls_must_be_absolute_http_urls() {
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/").expect("valid"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            validate_base_url("https://api.music.amazon.dev").expect("valid"),
            DEFAULT_BASE_URL
        );
        for bad in [
            "api.music.amazon.dev",
            "ftp://example.com",
            "http://x/?a=b",
            "mailto:a@b",
            "",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_values_with_forbidden_characters_are_refused() {
        let error = Client::builder()
            .api_key("k")
            .access_token("t")
            .locale("en-us\r\nx-evil: 1")
            .build()
            .expect_err("a newline in a header");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }

    #[test]
    fn an_api_key_with_characters_http_forbids_is_refused_at_build_time() {
        let error = Client::builder()
            .api_key("key\nx-evil: 1")
            .access_token("t")
            .build()
            .expect_err("a newline in the API key");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(error.to_string().contains("API key"), "{error}");
        assert!(!error.to_string().contains("x-evil"), "{error}");
    }

    #[test]
    fn debug_output_hides_the_api_key_and_token() {
        let builder = Client::builder()
            .api_key("secret-profile-id-1234")
            .access_token("Atza|secret-token-5678");
        let client = Client::builder()
            .api_key("secret-profile-id-1234")
            .access_token("Atza|secret-token-5678")
            .build()
            .expect("a client");
        for debug in [format!("{builder:?}"), format!("{client:?}")] {
            assert!(!debug.contains("secret-profile-id-1234"), "{debug}");
            assert!(!debug.contains("secret-token-5678"), "{debug}");
        }
    }

    #[test]
    fn clients_are_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        let client = Client::builder()
            .api_key("k")
            .access_token("t")
            .build()
            .expect("a client");
        let clone = client.clone();
        assert!(
            Arc::ptr_eq(&client.transport, &clone.transport),
            "clones share one transport, and so one connection pool"
        );
        assert!(Arc::ptr_eq(&client.defaults, &clone.defaults));
    }
}
