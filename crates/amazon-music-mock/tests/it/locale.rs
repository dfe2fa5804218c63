//! `Accept-Language` and `amzn-image-style`.

use amazon_music_mock::{IMAGE_STYLES, LOCALES};
use amazon_music_models::{Entity, ViewResponse};

use crate::support::{get, server, view};

#[tokio::test]
async fn every_documented_locale_is_accepted_and_named_in_content_language() {
    let server = server().await;
    for locale in LOCALES {
        let response = get(
            &server,
            "/v1/views/home",
            &[],
            &[("accept-language", locale)],
        )
        .await;
        assert_eq!(response.status(), 200, "{locale}");
        let tag = response.headers()["content-language"]
            .to_str()
            .expect("ASCII")
            .to_ascii_lowercase();
        assert_eq!(tag, locale.replace('_', "-"));
    }
    for unknown in ["xx-yy", "klingon", "*"] {
        let response = get(
            &server,
            "/v1/views/home",
            &[],
            &[("accept-language", unknown)],
        )
        .await;
        assert_eq!(response.status(), 200, "{unknown}");
        assert_eq!(
            response.headers()["content-language"],
            "en-US",
            "{unknown} falls back"
        );
    }
}

fn titles(view: &ViewResponse) -> Vec<String> {
    view.data
        .title
        .iter()
        .cloned()
        .chain(
            view.data
                .content
                .entity_groups
                .iter()
                .filter_map(|group| group.title.clone()),
        )
        .collect()
}

#[tokio::test]
async fn titles_are_written_in_the_locale_asked_for() {
    let server = server().await;
    let english = view(&server, "/v1/views/library", &[], &[]).await;
    let german = view(
        &server,
        "/v1/views/library",
        &[],
        &[("accept-language", "de-de")],
    )
    .await;
    let french = view(
        &server,
        "/v1/views/library",
        &[],
        &[("accept-language", "fr-fr")],
    )
    .await;
    assert_eq!(
        titles(&english),
        ["Library", "Playlists", "Albums", "Artists"]
    );
    assert_eq!(
        titles(&german),
        ["Bibliothek", "Playlists", "Alben", "Künstler"]
    );
    assert_eq!(
        titles(&french),
        ["Bibliothèque", "Playlists", "Albums", "Artistes"]
    );
    let home = view(
        &server,
        "/v1/views/home",
        &[],
        &[("accept-language", "ja-jp")],
    )
    .await;
    assert_eq!(titles(&home)[0], "よく再生する曲");
    let recent = view(
        &server,
        "/v1/views/recent",
        &[],
        &[("accept-language", "es_mx")],
    )
    .await;
    assert_eq!(titles(&recent), ["Reproducido recientemente"]);
    let same_entities = |a: &ViewResponse, b: &ViewResponse| {
        a.data
            .content
            .entity_groups
            .iter()
            .zip(&b.data.content.entity_groups)
            .all(|(x, y)| x.content == y.content)
    };
    assert!(same_entities(&english, &german), "only titles change");
}

fn image_urls(view: &ViewResponse) -> Vec<String> {
    let entities = view.data.entity.iter().chain(
        view.data
            .content
            .entity_groups
            .iter()
            .flat_map(|group| &group.content.entities),
    );
    entities
        .flat_map(|entity| match entity {
            Entity::Album(album) => album.images.clone(),
            Entity::Artist(artist) => artist.images.clone(),
            Entity::Track(track) => track.images.clone(),
            Entity::Playlist(playlist) => playlist.images.clone(),
            Entity::PodcastShow(show) => show.images.clone(),
            Entity::PodcastEpisode(episode) => episode.images.clone(),
            Entity::Station(station) => station.images.clone(),
            Entity::User(user) => user.images.clone(),
            _ => Vec::new(),
        })
        .chain(view.data.images.iter().flatten().cloned())
        .map(|image| image.url)
        .collect()
}

#[tokio::test]
async fn every_image_url_carries_the_image_style_asked_for() {
    let server = server().await;
    for path in [
        "/v1/views/home",
        "/v1/views/library/podcasts",
        "/v1/views/recent",
        "/v1/views/artists/B000QJJOSO",
    ] {
        let plain = image_urls(&view(&server, path, &[], &[]).await);
        assert!(
            !plain.is_empty() && plain.iter().all(|url| !url.contains("._SL")),
            "{path}: {plain:?}"
        );
        for style in IMAGE_STYLES {
            let styled =
                image_urls(&view(&server, path, &[], &[("amzn-image-style", style)]).await);
            assert_eq!(styled.len(), plain.len());
            for (styled, plain) in styled.iter().zip(&plain) {
                assert_eq!(
                    *styled,
                    plain.replace(".jpg", &format!("._{style}_.jpg")),
                    "{path}"
                );
            }
        }
        let ignored = image_urls(&view(&server, path, &[], &[("amzn-image-style", "huge")]).await);
        assert_eq!(ignored, plain, "an unknown style is ignored");
    }
}
