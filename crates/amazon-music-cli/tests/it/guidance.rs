//! Errors that say what to do: where IDs come from (and a page's URL in place of one), which
//! API could not be reached and why, how to resume an export that stopped or was interrupted,
//! a file where a folder goes, and secrets that are never read from a terminal.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use amazon_music::models::Operation;
use amazon_music_mock::{Fault, MockServer};

use crate::commands::on_a_terminal;
use crate::support::{amzn_music, assert_same_as_file, home, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_music_amazon_com_url_works_where_an_id_is_expected() {
    let server = MockServer::start().await.expect("a mock server");
    let album = run(
        &server,
        &[
            "album",
            "https://music.amazon.com/albums/B0CKMM9LJF?trackAsin=B0CKMLZ3VH",
        ],
    );
    assert_eq!(album.code, 0, "{}", album.stderr);
    assert_same_as_file("album.txt", &album.stdout);

    let other = run(
        &server,
        &[
            "album",
            "https://music.amazon.de/artists/B000QJJOSO/the-offspring",
        ],
    );
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert_eq!(
        other.stderr,
        "error: that URL is an artist's page: `amzn-music artist B000QJJOSO` shows it\n"
    );
    assert_eq!(server.requests().len(), 1, "only the album was asked for");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_connection_names_the_url_and_the_cause() {
    // A port nothing listens on: one bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let refused = format!("http://127.0.0.1:{port}");
    for (url, cause) in [
        (
            refused.as_str(),
            "the connection was refused (nothing listens at that address and port)",
        ),
        (
            "http://no-such-host.invalid",
            "its host name could not be resolved (check the spelling, or the network)",
        ),
    ] {
        let output = amzn_music(&home("connect"))
            .args([
                "--base-url",
                url,
                "--api-key",
                "k",
                "--token",
                "t",
                "recent",
            ])
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr,
            format!(
                "error: could not connect to the API at {url}: {cause}; check the network or \
                 --base-url, and try again\n"
            )
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_to_a_file_says_it_is_not_a_folder() {
    let server = MockServer::start().await.expect("a mock server");
    let folder = home("export-to-a-file");
    let file = folder.join("a-file");
    std::fs::write(&file, "").expect("a file");
    let run = run(&server, &["export", file.to_str().expect("UTF-8")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: {} is not a folder: export writes a folder of files; give a new or existing \
             folder\n",
            file.display()
        )
    );
    assert!(server.requests().is_empty());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_an_export_says_how_to_resume_it() {
    let server = MockServer::start().await.expect("a mock server");
    // The songs never come: the export waits there until Ctrl-C.
    server
        .faults()
        .inject(Fault::latency(Duration::from_secs(600)).on_operation(Operation::LibrarySongs));
    let credentials = server.credentials();
    let folder = home("export-ctrl-c");
    let dir = folder.join("out");
    let child_home = home("export-ctrl-c-home");
    let mut child = amzn_music(&child_home)
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
        ])
        .args(["--token", credentials.access_token(), "export"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // The lists come at once: once every library list but the songs is done, the export
    // waits for the songs (the playlists' tracks have no line until the end).
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut waiting = vec!["albums: ", "artists: ", "playlists: ", "podcasts: "];
    while !waiting.is_empty() {
        let mut line = String::new();
        let read = stderr.read_line(&mut line).expect("stderr");
        assert_ne!(read, 0, "the export ended early");
        waiting.retain(|name| !line.starts_with(name));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("`kill` runs");
    assert!(sent.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr");
    let output = child.wait_with_output().expect("it ends");
    assert_eq!(
        output.status.code(),
        Some(130),
        "signal {:?}: {rest}",
        std::os::unix::process::ExitStatusExt::signal(&output.status)
    );
    assert_eq!(
        rest,
        format!(
            "error: interrupted (Ctrl-C); the export stopped; run `amzn-music export '{}'` again \
             to resume it\n",
            dir.display()
        )
    );
    assert!(dir.join(".amzn-music-export.json").exists());
}

#[test]
fn login_with_token_refuses_to_read_a_secret_from_a_terminal() {
    let Some(terminal) = on_a_terminal(
        "with-token-on-a-terminal",
        &format!(
            "{} login --client-id amzn1.application-oa2-client.x --with-token; echo \"exit $?\"",
            env!("CARGO_BIN_EXE_amzn-music")
        ),
        &[("NO_COLOR", "1")],
    ) else {
        return;
    };
    assert!(
        terminal.contains(
            "error: --with-token and --with-api-key read standard input, which is a terminal here"
        ),
        "{terminal:?}"
    );
    assert!(terminal.contains("exit 2"), "{terminal:?}");
}

#[test]
fn a_failed_code_pair_request_names_the_code_pair_endpoint() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/auth/o2/create/codepair");
    let output = amzn_music(&home("codepair"))
        .args(["login", "--client-id", "amzn1.application-oa2-client.x"])
        .args(["--codepair-url", &url])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: could not reach the code-pair endpoint {url}: the connection was refused \
             (nothing listens at that address and port); check the network, or --codepair-url / \
             AMAZON_MUSIC_LWA_CODEPAIR_URL, and try again\n"
        )
    );
}
