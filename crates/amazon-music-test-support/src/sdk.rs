//! The SDK in tests: a retry policy that does not slow them down, and the call of any
//! operation of the generated table, with the path arguments the spec gives as examples.

use std::time::Duration;

use amazon_music::pagination::{EntityPages, GroupPages, SinglePage};
use amazon_music::{
    Client, Result, RetryPolicy, models::Operation, models::PagingStyle, models::View,
};

use crate::spec::parameter_example;

/// The standard policy's retries (three), waiting 1 ms, 2 ms, 4 ms (at most 5 ms), without
/// jitter.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
        .with_jitter(false)
}

/// `operation`'s path arguments: the spec's example of each of its path parameters, which the
/// project's mock serves.
pub fn path_arguments(operation: Operation) -> Vec<String> {
    operation
        .spec()
        .path_parameters
        .iter()
        .map(|name| parameter_example(operation.operation_id(), name))
        .collect()
}

/// Sends `operation` with `arguments` in its path (e.g. [`path_arguments`]) through
/// `client`'s run-time entry point, with the paging type the generated table gives it.
///
/// # Errors
/// Whatever the call ends with.
pub async fn send(
    client: &Client,
    operation: Operation,
    arguments: impl IntoIterator<Item = impl Into<String>>,
) -> Result<View> {
    match operation.spec().paging {
        PagingStyle::Groups => {
            client
                .request::<GroupPages>(operation, arguments)?
                .send()
                .await
        }
        PagingStyle::Entities => {
            client
                .request::<EntityPages>(operation, arguments)?
                .send()
                .await
        }
        PagingStyle::None => {
            client
                .request::<SinglePage>(operation, arguments)?
                .send()
                .await
        }
    }
}
