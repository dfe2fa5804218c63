//! IDs in the path: whatever an ID holds, a request goes to its operation's own path, with the
//! ID as exactly one segment.

use amazon_music::{Client, Error, RetryPolicy, models::Operation};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{builder, single_group_page, track};

/// Sends `operation` with `id` as its one path argument.
async fn send(client: &Client, operation: Operation, id: &str) -> amazon_music::Result<()> {
    amazon_music_test_support::send(client, operation, [id])
        .await
        .map(drop)
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            decoded.push(byte);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    decoded
}

/// The IDs no path can carry: the SDK refuses them before sending anything.
fn unsendable(id: &str) -> bool {
    matches!(id, "" | "." | "..")
}

/// Checks that the server got one request, at `template` with `id` as its parameter's segment.
fn check_request(
    template: &str,
    id: &str,
    received: &[wiremock::Request],
) -> Result<(), TestCaseError> {
    let [request] = received else {
        return Err(TestCaseError::fail(format!(
            "{} requests for {id:?}",
            received.len()
        )));
    };
    let path = request.url.path();
    let segments: Vec<&str> = path.split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    proptest::prop_assert_eq!(
        segments.len(),
        expected.len(),
        "{:?} went to {} (template {})",
        id,
        path,
        template
    );
    for (segment, expected) in segments.iter().zip(&expected) {
        if expected.starts_with('{') {
            proptest::prop_assert_eq!(
                percent_decode(segment),
                id.as_bytes().to_vec(),
                "{:?} went to {}",
                id,
                path
            );
        } else {
            proptest::prop_assert_eq!(segment, expected, "{:?} went to {}", id, path);
        }
    }
    proptest::prop_assert_eq!(request.url.query(), None, "{:?} started a query", id);
    Ok(())
}

#[test]
fn any_id_is_exactly_one_segment_of_its_operations_path() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(MockServer::start());
    let client = builder(&server.uri())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let operations: Vec<Operation> = Operation::ALL
        .into_iter()
        .filter(|operation| operation.spec().path_parameters.len() == 1)
        .collect();
    assert!(operations.len() >= 7, "{operations:?}");
    // Separators, dot-segments (plain and encoded), escapes, and anything else.
    let ids = proptest::string::string_regex(
        r"(\.|\.\.|/|\\|%|\?|#|;|&|=|\+| |~|%2[eEfF]|%5[cC]|\t|\PC|\pC){0,8}",
    )
    .expect("a valid regex");
    let mut runner = TestRunner::new(Config::with_cases(96));
    let result = runner.run(&ids, |id| {
        runtime.block_on(async {
            for &operation in &operations {
                server.reset().await;
                Mock::given(method("GET"))
                    .respond_with(
                        ResponseTemplate::new(200)
                            .set_body_json(single_group_page(vec![track(1)], None)),
                    )
                    .mount(&server)
                    .await;
                let outcome = send(&client, operation, &id).await;
                let received = server.received_requests().await.expect("recording is on");
                if unsendable(&id) {
                    proptest::prop_assert!(
                        matches!(outcome, Err(Error::InvalidRequest { .. })),
                        "{:?}: {:?}",
                        id,
                        outcome
                    );
                    proptest::prop_assert!(received.is_empty(), "{:?} was sent", id);
                } else {
                    outcome.map_err(|error| TestCaseError::fail(format!("{id:?}: {error:?}")))?;
                    check_request(operation.path_template(), &id, &received)?;
                }
            }
            Ok(())
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

#[tokio::test]
async fn a_backslash_and_dot_segments_do_not_reach_another_view() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().expect("a client");
    for id in [
        "..\\library",
        "..\\..\\v1\\views\\home",
        "./..",
        "%2e%2e",
        "a\\b",
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(single_group_page(vec![track(1)], None)),
            )
            .mount(&server)
            .await;
        client.album(id).send().await.expect("sent");
        let received = server.received_requests().await.expect("recording is on");
        check_request("/v1/views/albums/{id}", id, &received).expect("one segment");
    }
}

#[tokio::test]
async fn a_request_with_the_wrong_number_of_path_arguments_is_refused_before_sending() {
    let server = MockServer::start().await;
    amazon_music_test_support::mount_catch_all(&server).await;
    let client = builder(&server.uri()).build().expect("a client");
    for arguments in [vec![], vec!["P1", "P2"]] {
        let count = arguments.len();
        let refused = client.any_request(Operation::Playlist, arguments);
        let Err(error @ Error::InvalidRequest { .. }) = refused else {
            panic!("{count} arguments: {:?}", refused.map(drop));
        };
        assert!(
            error
                .to_string()
                .contains(&format!("takes 1 path argument(s) (id), not {count}")),
            "{error}"
        );
    }
    assert!(client.any_request(Operation::Playlist, ["P1"]).is_ok());
    assert_eq!(amazon_music_test_support::request_count(&server).await, 0);
}
