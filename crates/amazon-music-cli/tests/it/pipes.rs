//! Every command into a pipe whose reader is already gone (`amzn-music ... | head -0`): each
//! write to stdout fails, and each command ends quietly with exit code 0, never a panic.

use std::process::Command;

use amazon_music_mock::MockServer;

use crate::support::{amzn_music, finish, home};

/// Runs `command` with stdout a pipe closed at its reading end, and checks that it ends with
/// exit code 0 and no panic.
fn into_a_closed_pipe(mut command: Command, url: &str, what: &str) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = command.stdout(writer).output().expect("the binary runs");
    let run = finish(output, url);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("Broken pipe"),
        "{what}: {}",
        run.stderr
    );
    assert_eq!(run.code, 0, "{what}: {}", run.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_ends_quietly_into_a_closed_pipe() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let folder = home("closed-pipe-export");
    let export = folder.join("export");
    let export = export.to_str().expect("a UTF-8 path");
    let cases: &[&[&str]] = &[
        &["recent"],
        &["--all", "library", "songs"],
        &["-o", "json", "home"],
        &["-o", "ndjson", "library", "albums"],
        &["-o", "ids", "recent"],
        &["-o", "raw", "recent"],
        &["album", "B0CKMM9LJF"],
        &["api", "getRecentlyPlayedView"],
        &["api", "--list"],
        &["auth", "status"],
        &["config", "path"],
        &["completions", "bash"],
        &["man"],
        // Twice: the first run exports, the second finds the export finished; both end with
        // the summary on stdout.
        &["export", export],
        &["export", export],
        &["mock-server", "--port", "0"],
        &["--help"],
        &["library", "--help"],
        &["--version"],
    ];
    for args in cases {
        let command_home = home("closed-pipe");
        let mut command = amzn_music(&command_home);
        command
            .env("AMAZON_MUSIC_BASE_URL", server.url())
            .env("AMAZON_MUSIC_API_KEY", credentials.api_key())
            .env("AMAZON_MUSIC_TOKEN", credentials.access_token())
            .args(*args);
        into_a_closed_pipe(command, server.url(), &args.join(" "));
    }
}
