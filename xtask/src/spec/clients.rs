//! `cargo xtask clients`: the published spec, proven by clients of other languages made by
//! their own generators, each driven against the project's mock as a new user would.
//!
//! From `openapi/dist/amazon-music-views.yaml`:
//! - Python: openapi-generator's `python` client (the `openapi-generator-cli` wheel ships the
//!   generator's jar; it runs on the machine's Java) and `tools/clients/python/smoke.py`;
//! - TypeScript: openapi-typescript's types under openapi-fetch, and
//!   `tools/clients/typescript/smoke.mts`, type-checked and compiled by tsc, run by Node;
//! - Rust: openapi-generator's `rust` client, built with the probe `tools/clients/rust` (its own
//!   `Cargo.lock`, its own target folder under the workspace's target directory) and run as a
//!   known failure: every page holding an entity fails to decode ("missing field `_type`"). The
//!   day a release decodes them, this step fails and says so.
//!
//! The generated code goes to `tools/clients/generated/`, which git ignores; the smoke programs
//! and the probe are checked in. When the pin of openapi-generator moves and the Rust crate it
//! writes needs other dependencies, `--locked` fails: after one run of this step, update the
//! probe's lock with `cargo update --manifest-path tools/clients/rust/Cargo.toml`. One mock (`amzn-music mock-server`, on a free port, killed on
//! every way out) serves the three; each reads the operations from the spec (see each program).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::spec::bundle::{self, DIST_JSON, DIST_YAML};
use crate::spec::contract::{self, MOCK_LISTENING, Server};
use crate::spec::tools::{self, NodeTools, PythonTools};
use crate::util::process;
use crate::util::workspace;

/// The checked-in programs, relative to the workspace root.
const DIR: &str = "tools/clients";
/// Where the generated clients go (ignored), relative to the workspace root.
const GENERATED: &str = "tools/clients/generated";
/// The package name of the generated Python client and the crate name of the Rust one.
const PACKAGE: &str = "amazon_music_views";
/// How many songs the mock's library holds: the smoke programs count them, page after page.
const LIBRARY_SIZE: &str = "120";
/// Only the client code: no generated tests or docs.
const GLOBAL_PROPERTIES: &str = "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false";
/// The probe's exit code when a page holding an entity decodes.
const PROBE_FIXED: i32 = 2;
/// The probe's package, which is its binary's name.
const PROBE: &str = "openapi-generator-rust-probe";
/// One generator or compiler run.
const STEP_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// Building the Rust probe and the generated crate, cold.
const BUILD_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Generates the three clients, builds them, starts the mock and runs each against it.
///
/// # Errors
/// When the bundle is stale, a tool fails, a client fails a check, or the Rust client's known
/// failure is gone.
pub fn run() -> Result<()> {
    let started = Instant::now();
    bundle::require_up_to_date()?;
    let (node, python) = install_tools()?;
    let root = workspace::root();
    let generated = root.join(GENERATED);
    let version = process::output(
        python.command("openapi-generator-cli").arg("version"),
        STEP_TIMEOUT,
    )?;
    let version = version.trim().to_owned();
    println!("openapi-generator {version}");

    for (generator, folder) in [("python", "python"), ("rust", "rust")] {
        let out = fresh_folder(&generated.join(folder))?;
        process::run(
            python
                .command("openapi-generator-cli")
                .args(["generate", "--generator-name", generator])
                .args(["--input-spec", DIST_YAML, "--output"])
                .arg(&out)
                .args(["--package-name", PACKAGE])
                .args(["--global-property", GLOBAL_PROPERTIES])
                // Errors only: one line per file written, and the Rust generator's warning
                // that it renames `ApplicationJson` (dozens of them), are noise here.
                .env("JAVA_OPTS", "-Dlog.level=error"),
            STEP_TIMEOUT,
        )?;
    }
    let typescript = fresh_folder(&generated.join("typescript"))?;
    process::run(
        node.command("openapi-typescript")
            .arg(DIST_YAML)
            .arg("--output")
            .arg(typescript.join("amazon-music-views.ts")),
        STEP_TIMEOUT,
    )?;
    process::run(
        node.command("tsc")
            .arg("--project")
            .arg(root.join(DIR).join("typescript/tsconfig.json")),
        STEP_TIMEOUT,
    )?;
    let probe = build_probe()?;
    let binary = contract::command_line_binary()?;

    let mut mock = Server::start(
        contract::mock_command(&binary, LIBRARY_SIZE),
        MOCK_LISTENING,
    )?;
    let result = run_clients(&mock, &python, &probe, &version);
    mock.stop(result.is_err());
    result?;
    println!(
        "clients: every check passed in {}s",
        started.elapsed().as_secs()
    );
    Ok(())
}

/// Installs both tool sets at once, as `cargo xtask tools` does.
fn install_tools() -> Result<(NodeTools, PythonTools)> {
    let node = thread::spawn(tools::node);
    let python = thread::spawn(tools::python);
    let node = node
        .join()
        .map_err(|_| anyhow!("the npm install panicked"))?;
    let python = python
        .join()
        .map_err(|_| anyhow!("the Python install panicked"))?;
    Ok((node?, python?))
}

/// `folder`, emptied (what an older generator wrote there must not linger) and created.
fn fresh_folder(folder: &Path) -> Result<PathBuf> {
    match std::fs::remove_dir_all(folder) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("removing {}", folder.display())),
    }
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    Ok(folder.to_path_buf())
}

/// Builds the Rust probe with the generated crate, `--locked` to the probe's `Cargo.lock`, in
/// a target folder of its own; returns the binary's path.
fn build_probe() -> Result<PathBuf> {
    let target = workspace::target_dir()?.join("clients-rust");
    let mut command = workspace::cargo();
    command
        .args(["build", "--locked", "--manifest-path"])
        .arg(workspace::root().join(DIR).join("rust/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        // Third-party generated code: the project's lint settings are not its.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    process::run(&mut command, BUILD_TIMEOUT)
        .context("building openapi-generator's Rust client and its probe")?;
    Ok(target.join("debug").join(PROBE))
}

/// Runs the three clients against the mock; every one runs, and every failure is reported.
fn run_clients(mock: &Server, python: &PythonTools, probe: &Path, version: &str) -> Result<()> {
    let (api_key, token) = mock.mock_credentials()?;
    let root = workspace::root();
    let generated = root.join(GENERATED);
    let common = [
        "--url",
        &mock.url,
        "--api-key",
        &api_key,
        "--token",
        &token,
        "--library-size",
        LIBRARY_SIZE,
    ];
    let mut failures = Vec::new();

    println!("==> python: openapi-generator {version} `python`");
    let mut smoke = python.command("python");
    smoke
        .arg(root.join(DIR).join("python/smoke.py"))
        .arg("--client")
        .arg(generated.join("python"))
        .args(["--package", PACKAGE, "--spec", DIST_JSON])
        .args(common);
    if let Err(error) = process::run(&mut smoke, STEP_TIMEOUT) {
        failures.push(format!("python: {error:#}"));
    }

    println!("==> typescript: openapi-fetch over openapi-typescript's types");
    let mut smoke = Command::new("node");
    smoke
        .current_dir(&root)
        .arg(generated.join("typescript/out/typescript/smoke.mjs"))
        .args(["--spec", DIST_JSON])
        .args(common);
    if let Err(error) = process::run(&mut smoke, STEP_TIMEOUT) {
        failures.push(format!("typescript: {error:#}"));
    }

    println!("==> rust: openapi-generator {version} `rust` (a known failure)");
    let mut command = Command::new(probe);
    command
        .current_dir(&root)
        .args([DIST_JSON, &mock.url, &api_key, &token]);
    let (status, stdout) = process::output_and_status(&mut command, STEP_TIMEOUT)?;
    print!("{stdout}");
    match probe_verdict(status.code(), version) {
        Ok(message) => println!("{message}"),
        Err(failure) => failures.push(failure),
    }

    if failures.is_empty() {
        Ok(())
    } else {
        bail!("{}", failures.join("\n"))
    }
}

/// What the Rust probe's exit code means: the known failure still there (a message), or a
/// failure of the step (its message): the failure is gone, or something else broke.
fn probe_verdict(code: Option<i32>, version: &str) -> Result<String, String> {
    match code {
        Some(0) => Ok(format!(
            "rust: openapi-generator {version}'s Rust client still decodes no page holding an \
             entity, as docs/other-languages.md says"
        )),
        Some(PROBE_FIXED) => Err(format!(
            "rust: openapi-generator {version}'s Rust client now decodes pages holding entities: \
             update its row in docs/other-languages.md and make \
             `cargo xtask clients` hold it to a passing check"
        )),
        Some(code) => Err(format!(
            "rust: the probe failed otherwise than known (exit code {code})"
        )),
        None => Err("rust: the probe was killed by a signal".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_passing_means_the_known_failure_is_still_there() {
        let message = probe_verdict(Some(0), "7.26.0").expect("the known failure");
        assert!(message.contains("still decodes no page"), "{message}");
    }

    #[test]
    fn a_release_that_decodes_the_pages_fails_the_step_and_says_so() {
        let failure = probe_verdict(Some(PROBE_FIXED), "7.99.0").expect_err("fixed");
        assert!(failure.contains("7.99.0"), "{failure}");
        assert!(failure.contains("now decodes"), "{failure}");
        assert!(failure.contains("other-languages.md"), "{failure}");
    }

    #[test]
    fn any_other_failure_of_the_probe_fails_the_step() {
        for code in [Some(1), Some(101), None] {
            let failure = probe_verdict(code, "7.26.0").expect_err("unexpected");
            assert!(!failure.contains("now decodes"), "{failure}");
        }
    }

    #[test]
    fn the_rust_probe_has_a_call_for_every_operation_of_the_spec() {
        // The probe finds out at run time too; this says so before anything is built.
        let root = workspace::root();
        let spec: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(DIST_JSON)).expect("reading the bundle"),
        )
        .expect("parsing the bundle");
        let probe = std::fs::read_to_string(root.join(DIR).join("rust/src/main.rs"))
            .expect("reading the probe");
        let operation_ids: Vec<&str> = spec["paths"]
            .as_object()
            .expect("paths")
            .values()
            .filter_map(serde_json::Value::as_object)
            .flat_map(|item| item.values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        assert_eq!(operation_ids.len(), 17);
        for operation_id in operation_ids {
            assert!(
                probe.contains(&format!("\"{operation_id}\" =>")),
                "the Rust probe has no call for {operation_id}"
            );
        }
    }

    #[test]
    fn the_generated_folder_is_ignored_by_git() {
        let ignore = std::fs::read_to_string(workspace::root().join(".gitignore"))
            .expect("reading .gitignore");
        assert!(
            ignore.lines().any(|line| line == format!("/{GENERATED}")),
            "{GENERATED} must be ignored: generated code is never checked in"
        );
    }
}
