//! Query parameters against the operation table: a value its bounds refuse, a name it does not
//! give, fail before anything is sent.

use amazon_music::Error;
use amazon_music::models::Operation;
use amazon_music_test_support::{out_of_bounds, path_arguments, send_with_query};
use wiremock::MockServer;

use crate::support::{client, mount_catch_all, request_count};

#[tokio::test]
async fn every_bound_the_table_gives_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server);
    let mut cases = 0;
    for operation in Operation::ALL {
        for parameter in operation.spec().query_parameters {
            for value in out_of_bounds(parameter) {
                let query = [(parameter.name, value.as_str())];
                match send_with_query(&client, operation, path_arguments(operation), &query).await {
                    Err(Error::InvalidRequest { message, .. }) => {
                        assert!(message.contains(parameter.name), "{message}");
                        assert!(message.starts_with(operation.operation_id()), "{message}");
                    }
                    other => panic!("{operation} {}={value:?}: {other:?}", parameter.name),
                }
                cases += 1;
            }
        }
    }
    // Every view that pages bounds its `limit` below, and some above: the table was read.
    assert!(cases > 2 * Operation::ALL.len(), "{cases} cases");
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn a_query_parameter_the_operation_does_not_take_fails_before_anything_is_sent() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server);
    for operation in Operation::ALL {
        let query = [("nonsense", "1")];
        match send_with_query(&client, operation, path_arguments(operation), &query).await {
            Err(Error::InvalidRequest { message, .. }) => {
                assert!(message.contains("\"nonsense\""), "{message}");
            }
            other => panic!("{operation}: {other:?}"),
        }
    }
    let album = [("limit", "5")];
    let refused = send_with_query(&client, Operation::Album, ["B0"], &album).await;
    assert!(
        matches!(&refused, Err(Error::InvalidRequest { message, .. }) if message.contains("it takes: none")),
        "{refused:?}"
    );
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn typed_setters_are_checked_against_the_table_too() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server);
    let home_max = Operation::Home.max_limit().expect("home bounds its limit");
    let error = client
        .home()
        .limit(home_max + 1)
        .send()
        .await
        .expect_err("past the maximum");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "invalid request: getHomeView: limit must be at most {home_max}, not {}",
            home_max + 1
        )
    );
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn a_request_type_of_the_wrong_response_shape_says_what_the_response_holds() {
    let server = MockServer::start().await;
    mount_catch_all(&server).await;
    let client = client(&server);

    let error = client
        .request::<amazon_music::pagination::SinglePage>(Operation::Search, Vec::<String>::new())
        .expect_err("the search answers several views");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("its response holds several views, not one view"),
        "{error}"
    );
    assert_eq!(request_count(&server).await, 0);
}
