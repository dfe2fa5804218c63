//! `cargo xtask bench`: every benchmark, then every ratio the performance targets name, each
//! against its target (docs/performance.md).
//!
//! The criterion benchmarks run with `cargo bench`; their medians are read back from
//! criterion's `estimates.json` files. The figures are ratios of two benchmarks of the same run,
//! so a busy or slower machine moves both sides alike.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::perf::bench_memory;
use crate::perf::build_time;
use crate::util::process;
use crate::util::workspace;

/// Criterion's settings for every benchmark: short, since the ratios, not the absolute figures,
/// are what is compared.
const CRITERION_ARGS: &[&str] = &["--warm-up-time", "2", "--measurement-time", "5"];

/// `cargo bench` of every benchmark target; the whole run takes minutes on two cores.
const BENCH_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Which way a ratio must go.
enum Target {
    AtLeast(f64),
    AtMost(f64),
}

/// A ratio of two criterion benchmarks' median times: `numerator / denominator`.
struct TimeRatio {
    what: &'static str,
    /// `(group, function)` of the numerator's benchmark.
    numerator: (&'static str, &'static str),
    denominator: (&'static str, &'static str),
    target: Target,
}

const DECODE: &str = "decode 2000-entity page, type first";
const SDK_DECODE: (&str, &str) = (DECODE, "ViewResponse, as the SDK decodes");

/// Every ratio of the criterion benchmarks, with its target. Decode ratios are a baseline's time
/// over the models' (how many times faster the models are); the others are the SDK's time over
/// the hand-written equivalent's.
const TIME_RATIOS: &[TimeRatio] = &[
    TimeRatio {
        what: "decode: models (as the SDK decodes) vs serde_json::Value",
        numerator: (DECODE, "serde_json::Value"),
        denominator: SDK_DECODE,
        target: Target::AtLeast(3.0),
    },
    TimeRatio {
        what: "decode: models (as the SDK decodes) vs parse only (IgnoredAny)",
        numerator: (DECODE, "parse only (IgnoredAny)"),
        denominator: SDK_DECODE,
        target: Target::AtLeast(0.40),
    },
    TimeRatio {
        what: "throughput: SDK vs hand-written reqwest loop",
        numerator: ("throughput", "reqwest loop"),
        denominator: ("throughput", "sdk"),
        target: Target::AtLeast(0.90),
    },
    TimeRatio {
        what: "paging 2,000 songs, 20 ms latency: SDK vs hand-written cursor loop (time)",
        numerator: ("paging 2000 songs, 20 ms latency", "sdk entities()"),
        denominator: (
            "paging 2000 songs, 20 ms latency",
            "hand-written cursor loop",
        ),
        target: Target::AtMost(1.05),
    },
    TimeRatio {
        what: "fan-out of the home view: concurrent vs the longest single group (time)",
        numerator: ("fan-out home", "concurrent"),
        denominator: ("fan-out home", "longest single chain"),
        target: Target::AtMost(1.2),
    },
];

/// Runs every benchmark and the memory measure, and prints every ratio against its target;
/// `build_time` adds the clean build of a minimal app against rspotify's (minutes more).
///
/// # Errors
/// When a benchmark fails or leaves no estimate behind.
pub fn run(build_time: bool) -> Result<()> {
    let mut command = workspace::cargo();
    command
        .args(["bench", "--locked", "--workspace", "--bench", "*", "--"])
        .args(CRITERION_ARGS)
        .current_dir(workspace::root());
    process::run(&mut command, BENCH_TIMEOUT)?;
    let criterion = workspace::target_dir()?.join("criterion");
    let mut rows = Vec::new();
    for ratio in TIME_RATIOS {
        let value = median(&criterion, ratio.numerator)? / median(&criterion, ratio.denominator)?;
        rows.push((ratio.what.to_owned(), value, &ratio.target));
    }
    let memory = bench_memory::measure()?;
    let memory_target = Target::AtMost(1.2);
    rows.push((
        format!(
            "peak RSS streaming {} entities vs {} (client process, mock in another)",
            memory.large.entities, memory.small.entities
        ),
        memory.ratio(),
        &memory_target,
    ));
    let build_target = Target::AtMost(1.0);
    if build_time {
        let builds = build_time::measure(1)?;
        if let [sdk, rspotify] = builds.as_slice() {
            rows.push((
                format!(
                    "clean debug build of a minimal app: SDK ({} packages) vs rspotify 0.15 ({})",
                    sdk.packages, rspotify.packages
                ),
                sdk.seconds / rspotify.seconds,
                &build_target,
            ));
        }
    }
    let mut missed = 0;
    for (what, value, target) in &rows {
        let (met, wanted) = match target {
            Target::AtLeast(bound) => (*value >= *bound, format!(">= {bound:.2}x")),
            Target::AtMost(bound) => (*value <= *bound, format!("<= {bound:.2}x")),
        };
        missed += usize::from(!met);
        let verdict = if met { "met" } else { "MISSED" };
        println!("{value:>6.2}x  {what} (target {wanted}): {verdict}");
    }
    println!("{} of {} targets met", rows.len() - missed, rows.len());
    Ok(())
}

/// The median time, in nanoseconds, of a criterion benchmark of the last run.
fn median(criterion: &Path, (group, function): (&str, &str)) -> Result<f64> {
    let path = criterion
        .join(file_name(group))
        .join(file_name(function))
        .join("new/estimates.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (did the benchmark run?)", path.display()))?;
    let estimates: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    estimates["median"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}: no median", path.display()))
}

/// The folder name criterion gives a group or function: the characters that are not safe in a
/// file name replaced with `_`.
fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_match_criterions() {
        assert_eq!(file_name("serde_json::Value"), "serde_json__Value");
        assert_eq!(file_name("sdk entities()"), "sdk entities()");
    }
}
