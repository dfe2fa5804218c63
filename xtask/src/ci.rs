//! `cargo xtask ci`: the whole gate, as CI runs it.

use anyhow::{Context, Result, bail};

use crate::util::workspace;

/// Runs every step in order and stops at the first failure: formatting, clippy, the generated
/// and bundled files, the spec's lint, every test, the doctests, a short run of each fuzz
/// target, rustdoc, and the third-party tools (Prism, Schemathesis, TypeScript, Python), clients
/// of other languages made by their generators, and the release checks (MSRV, rustls, packaging,
/// a fresh resolve and a new user's app).
pub fn run() -> Result<()> {
    let steps: &[(&str, &[&str])] = &[
        ("format", &["fmt", "--all", "--check"]),
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("codegen", &["xtask", "codegen", "--check"]),
        ("msrv", &["xtask", "msrv"]),
        ("bundle", &["xtask", "bundle", "--check"]),
        // Installs the pinned npm and Python tools on first use (both at once).
        ("spec tools", &["xtask", "tools"]),
        ("lint", &["xtask", "lint"]),
        (
            "tests",
            &[
                "nextest",
                "run",
                "--workspace",
                "--locked",
                "--no-fail-fast",
            ],
        ),
        ("doctests", &["test", "--workspace", "--locked", "--doc"]),
        // Each fuzz target for 20 s from its corpus, which it leaves as checked in: a target
        // that no longer builds, or an input that now crashes, fails here, not in a long run.
        (
            "fuzz",
            &["xtask", "fuzz", "--seconds", "20", "--keep-corpus"],
        ),
        ("rustls", &["xtask", "rustls"]),
        // Broken intra-doc links and malformed docs fail the gate (RUSTDOCFLAGS below).
        ("rustdoc", &["doc", "--workspace", "--no-deps", "--locked"]),
        // One spec edit reaches every layer: a scratch copy, regenerated, built and called.
        ("spec proof", &["xtask", "spec-proof"]),
        // Every published crate builds from its .crate alone: nothing read from outside it.
        ("package", &["xtask", "package"]),
        // What users build: the newest compatible dependencies, and an app of their own.
        ("user build", &["xtask", "user-build"]),
        ("contract", &["xtask", "contract"]),
        // amzn-music drift finds everything Redocly's drift finds in the fixture recording.
        ("redocly drift", &["xtask", "redocly-drift"]),
        // Requests generated from the spec, every response of the mock checked.
        ("schemathesis", &["xtask", "schemathesis"]),
        ("typescript", &["xtask", "typescript"]),
        ("python", &["xtask", "python"]),
        // Clients of other languages, generated from the bundle and run against the mock.
        ("clients", &["xtask", "clients"]),
    ];
    for (name, args) in steps {
        cargo(name, args)?;
    }
    println!("gate passed");
    Ok(())
}

fn cargo(step: &str, args: &[&str]) -> Result<()> {
    println!("==> {step}: cargo {}", args.join(" "));
    let mut command = workspace::cargo();
    command.args(args).current_dir(workspace::root());
    if step == "rustdoc" {
        command.env("RUSTDOCFLAGS", "-D warnings");
    }
    let status = command
        .status()
        .with_context(|| format!("starting `cargo {}`", args.join(" ")))?;
    if !status.success() {
        bail!("step `{step}` failed: cargo {}", args.join(" "));
    }
    Ok(())
}
