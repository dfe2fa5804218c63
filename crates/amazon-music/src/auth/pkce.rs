//! Authorization code with PKCE: the login for apps that can open a browser and receive the
//! redirect.
//!
//! The PKCE verifier (32 random bytes from the operating system, base64url: 43 characters),
//! its S256 challenge (RFC 7636) and the `state` (16 random bytes) are made here; the code
//! exchange is one form POST through [`exchange`](super::exchange).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tracing::debug;
use url::Url;

use super::Redacted;
use super::Tokens;
use super::advice::endpoint_error;
use super::settings::{Endpoint, EndpointConfig, parse_url, required, required_scopes, setters};
use crate::{Error, Result};

/// Login with Amazon's authorize page, where the user logs in and consents.
pub const DEFAULT_AUTHORIZE_URL: &str = "https://www.amazon.com/ap/oa";

/// One login with the authorization code grant and PKCE: the URL to send the user to, and the
/// code exchange once they come back.
///
/// The authorize URL carries a fresh PKCE challenge (S256) and `state`; the exchange checks
/// that the redirect brings this login's `state` back before it sends the code and the
/// verifier. Each `PkceLogin` has its own verifier and `state`: make a new one for each login.
/// `Debug` shows neither, nor the client secret.
///
/// ```no_run
/// use amazon_music::auth::{PkceLogin, scopes};
///
/// # async fn run() -> amazon_music::Result<()> {
/// let login = PkceLogin::builder()
///     .client_id("amzn1.application-oa2-client.0123")
///     .redirect_uri("http://127.0.0.1:8080/callback")
///     .scopes([scopes::CATALOG, scopes::LIBRARY_READ])
///     .build()?;
/// println!("Open {}", login.authorize_url());
/// // ... the browser comes back to http://127.0.0.1:8080/callback?code=...&state=...
/// # let redirect = String::new();
/// let tokens = login.exchange_redirect(&redirect).await?;
/// # Ok(())
/// # }
/// ```
pub struct PkceLogin {
    endpoint: Endpoint,
    redirect_uri: Url,
    authorize_url: Url,
    state: SecretString,
    verifier: SecretString,
}

impl PkceLogin {
    /// A builder; the client ID, the redirect URI and at least one scope are required.
    pub fn builder() -> PkceLoginBuilder {
        PkceLoginBuilder::default()
    }

    /// The URL to open in the user's browser: the authorize page with `response_type=code`,
    /// `client_id`, `state`, `code_challenge`, `code_challenge_method=S256`, `redirect_uri`
    /// and `scope`.
    pub fn authorize_url(&self) -> &str {
        self.authorize_url.as_str()
    }

    /// The `state` the authorize URL carries, which the redirect must bring back.
    pub fn state(&self) -> &str {
        self.state.expose_secret()
    }

    /// Exchanges the redirect's `code` for tokens, once its `state` has been checked.
    ///
    /// # Errors
    /// [`Error::Auth`] when `state` is not this login's (nothing is sent: the redirect may not
    /// come from this login) or the token endpoint refuses the code;
    /// [`Error::InvalidRequest`] when `code` is empty.
    pub async fn exchange(&self, code: &str, state: &str) -> Result<Tokens> {
        if !same(state, self.state()) {
            return Err(foreign_state());
        }
        if code.is_empty() {
            return Err(Error::invalid_request("the authorization code is empty"));
        }
        let verifier = self.verifier.expose_secret();
        let tokens = self
            .endpoint
            .request_tokens(
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("code_verifier", verifier),
                    ("redirect_uri", self.redirect_uri.as_str()),
                ],
                &[verifier, code],
            )
            .await?;
        debug!(
            expires_in_secs = tokens.expires_in.as_secs(),
            refresh_token = tokens.refresh_token.is_some(),
            "exchanged the authorization code for tokens"
        );
        Ok(tokens)
    }

    /// Reads `code` and `state` from the URL the browser was redirected to, and
    /// [`exchange`](Self::exchange)s them.
    ///
    /// # Errors
    /// [`Error::Auth`] when the redirect carries an `error` (e.g. `access_denied`, when the
    /// user declined), or as [`exchange`](Self::exchange); [`Error::InvalidRequest`] when it
    /// is not a URL or has no `code` or no `state`.
    pub async fn exchange_redirect(&self, redirect: &str) -> Result<Tokens> {
        let url = Url::parse(redirect).map_err(|error| {
            Error::invalid_request(format!("the redirect is not a URL: {error}"))
        })?;
        let parameter = |name: &str| {
            url.query_pairs()
                .find_map(|(key, value)| (key == name).then(|| value.into_owned()))
        };
        if let Some(code) = parameter("error") {
            if !same(&parameter("state").unwrap_or_default(), self.state()) {
                return Err(foreign_state());
            }
            return Err(endpoint_error(
                &code,
                parameter("error_description").as_deref(),
                &[],
            ));
        }
        let code = parameter("code")
            .ok_or_else(|| Error::invalid_request("the redirect has no `code` parameter"))?;
        let state = parameter("state")
            .ok_or_else(|| Error::invalid_request("the redirect has no `state` parameter"))?;
        self.exchange(&code, &state).await
    }
}

impl fmt::Debug for PkceLogin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut endpoint = self.authorize_url.clone();
        endpoint.set_query(None);
        formatter
            .debug_struct("PkceLogin")
            .field("client_id", &self.endpoint.client_id)
            .field(
                "client_secret",
                &self.endpoint.client_secret.as_ref().map(|_| Redacted),
            )
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("authorize_endpoint", &endpoint.as_str())
            .field("token_url", &self.endpoint.token_url.as_str())
            .field("state", &Redacted)
            .field("verifier", &Redacted)
            .finish_non_exhaustive()
    }
}

/// Configures a [`PkceLogin`].
///
/// `Debug` shows no secret.
#[derive(Default)]
pub struct PkceLoginBuilder {
    endpoint: EndpointConfig,
    redirect_uri: Option<String>,
    authorize_url: Option<String>,
}

impl PkceLoginBuilder {
    setters!(endpoint, client_secret, scopes);

    /// Where the browser is sent back to with the code; one of the security profile's allowed
    /// return URLs. Required.
    pub fn redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// The authorize page, in place of [`DEFAULT_AUTHORIZE_URL`].
    pub fn authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = Some(url.into());
        self
    }

    /// A login with a fresh PKCE verifier (S256) and `state`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the client ID, the redirect URI or every scope is
    /// missing, or a URL is not an `http` or `https` URL; [`Error::Auth`] when the operating
    /// system gives no random bytes for the verifier and `state`.
    pub fn build(mut self) -> Result<PkceLogin> {
        let scopes = std::mem::take(&mut self.endpoint.scopes);
        let endpoint = self.endpoint.build()?;
        let redirect_uri = required("redirect URI", self.redirect_uri)?;
        let redirect_uri = parse_url("redirect URI", &redirect_uri)?;
        let scopes = required_scopes(scopes)?;
        let authorize_url = self
            .authorize_url
            .unwrap_or_else(|| DEFAULT_AUTHORIZE_URL.to_owned());
        let mut authorize_url = parse_url("authorize URL", &authorize_url)?;
        let verifier = random_token::<32>()?;
        let state = random_token::<16>()?;
        authorize_url
            .query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &endpoint.client_id)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge(&verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("redirect_uri", redirect_uri.as_str())
            .append_pair("scope", &scopes.join(" "));
        Ok(PkceLogin {
            endpoint,
            redirect_uri,
            authorize_url,
            state: SecretString::from(state),
            verifier: SecretString::from(verifier),
        })
    }
}

impl fmt::Debug for PkceLoginBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("PkceLoginBuilder")
            .field("endpoint", &self.endpoint)
            .field("redirect_uri", &self.redirect_uri)
            .field("authorize_url", &self.authorize_url)
            .finish_non_exhaustive()
    }
}

/// `N` random bytes from the operating system, base64url without padding: a PKCE verifier
/// (32 bytes: 43 characters, within RFC 7636's 43 to 128) or a `state`.
///
/// # Errors
/// [`Error::Auth`] when the operating system gives no random bytes.
fn random_token<const N: usize>() -> Result<String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| {
        Error::auth(
            "the operating system gave no random bytes for the login",
            Some(Box::new(error)),
        )
    })?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 code challenge of `verifier`: base64url (no padding) of its SHA-256 (RFC 7636,
/// section 4.2).
fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The error for a redirect that does not carry this login's `state`.
fn foreign_state() -> Error {
    Error::auth(
        "the redirect's state is not this login's: ignore the redirect and log in again",
        None,
    )
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |difference, (x, y)| difference | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::auth::scopes;
    use crate::auth::test_support::{
        CLIENT_SECRET, catch_all, error_chain, field, form, test_http_client,
    };

    const REFRESH_TOKEN: &str = "Atzr|pkce-distinct-refresh-token-c0de";
    const ACCESS_TOKEN: &str = "Atza|pkce-distinct-access-token-beef";
    const REDIRECT: &str = "http://127.0.0.1:8080/callback";

    fn builder() -> PkceLoginBuilder {
        PkceLogin::builder()
            .client_id("amzn1.application-oa2-client.test")
            .redirect_uri(REDIRECT)
            .scopes([scopes::CATALOG, scopes::LIBRARY_READ])
    }

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    fn parameter(url: &str, name: &str) -> String {
        query(url)
            .into_iter()
            .find_map(|(key, value)| (key == name).then_some(value))
            .unwrap_or_else(|| panic!("{name} missing from {url}"))
    }

    async fn token_endpoint(server: &MockServer, expect: u64) {
        Mock::given(method("POST"))
            .and(path("/auth/o2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": ACCESS_TOKEN,
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": REFRESH_TOKEN,
            })))
            .expect(expect)
            .mount(server)
            .await;
        catch_all(server).await;
    }

    fn login(server: &MockServer) -> PkceLogin {
        builder()
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap()
    }

    #[test]
    fn authorize_url_carries_every_parameter() {
        let login = builder().build().unwrap();
        let url = login.authorize_url();
        assert!(url.starts_with("https://www.amazon.com/ap/oa?"), "{url}");
        let mut names: Vec<_> = query(url).into_iter().map(|(key, _)| key).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "client_id",
                "code_challenge",
                "code_challenge_method",
                "redirect_uri",
                "response_type",
                "scope",
                "state"
            ]
        );
        assert_eq!(
            parameter(url, "client_id"),
            "amzn1.application-oa2-client.test"
        );
        assert_eq!(
            parameter(url, "scope"),
            "music::catalog music::library:read"
        );
        assert_eq!(parameter(url, "response_type"), "code");
        assert_eq!(parameter(url, "redirect_uri"), REDIRECT);
        assert_eq!(parameter(url, "code_challenge_method"), "S256");
        assert_eq!(parameter(url, "code_challenge").len(), 43);
        assert_eq!(parameter(url, "state"), login.state());
    }

    #[test]
    fn authorize_url_can_be_overridden() {
        let login = builder()
            .authorize_url("http://127.0.0.1:9/ap/oa")
            .build()
            .unwrap();
        assert!(
            login
                .authorize_url()
                .starts_with("http://127.0.0.1:9/ap/oa?")
        );
    }

    #[test]
    fn each_login_has_its_own_verifier_and_state() {
        let (first, second) = (builder().build().unwrap(), builder().build().unwrap());
        assert_ne!(first.state(), second.state());
        assert_ne!(
            parameter(first.authorize_url(), "code_challenge"),
            parameter(second.authorize_url(), "code_challenge")
        );
    }

    #[tokio::test]
    async fn exchange_sends_the_verifier_that_matches_the_url_challenge() {
        let server = MockServer::start().await;
        token_endpoint(&server, 1).await;
        let login = login(&server);

        let tokens = login
            .exchange("auth-code-123", login.state())
            .await
            .unwrap();
        assert_eq!(tokens.access_token.expose_secret(), ACCESS_TOKEN);
        assert_eq!(tokens.refresh_token.unwrap().expose_secret(), REFRESH_TOKEN);
        assert_eq!(tokens.expires_in, std::time::Duration::from_secs(3600));

        let requests = server.received_requests().await.unwrap();
        let request = &requests[0];
        let mut names: Vec<_> = form(request).into_iter().map(|(key, _)| key).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "client_id",
                "code",
                "code_verifier",
                "grant_type",
                "redirect_uri"
            ]
        );
        assert_eq!(field(request, "grant_type").unwrap(), "authorization_code");
        assert_eq!(field(request, "code").unwrap(), "auth-code-123");
        assert_eq!(
            field(request, "client_id").unwrap(),
            "amzn1.application-oa2-client.test"
        );
        assert_eq!(field(request, "redirect_uri").unwrap(), REDIRECT);

        // The challenge is base64url(SHA-256(verifier)), computed here without the module's
        // helper.
        let verifier = field(request, "code_verifier").unwrap();
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert_eq!(expected, parameter(login.authorize_url(), "code_challenge"));
        assert_eq!(
            parameter(login.authorize_url(), "code_challenge_method"),
            "S256"
        );
    }

    #[tokio::test]
    async fn exchange_sends_the_client_secret_when_one_is_set() {
        let server = MockServer::start().await;
        token_endpoint(&server, 1).await;
        let login = builder()
            .client_secret(CLIENT_SECRET)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap();
        login
            .exchange("auth-code-123", login.state())
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        assert_eq!(field(&requests[0], "client_secret").unwrap(), CLIENT_SECRET);
        assert!(field(&requests[0], "code_verifier").is_some());
    }

    #[tokio::test]
    async fn state_mismatch_is_refused_without_a_request() {
        let server = MockServer::start().await;
        token_endpoint(&server, 0).await;
        let login = login(&server);
        let error = login
            .exchange("auth-code-123", "forged-state")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("state"), "{error}");
        let error = login.exchange("auth-code-123", "").await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        // The state with two of its differing characters swapped: as long, as many of each
        // character, and still not this login's.
        let mut swapped: Vec<char> = login.state().chars().collect();
        let first = swapped
            .iter()
            .position(|character| *character != swapped[0])
            .expect("a random state has two different characters");
        swapped.swap(0, first);
        let swapped: String = swapped.into_iter().collect();
        let error = login.exchange("auth-code-123", &swapped).await.unwrap_err();
        assert!(error.to_string().contains("state"), "{error}");
    }

    #[tokio::test]
    async fn exchange_redirect_reads_code_and_state_from_the_redirect() {
        let server = MockServer::start().await;
        token_endpoint(&server, 1).await;
        let login = login(&server);
        let redirect = format!(
            "{REDIRECT}?code=auth-code-123&scope=music%3A%3Acatalog&state={}",
            login.state()
        );
        let tokens = login.exchange_redirect(&redirect).await.unwrap();
        assert_eq!(tokens.access_token.expose_secret(), ACCESS_TOKEN);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(field(&requests[0], "code").unwrap(), "auth-code-123");
    }

    #[tokio::test]
    async fn redirect_with_access_denied_is_an_auth_error() {
        let server = MockServer::start().await;
        token_endpoint(&server, 0).await;
        let login = login(&server);
        let redirect = format!(
            "{REDIRECT}?error=access_denied&error_description=The+user+denied&state={}",
            login.state()
        );
        let error = login.exchange_redirect(&redirect).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("access_denied"), "{error}");

        let forged = format!("{REDIRECT}?code=auth-code-123&state=forged");
        let error = login.exchange_redirect(&forged).await.unwrap_err();
        assert!(error.to_string().contains("state"), "{error}");
        let error = login
            .exchange_redirect(&format!("{REDIRECT}?state=x"))
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }

    #[tokio::test]
    async fn refused_code_is_an_auth_error_without_secrets() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_grant",
                "error_description": "Authorization code expired",
            })))
            .expect(1)
            .mount(&server)
            .await;
        let login = builder()
            .client_secret(CLIENT_SECRET)
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap();
        let error = login
            .exchange("auth-code-123", login.state())
            .await
            .unwrap_err();
        let chain = error_chain(&error);
        assert!(chain.contains("invalid_grant"), "{chain}");
        assert!(!chain.contains(CLIENT_SECRET), "{chain}");
        assert!(!chain.contains(login.verifier.expose_secret()), "{chain}");
    }

    #[test]
    fn build_refuses_missing_settings() {
        let cases = [
            (
                PkceLogin::builder()
                    .redirect_uri(REDIRECT)
                    .scope(scopes::CATALOG),
                "client ID",
            ),
            (
                PkceLogin::builder().client_id("c").scope(scopes::CATALOG),
                "redirect URI",
            ),
            (
                PkceLogin::builder().client_id("c").redirect_uri(REDIRECT),
                "scope",
            ),
            (builder().redirect_uri("not a url"), "not a URL"),
            (
                builder().authorize_url("ftp://example.com"),
                "not an http or https URL",
            ),
        ];
        for (builder, expected) in cases {
            let error = builder.build().unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
            assert!(error.to_string().contains(expected), "{error}");
        }
    }

    #[tokio::test]
    async fn debug_of_the_login_builder_and_tokens_shows_no_secret() {
        let builder = builder().client_secret(CLIENT_SECRET);
        let debug = format!("{builder:?}");
        assert!(!debug.contains(CLIENT_SECRET), "{debug}");
        assert!(
            debug.starts_with("PkceLoginBuilder {") && debug.contains(REDIRECT),
            "the builder's Debug shows where the user is sent back to: {debug}"
        );

        let server = MockServer::start().await;
        token_endpoint(&server, 1).await;
        let login = builder
            .token_url(format!("{}/auth/o2/token", server.uri()))
            .http_client(test_http_client())
            .build()
            .unwrap();
        let debug = format!("{login:?}");
        for secret in [CLIENT_SECRET, login.verifier.expose_secret(), login.state()] {
            assert!(!debug.contains(secret), "{secret} appears in {debug}");
        }
        assert!(debug.contains("https://www.amazon.com/ap/oa"), "{debug}");

        let tokens = login
            .exchange("auth-code-123", login.state())
            .await
            .unwrap();
        let debug = format!("{tokens:?}");
        assert_eq!(
            debug,
            "Tokens { access_token: AccessToken([REDACTED]), refresh_token: Some([REDACTED]), \
             expires_in: 3600s }"
        );
    }

    #[test]
    fn the_challenge_of_rfc_7636s_example_verifier_is_its_example_challenge() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_and_state_are_base64url_of_fresh_random_bytes() {
        let login = builder().build().unwrap();
        let verifier = login.verifier.expose_secret();
        assert_eq!(verifier.len(), 43, "{verifier}");
        assert_eq!(login.state().len(), 22, "{}", login.state());
        for token in [verifier, login.state()] {
            assert!(
                token
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'),
                "{token}"
            );
        }
        assert_ne!(
            verifier,
            builder().build().unwrap().verifier.expose_secret()
        );
    }

    #[test]
    fn same_compares_whole_strings() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert!(same("", ""));
    }
}
