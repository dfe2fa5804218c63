//! Rows for people and for spreadsheets, from [`Summary`]: a table's columns, their widths in
//! the terminal and one line of it; a CSV or TSV line (the export's CSV too).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::cli::Column;
use crate::summary::Summary;

/// A table's columns when none are asked for, each shown where some row fills it (and `type`
/// where the rows are not all of one type). The ID comes first: it is never cut, and a narrow
/// terminal wraps the end of a line, not the ID.
const TABLE_COLUMNS: [Column; 5] = [
    Column::Id,
    Column::Type,
    Column::Title,
    Column::Artists,
    Column::Duration,
];

/// The columns of CSV and TSV when none are asked for, and of the export's CSV.
pub const FILE_COLUMNS: [Column; 7] = [
    Column::Type,
    Column::Id,
    Column::Title,
    Column::Artists,
    Column::Album,
    Column::Duration,
    Column::Mrn,
];

/// The width a title column starts at when rows of pages to come are not known yet.
const STREAMING_TITLE: usize = 44;
/// The width another cut column starts at then.
const STREAMING_OTHER: usize = 28;
/// The narrowest a cut column gets before it is left out.
const NARROWEST: usize = 8;

/// Whether a column's cells are cut to fit the width (titles and names), or never (IDs,
/// types, durations, MRNs).
fn cuttable(column: Column) -> bool {
    matches!(column, Column::Title | Column::Artists | Column::Album)
}

/// A cell of a table: the duration as a clock time.
fn cell(column: Column, row: &Summary) -> String {
    match column {
        Column::Id if row.id.is_empty() => "-".to_owned(),
        Column::Duration => row.clock(),
        other => file_cell(other, row),
    }
}

/// A cell of a CSV or TSV line: the duration in seconds.
pub fn file_cell(column: Column, row: &Summary) -> String {
    match column {
        Column::Id => row.id.clone(),
        Column::Type => row.kind.clone(),
        Column::Title => row.title.clone(),
        Column::Artists => row.artists.clone(),
        Column::Album => row.album.clone(),
        Column::Duration => row
            .duration
            .map(|seconds| seconds.to_string())
            .unwrap_or_default(),
        Column::Mrn => row.mrn.clone(),
    }
}

/// A column's header in a CSV or TSV: its name.
pub fn file_header(column: Column) -> &'static str {
    match column {
        Column::Id => "id",
        Column::Type => "type",
        Column::Title => "title",
        Column::Artists => "artists",
        Column::Album => "album",
        Column::Duration => "duration",
        Column::Mrn => "mrn",
    }
}

/// The columns of a table: which, how wide, and whether cells are cut to fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    columns: Vec<(Column, usize)>,
    /// Whether cells wider than their column are cut (a width is known), or overflow it.
    cut: bool,
    /// The title column's header: `ARTIST` when every row is an artist.
    title_header: &'static str,
}

impl Layout {
    /// The layout for `rows`: the columns `asked` (or the table's own), as wide as their widest
    /// cell, cut to fit `width` where one is known. A `streaming` table's title and artists
    /// columns start wider, for the rows of pages still to come.
    pub fn new(rows: &[Summary], asked: &[Column], streaming: bool, width: Option<usize>) -> Self {
        let columns: Vec<Column> = if asked.is_empty() {
            TABLE_COLUMNS
                .into_iter()
                .filter(|column| match column {
                    Column::Type => rows.iter().any(|row| row.kind != rows[0].kind),
                    Column::Artists => rows.iter().any(|row| !row.artists.is_empty()),
                    Column::Duration => rows.iter().any(|row| row.duration.is_some()),
                    _ => true,
                })
                .collect()
        } else {
            asked.to_vec()
        };
        let title_header = if !rows.is_empty() && rows.iter().all(|row| row.kind == "Artist") {
            "ARTIST"
        } else {
            "TITLE"
        };
        let mut layout = Self {
            columns: Vec::new(),
            cut: width.is_some(),
            title_header,
        };
        layout.columns = columns
            .into_iter()
            .map(|column| {
                let widest = rows
                    .iter()
                    .map(|row| cell(column, row).width())
                    .chain([layout.header_of(column).width()])
                    .max()
                    .unwrap_or_default();
                let start = match column {
                    Column::Title if streaming => STREAMING_TITLE,
                    Column::Artists | Column::Album if streaming => STREAMING_OTHER,
                    _ => 0,
                };
                (column, widest.max(start))
            })
            .collect();
        if let Some(width) = width {
            layout.fit(width);
        }
        layout
    }

    fn header_of(&self, column: Column) -> &'static str {
        match column {
            Column::Title => self.title_header,
            Column::Id => "ID",
            Column::Type => "TYPE",
            Column::Artists => "ARTISTS",
            Column::Album => "ALBUM",
            Column::Duration => "DURATION",
            Column::Mrn => "MRN",
        }
    }

    /// Narrows the cut columns, in proportion to their widths, so that a line fits in `width`;
    /// where even the narrowest would not fit, leaves cut columns out from the last.
    fn fit(&mut self, width: usize) {
        loop {
            let gaps = 2 * self.columns.len();
            let fixed: usize = self
                .columns
                .iter()
                .filter(|(column, _)| !cuttable(*column))
                .map(|(_, width)| width)
                .sum();
            let wanted: usize = self
                .columns
                .iter()
                .filter(|(column, _)| cuttable(*column))
                .map(|(_, width)| width)
                .sum();
            let room = width.saturating_sub(fixed + gaps);
            if wanted <= room {
                return;
            }
            let flexible = self
                .columns
                .iter()
                .filter(|(column, _)| cuttable(*column))
                .count();
            if room >= NARROWEST * flexible {
                let mut left = room;
                let mut wanted_left = wanted;
                for (column, column_width) in &mut self.columns {
                    if cuttable(*column) {
                        let share = (left * *column_width)
                            .checked_div(wanted_left)
                            .unwrap_or_default()
                            .max(NARROWEST.min(*column_width));
                        wanted_left -= *column_width;
                        *column_width = share.min(*column_width);
                        left = left.saturating_sub(*column_width);
                    }
                }
                return;
            }
            // Too narrow for every cut column at its narrowest: the columns go one by one,
            // the other cut columns from the last, then the duration, the MRN and the type; the
            // title and the ID stay.
            let next = self
                .columns
                .iter()
                .rposition(|(column, _)| cuttable(*column) && *column != Column::Title)
                .or_else(|| {
                    [Column::Duration, Column::Mrn, Column::Type]
                        .into_iter()
                        .find_map(|gone| {
                            self.columns.iter().position(|(column, _)| *column == gone)
                        })
                });
            match next {
                Some(index) => {
                    self.columns.remove(index);
                }
                None => {
                    for (column, column_width) in &mut self.columns {
                        if *column == Column::Title {
                            *column_width = room.max(1);
                        }
                    }
                    return;
                }
            }
        }
    }

    /// The header line.
    pub fn header(&self) -> String {
        let cells: Vec<String> = self
            .columns
            .iter()
            .map(|(column, _)| self.header_of(*column).to_owned())
            .collect();
        self.join(&cells)
    }

    /// One row's line.
    pub fn line(&self, row: &Summary) -> String {
        let cells: Vec<String> = self
            .columns
            .iter()
            .map(|(column, _)| cell(*column, row))
            .collect();
        self.join(&cells)
    }

    fn join(&self, cells: &[String]) -> String {
        let mut line = String::from("  ");
        for ((column, width), text) in self.columns.iter().zip(cells) {
            let text = if self.cut && cuttable(*column) {
                truncate(text, *width)
            } else {
                text.clone()
            };
            let padding = " ".repeat(width.saturating_sub(text.width()));
            if *column == Column::Duration {
                line.push_str(&padding);
                line.push_str(&text);
            } else {
                line.push_str(&text);
                line.push_str(&padding);
            }
            line.push_str("  ");
        }
        line.trim_end().to_owned()
    }
}

/// Cuts `text` to `width` columns, marking the cut with `…`.
pub fn truncate(text: &str, width: usize) -> String {
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

/// A CSV line (RFC 4180, CRLF), each cell quoted where it holds a comma, a quote or a line
/// break, and escaped where a spreadsheet would read it as a formula.
pub fn csv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| csv_cell(cell))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV cell. One that starts with `=`, `+`, `-`, `@`, a tab or a carriage return (which a
/// spreadsheet would run as a formula: OWASP's CSV injection advice) gets a leading `'`.
fn csv_cell(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if cell.contains([',', '"', '\n', '\r']) || cell.starts_with('\'') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// A TSV line: tabs and line breaks in a cell become spaces.
pub fn tsv_line(cells: &[String]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| cell.replace(['\t', '\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\t");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, title: &str, artists: &str, id: &str) -> Summary {
        Summary {
            kind: kind.to_owned(),
            title: title.to_owned(),
            artists: artists.to_owned(),
            id: id.to_owned(),
            ..Summary::default()
        }
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly ten", 11), "exactly ten");
        assert_eq!(truncate("Zavtracast №238 – To go", 12), "Zavtracast …");
    }

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_cells_a_spreadsheet_would_run_are_escaped() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "\"'+1\"");
        assert_eq!(csv_cell("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_cell("\tx"), "\"'\tx\"");
        assert_eq!(csv_cell("a=b"), "a=b");
    }

    #[test]
    fn tsv_cells_keep_to_one_line() {
        assert_eq!(
            tsv_line(&["a\tb".to_owned(), "c\nd".to_owned()]),
            "a b\tc d\n"
        );
    }

    #[test]
    fn a_type_every_row_shares_is_left_out_and_artists_head_their_column() {
        let rows = [
            row("Artist", "Green Day", "", "B000QJJOSO"),
            row("Artist", "Sum 41", "", "B000RHQD9K"),
        ];
        let layout = Layout::new(&rows, &[], false, None);
        assert_eq!(layout.header(), "  ID          ARTIST");
        assert_eq!(layout.line(&rows[1]), "  B000RHQD9K  Sum 41");
    }

    #[test]
    fn a_line_fits_the_width_with_its_id_whole() {
        let uuid = "9158ad02-635d-43f9-a06f-afedd7836ee9";
        let rows = [
            row(
                "Playlist",
                "A rather long playlist title that goes on",
                "Someone",
                uuid,
            ),
            row(
                "Album",
                "Short",
                "Band with a long name indeed",
                "B0MA000010",
            ),
        ];
        for width in [60, 80, 200] {
            let layout = Layout::new(&rows, &[], false, Some(width));
            for row in &rows {
                let line = layout.line(row);
                assert!(line.width() <= width, "{width}: {line:?}");
                assert!(line.contains(&row.id), "{width}: {line:?}");
            }
        }
        // Wide enough: nothing is cut, whatever its length.
        let wide = Layout::new(&rows, &[], false, Some(200));
        assert!(wide.line(&rows[0]).contains(&rows[0].title));
        // No width known (a pipe): nothing is cut either.
        let piped = Layout::new(&rows, &[], false, None);
        assert!(piped.line(&rows[0]).contains(&rows[0].title));
    }

    #[test]
    fn asked_columns_come_in_the_order_asked() {
        let rows = [row("Track", "Song", "Band", "B0")];
        let layout = Layout::new(&rows, &[Column::Title, Column::Id], false, None);
        assert_eq!(layout.header(), "  TITLE  ID");
        assert_eq!(layout.line(&rows[0]), "  Song   B0");
    }
}
