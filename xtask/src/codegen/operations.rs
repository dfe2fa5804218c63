//! The operation table, for the models crate: the `Operation` enum and what the spec says of
//! each operation. The SDK, the mock and the CLI read it; no other list of operations exists.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spec::{OperationFacts, QueryFacts, QueryKind};

/// `generated_operations.rs` of the models crate.
pub fn generate(operations: &[OperationFacts]) -> TokenStream {
    let count = operations.len();
    let variants: Vec<_> = operations
        .iter()
        .map(|operation| format_ident!("{}", operation.variant()))
        .collect();
    let docs = operations.iter().map(|operation| {
        format!(
            " `GET {}` (`{}`): {}.",
            operation.path,
            operation.operation_id,
            operation.summary.trim_end_matches('.')
        )
    });
    let rows = operations.iter().map(|operation| {
        let OperationFacts {
            operation_id,
            sdk_method,
            path,
            path_parameters,
            query_parameters,
            headers,
            summary,
            ..
        } = operation;
        let query_parameters = query_parameters.iter().map(query_parameter);
        let paging = format_ident!("{}", operation.paging.variant());
        let response = format_ident!("{}", operation.response.variant());
        let paged_groups = if operation.first_group_only {
            format_ident!("First")
        } else {
            format_ident!("All")
        };
        quote! {
            OperationSpec {
                operation_id: #operation_id,
                sdk_method: #sdk_method,
                method: "GET",
                path: #path,
                path_parameters: &[#(#path_parameters),*],
                query_parameters: &[#(#query_parameters),*],
                headers: &[#(#headers),*],
                paging: PagingStyle::#paging,
                paged_groups: CursorGroups::#paged_groups,
                response: ResponseShape::#response,
                summary: #summary,
            }
        }
    });
    quote! {
        use crate::operation::{OperationSpec, CursorGroups, PagingStyle, ParameterKind, QueryParameter, ResponseShape};

        /// One of the spec's view operations.
        ///
        /// Generated from the spec's paths, in their order; [`Operation::spec`] says what the
        /// spec says of each. `Display` and `FromStr` use the `operationId`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            #(
                #[doc = #docs]
                #variants,
            )*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: [Operation; #count] = [#(Self::#variants),*];

            /// What the spec says of this operation: its `operationId`, path, parameters
            /// (query parameters with their bounds) and paging.
            pub fn spec(self) -> &'static OperationSpec {
                &OPERATIONS[self as usize]
            }
        }

        /// The rows of the table, in the order of [`Operation`]'s variants.
        static OPERATIONS: [OperationSpec; #count] = [#(#rows),*];
    }
}

/// One query parameter of a row: its name, type, required-ness and bounds.
fn query_parameter(parameter: &QueryFacts) -> TokenStream {
    let name = &parameter.name;
    let kind = match parameter.kind {
        QueryKind::String => quote!(ParameterKind::String),
        QueryKind::Integer { int32 } => quote!(ParameterKind::Integer { int32: #int32 }),
    };
    let required = parameter.required;
    let optional = |value: Option<TokenStream>| match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    };
    let minimum = optional(parameter.minimum.map(|value| quote!(#value)));
    let maximum = optional(parameter.maximum.map(|value| quote!(#value)));
    let min_length = optional(parameter.min_length.map(|value| quote!(#value)));
    let max_length = optional(parameter.max_length.map(|value| quote!(#value)));
    quote! {
        QueryParameter {
            name: #name,
            kind: #kind,
            required: #required,
            minimum: #minimum,
            maximum: #maximum,
            min_length: #min_length,
            max_length: #max_length,
        }
    }
}
