//! `amzn-music man`: one manual page for the whole command. clap_mangen writes the title, the
//! synopsis, the description, the options and the environment; the commands (each with its
//! flags' help one `--help` away, not on pages of their own), the examples and the exit status
//! are written here from the same command tree and the exit codes.

use crate::cli;
use crate::error::{EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};

/// The manual page, in roff.
///
/// # Errors
/// When clap_mangen cannot render (it writes to memory, so only on a bug of its own).
pub fn page() -> std::io::Result<String> {
    let mut command = cli::command().disable_help_subcommand(true);
    command.build();
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut page = String::from_utf8_lossy(&out).into_owned();

    page.push_str(".SH COMMANDS\n");
    let mut examples = Vec::new();
    for (path, sub) in commands(&command, Vec::new()) {
        page.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}\n",
            text(&format!("amzn-music {}", path.join(" "))),
            text(&sub.get_about().map(ToString::to_string).unwrap_or_default())
        ));
        if let Some(example) = example(sub) {
            examples.push(example);
        }
    }
    page.push_str(&format!(
        ".PP\nEach command's flags: {}.\n",
        text("amzn-music COMMAND --help")
    ));

    let mut extra = Vec::new();
    man.render_extra_section(&mut extra)?;
    page.push_str(&String::from_utf8_lossy(&extra));

    page.push_str(".SH EXAMPLES\n");
    for example in examples {
        page.push_str(&format!(".TP\n\\fB{}\\fR\n", text(&example)));
    }

    page.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in [
        (
            EXIT_OK,
            "success (also when the reader of standard output went away)",
        ),
        (EXIT_FAILURE, "the API or the network failed"),
        (
            EXIT_USAGE,
            "a usage error: bad flags, missing credentials, input out of range",
        ),
        (EXIT_INTERRUPTED, "interrupted by Ctrl-C (export)"),
    ] {
        page.push_str(&format!(".TP\n{code}\n{}\n", text(meaning)));
    }

    let mut version = Vec::new();
    man.render_version_section(&mut version)?;
    page.push_str(&String::from_utf8_lossy(&version));
    Ok(page)
}

/// Every command under `command`, depth first, with its path of names.
fn commands(command: &clap::Command, path: Vec<String>) -> Vec<(Vec<String>, &clap::Command)> {
    let mut found = Vec::new();
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let mut sub_path = path.clone();
        sub_path.push(sub.get_name().to_owned());
        found.push((sub_path.clone(), sub));
        found.extend(commands(sub, sub_path));
    }
    found
}

/// The example at the end of a command's help (`Example:` then the command line).
fn example(command: &clap::Command) -> Option<String> {
    let help = command.get_after_help()?.to_string();
    let (_, example) = help.split_once("Example:\n")?;
    Some(example.trim().to_owned())
}

/// `text` as roff text: backslashes and hyphens escaped, and no line that starts a request.
fn text(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_roff() {
        assert_eq!(text("a-b"), "a\\-b");
        assert_eq!(text(".hidden"), "\\&.hidden");
        assert_eq!(text("back\\slash"), "back\\\\slash");
    }
}
