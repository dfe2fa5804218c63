//! What code that uses the SDK's streams needs in scope: `use amazon_music::prelude::*;`.
//!
//! [`pages()`](crate::ViewRequest::pages) and [`entities()`](crate::ViewRequest::entities)
//! return `futures` streams, whose methods (`try_next`, `try_collect`, `next`, `take`, ...)
//! come from the extension traits `TryStreamExt` and `StreamExt` of `futures-util`. The
//! prelude brings both into scope anonymously, so their methods work without a dependency on
//! `futures-util` of your own and without clashing with names of yours.
//!
//! ```no_run
//! use amazon_music::prelude::*;
//!
//! # async fn run(client: amazon_music::Client) -> amazon_music::Result<()> {
//! let songs: Vec<amazon_music::Entity> = client.library_songs().entities().try_collect().await?;
//! let mut pages = client.home().pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} groups", page.content.entity_groups.len());
//! }
//! # Ok(())
//! # }
//! ```

pub use futures_util::stream::{StreamExt as _, TryStreamExt as _};
