//! `proptest`'s `Arbitrary` for the models, behind the models crate's `proptest` feature.
//!
//! Every generated struct and enum derives it (`proptest-derive`). A field whose type has no
//! `Arbitrary`, or whose values need a shape of their own to survive JSON, is pointed at a
//! strategy of the models crate's `arbitrary` module, chosen by the field's type alone: no
//! model or field is named here. The one exception comes from the spec too: the string types
//! progenitor makes for bounded string query parameters get text of the lengths they take.
//! The `every_model!` macro lists every model, so that a test can cover each one without a
//! list of its own.

use quote::ToTokens;

use super::spec::{OperationFacts, QueryKind, upper_camel_case};

/// The feature that turns all of this on.
const FEATURE: &str = "proptest";

/// The models crate's module of strategies.
const STRATEGIES: &str = "crate::arbitrary";

/// A string type that progenitor makes for a query parameter with a `minLength` or
/// `maxLength` (its `FromStr` refuses other lengths): the type's name and the bounds.
#[derive(Debug, PartialEq, Eq)]
pub struct BoundedString {
    /// The type: the `operationId` and the parameter's name in upper camel case
    /// (`GetSearchViewQuery`), as progenitor names it.
    pub name: String,
    /// The fewest characters.
    pub min_length: u64,
    /// The most characters, where the spec bounds them.
    pub max_length: Option<u64>,
}

/// The string types progenitor makes for the bounded string query parameters of `operations`.
pub fn bounded_strings(operations: &[OperationFacts]) -> Vec<BoundedString> {
    operations
        .iter()
        .flat_map(|operation| {
            operation
                .query_parameters
                .iter()
                .filter(|parameter| {
                    parameter.kind == QueryKind::String
                        && (parameter.min_length.is_some() || parameter.max_length.is_some())
                })
                .map(|parameter| BoundedString {
                    name: upper_camel_case(&format!(
                        "{}_{}",
                        operation.client_method(),
                        parameter.rust_name()
                    )),
                    min_length: parameter.min_length.unwrap_or(0),
                    max_length: parameter.max_length,
                })
        })
        .collect()
}

/// Derives `Arbitrary` for every struct and enum of the generated models, with a strategy on
/// each field whose type needs one (see [`strategy`]); the field of each of `bounded`'s string
/// types gets text of the lengths it takes.
pub fn derive(file: &mut syn::File, bounded: &[BoundedString]) {
    for item in &mut file.items {
        if let syn::Item::Struct(item) = item
            && let Some(bounds) = bounded.iter().find(|bounds| item.ident == bounds.name)
            && let syn::Fields::Unnamed(fields) = &mut item.fields
            && let [field] = &mut fields.unnamed.iter_mut().collect::<Vec<_>>()[..]
            && is_string(&field.ty)
        {
            let strategy = format!(
                "{STRATEGIES}::text_of_length({}, {})",
                bounds.min_length,
                match bounds.max_length {
                    Some(max) => format!("::std::option::Option::Some({max})"),
                    None => "::std::option::Option::None".to_owned(),
                }
            );
            item.attrs.push(syn::parse_quote!(
                #[cfg_attr(feature = #FEATURE, derive(::proptest_derive::Arbitrary))]
            ));
            field.attrs.push(syn::parse_quote!(
                #[cfg_attr(feature = #FEATURE, proptest(strategy = #strategy))]
            ));
            continue;
        }
        let (attrs, fields): (_, Vec<&mut syn::Fields>) = match item {
            syn::Item::Struct(item) => (&mut item.attrs, vec![&mut item.fields]),
            syn::Item::Enum(item) => (
                &mut item.attrs,
                item.variants
                    .iter_mut()
                    .map(|variant| &mut variant.fields)
                    .collect(),
            ),
            _ => continue,
        };
        attrs.push(syn::parse_quote!(
            #[cfg_attr(feature = #FEATURE, derive(::proptest_derive::Arbitrary))]
        ));
        for field in fields.into_iter().flat_map(|fields| fields.iter_mut()) {
            if let Some(strategy) = strategy(&field.ty) {
                field.attrs.push(syn::parse_quote!(
                    #[cfg_attr(feature = #FEATURE, proptest(strategy = #strategy))]
                ));
            }
        }
    }
}

/// The strategy for a value of type `ty`, as Rust source, or `None` where `any::<ty>()` does.
///
/// Strings are like the models crate's `arbitrary::text`, collections short, floats finite and
/// exact in JSON text, free-form JSON from the JSON strategies; `Option`, `Box` and the
/// collections take their element's strategy. Anything else (the integers, `bool`, the models
/// themselves) has an `Arbitrary` of its own: a type that has none fails to compile, loudly.
/// Paths are matched whole, as typify writes them (`::std::vec::Vec`), so that a model called
/// `Value` is not taken for `serde_json::Value`.
pub fn strategy(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(syn::TypePath {
        qself: None, path, ..
    }) = ty
    else {
        return None;
    };
    let name = path_name(path);
    let arguments = type_arguments(path);
    let own = |function: &str| Some(format!("{STRATEGIES}::{function}()"));
    match (name.as_str(), arguments.as_slice()) {
        ("std::string::String", []) => own("text"),
        ("f64", []) => own("finite_f64"),
        ("f32", []) => own("finite_f32"),
        ("serde_json::Value", []) => own("json_value"),
        ("serde_json::Map", [key, value])
            if is_string(key) && path_name_of(value).as_deref() == Some("serde_json::Value") =>
        {
            own("json_object")
        }
        ("std::vec::Vec", [element]) => Some(format!(
            "{STRATEGIES}::small_vec({})",
            strategy_or_any(element)
        )),
        ("std::collections::HashMap", [key, value]) => Some(format!(
            "{STRATEGIES}::small_hash_map({}, {})",
            strategy_or_any(key),
            strategy_or_any(value)
        )),
        ("std::collections::BTreeMap", [key, value]) => Some(format!(
            "{STRATEGIES}::small_btree_map({}, {})",
            strategy_or_any(key),
            strategy_or_any(value)
        )),
        ("std::option::Option", [inner]) => {
            strategy(inner).map(|inner| format!("::proptest::option::of({inner})"))
        }
        ("std::boxed::Box", [inner]) => strategy(inner).map(|inner| {
            format!("::proptest::strategy::Strategy::prop_map({inner}, ::std::boxed::Box::new)")
        }),
        _ => None,
    }
}

/// [`strategy`], or `any::<ty>()`.
fn strategy_or_any(ty: &syn::Type) -> String {
    strategy(ty).unwrap_or_else(|| format!("::proptest::arbitrary::any::<{}>()", type_source(ty)))
}

/// A type as compact Rust source: `crate::Entity`, `::std::vec::Vec<Image>`.
fn type_source(ty: &syn::Type) -> String {
    let syn::Type::Path(syn::TypePath {
        qself: None, path, ..
    }) = ty
    else {
        return ty.to_token_stream().to_string();
    };
    let mut source = String::new();
    if path.leading_colon.is_some() {
        source.push_str("::");
    }
    for (index, segment) in path.segments.iter().enumerate() {
        if index > 0 {
            source.push_str("::");
        }
        source.push_str(&segment.ident.to_string());
        match &segment.arguments {
            syn::PathArguments::None => {}
            syn::PathArguments::AngleBracketed(arguments) => {
                let arguments: Vec<String> = arguments
                    .args
                    .iter()
                    .map(|argument| match argument {
                        syn::GenericArgument::Type(ty) => type_source(ty),
                        other => other.to_token_stream().to_string(),
                    })
                    .collect();
                source.push_str(&format!("<{}>", arguments.join(", ")));
            }
            other => source.push_str(&other.to_token_stream().to_string()),
        }
    }
    source
}

/// A path's segments without their arguments or leading `::`: `std::vec::Vec`.
fn path_name(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn path_name_of(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(syn::TypePath {
            qself: None, path, ..
        }) => Some(path_name(path)),
        _ => None,
    }
}

fn is_string(ty: &syn::Type) -> bool {
    path_name_of(ty).as_deref() == Some("std::string::String")
}

/// The type arguments of a path's last segment: `T` of `Vec<T>`.
fn type_arguments(path: &syn::Path) -> Vec<&syn::Type> {
    let Some(syn::PathArguments::AngleBracketed(arguments)) =
        path.segments.last().map(|segment| &segment.arguments)
    else {
        return Vec::new();
    };
    arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

/// `every_model!`, exported by the models crate behind the feature: `$callback! { A, B, ... }`
/// with every model type, `names` in order (braces, so that it expands in item and expression
/// position alike).
pub fn every_model(names: &[String]) -> syn::Item {
    let names = names.iter().map(|name| quote::format_ident!("{name}"));
    syn::parse_quote! {
        /// Calls `$callback! { Album, AlbumReference, ... }` with the name of every model
        /// generated from the spec, the entity union included: for tests that must cover each
        /// one (a round trip through JSON, say) with no list of their own. Only with the
        /// `proptest` feature.
        #[cfg(feature = #FEATURE)]
        #[macro_export]
        macro_rules! every_model {
            ($callback:ident) => {
                $callback! { #(#names),* }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy_of(ty: syn::Type) -> Option<String> {
        strategy(&ty)
    }

    #[test]
    fn strings_floats_and_json_get_strategies_of_their_own() {
        assert_eq!(
            strategy_of(syn::parse_quote!(::std::string::String)).as_deref(),
            Some("crate::arbitrary::text()")
        );
        assert_eq!(
            strategy_of(syn::parse_quote!(f64)).as_deref(),
            Some("crate::arbitrary::finite_f64()")
        );
        assert_eq!(
            strategy_of(syn::parse_quote!(
                ::serde_json::Map<::std::string::String, ::serde_json::Value>
            ))
            .as_deref(),
            Some("crate::arbitrary::json_object()")
        );
    }

    #[test]
    fn containers_take_their_elements_strategy() {
        assert_eq!(
            strategy_of(syn::parse_quote!(
                ::std::option::Option<::std::vec::Vec<::std::string::String>>
            ))
            .as_deref(),
            Some("::proptest::option::of(crate::arbitrary::small_vec(crate::arbitrary::text()))")
        );
        assert_eq!(
            strategy_of(syn::parse_quote!(::std::vec::Vec<crate::Entity>)).as_deref(),
            Some("crate::arbitrary::small_vec(::proptest::arbitrary::any::<crate::Entity>())")
        );
    }

    #[test]
    fn types_with_an_arbitrary_of_their_own_need_no_strategy() {
        for ty in [
            syn::parse_quote!(i64),
            syn::parse_quote!(bool),
            syn::parse_quote!(PlayParams),
            syn::parse_quote!(::std::option::Option<i64>),
            syn::parse_quote!(::std::option::Option<Curator>),
            // A model that happens to be called `Value` is not `serde_json::Value`.
            syn::parse_quote!(Value),
        ] {
            assert_eq!(strategy_of(ty), None);
        }
    }

    #[test]
    fn every_struct_and_enum_derives_arbitrary_behind_the_feature() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Image { pub url: ::std::string::String, pub width: i64 }
            pub enum ImageType { Image }
            impl Image {}
        };
        derive(&mut file, &[]);
        let source = prettyplease::unparse(&file);
        assert_eq!(
            source
                .matches(
                    "#[cfg_attr(feature = \"proptest\", derive(::proptest_derive::Arbitrary))]"
                )
                .count(),
            2,
            "{source}"
        );
        assert_eq!(
            source
                .matches("proptest(strategy = \"crate::arbitrary::text()\")")
                .count(),
            1,
            "{source}"
        );
    }

    #[test]
    fn a_bounded_string_type_gets_text_of_its_lengths() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct GetSearchViewQuery(::std::string::String);
            pub struct Other(::std::string::String);
        };
        let bounded = [BoundedString {
            name: "GetSearchViewQuery".to_owned(),
            min_length: 1,
            max_length: None,
        }];
        derive(&mut file, &bounded);
        let source = file.to_token_stream().to_string().replace(' ', "");
        assert!(
            source.contains(
                r#"strategy="crate::arbitrary::text_of_length(1,::std::option::Option::None)""#
            ),
            "{source}"
        );
        assert_eq!(
            source.matches("crate::arbitrary::text()").count(),
            1,
            "{source}"
        );
    }
}
