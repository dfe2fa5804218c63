//! `amzn-music export DIR`: the whole library as files, resumable.
//!
//! The lists are the library's songs, albums, artists, playlists and podcasts, then each
//! followed playlist's tracks (`playlists/<id>`). Up to `--concurrency` lists are fetched at
//! once, each page by page, in order (a cursor leads to the next page). The library's lists
//! begin first and the playlists' tracks once the playlists are in; a list keeps its place
//! until its last page, so the long ones (those whose first page has a next one) go on at once
//! while the short ones fill the gaps. Every page is appended to `.partial/<list>.ndjson` in
//! DIR and flushed to disk before the state file (`.amzn-music-export.json`, replaced
//! atomically) counts it, so that an interrupted export goes on from the page it stopped at. A
//! list's file (`songs.json`, `songs.csv`, ...) is written beside under a temporary name and
//! renamed into place when its last page is in. The files are the same, byte for byte, at any
//! concurrency, and so is the state file: it holds the lists in the export's order.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use amazon_music::pagination::EntityPages;
use amazon_music::{
    Client, Entity, ViewRequest, models::CursorGroups, models::Operation, models::PagingStyle,
};
use anyhow::{Context, Result};
use futures_util::TryStreamExt;
use futures_util::future;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};

use crate::atomic::{self, Access};
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Interrupted, Then, UsageError};
use crate::output::{self, plural};
use crate::progress::{Line, ListsProgress};
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
    /// Each list begun, in the export's order: the library's lists as [`library_lists`] gives
    /// them, then the playlists' tracks in the playlists' order.
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
    /// Records how far a list got, in place of what was recorded for it, keeping the lists in
    /// the export's order whatever order they are recorded in.
    fn record(&mut self, list: ListState) {
        match self.lists.iter_mut().find(|entry| entry.name == list.name) {
            Some(entry) => *entry = list,
            None => {
                self.lists.push(list);
                let playlists = self
                    .playlist_ids
                    .iter()
                    .flatten()
                    .map(|id| playlist_list_name(id));
                let mut rank: HashMap<String, usize> = HashMap::new();
                let names = library_lists().into_iter().map(|(name, _)| name.to_owned());
                for (index, name) in names.chain(playlists).enumerate() {
                    rank.entry(name).or_insert(index);
                }
                self.lists
                    .sort_by_key(|entry| rank.get(&entry.name).copied().unwrap_or(usize::MAX));
            }
        }
    }
}

/// The state of an export, in memory and in its file, shared by the lists fetched at once.
///
/// A list's progress is recorded in memory once its pages are on disk; the file is then
/// rewritten with the latest state, by one writer, so that writes that come while one is
/// under way make one write after it. Whatever state the file holds, every page it counts is
/// on disk.
struct StateStore {
    path: PathBuf,
    /// The latest state, and how many changes it has had.
    latest: Mutex<(State, u64)>,
    /// How many changes the file holds; held while the file is written, so that writes never
    /// overtake one another.
    written: Mutex<u64>,
    /// Wakes the writer.
    changed: tokio::sync::Notify,
}

impl StateStore {
    fn new(dir: &Path, state: State) -> Arc<Self> {
        Arc::new(Self {
            path: dir.join(STATE_FILE),
            latest: Mutex::new((state, 0)),
            written: Mutex::new(0),
            changed: tokio::sync::Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, (State, u64)> {
        self.latest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the state with `read`.
    fn read<T>(&self, read: impl FnOnce(&State) -> T) -> T {
        read(&self.lock().0)
    }

    /// Changes the state with `change`, and has the file rewritten.
    fn update(&self, change: impl FnOnce(&mut State)) {
        let mut latest = self.lock();
        change(&mut latest.0);
        latest.1 += 1;
        self.changed.notify_one();
    }

    /// Writes the latest state to the file, unless the file already holds it.
    async fn save(self: &Arc<Self>) -> Result<()> {
        let store = Arc::clone(self);
        blocking(move || {
            let mut written = store.written.lock().unwrap_or_else(PoisonError::into_inner);
            let (text, version) = {
                let latest = store.lock();
                (serde_json::to_string_pretty(&latest.0)?, latest.1)
            };
            if version > *written {
                write_atomically(&store.path, &text)?;
                *written = version;
            }
            Ok(())
        })
        .await
    }

    /// Writes the file after each change, until a write fails.
    async fn write_on_change(self: &Arc<Self>) -> Result<()> {
        loop {
            self.changed.notified().await;
            self.save().await?;
        }
    }
}

/// Runs `work`, which blocks on the file system, on a thread that may block.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .context("a file system task ended early")?
}

/// One list to export: its name (also its file's, without the extension), its operation and
/// its path arguments.
struct List {
    name: String,
    operation: Operation,
    path_arguments: Vec<String>,
}

/// The name of a playlist's tracks' list.
fn playlist_list_name(id: &str) -> String {
    format!("playlists/{}", file_name(id))
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
    let state = match fs::read_to_string(&state_path) {
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
    let store = StateStore::new(dir, state);
    let export = Export {
        client,
        dir,
        store: &store,
        progress: ListsProgress::start(),
        started,
        fetched: AtomicUsize::new(0),
    };
    // Ctrl-C stops the pages in flight: the state file holds every page before them.
    let result = tokio::select! {
        result = export.all(args.concurrency) => result,
        result = store.write_on_change() => result,
        _ = tokio::signal::ctrl_c() => Err(Interrupted.into()),
    };
    // Whatever stopped the export, the state file gets every page that is in.
    let result = result.and(store.save().await);
    export.progress.finish_and_clear();
    result.map_err(|error| {
        error.context(Then(format!(
            "the export stopped; run `amzn-music export {}` again to resume it",
            output::single_quote(&dir.display().to_string())
        )))
    })?;
    // Whatever earlier runs left there.
    let _ = fs::remove_dir_all(dir.join(PARTIAL_DIR));
    store.read(|state| print_summary(dir, state, Some(started)))?;
    Ok(())
}

fn name_of(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Json => "json",
        ExportFormat::Csv => "csv",
    }
}

/// One run of an export: what its lists share.
struct Export<'a> {
    client: &'a Client,
    dir: &'a Path,
    store: &'a Arc<StateStore>,
    progress: ListsProgress,
    started: Instant,
    /// How many entities this run fetched.
    fetched: AtomicUsize,
}

/// The playlists' tracks: one line for all of them, and their counts.
#[derive(Default)]
struct PlaylistTracks {
    /// The line, once the playlists are known.
    line: Mutex<Option<Line>>,
    playlists: AtomicUsize,
    done: AtomicUsize,
    tracks: AtomicUsize,
}

impl PlaylistTracks {
    /// Shows `playlists` playlists on `line`.
    fn begin(&self, line: Line, playlists: usize) {
        self.playlists.store(playlists, Ordering::Relaxed);
        *self.line.lock().unwrap_or_else(PoisonError::into_inner) = Some(line);
        self.show();
    }

    fn show(&self) {
        if let Some(line) = &*self.line.lock().unwrap_or_else(PoisonError::into_inner) {
            line.show(format!(
                "playlist tracks: playlist {} of {}, {}",
                self.done.load(Ordering::Relaxed),
                self.playlists.load(Ordering::Relaxed),
                plural(self.tracks.load(Ordering::Relaxed), "track", "tracks")
            ));
        }
    }

    /// Leaves the final counts.
    fn finish(&self) {
        let message = format!(
            "playlist tracks: {} in {}",
            plural(self.tracks.load(Ordering::Relaxed), "track", "tracks"),
            plural(
                self.playlists.load(Ordering::Relaxed),
                "playlist",
                "playlists"
            )
        );
        match &*self.line.lock().unwrap_or_else(PoisonError::into_inner) {
            Some(line) => line.finish(&message),
            None => eprintln!("{message}"),
        }
    }
}

impl Export<'_> {
    /// Exports every list, up to `concurrency` at once, the library's first, and marks the
    /// export finished.
    async fn all(&self, concurrency: usize) -> Result<()> {
        let tracks = PlaylistTracks::default();
        let mut waiting: VecDeque<List> = library_lists()
            .into_iter()
            .map(|(name, operation)| List {
                name: name.to_owned(),
                operation,
                path_arguments: Vec::new(),
            })
            .collect();
        let mut playlists_queued = false;
        let mut running = FuturesUnordered::new();
        loop {
            if !playlists_queued
                && let Some(ids) = self.store.read(|state| state.playlist_ids.clone())
            {
                playlists_queued = true;
                // One list a name: two IDs of one file name are one list, as they were when
                // lists were fetched one at a time.
                let mut names = HashSet::new();
                for id in ids {
                    let name = playlist_list_name(&id);
                    if names.insert(name.clone()) {
                        waiting.push_back(List {
                            name,
                            operation: Operation::Playlist,
                            path_arguments: vec![id],
                        });
                    }
                }
                tracks.begin(self.progress.line(), names.len());
            }
            while running.len() < concurrency
                && let Some(list) = waiting.pop_front()
            {
                running.push(self.list(list, &tracks));
            }
            match running.next().await {
                Some(finished) => finished?,
                None => break,
            }
        }
        tracks.finish();
        self.store.update(|state| state.finished = true);
        Ok(())
    }

    /// Entities a second, so far.
    fn rate(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64();
        let fetched = self.fetched.load(Ordering::Relaxed);
        if fetched == 0 || seconds <= 0.0 {
            return String::new();
        }
        // A count a second, shown to the unit: precision beyond it means nothing to a reader.
        let rate = (fetched as f64 / seconds).round();
        format!(", {rate} entities/s")
    }

    /// Counts `added` entities fetched, on the export's line.
    fn tally(&self, added: usize) {
        let fetched = self.fetched.fetch_add(added, Ordering::Relaxed) + added;
        self.progress.total(format!(
            "export: {}{}",
            plural(fetched, "entity", "entities"),
            self.rate()
        ));
    }

    /// Exports one list, from where the state says it stopped, showing its count on a line
    /// of its own, or on the playlists' tracks' line for a playlist's tracks. The library's
    /// playlists list records the playlists' IDs in the state, in the same change that marks
    /// it done.
    async fn list(&self, list: List, tracks: &PlaylistTracks) -> Result<()> {
        self.fetch(&list, tracks).await?;
        if list.operation == Operation::Playlist {
            tracks.done.fetch_add(1, Ordering::Relaxed);
            tracks.show();
        }
        Ok(())
    }

    /// Fetches `list`'s pages from where the state says it stopped, and writes its file;
    /// returns how many entities it holds.
    async fn fetch(&self, list: &List, tracks: &PlaylistTracks) -> Result<usize> {
        let (entry, format) = self.store.read(|state| {
            let entry = state
                .lists
                .iter()
                .find(|entry| entry.name == list.name)
                .cloned()
                .unwrap_or_else(|| ListState {
                    name: list.name.clone(),
                    ..ListState::default()
                });
            (entry, state.format)
        });
        let mut entry = entry;
        let is_playlist = list.operation == Operation::Playlist;
        let line = (!is_playlist).then(|| self.progress.line());
        let show = |count: usize| match &line {
            Some(line) => line.show(format!(
                "{}: {}",
                list.name,
                plural(count, "entity", "entities")
            )),
            None => tracks.show(),
        };
        let finish = |count: usize| {
            if let Some(line) = &line {
                line.finish(&format!(
                    "{}: {}",
                    list.name,
                    plural(count, "entity", "entities")
                ));
            }
        };
        if entry.done {
            if is_playlist {
                tracks.tracks.fetch_add(entry.count, Ordering::Relaxed);
            }
            finish(entry.count);
            return Ok(entry.count);
        }
        let final_path = self.dir.join(format!("{}.{}", list.name, name_of(format)));
        let partial_path = self
            .dir
            .join(PARTIAL_DIR)
            .join(format!("{}.ndjson", list.name));
        if let Some(folder) = partial_path.parent() {
            fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        // Keep exactly the entities the state counts: a page appended after the last saved
        // state is fetched again.
        let mut lines = read_lines(&partial_path)?;
        if lines.len() < entry.count {
            entry.cursor = None;
            entry.count = 0;
        }
        if lines.len() != entry.count {
            lines.truncate(entry.count);
            rewrite(&partial_path, &lines)?;
        }
        if is_playlist {
            tracks.tracks.fetch_add(entry.count, Ordering::Relaxed);
        }

        let mut request: ViewRequest<EntityPages> = self
            .client
            .request::<EntityPages>(list.operation, list.path_arguments.clone())?
            .limit(page_size::largest_page(list.operation));
        if let Some(cursor) = &entry.cursor {
            request = request.cursor(cursor.clone());
        }
        let mut pages = request.pages();
        let partial = Arc::new(
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&partial_path)
                .with_context(|| format!("opening {}", partial_path.display()))?,
        );
        show(entry.count);
        // Each page is written while the next one is fetched: its entities, and how far the
        // list got with it, which the state records once they are on disk.
        let mut writing: Option<(tokio::task::JoinHandle<Result<()>>, ListState, usize)> = None;
        loop {
            let (page, written) = future::join(pages.try_next(), async {
                match writing.take() {
                    Some((write, reached, added)) => Some((write.await, reached, added)),
                    None => None,
                }
            })
            .await;
            if let Some((write, reached, added)) = written {
                write.context("a file system task ended early")??;
                if reached.cursor.is_some() {
                    self.store.update(|state| state.record(reached));
                }
                if is_playlist {
                    tracks.tracks.fetch_add(added, Ordering::Relaxed);
                }
                self.tally(added);
                show(entry.count);
            }
            let Some(view) = page? else { break };
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
            lines.extend(text.lines().map(str::to_owned));
            entry.count += added;
            entry.cursor = ViewRequest::<EntityPages>::next_cursor(&view).map(str::to_owned);
            let file = Arc::clone(&partial);
            let path = partial_path.clone();
            let write = tokio::task::spawn_blocking(move || {
                (&*file)
                    .write_all(text.as_bytes())
                    .and_then(|()| file.sync_data())
                    .with_context(|| format!("writing {}", path.display()))
            });
            writing = Some((write, entry.clone(), added));
        }
        let entities: Vec<Entity> = lines
            .iter()
            .map(|line| serde_json::from_str(line))
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading {}", partial_path.display()))?;
        let text = render(&entities, format)?;
        blocking(move || write_atomically(&final_path, &text)).await?;
        entry.done = true;
        entry.cursor = None;
        let count = entry.count;
        let playlist_ids = (list.operation == Operation::LibraryPlaylists).then(|| {
            entities
                .iter()
                .filter_map(|entity| entity.id().map(str::to_owned))
                .collect()
        });
        self.store.update(|state| {
            state.record(entry);
            if playlist_ids.is_some() {
                state.playlist_ids = playlist_ids;
            }
        });
        // A crash before the state file records the list done fetches it again.
        let _ = fs::remove_file(&partial_path);
        finish(count);
        Ok(count)
    }
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
    fn lists_stay_in_the_exports_order_whatever_order_they_are_recorded_in() {
        let mut state = State {
            format: ExportFormat::Json,
            lists: Vec::new(),
            playlist_ids: Some(vec!["P1".to_owned(), "P2".to_owned()]),
            finished: false,
        };
        for name in ["playlists/P2", "songs", "playlists/P1", "albums", "songs"] {
            state.record(ListState {
                name: name.to_owned(),
                ..ListState::default()
            });
        }
        let names: Vec<&str> = state.lists.iter().map(|list| list.name.as_str()).collect();
        assert_eq!(names, ["albums", "songs", "playlists/P1", "playlists/P2"]);
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_name("B00J9PVXBM"), "B00J9PVXBM");
        assert_eq!(file_name("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name("a b/c"), "a_b_c");
        assert_eq!(file_name(""), "_");
    }
}
