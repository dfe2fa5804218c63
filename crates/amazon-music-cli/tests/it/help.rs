//! Help that tells the truth: each command offers the flags it uses and refuses the others,
//! checks what has a set, keeps flags set by the environment out of its usage line, and shows
//! an example.

use crate::support::{amzn_music, home};

/// The help of `amzn-music <command...> --help`.
fn help(command: &[&str]) -> String {
    let output = amzn_music(&home("help"))
        .args(command)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{command:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn commands_that_do_not_call_the_api_offer_no_connection_request_or_output_flags() {
    for command in [
        &["mock-server"][..],
        &["completions"],
        &["man"],
        &["config", "path"],
        &["auth", "logout"],
        &["login"],
    ] {
        let help = help(command);
        for flag in [
            "--token",
            "--output",
            "--locale",
            "--image-style",
            "--base-url",
            "--mock",
        ] {
            assert!(!help.contains(flag), "{command:?} offers {flag}:\n{help}");
        }
    }
    let status = help(&["auth", "status"]);
    assert!(status.contains("--token"), "{status}");
    assert!(!status.contains("--output"), "{status}");
    let export = help(&["export"]);
    assert!(export.contains("--locale"), "{export}");
    assert!(!export.contains("--output"), "{export}");
}

#[test]
fn every_command_s_help_has_an_example() {
    let top = help(&[]);
    assert!(top.contains("\nExample:\n  amzn-music "), "{top}");
    let commands = [
        &["home"][..],
        &["podcasts"],
        &["library"],
        &["recent"],
        &["artist"],
        &["album"],
        &["playlist"],
        &["show"],
        &["api"],
        &["export"],
        &["login"],
        &["auth", "status"],
        &["auth", "logout"],
        &["config", "path"],
        &["completions"],
        &["man"],
        &["mock-server"],
    ];
    for command in commands {
        let help = help(command);
        let example = help
            .split_once("\nExample:\n  amzn-music ")
            .map(|(_, example)| example)
            .unwrap_or_else(|| panic!("{command:?} has no example:\n{help}"));
        assert!(
            example.starts_with(command[0]),
            "{command:?}'s example is another command's: {example}"
        );
    }
}

#[test]
fn a_flag_a_command_does_not_use_is_refused_wherever_it_stands() {
    let folder = home("refused");
    let export = folder.join("out");
    let export = export.to_str().expect("UTF-8");
    for (args, message) in [
        (
            &["--token", "t", "mock-server"][..],
            "`mock-server` does not take --token",
        ),
        (
            &["--output", "json", "completions", "bash"],
            "`completions` does not take --output",
        ),
        (
            &["--locale", "de-de", "config", "path"],
            "`config` does not take --locale",
        ),
        (
            &["-o", "json", "export", export],
            "`export` does not take --output",
        ),
        (
            &["export", export, "-o", "json"],
            "unexpected argument '-o'",
        ),
        (&["--json", "auth", "status"], "`auth` does not take --json"),
        (
            &["auth", "status", "-o", "json"],
            "unexpected argument '-o'",
        ),
        (
            &["api", "--list", "-o", "json"],
            "`api --list` prints the operations of the spec as text: --output do not apply",
        ),
        (
            &["--locale", "klingon", "recent"],
            "\"klingon\" is not a locale",
        ),
        (
            &["recent", "--image-style", "huge"],
            "\"huge\" is not an image style",
        ),
        (
            &["--token", "a", "recent", "--token", "b"],
            "--token is given twice",
        ),
    ] {
        let output = amzn_music(&home("refused"))
            .args(args.iter())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let output = amzn_music(&home("env-locale"))
        .env("AMAZON_MUSIC_LOCALE", "klingon")
        .args(["--mock", "recent"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("error: AMAZON_MUSIC_LOCALE: \"klingon\" is not a locale"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn flags_set_by_the_environment_stay_out_of_the_usage_line() {
    let output = amzn_music(&home("usage-line"))
        .env("AMAZON_MUSIC_TOKEN", "Atza|from-the-environment")
        .env("AMAZON_MUSIC_BASE_URL", "http://127.0.0.1:9")
        .env("AMAZON_MUSIC_API_KEY", "key")
        .arg("album")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("Usage: amzn-music album <ID>\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("--token"), "{stderr}");
}

#[test]
fn each_paging_command_s_help_gives_its_limit_range() {
    for (command, range) in [
        (&["home"][..], "How many items a page holds: 1..10 "),
        (
            &["library", "artists"],
            "How many items a page holds: 1..10 ",
        ),
        (&["library", "songs"], "How many items a page holds: 1.. "),
        (&["api"], "each operation's range is in `api --list`"),
    ] {
        let help = help(command)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(help.contains(range), "{command:?}: {help}");
    }
}
