//! On the wire: responses are asked for gzip-compressed and decoded, and HTTP/2 is used where
//! the server offers it (over TLS, by ALPN). The TLS server runs here, on loopback, with the
//! self-signed test certificate in `tests/data/` (for `localhost` and `127.0.0.1`, made for
//! these tests only).

use std::io::Write;
use std::sync::{Arc, Mutex};

use amazon_music::Client;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{ACCESS_TOKEN, API_KEY, builder, single_group_page, track};

const CERT: &[u8] = include_bytes!("../data/localhost-cert.pem");
const KEY: &[u8] = include_bytes!("../data/localhost-key.pem");

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compressing");
    encoder.finish().expect("compressed")
}

#[tokio::test]
async fn responses_are_asked_for_gzipped_and_decoded() {
    let server = MockServer::start().await;
    let page =
        serde_json::to_vec(&single_group_page((0..50).map(track).collect(), None)).expect("JSON");
    Mock::given(method("GET"))
        .and(header("accept-encoding", "gzip"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .insert_header("content-type", "application/json")
                .set_body_bytes(gzip(&page)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let view = builder(&server.uri())
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect("a decoded page");
    assert_eq!(view.content.entity_groups[0].content.entities.len(), 50);
    server.verify().await;
}

/// What the TLS server saw of each request: its HTTP version and `accept-encoding`.
type Seen = Arc<Mutex<Vec<(hyper::Version, Option<String>)>>>;

/// Serves a page of songs over TLS (ALPN `h2` and `http/1.1`), gzipped when asked; returns the
/// port and what it saw.
async fn tls_server() -> (u16, Seen) {
    let certs = vec![CertificateDer::from_pem_slice(CERT).expect("the test certificate")];
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("the test key");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("a TLS config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let port = listener.local_addr().expect("an address").port();
    let seen = Seen::default();
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, record) = (acceptor.clone(), record.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else {
                    return;
                };
                let service = hyper::service::service_fn(move |request: Request<_>| {
                    let record = record.clone();
                    async move {
                        let encoding = request
                            .headers()
                            .get("accept-encoding")
                            .and_then(|value| value.to_str().ok())
                            .map(str::to_owned);
                        let gzipped = encoding
                            .as_deref()
                            .is_some_and(|value| value.contains("gzip"));
                        record
                            .lock()
                            .expect("not poisoned")
                            .push((request.version(), encoding));
                        let page = serde_json::to_vec(&single_group_page(vec![track(1)], None))
                            .expect("JSON");
                        let mut response = Response::builder()
                            .status(200)
                            .header("content-type", "application/json");
                        let body = if gzipped {
                            response = response.header("content-encoding", "gzip");
                            gzip(&page)
                        } else {
                            page
                        };
                        response.body(Full::new(Bytes::from(body)))
                    }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            });
        }
    });
    (port, seen)
}

#[tokio::test]
async fn http2_is_used_where_the_server_offers_it() {
    let (port, seen) = tls_server().await;
    // The SDK's own client knows no test certificate: a client that accepts it, with the
    // SDK's redirect policy, and the SDK's `reqwest` features (gzip, HTTP/2).
    let http = reqwest::Client::builder()
        .tls_danger_accept_invalid_certs(true)
        .redirect(amazon_music::http::same_origin_redirects())
        .build()
        .expect("an HTTP client");
    let client = Client::builder()
        .api_key(API_KEY)
        .access_token(ACCESS_TOKEN)
        .base_url(format!("https://127.0.0.1:{port}"))
        .http_client(http)
        .build()
        .expect("a client");
    client.library_songs().send().await.expect("a page");
    client.library_songs().send().await.expect("another page");
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for (version, encoding) in seen {
        assert_eq!(version, hyper::Version::HTTP_2);
        assert!(
            encoding
                .as_deref()
                .is_some_and(|value| value.contains("gzip")),
            "{encoding:?}"
        );
    }
}

#[tokio::test]
async fn locale_and_image_style_go_out_from_the_client_default_or_the_request() {
    let server = MockServer::start().await;
    for (language, style) in [("de-de", "SL500"), ("ja-jp", "SL160")] {
        Mock::given(method("GET"))
            .and(header("accept-language", language))
            .and(header("amzn-image-style", style))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    crate::support::mount_catch_all(&server).await;
    let client = builder(&server.uri())
        .locale("de-de")
        .image_style("SL500")
        .build()
        .expect("a client");
    client
        .library_songs()
        .send()
        .await
        .expect("the client's defaults");
    client
        .library_songs()
        .locale("ja-jp")
        .image_style("SL160")
        .send()
        .await
        .expect("the request's own, over the defaults");
    server.verify().await;

    let plain = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(single_group_page(vec![], None)))
        .mount(&plain)
        .await;
    builder(&plain.uri())
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect("a page");
    let request = &plain.received_requests().await.expect("recording is on")[0];
    assert!(request.headers.get("accept-language").is_none());
    assert!(request.headers.get("amzn-image-style").is_none());
}

#[tokio::test]
async fn a_custom_user_agent_replaces_the_default() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("user-agent", "my-app/2.1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(single_group_page(vec![], None)))
        .expect(1)
        .mount(&server)
        .await;
    crate::support::mount_catch_all(&server).await;
    builder(&server.uri())
        .user_agent("my-app/2.1")
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect("a page");
    server.verify().await;
}

#[tokio::test]
async fn the_default_client_speaks_tls_and_refuses_a_certificate_it_does_not_trust() {
    let (port, seen) = tls_server().await;
    // The SDK's own HTTP client (rustls with ring and the platform's verifier, by default):
    // the self-signed test certificate is in no trust store, so no request may get through.
    let error = Client::builder()
        .api_key(API_KEY)
        .access_token(ACCESS_TOKEN)
        .base_url(format!("https://127.0.0.1:{port}"))
        .retry_policy(amazon_music::RetryPolicy::disabled())
        .build()
        .expect("a client")
        .library_songs()
        .send()
        .await
        .expect_err("an untrusted certificate");
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(chain.to_lowercase().contains("certificate"), "{chain}");
    assert!(seen.lock().expect("not poisoned").is_empty());
}
