//! The SDK in tests: a retry policy that does not slow them down, and the call of any
//! operation of the generated table, with the path arguments the spec gives as examples.

use std::time::Duration;

use amazon_music::{
    Client, Result, RetryPolicy,
    models::{Operation, ParameterKind, QueryParameter, View},
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

/// Sends `operation` with `arguments` in its path (e.g. [`path_arguments`]) and its required
/// query parameters set to the spec's examples, through `client`'s run-time entry point
/// ([`Client::any_request`]): the views of its response.
///
/// # Errors
/// Whatever the call ends with.
pub async fn send(
    client: &Client,
    operation: Operation,
    arguments: impl IntoIterator<Item = impl Into<String>>,
) -> Result<Vec<View>> {
    send_with_query(client, operation, arguments, &[]).await
}

/// [`send`], with the query parameters `query` set by name, as text (over the examples of the
/// required ones).
///
/// # Errors
/// Whatever the call ends with.
pub async fn send_with_query(
    client: &Client,
    operation: Operation,
    arguments: impl IntoIterator<Item = impl Into<String>>,
    query: &[(&str, &str)],
) -> Result<Vec<View>> {
    let required: Vec<(&str, String)> = operation
        .spec()
        .query_parameters
        .iter()
        .filter(|parameter| parameter.required)
        .map(|parameter| {
            let example = parameter_example(operation.operation_id(), parameter.name);
            (parameter.name, example)
        })
        .collect();
    let request = required.iter().fold(
        client.any_request(operation, arguments)?,
        |request, (name, value)| request.query_parameter(*name, value.as_str()),
    );
    query
        .iter()
        .fold(request, |request, (name, value)| {
            request.query_parameter(*name, *value)
        })
        .send()
        .await
}

/// Values that break `parameter`'s type or bounds as the operation table gives them: one past
/// each bound, and for an integer, text that is not one. Empty for a string without bounds.
pub fn out_of_bounds(parameter: &QueryParameter) -> Vec<String> {
    let mut values = Vec::new();
    if let ParameterKind::Integer { int32 } = parameter.kind {
        values.extend(["ten", "2.5", ""].map(str::to_owned));
        values.extend(parameter.minimum.map(|minimum| (minimum - 1).to_string()));
        values.extend(parameter.maximum.map(|maximum| (maximum + 1).to_string()));
        if int32 {
            values.push((i64::from(i32::MAX) + 1).to_string());
        }
    }
    let text = |length: u64| "x".repeat(usize::try_from(length).unwrap_or(0));
    values.extend(
        parameter
            .min_length
            .filter(|length| *length > 0)
            .map(|length| text(length - 1)),
    );
    values.extend(parameter.max_length.map(|length| text(length + 1)));
    values
}

/// A value within `parameter`'s bounds: its `minimum` (or 1), or a string of its
/// `minLength` (at least one character).
pub fn in_bounds(parameter: &QueryParameter) -> String {
    match parameter.kind {
        ParameterKind::Integer { .. } => parameter.minimum.unwrap_or(1).to_string(),
        _ => "x".repeat(
            parameter
                .min_length
                .and_then(|length| usize::try_from(length).ok())
                .unwrap_or(1)
                .max(1),
        ),
    }
}
