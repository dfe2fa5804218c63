//! The SDK's generated surface (`crates/amazon-music/src/generated.rs`): one `Client` method per
//! operation, and one `blocking::Client` method per operation behind the `blocking` feature,
//! the call of each operation of the generated client, and the `models` module that re-exports
//! every model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spec::{OperationFacts, QueryFacts, QueryKind, ResponseShape, snake_case};

/// `generated.rs` of the `amazon-music` crate. `models` are the public types of the models
/// crate, each re-exported by name.
pub fn generate(operations: &[OperationFacts], models: &[String]) -> TokenStream {
    let models: Vec<_> = models.iter().map(|name| format_ident!("{name}")).collect();
    let methods = operations.iter().map(method);
    let blocking_methods = operations.iter().map(blocking_method);
    let setters = all_setters(operations);
    let dispatchers = [ResponseShape::View, ResponseShape::Views]
        .into_iter()
        .map(|shape| dispatcher(operations, shape));
    quote! {
        use crate::Client;
        use crate::pagination::{EntityPages, GroupPages, SinglePage, ViewList};
        use crate::transport::Generated;
        use crate::options::{QueryValue, RequestOptions};
        use crate::request::ViewRequest;

        use amazon_music_models::{Operation, ViewListResponse, ViewResponse};

        /// The API's models and the operation table, generated from the spec into
        /// `amazon-music-models` and re-exported here by name.
        pub mod models {
            #[doc(inline)]
            pub use amazon_music_models::{#(#models),*};
        }

        /// The views, one method each, generated from the spec's operations.
        impl Client {
            #(#methods)*
        }

        /// The views of the blocking client, one method each, generated from the spec's
        /// operations: each wraps the async client's method of the same name.
        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #(#blocking_methods)*
        }

        #setters

        #(#dispatchers)*
    }
}

/// The function that calls the operations whose `200` is of `shape` on the generated client:
/// `dispatch_view` or `dispatch_view_list`, a match with an arm for each (and an error for
/// any other operation).
fn dispatcher(operations: &[OperationFacts], shape: ResponseShape) -> TokenStream {
    let (name, envelope, what) = match shape {
        ResponseShape::View => (
            format_ident!("dispatch_view"),
            format_ident!("ViewResponse"),
            "one view",
        ),
        ResponseShape::Views => (
            format_ident!("dispatch_view_list"),
            format_ident!("ViewListResponse"),
            "several views",
        ),
    };
    let doc = format!(
        " Calls `operation`, one whose `200` holds {what}, on the generated client, with the request's options."
    );
    let arms: Vec<TokenStream> = operations
        .iter()
        .filter(|operation| operation.response == shape)
        .map(dispatch_arm)
        .collect();
    // A spec with no operation of this shape leaves the match its fallback alone.
    let allow = arms
        .is_empty()
        .then(|| quote!(#[allow(clippy::match_single_binding)]));
    quote! {
        #[doc = #doc]
        pub(crate) async fn #name(
            client: amazon_music_client::Client,
            operation: Operation,
            options: &RequestOptions,
        ) -> Generated<#envelope> {
            #allow
            match operation {
                #(#arms)*
                other => ::std::result::Result::Err(amazon_music_client::Error::InvalidRequest(
                    ::std::format!("{other}: this version of the SDK cannot call it as {}", #what),
                )),
            }
        }
    }
}

/// One `Client` method: named by the table, its path parameters as arguments, in path order,
/// then its required query parameters, in the spec's order.
fn method(operation: &OperationFacts) -> TokenStream {
    let name = format_ident!("{}", operation.sdk_method);
    let variant = format_ident!("{}", operation.variant());
    let request_type = format_ident!("{}", operation.request_type());
    let arguments = arguments(operation);
    let required: Vec<&QueryFacts> = required(operation).collect();
    let required_arguments = required.iter().map(|parameter| {
        let argument = format_ident!("{}", parameter.rust_name());
        let rust_type = argument_type(parameter);
        quote!(#argument: #rust_type)
    });
    let required_values = required.iter().map(|parameter| {
        let name = &parameter.name;
        let value = query_value(parameter);
        quote!(.with_query(#name, #value))
    });
    let docs = docs(operation);
    quote! {
        #(#[doc = #docs])*
        pub fn #name(&self, #(#arguments: impl ::std::convert::Into<::std::string::String>,)* #(#required_arguments),*) -> ViewRequest<#request_type> {
            ViewRequest::new(self, Operation::#variant, ::std::vec![#(#arguments.into()),*])#(#required_values)*
        }
    }
}

/// One `blocking::Client` method: the async client's method of the same name, wrapped.
fn blocking_method(operation: &OperationFacts) -> TokenStream {
    let name = format_ident!("{}", operation.sdk_method);
    let request_type = format_ident!("{}", operation.request_type());
    let arguments = arguments(operation);
    let required: Vec<&QueryFacts> = required(operation).collect();
    let required_names: Vec<_> = required
        .iter()
        .map(|parameter| format_ident!("{}", parameter.rust_name()))
        .collect();
    let required_types = required.iter().map(|parameter| argument_type(parameter));
    let docs = docs(operation);
    quote! {
        #(#[doc = #docs])*
        pub fn #name(&self, #(#arguments: impl ::std::convert::Into<::std::string::String>,)* #(#required_names: #required_types),*) -> crate::blocking::ViewRequest<#request_type> {
            self.wrap(self.inner().#name(#(#arguments,)* #(#required_names),*))
        }
    }
}

/// An operation's required query parameters, in the spec's order.
fn required(operation: &OperationFacts) -> impl Iterator<Item = &QueryFacts> {
    operation
        .query_parameters
        .iter()
        .filter(|parameter| parameter.required)
}

/// The Rust type a setter or method takes for a query parameter: a string as anything
/// `Into<String>`; an `int32` that cannot be negative as `u32`, another as `i32`; an `int64`
/// as `i64`.
fn argument_type(parameter: &QueryFacts) -> TokenStream {
    match parameter.kind {
        QueryKind::String => quote!(impl ::std::convert::Into<::std::string::String>),
        QueryKind::Integer { int32: true }
            if parameter.minimum.is_some_and(|minimum| minimum >= 0) =>
        {
            quote!(::std::primitive::u32)
        }
        QueryKind::Integer { int32: true } => quote!(::std::primitive::i32),
        QueryKind::Integer { int32: false } => quote!(::std::primitive::i64),
    }
}

/// The `QueryValue` of the argument that carries `parameter`.
fn query_value(parameter: &QueryFacts) -> TokenStream {
    let argument = format_ident!("{}", parameter.rust_name());
    match parameter.kind {
        QueryKind::String => quote!(QueryValue::Text(#argument.into())),
        QueryKind::Integer { .. } => {
            quote!(QueryValue::Integer(::std::primitive::i64::from(#argument)))
        }
    }
}

/// The SDK's request types, in the order their setters are written.
const REQUEST_TYPES: [&str; 4] = ["GroupPages", "EntityPages", "SinglePage", "ViewList"];

/// Where a group of setters is implemented: on the requests of every view that pages (the
/// `Paged` trait's), or on those of one request type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `impl<P: Paged> ViewRequest<P>`: views of `x-paging: groups` and `entities`.
    Paged,
    /// `impl ViewRequest<...>` of this request type alone.
    Only(&'static str),
}

impl Target {
    /// Whether the requests of `operation` have this target's setters.
    fn covers(self, operation: &OperationFacts) -> bool {
        let request_type = operation.request_type();
        match self {
            Self::Paged => request_type == "GroupPages" || request_type == "EntityPages",
            Self::Only(only) => only == request_type,
        }
    }
}

/// The setters of every optional query parameter, on the async requests and the blocking
/// ones: on every paged request where the views of both pagings take it (`cursor`,
/// `limit`), else on the requests of each request type whose operations take it. A parameter
/// that only some operations of a request type take is refused before sending by the others.
fn all_setters(operations: &[OperationFacts]) -> TokenStream {
    let mut targets: Vec<(Target, Vec<&QueryFacts>)> = Vec::new();
    let mut names: Vec<&QueryFacts> = Vec::new();
    for parameter in operations
        .iter()
        .flat_map(|operation| &operation.query_parameters)
        .filter(|parameter| !parameter.required)
    {
        if !names.iter().any(|known| known.name == parameter.name) {
            names.push(parameter);
        }
    }
    for parameter in names {
        let request_types: Vec<&'static str> = REQUEST_TYPES
            .into_iter()
            .filter(|request_type| {
                operations.iter().any(|operation| {
                    operation.request_type() == *request_type
                        && own(operation, &parameter.name).is_some()
                })
            })
            .collect();
        let paged = request_types.contains(&"GroupPages") && request_types.contains(&"EntityPages");
        let mut wanted: Vec<Target> = Vec::new();
        if paged {
            wanted.push(Target::Paged);
        }
        for request_type in request_types {
            if !(paged && (request_type == "GroupPages" || request_type == "EntityPages")) {
                wanted.push(Target::Only(request_type));
            }
        }
        for target in wanted {
            match targets.iter_mut().find(|(known, _)| *known == target) {
                Some((_, parameters)) => parameters.push(parameter),
                None => targets.push((target, vec![parameter])),
            }
        }
    }
    targets
        .into_iter()
        .map(|(target, parameters)| setters(operations, target, &parameters))
        .collect()
}

/// The setters of `parameters` on the requests of `target`, async and blocking.
fn setters(
    operations: &[OperationFacts],
    target: Target,
    parameters: &[&QueryFacts],
) -> TokenStream {
    let (generics, request_type) = match target {
        Target::Paged => (quote!(<P: crate::pagination::Paged>), quote!(P)),
        Target::Only(request_type) => {
            let request_type = format_ident!("{request_type}");
            (TokenStream::new(), quote!(#request_type))
        }
    };
    let covered: Vec<&OperationFacts> = operations
        .iter()
        .filter(|operation| target.covers(operation))
        .collect();
    let docs: Vec<Vec<String>> = parameters
        .iter()
        .map(|parameter| setter_docs(parameter, &covered))
        .collect();
    let names: Vec<_> = parameters
        .iter()
        .map(|parameter| format_ident!("{}", parameter.rust_name()))
        .collect();
    let types: Vec<_> = parameters
        .iter()
        .map(|parameter| argument_type(parameter))
        .collect();
    let values = parameters.iter().map(|parameter| query_value(parameter));
    let query_names = parameters.iter().map(|parameter| &parameter.name);
    quote! {
        /// The setters of the query parameters these views take, generated from the spec.
        impl #generics ViewRequest<#request_type> {
            #(
                #(#[doc = #docs])*
                pub fn #names(self, #names: #types) -> Self {
                    self.with_query(#query_names, #values)
                }
            )*
        }

        /// The setters of the query parameters these views take, generated from the spec:
        /// each sets the async request's.
        #[cfg(feature = "blocking")]
        impl #generics crate::blocking::ViewRequest<#request_type> {
            #(
                #(#[doc = #docs])*
                pub fn #names(self, #names: #types) -> Self {
                    self.map(|request| request.#names(#names))
                }
            )*
        }
    }
}

/// The doc lines of a query parameter's setter on the requests of the `covered` operations:
/// the first sentence of its description, its bounds on each that takes it, and those that do
/// not.
fn setter_docs(parameter: &QueryFacts, covered: &[&OperationFacts]) -> Vec<String> {
    let takers: Vec<&OperationFacts> = covered
        .iter()
        .copied()
        .filter(|operation| own(operation, &parameter.name).is_some())
        .collect();
    // The first sentence of its description, where every operation that takes it says the same.
    let sentences: Vec<String> = takers
        .iter()
        .filter_map(|operation| own(operation, &parameter.name))
        .map(|own| first_sentence(&own.description))
        .collect();
    let mut first = format!("Sets the `{}` query parameter.", parameter.name);
    if sentences.windows(2).all(|pair| pair[0] == pair[1])
        && let Some(sentence) = sentences.first()
    {
        first = format!("{first} {sentence}");
    } else {
        first = format!("{first} The views say it differently: see each view's method.");
    }
    let mut docs = wrap(&first);
    let mut bounds: Vec<(String, Vec<&str>)> = Vec::new();
    for operation in &takers {
        let Some(own) = own(operation, &parameter.name).and_then(QueryFacts::bounds) else {
            continue;
        };
        match bounds.iter_mut().find(|(known, _)| *known == own) {
            Some((_, ids)) => ids.push(&operation.operation_id),
            None => bounds.push((own, vec![&operation.operation_id])),
        }
    }
    let mut details = Vec::new();
    if let [(only, ids)] = &bounds[..]
        && ids.len() == takers.len()
    {
        details.push(format!("Bounds: {only}."));
    } else {
        for (words, ids) in &bounds {
            let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
            details.push(format!("Bounds on {}: {words}.", ids.join(", ")));
        }
    }
    let others: Vec<String> = covered
        .iter()
        .filter(|operation| own(operation, &parameter.name).is_none())
        .map(|operation| format!("`{}`", operation.operation_id))
        .collect();
    if !others.is_empty() {
        details.push(format!("Not taken by {}.", others.join(", ")));
    }
    if !details.is_empty() {
        details.push("Checked before anything is sent.".to_owned());
        docs.push(String::new());
        docs.extend(wrap(&details.join(" ")));
    }
    docs
}

/// The query parameter `name` of `operation`.
fn own<'a>(operation: &'a OperationFacts, name: &str) -> Option<&'a QueryFacts> {
    operation
        .query_parameters
        .iter()
        .find(|parameter| parameter.name == name)
}

/// The first sentence of `text`, its whitespace collapsed.
fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_owned(),
        None => text,
    }
}

/// `text` as doc lines of at most about 90 characters, each starting with a space.
fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() > 90 {
            lines.push(std::mem::take(&mut line));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// An operation's path parameters, as argument names, in path order.
fn arguments(operation: &OperationFacts) -> Vec<proc_macro2::Ident> {
    operation
        .path_parameters
        .iter()
        .map(|parameter| format_ident!("{}", snake_case(parameter)))
        .collect()
}

/// The doc lines of an operation's method: its summary, its description, and its path and
/// paging.
fn docs(operation: &OperationFacts) -> Vec<String> {
    let mut docs: Vec<String> = vec![format!(" {}.", operation.summary.trim_end_matches('.'))];
    docs.push(String::new());
    docs.extend(
        operation
            .description
            .trim()
            .lines()
            .map(|line| format!(" {line}")),
    );
    docs.push(String::new());
    docs.push(format!(
        " `GET {}` (`{}`); {}.",
        operation.path,
        operation.operation_id,
        operation.paging.describe()
    ));
    docs
}

/// The call of one operation: its path parameters in order, then the query parameters and
/// headers the operation takes and the request sets.
fn dispatch_arm(operation: &OperationFacts) -> TokenStream {
    let variant = format_ident!("{}", operation.variant());
    let client_method = format_ident!("{}", operation.client_method());
    let path_setters = operation
        .path_parameters
        .iter()
        .enumerate()
        .map(|(index, parameter)| {
            let setter = format_ident!("{}", snake_case(parameter));
            quote!(.#setter(options.path_argument(#index)))
        });
    let query = operation.query_parameters.iter().map(|parameter| {
        let name = &parameter.name;
        let setter = format_ident!("{}", parameter.rust_name());
        let getter = match parameter.kind {
            QueryKind::String => format_ident!("query_text"),
            QueryKind::Integer { .. } => format_ident!("query_integer"),
        };
        quote! {
            if let ::std::option::Option::Some(value) = options.#getter(#name) {
                builder = builder.#setter(value);
            }
        }
    });
    let headers = operation.headers.iter().map(|parameter| {
        let setter = format_ident!("{}", snake_case(parameter));
        let getter = match parameter.as_str() {
            "Accept-Language" => format_ident!("locale"),
            "amzn-image-style" => format_ident!("image_style"),
            other => format_ident!("{}", snake_case(other)),
        };
        quote! {
            if let ::std::option::Option::Some(value) = options.#getter() {
                builder = builder.#setter(value);
            }
        }
    });
    quote! {
        Operation::#variant => {
            #[allow(unused_mut)]
            let mut builder = client.#client_method()#(#path_setters)*;
            #(#query)*
            #(#headers)*
            builder.send().await
        }
    }
}
