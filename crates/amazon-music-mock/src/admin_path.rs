//! The path prefix of the admin endpoint, which the fault and journal middleware leave alone.
//!
//! It lives apart from [`admin`](crate::admin) so that the middleware, which run around the
//! admin routes, need not import them.

/// Where the admin routes live.
pub(crate) const PREFIX: &str = "/__mock/";

/// Whether `path` is one of the admin endpoint's.
pub(crate) fn is_admin(path: &str) -> bool {
    path.starts_with(PREFIX)
}
