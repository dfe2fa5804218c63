//! The spec drift compares traffic with, embedded by `cargo xtask codegen`, and what drift
//! asks of it: which operation a request is, what its responses are, and each schema.

use serde_json::Value;

/// The spec as JSON, without its examples: written by `cargo xtask codegen`.
const EMBEDDED: &str = include_str!("generated_spec.json");

/// The parsed spec, with its path templates split once.
pub(crate) struct Spec {
    document: Value,
    paths: Vec<PathTemplate>,
    token_paths: Vec<String>,
}

/// One path of the spec, split into segments: `None` for a path parameter.
struct PathTemplate {
    template: String,
    segments: Vec<Option<String>>,
}

/// What a request's method and path are in the spec.
pub(crate) enum Route<'a> {
    /// An operation of the spec.
    Operation {
        /// Its `operationId` (or `METHOD template` when it has none).
        id: String,
        /// Its `responses` object.
        responses: &'a Value,
    },
    /// An exchange with Login with Amazon's endpoints, which the spec names as its security
    /// scheme's URLs: not an API operation.
    Token,
    /// Nothing in the spec.
    Unknown,
}

impl Spec {
    /// The embedded spec.
    pub(crate) fn embedded() -> Result<Self, serde_json::Error> {
        Ok(Self::new(serde_json::from_str(EMBEDDED)?))
    }

    fn new(document: Value) -> Self {
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .map(|paths| {
                paths
                    .keys()
                    .map(|template| PathTemplate {
                        template: template.clone(),
                        segments: template
                            .split('/')
                            .map(|segment| {
                                (!(segment.starts_with('{') && segment.ends_with('}')))
                                    .then(|| segment.to_owned())
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let token_paths = oauth_urls(&document)
            .filter_map(|url| url::Url::parse(url).ok())
            .map(|url| url.path().to_owned())
            .collect();
        Self {
            document,
            paths,
            token_paths,
        }
    }

    /// The route of a request: the operation whose path matches with the most literal
    /// segments (so `/library/albums` wins over `/library/{groupId}`) and has the method.
    pub(crate) fn route(&self, method: &str, path: &str) -> Route<'_> {
        if self.token_paths.iter().any(|token| token == path) {
            return Route::Token;
        }
        let segments: Vec<&str> = path.split('/').collect();
        let best = self
            .paths
            .iter()
            .filter(|template| {
                template.segments.len() == segments.len()
                    && template
                        .segments
                        .iter()
                        .zip(&segments)
                        .all(|(want, got)| match want {
                            Some(literal) => literal == got,
                            None => !got.is_empty(),
                        })
            })
            .max_by_key(|template| template.segments.iter().flatten().count());
        let method = method.to_ascii_lowercase();
        let Some(template) = best else {
            return Route::Unknown;
        };
        let Some(operation) = self.document["paths"][&template.template].get(&method) else {
            return Route::Unknown;
        };
        Route::Operation {
            id: operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(
                    || format!("{} {}", method.to_ascii_uppercase(), template.template),
                    str::to_owned,
                ),
            responses: &operation["responses"],
        }
    }

    /// What `value` points at, following `$ref`s: the target and, when a `$ref` was followed,
    /// the name of the last component it named.
    pub(crate) fn resolve<'a>(&'a self, mut value: &'a Value) -> (&'a Value, Option<&'a str>) {
        let mut name = None;
        // A cycle of references is no schema: give up after as many as could be distinct.
        for _ in 0..64 {
            let Some((target, target_name)) = value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| self.component(reference))
            else {
                break;
            };
            name = Some(target_name);
            value = target;
        }
        (value, name)
    }

    /// The component a local reference (`#/components/schemas/Track`) names, and its name.
    pub(crate) fn component<'a>(&'a self, reference: &'a str) -> Option<(&'a Value, &'a str)> {
        let target = self.document.pointer(reference.strip_prefix('#')?)?;
        Some((target, reference.rsplit('/').next()?))
    }
}

/// The URLs of the spec's OAuth 2.0 flows (authorize, token, refresh).
fn oauth_urls(document: &Value) -> impl Iterator<Item = &str> {
    document["components"]["securitySchemes"]
        .as_object()
        .into_iter()
        .flat_map(|schemes| schemes.values())
        .filter_map(|scheme| scheme.get("flows").and_then(Value::as_object))
        .flat_map(|flows| flows.values())
        .filter_map(Value::as_object)
        .flat_map(|flow| {
            ["authorizationUrl", "tokenUrl", "refreshUrl"]
                .into_iter()
                .filter_map(|key| flow.get(key).and_then(Value::as_str))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        Spec::embedded().expect("the embedded spec is JSON")
    }

    fn operation(method: &str, path: &str) -> Option<String> {
        match spec().route(method, path) {
            Route::Operation { id, .. } => Some(id),
            _ => None,
        }
    }

    #[test]
    fn a_literal_path_wins_over_a_template() {
        assert_eq!(
            operation("GET", "/v1/views/library/albums").as_deref(),
            Some("getLibraryAlbumsView")
        );
        assert_eq!(
            operation("GET", "/v1/views/library/some-group").as_deref(),
            Some("getLibraryGroup")
        );
    }

    #[test]
    fn another_method_or_path_is_no_operation() {
        assert_eq!(operation("POST", "/v1/views/home"), None);
        assert_eq!(operation("GET", "/v1/views/videos"), None);
        assert_eq!(operation("GET", "/v1/views/artists/"), None);
    }

    #[test]
    fn the_token_endpoint_is_known_from_the_security_scheme() {
        assert!(matches!(
            spec().route("POST", "/auth/o2/token"),
            Route::Token
        ));
    }
}
