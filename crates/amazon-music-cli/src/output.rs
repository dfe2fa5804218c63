//! Everything the command prints: pages for people, or JSON.

use std::io::{self, Write};

use amazon_music::{Entity, View};
use serde::Serialize;

/// Writes pages to stdout, in the format asked for.
pub struct Printer {
    out: io::BufWriter<io::Stdout>,
    json: bool,
    /// Whether the view's title was printed: it heads the first of many pages only.
    header_printed: bool,
    /// The command that shows one group of this view (`home`, `podcasts`, `library`), for the
    /// hints on groups that have more entities.
    group_command: Option<&'static str>,
}

/// The response envelope, as the API sends it.
#[derive(Serialize)]
struct Envelope<'a> {
    data: &'a View,
}

impl Printer {
    /// A printer for JSON (`json`) or for people.
    pub fn new(json: bool, group_command: Option<&'static str>) -> Self {
        Self {
            out: io::BufWriter::new(io::stdout()),
            json,
            header_printed: false,
            group_command,
        }
    }

    /// Prints one page. `next` is the cursor of the page after it; `one_of_many` says that
    /// more pages are printed after it (one line of JSON each, and no cursor hint).
    pub fn page(&mut self, view: &View, next: Option<&str>, one_of_many: bool) -> io::Result<()> {
        if self.json {
            let envelope = Envelope { data: view };
            if one_of_many {
                serde_json::to_writer(&mut self.out, &envelope)?;
            } else {
                serde_json::to_writer_pretty(&mut self.out, &envelope)?;
            }
            writeln!(self.out)?;
            return self.out.flush();
        }
        self.human(view)?;
        if let (Some(cursor), false) = (next, one_of_many) {
            writeln!(self.out, "\nnext page: --cursor {}", shell_quote(cursor))?;
        }
        self.out.flush()
    }

    /// Says, after a page, that `--max-items` cut `dropped` of its entities and how to see
    /// them: on stdout for people, on stderr beside JSON (which carries no cursor past them).
    pub fn cut(&mut self, dropped: usize) -> io::Result<()> {
        if dropped == 0 {
            return Ok(());
        }
        let note = format!(
            "--max-items left out {dropped} more entit{} of this page, and no cursor is given \
             past them: to see them, run again with a larger --max-items, or without it",
            if dropped == 1 { "y" } else { "ies" }
        );
        if self.json {
            eprintln!("{note}");
            Ok(())
        } else {
            writeln!(self.out, "\n{note}")?;
            self.out.flush()
        }
    }

    fn human(&mut self, view: &View) -> io::Result<()> {
        if !self.header_printed {
            self.header_printed = true;
            writeln!(self.out, "{}", view.title.as_deref().unwrap_or(&view.id))?;
            if let Some(entity) = &view.entity {
                let row = Row::of(entity);
                writeln!(self.out, "{}: {} ({})", row.kind, row.title, row.id)?;
            }
        }
        for group in &view.content.entity_groups {
            match &group.title {
                Some(title) => writeln!(
                    self.out,
                    "\n{title} [{}] (group {})",
                    group.view_type, group.id
                )?,
                None => writeln!(self.out, "\n{} [{}]", group.id, group.view_type)?,
            }
            let rows: Vec<Row> = group.content.entities.iter().map(Row::of).collect();
            if rows.is_empty() {
                writeln!(self.out, "  (nothing here)")?;
            } else {
                self.table(&rows)?;
            }
            if let (Some(token), Some(command)) = (
                group
                    .content
                    .next_page_token
                    .as_deref()
                    .filter(|token| !token.is_empty()),
                self.group_command,
            ) {
                writeln!(
                    self.out,
                    "  more: amzn-music {command} --group {} --cursor {}",
                    shell_quote(&group.id),
                    shell_quote(token)
                )?;
            }
        }
        Ok(())
    }

    fn table(&mut self, rows: &[Row]) -> io::Result<()> {
        let header = Row {
            kind: "TYPE".to_owned(),
            title: "TITLE".to_owned(),
            artists: "ARTISTS".to_owned(),
            duration: "DURATION".to_owned(),
            id: "ID".to_owned(),
        };
        let width = |cell: fn(&Row) -> &str| {
            rows.iter()
                .chain([&header])
                .map(|row| cell(row).chars().count())
                .max()
                .unwrap_or_default()
        };
        let widths = [
            width(|row| &row.kind),
            width(|row| &row.title),
            width(|row| &row.artists),
            width(|row| &row.duration),
        ];
        for row in [&header].into_iter().chain(rows) {
            let line = format!(
                "  {:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
                row.kind,
                row.title,
                row.artists,
                row.duration,
                row.id,
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            );
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// One entity, as a table row.
struct Row {
    kind: String,
    title: String,
    artists: String,
    duration: String,
    id: String,
}

const TITLE_WIDTH: usize = 44;
const ARTISTS_WIDTH: usize = 28;

impl Row {
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
            title: truncate(&title, TITLE_WIDTH),
            artists: truncate(&artists, ARTISTS_WIDTH),
            duration: duration.map(format_duration).unwrap_or_default(),
            id: entity.id().unwrap_or("-").to_owned(),
        }
    }
}

/// Cuts `text` to `width` characters, marking the cut with `…`.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
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
