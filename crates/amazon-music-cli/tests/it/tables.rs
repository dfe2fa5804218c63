//! Tables, CSV and TSV: the columns people read, the IDs whole within the width, one summary
//! of an entity for a table, `-o csv` and the export's CSV, and cells a spreadsheet would run
//! escaped.

use amazon_music_mock::MockServer;
use serde_json::json;
use unicode_width::UnicodeWidthStr;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

use crate::failures::{api, recent_page, run_against};
use crate::support::{amzn_music, finish, home, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_show_the_columns_people_read() {
    let server = MockServer::start().await.expect("a mock server");
    let songs = run(&server, &["library", "songs"]);
    assert_eq!(songs.code, 0, "{}", songs.stderr);
    assert!(
        songs.stdout.contains("\n  ID          TITLE "),
        "no TYPE column when every row is a track: {}",
        songs.stdout
    );
    let artists = run(&server, &["library", "artists"]);
    assert!(
        artists.stdout.contains("\n  ID          ARTIST\n"),
        "{}",
        artists.stdout
    );
    let recent = run(&server, &["recent"]);
    assert!(recent.stdout.contains("  TYPE  "), "{}", recent.stdout);
    let home_view = run(&server, &["home"]);
    for label in ["[LIST]", "[GRID]", "[STACK]", "[TABLE]"] {
        assert!(!home_view.stdout.contains(label), "{}", home_view.stdout);
    }
    let album = run(&server, &["album", "B0CKMM9LJF"]);
    for fact in [
        "\nArtists   Green Day\n",
        "\nReleased  2024-01-19\n",
        "\nTracks    15\n",
        "\nDuration  46:03\n",
        "\nLabel     Reprise\n",
    ] {
        assert!(album.stdout.contains(fact), "{fact:?}: {}", album.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uuid_ids_stay_whole_and_on_their_line_at_60_columns() {
    let server = MockServer::start().await.expect("a mock server");
    let credentials = server.credentials();
    let output = amzn_music(&home("sixty"))
        .env("COLUMNS", "60")
        .args([
            "--base-url",
            server.url(),
            "--api-key",
            credentials.api_key(),
        ])
        .args(["--token", credentials.access_token(), "home"])
        .output()
        .expect("the binary runs");
    let run = finish(output, server.url());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let uuid = "3f8c2a71-9d4e-4b6a-8e21-5c7d0f93ab46";
    let row = run
        .stdout
        .lines()
        .find(|line| line.contains(uuid))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(row.starts_with(&format!("  {uuid}  ")), "{row:?}");
    for line in run.stdout.lines().filter(|line| line.starts_with("  ")) {
        if !line.starts_with("  more: ") {
            assert!(line.width() <= 60, "{line:?} is wider than 60 columns");
        }
    }
    // A width of its own, in a pipe: wider rows than the default cut.
    let wide = run_with(&server, &["--width", "200", "home"]);
    assert!(!wide.contains('…'), "{wide}");
}

fn run_with(server: &MockServer, args: &[&str]) -> String {
    let run = run(server, args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run.stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_and_no_headers_choose_what_a_table_tsv_or_csv_shows() {
    let server = MockServer::start().await.expect("a mock server");
    let ids = run_with(&server, &["-o", "ids", "library", "songs", "--limit", "3"]);
    let tsv = run_with(
        &server,
        &[
            "-o",
            "tsv",
            "--columns",
            "title,artists,id",
            "--no-headers",
            "library",
            "songs",
            "--limit",
            "3",
        ],
    );
    let third: Vec<&str> = tsv
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 3, "{line:?}");
            cells[2]
        })
        .collect();
    assert_eq!(third, ids.lines().collect::<Vec<_>>());

    let table = run_with(
        &server,
        &["library", "songs", "--limit", "3", "--columns", "title,id"],
    );
    assert!(table.contains("\n  TITLE "), "{table}");
    let bare = run_with(
        &server,
        &["library", "songs", "--limit", "3", "--no-headers"],
    );
    assert!(!bare.contains("TITLE"), "{bare}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_output_is_the_export_s_csv() {
    let server = MockServer::builder()
        .library_size(120)
        .start()
        .await
        .expect("a mock server");
    let csv = run_with(&server, &["-o", "csv", "--all", "library", "albums"]);
    let folder = home("csv-export");
    let dir = folder.join("out");
    let export = run(
        &server,
        &["export", dir.to_str().expect("UTF-8"), "--format", "csv"],
    );
    assert_eq!(export.code, 0, "{}", export.stderr);
    let file = std::fs::read_to_string(dir.join("albums.csv")).expect("albums.csv");
    assert!(
        csv.starts_with("type,id,title,artists,album,duration,mrn\r\n"),
        "{csv}"
    );
    assert_eq!(csv, file, "one summary, one CSV");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_cells_a_spreadsheet_would_run_are_escaped() {
    let server = api(async |server| {
        let mut page = recent_page(None);
        let track = &mut page["data"]["content"]["entityGroups"][0]["content"]["entities"][0];
        track["title"] = json!("=HYPERLINK(\"http://evil\",\"click\")");
        track["artists"][0]["name"] = json!("@SUM(A1)");
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(server)
            .await;
    })
    .await;
    let run = run_against(&server, &[], &["-o", "csv", "recent"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let row = run.stdout.lines().nth(1).expect("a row");
    assert!(
        row.starts_with(
            "Track,B0TRACK001,\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",\"'@SUM(A1)\",Dookie,"
        ),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_progress_is_one_line_a_list() {
    let server = MockServer::start().await.expect("a mock server");
    let folder = home("export-lines");
    let dir = folder.join("out");
    let export = run(&server, &["export", dir.to_str().expect("UTF-8")]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let lines: Vec<&str> = export.stderr.lines().collect();
    let mut names: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.split_once(": ").map(|(name, _)| name))
        .collect();
    // The library's lists as each ends (they are fetched at once), the playlists' tracks last.
    names[..5].sort_unstable();
    assert_eq!(
        names,
        [
            "albums",
            "artists",
            "playlists",
            "podcasts",
            "songs",
            "playlist tracks"
        ],
        "{}",
        export.stderr
    );
    assert!(
        lines[5].starts_with("playlist tracks: ") && lines[5].contains(" tracks in "),
        "{}",
        lines[5]
    );
}
