//! The Markdown files beside the crates, as doctests: every Rust snippet in them compiles (and
//! runs, unless marked `no_run`) under `cargo test --doc`, with this package's
//! dev-dependencies. The crate READMEs are compiled by their own crates.

/// The files, one item each, so that a failing snippet names its file.
#[cfg(doctest)]
mod markdown {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../ARCHITECTURE.md")]
    struct Architecture;
    #[doc = include_str!("../CONTRIBUTING.md")]
    struct Contributing;
    #[doc = include_str!("../RELEASING.md")]
    struct Releasing;
    #[doc = include_str!("../docs/spec.md")]
    struct Spec;
    #[doc = include_str!("../docs/reliability.md")]
    struct Reliability;
    #[doc = include_str!("../docs/performance.md")]
    struct Performance;
    #[doc = include_str!("../docs/measurements.md")]
    struct Measurements;
    #[doc = include_str!("../docs/other-languages.md")]
    struct OtherLanguages;
    #[doc = include_str!("../docs/real-api.md")]
    struct RealApi;
}
