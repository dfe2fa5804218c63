//! The mock server over real HTTP on loopback: plain requests with reqwest, and the
//! `amazon-music` SDK.

mod auth;
mod fan_out;
mod faults;
mod locale;
mod lwa;
mod paging;
mod replay;
mod sdk;
mod search;
mod support;
mod views;
