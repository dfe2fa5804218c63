//! The spec drift compares traffic with, embedded by `cargo xtask codegen`, and what drift
//! asks of it: which operation a request is, what its responses are, and each schema.

use amazon_music_models::Operation;
use serde_json::Value;

/// The spec as JSON, without its examples: written by `cargo xtask codegen`.
const EMBEDDED: &str = include_str!("generated_spec.json");

/// The parsed spec, and the paths of its token endpoints.
pub(crate) struct Spec {
    document: Value,
    token_paths: Vec<String>,
}

/// What a request's method and path are in the spec.
pub(crate) enum Route<'a> {
    /// An operation of the spec.
    Operation {
        /// Its `operationId`.
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
        let token_paths = oauth_urls(&document)
            .filter_map(|url| url::Url::parse(url).ok())
            .map(|url| url.path().to_owned())
            .collect();
        Self {
            document,
            token_paths,
        }
    }

    /// The route of a request: the operation the models' table finds for the path
    /// ([`Operation::from_path`]: the most literal segments win, so `/library/albums` is not a
    /// group of `/library`), if the spec gives it the method.
    pub(crate) fn route(&self, method: &str, path: &str) -> Route<'_> {
        if self.token_paths.iter().any(|token| token == path) {
            return Route::Token;
        }
        let Some(operation) = Operation::from_path(path) else {
            return Route::Unknown;
        };
        let method = method.to_ascii_lowercase();
        let Some(entry) = self.document["paths"][operation.path_template()].get(&method) else {
            return Route::Unknown;
        };
        Route::Operation {
            id: operation.operation_id().to_owned(),
            responses: &entry["responses"],
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
