//! The report: the findings, and the table people read.

use std::fmt::Write as _;

use crate::finding::Finding;

/// What drift found in a recording.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// Every finding, most frequent first.
    pub findings: Vec<Finding>,
    /// How many exchanges the recording holds.
    pub exchanges: usize,
    /// How many of them were API requests (the others went to the token endpoint).
    pub checked: usize,
}

impl Report {
    /// Whether the traffic drifts from the spec at all.
    pub fn drifts(&self) -> bool {
        !self.findings.is_empty()
    }

    /// The findings as a table for people: grouped by schema (or, for a status or a request,
    /// by operation), the group with the most occurrences first, each finding with its count,
    /// kind, operation, pointer and example on one line and the spec change it suggests on
    /// the next; then a summary line.
    pub fn table(&self) -> String {
        let mut groups: Vec<(String, Vec<&Finding>)> = Vec::new();
        for finding in &self.findings {
            let group = finding
                .schema
                .clone()
                .or_else(|| finding.operation.clone())
                .unwrap_or_else(|| "(no operation)".to_owned());
            match groups.iter_mut().find(|(name, _)| *name == group) {
                Some((_, members)) => members.push(finding),
                None => groups.push((group, vec![finding])),
            }
        }
        let total = |members: &[&Finding]| members.iter().map(|finding| finding.count).sum::<u64>();
        groups.sort_by_key(|(_, members)| std::cmp::Reverse(total(members)));
        let width = self
            .findings
            .iter()
            .map(|finding| finding.count.to_string().len())
            .max()
            .unwrap_or(1);
        let mut out = String::new();
        for (name, members) in &groups {
            let _ = writeln!(out, "{name}: {}", occurrences(total(members)));
            for finding in members {
                let _ = writeln!(
                    out,
                    "  {:>width$}  {:<17}  {:<24}  {}  {}",
                    finding.count,
                    finding.kind.as_str(),
                    finding.operation.as_deref().unwrap_or("-"),
                    if finding.pointer.is_empty() {
                        "/"
                    } else {
                        &finding.pointer
                    },
                    cut(&finding.example.to_string()),
                );
                let _ = writeln!(out, "  {:>width$}  -> {}", "", finding.suggestion);
            }
        }
        let all: u64 = self.findings.iter().map(|finding| finding.count).sum();
        let skipped = self.exchanges - self.checked;
        let _ = write!(
            out,
            "{} ({}) in {}",
            plural(self.findings.len() as u64, "finding"),
            occurrences(all),
            plural(self.exchanges as u64, "exchange"),
        );
        if skipped > 0 {
            let _ = write!(out, " ({skipped} with the token endpoint, skipped)");
        }
        out.push('\n');
        out
    }
}

/// The longest example a table line shows, in characters.
const TABLE_EXAMPLE: usize = 60;

/// `count` and the noun, plural unless it is one.
fn plural(count: u64, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

fn occurrences(count: u64) -> String {
    plural(count, "occurrence")
}

/// An example as a table line shows it: cut to [`TABLE_EXAMPLE`] characters with `…`.
fn cut(text: &str) -> String {
    match text.char_indices().nth(TABLE_EXAMPLE) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
