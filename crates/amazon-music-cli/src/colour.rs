//! Colour on stderr and stdout: only on a terminal, and never with `NO_COLOR`.

use std::io::{self, IsTerminal};

/// Whether to colour a stream: only a terminal, and never with `NO_COLOR` set (to anything but
/// the empty string).
pub fn colour_for(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// `text` in bold, when `colour`.
pub fn bold(text: &str, colour: bool) -> String {
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
