#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

#[cfg(feature = "proptest")]
pub mod arbitrary;
mod entity;
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
mod generated_entity;
#[rustfmt::skip]
mod generated_operations;
mod kept;
mod mrn;
mod operation;

pub use entity::{from_slice, from_slice_lenient, leniently};
pub use generated::*;
pub use generated_entity::Entity;
pub use generated_operations::Operation;
pub use kept::{CAPTURE_HINT, MalformedEntity, UnknownEntity};
pub use mrn::{Mrn, ParseMrnError};
pub use operation::{
    CursorGroups, OperationSpec, PagingStyle, ParameterError, ParameterKind, QueryParameter,
    ResponseShape, UnknownOperation,
};
