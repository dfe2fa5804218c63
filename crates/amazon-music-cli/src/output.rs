//! What the command prints on stdout: pages in the format asked for (tables through
//! [`crate::table`], JSON, NDJSON, IDs, CSV, TSV or raw bodies), the hints for the rest, and
//! every other write to stdout. Colour is in [`crate::colour`], progress in
//! [`crate::progress`].

use std::io::{self, IsTerminal, Write};

use amazon_music::{Entity, models::EntityGroup, models::View};
use serde::Serialize;

use crate::cli::{Column, GlobalArgs, OutputFormat};
use crate::colour::{bold, colour_for};
use crate::summary::Summary;
use crate::table::{self, Layout};

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

/// Writes pages to stdout, in the format asked for.
pub struct Printer {
    out: io::BufWriter<io::Stdout>,
    format: OutputFormat,
    /// Whether more pages follow the first (`--all`): one line of JSON a page, and one
    /// continuous table per group.
    continuous: bool,
    colour: bool,
    /// The width tables fit in: `--width`, the terminal's, or `COLUMNS`; none in a pipe.
    width: Option<usize>,
    /// The columns asked for (`--columns`); empty for the format's own.
    columns: Vec<Column>,
    /// Whether to leave out header lines (`--no-headers`).
    no_headers: bool,
    /// Whether the CSV or TSV header was printed: it heads the first page only.
    file_header_printed: bool,
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
    rows: Vec<Summary>,
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

/// The response envelope, as the API sends it: `data` is a view, or an array of views.
#[derive(Serialize)]
struct Envelope<'a, T: ?Sized> {
    data: &'a T,
}

impl Printer {
    /// A printer for `args`' format, columns and width; `continuous` when every page follows
    /// (`--all`).
    pub fn new(args: &GlobalArgs, hints: Hints, continuous: bool) -> Self {
        let terminal = io::stdout().is_terminal();
        let width = args.width.or_else(|| {
            terminal
                .then(|| {
                    console::Term::stdout()
                        .size_checked()
                        .map(|(_, cols)| usize::from(cols))
                })
                .flatten()
                .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        });
        Self {
            out: io::BufWriter::new(io::stdout()),
            format: args.output.unwrap_or_default(),
            continuous,
            colour: colour_for(terminal),
            width,
            columns: args.columns.clone(),
            no_headers: args.no_headers,
            file_header_printed: false,
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

    /// Prints the views of a response of several views (the search's): as JSON, the response
    /// with its array; in every other format, each view as a page of its own.
    pub fn views(&mut self, views: &[View]) -> io::Result<()> {
        if self.format == OutputFormat::Json {
            serde_json::to_writer_pretty(&mut self.out, &Envelope { data: views })?;
            writeln!(self.out)?;
            return Ok(());
        }
        for view in views {
            self.page(view, None)?;
        }
        Ok(())
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
            OutputFormat::Csv | OutputFormat::Tsv => {
                self.file_rows(view)?;
                self.stderr_hint(
                    view,
                    next,
                    if self.format == OutputFormat::Csv {
                        "csv"
                    } else {
                        "tsv"
                    },
                );
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
            OutputFormat::Csv => self.rest_on_stderr(shown, cursor, "csv"),
            OutputFormat::Tsv => self.rest_on_stderr(shown, cursor, "tsv"),
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
                for (label, value) in facts(entity) {
                    if label.is_empty() {
                        writeln!(self.out, "{value}")?;
                    } else {
                        writeln!(self.out, "{label:<10}{value}")?;
                    }
                }
            }
        }
        for group in &view.content.entity_groups {
            let rows: Vec<Summary> = group.content.entities.iter().map(Summary::of).collect();
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
                    let layout = streamed
                        .layout
                        .get_or_insert_with(|| Layout::new(&rows, &self.columns, true, self.width))
                        .clone();
                    self.rows(&layout, &rows, header)?;
                    continue;
                }
            } else if self.continuous && !self.whole_groups && self.held.is_empty() {
                writeln!(self.out, "\n{}", bold(&heading(group), self.colour))?;
                let layout =
                    (!rows.is_empty()).then(|| Layout::new(&rows, &self.columns, true, self.width));
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
                let layout = Layout::new(&held.rows, &self.columns, false, self.width);
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

    fn rows(&mut self, layout: &Layout, rows: &[Summary], header: bool) -> io::Result<()> {
        if header && !self.no_headers {
            writeln!(self.out, "{}", bold(&layout.header(), self.colour))?;
        }
        for row in rows {
            writeln!(self.out, "{}", layout.line(row))?;
        }
        Ok(())
    }

    /// A page as CSV or TSV lines: one an entity, the header before the first.
    fn file_rows(&mut self, view: &View) -> io::Result<()> {
        let columns = if self.columns.is_empty() {
            table::FILE_COLUMNS.to_vec()
        } else {
            self.columns.clone()
        };
        let line = match self.format {
            OutputFormat::Csv => table::csv_line,
            _ => table::tsv_line,
        };
        if !self.file_header_printed && !self.no_headers {
            let header: Vec<String> = columns
                .iter()
                .map(|column| table::file_header(*column).to_owned())
                .collect();
            self.out.write_all(line(&header).as_bytes())?;
        }
        self.file_header_printed = true;
        for entity in entities(view) {
            let row = Summary::of(entity);
            let cells: Vec<String> = columns
                .iter()
                .map(|column| table::file_cell(*column, &row))
                .collect();
            self.out.write_all(line(&cells).as_bytes())?;
        }
        Ok(())
    }
}

/// The facts of a view's own entity, as label and value lines above its groups: its type,
/// title and ID, its artists, and an album's release date, tracks, duration and label.
fn facts(entity: &Entity) -> Vec<(&'static str, String)> {
    let summary = Summary::of(entity);
    let mut facts = vec![(
        "",
        format!("{}: {} ({})", summary.kind, summary.title, summary.id),
    )];
    if !summary.artists.is_empty() {
        let label = match entity {
            Entity::Playlist(_) => "Curator",
            Entity::PodcastShow(_) | Entity::PodcastEpisode(_) => "Author",
            _ => "Artists",
        };
        facts.push((label, summary.artists.clone()));
    }
    if let Entity::Album(album) = entity {
        if let Some(date) = &album.release_date {
            // A date and time: the day is what people read.
            facts.push((
                "Released",
                date.split('T').next().unwrap_or(date).to_owned(),
            ));
        }
        if let Some(tracks) = album.track_count {
            facts.push(("Tracks", tracks.to_string()));
        }
        if album.duration.is_some() {
            facts.push(("Duration", summary.clock()));
        }
        if let Some(label) = &album.label {
            facts.push(("Label", label.clone()));
        }
    }
    facts
}

/// A group's heading line.
fn heading(group: &EntityGroup) -> String {
    match &group.title {
        Some(title) => format!("{title} (group {})", group.id),
        None => format!("group {}", group.id),
    }
}

/// Every entity of a page, group after group.
fn entities(view: &View) -> impl Iterator<Item = &Entity> {
    view.content
        .entity_groups
        .iter()
        .flat_map(|group| group.content.entities.iter())
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
    fn counts_read_in_their_number() {
        assert_eq!(plural(1, "page", "pages"), "1 page");
        assert_eq!(plural(0, "page", "pages"), "0 pages");
        assert_eq!(plural(2, "entity", "entities"), "2 entities");
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
