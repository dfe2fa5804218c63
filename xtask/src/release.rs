//! Release readiness: `cargo xtask package` (every published crate packages and builds from its
//! `.crate`, with complete metadata), `cargo xtask msrv` (the declared `rust-version` is honest)
//! and `cargo xtask rustls` (the SDK works on rustls as well as on its default, the platform's
//! TLS library).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::util::process;
use crate::util::workspace;

/// The metadata crates.io shows and every published crate of the workspace must declare.
const REQUIRED_METADATA: &[&str] = &[
    "description",
    "license",
    "repository",
    "readme",
    "keywords",
    "categories",
    "rust_version",
    "documentation",
];

/// A whole package-and-verify run of the published crates; a clean build of them on two cores
/// takes a few minutes.
const PACKAGE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Checks each published crate's metadata, then `cargo package`s them all (the work tree as
/// it is, committed or not, like every step of the gate): each `.crate` is
/// unpacked and built on its own, against its siblings' `.crate`s (cargo's local registry
/// overlay), so a file a crate reads from outside itself fails here.
///
/// # Errors
/// When a published crate lacks metadata, or packaging or building a package fails.
pub fn package() -> Result<()> {
    let metadata = workspace::metadata(false)?;
    let published = published_packages(&metadata);
    let mut missing = Vec::new();
    for package in &published {
        for field in REQUIRED_METADATA {
            let value = &package[field];
            let empty = value.is_null()
                || value.as_str().is_some_and(str::is_empty)
                || value.as_array().is_some_and(Vec::is_empty);
            if empty {
                missing.push(format!("{}: {field}", package["name"]));
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "published crates lack metadata:\n  {}",
            missing.join("\n  ")
        );
    }
    let mut command = workspace::cargo();
    command
        .args(["package", "--locked", "--allow-dirty"])
        .current_dir(workspace::root());
    for package in &published {
        let name = package["name"].as_str().context("a package name")?;
        command.args(["--package", name]);
    }
    process::run(&mut command, PACKAGE_TIMEOUT)?;
    let names: Vec<_> = published
        .iter()
        .filter_map(|package| package["name"].as_str())
        .collect();
    println!(
        "packaged and built from their .crate files: {}",
        names.join(", ")
    );
    Ok(())
}

/// Fails when a dependency in the lock file declares a newer `rust-version` than the
/// workspace's: clippy's `incompatible_msrv` (on, through `clippy::all`) covers the standard
/// library APIs our own code calls; this covers what our dependencies need.
///
/// # Errors
/// When `cargo metadata` fails, or a dependency needs a newer Rust than declared.
pub fn msrv() -> Result<()> {
    let metadata = workspace::metadata(true)?;
    let packages = metadata["packages"].as_array().context("packages")?;
    let members: Vec<&Value> = packages
        .iter()
        .filter(|package| package["source"].is_null())
        .collect();
    let declared = members
        .iter()
        .filter_map(|package| package["rust_version"].as_str())
        .map(parse_version)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .min()
        .context("no workspace crate declares a rust-version")?;
    let mut newer = Vec::new();
    for package in packages {
        let Some(version) = package["rust_version"].as_str() else {
            continue;
        };
        if parse_version(version)? > declared {
            newer.push(format!(
                "{} {} needs Rust {version}",
                package["name"], package["version"]
            ));
        }
    }
    let (major, minor, patch) = declared;
    if !newer.is_empty() {
        bail!(
            "the workspace declares rust-version {major}.{minor}.{patch}, but:\n  {}",
            newer.join("\n  ")
        );
    }
    println!(
        "rust-version {major}.{minor}.{patch} covers all {} packages of the lock file",
        packages.len()
    );
    Ok(())
}

/// Builds and tests the SDK and the generated client with `rustls` in place of the default
/// `native-tls`, after checking that OpenSSL is then really out of their dependency tree. (The
/// SDK's dev-dependencies turn the default back on in its tests; `rustls` wins over it there.)
///
/// # Errors
/// When OpenSSL is still in the tree, or the build or a test fails.
pub fn rustls() -> Result<()> {
    const CRATES: [&str; 2] = ["amazon-music", "amazon-music-client"];
    let features = ["--no-default-features", "--features", "rustls"];
    for krate in CRATES {
        let tree = process::output(
            workspace::cargo()
                .args(["tree", "--locked", "--edges", "normal", "--prefix", "none"])
                .args(["--package", krate])
                .args(features)
                .current_dir(workspace::root()),
            Duration::from_secs(120),
        )?;
        // `openssl-probe` (where the system keeps its certificates, for rustls' verifier) is
        // pure Rust and stays; the library's bindings must not.
        if let Some(line) = tree.lines().find(|line| {
            ["openssl ", "openssl-sys ", "native-tls "]
                .iter()
                .any(|name| line.starts_with(name))
        }) {
            bail!("{krate} with rustls still depends on {line}");
        }
    }
    // One crate at a time: built together, the SDK's dev-dependencies would turn `native-tls`
    // on in the client's tests too.
    for krate in CRATES {
        process::run(
            workspace::cargo()
                .args(["nextest", "run", "--locked", "--no-fail-fast"])
                .args(["--package", krate])
                .args(features)
                .current_dir(workspace::root()),
            PACKAGE_TIMEOUT,
        )?;
    }
    Ok(())
}

/// The workspace members that may be published (`publish` not `[]`).
fn published_packages(metadata: &Value) -> Vec<&Value> {
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|package| {
            package["publish"]
                .as_array()
                .is_none_or(|to| !to.is_empty())
        })
        .collect()
}

/// `1.88` or `1.88.0` as a comparable triple.
fn parse_version(version: &str) -> Result<(u64, u64, u64)> {
    let parse = || -> Result<_, std::num::ParseIntError> {
        let mut parts = version.split('.').map(str::parse::<u64>);
        let mut next = || parts.next().transpose().map(Option::unwrap_or_default);
        Ok((next()?, next()?, next()?))
    };
    parse().with_context(|| format!("reading rust-version {version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_versions_compare_by_number_with_a_missing_patch_as_zero() {
        assert_eq!(parse_version("1.88").expect("a version"), (1, 88, 0));
        assert!(parse_version("1.9").expect("a version") < parse_version("1.88.1").expect("a"));
        assert!(parse_version("one").is_err());
    }

    #[test]
    fn only_crates_that_may_be_published_are_packaged() {
        let metadata = serde_json::json!({"packages": [
            {"name": "amazon-music", "publish": null},
            {"name": "xtask", "publish": []},
            {"name": "private-registry", "publish": ["ours"]},
        ]});
        let names: Vec<_> = published_packages(&metadata)
            .iter()
            .map(|package| package["name"].as_str().expect("a name"))
            .collect();
        assert_eq!(names, ["amazon-music", "private-registry"]);
    }
}
