//! `amzn-music export DIR`: the whole library as files, resumable.
//!
//! The lists are the library's songs, albums, artists, playlists and podcasts, then each
//! followed playlist's tracks (`playlists/<id>`). Each list is fetched page by page; every page
//! is appended to `.partial/<list>.ndjson` in DIR and its cursor recorded in the state file
//! (`.amzn-music-export.json`, replaced atomically), so that an interrupted export goes on from
//! the page it stopped at. A list's file (`songs.json`, `songs.csv`, ...) is written beside
//! under a temporary name and renamed into place when its last page is in.

use std::fs;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Instant;

use amazon_music::pagination::EntityPages;
use amazon_music::{
    Client, Entity, ViewRequest, models::CursorGroups, models::Operation, models::PagingStyle,
};
use anyhow::{Context, Result};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::atomic::{self, Access};
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Interrupted, Then, UsageError};
use crate::output::{self, plural};
use crate::progress::Progress;
use crate::summary::Summary;
use crate::{page_size, table};

/// The state file, in DIR.
pub const STATE_FILE: &str = ".amzn-music-export.json";
/// Where unfinished lists are kept, in DIR.
const PARTIAL_DIR: &str = ".partial";

/// The library's lists, from the operation table: every operation under the library view's
/// path without path parameters whose entities page (today songs, albums, artists, playlists
/// and podcasts), named by the last segment of its path, in the spec's order. A list the spec
/// adds is exported with no change here.
fn library_lists() -> Vec<(&'static str, Operation)> {
    let library = Operation::Library.path_template();
    Operation::ALL
        .into_iter()
        .filter_map(|operation| {
            let spec = operation.spec();
            let name = spec.path.strip_prefix(library)?.strip_prefix('/')?;
            (spec.path_parameters.is_empty() && spec.paging == PagingStyle::Entities)
                .then_some((name, operation))
        })
        .collect()
}

/// What an export has done so far.
#[derive(Debug, Deserialize, Serialize)]
struct State {
    format: ExportFormat,
    /// Each list begun, in the order they were begun.
    lists: Vec<ListState>,
    /// The followed playlists' IDs, once the playlists list is done.
    #[serde(default)]
    playlist_ids: Option<Vec<String>>,
    #[serde(default)]
    finished: bool,
}

/// How far one list got.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct ListState {
    /// The list's name (`songs`, `playlists/<id>`, ...).
    name: String,
    /// The cursor of the next page to fetch; `None` before the first page.
    cursor: Option<String>,
    /// How many entities are stored (in the partial file, or the list's file once done).
    count: usize,
    done: bool,
}

impl State {
    /// Records how far a list got, in place of what was recorded for it.
    fn record(&mut self, list: ListState) {
        match self.lists.iter_mut().find(|entry| entry.name == list.name) {
            Some(entry) => *entry = list,
            None => self.lists.push(list),
        }
    }
}

/// One list to export: its name (also its file's, without the extension), its operation and
/// its path arguments.
struct List {
    name: String,
    operation: Operation,
    path_arguments: Vec<String>,
}

/// Runs `export`.
///
/// # Errors
/// A [`UsageError`] when DIR holds an export in the other format; what the API or the file
/// system says otherwise (the state file then lets a new run resume).
pub async fn run(client: &Client, args: &ExportArgs) -> Result<()> {
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(UsageError::new(format!(
            "{} is not a folder: export writes a folder of files; give a new or existing folder",
            dir.display()
        ))
        .into());
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let state_path = dir.join(STATE_FILE);
    let mut state = match fs::read_to_string(&state_path) {
        Ok(text) => serde_json::from_str::<State>(&text).with_context(|| {
            format!(
                "{} is not an export state this version can read; remove it to start over",
                state_path.display()
            )
        })?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => State {
            format: args.format.unwrap_or(ExportFormat::Json),
            lists: Vec::new(),
            playlist_ids: None,
            finished: false,
        },
        Err(error) => {
            return Err(error).with_context(|| format!("reading {}", state_path.display()));
        }
    };
    if args.format.is_some_and(|format| format != state.format) {
        return Err(UsageError::new(format!(
            "{} holds an export as {}: run with --format {} to go on with it, or pick another folder",
            dir.display(),
            name_of(state.format),
            name_of(state.format)
        ))
        .into());
    }
    if state.finished {
        eprintln!(
            "{} already holds a finished export: nothing to do (remove {} to export again)",
            dir.display(),
            STATE_FILE
        );
        print_summary(dir, &state, None)?;
        return Ok(());
    }
    if !state.lists.is_empty() {
        let done = state.lists.iter().filter(|list| list.done).count();
        eprintln!(
            "resuming the export in {} ({done} lists done)",
            dir.display()
        );
    }
    let started = Instant::now();
    let progress = Progress::start();
    let mut tally = Tally {
        started,
        fetched: 0,
    };
    let work = async {
        // One line a list on stderr; the playlists' tracks are one list of lists.
        for (name, operation) in library_lists() {
            let list = List {
                name: name.to_owned(),
                operation,
                path_arguments: Vec::new(),
            };
            let count =
                export_list(client, dir, &mut state, &list, name, &progress, &mut tally).await?;
            progress.println(&format!("{name}: {}", plural(count, "entity", "entities")));
        }
        let ids = state.playlist_ids.clone().unwrap_or_default();
        let mut tracks = 0;
        for (index, id) in ids.iter().enumerate() {
            let list = List {
                name: format!("playlists/{}", file_name(id)),
                operation: Operation::Playlist,
                path_arguments: vec![id.clone()],
            };
            let label = format!("playlist tracks: playlist {} of {}", index + 1, ids.len());
            tracks += export_list(
                client, dir, &mut state, &list, &label, &progress, &mut tally,
            )
            .await?;
        }
        progress.println(&format!(
            "playlist tracks: {} in {}",
            plural(tracks, "track", "tracks"),
            plural(ids.len(), "playlist", "playlists")
        ));
        state.finished = true;
        save_state(dir, &state)?;
        let _ = fs::remove_dir(dir.join(PARTIAL_DIR).join("playlists"));
        let _ = fs::remove_dir(dir.join(PARTIAL_DIR));
        anyhow::Ok(())
    };
    // Ctrl-C stops at whatever page is in flight: the state file holds every page before it.
    let result = tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
    };
    progress.finish_and_clear();
    result.map_err(|error| {
        error.context(Then(format!(
            "the export stopped; run `amzn-music export {}` again to resume it",
            output::single_quote(&dir.display().to_string())
        )))
    })?;
    print_summary(dir, &state, Some(started))?;
    Ok(())
}

fn name_of(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Json => "json",
        ExportFormat::Csv => "csv",
    }
}

/// How many entities this run fetched, and since when: the rate the progress shows.
struct Tally {
    started: Instant,
    fetched: usize,
}

impl Tally {
    /// Entities a second, so far.
    fn rate(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64();
        if self.fetched == 0 || seconds <= 0.0 {
            return String::new();
        }
        // A count a second, shown to the unit: precision beyond it means nothing to a reader.
        let rate = (self.fetched as f64 / seconds).round();
        format!(", {rate} entities/s")
    }
}

/// Exports one list, from where the state says it stopped, showing `label` and the counts in
/// the progress, and returns how many entities the list holds. The library's playlists list
/// records the playlists' IDs in the state, in the same write that marks it done.
async fn export_list(
    client: &Client,
    dir: &Path,
    state: &mut State,
    list: &List,
    label: &str,
    progress: &Progress,
    tally: &mut Tally,
) -> Result<usize> {
    let mut entry = state
        .lists
        .iter()
        .find(|entry| entry.name == list.name)
        .cloned()
        .unwrap_or_else(|| ListState {
            name: list.name.clone(),
            ..ListState::default()
        });
    let final_path = dir.join(format!("{}.{}", list.name, name_of(state.format)));
    let partial_path = dir.join(PARTIAL_DIR).join(format!("{}.ndjson", list.name));
    if entry.done {
        return Ok(entry.count);
    }
    if let Some(folder) = partial_path.parent() {
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    // Keep exactly the entities the state counts: a page appended after the last saved
    // state is fetched again.
    let mut lines = read_lines(&partial_path)?;
    if lines.len() < entry.count {
        entry.cursor = None;
        entry.count = 0;
        lines.clear();
    }
    lines.truncate(entry.count);
    rewrite(&partial_path, &lines)?;

    let mut request: ViewRequest<EntityPages> = client
        .request::<EntityPages>(list.operation, list.path_arguments.clone())?
        .limit(page_size::largest_page(list.operation));
    if let Some(cursor) = &entry.cursor {
        request = request.cursor(cursor.clone());
    }
    let mut pages = request.pages();
    let mut partial = fs::OpenOptions::new()
        .append(true)
        .open(&partial_path)
        .with_context(|| format!("opening {}", partial_path.display()))?;
    progress.message(format!(
        "{label}: {}{}",
        plural(entry.count, "entity", "entities"),
        tally.rate()
    ));
    while let Some(view) = pages.try_next().await? {
        let mut text = String::new();
        let mut added = 0;
        // Only the groups the cursor pages (`x-paging-groups`): a playlist's similar
        // playlists are not its tracks.
        let groups = &view.content.entity_groups;
        let paged = match list.operation.paged_groups() {
            CursorGroups::First => &groups[..groups.len().min(1)],
            CursorGroups::All => &groups[..],
        };
        for entity in paged.iter().flat_map(|group| &group.content.entities) {
            text.push_str(&serde_json::to_string(entity)?);
            text.push('\n');
            added += 1;
        }
        partial
            .write_all(text.as_bytes())
            .and_then(|()| partial.sync_data())
            .with_context(|| format!("writing {}", partial_path.display()))?;
        lines.extend(text.lines().map(str::to_owned));
        entry.count += added;
        entry.cursor = ViewRequest::<EntityPages>::next_cursor(&view).map(str::to_owned);
        if entry.cursor.is_some() {
            state.record(entry.clone());
            save_state(dir, state)?;
        }
        tally.fetched += added;
        progress.message(format!(
            "{label}: {}{}",
            plural(entry.count, "entity", "entities"),
            tally.rate()
        ));
    }
    let entities: Vec<Entity> = lines
        .iter()
        .map(|line| serde_json::from_str(line))
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading {}", partial_path.display()))?;
    write_atomically(&final_path, &render(&entities, state.format)?)?;
    entry.done = true;
    entry.cursor = None;
    state.record(entry.clone());
    if list.operation == Operation::LibraryPlaylists {
        state.playlist_ids = Some(
            entities
                .iter()
                .filter_map(|entity| entity.id().map(str::to_owned))
                .collect(),
        );
    }
    save_state(dir, state)?;
    let _ = fs::remove_file(&partial_path);
    Ok(entry.count)
}

/// A list's file: a JSON array of the entities as the models serialize them, one a line; or
/// CSV with a header, in the columns and cells of `-o csv`.
fn render(entities: &[Entity], format: ExportFormat) -> Result<String> {
    let mut out = String::new();
    match format {
        ExportFormat::Json => {
            out.push('[');
            for (index, entity) in entities.iter().enumerate() {
                out.push_str(if index == 0 { "\n" } else { ",\n" });
                out.push_str(&serde_json::to_string(entity)?);
            }
            out.push_str("\n]\n");
        }
        ExportFormat::Csv => {
            let header: Vec<String> = table::FILE_COLUMNS
                .iter()
                .map(|column| table::file_header(*column).to_owned())
                .collect();
            out.push_str(&table::csv_line(&header));
            for entity in entities {
                let row = Summary::of(entity);
                let cells: Vec<String> = table::FILE_COLUMNS
                    .iter()
                    .map(|column| table::file_cell(*column, &row))
                    .collect();
                out.push_str(&table::csv_line(&cells));
            }
        }
    }
    Ok(out)
}

/// A list's name as part of a file name: anything but letters, digits, `-`, `_` and `.`
/// becomes `_`.
fn file_name(id: &str) -> String {
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with('.') || name.is_empty() {
        format!("_{name}")
    } else {
        name
    }
}

fn read_lines(path: &Path) -> Result<Vec<String>> {
    match fs::File::open(path) {
        Ok(file) => std::io::BufReader::new(file)
            .lines()
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading {}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

fn rewrite(path: &Path, lines: &[String]) -> Result<()> {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    write_atomically(path, &text)
}

fn save_state(dir: &Path, state: &State) -> Result<()> {
    write_atomically(&dir.join(STATE_FILE), &serde_json::to_string_pretty(state)?)
}

/// Writes `text` to `path` atomically ([`atomic::write`]), so that `path` is never seen half
/// written.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    atomic::write(path, text.as_bytes(), Access::Default)
        .with_context(|| format!("writing {}", path.display()))
}

/// The summary on stdout: each library list's count, the playlists' tracks, and the time it
/// took.
fn print_summary(dir: &Path, state: &State, started: Option<Instant>) -> std::io::Result<()> {
    let mut out = String::new();
    let (mut playlists, mut tracks) = (0, 0);
    for list in &state.lists {
        if list.name.starts_with("playlists/") {
            playlists += 1;
            tracks += list.count;
        } else {
            out.push_str(&format!("  {:<16}{:>7}\n", list.name, list.count));
        }
    }
    out.push_str(&format!(
        "  {:<16}{tracks:>7}  (in {playlists} files under playlists/)\n",
        "playlist tracks"
    ));
    let elapsed = started.map_or_else(String::new, |started| {
        format!(" in {:.1} s", started.elapsed().as_secs_f64())
    });
    output::print(&format!(
        "exported to {} as {}{elapsed}:\n{out}",
        dir.display(),
        name_of(state.format)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_lists_come_from_the_operation_table() {
        let names: Vec<&str> = library_lists().iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            ["albums", "artists", "songs", "playlists", "podcasts"]
        );
        assert!(
            library_lists()
                .iter()
                .any(|(_, operation)| *operation == Operation::LibraryPlaylists),
            "the playlists, whose tracks are exported too"
        );
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_name("B00J9PVXBM"), "B00J9PVXBM");
        assert_eq!(file_name("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name("a b/c"), "a_b_c");
        assert_eq!(file_name(""), "_");
    }
}
