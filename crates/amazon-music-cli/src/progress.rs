//! The progress of `--all` and `export` on stderr: a spinner on a terminal, nothing elsewhere.

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
