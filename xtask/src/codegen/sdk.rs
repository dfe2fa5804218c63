//! The SDK's generated surface (`crates/amazon-music/src/generated.rs`): one `Client` method per
//! operation, and one `blocking::Client` method per operation behind the `blocking` feature,
//! the call of each operation of the generated client, and the `models` module that re-exports
//! every model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spec::{OperationFacts, snake_case};

/// `generated.rs` of the `amazon-music` crate. `models` are the public types of the models
/// crate, each re-exported by name.
pub fn generate(operations: &[OperationFacts], models: &[String]) -> TokenStream {
    let models: Vec<_> = models.iter().map(|name| format_ident!("{name}")).collect();
    let methods = operations.iter().map(method);
    let blocking_methods = operations.iter().map(blocking_method);
    let arms = operations.iter().map(dispatch_arm);
    quote! {
        use crate::Client;
        use crate::pagination::{EntityPages, GroupPages, SinglePage};
        use crate::transport::Generated;
        use crate::request::{RequestOptions, ViewRequest};

        use amazon_music_models::{Operation, ViewResponse};

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

        /// Calls `operation` on the generated client, with the request's options.
        pub(crate) async fn dispatch(
            client: amazon_music_client::Client,
            operation: Operation,
            options: &RequestOptions,
        ) -> Generated<ViewResponse> {
            match operation {
                #(#arms)*
                other => ::std::result::Result::Err(amazon_music_client::Error::InvalidRequest(
                    ::std::format!("{other}: this version of the SDK cannot call it"),
                )),
            }
        }
    }
}

/// One `Client` method: named by the table, its path parameters as arguments, in path order.
fn method(operation: &OperationFacts) -> TokenStream {
    let name = format_ident!("{}", operation.sdk_method);
    let variant = format_ident!("{}", operation.variant());
    let request_type = format_ident!("{}", operation.paging.request_type());
    let arguments = arguments(operation);
    let docs = docs(operation);
    quote! {
        #(#[doc = #docs])*
        pub fn #name(&self, #(#arguments: impl ::std::convert::Into<::std::string::String>),*) -> ViewRequest<#request_type> {
            ViewRequest::new(self, Operation::#variant, ::std::vec![#(#arguments.into()),*])
        }
    }
}

/// One `blocking::Client` method: the async client's method of the same name, wrapped.
fn blocking_method(operation: &OperationFacts) -> TokenStream {
    let name = format_ident!("{}", operation.sdk_method);
    let request_type = format_ident!("{}", operation.paging.request_type());
    let arguments = arguments(operation);
    let docs = docs(operation);
    quote! {
        #(#[doc = #docs])*
        pub fn #name(&self, #(#arguments: impl ::std::convert::Into<::std::string::String>),*) -> crate::blocking::ViewRequest<#request_type> {
            self.wrap(self.inner().#name(#(#arguments),*))
        }
    }
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

/// The call of one operation: its path parameters in order, then the optional parameters the
/// operation takes and the request sets.
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
    let optional = operation
        .query_parameters
        .iter()
        .chain(&operation.headers)
        .map(|parameter| {
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
            #(#optional)*
            builder.send().await
        }
    }
}
