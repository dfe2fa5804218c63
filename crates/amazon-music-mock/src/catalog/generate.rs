//! The generated part of the catalog: artists, albums, songs, playlists, podcast shows and
//! episodes, made from a seed, so that two servers of one size serve the same data.
//!
//! Generated IDs never collide with the spec examples': ASINs start `B0M` and a letter for the
//! kind (`B0MR` artists, `B0MA` albums, `B0MS` songs, `B0MP` playlists), UUIDs come from the
//! seeded generator, ISRCs use the registrant `MK1`.

use amazon_music_models::{
    Album, AlbumReference, AlbumType, Artist, ArtistReference, ArtistType, Curator, Image,
    PlayParams, PlaybackInformation, Playlist, PlaylistType, PodcastEpisode, PodcastEpisodeType,
    PodcastReference, PodcastShow, PodcastShowType, Station, StationType, Track, TrackType,
};

/// How many of each kind to make.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sizes {
    pub(crate) songs: usize,
    pub(crate) artists: usize,
    pub(crate) albums: usize,
    pub(crate) playlists: usize,
    pub(crate) shows: usize,
}

impl Sizes {
    /// The sizes for a library of `songs` generated songs: every kind scales with it, and
    /// every kind has more than ten, so that each view has more than one page at the default
    /// `limit`.
    pub(crate) fn for_songs(songs: usize) -> Self {
        Self {
            songs,
            artists: (songs * 2 / 15).max(12),
            albums: (songs / 6).max(12),
            playlists: (songs / 15).max(12),
            shows: (songs / 30).max(12),
        }
    }
}

/// The generated catalog.
pub(crate) struct Generated {
    pub(crate) artists: Vec<Artist>,
    pub(crate) albums: Vec<Album>,
    pub(crate) songs: Vec<Track>,
    /// Each playlist, with its tracks as indices into `songs`.
    pub(crate) playlists: Vec<(Playlist, Vec<usize>)>,
    /// Each show, with its episodes, newest first.
    pub(crate) shows: Vec<(PodcastShow, Vec<PodcastEpisode>)>,
}

/// SplitMix64: small, fast and the same everywhere.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator seeded from `text`, for data derived from an ID.
    pub(crate) fn from_text(text: &str) -> Self {
        Self(text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        }))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    pub(crate) fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// `count` distinct indices into a list of `len`, in a random order (fewer if `len` is
    /// smaller).
    pub(crate) fn sample(&mut self, len: usize, count: usize) -> Vec<usize> {
        let mut indices: Vec<usize> = (0..len).collect();
        let count = count.min(len);
        for i in 0..count {
            let j = i + self.below(len - i);
            indices.swap(i, j);
        }
        indices.truncate(count);
        indices
    }

    /// A version-4 UUID.
    pub(crate) fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// An image on Amazon's image host, with an 11-character key.
    pub(crate) fn image(&mut self) -> Image {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let key: String = (0..11)
            .map(|_| char::from(ALPHABET[self.below(ALPHABET.len())]))
            .collect();
        Image {
            url: format!("https://m.media-amazon.com/images/I/{key}.jpg"),
        }
    }
}

const ADJECTIVES: &[&str] = &[
    "Velvet", "Neon", "Hollow", "Golden", "Quiet", "Electric", "Paper", "Silver", "Wild", "Broken",
    "Midnight", "Crimson", "Distant", "Lucky", "Restless", "Frozen", "Gentle", "Savage", "Bright",
    "Faded", "Lonely", "Burning", "Northern", "Static",
];
const NOUNS: &[&str] = &[
    "Harbor",
    "Signal",
    "Garden",
    "River",
    "Engine",
    "Mirror",
    "Coast",
    "Lantern",
    "Comet",
    "Canyon",
    "Orchard",
    "Satellite",
    "Highway",
    "Ember",
    "Tide",
    "Echo",
    "Meadow",
    "Skyline",
    "Thunder",
    "Window",
    "Island",
    "Valley",
    "Parade",
    "Horizon",
];
const FIRST_NAMES: &[&str] = &[
    "Mara", "Jonah", "Lena", "Theo", "Ivy", "Caleb", "Nora", "Felix", "Ruby", "Silas", "Ada",
    "Milo", "Iris", "Otto", "June", "Remy",
];
const LAST_NAMES: &[&str] = &[
    "Quinn",
    "Hale",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Tanaka",
    "Brennan",
    "Novak",
    "Adeyemi",
    "Sato",
    "Reyes",
    "Whitlock",
    "Varga",
];
const VERBS: &[&str] = &[
    "Chasing", "Falling", "Dancing", "Waiting", "Running", "Dreaming", "Holding", "Burning",
    "Drifting", "Calling", "Leaving", "Finding",
];
const MOODS: &[&str] = &[
    "Chill",
    "Upbeat",
    "Late Night",
    "Sunday Morning",
    "Workout",
    "Focus",
    "Road Trip",
    "Rainy Day",
    "Party",
    "Acoustic",
    "Throwback",
    "Fresh",
];
const GENRES: &[&str] = &[
    "Indie",
    "Pop",
    "Rock",
    "Hip-Hop",
    "Jazz",
    "Electronic",
    "Folk",
    "Soul",
    "Punk",
    "Country",
    "R&B",
    "Classical",
];
const LABELS: &[&str] = &[
    "Harborline Records",
    "Static Bloom",
    "Northern Sound",
    "Paper Comet Music",
    "Reprise",
    "Epitaph",
    "Sub Pop",
    "Independent",
];
const TOPICS: &[&str] = &[
    "History",
    "Science",
    "Business",
    "Comedy",
    "True Crime",
    "Technology",
    "Culture",
    "Sports",
    "Health",
    "Design",
    "Food",
    "Travel",
];
const FORMATS: &[&str] = &["Hour", "Daily", "Weekly", "Show", "Files", "Hour", "Club"];
const PUBLISHERS: &[&str] = &[
    "Lantern Media",
    "Echo Audio",
    "Skyline Studios",
    "Orchard Network",
    "Tide Podcasts",
];

const MUSIC: [&str; 3] = ["PLAY", "SHUFFLE", "STATION"];

pub(crate) fn selections(kinds: &[&str]) -> Vec<String> {
    kinds.iter().map(|kind| (*kind).to_owned()).collect()
}

pub(crate) fn play_params(mrn: String) -> PlayParams {
    PlayParams {
        id: mrn,
        container_id: None,
        container_ids: None,
        selections: selections(&MUSIC),
    }
}

fn podcast_play_params(mrn: String) -> PlayParams {
    PlayParams {
        selections: selections(&["PLAY"]),
        ..play_params(mrn)
    }
}

/// The MRN of a catalog entity: `mrn:1.0:catalog:<kind>:asin:<id>?territory=US`.
pub(crate) fn catalog_mrn(kind: &str, id: &str) -> String {
    format!("mrn:1.0:catalog:{kind}:asin:{id}?territory=US")
}

/// An ASIN-shaped ID: `B0M`, a letter for the kind, and six base-36 digits of `index`.
fn asin(kind: char, index: usize) -> String {
    const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut digits = [b'0'; 6];
    let mut rest = index;
    for digit in digits.iter_mut().rev() {
        *digit = DIGITS[rest % 36];
        rest /= 36;
    }
    format!("B0M{kind}{}", String::from_utf8_lossy(&digits))
}

/// A date as ISO 8601, `days` after 1970-01-01, at `time`.
pub(crate) fn date(days: i64, time: &str) -> String {
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{time}")
}

/// 2024-06-01, in days since 1970-01-01: the newest date the catalog uses.
const NEWEST_DAY: i64 = 19_875;

/// A station playing music like `artist`'s.
pub(crate) fn station_for(artist: &ArtistReference) -> Station {
    let mut rng = Rng::from_text(&format!("station:{}", artist.id));
    const KEY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let key: String = std::iter::once('A')
        .chain((0..13).map(|_| char::from(KEY[rng.below(KEY.len())])))
        .collect();
    Station {
        type_: StationType::Station,
        name: format!("{} Radio", artist.name),
        images: vec![rng.image()],
        play_params: PlayParams {
            selections: selections(&["PLAY"]),
            ..play_params(format!("mrn:1.0:catalog:station:key:{key}"))
        },
        id: key,
    }
}

/// `count` episodes of `show`, newest first, made from the show's ID.
pub(crate) fn episodes_for(show: &PodcastShow, count: usize) -> Vec<PodcastEpisode> {
    let mut rng = Rng::from_text(&format!("episodes:{}", show.id));
    let seasons = rng.chance(40);
    let numbered = rng.chance(70);
    let weekly = 3 + rng.below(5) as i64;
    (0..count)
        .map(|n| {
            let number = (count - n) as i64;
            let id = rng.uuid();
            PodcastEpisode {
                type_: PodcastEpisodeType::PodcastEpisode,
                title: format!(
                    "{}{} {}",
                    if numbered {
                        format!("{number}. ")
                    } else {
                        String::new()
                    },
                    rng.pick(ADJECTIVES),
                    rng.pick(NOUNS)
                ),
                author: show.author.clone(),
                season_number: seasons.then_some(1 + (number - 1) / 10),
                episode_number: numbered.then_some(number),
                release_date: date(
                    NEWEST_DAY - rng.below(3) as i64 - n as i64 * weekly,
                    "08:00:00Z",
                ),
                duration: 900 + rng.below(4500) as i64,
                images: vec![rng.image()],
                podcast: PodcastReference {
                    id: show.id.clone(),
                    title: show.title.clone(),
                },
                play_params: podcast_play_params(format!("mrn:1.0:podcast:episode:uuid:{id}")),
                playback_information: Some(PlaybackInformation {
                    progress_milliseconds: None,
                }),
                id,
            }
        })
        .collect()
}

/// The generated catalog for `sizes`, from `seed`.
pub(crate) fn generate(sizes: Sizes, seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let artists = artists(&mut rng, sizes.artists);
    let albums = albums(&mut rng, sizes.albums, sizes.songs, &artists);
    let songs = songs(&mut rng, sizes.songs, &albums);
    let playlists = playlists(&mut rng, sizes.playlists, &songs);
    let shows = shows(&mut rng, sizes.shows);
    Generated {
        artists,
        albums,
        songs,
        playlists,
        shows,
    }
}

fn artists(rng: &mut Rng, count: usize) -> Vec<Artist> {
    (0..count)
        .map(|index| {
            let name = match rng.below(3) {
                0 => format!("{} {}s", rng.pick(ADJECTIVES), rng.pick(NOUNS)),
                1 => format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)),
                _ => format!("The {}s", rng.pick(NOUNS)),
            };
            let id = asin('R', index);
            Artist {
                type_: ArtistType::Artist,
                name,
                images: vec![rng.image()],
                play_params: play_params(catalog_mrn("artist", &id)),
                follower_count: Some(rng.below(2_000_000) as i64),
                id,
            }
        })
        .collect()
}

/// The songs of album `album` when `songs` songs are spread over `albums` albums in order.
fn album_of(song: usize, songs: usize, albums: usize) -> usize {
    song * albums / songs.max(1)
}

fn albums(rng: &mut Rng, count: usize, songs: usize, artists: &[Artist]) -> Vec<Album> {
    let mut track_counts = vec![0i64; count];
    for song in 0..songs {
        track_counts[album_of(song, songs, count)] += 1;
    }
    (0..count)
        .map(|index| {
            let artist = &artists[index % artists.len()];
            let title = match rng.below(3) {
                0 => format!("{} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS)),
                1 => format!("{} of the {}", rng.pick(NOUNS), rng.pick(NOUNS)),
                _ => rng.pick(NOUNS).to_owned(),
            };
            let title = if rng.chance(20) {
                format!("{title} [Explicit]")
            } else {
                title
            };
            let id = asin('A', index);
            let tracks = track_counts[index];
            Album {
                type_: AlbumType::Album,
                title,
                artists: vec![ArtistReference {
                    id: artist.id.clone(),
                    name: artist.name.clone(),
                }],
                images: vec![rng.image()],
                play_params: play_params(catalog_mrn("album", &id)),
                duration: Some(tracks * (180 + rng.below(60) as i64)),
                release_date: Some(date(
                    NEWEST_DAY - rng.below(365 * 40) as i64,
                    "04:00:00.000Z",
                )),
                track_count: Some(tracks),
                label: Some(rng.pick(LABELS).to_owned()),
                id,
            }
        })
        .collect()
}

fn songs(rng: &mut Rng, count: usize, albums: &[Album]) -> Vec<Track> {
    (0..count)
        .map(|index| {
            let album = &albums[album_of(index, count, albums.len())];
            let title = match rng.below(3) {
                0 => format!("{} {}", rng.pick(VERBS), rng.pick(NOUNS)),
                1 => format!("{} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS)),
                _ => format!("{} in the {}", rng.pick(NOUNS), rng.pick(NOUNS)),
            };
            let year = album
                .release_date
                .as_deref()
                .and_then(|date| date.get(2..4))
                .unwrap_or("24");
            let id = asin('S', index);
            Track {
                type_: TrackType::Track,
                isrc: format!("USMK1{year}{:05}", index % 100_000),
                title,
                album: AlbumReference {
                    id: album.id.clone(),
                    title: album.title.clone(),
                },
                artists: album.artists.clone(),
                images: album.images.clone(),
                play_params: play_params(catalog_mrn("track", &id)),
                id,
            }
        })
        .collect()
}

fn playlists(rng: &mut Rng, count: usize, songs: &[Track]) -> Vec<(Playlist, Vec<usize>)> {
    (0..count)
        .map(|index| {
            let title = format!("{} {}", rng.pick(MOODS), rng.pick(GENRES));
            let count = 12 + rng.below(29);
            let tracks = rng.sample(songs.len(), count);
            let duration = tracks.len() as i64 * 210;
            let playlist = if index % 2 == 0 {
                let id = rng.uuid();
                Playlist {
                    type_: PlaylistType::Playlist,
                    title: format!("My {title}"),
                    images: vec![rng.image()],
                    play_params: play_params(format!("mrn:1.0:library:playlist:uuid:{id}")),
                    curator: None,
                    description: None,
                    duration: Some(duration),
                    id,
                }
            } else {
                let id = asin('P', index);
                Playlist {
                    type_: PlaylistType::Playlist,
                    description: Some(format!(
                        "{} {} picks, chosen by our experts.",
                        rng.pick(ADJECTIVES),
                        title.to_lowercase()
                    )),
                    title,
                    images: vec![rng.image()],
                    play_params: play_params(catalog_mrn("playlist", &id)),
                    curator: Some(Curator {
                        id: None,
                        name: "Amazon's Music Experts".to_owned(),
                    }),
                    duration: Some(duration),
                    id,
                }
            };
            (playlist, tracks)
        })
        .collect()
}

fn shows(rng: &mut Rng, count: usize) -> Vec<(PodcastShow, Vec<PodcastEpisode>)> {
    (0..count)
        .map(|_| {
            let topic = rng.pick(TOPICS);
            let title = match rng.below(3) {
                0 => format!("The {topic} {}", rng.pick(FORMATS)),
                1 => format!("{} {topic}", rng.pick(ADJECTIVES)),
                _ => format!("{} & {}", rng.pick(NOUNS), rng.pick(NOUNS)),
            };
            let id = rng.uuid();
            let show = PodcastShow {
                type_: PodcastShowType::PodcastShow,
                author: rng.pick(PUBLISHERS).to_owned(),
                description: Some(format!(
                    "A {} look at {}, every week.",
                    rng.pick(ADJECTIVES).to_lowercase(),
                    topic.to_lowercase()
                )),
                title,
                images: vec![rng.image()],
                play_params: podcast_play_params(format!("mrn:1.0:podcast:show:uuid:{id}")),
                id,
            };
            let episodes = episodes_for(&show, 12 + rng.below(13));
            (show, episodes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_catalog() {
        let sizes = Sizes::for_songs(120);
        let (first, second) = (generate(sizes, 7), generate(sizes, 7));
        assert_eq!(first.songs, second.songs);
        assert_eq!(first.shows, second.shows);
        assert_ne!(first.songs, generate(sizes, 8).songs);
    }

    #[test]
    fn every_kind_scales_with_the_songs_and_pages_at_the_default_limit() {
        let small = Sizes::for_songs(0);
        assert!(
            small.artists > 10 && small.albums > 10 && small.playlists > 10 && small.shows > 10
        );
        let default = Sizes::for_songs(300);
        assert_eq!(
            (
                default.artists,
                default.albums,
                default.playlists,
                default.shows
            ),
            (40, 50, 20, 12)
        );
    }

    #[test]
    fn every_song_is_on_an_album_by_its_artist_and_album_track_counts_add_up() {
        let generated = generate(Sizes::for_songs(300), 1);
        for song in &generated.songs {
            let album = generated
                .albums
                .iter()
                .find(|album| album.id == song.album.id)
                .expect("the song's album");
            assert_eq!(album.artists, song.artists);
        }
        let total: i64 = generated
            .albums
            .iter()
            .filter_map(|album| album.track_count)
            .sum();
        assert_eq!(total, 300);
    }

    #[test]
    fn generated_ids_are_unique() {
        let generated = generate(Sizes::for_songs(2000), 3);
        let mut ids: Vec<&str> = generated
            .songs
            .iter()
            .map(|song| song.id.as_str())
            .chain(generated.albums.iter().map(|album| album.id.as_str()))
            .chain(generated.artists.iter().map(|artist| artist.id.as_str()))
            .chain(
                generated
                    .playlists
                    .iter()
                    .map(|(playlist, _)| playlist.id.as_str()),
            )
            .chain(generated.shows.iter().flat_map(|(show, episodes)| {
                std::iter::once(show.id.as_str())
                    .chain(episodes.iter().map(|episode| episode.id.as_str()))
            }))
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn dates_are_civil_dates() {
        assert_eq!(date(0, "00:00:00Z"), "1970-01-01T00:00:00Z");
        assert_eq!(date(NEWEST_DAY, "08:00:00Z"), "2024-06-01T08:00:00Z");
        assert_eq!(date(19_782, "x"), "2024-02-29Tx");
    }

    #[test]
    fn uuids_are_version_4() {
        let uuid = Rng::new(5).uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
    }
}
