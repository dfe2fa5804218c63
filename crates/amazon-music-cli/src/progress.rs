//! The progress of `--all` and `export` on stderr: spinners on a terminal, nothing elsewhere
//! (but the lines `export` leaves as each list ends).

use std::time::Duration;

use crate::output::plural;

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
        let bar = spinner(bar, "{spinner} {msg} ({elapsed})");
        bar.set_message("0 pages, 0 entities");
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

    /// Shows `message` in place of the counts.
    pub fn message(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
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

/// `bar` drawn as `template`, ticking.
fn spinner(bar: indicatif::ProgressBar, template: &str) -> indicatif::ProgressBar {
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The progress of `export` on stderr: on a terminal, a line for the whole export (its
/// entities, their rate, the time) and a line for each list begun with its count, which
/// stays, with the final count, when the list ends; elsewhere only those final lines.
pub struct ListsProgress {
    /// The lines, on a terminal.
    lines: Option<indicatif::MultiProgress>,
    /// The whole export's line.
    total: Line,
}

/// One line of [`ListsProgress`].
pub struct Line(Option<indicatif::ProgressBar>);

impl ListsProgress {
    /// The whole export's line on stderr if it is a terminal that can draw one; nothing
    /// otherwise.
    pub fn start() -> Self {
        if !console::Term::stderr().is_term() {
            return Self {
                lines: None,
                total: Line(None),
            };
        }
        let lines =
            indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::stderr());
        let total = lines.add(indicatif::ProgressBar::new_spinner());
        let total = Line(Some(spinner(total, "{spinner} {msg} ({elapsed})")));
        total.show("export: 0 entities".to_owned());
        Self {
            lines: Some(lines),
            total,
        }
    }

    /// Shows the whole export's counts.
    pub fn total(&self, message: String) {
        self.total.show(message);
    }

    /// A new line under the others, for one list.
    pub fn line(&self) -> Line {
        Line(self.lines.as_ref().map(|lines| {
            let bar = lines.add(indicatif::ProgressBar::new_spinner());
            spinner(bar, "{spinner} {msg}")
        }))
    }

    /// Removes the whole export's line, and every list's line that is still going; the
    /// lines of the lists that ended stay.
    pub fn finish_and_clear(&self) {
        if let Some(lines) = &self.lines {
            self.total
                .0
                .iter()
                .for_each(indicatif::ProgressBar::finish_and_clear);
            let _ = lines.clear();
        }
    }
}

impl Line {
    /// Shows `message` on the line.
    pub fn show(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    /// Ends the line with `message`, which stays; printed on a line of stderr where there is
    /// no terminal.
    pub fn finish(&self, message: &str) {
        match &self.0 {
            Some(bar) => {
                bar.set_style(indicatif::ProgressStyle::default_spinner().tick_chars("  "));
                bar.finish_with_message(message.to_owned());
            }
            None => eprintln!("{message}"),
        }
    }
}
