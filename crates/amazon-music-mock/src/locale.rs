//! `Accept-Language` and `amzn-image-style`: the locale a response is written in, and the size
//! of its images.
//!
//! Every documented locale is accepted; titles are translated for German, French, Spanish and
//! Japanese (the English title is the key, so the spec examples' titles translate too), and
//! every other locale answers in English. Unknown or missing values fall back to `en-us`.

use amazon_music_models::{Entity, Image, View};

/// The locales the API documents, as it spells them.
pub const LOCALES: [&str; 14] = [
    "de-de", "en-au", "en-ca", "en-gb", "en-in", "en-nz", "en-us", "es-es", "es_mx", "fr-ca",
    "fr-fr", "it-it", "ja-jp", "pt-br",
];

/// The image styles the API documents.
pub const IMAGE_STYLES: [&str; 5] = ["SL500", "SL160", "SL110", "SL75", "SL30"];

/// A response's locale: one of [`LOCALES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Locale(&'static str);

impl Default for Locale {
    fn default() -> Self {
        Self("en-us")
    }
}

impl Locale {
    /// Reads an `Accept-Language` value: its first tag, in any case, `-` or `_`; anything else
    /// (or nothing) is `en-us`.
    pub(crate) fn from_header(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Self::default();
        };
        let first = value.split([',', ';']).next().unwrap_or_default().trim();
        let wanted = first.to_ascii_lowercase().replace('_', "-");
        LOCALES
            .into_iter()
            .find(|locale| locale.replace('_', "-") == wanted)
            .map_or_else(Self::default, Self)
    }

    /// The locale as a BCP 47 tag, for `Content-Language`: `de-DE`, `es-MX`.
    pub(crate) fn tag(self) -> String {
        let (language, region) = self.0.split_once(['-', '_']).unwrap_or((self.0, ""));
        format!("{language}-{}", region.to_ascii_uppercase())
    }

    fn language(self) -> &'static str {
        self.0.split(['-', '_']).next().unwrap_or("en")
    }

    /// `english`, translated into this locale's language where a translation is known.
    pub(crate) fn translate(self, english: &str) -> String {
        translation(self.language(), english)
            .unwrap_or(english)
            .to_owned()
    }
}

/// An image style: `SL` and the pixels on the longer side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageStyle(String);

impl ImageStyle {
    /// Reads an `amzn-image-style` value: `SL` and one to four digits, in any case (the set is
    /// open); anything else is ignored.
    pub(crate) fn from_header(value: Option<&str>) -> Option<Self> {
        let value = value?.trim().to_ascii_uppercase();
        let digits = value.strip_prefix("SL")?;
        let valid = (1..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then_some(Self(value))
    }

    /// `url` at this size: `.../I/<key>.jpg` becomes `.../I/<key>._SL160_.jpg`.
    pub(crate) fn apply(&self, url: &str) -> String {
        let name_start = url.rfind('/').map_or(0, |slash| slash + 1);
        match url[name_start..].rfind('.') {
            Some(dot) if !url[name_start..].contains("._") => {
                let dot = name_start + dot;
                format!("{}._{}_{}", &url[..dot], self.0, &url[dot..])
            }
            _ => url.to_owned(),
        }
    }
}

/// Writes `view` in `locale`, with its images at `style`.
pub(crate) fn localize(view: &mut View, locale: Locale, style: Option<&ImageStyle>) {
    if let Some(title) = &mut view.title {
        *title = locale.translate(title);
    }
    for group in &mut view.content.entity_groups {
        if let Some(title) = &mut group.title {
            *title = locale.translate(title);
        }
    }
    let Some(style) = style else {
        return;
    };
    let restyle = |images: &mut Vec<Image>| {
        for image in images {
            image.url = style.apply(&image.url);
        }
    };
    if let Some(images) = &mut view.images {
        restyle(images);
    }
    let entities = view.entity.iter_mut().chain(
        view.content
            .entity_groups
            .iter_mut()
            .flat_map(|group| group.content.entities.iter_mut()),
    );
    for entity in entities {
        match entity {
            Entity::Album(album) => restyle(&mut album.images),
            Entity::Artist(artist) => restyle(&mut artist.images),
            Entity::Track(track) => restyle(&mut track.images),
            Entity::Playlist(playlist) => restyle(&mut playlist.images),
            Entity::PodcastShow(show) => restyle(&mut show.images),
            Entity::PodcastEpisode(episode) => restyle(&mut episode.images),
            Entity::Station(station) => restyle(&mut station.images),
            Entity::User(user) => restyle(&mut user.images),
            _ => {}
        }
    }
}

/// The translations of the titles this server writes, by language and English title.
fn translation(language: &str, english: &str) -> Option<&'static str> {
    const TITLES: &[(&str, [&str; 4])] = &[
        // English: [German, French, Spanish, Japanese]
        (
            "Library",
            ["Bibliothek", "Bibliothèque", "Biblioteca", "ライブラリ"],
        ),
        ("Albums", ["Alben", "Albums", "Álbumes", "アルバム"]),
        (
            "Artists",
            ["Künstler", "Artistes", "Artistas", "アーティスト"],
        ),
        ("Songs", ["Songs", "Titres", "Canciones", "曲"]),
        (
            "Playlists",
            ["Playlists", "Playlists", "Listas", "プレイリスト"],
        ),
        (
            "Podcasts",
            ["Podcasts", "Podcasts", "Podcasts", "ポッドキャスト"],
        ),
        (
            "Recently Played",
            [
                "Zuletzt gespielt",
                "Écoutés récemment",
                "Reproducido recientemente",
                "最近再生した項目",
            ],
        ),
        (
            "Your Frequent Plays",
            [
                "Oft gehört",
                "Vos écoutes fréquentes",
                "Lo que más escuchas",
                "よく再生する曲",
            ],
        ),
        (
            "Playlists For You",
            [
                "Playlists für dich",
                "Playlists pour vous",
                "Listas para ti",
                "おすすめのプレイリスト",
            ],
        ),
        (
            "Recommended For You",
            [
                "Empfehlungen für dich",
                "Recommandé pour vous",
                "Recomendado para ti",
                "あなたへのおすすめ",
            ],
        ),
        (
            "New Releases",
            [
                "Neuerscheinungen",
                "Nouveautés",
                "Novedades",
                "新着リリース",
            ],
        ),
        (
            "Artists You Might Like",
            [
                "Künstler, die dir gefallen könnten",
                "Artistes que vous pourriez aimer",
                "Artistas que te pueden gustar",
                "おすすめのアーティスト",
            ],
        ),
        (
            "Stations For You",
            [
                "Sender für dich",
                "Stations pour vous",
                "Emisoras para ti",
                "おすすめのステーション",
            ],
        ),
        (
            "Popular Playlists",
            [
                "Beliebte Playlists",
                "Playlists populaires",
                "Listas populares",
                "人気のプレイリスト",
            ],
        ),
        (
            "Podcasts For You",
            [
                "Podcasts für dich",
                "Podcasts pour vous",
                "Podcasts para ti",
                "おすすめのポッドキャスト",
            ],
        ),
        (
            "Recently Added",
            [
                "Kürzlich hinzugefügt",
                "Ajoutés récemment",
                "Añadido recientemente",
                "最近追加した項目",
            ],
        ),
        (
            "Podcasts You Follow",
            [
                "Podcasts, denen du folgst",
                "Podcasts que vous suivez",
                "Podcasts que sigues",
                "フォロー中のポッドキャスト",
            ],
        ),
        (
            "Top Shows",
            [
                "Top-Sendungen",
                "Meilleures émissions",
                "Programas destacados",
                "トップ番組",
            ],
        ),
        (
            "Top Episodes",
            [
                "Top-Folgen",
                "Meilleurs épisodes",
                "Episodios destacados",
                "トップエピソード",
            ],
        ),
        (
            "New Episodes",
            [
                "Neue Folgen",
                "Nouveaux épisodes",
                "Episodios nuevos",
                "新着エピソード",
            ],
        ),
        (
            "Trending Shows",
            [
                "Angesagte Sendungen",
                "Émissions tendance",
                "Programas en tendencia",
                "話題の番組",
            ],
        ),
        (
            "Podcast Shows",
            [
                "Podcast-Sendungen",
                "Émissions de podcast",
                "Programas de podcast",
                "ポッドキャスト番組",
            ],
        ),
        (
            "Jump Back In",
            [
                "Weiterhören",
                "Reprendre l'écoute",
                "Seguir escuchando",
                "続きを再生",
            ],
        ),
        (
            "Your Playlists",
            [
                "Deine Playlists",
                "Vos playlists",
                "Tus listas",
                "あなたのプレイリスト",
            ],
        ),
        (
            "Top Songs",
            [
                "Top-Songs",
                "Titres populaires",
                "Canciones principales",
                "人気曲",
            ],
        ),
        (
            "Latest Release",
            [
                "Neueste Veröffentlichung",
                "Dernière sortie",
                "Último lanzamiento",
                "最新リリース",
            ],
        ),
        (
            "Stations",
            ["Sender", "Stations", "Emisoras", "ステーション"],
        ),
        (
            "Featured In",
            [
                "Enthalten in",
                "Présent dans",
                "Aparece en listas",
                "収録プレイリスト",
            ],
        ),
        (
            "Related Artists",
            [
                "Ähnliche Künstler",
                "Artistes similaires",
                "Artistas relacionados",
                "関連アーティスト",
            ],
        ),
        (
            "Fans Also Like",
            [
                "Fans hören auch",
                "Les fans aiment aussi",
                "A los fans también les gusta",
                "ファンはこちらも",
            ],
        ),
        (
            "Similar Stations",
            [
                "Ähnliche Sender",
                "Stations similaires",
                "Emisoras similares",
                "似ているステーション",
            ],
        ),
        (
            "Deep Cuts",
            ["Geheimtipps", "Pépites", "Joyas ocultas", "隠れた名曲"],
        ),
        (
            "Appears On",
            ["Erscheint auf", "Apparaît sur", "Aparece en", "参加作品"],
        ),
        (
            "Essentials",
            ["Essentials", "Incontournables", "Imprescindibles", "必聴"],
        ),
        (
            "More Like This",
            [
                "Mehr davon",
                "Dans le même style",
                "Más como esto",
                "似ている曲",
            ],
        ),
        (
            "Episodes",
            ["Folgen", "Épisodes", "Episodios", "エピソード"],
        ),
    ];
    let column = match language {
        "de" => 0,
        "fr" => 1,
        "es" => 2,
        "ja" => 3,
        _ => return None,
    };
    TITLES
        .iter()
        .find(|(key, _)| *key == english)
        .map(|(_, translations)| translations[column])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_locale_is_accepted_as_itself() {
        for locale in LOCALES {
            assert_eq!(Locale::from_header(Some(locale)).0, locale);
        }
    }

    #[test]
    fn locales_are_read_in_any_case_and_separator_and_from_a_list() {
        assert_eq!(Locale::from_header(Some("de-DE")).0, "de-de");
        assert_eq!(Locale::from_header(Some("es-MX")).0, "es_mx");
        assert_eq!(Locale::from_header(Some("fr_fr, en;q=0.5")).0, "fr-fr");
    }

    #[test]
    fn unknown_or_missing_locales_fall_back_to_us_english() {
        for value in [None, Some(""), Some("xx-yy"), Some("de"), Some("*")] {
            assert_eq!(Locale::from_header(value), Locale::default(), "{value:?}");
        }
    }

    #[test]
    fn content_language_tags_are_bcp_47() {
        assert_eq!(Locale::from_header(Some("es_mx")).tag(), "es-MX");
        assert_eq!(Locale::default().tag(), "en-US");
    }

    #[test]
    fn titles_are_translated_where_a_translation_is_known() {
        let german = Locale::from_header(Some("de-de"));
        assert_eq!(german.translate("Recently Played"), "Zuletzt gespielt");
        assert_eq!(german.translate("Some Title"), "Some Title");
        assert_eq!(
            Locale::from_header(Some("pt-br")).translate("Library"),
            "Library"
        );
        assert_eq!(
            Locale::from_header(Some("fr-ca")).translate("Library"),
            "Bibliothèque"
        );
    }

    #[test]
    fn image_styles_are_spliced_into_the_file_name() {
        let style = ImageStyle::from_header(Some("SL160")).expect("a style");
        assert_eq!(
            style.apply("https://m.media-amazon.com/images/I/3JGZSWTZT7a.jpg"),
            "https://m.media-amazon.com/images/I/3JGZSWTZT7a._SL160_.jpg"
        );
        let styled = "https://m.media-amazon.com/images/I/x._SL500_.jpg";
        assert_eq!(style.apply(styled), styled);
    }

    #[test]
    fn every_documented_image_style_is_accepted_and_others_ignored() {
        for style in IMAGE_STYLES {
            assert!(ImageStyle::from_header(Some(style)).is_some(), "{style}");
        }
        assert!(ImageStyle::from_header(Some("sl75")).is_some());
        for bad in ["", "SL", "XL500", "SL12345", "SL1x"] {
            assert_eq!(ImageStyle::from_header(Some(bad)), None, "{bad}");
        }
    }
}
