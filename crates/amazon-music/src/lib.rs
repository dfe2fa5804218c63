#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod auth;
mod client;
mod error;
mod mrn;
pub mod pagination;
mod retry;
mod transport;
mod views;

pub use amazon_music_models::{
    Album, AlbumReference, Artist, ArtistReference, Curator, Entity, EntityGroup,
    EntityGroupContent, Image, PlayParams, PlaybackInformation, Playlist, PodcastEpisode,
    PodcastReference, PodcastShow, Station, Track, UnknownEntity, User, View, ViewContent,
    ViewResponse,
};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use error::{ApiError, BoxError, Error, Result};
pub use mrn::{Mrn, ParseMrnError};
pub use retry::RetryPolicy;
pub use views::ViewRequest;
