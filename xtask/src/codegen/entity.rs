//! The entity union, for the models crate: `Entity`'s variants from the spec's discriminator
//! mapping, with the parts that list them (`KNOWN_TYPES`, `type_name`, `id`, the `_type`
//! dispatch, `Serialize`, the JSON Schema and, behind the `proptest` feature, `Arbitrary`). The
//! decoding itself, generic over the variants, is hand-written in the models crate's `entity`
//! module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spec::{EntityUnion, Field};

/// `generated_entity.rs` of the models crate.
pub fn generate(union: &EntityUnion) -> TokenStream {
    let count = union.variants.len();
    let type_names: Vec<&str> = union
        .variants
        .iter()
        .map(|variant| variant.type_name.as_str())
        .collect();
    let variants: Vec<_> = type_names
        .iter()
        .map(|name| format_ident!("{name}"))
        .collect();
    let models: Vec<_> = union
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.schema))
        .collect();
    let variant_docs = union.variants.iter().map(|variant| {
        format!(
            " `_type: \"{}\"`, decoded as [`{}`].",
            variant.type_name, variant.schema
        )
    });
    let ids = arms(union, |variant| &variant.id, Read::Deref);
    let titles = arms(union, |variant| &variant.title, Read::Deref);
    let images = arms(union, |variant| &variant.images, Read::Deref);
    let play_params = arms(union, |variant| &variant.play_params, Read::Ref);
    let artists = arms(union, |variant| &variant.artists, Read::Deref);
    let durations = duration_arms(union);
    // The conversion the arms call, where some model has a `duration` to convert.
    let seconds = union
        .variants
        .iter()
        .any(|variant| variant.duration.is_some())
        .then(|| {
            quote! {
                /// A model's `duration` of whole seconds as a `Duration`; `None` below zero.
                fn seconds(seconds: i64) -> ::std::option::Option<::std::time::Duration> {
                    ::std::primitive::u64::try_from(seconds)
                        .ok()
                        .map(::std::time::Duration::from_secs)
                }
            }
        });
    let (timed, untimed): (Vec<_>, Vec<_>) = union
        .variants
        .iter()
        .partition(|variant| variant.duration.is_some());
    let names = |variants: Vec<&super::spec::EntityVariant>| {
        variants
            .iter()
            .map(|variant| format!("`{}`", variant.type_name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let duration_doc = format!(
        " The types with one: {}. The views give no length for the others ({}).",
        names(timed),
        names(untimed)
    );
    let description = union.description.trim();
    let docs = description.lines().map(|line| format!(" {line}"));
    let schema_description = description.replace('\n', " ");
    quote! {
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        use crate::kept::{MalformedEntity, UnknownEntity};
        use crate::{#(#models),*};

        #(#[doc = #docs])*
        ///
        /// Decoding dispatches on `_type`: a `_type` this version does not know decodes to
        /// [`Entity::Unknown`], kept whole (see the crate docs).
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Entity {
            #(
                #[doc = #variant_docs]
                #variants(#models),
            )*
            /// An entity whose `_type` this version does not know, kept whole.
            Unknown(UnknownEntity),
            /// An entity of a known `_type` whose fields do not match its schema, kept whole
            /// with the decode error (only from [`from_slice_lenient`](crate::from_slice_lenient)).
            Malformed(MalformedEntity),
        }

        impl Entity {
            /// The `_type`s with a variant of their own: the spec's discriminator mapping.
            pub const KNOWN_TYPES: [&'static str; #count] = [#(#type_names),*];

            /// The entity's `_type`, known or not.
            pub fn type_name(&self) -> &str {
                match self {
                    #(Self::#variants(_) => #type_names,)*
                    Self::Unknown(entity) => entity.type_name(),
                    Self::Malformed(entity) => entity.type_name(),
                }
            }

            /// The entity's `id`, where it has one.
            pub fn id(&self) -> ::std::option::Option<&str> {
                match self {
                    #(Self::#variants(entity) => #ids,)*
                    Self::Unknown(entity) => entity.id(),
                    Self::Malformed(entity) => entity.id(),
                }
            }

            /// The entity's `title`, or its `name` where its type has a name instead.
            pub fn title(&self) -> ::std::option::Option<&str> {
                match self {
                    #(Self::#variants(entity) => #titles,)*
                    Self::Unknown(entity) => entity.title(),
                    Self::Malformed(entity) => entity.title(),
                }
            }

            /// The entity's `images`, where its type has them (not on an unknown or malformed
            /// entity: [`UnknownEntity::images`] decodes an unknown one's).
            pub fn images(&self) -> ::std::option::Option<&[crate::Image]> {
                match self {
                    #(Self::#variants(entity) => #images,)*
                    Self::Unknown(_) | Self::Malformed(_) => ::std::option::Option::None,
                }
            }

            /// What plays the entity (`playParams`), where its type has it (not on an unknown
            /// or malformed entity: [`UnknownEntity::play_params`] decodes an unknown one's).
            pub fn play_params(&self) -> ::std::option::Option<&crate::PlayParams> {
                match self {
                    #(Self::#variants(entity) => #play_params,)*
                    Self::Unknown(_) | Self::Malformed(_) => ::std::option::Option::None,
                }
            }

            /// The entity's `artists`, where its type has them (not on an unknown or malformed
            /// entity: [`UnknownEntity::artists`] decodes an unknown one's).
            pub fn artists(&self) -> ::std::option::Option<&[crate::ArtistReference]> {
                match self {
                    #(Self::#variants(entity) => #artists,)*
                    Self::Unknown(_) | Self::Malformed(_) => ::std::option::Option::None,
                }
            }

            /// The entity's length (`duration`, whole seconds), where its type has one and the
            /// entity gives it; on an unknown or malformed entity, its `duration` field, where
            /// that is a whole number of seconds.
            ///
            #[doc = #duration_doc]
            pub fn duration(&self) -> ::std::option::Option<::std::time::Duration> {
                match self {
                    #(Self::#variants(entity) => #durations,)*
                    Self::Unknown(entity) => entity.duration(),
                    Self::Malformed(entity) => entity.duration(),
                }
            }
        }

        #seconds

        /// The `_type`s with a variant of their own.
        #[derive(Clone, Copy)]
        pub(crate) enum Kind {
            #(#variants,)*
        }

        impl Kind {
            /// The kind a `_type` names, if it is a known one.
            pub(crate) fn from_name(name: &str) -> ::std::option::Option<Self> {
                match name {
                    #(#type_names => ::std::option::Option::Some(Self::#variants),)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The `_type` that names this kind.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    #(Self::#variants => #type_names,)*
                }
            }

            /// Decodes the variant's model from a deserializer over the entity's whole object.
            pub(crate) fn decode<'de, D: Deserializer<'de>>(
                self,
                object: D,
            ) -> ::std::result::Result<Entity, D::Error> {
                ::std::result::Result::Ok(match self {
                    #(Self::#variants => Entity::#variants(#models::deserialize(object)?),)*
                })
            }
        }

        impl Serialize for Entity {
            fn serialize<S: Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(entity) => entity.serialize(serializer),)*
                    Self::Unknown(entity) => entity.serialize(serializer),
                    Self::Malformed(entity) => entity.serialize(serializer),
                }
            }
        }

        /// Each known variant of an arbitrary model, or an unknown entity: an arbitrary JSON
        /// object whose `_type`, at any position, is none of [`Entity::KNOWN_TYPES`].
        #[cfg(feature = "proptest")]
        impl ::proptest::arbitrary::Arbitrary for Entity {
            type Parameters = ();
            type Strategy = ::proptest::strategy::BoxedStrategy<Self>;

            fn arbitrary_with((): Self::Parameters) -> Self::Strategy {
                use ::proptest::strategy::Strategy as _;
                ::proptest::strategy::Union::new([
                    #(::proptest::arbitrary::any::<#models>().prop_map(Self::#variants).boxed(),)*
                    crate::arbitrary::unknown_entity(&Self::KNOWN_TYPES)
                        .prop_map(Self::Unknown)
                        .boxed(),
                ])
                .boxed()
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for Entity {
            fn schema_name() -> ::std::string::String {
                "Entity".to_owned()
            }

            fn json_schema(
                generator: &mut schemars::r#gen::SchemaGenerator,
            ) -> schemars::schema::Schema {
                let variants = vec![#(generator.subschema_for::<#models>()),*];
                schemars::schema::SchemaObject {
                    metadata: ::std::option::Option::Some(::std::boxed::Box::new(
                        schemars::schema::Metadata {
                            description: ::std::option::Option::Some(#schema_description.to_owned()),
                            ..::std::default::Default::default()
                        },
                    )),
                    subschemas: ::std::option::Option::Some(::std::boxed::Box::new(
                        schemars::schema::SubschemaValidation {
                            one_of: ::std::option::Option::Some(variants),
                            ..::std::default::Default::default()
                        },
                    )),
                    ..::std::default::Default::default()
                }
                .into()
            }
        }
    }
}

/// How an accessor lends a field: through `Deref` (`&str`, `&[T]`) or as a plain reference.
#[derive(Clone, Copy)]
enum Read {
    Deref,
    Ref,
}

/// One match arm per variant, reading the field `pick` chooses, `None` where the model has none.
/// For each variant, the expression that reads its `duration` as a `Duration`.
fn duration_arms(union: &EntityUnion) -> Vec<TokenStream> {
    union
        .variants
        .iter()
        .map(|variant| match &variant.duration {
            None => quote!({
                let _ = entity;
                ::std::option::Option::None
            }),
            Some(field) => {
                let name = format_ident!("{}", field.rust_name);
                if field.optional {
                    quote!(entity.#name.and_then(seconds))
                } else {
                    quote!(seconds(entity.#name))
                }
            }
        })
        .collect()
}

fn arms(
    union: &EntityUnion,
    pick: impl Fn(&super::spec::EntityVariant) -> &Option<Field>,
    read: Read,
) -> Vec<TokenStream> {
    union
        .variants
        .iter()
        .map(|variant| {
            let Some(field) = pick(variant) else {
                return quote!({
                    let _ = entity;
                    ::std::option::Option::None
                });
            };
            let name = format_ident!("{}", field.rust_name);
            match (field.optional, read) {
                (false, Read::Deref) => quote!(::std::option::Option::Some(&*entity.#name)),
                (false, Read::Ref) => quote!(::std::option::Option::Some(&entity.#name)),
                (true, Read::Deref) => quote!(entity.#name.as_deref()),
                (true, Read::Ref) => quote!(entity.#name.as_ref()),
            }
        })
        .collect()
}
