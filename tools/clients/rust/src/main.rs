//! openapi-generator's Rust client against the project's mock: the known failure, watched.
//!
//! The generator turns the `Entity` union into `#[serde(tag = "_type")] enum Entity { Album(Box<Album>), ... }`
//! while each variant's struct requires `_type` too; serde's internally tagged enum consumes
//! the tag before the struct sees it, so every page holding an entity fails with
//! "missing field `_type`". This probe calls the first page of every operation of the spec
//! with the generated functions and sorts each into: decodes, the known failure, or something
//! else. Its exit code: 0 when every page holding an entity fails as known (and the others
//! decode), 2 when any page holding an entity decodes (a release fixed it: its row in
//! docs/other-languages.md and `cargo xtask clients` must change), 1 on anything else.
//!
//! Usage: `probe SPEC_JSON URL API_KEY TOKEN`.

use amazon_music_views::apis::configuration::Configuration;
use amazon_music_views::apis::{search_api, views_api as api, Error};
use serde_json::Value;

/// What serde says when the tag is gone.
const KNOWN: &str = "missing field `_type`";
/// A small page.
const LIMIT: i32 = 7;

/// The outcome of one call (decoded, or the error's text).
type Outcome = Result<(), String>;

fn text<T: std::fmt::Debug>(error: Error<T>) -> String {
    match error {
        Error::Serde(error) => format!("serde: {error}"),
        other => format!("{other:?}"),
    }
}

/// Calls `operation_id`'s first page, with `id` as its path parameter and `query` as its
/// required query parameters; `None` for an operation this probe does not know.
async fn call(
    config: &Configuration,
    operation_id: &str,
    id: &str,
    query: &[(String, String)],
) -> Option<Outcome> {
    let limit = Some(LIMIT);
    let required = |name: &str| {
        query
            .iter()
            .find(|(given, _)| given == name)
            .map_or("", |(_, value)| value.as_str())
    };
    Some(match operation_id {
        "getHomeView" => api::get_home_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getHomeGroup" => api::get_home_group(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getPodcastsView" => api::get_podcasts_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getPodcastsGroup" => api::get_podcasts_group(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibraryView" => api::get_library_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibraryGroup" => api::get_library_group(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getArtistView" => api::get_artist_view(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getAlbumView" => api::get_album_view(config, id, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getPlaylistView" => api::get_playlist_view(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getPodcastShowView" => api::get_podcast_show_view(config, id, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibraryAlbumsView" => api::get_library_albums_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibraryArtistsView" => api::get_library_artists_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibrarySongsView" => api::get_library_songs_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getLibraryPlaylistsView" => {
            api::get_library_playlists_view(config, None, limit, None, None)
                .await
                .map(drop)
                .map_err(text)
        }
        "getLibraryPodcastsView" => api::get_library_podcasts_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getRecentlyPlayedView" => api::get_recently_played_view(config, None, limit, None, None)
            .await
            .map(drop)
            .map_err(text),
        "getSearchView" => {
            search_api::get_search_view(config, required("query"), limit, None, None)
                .await
                .map(drop)
                .map_err(text)
        }
        _ => return None,
    })
}

/// The parameters of an operation, each `$ref` resolved.
fn parameters(spec: &Value, operation: &Value) -> Vec<Value> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| match parameter["$ref"].as_str() {
            Some(reference) => spec["components"]["parameters"]
                [reference.trim_start_matches("#/components/parameters/")]
            .clone(),
            None => parameter.clone(),
        })
        .collect()
}

/// The required query parameters of an operation, each with its example value.
fn required_query(spec: &Value, operation: &Value) -> Vec<(String, String)> {
    parameters(spec, operation)
        .into_iter()
        .filter(|parameter| parameter["in"] == "query" && parameter["required"] == true)
        .filter_map(|parameter| {
            Some((
                parameter["name"].as_str()?.to_owned(),
                parameter["example"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// The path parameter's example value of an operation, if it has one.
fn path_example(spec: &Value, operation: &Value) -> String {
    parameters(spec, operation)
        .into_iter()
        .find(|parameter| parameter["in"] == "path")
        .and_then(|parameter| parameter["example"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// How many entities the raw page at `path` holds (of its one view, or of each of its views),
/// fetched with the generated client's own HTTP client and credentials, with `query`.
async fn raw_entities(
    config: &Configuration,
    path: &str,
    limit: bool,
    query: &[(String, String)],
) -> Result<usize, String> {
    let mut request = config
        .client
        .get(format!("{}{path}", config.base_path))
        .query(query);
    if limit {
        request = request.query(&[("limit", LIMIT)]);
    }
    if let Some(key) = &config.api_key {
        request = request.header("x-api-key", &key.key);
    }
    if let Some(token) = &config.oauth_access_token {
        request = request.bearer_auth(token);
    }
    let body = request
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let page: Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
    let views = match &page["data"] {
        Value::Array(views) => views.iter().collect(),
        view => vec![view],
    };
    Ok(views
        .into_iter()
        .map(|data| {
            let own = usize::from(data["entity"].is_object());
            let grouped: usize = data["content"]["entityGroups"]
                .as_array()
                .map(|groups| {
                    groups
                        .iter()
                        .map(|group| group["content"]["entities"].as_array().map_or(0, Vec::len))
                        .sum()
                })
                .unwrap_or(0);
            own + grouped
        })
        .sum())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    let [_, spec_path, url, api_key, token] = arguments.as_slice() else {
        eprintln!("usage: probe SPEC_JSON URL API_KEY TOKEN");
        return std::process::ExitCode::from(1);
    };
    let spec: Value = match std::fs::read_to_string(spec_path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(error) => {
            eprintln!("reading {spec_path}: {error}");
            return std::process::ExitCode::from(1);
        }
    };
    let mut config = Configuration::new();
    config.base_path = url.trim_end_matches('/').to_owned();
    config.api_key = Some(amazon_music_views::apis::configuration::ApiKey {
        prefix: None,
        key: api_key.clone(),
    });
    config.oauth_access_token = Some(token.clone());

    let (mut known, mut decoded, mut unexpected) = (Vec::new(), Vec::new(), Vec::new());
    let paths = spec["paths"].as_object().cloned().unwrap_or_default();
    let operations = paths.iter().flat_map(|(template, item)| {
        item.as_object()
            .into_iter()
            .flatten()
            .filter(|(method, _)| *method != "parameters")
            .map(move |(_, operation)| (template, operation))
    });
    let mut called = 0;
    for (template, operation) in operations {
        called += 1;
        let operation_id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let id = path_example(&spec, operation);
        let path = template
            .replace("{id}", &id.replace('%', "%25"))
            .replace("{groupId}", &id.replace('%', "%25"));
        let takes_limit = operation_id != "getAlbumView";
        let query = required_query(&spec, operation);
        let entities = raw_entities(&config, &path, takes_limit, &query).await;
        let outcome = call(&config, &operation_id, &id, &query).await;
        let verdict = match (&outcome, &entities) {
            (None, _) => {
                unexpected.push(format!("{operation_id}: this probe has no call for it"));
                "no call"
            }
            (_, Err(error)) => {
                unexpected.push(format!("{operation_id}: the raw page: {error}"));
                "no page"
            }
            (Some(Ok(_)), Ok(0)) => "decodes (no entity)",
            (Some(Ok(_)), Ok(_)) => {
                decoded.push(operation_id.clone());
                "decodes"
            }
            (Some(Err(error)), Ok(count)) if *count > 0 && error.contains(KNOWN) => {
                known.push(operation_id.clone());
                "known failure"
            }
            (Some(Err(error)), _) => {
                unexpected.push(format!("{operation_id}: {error}"));
                "other failure"
            }
        };
        println!(
            "{operation_id:<26} {:>8} entities  {verdict}",
            entities.as_ref().map_or(0, |count| *count)
        );
    }
    if !unexpected.is_empty() {
        eprintln!("unexpected:\n{}", unexpected.join("\n"));
        return std::process::ExitCode::from(1);
    }
    if !decoded.is_empty() {
        eprintln!("pages holding entities now decode: {}", decoded.join(", "));
        return std::process::ExitCode::from(2);
    }
    println!(
        "rust: {} of {} operations fail as known ({KNOWN})",
        known.len(),
        called
    );
    std::process::ExitCode::SUCCESS
}
