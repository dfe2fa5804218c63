//! `amzn-music export DIR`: every list as files, atomically, and an interrupted export that
//! resumes to the same files as an uninterrupted one.

use std::path::{Path, PathBuf};

use amazon_music::{Entity, models::Operation};
use amazon_music_mock::{Fault, MockServer};

use crate::support::{Home, Run, assert_matches_file, files, home, run};

/// A fresh folder to export to, not made yet, in a home folder removed when it is dropped.
fn target(name: &str) -> Target {
    let home = home(&format!("export-{name}"));
    let dir = home.join("out");
    Target { _home: home, dir }
}

/// See [`target`].
struct Target {
    _home: Home,
    dir: PathBuf,
}

impl std::ops::Deref for Target {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.dir
    }
}

fn export(server: &MockServer, dir: &Path, format: &str) -> Run {
    run(
        server,
        &["export", dir.to_str().expect("UTF-8"), "--format", format],
    )
}

/// The summary, without the folder and the time it took.
fn summary(run: &Run, dir: &Path) -> String {
    let text = run.stdout.replace(&dir.display().to_string(), "DIR");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if let Some(first) = lines.first_mut()
        && let Some(at) = first.find(" in ")
    {
        first.replace_range(at..first.len() - 1, "");
    }
    lines.join("\n") + "\n"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_every_list_as_json() {
    let server = MockServer::builder()
        .library_size(120)
        .start()
        .await
        .expect("a mock server");
    let dir = target("json");
    let done = export(&server, &dir, "json");
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_matches_file("export-summary.txt", &summary(&done, &dir));
    assert!(
        done.stderr.contains("songs: 120 entities\n"),
        "{}",
        done.stderr
    );

    let read = |name: &str| -> Vec<Entity> {
        let text = std::fs::read_to_string(dir.join(name)).expect(name);
        serde_json::from_str(&text).expect("a JSON array of entities")
    };
    let songs = read("songs.json");
    assert_eq!(songs.len(), 120);
    assert!(songs.iter().all(|song| matches!(song, Entity::Track(_))));
    let playlists = read("playlists.json");
    assert!(!playlists.is_empty());
    for playlist in &playlists {
        let id = playlist.id().expect("an id");
        let tracks = read(&format!("playlists/{id}.json"));
        assert!(!tracks.is_empty(), "{id}");
    }
    for name in ["albums.json", "artists.json", "podcasts.json"] {
        assert!(!read(name).is_empty(), "{name}");
    }
    let names: Vec<String> = files(&dir).into_keys().collect();
    assert!(
        names
            .iter()
            .all(|name| !name.ends_with(".tmp") && !name.starts_with(".partial")),
        "nothing half-written is left: {names:?}"
    );
    assert_eq!(names.len(), 5 + playlists.len() + 1, "{names:?}");

    let requests = server.requests().len();
    let again = export(&server, &dir, "json");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stderr.starts_with(&format!(
            "{} already holds a finished export: nothing to do",
            dir.display()
        )),
        "{}",
        again.stderr
    );
    assert_eq!(
        server.requests().len(),
        requests,
        "a finished export fetches nothing"
    );
    let other = export(&server, &dir, "csv");
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(
        other.stderr.contains("run with --format json"),
        "{}",
        other.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_writes_csv_a_spreadsheet_takes() {
    let server = MockServer::builder()
        .library_size(30)
        .start()
        .await
        .expect("a mock server");
    let dir = target("csv");
    let done = export(&server, &dir, "csv");
    assert_eq!(done.code, 0, "{}", done.stderr);
    let albums = std::fs::read_to_string(dir.join("albums.csv")).expect("albums.csv");
    assert!(albums.starts_with("type,id,title,artists,album,duration,mrn\r\n"));
    assert_matches_file("export-albums.csv", &albums);
    let podcasts = std::fs::read_to_string(dir.join("podcasts.csv")).expect("podcasts.csv");
    assert_matches_file("export-podcasts.csv", &podcasts);
    let songs = std::fs::read_to_string(dir.join("songs.csv")).expect("songs.csv");
    assert_eq!(songs.lines().count(), 31, "a header and 30 songs");
}

/// An export of `dir` one list at a time: the reference the concurrent runs are held to.
fn export_sequentially(server: &MockServer, dir: &Path, format: &str) -> Run {
    run(
        server,
        &[
            "export",
            dir.to_str().expect("UTF-8"),
            "--format",
            format,
            "--concurrency",
            "1",
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_export_writes_the_same_files_as_a_sequential_one() {
    let server = MockServer::builder()
        .library_size(400)
        .start()
        .await
        .expect("a mock server");
    for format in ["json", "csv"] {
        let sequential = target(&format!("sequential-{format}"));
        let one_at_a_time = export_sequentially(&server, &sequential, format);
        assert_eq!(one_at_a_time.code, 0, "{}", one_at_a_time.stderr);
        for concurrency in ["3", "8", "64"] {
            let dir = target(&format!("concurrent-{format}-{concurrency}"));
            let done = run(
                &server,
                &[
                    "export",
                    dir.to_str().expect("UTF-8"),
                    "--format",
                    format,
                    "--concurrency",
                    concurrency,
                ],
            );
            assert_eq!(done.code, 0, "{}", done.stderr);
            assert_eq!(summary(&done, &dir), summary(&one_at_a_time, &sequential));
            assert_eq!(files(&dir), files(&sequential), "{format}, {concurrency}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_export_resumes_to_the_same_files_as_an_uninterrupted_one() {
    let server = MockServer::builder()
        .library_size(250)
        .start()
        .await
        .expect("a mock server");
    for format in ["json", "csv"] {
        let whole = target(&format!("whole-{format}"));
        let uninterrupted = export_sequentially(&server, &whole, format);
        assert_eq!(uninterrupted.code, 0, "{}", uninterrupted.stderr);

        let dir = target(&format!("resumed-{format}"));
        // A 503 on the third page of songs, on every retry: the export stops there.
        let faults = server.faults();
        faults.inject(
            Fault::status(503)
                .on_operation(Operation::LibrarySongs)
                .after(2),
        );
        let first = export(&server, &dir, format);
        assert_eq!(first.code, 1, "{}", first.stderr);
        assert!(first.stderr.contains("HTTP 503"), "{}", first.stderr);
        assert!(
            first.stderr.trim_end().ends_with(&format!(
                "; the export stopped; run `amzn-music export '{}'` again to resume it",
                dir.display()
            )),
            "{}",
            first.stderr
        );
        assert!(
            !dir.join(format!("songs.{format}")).exists(),
            "no half list"
        );
        assert!(dir.join(".amzn-music-export.json").exists());
        faults.clear();

        let before = server.requests().len();
        let second = export(&server, &dir, format);
        assert_eq!(second.code, 0, "{}", second.stderr);
        assert!(
            second
                .stderr
                .starts_with(&format!("resuming the export in {} (", dir.display())),
            "{}",
            second.stderr
        );
        let songs: Vec<_> = server
            .requests()
            .into_iter()
            .skip(before)
            .filter(|request| request.operation == Some(Operation::LibrarySongs))
            .collect();
        assert_eq!(songs.len(), 1, "only the songs' last page is fetched again");
        assert!(
            songs[0]
                .query
                .as_deref()
                .is_some_and(|query| query.contains("cursor=")),
            "{:?}",
            songs[0]
        );
        assert_eq!(summary(&second, &dir), summary(&uninterrupted, &whole));
        assert_eq!(files(&dir), files(&whole), "{format}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_dropped_at_several_points_resumes_to_the_same_files() {
    let server = MockServer::builder()
        .library_size(250)
        .start()
        .await
        .expect("a mock server");
    let whole = target("dropped-whole");
    let uninterrupted = export_sequentially(&server, &whole, "json");
    assert_eq!(uninterrupted.code, 0, "{}", uninterrupted.stderr);
    let pages = server.requests().len();

    let dir = target("dropped");
    let faults = server.faults();
    // Every view request after the first few drops its connection, on every retry: the run
    // stops with some lists done, some half done, and pages in flight. Only the requests
    // let through get their pages.
    let passes = [2, 4, 6, 8];
    let mut fetched = 0;
    for passed in passes {
        let before = server.requests().len();
        faults.inject(Fault::drop_connection().on_path("/v1/views").after(passed));
        let dropped = export(&server, &dir, "json");
        faults.clear();
        assert_eq!(dropped.code, 1, "{}", dropped.stderr);
        assert!(
            dropped.stderr.contains("the export stopped"),
            "{}",
            dropped.stderr
        );
        fetched += (server.requests().len() - before).min(passed as usize);
    }
    let before = server.requests().len();
    let last = export(&server, &dir, "json");
    assert_eq!(last.code, 0, "{}", last.stderr);
    assert_eq!(summary(&last, &dir), summary(&uninterrupted, &whole));
    assert_eq!(files(&dir), files(&whole));
    // A page is fetched again only if it was in flight, or being written, when a run
    // stopped: at most two a list fetched at once, a run.
    fetched += server.requests().len() - before;
    assert!(
        fetched <= pages + passes.len() * 2 * amazon_music::pagination::DEFAULT_CONCURRENCY,
        "{fetched} pages for an export of {pages}"
    );
}

#[test]
fn export_shows_each_list_and_a_spinner_on_a_terminal() {
    let dir = target("terminal");
    let Some(terminal) = crate::commands::on_a_terminal(
        "export-terminal",
        &format!(
            "{} --mock export {} > /dev/null",
            env!("CARGO_BIN_EXE_amzn-music"),
            dir.display()
        ),
        &[],
    ) else {
        return;
    };
    // A line a list, which stays with the final count.
    assert!(terminal.contains("  songs: 300 entities "), "{terminal:?}");
    assert!(terminal.contains("  podcasts: "), "{terminal:?}");
    // The whole export's line, with the rate.
    assert!(terminal.contains(" export: "), "{terminal:?}");
    assert!(terminal.contains(" entities/s ("), "the rate: {terminal:?}");
    // The playlists' tracks: one line for all of them, counted, and one final line.
    assert!(
        terminal.contains("playlist tracks: playlist 0 of "),
        "{terminal:?}"
    );
    assert!(
        terminal.contains("  playlist tracks: ") && terminal.contains(" tracks in "),
        "{terminal:?}"
    );
    assert!(dir.join("songs.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_export_keeps_its_format_unless_told_another() {
    let server = MockServer::builder()
        .library_size(30)
        .start()
        .await
        .expect("a mock server");
    let dir = target("keeps-format");
    server.faults().inject(
        Fault::status(503)
            .on_operation(Operation::LibrarySongs)
            .after(0),
    );
    let first = export(&server, &dir, "csv");
    assert_eq!(first.code, 1, "{}", first.stderr);
    server.faults().clear();
    let other = export(&server, &dir, "json");
    assert_eq!(other.code, 2, "{}", other.stderr);
    assert!(
        other.stderr.contains("run with --format csv"),
        "{}",
        other.stderr
    );
    let resumed = run(&server, &["export", dir.to_str().expect("UTF-8")]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    assert!(dir.join("songs.csv").exists());
    assert!(!dir.join("songs.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_under_the_apis_rate_limit_slows_down_and_finishes() {
    let server = MockServer::builder()
        .library_size(1000)
        .start()
        .await
        .expect("a mock server");
    let whole = target("limited-whole");
    assert_eq!(export_sequentially(&server, &whole, "json").code, 0);
    let before = server.requests().len();
    server.faults().inject(Fault::rate_limit(20));
    let dir = target("limited");
    let done = export(&server, &dir, "json");
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(files(&dir), files(&whole));
    // The command's adaptive rate limit: after the first 429s, it keeps under the limit.
    let statuses: Vec<u16> = server
        .requests()
        .iter()
        .skip(before)
        .map(|request| request.status)
        .collect();
    let throttled = statuses.iter().filter(|status| **status == 429).count();
    assert!(throttled >= 1, "the limit was met: {statuses:?}");
    assert!(
        throttled * 100 <= statuses.len() * 15,
        "{throttled} of {} answers were 429",
        statuses.len()
    );
}
