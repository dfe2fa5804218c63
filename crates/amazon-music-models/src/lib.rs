#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod entity;
#[allow(missing_docs, clippy::all)]
#[rustfmt::skip]
mod generated;

pub use entity::{Entity, UnknownEntity};
pub use generated::*;
