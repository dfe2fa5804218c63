//! `cargo xtask bench`: every benchmark, then every ratio the performance targets name, each
//! against its target (docs/performance.md).
//!
//! The criterion benchmarks run with `cargo bench`; their medians are read back from
//! criterion's `estimates.json` files. The figures are ratios of two benchmarks of the same run,
//! so a busy or slower machine moves both sides alike.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::perf::bench_export;
use crate::perf::bench_memory;
use crate::perf::build_time;
use crate::util::process;
use crate::util::workspace;

/// Criterion's settings for every benchmark: short, since the ratios, not the absolute figures,
/// are what is compared.
const CRITERION_ARGS: &[&str] = &["--warm-up-time", "2", "--measurement-time", "5"];

/// `cargo bench` of every benchmark target; the whole run takes minutes on two cores.
const BENCH_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Which way a figure must go.
#[derive(Clone, Copy)]
enum Target {
    AtLeast(f64),
    AtMost(f64),
    /// None: shown for contrast.
    Contrast,
}

/// How a figure reads.
#[derive(Clone, Copy)]
enum Unit {
    /// A ratio of two measures.
    Times,
    /// A share of a whole.
    Percent,
}

impl Unit {
    fn show(self, value: f64) -> String {
        match self {
            Unit::Times => format!("{value:.2}x"),
            Unit::Percent => format!("{:.1}%", value * 100.0),
        }
    }
}

/// One line of the report: a figure against its target.
struct Row {
    what: String,
    value: f64,
    unit: Unit,
    target: Target,
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
        rows.push(Row {
            what: ratio.what.to_owned(),
            value,
            unit: Unit::Times,
            target: ratio.target,
        });
    }
    let memory = bench_memory::measure()?;
    rows.push(Row {
        what: format!(
            "peak RSS streaming {} entities vs {} (client process, mock in another)",
            memory.large.entities, memory.small.entities
        ),
        value: memory.ratio(),
        unit: Unit::Times,
        target: Target::AtMost(1.2),
    });
    let export = bench_export::measure()?;
    bench_export::print(&export);
    export_rows(&export, &mut rows);
    if build_time {
        let builds = build_time::measure(1)?;
        if let [sdk, rspotify] = builds.as_slice() {
            rows.push(Row {
                what: format!(
                    "clean debug build of a minimal app: SDK ({} packages) vs rspotify 0.15 ({})",
                    sdk.packages, rspotify.packages
                ),
                value: sdk.seconds / rspotify.seconds,
                unit: Unit::Times,
                target: Target::AtMost(1.0),
            });
        }
    }
    let mut missed = 0;
    let mut targets = 0;
    for row in &rows {
        let shown = row.unit.show(row.value);
        let (met, wanted) = match row.target {
            Target::AtLeast(bound) => (row.value >= bound, format!(">= {}", row.unit.show(bound))),
            Target::AtMost(bound) => (row.value <= bound, format!("<= {}", row.unit.show(bound))),
            Target::Contrast => {
                println!("{shown:>6}  {} (no target: for contrast)", row.what);
                continue;
            }
        };
        targets += 1;
        missed += usize::from(!met);
        let verdict = if met { "met" } else { "MISSED" };
        println!("{shown:>6}  {} (target {wanted}): {verdict}", row.what);
    }
    println!("{} of {targets} targets met", targets - missed);
    Ok(())
}

/// The export's figures as rows: its time at concurrency 8 and at 1 over its longest chain
/// alone, and under the mock's rate limit its time over what the limit imposes and its share
/// of `429`s.
fn export_rows(export: &bench_export::ExportFigures, rows: &mut Vec<Row>) {
    let chain = &export.chain;
    let longest = format!(
        "its longest chain alone ({}, {} pages)",
        chain.operation, chain.pages
    );
    rows.push(Row {
        what: format!("export, 2,000 songs at 50 ms, concurrency 8 vs {longest} (time)"),
        value: export.concurrent / chain.seconds,
        unit: Unit::Times,
        target: Target::AtMost(1.3),
    });
    rows.push(Row {
        what: format!("export, 2,000 songs at 50 ms, concurrency 1 vs {longest} (time)"),
        value: export.sequential / chain.seconds,
        unit: Unit::Times,
        target: Target::Contrast,
    });
    let rate = bench_export::RATE_LIMIT;
    rows.push(Row {
        what: format!(
            "export under the mock's {rate} requests/s limit vs pages / {rate} s (time, no error)"
        ),
        value: export.limited.ratio(),
        unit: Unit::Times,
        target: Target::AtMost(1.3),
    });
    rows.push(Row {
        what: format!("export under the mock's {rate} requests/s limit: answers that were 429"),
        value: export.limited.throttled_share(),
        unit: Unit::Percent,
        target: Target::AtMost(0.15),
    });
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
