#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod check;
mod exchange;
mod finding;
mod report;
mod spec;

pub use exchange::{Error, Exchange, read_har};
pub use finding::{Finding, FindingKind};
pub use report::Report;

/// Compares exchanges with the spec: every finding, counted and sorted, most frequent first.
///
/// Exchanges with Login with Amazon's endpoints (the URLs of the spec's OAuth 2.0 flows) are
/// skipped; every other exchange is matched to an operation by its method and path (a path
/// the spec does not hold is an `unknown_operation` finding), its status to the operation's
/// responses, and its body, when it is JSON, to the response's schema.
///
/// # Errors
/// [`Error::Spec`] when the embedded spec cannot be read (never, in a build of this crate as
/// published).
pub fn check(exchanges: &[Exchange]) -> Result<Report, Error> {
    let spec = spec::Spec::embedded().map_err(|error| Error::Spec(Box::new(error)))?;
    let mut findings = check::Findings::default();
    let mut checked = 0;
    for exchange in exchanges {
        if check::exchange(&spec, exchange, &mut findings) {
            checked += 1;
        }
    }
    Ok(Report {
        findings: findings.into_sorted(),
        exchanges: exchanges.len(),
        checked,
    })
}
