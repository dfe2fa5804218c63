//! Shell completion, run in the real shells: bash calls the function the script registers with
//! `complete`, zsh completes a typed line with Tab on a pseudo-terminal (`zpty`), and fish
//! answers `complete -C`. Each must offer the subcommands and flags past the first word, and
//! never the secret flags.
//!
//! The shells are needed: `.ci/install-system-packages` installs zsh and fish, and a test
//! whose shell is missing fails, naming that script.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{amzn_music, home};

/// A command line to complete, what the completions must hold and what they must not.
struct Case {
    line: &'static str,
    offered: &'static [&'static str],
    not_offered: &'static [&'static str],
}

/// The secret flags, which completion never offers.
const SECRETS: &[&str] = &["--client-secret", "--refresh-token"];

/// Each line ends where Tab is pressed.
const CASES: &[Case] = &[
    Case {
        line: "amzn-music ",
        offered: &["library", "export", "mock-server", "completions"],
        not_offered: SECRETS,
    },
    Case {
        line: "amzn-music library ",
        offered: &["albums", "songs", "podcasts"],
        not_offered: SECRETS,
    },
    Case {
        line: "amzn-music auth ",
        offered: &["status", "logout"],
        not_offered: &[],
    },
    Case {
        line: "amzn-music library songs --",
        offered: &["--all", "--max-items", "--limit"],
        not_offered: SECRETS,
    },
    Case {
        line: "amzn-music mock-server --",
        offered: &["--port", "--size"],
        not_offered: SECRETS,
    },
    Case {
        line: "amzn-music --",
        offered: &["--mock", "--output"],
        not_offered: SECRETS,
    },
];

/// The path of `shell`; a test fails when it is missing.
pub fn shell(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("{name} is not installed: run .ci/install-system-packages (as root) first")
        })
}

/// Writes `amzn-music completions SHELL` to `folder/file` and returns its path.
fn completion_script(shell: &str, folder: &Path, file: &str) -> PathBuf {
    let output = amzn_music(&home("completion-script"))
        .args(["completions", shell])
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{shell}");
    std::fs::create_dir_all(folder).expect("a folder");
    let path = folder.join(file);
    std::fs::write(&path, output.stdout).expect("the script");
    path
}

/// Checks what the shell offered for each case.
fn check(shell: &str, case: &Case, offered: &str) {
    for word in case.offered {
        assert!(
            offered.contains(word),
            "{shell} offers no {word} for {:?}: {offered:?}",
            case.line
        );
    }
    for word in case.not_offered {
        assert!(
            !offered.contains(word),
            "{shell} offers {word} for {:?}: {offered:?}",
            case.line
        );
    }
}

#[test]
fn bash_completes_subcommands_and_flags_past_the_first_word() {
    let bash = shell("bash");
    let dir = home("bash-completion");
    let script = completion_script("bash", &dir, "amzn-music.bash");
    // As bash calls a completion function: the function that `complete -p` names, with the
    // words so far, the command, the current word and the one before it.
    let driver = r#"
source "$1"
function=$(complete -p amzn-music | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
read -r -a COMP_WORDS <<< "$2"
if [[ "$2" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$2"
COMP_POINT=${#2}
"$function" amzn-music "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    for case in CASES {
        let output = Command::new(&bash)
            .args(["--norc", "--noprofile", "-c", driver, "bash"])
            .arg(&script)
            .arg(case.line)
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {stderr}", case.line);
        assert_eq!(stderr, "", "{}", case.line);
        check("bash", case, &String::from_utf8_lossy(&output.stdout));
    }
}

#[test]
fn zsh_completes_subcommands_and_flags_past_the_first_word() {
    let zsh = shell("zsh");
    let dir = home("zsh-completion");
    completion_script("zsh", &dir.join("functions"), "_amzn-music");
    // An interactive zsh on a pseudo-terminal, with the script in its `fpath`: type the line
    // and Tab once its prompt is up, then a command whose output (`DONE`, spelt apart in the
    // typed text) says the listing before it is complete.
    let driver = r#"
zmodload zsh/zpty
zpty shell zsh -f -i
zpty -w shell 'PS1="RE""ADY> "; fpath=('"$1"' $fpath); autoload -U compinit; compinit -u -D; LISTMAX=0; zstyle ":completion:*" list-prompt ""'
zpty -r shell out '*READY> '
zpty -w -n shell "$2"$'\t'
zpty -w shell $'\x15echo DO""NE'
zpty -r shell out '*DONE*'
print -r -- "$out"
zpty -d shell
"#;
    for case in CASES {
        let output = Command::new("timeout")
            .arg("60")
            .arg(&zsh)
            .args(["-f", "-c", driver, "zsh"])
            .arg(dir.join("functions"))
            .arg(case.line)
            .env("TERM", "xterm")
            .output()
            .expect("zsh runs");
        assert!(
            output.status.success(),
            "{}: {}",
            case.line,
            String::from_utf8_lossy(&output.stderr)
        );
        let terminal = String::from_utf8_lossy(&output.stdout);
        // What the completion listed: after the typed line, before the command that ends it.
        let listed = terminal
            .rsplit_once("echo DO")
            .map_or(&*terminal, |(before, _)| before);
        let listed = listed
            .split_once(case.line.trim_end())
            .map_or(listed, |(_, after)| after);
        check("zsh", case, listed);
    }
}

#[test]
fn fish_completes_subcommands_and_flags_past_the_first_word() {
    let fish = shell("fish");
    let dir = home("fish-completion");
    let script = completion_script("fish", &dir, "amzn-music.fish");
    for case in CASES {
        let output = Command::new(&fish)
            .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
            .arg(&script)
            .arg(case.line)
            .env("HOME", &dir)
            .output()
            .expect("fish runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {stderr}", case.line);
        check("fish", case, &String::from_utf8_lossy(&output.stdout));
    }
}
