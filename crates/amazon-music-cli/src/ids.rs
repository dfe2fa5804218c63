//! IDs as people have them: an ASIN or UUID, or the music.amazon.com (or .de, .co.uk, ...) URL
//! of the page that shows the thing (`https://music.amazon.com/albums/B0CKMM9LJF?...`).

use crate::error::UsageError;

/// The path segments that name each kind of page, and the command that shows it.
const PAGES: &[(&str, &str)] = &[
    ("albums", "album"),
    ("artists", "artist"),
    ("playlists", "playlist"),
    ("user-playlists", "playlist"),
    ("podcasts", "show"),
];

/// The ID that `command` (`album`, `artist`, `playlist`, `show`) should ask for: `text` as it
/// is, or the ID in a music.amazon.com URL.
///
/// # Errors
/// A [`UsageError`] for a music.amazon.com URL with no ID, or one of another kind's page
/// (naming the command that shows it).
pub fn id_for(command: &str, text: &str) -> Result<String, UsageError> {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return Ok(text.to_owned());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.strip_prefix("www.").unwrap_or(host);
    if !host.starts_with("music.amazon.") {
        return Err(UsageError::new(format!(
            "{text:?} is not a music.amazon.com URL: give the ID (an ASIN or UUID), or the URL \
             of its page on music.amazon.com"
        )));
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.split('/').filter(|segment| !segment.is_empty());
    let found = segments.by_ref().find_map(|segment| {
        PAGES
            .iter()
            .find(|(page, _)| *page == segment)
            .map(|(_, shows)| *shows)
    });
    match (found, segments.next()) {
        (Some(shows), Some(id)) if shows == command => Ok(id.to_owned()),
        (Some(shows), Some(id)) => Err(UsageError::new(format!(
            "that URL is {} page: `amzn-music {shows} {id}` shows it",
            match shows {
                "album" => "an album's",
                "artist" => "an artist's",
                "show" => "a podcast show's",
                _ => "a playlist's",
            }
        ))),
        _ => Err(UsageError::new(format!(
            "no {command} ID in {text:?}: give the ID (an ASIN or UUID), or the URL of its page \
             (music.amazon.com/albums/..., /artists/..., /playlists/..., /podcasts/...)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_taken_as_it_is() {
        assert_eq!(id_for("album", "B0CKMM9LJF").unwrap(), "B0CKMM9LJF");
    }

    #[test]
    fn a_page_url_gives_its_id() {
        for (command, url, id) in [
            (
                "album",
                "https://music.amazon.com/albums/B0CKMM9LJF?trackAsin=B0CKMLZ3VH",
                "B0CKMM9LJF",
            ),
            (
                "artist",
                "https://music.amazon.de/artists/B000QJJOSO/the-offspring",
                "B000QJJOSO",
            ),
            (
                "playlist",
                "https://www.music.amazon.co.uk/playlists/B00J9PVXBM#top",
                "B00J9PVXBM",
            ),
            (
                "playlist",
                "https://music.amazon.com/user-playlists/9158ad02635d43f9a06fafedd7836ee9",
                "9158ad02635d43f9a06fafedd7836ee9",
            ),
            (
                "show",
                "https://music.amazon.com/podcasts/d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0/crime-junkie",
                "d6e3946e-6b3f-48dc-a3ae-fdc7c9d699f0",
            ),
        ] {
            assert_eq!(id_for(command, url).unwrap(), id, "{url}");
        }
    }

    #[test]
    fn a_url_of_another_kind_names_the_command_that_shows_it() {
        let error = id_for("album", "https://music.amazon.com/artists/B000QJJOSO").unwrap_err();
        assert_eq!(
            error.to_string(),
            "that URL is an artist's page: `amzn-music artist B000QJJOSO` shows it"
        );
    }

    #[test]
    fn a_url_without_an_id_or_off_the_site_is_refused() {
        assert!(id_for("album", "https://music.amazon.com/albums").is_err());
        assert!(id_for("album", "https://example.com/albums/B0CKMM9LJF").is_err());
    }
}
