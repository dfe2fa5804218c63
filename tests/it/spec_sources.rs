//! The spec says where its facts come from: every page a description or summary names is one of
//! the pages the spec lists, a "Source:" names one, and whatever it attributes to "the
//! reference" (Amazon's "Web API Views" page) is in that page's text, kept in
//! `openapi/sources/`.

use std::path::Path;

use amazon_music_test_support::{spec, workspace_root};
use serde_json::Value;

/// The pages the spec may cite: file name, title, URL.
const KNOWN_PAGES: &[(&str, &str, &str)] = &[
    (
        "API_web_views.html",
        "Web API Views",
        "https://developer.amazon.com/docs/music/API_web_views.html",
    ),
    (
        "API_web_views_overview.html",
        "Web API Views Overview V1.0",
        "https://developer.amazon.com/docs/music/API_web_views_overview.html",
    ),
    (
        "API_web_pagination.html",
        "Web API Pagination V1.0",
        "https://developer.amazon.com/docs/music/API_web_pagination.html",
    ),
    (
        "API_web_search.html",
        "Web API Search V1.0",
        "https://developer.amazon.com/docs/music/API_web_search.html",
    ),
    (
        "API_web_overview.html",
        "Web API Overview V1.0",
        "https://developer.amazon.com/docs/music/API_web_overview.html",
    ),
    (
        "API_web_errors.html",
        "Errors",
        "https://developer.amazon.com/docs/music/API_web_errors.html",
    ),
    (
        "API_web_request_headers.html",
        "Request Headers",
        "https://developer.amazon.com/docs/music/API_web_request_headers.html",
    ),
    (
        "API_web_LWA.html",
        "Authentication",
        "https://developer.amazon.com/docs/music/API_web_LWA.html",
    ),
    (
        "authorization-code-grant.html",
        "Authorization Code Grant",
        "https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html",
    ),
    (
        "retrieve-code-other-platforms-cbl-docs.html",
        "Retrieve a User Code and Verification URL",
        "https://developer.amazon.com/docs/login-with-amazon/retrieve-code-other-platforms-cbl-docs.html",
    ),
    (
        "retrieve-token-other-platforms-cbl-docs.html",
        "Retrieve an Access Token and Refresh Token",
        "https://developer.amazon.com/docs/login-with-amazon/retrieve-token-other-platforms-cbl-docs.html",
    ),
    (
        "lwa-access-token.html",
        "Generate LWA tokens with OAuth2 code",
        "https://developer.amazon.com/docs/amazon-data-portability/lwa-access-token.html",
    ),
];

/// The text of the views reference, as published (see `openapi/sources/README.md`).
const REFERENCE: &str = include_str!("../../openapi/sources/API_web_views.txt");

/// The shared copy the committed one is taken from, beside a CI clone.
const SHARED_REFERENCE: &str = "../shared/docs/000_d9584bea444b5dd6.txt";

/// Every `description` and `summary` of the spec (outside example values), with where it is.
fn prose(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, field) in object {
                let here = format!("{at}/{key}");
                match (key.as_str(), field) {
                    ("description" | "summary", Value::String(text)) => {
                        found.push((here, text.clone()));
                    }
                    // Example data, not prose.
                    ("value" | "example", _) => {}
                    _ => prose(field, &here, found),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                prose(item, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// The sentences of a text: split after a `.` followed by whitespace (not after "e.g." or
/// "i.e."), and at blank lines.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        current.push(c);
        let next_is_space = chars.get(index + 1).is_none_or(|next| next.is_whitespace());
        let abbreviation = current.ends_with("e.g.") || current.ends_with("i.e.");
        let blank_line = c == '\n' && chars.get(index + 1) == Some(&'\n');
        if (c == '.' && next_is_space && !abbreviation) || blank_line {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out.into_iter()
        .map(|sentence| sentence.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|sentence| !sentence.is_empty())
        .collect()
}

/// The spans of `text` between pairs of `delimiter`.
fn quoted(text: &str, delimiter: char) -> Vec<&str> {
    text.split(delimiter).skip(1).step_by(2).collect()
}

/// Whether a sentence attributes something to the views reference.
fn cites_the_reference(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    lower.contains("the reference") || lower.contains("reference's")
}

/// What a sentence quotes and the reference text must then hold: backticked literals, quoted
/// phrases (other than the title of a known page, or "the reference" itself), and
/// `ERROR_CODE`-like words.
fn literals(sentence: &str) -> Vec<String> {
    let titles: Vec<&str> = KNOWN_PAGES.iter().map(|(_, title, _)| *title).collect();
    let mut found: Vec<String> = quoted(sentence, '`')
        .into_iter()
        .map(str::to_owned)
        .collect();
    let unticked: String = sentence.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    found.extend(
        quoted(&unticked, '"')
            .into_iter()
            .filter(|phrase| !titles.contains(phrase) && !phrase.contains("reference"))
            .map(str::to_owned),
    );
    found.extend(
        unticked
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| {
                word.contains('_')
                    && word.len() > 3
                    && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            })
            .map(str::to_owned),
    );
    found
}

/// Whether the reference text holds `literal`: each part between elisions (`...`), and of a
/// dotted path (`Curator.id`) its last name, case-insensitively.
fn reference_holds(reference: &str, literal: &str) -> bool {
    let reference = reference.to_lowercase();
    let literal = literal.to_lowercase();
    let literal = match literal.rsplit_once('.') {
        Some((head, last))
            if !literal.contains("...")
                && !literal.contains(' ')
                && !head.contains('/')
                && last.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            last.to_owned()
        }
        _ => literal,
    };
    literal
        .split("...")
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .all(|part| reference.contains(part))
}

/// The problems of one piece of prose: unknown pages, a source that names no page, and what it
/// attributes to the reference that the reference text does not hold.
fn problems(at: &str, text: &str, reference: &str) -> Vec<String> {
    let mut found = Vec::new();
    let files: Vec<&str> = KNOWN_PAGES.iter().map(|(file, _, _)| *file).collect();
    let urls: Vec<&str> = KNOWN_PAGES.iter().map(|(_, _, url)| *url).collect();
    for word in text.split(|c: char| c.is_whitespace() || "()<>,;\"`".contains(c)) {
        let word = word.trim_end_matches(['.', ':']);
        if word.starts_with("https://developer.amazon.com/") {
            if !urls.contains(&word) {
                found.push(format!("{at}: {word} is not one of the known pages"));
            }
        } else if word.ends_with(".html") && !files.contains(&word) {
            found.push(format!("{at}: {word} is not one of the known pages"));
        }
    }
    for sentence in sentences(text) {
        let claims_a_source = sentence.starts_with("Source") || sentence.contains(" Source");
        if claims_a_source
            && !files.iter().any(|file| sentence.contains(file))
            && !cites_the_reference(&sentence)
        {
            found.push(format!(
                "{at}: a source that names no known page: {sentence}"
            ));
        }
        if cites_the_reference(&sentence) {
            for literal in literals(&sentence) {
                if !reference_holds(reference, &literal) {
                    found.push(format!(
                        "{at}: attributes {literal:?} to the reference, whose text does not hold \
                         it: {sentence}"
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_source_the_spec_cites_is_a_known_page_and_the_reference_holds_what_it_is_said_to() {
    let spec = spec();
    let mut texts = Vec::new();
    prose(spec, "", &mut texts);
    assert!(texts.len() > 100, "only {} descriptions found", texts.len());
    let mut found: Vec<String> = texts
        .iter()
        .flat_map(|(at, text)| problems(at, text, REFERENCE))
        .collect();
    let urls: Vec<&str> = KNOWN_PAGES.iter().map(|(_, _, url)| *url).collect();
    let mut external = Vec::new();
    find_external_docs(spec, &mut external);
    assert!(!external.is_empty(), "the spec links no page");
    for url in external {
        if !urls.contains(&url.as_str()) {
            found.push(format!("externalDocs: {url} is not one of the known pages"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The URL of every `externalDocs`.
fn find_external_docs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, field) in object {
                if key == "externalDocs" {
                    found.extend(field["url"].as_str().map(str::to_owned));
                } else if key != "value" && key != "example" {
                    find_external_docs(field, found);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| find_external_docs(item, found)),
        _ => {}
    }
}

#[test]
fn the_info_lists_every_known_page() {
    let info = spec()["info"]["description"]
        .as_str()
        .expect("an info description");
    for (file, title, url) in KNOWN_PAGES {
        assert!(
            info.contains(file) && info.contains(title) && info.contains(url),
            "the info description does not list {file} ({title}, {url})"
        );
    }
}

#[test]
fn the_spec_links_the_views_overview_and_the_pagination_page() {
    let mut texts = Vec::new();
    prose(spec(), "", &mut texts);
    let all: String = texts.into_iter().map(|(_, text)| text).collect();
    for page in ["API_web_views_overview.html", "API_web_pagination.html"] {
        let (_, _, url) = KNOWN_PAGES
            .iter()
            .find(|(file, _, _)| *file == page)
            .expect("a known page");
        assert!(all.contains(url), "the spec does not link {url}");
    }
}

#[test]
fn an_error_code_attributed_to_the_reference_is_caught() {
    // The wording the spec had before it cited the errors page.
    let text = "An error in the request. Statuses and codes the reference documents: `400` \
                `BAD_REQUEST`; `401` INVALID_ACCESS_TOKEN (an expired token).";
    let found = problems("#/test", text, REFERENCE).join("\n");
    for missing in ["\"400\"", "BAD_REQUEST", "\"401\"", "INVALID_ACCESS_TOKEN"] {
        assert!(found.contains(missing), "{missing} is not caught: {found}");
    }
}

#[test]
fn a_quote_the_reference_holds_passes_and_one_it_does_not_fails() {
    let holds = "The reference lists `cursor` and `limit` under \"Path Parameters\".";
    assert_eq!(problems("#/test", holds, REFERENCE), Vec::<String>::new());
    let invented = "The reference lists `cursor` under \"Header Parameters\".";
    assert_eq!(problems("#/test", invented, REFERENCE).len(), 1);
    let elided = "The reference's tokens look like `0%3A97ac...`, and `Curator.id` is `null`.";
    assert_eq!(problems("#/test", elided, REFERENCE), Vec::<String>::new());
}

#[test]
fn a_source_must_name_a_known_page() {
    let unnamed = "The values below. Source: Amazon's documentation.";
    assert_eq!(problems("#/test", unnamed, REFERENCE).len(), 1);
    let named = "The values below. Source: \"Errors\" (API_web_errors.html).";
    assert_eq!(problems("#/test", named, REFERENCE), Vec::<String>::new());
    let unknown = "See API_web_playback.html and https://developer.amazon.com/docs/music/x.html.";
    assert_eq!(problems("#/test", unknown, REFERENCE).len(), 2);
}

#[test]
fn the_committed_reference_is_the_shared_copy_when_there_is_one() {
    let shared = workspace_root().join(SHARED_REFERENCE);
    if !Path::new(&shared).exists() {
        // An outside clone has only the committed copy.
        return;
    }
    let text = std::fs::read_to_string(&shared).expect("the shared reference reads");
    assert!(
        text == REFERENCE,
        "openapi/sources/API_web_views.txt differs from {}: copy it again",
        shared.display()
    );
}
