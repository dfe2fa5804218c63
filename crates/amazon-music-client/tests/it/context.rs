//! The call context reports, after each call, the response to that call and no other.

use amazon_music_client::{CallContext, Client, ClientInfo, Error};
use amazon_music_test_support::mount_catch_all;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOME: &str = "/v1/views/home";
const SONGS: &str = "/v1/views/library/songs";
const RECENT: &str = "/v1/views/recent";

/// A view response with no groups.
fn view(id: &str) -> Value {
    json!({
        "data": {
            "_type": "View",
            "id": id,
            "content": {"_type": "ViewContent", "entityGroups": []}
        }
    })
}

/// A V1 error body.
fn not_found() -> Value {
    json!({"error": {"status": "404", "code": "NOT_FOUND", "message": "No such view."}})
}

/// The value of the header `name` in the response the context recorded.
fn recorded_header(context: &CallContext, name: &str) -> Option<String> {
    let headers = context.response_headers()?;
    Some(headers.get(name)?.to_str().ok()?.to_owned())
}

/// A loopback port to serve by hand, and the base URL that reaches it.
async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    (listener, format!("http://{address}"))
}

/// Accepts one connection and reads the head of the request on it.
async fn accept_request(listener: &TcpListener) -> TcpStream {
    let (mut stream, _) = listener.accept().await.expect("a connection");
    let mut head = Vec::new();
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.expect("the request");
        assert!(read > 0, "the connection closed before the request's end");
        head.extend_from_slice(&buffer[..read]);
    }
    stream
}

/// Writes a whole JSON response, then closes the connection.
async fn answer(mut stream: TcpStream, status: &str, body: &Value) {
    let body = body.to_string();
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(response.as_bytes())
        .await
        .expect("the response written");
    stream.shutdown().await.expect("the connection closed");
}

#[tokio::test]
async fn each_call_through_one_client_reports_its_own_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(HOME))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-call", "home")
                .set_body_json(view("home")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SONGS))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-call", "songs")
                .set_body_json(not_found()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(RECENT))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("x-call", "recent")
                .set_body_string("<html><body>502 Bad Gateway</body></html>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let context = CallContext::new();
    let client = Client::new(&server.uri(), context.clone());

    client.get_home_view().send().await.expect("the home view");
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(200));
    assert_eq!(recorded_header(&context, "x-call").as_deref(), Some("home"));

    let error = client
        .get_library_songs_view()
        .send()
        .await
        .expect_err("a 404");
    assert!(matches!(error, Error::ErrorResponse(_)), "{error:?}");
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(404));
    assert_eq!(
        recorded_header(&context, "x-call").as_deref(),
        Some("songs")
    );
    assert_eq!(
        client.inner().response_status(),
        context.response_status(),
        "the client's clone of the context shares its record"
    );

    // The case the record is for: a body that does not decode, so the error has no status.
    let error = client
        .get_recently_played_view()
        .send()
        .await
        .expect_err("a 502 with an HTML body");
    assert!(
        matches!(error, Error::InvalidResponsePayload(..)),
        "{error:?}"
    );
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        recorded_header(&context, "x-call").as_deref(),
        Some("recent")
    );
    server.verify().await;
}

#[tokio::test]
async fn a_call_that_gets_no_response_does_not_report_the_previous_one() {
    let (listener, url) = listen().await;
    let server = tokio::spawn(async move {
        let stream = accept_request(&listener).await;
        answer(stream, "200 OK", &view("home")).await;
        // The listener is dropped here: the port refuses connections from now on.
    });
    let context = CallContext::new();
    let client = Client::new(&url, context.clone());

    client.get_home_view().send().await.expect("the home view");
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(200));
    server.await.expect("the server answered once and closed");

    let error = client
        .get_home_view()
        .send()
        .await
        .expect_err("a refused connection");
    assert!(matches!(error, Error::CommunicationError(_)), "{error:?}");
    assert_eq!(context.response_status(), None);
    assert!(context.response_headers().is_none());
}

#[tokio::test]
async fn a_call_under_way_reports_no_response_until_its_own_arrives() {
    let (listener, url) = listen().await;
    let (received_tx, received) = oneshot::channel();
    let (go, go_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let stream = accept_request(&listener).await;
        answer(stream, "200 OK", &view("home")).await;
        let stream = accept_request(&listener).await;
        received_tx.send(()).expect("the test waits");
        go_rx.await.expect("the test says go");
        answer(stream, "404 Not Found", &not_found()).await;
    });
    let context = CallContext::new();
    let client = Client::new(&url, context.clone());
    client.get_home_view().send().await.expect("the home view");
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(200));

    let second = client.clone();
    let call = tokio::spawn(async move { second.get_library_songs_view().send().await.err() });
    received
        .await
        .expect("the second request reached the server");
    assert_eq!(
        context.response_status(),
        None,
        "the second call is under way: the first one's status is gone"
    );
    go.send(()).expect("the server waits");
    let error = call.await.expect("the call ran").expect("a 404");
    assert!(matches!(error, Error::ErrorResponse(_)), "{error:?}");
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(404));
    server.await.expect("the server answered twice");
}

#[tokio::test]
async fn overlapping_calls_with_records_of_their_own_each_read_their_own_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(HOME))
        .and(header("x-api-key", "my-profile-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(view("home")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SONGS))
        .and(header("x-api-key", "my-profile-id"))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .expect(1)
        .mount(&server)
        .await;
    mount_catch_all(&server).await;
    let shared = CallContext::new().with_header(
        HeaderName::from_static("x-api-key"),
        HeaderValue::from_static("my-profile-id"),
    );
    let http = reqwest::Client::new();
    let (home_context, songs_context) = (shared.for_call(), shared.for_call());
    let home = Client::new_with_client(&server.uri(), http.clone(), home_context.clone());
    let songs = Client::new_with_client(&server.uri(), http, songs_context.clone());

    let (home_result, songs_result) = tokio::join!(
        home.get_home_view().send(),
        songs.get_library_songs_view().send()
    );

    assert!(home_result.is_ok(), "{home_result:?}");
    assert!(songs_result.is_err(), "{songs_result:?}");
    assert_eq!(
        home_context.response_status().map(|s| s.as_u16()),
        Some(200)
    );
    assert_eq!(
        songs_context.response_status().map(|s| s.as_u16()),
        Some(404)
    );
    assert_eq!(shared.response_status(), None, "its record is its own");
    server.verify().await;
}

#[tokio::test]
async fn a_capturing_context_records_each_body_as_received_and_the_call_still_decodes() {
    let server = MockServer::start().await;
    let home = format!(
        "{}\n",
        serde_json::to_string_pretty(&view("home")).expect("JSON")
    );
    Mock::given(method("GET"))
        .and(path(HOME))
        .respond_with(ResponseTemplate::new(200).set_body_raw(home.clone(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SONGS))
        .respond_with(ResponseTemplate::new(404).set_body_json(not_found()))
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let plain = CallContext::new();
    Client::new(&server.uri(), plain.clone())
        .get_home_view()
        .send()
        .await
        .expect("the home view");
    assert_eq!(plain.response_body(), None, "only when asked");

    let context = CallContext::new().capturing_body();
    let client = Client::new(&server.uri(), context.clone());
    let decoded = client.get_home_view().send().await.expect("the home view");
    assert_eq!(decoded.into_inner().data.id, "home");
    assert_eq!(context.response_body().as_deref(), Some(home.as_bytes()));
    assert_eq!(context.response_status().map(|s| s.as_u16()), Some(200));

    let error = client
        .get_library_songs_view()
        .send()
        .await
        .expect_err("a 404");
    assert!(matches!(error, Error::ErrorResponse(_)), "{error:?}");
    let body: Value =
        serde_json::from_slice(&context.response_body().expect("recorded")).expect("JSON");
    assert_eq!(body, not_found(), "the body of this call, not the last");
}

#[tokio::test]
async fn a_recording_context_keeps_each_request_as_it_left_and_its_timings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(HOME))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(view("home"))
                .set_delay(std::time::Duration::from_millis(20)),
        )
        .mount(&server)
        .await;
    mount_catch_all(&server).await;

    let plain = CallContext::new().capturing_body();
    Client::new(&server.uri(), plain.clone())
        .get_home_view()
        .send()
        .await
        .expect("the home view");
    assert!(plain.sent_request().is_none(), "only when asked");

    let mut key = HeaderValue::from_static("the-key");
    key.set_sensitive(true);
    let context = CallContext::new()
        .with_header(HeaderName::from_static("x-api-key"), key)
        .recording_requests();
    let before = std::time::SystemTime::now();
    Client::new(&server.uri(), context.clone())
        .get_home_view()
        .limit(std::num::NonZeroU32::new(3).expect("3"))
        .send()
        .await
        .expect("the home view");
    let sent = context.sent_request().expect("recorded");
    assert_eq!(sent.method, reqwest::Method::GET);
    assert_eq!(sent.url.as_str(), format!("{}{HOME}?limit=3", server.uri()));
    assert!(sent.headers["x-api-key"].is_sensitive());
    assert!(sent.headers.get("api-version").is_none(), "as it left");
    assert!(sent.started >= before);
    assert!(sent.wait.expect("a response came") >= std::time::Duration::from_millis(20));
    assert!(sent.receive.is_some(), "the body was read whole");
    assert_eq!(sent.response_version, Some(reqwest::Version::HTTP_11));
    assert!(
        context.response_body().is_some(),
        "recording implies the body"
    );
}
