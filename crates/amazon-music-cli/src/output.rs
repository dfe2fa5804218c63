//! Everything the command prints: pages for people (tables), JSON, NDJSON, IDs or raw bodies, the progress
//! of `--all` on stderr, and error lines.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use amazon_music::{Entity, EntityGroup, View};
use serde::Serialize;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::OutputFormat;

/// Whether to colour a stream: only a terminal, and never with `NO_COLOR` set (to anything but
/// the empty string).
pub fn colour_for(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// `text` in bold, when `colour`.
fn bold(text: &str, colour: bool) -> String {
    if colour {
        let style = anstyle::Style::new().bold();
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// Prints an error line on stderr: `error: message`, the prefix in red on a terminal.
pub fn print_error(message: &str) {
    let prefix = if colour_for(io::stderr().is_terminal()) {
        let style = anstyle::Style::new()
            .bold()
            .fg_color(Some(anstyle::AnsiColor::Red.into()));
        format!("{style}error:{style:#}")
    } else {
        "error:".to_owned()
    };
    eprintln!("{prefix} {message}");
}

/// Writes `text` to stdout and flushes it: the one way the command prints anything but pages,
/// so that a closed pipe (`amzn-music ... | head -1`) is an error the caller ends on quietly,
/// never a panic as with `print!`.
///
/// # Errors
/// When stdout cannot be written: [`std::io::ErrorKind::BrokenPipe`] once its reader is gone.
pub fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Prints a body as received (`--output raw`), then a newline unless it ends with one, so that
/// the bodies of `--all` come one a line when the API sends them compact, as it does.
///
/// A body is never re-encoded: one with newlines of its own (pretty-printed) is printed as it
/// is, and the output is then a stream of JSON texts, which `jq` reads all the same.
pub fn print_raw(body: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(body)?;
    if !body.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// The progress of `--all` on stderr (pages, entities, elapsed), shown only when stderr is a
/// terminal.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A spinner on stderr if it is a terminal that can draw one (`TERM` set, and not
    /// `dumb`); nothing otherwise.
    pub fn start() -> Self {
        if !console::Term::stderr().is_term() {
            return Self(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_message("0 pages, 0 entities");
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    /// Shows the counts so far.
    pub fn update(&self, pages: usize, entities: usize) {
        if let Some(bar) = &self.0 {
            bar.set_message(format!(
                "{}, {}",
                plural(pages, "page", "pages"),
                plural(entities, "entity", "entities")
            ));
        }
    }

    /// Shows `message` in place of the counts (`export`: the list and its count so far).
    pub fn message(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    /// Prints a line on stderr, above the spinner if there is one.
    pub fn println(&self, line: &str) {
        match &self.0 {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the spinner.
    pub fn finish_and_clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }

    /// Runs `print` with the spinner out of the way, so that stdout and stderr do not mix on
    /// one terminal.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.0 {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Leaves the final counts on stderr.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish();
            eprintln!();
        }
    }
}

/// Writes pages to stdout, in the format asked for.
pub struct Printer {
    out: io::BufWriter<io::Stdout>,
    format: OutputFormat,
    /// Whether more pages follow the first (`--all`): one line of JSON a page, and one
    /// continuous table per group.
    continuous: bool,
    colour: bool,
    /// The terminal's width (or `COLUMNS`), that tables fit in.
    width: Option<usize>,
    /// Whether the view's title was printed: it heads the first of many pages only.
    header_printed: bool,
    /// The commands that the hints give.
    hints: Hints,
    /// Whether a group's hint was printed under `--all`, which then says what it follows.
    group_hinted: bool,
    /// Whether each page holds whole groups (views that page groups): each page's groups
    /// then print as they come, each sized to its rows.
    whole_groups: bool,
    /// The group printed as its pages come, with `--all`.
    streaming: Option<Streamed>,
    /// Other groups, printed whole at the end.
    held: Vec<Held>,
}

/// The group whose rows are printed as they come.
struct Streamed {
    id: String,
    layout: Option<Layout>,
    token: Option<String>,
}

/// A group printed once every page is in.
struct Held {
    heading: String,
    id: String,
    rows: Vec<Row>,
    token: Option<String>,
}

/// What the hints for the rest of a view say: the whole command, with the user's `--limit`.
pub struct Hints {
    /// The command's words after `amzn-music`, unquoted (`library songs`, `artist B0...`).
    pub words: Vec<String>,
    /// The command that shows one group of this view (`home`, `podcasts`, `library`), for the
    /// hints on groups that have more entities.
    pub group_command: Option<&'static str>,
    /// The user's `--limit`, which a hint keeps.
    pub limit: Option<u32>,
}

impl Hints {
    /// The command that shows the page after this one.
    fn page(&self, cursor: &str) -> String {
        let words: Vec<String> = self.words.iter().map(|word| shell_quote(word)).collect();
        format!(
            "amzn-music {}{} --cursor {}",
            words.join(" "),
            self.limit_flag(),
            shell_quote(cursor)
        )
    }

    /// The command that shows the rest of one group: from `cursor`, or (`None`, under
    /// `--all`) all of it.
    fn group(&self, group: &str, cursor: Option<&str>) -> Option<String> {
        let command = self.group_command?;
        let rest = match cursor {
            Some(cursor) => format!("--cursor {}", shell_quote(cursor)),
            None => "--all".to_owned(),
        };
        Some(format!(
            "amzn-music {command} --group {}{} {rest}",
            shell_quote(group),
            self.limit_flag()
        ))
    }

    fn limit_flag(&self) -> String {
        self.limit
            .map(|limit| format!(" --limit {limit}"))
            .unwrap_or_default()
    }
}

/// `count` and the noun in its number: `1 page`, `2 pages`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The response envelope, as the API sends it.
#[derive(Serialize)]
struct Envelope<'a> {
    data: &'a View,
}

impl Printer {
    /// A printer in `format`; `continuous` when every page follows (`--all`).
    pub fn new(format: OutputFormat, hints: Hints, continuous: bool) -> Self {
        let terminal = io::stdout().is_terminal();
        let width = terminal
            .then(|| {
                console::Term::stdout()
                    .size_checked()
                    .map(|(_, cols)| usize::from(cols))
            })
            .flatten()
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok());
        Self {
            out: io::BufWriter::new(io::stdout()),
            format,
            continuous,
            colour: colour_for(terminal),
            width,
            header_printed: false,
            hints,
            group_hinted: false,
            whole_groups: false,
            streaming: None,
            held: Vec::new(),
        }
    }

    /// For a view whose pages hold whole groups, that more pages add groups to.
    pub fn whole_groups(mut self) -> Self {
        self.whole_groups = true;
        self
    }

    /// Prints one page. `next` is the cursor of the page after it, for the hint of a lone
    /// page.
    pub fn page(&mut self, view: &View, next: Option<&str>) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                let envelope = Envelope { data: view };
                if self.continuous {
                    serde_json::to_writer(&mut self.out, &envelope)?;
                } else {
                    serde_json::to_writer_pretty(&mut self.out, &envelope)?;
                }
                writeln!(self.out)?;
            }
            OutputFormat::Ndjson => {
                for entity in entities(view) {
                    serde_json::to_writer(&mut self.out, entity)?;
                    writeln!(self.out)?;
                }
                self.stderr_hint(view, next, "ndjson");
            }
            OutputFormat::Ids => {
                for id in entities(view).filter_map(Entity::id) {
                    writeln!(self.out, "{id}")?;
                }
                self.stderr_hint(view, next, "ids");
            }
            OutputFormat::Raw => {
                return Err(io::Error::other(
                    "a decoded page has no raw body: raw output prints with print_raw",
                ));
            }
            OutputFormat::Table => {
                self.human(view)?;
                if self.whole_groups {
                    self.flush_held()?;
                }
                if !self.continuous {
                    self.flush_held()?;
                    if let Some(cursor) = next {
                        writeln!(self.out, "\nnext page: {}", self.hints.page(cursor))?;
                    }
                }
            }
        }
        self.out.flush()
    }

    /// Says on stderr, beside a lone page of IDs or NDJSON that has more after it, how many
    /// entities were shown and how to get the rest; stdout stays the data alone.
    fn stderr_hint(&self, view: &View, next: Option<&str>, format: &str) {
        if let (false, Some(cursor)) = (self.continuous, next) {
            self.rest_on_stderr(entities(view).count(), cursor, format);
        }
    }

    fn rest_on_stderr(&self, shown: usize, cursor: &str, format: &str) {
        eprintln!(
            "{} shown; the rest: {} -o {format}, or --all for every page",
            plural(shown, "entity", "entities"),
            self.hints.page(cursor)
        );
    }

    /// Says how to go on after `--max-items` stopped at the end of a page that has more after
    /// it: on stdout under a table, on stderr beside IDs or NDJSON (JSON holds the cursor).
    pub fn next_page(&mut self, shown: usize, cursor: &str) -> io::Result<()> {
        match self.format {
            OutputFormat::Table => {
                writeln!(self.out, "\nnext page: {}", self.hints.page(cursor))?;
            }
            OutputFormat::Ids => self.rest_on_stderr(shown, cursor, "ids"),
            OutputFormat::Ndjson => self.rest_on_stderr(shown, cursor, "ndjson"),
            OutputFormat::Json | OutputFormat::Raw => {}
        }
        self.out.flush()
    }

    /// Prints what is still held (the groups after the first, with `--all`).
    pub fn finish(&mut self) -> io::Result<()> {
        if self.format == OutputFormat::Table {
            if let Some(streamed) = self.streaming.take() {
                if streamed.layout.is_none() {
                    writeln!(self.out, "  (nothing here)")?;
                }
                self.hint(&streamed.id, streamed.token.as_deref())?;
            }
            self.flush_held()?;
            if self.group_hinted {
                writeln!(
                    self.out,
                    "\n--all followed the view's pages of groups; each `more:` line follows one \
                     group's own entities"
                )?;
            }
        }
        self.out.flush()
    }

    /// Says, after a page, that `--max-items` cut `dropped` of its entities and how to see
    /// them: on stdout for people, on stderr beside JSON, NDJSON or ids (which carry no cursor past
    /// them).
    pub fn cut(&mut self, dropped: usize) -> io::Result<()> {
        if dropped == 0 {
            return Ok(());
        }
        let note = format!(
            "--max-items left out {dropped} more entit{} of this page, and no cursor is given \
             past them: to see them, run again with a larger --max-items, or without it",
            if dropped == 1 { "y" } else { "ies" }
        );
        if self.format == OutputFormat::Table {
            writeln!(self.out, "\n{note}")?;
            self.out.flush()
        } else {
            eprintln!("{note}");
            Ok(())
        }
    }

    fn human(&mut self, view: &View) -> io::Result<()> {
        if !self.header_printed {
            self.header_printed = true;
            let title = view.title.as_deref().unwrap_or(&view.id);
            writeln!(self.out, "{}", bold(title, self.colour))?;
            if let Some(entity) = &view.entity {
                let row = Row::of(entity);
                writeln!(self.out, "{}: {} ({})", row.kind, row.title, row.id)?;
            }
        }
        for group in &view.content.entity_groups {
            let rows: Vec<Row> = group.content.entities.iter().map(Row::of).collect();
            let token = group
                .content
                .next_page_token
                .clone()
                .filter(|token| !token.is_empty());
            if let Some(streamed) = &mut self.streaming {
                if streamed.id == group.id {
                    streamed.token = token;
                    if rows.is_empty() {
                        continue;
                    }
                    let header = streamed.layout.is_none();
                    let width = self.width;
                    let layout = *streamed
                        .layout
                        .get_or_insert_with(|| Layout::new(&rows, true, width));
                    self.rows(&layout, &rows, header)?;
                    continue;
                }
            } else if self.continuous && !self.whole_groups && self.held.is_empty() {
                writeln!(self.out, "\n{}", bold(&heading(group), self.colour))?;
                let layout = (!rows.is_empty()).then(|| Layout::new(&rows, true, self.width));
                if let Some(layout) = &layout {
                    self.rows(layout, &rows, true)?;
                }
                self.streaming = Some(Streamed {
                    id: group.id.clone(),
                    layout,
                    token,
                });
                continue;
            }
            match self.held.iter_mut().find(|held| held.id == group.id) {
                Some(held) => {
                    held.rows.extend(rows);
                    held.token = token;
                }
                None => self.held.push(Held {
                    heading: heading(group),
                    id: group.id.clone(),
                    rows,
                    token,
                }),
            }
        }
        Ok(())
    }

    fn flush_held(&mut self) -> io::Result<()> {
        for held in std::mem::take(&mut self.held) {
            writeln!(self.out, "\n{}", bold(&held.heading, self.colour))?;
            if held.rows.is_empty() {
                writeln!(self.out, "  (nothing here)")?;
            } else {
                let layout = Layout::new(&held.rows, false, self.width);
                self.rows(&layout, &held.rows, true)?;
            }
            self.hint(&held.id, held.token.as_deref())?;
        }
        Ok(())
    }

    /// The hint that shows the rest of a group, for the views that have a command for it:
    /// from the group's cursor on one page, all of it under `--all`.
    fn hint(&mut self, group: &str, token: Option<&str>) -> io::Result<()> {
        let Some(token) = token else {
            return Ok(());
        };
        let cursor = (!self.continuous).then_some(token);
        if let Some(command) = self.hints.group(group, cursor) {
            self.group_hinted |= self.continuous;
            writeln!(self.out, "  more: {command}")?;
        }
        Ok(())
    }

    fn rows(&mut self, layout: &Layout, rows: &[Row], header: bool) -> io::Result<()> {
        if header {
            let line = layout.line(&Row::header());
            writeln!(self.out, "{}", bold(&line, self.colour))?;
        }
        for row in rows {
            writeln!(self.out, "{}", layout.line(row))?;
        }
        Ok(())
    }
}

/// A group's heading line.
fn heading(group: &EntityGroup) -> String {
    match &group.title {
        Some(title) => format!("{title} [{}] (group {})", group.view_type, group.id),
        None => format!("{} [{}]", group.id, group.view_type),
    }
}

/// Every entity of a page, group after group.
fn entities(view: &View) -> impl Iterator<Item = &Entity> {
    view.content
        .entity_groups
        .iter()
        .flat_map(|group| group.content.entities.iter())
}

/// The widths of a table's columns; the ID comes last and is never cut.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Layout {
    kind: usize,
    title: usize,
    /// `None` when no row has artists (or an author, or a curator).
    artists: Option<usize>,
    /// Whether the DURATION column is there: some row has a duration.
    duration: bool,
}

const TITLE_WIDTH: usize = 44;
const ARTISTS_WIDTH: usize = 28;
const DURATION_WIDTH: usize = 8;
const TITLE_MIN: usize = 12;
const ARTISTS_MIN: usize = 8;

impl Layout {
    /// The columns for `rows`. A `streaming` table gets the widest title and artists columns
    /// at once, for the rows of pages still to come; either way the table fits in `width`.
    fn new(rows: &[Row], streaming: bool, width: Option<usize>) -> Self {
        let widest = |cell: fn(&Row) -> &str| {
            rows.iter()
                .chain([&Row::header()])
                .map(|row| cell(row).width())
                .max()
                .unwrap_or_default()
        };
        let kind = widest(|row| &row.kind);
        let has_artists = rows.iter().any(|row| !row.artists.is_empty());
        let duration = rows.iter().any(|row| !row.duration.is_empty());
        let (mut title, mut artists) = if streaming {
            (TITLE_WIDTH, ARTISTS_WIDTH)
        } else {
            (
                widest(|row| &row.title).min(TITLE_WIDTH),
                widest(|row| &row.artists).min(ARTISTS_WIDTH),
            )
        };
        if !has_artists {
            artists = 0;
        }
        if let Some(width) = width {
            let id = widest(|row| &row.id);
            let fixed = 2
                + kind
                + 2
                + 2
                + if has_artists { 2 } else { 0 }
                + if duration { DURATION_WIDTH + 2 } else { 0 }
                + id;
            let room = width.saturating_sub(fixed);
            if title + artists > room {
                let (title_min, artists_min) = (title.min(TITLE_MIN), artists.min(ARTISTS_MIN));
                let room = room.max(title_min + artists_min);
                let share = (room * title).div_ceil(title + artists);
                let new_title = share.clamp(title_min, title);
                artists = room.saturating_sub(new_title).clamp(artists_min, artists);
                title = room.saturating_sub(artists).clamp(title_min, title);
            }
        }
        Self {
            kind,
            title,
            artists: has_artists.then_some(artists),
            duration,
        }
    }

    /// One line of the table.
    fn line(&self, row: &Row) -> String {
        let mut line = String::from("  ");
        line.push_str(&pad(&truncate(&row.kind, self.kind), self.kind));
        line.push_str("  ");
        line.push_str(&pad(&truncate(&row.title, self.title), self.title));
        line.push_str("  ");
        if let Some(artists) = self.artists {
            line.push_str(&pad(&truncate(&row.artists, artists), artists));
            line.push_str("  ");
        }
        if self.duration {
            let cell = truncate(&row.duration, DURATION_WIDTH);
            line.push_str(&" ".repeat(DURATION_WIDTH - cell.width().min(DURATION_WIDTH)));
            line.push_str(&cell);
            line.push_str("  ");
        }
        line.push_str(&row.id);
        line.trim_end().to_owned()
    }
}

/// `text`, then spaces up to `width` columns.
fn pad(text: &str, width: usize) -> String {
    let mut padded = text.to_owned();
    padded.push_str(&" ".repeat(width.saturating_sub(text.width())));
    padded
}

/// One entity, as a table row.
struct Row {
    kind: String,
    title: String,
    artists: String,
    duration: String,
    id: String,
}

impl Row {
    fn header() -> Self {
        Self {
            kind: "TYPE".to_owned(),
            title: "TITLE".to_owned(),
            artists: "ARTISTS".to_owned(),
            duration: "DURATION".to_owned(),
            id: "ID".to_owned(),
        }
    }

    fn of(entity: &Entity) -> Self {
        let names = |artists: &[amazon_music::ArtistReference]| {
            artists
                .iter()
                .map(|artist| artist.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (title, artists, duration) = match entity {
            Entity::Album(album) => (album.title.clone(), names(&album.artists), album.duration),
            Entity::Artist(artist) => (artist.name.clone(), String::new(), None),
            // The API gives no duration for tracks.
            Entity::Track(track) => (track.title.clone(), names(&track.artists), None),
            Entity::Playlist(playlist) => (
                playlist.title.clone(),
                playlist
                    .curator
                    .as_ref()
                    .map(|curator| curator.name.clone())
                    .unwrap_or_default(),
                playlist.duration,
            ),
            Entity::PodcastShow(show) => (show.title.clone(), show.author.clone(), None),
            Entity::PodcastEpisode(episode) => (
                episode.title.clone(),
                episode.author.clone(),
                Some(episode.duration),
            ),
            Entity::Station(station) => (station.name.clone(), String::new(), None),
            Entity::User(user) => (user.name.clone(), String::new(), None),
            // A type without a row of its own (unknown, malformed, or new in the spec): its
            // `title` or `name`, whatever its model.
            other => {
                let fields = serde_json::to_value(other).unwrap_or_default();
                let text = |key: &str| fields.get(key).and_then(|value| value.as_str());
                let title = text("title").or_else(|| text("name")).unwrap_or_default();
                (title.to_owned(), String::new(), None)
            }
        };
        Self {
            kind: entity.type_name().to_owned(),
            title,
            artists,
            duration: duration.map(format_duration).unwrap_or_default(),
            id: entity.id().unwrap_or("-").to_owned(),
        }
    }
}

/// Cuts `text` to `width` columns, marking the cut with `…`.
fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        cut.push(c);
    }
    if width > 0 {
        cut.push('…');
    }
    cut
}

/// Seconds as `m:ss`, or `h:mm:ss` from an hour.
fn format_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// Quotes `text` for a POSIX shell, so that a cursor can be pasted back as it is.
fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/=+%,@".contains(c))
    {
        return text.to_owned();
    }
    single_quote(text)
}

/// `text` in single quotes for a POSIX shell, whatever it holds (`'` as `'\''`).
pub fn single_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(format_duration(0), "0:00");
        assert_eq!(format_duration(59), "0:59");
        assert_eq!(format_duration(2763), "46:03");
        assert_eq!(format_duration(13476), "3:44:36");
        assert_eq!(format_duration(-5), "0:00");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly ten", 11), "exactly ten");
        assert_eq!(truncate("Zavtracast №238 – To go", 12), "Zavtracast …");
    }

    #[test]
    fn cursors_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_quote("0%3A97ac+b/c=="), "0%3A97ac+b/c==");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a;rm -rf"), "'a;rm -rf'");
    }
}
