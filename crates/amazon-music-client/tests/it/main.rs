//! Integration tests of the generated client, against servers on loopback.

mod context;
