//! `amzn-music api`: any operation of the spec by its `operationId`, read from the operation
//! table the spec generates, so a new operation needs no change here.

use std::fmt::Write as _;

use amazon_music::pagination::{EntityPages, GroupPages, SinglePage};
use amazon_music::{Client, Operation, PagingStyle, ViewRequest};

use crate::cli::{ApiArgs, GlobalArgs};
use crate::error::UsageError;

/// A request for one view, whatever its paging.
pub enum AnyRequest {
    Groups(ViewRequest<GroupPages>),
    Entities(ViewRequest<EntityPages>),
    Single(ViewRequest<SinglePage>),
}

/// An operation and its path arguments, in path order, as the command line gave them.
#[derive(Debug)]
pub struct ApiCall {
    /// The operation.
    pub operation: Operation,
    /// Its path arguments, in path order.
    pub path_arguments: Vec<String>,
}

/// The page size where the spec gives no largest one: what `--all`, `--max-items` and `export`
/// ask for there.
const LARGEST_UNBOUNDED_PAGE: u32 = 100;

/// The largest page `operation` allows: what `--all`, `--max-items` and `export` ask for unless
/// `--limit` is given.
pub fn largest_page(operation: Operation) -> u32 {
    operation.max_limit().unwrap_or(LARGEST_UNBOUNDED_PAGE)
}

/// The range of `--limit` for `operation`, as help and errors show it: `1..10`, or `1..` where
/// the spec sets no largest page.
pub fn limit_range(operation: Operation) -> String {
    match operation.max_limit() {
        Some(max) => format!("1..{max}"),
        None => "1..".to_owned(),
    }
}

/// Reads `OPERATION_ID [NAME=VALUE ...]`. `limit` and `cursor` go into `global`, where the
/// paging code reads them, as `--limit` and `--cursor` would.
///
/// # Errors
/// A [`UsageError`] listing what is valid, for an unknown operation or parameter, a missing
/// path parameter, a parameter given twice, or a `limit` that is not a whole number.
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
        } else if key == "limit" && spec.query_parameters.contains(&"limit") {
            let limit = value.parse().map_err(|_| {
                UsageError::new(format!("limit must be a whole number, not {value:?}"))
            })?;
            if global.limit.replace(limit).is_some() {
                return Err(twice());
            }
        } else if key == "cursor" && spec.query_parameters.contains(&"cursor") {
            if global.cursor.replace(value.to_owned()).is_some() {
                return Err(twice());
            }
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
    Ok(ApiCall {
        operation,
        path_arguments,
    })
}

/// The request for `call`, of the type its paging asks for.
///
/// # Errors
/// What [`Client::request`] says (nothing, for a call [`parse`] made).
pub fn request(client: &Client, call: ApiCall) -> amazon_music::Result<AnyRequest> {
    let ApiCall {
        operation,
        path_arguments,
    } = call;
    Ok(match operation.paging() {
        PagingStyle::Groups => {
            AnyRequest::Groups(client.request::<GroupPages>(operation, path_arguments)?)
        }
        PagingStyle::Entities => {
            AnyRequest::Entities(client.request::<EntityPages>(operation, path_arguments)?)
        }
        PagingStyle::None => {
            AnyRequest::Single(client.request::<SinglePage>(operation, path_arguments)?)
        }
    })
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

/// What `operation` takes, as `NAME=VALUE` words: path parameters, then optional ones.
fn parameters(operation: Operation) -> String {
    let spec = operation.spec();
    let mut words: Vec<String> = spec
        .path_parameters
        .iter()
        .map(|name| format!("{name}=..."))
        .collect();
    for name in spec.query_parameters {
        words.push(match *name {
            "limit" => format!("[limit={}]", limit_range(operation)),
            name => format!("[{name}=...]"),
        });
    }
    if words.is_empty() {
        "no parameters".to_owned()
    } else {
        words.join(" ")
    }
}
