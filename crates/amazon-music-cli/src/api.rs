//! `amzn-music api`: any operation of the spec by its `operationId`, read from the operation
//! table the spec generates, so a new operation needs no change here.

use std::fmt::Write as _;

use amazon_music::models::{Operation, PagingStyle, ParameterKind};
use amazon_music::{AnyRequest, Client};

use crate::cli::{ApiArgs, GlobalArgs};
use crate::error::UsageError;

/// An operation, its path arguments, in path order, and its other query parameters, as the
/// command line gave them.
#[derive(Debug)]
pub struct ApiCall {
    /// The operation.
    pub operation: Operation,
    /// Its path arguments, in path order.
    pub path_arguments: Vec<String>,
    /// Its other query parameters, by the table's names.
    pub query: Vec<(&'static str, String)>,
}

/// Reads `OPERATION_ID [NAME=VALUE ...]`, the parameters as the operation table names them.
/// `limit` and `cursor` go into `global`, where the paging code reads them, as `--limit` and
/// `--cursor` would; other query parameters are checked against the table's bounds.
///
/// # Errors
/// A [`UsageError`] listing what is valid, for an unknown operation or parameter, a missing
/// path or required parameter, a parameter given twice, a `limit` that is not a whole number,
/// or a value out of its parameter's bounds.
pub fn parse(args: &ApiArgs, global: &mut GlobalArgs) -> Result<ApiCall, UsageError> {
    let name = args.operation.as_deref().unwrap_or_default();
    let operation: Operation = name.parse().map_err(|_| {
        UsageError::new(format!(
            "no operation is called {name:?}; the operations are: {}",
            Operation::ALL.map(Operation::operation_id).join(", ")
        ))
    })?;
    let spec = operation.spec();
    let mut path_arguments: Vec<Option<String>> = vec![None; spec.path_parameters.len()];
    let mut query: Vec<(&'static str, String)> = Vec::new();
    // A paged view's `limit` and `cursor` are the paging code's; every other query parameter
    // (a one-page view's `limit` too) is set on the request as given.
    let paged = operation.paging() != PagingStyle::None;
    for parameter in &args.parameters {
        let Some((key, value)) = parameter.split_once('=') else {
            return Err(UsageError::new(format!(
                "{parameter:?} is not NAME=VALUE; {operation} takes {}",
                parameters(operation)
            )));
        };
        let twice = || UsageError::new(format!("{key} is given twice"));
        if let Some(index) = spec.path_parameters.iter().position(|name| *name == key) {
            if path_arguments[index].replace(value.to_owned()).is_some() {
                return Err(twice());
            }
        } else if paged && key == "limit" && spec.query_parameter("limit").is_some() {
            let limit = value.parse().map_err(|_| {
                UsageError::new(format!("limit must be a whole number, not {value:?}"))
            })?;
            if global.limit.replace(limit).is_some() {
                return Err(twice());
            }
        } else if paged && key == "cursor" && spec.query_parameter("cursor").is_some() {
            if global.cursor.replace(value.to_owned()).is_some() {
                return Err(twice());
            }
        } else if let Some(parameter) = spec.query_parameter(key) {
            parameter
                .check_text(value)
                .map_err(|error| UsageError::new(error.to_string()))?;
            if query.iter().any(|(name, _)| *name == parameter.name) {
                return Err(twice());
            }
            query.push((parameter.name, value.to_owned()));
        } else {
            return Err(UsageError::new(format!(
                "{operation} takes no parameter {key:?}; it takes {}",
                parameters(operation)
            )));
        }
    }
    let path_arguments = path_arguments
        .into_iter()
        .zip(spec.path_parameters)
        .map(|(argument, name)| {
            argument.ok_or_else(|| {
                UsageError::new(format!(
                    "{operation} needs {name}=...; it takes {}",
                    parameters(operation)
                ))
            })
        })
        .collect::<Result<_, _>>()?;
    let given = |name: &str| {
        query.iter().any(|(given, _)| *given == name)
            || (paged && name == "limit" && global.limit.is_some())
            || (paged && name == "cursor" && global.cursor.is_some())
    };
    if let Some(missing) = spec
        .query_parameters
        .iter()
        .find(|parameter| parameter.required && !given(parameter.name))
    {
        return Err(UsageError::new(format!(
            "{operation} needs {}=...; it takes {}",
            missing.name,
            parameters(operation)
        )));
    }
    Ok(ApiCall {
        operation,
        path_arguments,
        query,
    })
}

/// The request for `call`, of the type its paging asks for.
///
/// # Errors
/// What [`Client::request`] says (nothing, for a call [`parse`] made).
pub fn request(client: &Client, call: ApiCall) -> amazon_music::Result<AnyRequest> {
    let request = client.any_request(call.operation, call.path_arguments)?;
    Ok(call
        .query
        .into_iter()
        .fold(request, |request, (name, value)| {
            request.query_parameter(name, value)
        }))
}

/// `api --list`: every operation, its parameters, how it pages and its summary.
pub fn list() -> String {
    let mut out = String::new();
    for operation in Operation::ALL {
        let spec = operation.spec();
        let paging = match spec.paging {
            PagingStyle::Groups => "pages groups",
            PagingStyle::Entities => "pages entities",
            PagingStyle::None => "one page",
        };
        let _ = writeln!(
            out,
            "{:<26} {} {}\n{:<26} {}; {paging}. {}",
            spec.operation_id,
            spec.method,
            spec.path,
            "",
            parameters(operation),
            spec.summary.trim_end_matches('.'),
        );
    }
    out
}

/// What `operation` takes, as `NAME=VALUE` words: path parameters, then query parameters,
/// optional ones in brackets, integers with their bounds (`[limit=1..10]`, or `N`).
fn parameters(operation: Operation) -> String {
    let spec = operation.spec();
    let mut words: Vec<String> = spec
        .path_parameters
        .iter()
        .map(|name| format!("{name}=..."))
        .collect();
    for parameter in spec.query_parameters {
        let value = match (parameter.kind, parameter.minimum, parameter.maximum) {
            (ParameterKind::Integer { .. }, Some(min), Some(max)) => format!("{min}..{max}"),
            (ParameterKind::Integer { .. }, Some(min), None) => format!("{min}.."),
            (ParameterKind::Integer { .. }, ..) => "N".to_owned(),
            _ => "...".to_owned(),
        };
        let word = format!("{}={value}", parameter.name);
        words.push(if parameter.required {
            word
        } else {
            format!("[{word}]")
        });
    }
    if words.is_empty() {
        "no parameters".to_owned()
    } else {
        words.join(" ")
    }
}
