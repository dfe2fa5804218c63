//! Page sizes in the command's terms: the largest page an operation allows, and the range of
//! `--limit` as help and errors show it, both read from the operation table.

use amazon_music::models::Operation;

/// The page size where the spec gives no largest one: what `--all`, `--max-items` and `export`
/// ask for there.
const LARGEST_UNBOUNDED_PAGE: u32 = 100;

/// The largest page `operation` allows: what `--all`, `--max-items` and `export` ask for unless
/// `--limit` is given.
pub fn largest_page(operation: Operation) -> u32 {
    operation.max_limit().unwrap_or(LARGEST_UNBOUNDED_PAGE)
}

/// The range of `--limit` for `operation`, as help and errors show it: `1..10`, or `1..` where
/// the spec sets no largest page.
pub fn limit_range(operation: Operation) -> String {
    match operation.max_limit() {
        Some(max) => format!("1..{max}"),
        None => "1..".to_owned(),
    }
}
