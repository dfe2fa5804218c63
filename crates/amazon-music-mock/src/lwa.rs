//! Login with Amazon's token endpoint (`POST /auth/o2/token`), code-pair endpoint
//! (`POST /auth/o2/create/codepair`), form-encoded, and authorize page (`GET /ap/oa`, which
//! consents at once: it redirects to `redirect_uri` with a `code` and the `state`), answering
//! as LWA does.
//!
//! | `grant_type` | checked | answer |
//! |---|---|---|
//! | `refresh_token` | `client_id`, `refresh_token`, and `client_secret` (not needed for a public client's token: the device flow's, or PKCE's without a secret) | a new access token, the same refresh token |
//! | `authorization_code` | `client_id`, a `code`, and a `code_verifier` or the `client_secret` (checked if sent); for a code from `/ap/oa`, the verifier against its `S256` challenge (the code then is spent) | a new access token and refresh token |
//! | `device_code` | `device_code` and `user_code` from a code pair | `authorization_pending` on the first poll, then tokens |
//!
//! Client credentials may come in the body or as HTTP Basic auth. Errors are OAuth errors
//! (`{"error": ..., "error_description": ...}`): `400` for `invalid_request`, `invalid_grant`,
//! `unsupported_grant_type`, `authorization_pending` and `expired_token`; `401` for
//! `invalid_client`.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::MockState;
use crate::auth::{DeviceCode, lock};

/// How long a device code pair lives: ten minutes, as LWA's do.
const DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(600);

/// How long a device should wait between polls, in seconds: one, the least the SDK waits, so
/// that logins against the mock are quick (LWA says five).
const DEVICE_POLL_INTERVAL: u64 = 1;

/// Where the user would enter the device code.
const VERIFICATION_URI: &str = "https://amazon.com/us/code";

/// An OAuth error answer.
#[derive(Debug)]
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

#[derive(Serialize)]
struct OAuthErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error,
            error_description: &self.description,
        };
        (self.status, Json(body)).into_response()
    }
}

/// A token answer.
#[derive(Serialize)]
struct TokenBody {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    expires_in: u64,
}

/// A code-pair answer.
#[derive(Serialize)]
struct CodePairBody {
    device_code: String,
    user_code: String,
    verification_uri: &'static str,
    expires_in: u64,
    interval: u64,
}

type FormFields = Result<Form<HashMap<String, String>>, FormRejection>;

/// `POST /auth/o2/token`.
pub(crate) async fn token(
    State(state): State<MockState>,
    headers: HeaderMap,
    form: FormFields,
) -> Response {
    match grant(&state, &headers, form) {
        Ok(body) => {
            tracing::debug!("issued an access token");
            Json(body).into_response()
        }
        Err(error) => {
            tracing::debug!(error = error.error, "refused a token request");
            error.into_response()
        }
    }
}

/// `POST /auth/o2/create/codepair`.
pub(crate) async fn codepair(
    State(state): State<MockState>,
    headers: HeaderMap,
    form: FormFields,
) -> Response {
    match pair(&state, &headers, form) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /ap/oa`: the authorize page, which consents at once. Needs `client_id`,
/// `redirect_uri`, and an `S256` `code_challenge`; redirects with a fresh `code` and the
/// `state`.
pub(crate) async fn authorize(
    State(state): State<MockState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| query.get(name).filter(|value| !value.is_empty());
    if let Err(error) = check_client_id(&state, field("client_id").map(String::as_str)) {
        return error.into_response();
    }
    let (Some(redirect), Some(challenge)) = (field("redirect_uri"), field("code_challenge")) else {
        return OAuthError::new(
            "invalid_request",
            "redirect_uri and code_challenge are required.",
        )
        .into_response();
    };
    if query.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return OAuthError::new("invalid_request", "code_challenge_method must be S256.")
            .into_response();
    }
    let tokens = state.tokens();
    let code = format!("ANmock{}", tokens.serial());
    lock(&tokens.codes).insert(code.clone(), challenge.clone());
    let mut location = format!("{redirect}?code={code}");
    if let Some(state) = field("state") {
        location.push_str("&state=");
        location.push_str(&form_urlencode(state));
    }
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `text` with every byte but unreserved ones percent-encoded.
fn form_urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Checks `verifier` against the `S256` `challenge`: `BASE64URL(SHA-256(verifier))`.
fn verifies(verifier: &str, challenge: &str) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sha2::Digest;
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes())) == challenge
}

fn fields(form: FormFields) -> Result<HashMap<String, String>, OAuthError> {
    form.map(|Form(fields)| fields)
        .map_err(|rejection| OAuthError::new("invalid_request", rejection.body_text()))
}

fn required<'a>(fields: &'a HashMap<String, String>, name: &str) -> Result<&'a str, OAuthError> {
    fields
        .get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| {
            OAuthError::new(
                "invalid_request",
                format!("The request is missing the {name} parameter."),
            )
        })
}

/// The client credentials of a request: from HTTP Basic auth, else from the body.
fn client(
    headers: &HeaderMap,
    fields: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            fields.get("client_id").cloned(),
            fields.get("client_secret").cloned(),
        ),
    }
}

fn check_client_id(state: &MockState, client_id: Option<&str>) -> Result<(), OAuthError> {
    match client_id {
        Some(id) if id == state.credentials().client_id() => Ok(()),
        Some(_) => Err(OAuthError::new(
            "invalid_client",
            "The client ID is not known.",
        )),
        None => Err(OAuthError::new(
            "invalid_request",
            "The request is missing the client_id parameter.",
        )),
    }
}

fn check_secret(state: &MockState, secret: Option<&str>) -> Result<(), OAuthError> {
    match secret {
        Some(secret) if secret == state.credentials().client_secret() => Ok(()),
        Some(_) => Err(OAuthError::new(
            "invalid_client",
            "The client secret is not valid.",
        )),
        None => Err(OAuthError::new(
            "invalid_client",
            "The client secret is missing.",
        )),
    }
}

fn grant(
    state: &MockState,
    headers: &HeaderMap,
    form: FormFields,
) -> Result<TokenBody, OAuthError> {
    let fields = fields(form)?;
    let (client_id, client_secret) = client(headers, &fields);
    let tokens = state.tokens();
    let answer = |refresh_token: String| TokenBody {
        access_token: tokens.issue_access(),
        refresh_token,
        token_type: "bearer",
        expires_in: tokens.lifetime().as_secs().max(1),
    };
    match required(&fields, "grant_type")? {
        "refresh_token" => {
            check_client_id(state, client_id.as_deref())?;
            let refresh_token = required(&fields, "refresh_token")?;
            let public = tokens.refresh_token(refresh_token);
            // A public client's token refreshes without a secret; a secret sent is checked.
            if client_secret.is_some() || public != Some(true) {
                check_secret(state, client_secret.as_deref())?;
            }
            if public.is_none() {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "The refresh token is invalid or was revoked.",
                ));
            }
            Ok(answer(refresh_token.to_owned()))
        }
        "authorization_code" => {
            check_client_id(state, client_id.as_deref())?;
            let code = required(&fields, "code")?;
            let verifier = fields
                .get("code_verifier")
                .filter(|verifier| !verifier.is_empty());
            // A code of the authorize page: used once, and only with its verifier.
            if let Some(challenge) = lock(&tokens.codes).remove(code)
                && !verifier.is_some_and(|verifier| verifies(verifier, &challenge))
            {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "The code verifier does not match the code challenge.",
                ));
            }
            if verifier.is_none() || client_secret.is_some() {
                check_secret(state, client_secret.as_deref())?;
            }
            Ok(answer(tokens.issue_refresh(client_secret.is_none())))
        }
        "device_code" => {
            let device_code = required(&fields, "device_code")?;
            let user_code = required(&fields, "user_code")?;
            let mut devices = lock(&tokens.devices);
            let Some(device) = devices.get_mut(device_code) else {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "The device code is not valid.",
                ));
            };
            if device.user_code != user_code {
                return Err(OAuthError::new(
                    "invalid_grant",
                    "The user code does not match the device code.",
                ));
            }
            if device.expires_at <= tokens.clock().now() {
                devices.remove(device_code);
                return Err(OAuthError::new(
                    "expired_token",
                    "The device code has expired.",
                ));
            }
            device.polls += 1;
            if device.polls == 1 {
                return Err(OAuthError::new(
                    "authorization_pending",
                    "The user has not yet entered the code.",
                ));
            }
            devices.remove(device_code);
            drop(devices);
            Ok(answer(tokens.issue_refresh(true)))
        }
        other => Err(OAuthError::new(
            "unsupported_grant_type",
            format!("The grant type {other:?} is not supported."),
        )),
    }
}

fn pair(
    state: &MockState,
    headers: &HeaderMap,
    form: FormFields,
) -> Result<CodePairBody, OAuthError> {
    let fields = fields(form)?;
    let (client_id, _) = client(headers, &fields);
    let response_type = required(&fields, "response_type")?;
    if response_type != "device_code" {
        return Err(OAuthError::new(
            "unsupported_response_type",
            format!("The response type {response_type:?} is not supported."),
        ));
    }
    check_client_id(state, client_id.as_deref())?;
    required(&fields, "scope")?;
    let tokens = state.tokens();
    let serial = tokens.serial();
    let device_code = format!("mock-device-code-{serial}");
    let user_code = format!("MK{:04}", serial % 10_000);
    lock(&tokens.devices).insert(
        device_code.clone(),
        DeviceCode {
            user_code: user_code.clone(),
            expires_at: tokens.clock().now() + DEVICE_CODE_LIFETIME,
            polls: 0,
        },
    );
    Ok(CodePairBody {
        device_code,
        user_code,
        verification_uri: VERIFICATION_URI,
        expires_in: DEVICE_CODE_LIFETIME.as_secs(),
        interval: DEVICE_POLL_INTERVAL,
    })
}
