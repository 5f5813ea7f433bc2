//! OpenFIT sandbox: two origins sharing one state.
//! - The identity server, shaped like IdentityServer: `POST /connect/token` (form only) with the
//!   password and refresh_token grants, single-use rotating refresh tokens, every error a 400
//!   `{"error", "error_description"?}`, and CORS only for registered origins.
//! - A small data API. OpenFIT publishes no endpoint list, so this API is INVENTED: a plausible
//!   clinical-outcome shape (clients, episodes of care, sessions) for exercising the SDK, not a
//!   description of the real service.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tower_http::cors::CorsLayer;

use super::auth::Bearer;
use super::control::{has_core, sandbox_app, BearerRejection, Core, Provider};
use super::cors::{registered_cors, with_cors};
use super::oauth::{secrets_equal, OAuthError, TokenParams};
use super::pages::empty;
use super::tokens::RefreshTokens;
use crate::http_util::{json_response, no_store, read_body};

pub const CLIENT_ID: &str = "openfit-demo";
pub const USERNAME: &str = "clinician@openfit.test";
pub const PASSWORD: &str = "openfit-pass";
pub const API_SCOPE: &str = "OpenFitApi";
pub const OFFLINE_SCOPE: &str = "offline_access";
pub const DEFAULT_TOKEN_TTL: u64 = 3600;
/// Refresh tokens live about 30 days, counted from the login (absolute, not sliding).
const REFRESH_TOKEN_LIFETIME: u64 = 30 * 86_400;
const USER_ID: u64 = 7001;
const MAX_CORS_ORIGINS: usize = 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Lifetime of access tokens issued from now on (1 second at the least).
    pub access_token_ttl_seconds: u64,
    /// Origins allowed by CORS besides the app origin.
    pub cors_origins: Vec<String>,
}

/// What an OpenFIT access token stands for.
#[derive(Clone, Debug)]
pub struct Grant {
    pub user_id: u64,
    pub scope: String,
}

pub struct OpenFit {
    core: Core<Settings, Grant>,
    refresh_tokens: RefreshTokens<Grant>,
    /// Always allowed by CORS: the client's registered app origin.
    app_origin: String,
}

impl OpenFit {
    pub fn new(app_origin: &str) -> Self {
        OpenFit {
            core: Core::new(
                &["password", "refresh_token"],
                Settings {
                    access_token_ttl_seconds: DEFAULT_TOKEN_TTL,
                    cors_origins: Vec::new(),
                },
            ),
            refresh_tokens: RefreshTokens::default(),
            app_origin: app_origin.trim_end_matches('/').to_string(),
        }
    }

    fn allows_origin(&self, origin: &str) -> bool {
        origin == self.app_origin
            || self
                .core
                .settings
                .get()
                .cors_origins
                .iter()
                .take(MAX_CORS_ORIGINS)
                .any(|o| o.trim_end_matches('/') == origin)
    }

    /// An access token and its successor-issuing refresh token; `refresh_ttl` carries the
    /// absolute refresh lifetime over from the login.
    fn issue(&self, grant: Grant, refresh_ttl: u64) -> Response {
        let ttl = self.core.settings.get().access_token_ttl_seconds.max(1);
        let offline = grant.scope.split(' ').any(|s| s == OFFLINE_SCOPE);
        let scope = grant.scope.clone();
        let mut body = if offline {
            self.refresh_tokens
                .issue_pair(
                    &self.core.access_tokens,
                    grant,
                    CLIENT_ID,
                    ttl,
                    Some(refresh_ttl),
                )
                .to_json("Bearer")
        } else {
            // Without offline_access IdentityServer issues no refresh token.
            let token = self.core.access_tokens.issue(grant, Some(ttl));
            json!({ "access_token": token, "expires_in": ttl, "token_type": "Bearer" })
        };
        body["scope"] = json!(scope);
        no_store(Json(body))
    }
}

has_core!(OpenFit, Settings, Grant);

impl Provider for OpenFit {
    /// ASP.NET's JWT bearer handler: 401, empty body, the reason in `WWW-Authenticate`.
    fn refuse_bearer(&self, rejection: BearerRejection) -> Response {
        let challenge = match rejection {
            // No token at all: a bare challenge, as RFC 6750 §3.1 asks.
            BearerRejection::Missing => "Bearer",
            BearerRejection::Expired => {
                r#"Bearer error="invalid_token", error_description="The token is expired""#
            }
            _ => r#"Bearer error="invalid_token""#,
        };
        let mut response = empty(StatusCode::UNAUTHORIZED);
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        response
    }
}

/// The identity server's origin.
pub fn identity_app(state: Arc<OpenFit>) -> Router {
    let token = Router::new().route("/connect/token", post(token));
    let routes =
        with_cors(token, client_cors(&state)).fallback(|| async { empty(StatusCode::NOT_FOUND) });
    sandbox_app(routes, state)
}

/// The (invented) data API's origin; it accepts the identity server's tokens.
pub fn api_app(state: Arc<OpenFit>) -> Router {
    let api = Router::new()
        .route("/api/clients", get(clients))
        .route("/api/clients/{id}", get(client))
        .route("/api/clients/{id}/episodes", get(episodes))
        .route("/api/clients/{id}/sessions", get(sessions))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "Not Found") });
    sandbox_app(with_cors(api, client_cors(&state)), state)
}

/// CORS for the client's registered origins only; other origins get no allow header.
fn client_cors(of: &Arc<OpenFit>) -> CorsLayer {
    let of = of.clone();
    registered_cors(move |origin| of.allows_origin(origin))
}

// ---------------------------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------------------------

fn token_error(error: OAuthError, description: Option<&str>) -> Response {
    error.response(StatusCode::BAD_REQUEST, description)
}

/// The requested scope in canonical order, or `None` if it asks for anything unknown.
/// No scope at all means every scope the client may have.
fn granted_scope(requested: Option<&str>) -> Option<String> {
    let Some(requested) = requested else {
        return Some(format!("{API_SCOPE} {OFFLINE_SCOPE}"));
    };
    let words: Vec<&str> = requested.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.iter().any(|w| *w != API_SCOPE && *w != OFFLINE_SCOPE) {
        return None;
    }
    let granted: Vec<&str> = [API_SCOPE, OFFLINE_SCOPE]
        .into_iter()
        .filter(|s| words.contains(s))
        .collect();
    Some(granted.join(" "))
}

/// The password never leaves this function: compared, then dropped with the request.
async fn token(
    State(of): State<Arc<OpenFit>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(body) {
        Ok(body) => body,
        Err(_) => return token_error(OAuthError::InvalidRequest, Some("Request too large")),
    };
    let Some(params) = TokenParams::parse_form(&headers, &body) else {
        return token_error(OAuthError::InvalidRequest, None);
    };
    let grant_type = params.get("grant_type");
    if let Some(grant_type) = grant_type {
        of.core.counters.incr(grant_type);
    }
    let (client_id, _) = params.client_credentials(&headers);
    if client_id != CLIENT_ID {
        return token_error(OAuthError::InvalidClient, None);
    }
    match grant_type {
        Some("password") => {
            let (Some(username), Some(password)) = (params.get("username"), params.get("password"))
            else {
                return token_error(
                    OAuthError::InvalidGrant,
                    Some("invalid_username_or_password"),
                );
            };
            let Some(scope) = granted_scope(params.get("scope")) else {
                return token_error(OAuthError::InvalidScope, None);
            };
            let user_ok = username.trim().eq_ignore_ascii_case(USERNAME);
            let password_ok = secrets_equal(password, PASSWORD);
            if !(user_ok && password_ok) {
                return token_error(
                    OAuthError::InvalidGrant,
                    Some("invalid_username_or_password"),
                );
            }
            of.issue(
                Grant {
                    user_id: USER_ID,
                    scope,
                },
                REFRESH_TOKEN_LIFETIME,
            )
        }
        Some("refresh_token") => {
            let Some(refresh_token) = params.get("refresh_token") else {
                return token_error(OAuthError::InvalidRequest, None);
            };
            let remaining = of.refresh_tokens.remaining(refresh_token);
            match (of.refresh_tokens.spend(refresh_token, CLIENT_ID), remaining) {
                // Access tokens stay valid until they expire, as IdentityServer's JWTs do.
                (Some(spent), Some(remaining)) => of.issue(spent.grant, remaining.max(1)),
                _ => token_error(OAuthError::InvalidGrant, None),
            }
        }
        _ => token_error(OAuthError::UnsupportedGrantType, None),
    }
}

// ---------------------------------------------------------------------------------------------
// INVENTED data API
// ---------------------------------------------------------------------------------------------

/// ASP.NET Core's problem details, the likeliest error body of an ASP.NET API.
fn problem(status: StatusCode, title: &str) -> Response {
    json_response(status, json!({ "title": title, "status": status.as_u16() }))
}

/// A handler argument: a valid token with the API scope. A token without it (identity only)
/// gets 403 with an empty body; a refused token, the provider's 401
/// (`refuse_bearer`).
struct ApiAccess;

impl FromRequestParts<Arc<OpenFit>> for ApiAccess {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, of: &Arc<OpenFit>) -> Result<Self, Response> {
        let Bearer(grant, _) = Bearer::<Grant>::from_request_parts(parts, of).await?;
        if grant.scope.split(' ').any(|s| s == API_SCOPE) {
            Ok(ApiAccess)
        } else {
            Err(empty(StatusCode::FORBIDDEN))
        }
    }
}

struct SampleClient {
    id: u64,
    first_name: &'static str,
    last_name: &'static str,
    date_of_birth: &'static str,
    sex: &'static str,
    reference: &'static str,
}

const CLIENTS: &[SampleClient] = &[
    SampleClient {
        id: 501,
        first_name: "Ruth",
        last_name: "Adeyemi",
        date_of_birth: "1958-03-14",
        sex: "female",
        reference: "OF-000501",
    },
    SampleClient {
        id: 502,
        first_name: "Marek",
        last_name: "Zielinski",
        date_of_birth: "1971-09-02",
        sex: "male",
        reference: "OF-000502",
    },
    SampleClient {
        id: 503,
        first_name: "Siobhan",
        last_name: "Kelly",
        date_of_birth: "1989-12-20",
        sex: "female",
        reference: "OF-000503",
    },
];

/// (episode id, client id, condition, start date, end date)
const EPISODES: &[(u64, u64, &str, &str, Option<&str>)] = &[
    (9001, 501, "Knee osteoarthritis", "2026-06-02", None),
    (
        9002,
        501,
        "Falls prevention",
        "2025-10-11",
        Some("2026-01-30"),
    ),
    (9003, 502, "Chronic low back pain", "2026-08-19", None),
    (
        9004,
        503,
        "ACL reconstruction rehabilitation",
        "2026-04-07",
        None,
    ),
];

/// (session id, episode id, date, kind, outcome measure, score)
const SESSIONS: &[(u64, u64, &str, &str, &str, u32)] = &[
    (
        70001,
        9001,
        "2026-06-02T09:00:00Z",
        "assessment",
        "KOOS",
        48,
    ),
    (70002, 9001, "2026-07-14T09:00:00Z", "review", "KOOS", 57),
    (70003, 9001, "2026-09-22T09:30:00Z", "review", "KOOS", 66),
    (
        70004,
        9002,
        "2025-10-11T14:00:00Z",
        "assessment",
        "Timed Up and Go (s)",
        16,
    ),
    (
        70005,
        9002,
        "2026-01-30T14:00:00Z",
        "discharge",
        "Timed Up and Go (s)",
        11,
    ),
    (
        70006,
        9003,
        "2026-08-19T11:00:00Z",
        "assessment",
        "Oswestry Disability Index",
        42,
    ),
    (
        70007,
        9003,
        "2026-10-28T11:00:00Z",
        "review",
        "Oswestry Disability Index",
        30,
    ),
    (
        70008,
        9004,
        "2026-04-07T16:00:00Z",
        "assessment",
        "IKDC",
        39,
    ),
    (70009, 9004, "2026-07-07T16:00:00Z", "review", "IKDC", 61),
];

fn client_json(c: &SampleClient) -> Value {
    let open = EPISODES
        .iter()
        .filter(|e| e.1 == c.id && e.4.is_none())
        .count();
    json!({
        "id": c.id,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "dateOfBirth": c.date_of_birth,
        "sex": c.sex,
        "reference": c.reference,
        "openEpisodes": open,
    })
}

fn find_client(id: &str) -> Result<&'static SampleClient, Response> {
    id.parse::<u64>()
        .ok()
        .and_then(|id| CLIENTS.iter().find(|c| c.id == id))
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "Not Found"))
}

/// `f(client)` for the client in the path, or 404.
fn with_client(id: &str, f: impl FnOnce(&SampleClient) -> Value) -> Response {
    match find_client(id) {
        Ok(client) => no_store(Json(f(client))),
        Err(response) => response,
    }
}

async fn clients(_: ApiAccess) -> Response {
    no_store(Json(Value::Array(
        CLIENTS.iter().map(client_json).collect(),
    )))
}

async fn client(Path(id): Path<String>, _: ApiAccess) -> Response {
    with_client(&id, client_json)
}

async fn episodes(Path(id): Path<String>, _: ApiAccess) -> Response {
    with_client(&id, |c| {
        let list: Vec<Value> = EPISODES
            .iter()
            .filter(|e| e.1 == c.id)
            .map(|&(id, client_id, condition, start, end)| {
                json!({
                    "id": id,
                    "clientId": client_id,
                    "condition": condition,
                    "startDate": start,
                    "endDate": end,
                    "status": if end.is_some() { "closed" } else { "open" },
                })
            })
            .collect();
        Value::Array(list)
    })
}

async fn sessions(Path(id): Path<String>, _: ApiAccess) -> Response {
    with_client(&id, |c| {
        let list: Vec<Value> = SESSIONS
            .iter()
            .filter(|s| EPISODES.iter().any(|e| e.0 == s.1 && e.1 == c.id))
            .map(|&(id, episode_id, at, kind, measure, score)| {
                json!({
                    "id": id,
                    "clientId": c.id,
                    "episodeId": episode_id,
                    "date": at,
                    "type": kind,
                    "outcome": { "measure": measure, "score": score },
                })
            })
            .collect();
        Value::Array(list)
    })
}
