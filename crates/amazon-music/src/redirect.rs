//! Which redirects the API client follows: those that stay on the origin the request went to.

use reqwest::Url;
use reqwest::redirect::Policy;

/// How many redirects one request follows at most.
const MAX_REDIRECTS: usize = 5;

/// The redirect policy of the client the SDK builds: a redirect is followed only when it stays
/// on the origin (scheme, host and port) of the request's first URL, which is always the base
/// URL's, and at most five in a row. Any other redirect, to another host, another port, or from
/// `https` to `http`, is not followed: the call ends with [`Error::Api`](crate::Error::Api)
/// and the `3xx` status, and neither `x-api-key` nor `Authorization` leaves the base URL's
/// origin.
///
/// A client given with [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) keeps
/// its own policy: build it with this one (or `Policy::none()`), since `reqwest`'s default
/// follows redirects to any host and strips `Authorization` but not `x-api-key`.
///
/// ```
/// let http = reqwest::Client::builder()
///     .redirect(amazon_music::http::same_origin_redirects())
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let first = attempt.previous().first();
        let follow = attempt.previous().len() <= MAX_REDIRECTS
            && first.is_some_and(|first| same_origin(first, attempt.url()));
        if follow {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Whether `next` is on the origin of `first`: the same scheme, host and port.
pub(crate) fn same_origin(first: &Url, next: &Url) -> bool {
    first.scheme() == next.scheme()
        && first.host_str() == next.host_str()
        && first.port_or_known_default() == next.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn only_the_same_scheme_host_and_port_is_the_same_origin() {
        let base = url("https://api.music.amazon.dev/v1/views/home");
        assert!(same_origin(
            &base,
            &url("https://api.music.amazon.dev/v1/views/home/")
        ));
        assert!(same_origin(
            &base,
            &url("https://api.music.amazon.dev:443/other")
        ));
        for other in [
            "http://api.music.amazon.dev/v1/views/home",
            "https://api.music.amazon.dev:8443/v1/views/home",
            "https://evil.example/v1/views/home",
            "https://api.music.amazon.dev.evil.example/v1/views/home",
            "https://127.0.0.2/v1/views/home",
        ] {
            assert!(!same_origin(&base, &url(other)), "{other}");
        }
    }
}
