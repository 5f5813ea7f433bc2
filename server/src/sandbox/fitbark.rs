//! FitBark sandbox, shaped like its Doorkeeper 4.x server: authorise page, `/oauth/token` for
//! the authorization_code, refresh_token and client_credentials grants (every OAuth error is
//! HTTP 401), token info, and the `/api/v2` data endpoints with `WWW-Authenticate` on 401.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::Bearer;
use super::control::{has_core, sandbox_app, BearerRejection, Core, Provider};
use super::cors::{open_cors, with_cors};
use super::dates::parse_date;
use super::fitbark_data::{dog_json, series_records};
use super::oauth::{
    doorkeeper_challenge, doorkeeper_invalid_token, secrets_equal, DoorkeeperClient,
    DoorkeeperToken, OAuthError,
};
use super::pages::{
    append_query, coop_while_set, error_page, escape_html, found, hidden_inputs, html_page,
    is_http_url,
};
use super::sample_data::{FbDog, FbRelation, DOG_PICTURE_BASE64, FB_DOGS, FB_RELATIONS, FB_USER};
use super::tokens::{lock, now_secs, RefreshTokens, TokenStore};
use crate::http_util::{json_response, no_store, query_map, request_params, BodyBytes};

pub const CLIENT_ID: &str = "fitconnect-demo";
pub const CLIENT_SECRET: &str = "fitbark-demo-secret";
/// The scope FitBark gives app (client_credentials) tokens, needed for `redirect_urls`.
pub const APP_SCOPE: &str = "fitbark_open_api_2745H78RVS";
/// Every new FitBark app starts with only this redirect URI registered.
pub const OOB_REDIRECT_URI: &str = "urn:ietf:wg:oauth:2.0:oob";
/// One year, FitBark's user token lifetime.
pub const DEFAULT_USER_TOKEN_TTL: u64 = 31_536_000;
const USER_SCOPE: &str = "public";
const APP_TOKEN_TTL: u64 = 31_557_600;
/// Authorisation codes live ten minutes.
const CODE_TTL: u64 = 600;
const MAX_REDIRECT_URIS: usize = 20;
const MAX_REDIRECT_URI_LEN: usize = 2000;
const MAX_DAILY_DAYS: i64 = 42;
const MAX_HOURLY_DAYS: i64 = 7;
const BRAND: &str = "FitBark";
const APP_NAME: &str = "FitConnect demo";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PkceMode {
    /// Doorkeeper before 5.0 knows nothing of PKCE: the parameters are ignored.
    Ignore,
    /// RFC 7636: a challenge is required and the code is bound to it.
    Enforce,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Lifetime of user access tokens issued from now on.
    pub access_token_ttl_seconds: u64,
    pub pkce: PkceMode,
    /// Send `Cross-Origin-Opener-Policy: same-origin` with the authorise page and its answers.
    pub coop: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    User(u64),
    /// A client_credentials token: the app itself.
    App,
}

#[derive(Clone, Debug)]
pub struct AccessGrant {
    pub owner: Owner,
    pub client_id: String,
    pub scope: String,
    pub created_at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChallengeMethod {
    Plain,
    S256,
}

#[derive(Clone, Debug)]
struct Challenge {
    value: String,
    method: ChallengeMethod,
}

impl Challenge {
    /// RFC 7636 §4.6.
    fn verify(&self, verifier: &str) -> bool {
        if !is_pkce_string(verifier) {
            return false;
        }
        let expected = match self.method {
            ChallengeMethod::Plain => verifier.to_string(),
            ChallengeMethod::S256 => base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes())),
        };
        secrets_equal(&expected, &self.value)
    }
}

/// 43 to 128 unreserved characters, the shape RFC 7636 §4.1–4.2 gives verifiers and challenges.
fn is_pkce_string(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[derive(Clone, Debug)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    user_id: u64,
    scope: String,
    challenge: Option<Challenge>,
}

pub struct FitBark {
    core: Core<Settings, AccessGrant>,
    codes: TokenStore<CodeGrant>,
    refresh_tokens: RefreshTokens<AccessGrant>,
    redirect_uris: Mutex<Vec<String>>,
    default_redirect_uris: Vec<String>,
}

impl FitBark {
    /// `redirect_uris`: registered at start (and again on reset); `user_token_ttl`: the default
    /// `accessTokenTtlSeconds`.
    pub fn new(redirect_uris: Vec<String>, user_token_ttl: u64) -> Self {
        FitBark {
            core: Core::new(
                &["authorization_code", "refresh_token", "client_credentials"],
                Settings {
                    access_token_ttl_seconds: user_token_ttl,
                    pkce: PkceMode::Ignore,
                    coop: false,
                },
            ),
            codes: TokenStore::new(),
            refresh_tokens: RefreshTokens::default(),
            redirect_uris: Mutex::new(redirect_uris.clone()),
            default_redirect_uris: redirect_uris,
        }
    }

    fn is_registered(&self, redirect_uri: &str) -> bool {
        lock(&self.redirect_uris).iter().any(|r| r == redirect_uri)
    }

    /// A user access token plus its refresh token, answered in Doorkeeper's token shape.
    fn issue_user_tokens(&self, client_id: &str, user_id: u64, scope: &str) -> Response {
        let created_at = now_secs();
        let grant = AccessGrant {
            owner: Owner::User(user_id),
            client_id: client_id.to_string(),
            scope: scope.to_string(),
            created_at,
        };
        let ttl = self.core.settings.get().access_token_ttl_seconds;
        let pair =
            self.refresh_tokens
                .issue_pair(&self.core.access_tokens, grant, client_id, ttl, None);
        let mut body = pair.to_json("bearer");
        body["scope"] = json!(scope);
        body["created_at"] = json!(created_at);
        no_store(Json(body))
    }
}

has_core!(FitBark, Settings, AccessGrant);

impl DoorkeeperClient for FitBark {
    const CLIENT: (&'static str, &'static str) = (CLIENT_ID, CLIENT_SECRET);
    const GRANTS: &'static [&'static str] =
        &["authorization_code", "refresh_token", "client_credentials"];
}

impl Provider for FitBark {
    /// Registered redirect URIs are app configuration that tests change; reset restores them.
    fn reset_extra(&self) {
        *lock(&self.redirect_uris) = self.default_redirect_uris.clone();
    }

    fn refuse_bearer(&self, rejection: BearerRejection) -> Response {
        doorkeeper_invalid_token(rejection)
    }
}

/// A handler argument: the user behind a user token. Endpoints about a user need one; an app
/// token has no resource owner (403 `insufficient_scope`).
struct User(u64);

impl FromRequestParts<Arc<FitBark>> for User {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, fb: &Arc<FitBark>) -> Result<Self, Response> {
        let Bearer(grant, _) = Bearer::<AccessGrant>::from_request_parts(parts, fb).await?;
        match grant.owner {
            Owner::User(id) => Ok(User(id)),
            Owner::App => Err(insufficient_scope()),
        }
    }
}

/// A handler argument: an app (client_credentials) token with the app scope, which the
/// redirect URI registration needs; any other valid token gets 403 `insufficient_scope`.
struct AppToken;

impl FromRequestParts<Arc<FitBark>> for AppToken {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, fb: &Arc<FitBark>) -> Result<Self, Response> {
        let Bearer(grant, _) = Bearer::<AccessGrant>::from_request_parts(parts, fb).await?;
        if grant.owner == Owner::App && grant.scope == APP_SCOPE {
            Ok(AppToken)
        } else {
            Err(insufficient_scope())
        }
    }
}

pub fn app(state: Arc<FitBark>) -> Router {
    let api = Router::new()
        .route("/oauth/token/info", get(token_info))
        .route("/api/v2/user", get(user))
        .route("/api/v2/dog_relations", get(dog_relations))
        .route("/api/v2/dog/{slug}", get(dog))
        .route("/api/v2/activity_series", post(activity_series))
        .route("/api/v2/picture/dog/{slug}", get(dog_picture))
        .route(
            "/api/v2/redirect_urls",
            get(redirect_urls).post(replace_redirect_urls),
        );
    let api = with_cors(api, open_cors());
    let authorize = get(authorize_page).post(authorize_decision);
    let routes = Router::new()
        .route(
            "/oauth/authorize",
            coop_while_set(authorize, &state, |s| s.coop),
        )
        // No CORS: the token endpoint takes the client secret and is called by servers only.
        .route("/oauth/token", post(token))
        .merge(api)
        .fallback(not_found);
    sandbox_app(routes, state)
}

async fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({ "error": "Not found" }))
}

fn api_error(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "error": message }))
}

fn insufficient_scope() -> Response {
    doorkeeper_challenge(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        "The access token does not have the scope this resource requires",
    )
}

// ---------------------------------------------------------------------------------------------
// Authorise page
// ---------------------------------------------------------------------------------------------

/// A validated authorisation request.
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    scope: String,
    challenge: Option<Challenge>,
}

impl AuthRequest {
    /// Where the browser goes with `pairs` (plus `state`). The out-of-band URI has nowhere to
    /// go: the result is shown on a page, as Doorkeeper's native flow does.
    fn respond(&self, pairs: &[(&str, &str)]) -> Response {
        if self.redirect_uri == OOB_REDIRECT_URI {
            let items: String = pairs
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<li>{}: <code>{}</code></li>",
                        escape_html(k),
                        escape_html(v)
                    )
                })
                .collect();
            return html_page(
                StatusCode::OK,
                BRAND,
                "Authorization result",
                &format!("<p>Copy this into your application:</p><ul>{items}</ul>"),
            );
        }
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if let Some(state) = &self.state {
            all.push(("state", state));
        }
        found(&append_query(&self.redirect_uri, &all))
    }

    fn error(&self, error: OAuthError, description: Option<&str>) -> Response {
        self.respond(&[
            ("error", error.code()),
            (
                "error_description",
                description.unwrap_or(error.description()),
            ),
        ])
    }
}

fn authorize_error_page(message: &str) -> Response {
    error_page(BRAND, "An error has occurred", message)
}

/// Checks an authorisation request the way Doorkeeper orders it: client and redirect URI
/// problems are shown on a page (redirecting to an unverified address would be an open
/// redirect); everything after that is reported to the redirect URI.
fn validate_authorization(
    fb: &FitBark,
    params: &HashMap<String, String>,
) -> Result<AuthRequest, Response> {
    let get = |name: &str| params.get(name).map(String::as_str);
    if get("client_id") != Some(CLIENT_ID) {
        return Err(authorize_error_page(
            OAuthError::InvalidClient.description(),
        ));
    }
    let redirect_uri = get("redirect_uri").unwrap_or("");
    if redirect_uri.is_empty() || !fb.is_registered(redirect_uri) {
        return Err(authorize_error_page(
            "The requested redirect uri is malformed or doesn't match client redirect URI.",
        ));
    }
    let mut request = AuthRequest {
        client_id: CLIENT_ID.to_string(),
        redirect_uri: redirect_uri.to_string(),
        state: get("state").map(str::to_string),
        scope: USER_SCOPE.to_string(),
        challenge: None,
    };
    if get("response_type") != Some("code") {
        return Err(request.error(OAuthError::UnsupportedResponseType, None));
    }
    if !matches!(get("scope"), None | Some("") | Some(USER_SCOPE)) {
        return Err(request.error(OAuthError::InvalidScope, None));
    }
    if fb.core.settings.get().pkce == PkceMode::Enforce {
        let method = match get("code_challenge_method") {
            None | Some("plain") => ChallengeMethod::Plain,
            Some("S256") => ChallengeMethod::S256,
            Some(_) => {
                return Err(request.error(
                    OAuthError::InvalidRequest,
                    Some("Transform algorithm not supported."),
                ))
            }
        };
        match get("code_challenge") {
            Some(value) if is_pkce_string(value) => {
                request.challenge = Some(Challenge {
                    value: value.to_string(),
                    method,
                });
            }
            _ => {
                return Err(
                    request.error(OAuthError::InvalidRequest, Some("Code challenge required."))
                )
            }
        }
    }
    Ok(request)
}

async fn authorize_page(State(fb): State<Arc<FitBark>>, RawQuery(query): RawQuery) -> Response {
    let params = query_map(query.as_deref());
    let request = match validate_authorization(&fb, &params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    // The form repeats the original parameters; the decision handler validates them again.
    let carried: Vec<(&str, &str)> = [
        "client_id",
        "redirect_uri",
        "state",
        "response_type",
        "scope",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .filter_map(|name| params.get(*name).map(|v| (*name, v.as_str())))
    .collect();
    let body = format!(
        r#"<p><strong>{app}</strong> wants to use your FitBark account.</p>
<p class="muted">Signed in as {name} ({email}, sandbox user)</p>
<p>This application will be able to:</p>
<ul><li>read your profile</li><li>read your dogs and their activity</li></ul>
<form method="post" action="/oauth/authorize">
{hidden}
<div class="buttons">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="authorize" class="primary">Authorize</button>
</div>
</form>
<p class="muted">Returns to <code>{redirect}</code></p>"#,
        app = escape_html(APP_NAME),
        name = escape_html(&format!("{} {}", FB_USER.first_name, FB_USER.last_name)),
        email = escape_html(FB_USER.username),
        hidden = hidden_inputs(&carried),
        redirect = escape_html(&request.redirect_uri),
    );
    html_page(StatusCode::OK, BRAND, "Authorization required", &body)
}

async fn authorize_decision(
    State(fb): State<Arc<FitBark>>,
    BodyBytes(body): BodyBytes,
) -> Response {
    let params: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let request = match validate_authorization(&fb, &params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    match params.get("decision").map(String::as_str) {
        Some("authorize") => {
            let code = fb.codes.issue(
                CodeGrant {
                    client_id: request.client_id.clone(),
                    redirect_uri: request.redirect_uri.clone(),
                    user_id: FB_USER.id,
                    scope: request.scope.clone(),
                    challenge: request.challenge.clone(),
                },
                Some(CODE_TTL),
            );
            request.respond(&[("code", &code)])
        }
        Some("deny") => request.error(OAuthError::AccessDenied, None),
        _ => authorize_error_page("Choose Authorize or Deny."),
    }
}

// ---------------------------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------------------------

async fn token(
    State(fb): State<Arc<FitBark>>,
    DoorkeeperToken(params): DoorkeeperToken,
) -> Response {
    let get = |name: &str| params.get(name);
    let client_id = CLIENT_ID;
    match get("grant_type").unwrap_or("") {
        "authorization_code" => {
            let Some(code) = get("code") else {
                return OAuthError::InvalidRequest.doorkeeper_response();
            };
            let redirect_uri = get("redirect_uri").unwrap_or("");
            let verifier = get("code_verifier");
            // Spent only when everything matches, so a failed attempt does not burn the code.
            let grant = fb.codes.consume_if(code, |g| {
                g.client_id == client_id
                    && g.redirect_uri == redirect_uri
                    && match (&g.challenge, verifier) {
                        (None, _) => true,
                        (Some(challenge), Some(verifier)) => challenge.verify(verifier),
                        (Some(_), None) => false,
                    }
            });
            match grant {
                Some(g) => fb.issue_user_tokens(client_id, g.user_id, &g.scope),
                None => OAuthError::InvalidGrant.doorkeeper_response(),
            }
        }
        "refresh_token" => {
            let Some(refresh_token) = get("refresh_token") else {
                return OAuthError::InvalidRequest.doorkeeper_response();
            };
            let spent = fb.refresh_tokens.spend_with_access(
                &fb.core.access_tokens,
                refresh_token,
                client_id,
            );
            match spent {
                Some(AccessGrant {
                    owner: Owner::User(user_id),
                    scope,
                    ..
                }) => fb.issue_user_tokens(client_id, user_id, &scope),
                _ => OAuthError::InvalidGrant.doorkeeper_response(),
            }
        }
        _ => {
            if !matches!(get("scope"), None | Some(APP_SCOPE)) {
                return OAuthError::InvalidScope.doorkeeper_response();
            }
            let created_at = now_secs();
            let access_token = fb.core.access_tokens.issue(
                AccessGrant {
                    owner: Owner::App,
                    client_id: client_id.to_string(),
                    scope: APP_SCOPE.to_string(),
                    created_at,
                },
                Some(APP_TOKEN_TTL),
            );
            no_store(Json(json!({
                "access_token": access_token,
                "token_type": "bearer",
                "expires_in": APP_TOKEN_TTL,
                "scope": APP_SCOPE,
                "created_at": created_at,
            })))
        }
    }
}

async fn token_info(Bearer(grant, expires_in): Bearer<AccessGrant>) -> Response {
    let owner = match grant.owner {
        Owner::User(id) => json!(id.to_string()),
        Owner::App => Value::Null,
    };
    no_store(Json(json!({
        "resource_owner_id": owner,
        "scopes": [grant.scope],
        "expires_in_seconds": expires_in,
        "application": { "uid": grant.client_id },
        "created_at": grant.created_at,
    })))
}

// ---------------------------------------------------------------------------------------------
// Redirect URI registration (app token)
// ---------------------------------------------------------------------------------------------

fn redirect_urls_body(uris: &[String]) -> Response {
    no_store(Json(json!({ "redirect_uri": uris.join("\r") })))
}

async fn redirect_urls(State(fb): State<Arc<FitBark>>, _: AppToken) -> Response {
    let uris = lock(&fb.redirect_uris).clone();
    redirect_urls_body(&uris)
}

async fn replace_redirect_urls(
    State(fb): State<Arc<FitBark>>,
    _: AppToken,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let params = match request_params(&headers, None, &body) {
        Ok(params) => params,
        Err(message) => return api_error(StatusCode::BAD_REQUEST, &message),
    };
    let Some(joined) = params.get("redirect_uri") else {
        return api_error(StatusCode::BAD_REQUEST, "redirect_uri is required");
    };
    // FitBark separates entries with `\r`; a `\n` from a hand-written list is accepted too.
    let uris: Vec<String> = joined
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect();
    if uris.is_empty() || uris.len() > MAX_REDIRECT_URIS {
        return api_error(
            StatusCode::BAD_REQUEST,
            &format!("between 1 and {MAX_REDIRECT_URIS} redirect URIs are required"),
        );
    }
    if let Some(bad) = uris.iter().find(|u| {
        u.len() > MAX_REDIRECT_URI_LEN
            || (u.as_str() != OOB_REDIRECT_URI && (!is_http_url(u) || u.contains('#')))
    }) {
        return api_error(
            StatusCode::BAD_REQUEST,
            &format!("invalid redirect URI: {bad}"),
        );
    }
    *lock(&fb.redirect_uris) = uris.clone();
    redirect_urls_body(&uris)
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

fn relation_for(user_id: u64, slug: &str) -> Option<(&'static FbRelation, &'static FbDog)> {
    let relation = FB_RELATIONS
        .iter()
        .find(|r| r.user_id == user_id && r.dog_slug == slug)?;
    let dog = FB_DOGS.iter().find(|d| d.slug == relation.dog_slug)?;
    Some((relation, dog))
}

async fn user(_: User) -> Response {
    let u = &FB_USER;
    no_store(Json(json!({
        "user": {
            "slug": u.slug,
            "username": u.username,
            "name": format!("{} {}", u.first_name, u.last_name),
            "first_name": u.first_name,
            "last_name": u.last_name,
            "picture_hash": u.picture_hash,
        }
    })))
}

async fn dog_relations(User(user_id): User) -> Response {
    let now = now_secs() as i64;
    let list: Vec<Value> = FB_RELATIONS
        .iter()
        .filter(|r| r.user_id == user_id)
        .filter_map(|r| relation_for(user_id, r.dog_slug))
        .map(|(r, dog)| {
            json!({
                "id": r.id,
                "status": r.status.as_str(),
                "date": r.date,
                "dog": dog_json(dog, now),
            })
        })
        .collect();
    no_store(Json(json!({ "dog_relations": list })))
}

/// The relation and the dog `slug` of `user_id`, or the 404 the API answers for a dog the user
/// cannot see.
fn dog_of(user_id: u64, slug: &str) -> Result<(&'static FbRelation, &'static FbDog), Response> {
    relation_for(user_id, slug).ok_or_else(|| api_error(StatusCode::NOT_FOUND, "Dog not found"))
}

async fn dog(Path(slug): Path<String>, User(user_id): User) -> Response {
    match dog_of(user_id, &slug) {
        Ok((_, dog)) => no_store(Json(json!({ "dog": dog_json(dog, now_secs() as i64) }))),
        Err(response) => response,
    }
}

async fn dog_picture(Path(slug): Path<String>, User(user_id): User) -> Response {
    match dog_of(user_id, &slug) {
        Ok(_) => Json(json!({ "image": { "data": DOG_PICTURE_BASE64.trim() } })).into_response(),
        Err(response) => response,
    }
}

#[derive(Deserialize)]
struct SeriesRequest {
    activity_series: SeriesParams,
}

#[derive(Deserialize)]
struct SeriesParams {
    slug: String,
    from: String,
    to: String,
    resolution: String,
}

async fn activity_series(
    User(user_id): User,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Content-Type must be application/json",
        );
    }
    let Ok(SeriesRequest { activity_series: p }) = serde_json::from_slice(&body) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "expected {\"activity_series\": {\"slug\", \"from\", \"to\", \"resolution\"}}",
        );
    };
    let (relation, dog) = match dog_of(user_id, &p.slug) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let (Some(from), Some(to)) = (parse_date(&p.from), parse_date(&p.to)) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "from and to must be dates (YYYY-MM-DD)",
        );
    };
    if to < from {
        return api_error(StatusCode::BAD_REQUEST, "to must not be before from");
    }
    let hourly = match p.resolution.to_ascii_uppercase().as_str() {
        "DAILY" => false,
        "HOURLY" => true,
        _ => {
            return api_error(
                StatusCode::BAD_REQUEST,
                "resolution must be DAILY or HOURLY",
            )
        }
    };
    let days = to - from + 1;
    let (limit, name) = if hourly {
        (MAX_HOURLY_DAYS, "HOURLY")
    } else {
        (MAX_DAILY_DAYS, "DAILY")
    };
    if days > limit {
        return api_error(
            StatusCode::BAD_REQUEST,
            &format!("the range is limited to {limit} days for {name} resolution"),
        );
    }
    let records = series_records(dog, relation.status, from, to, hourly, now_secs() as i64);
    no_store(Json(json!({
        "activity_series": { "slug": dog.slug, "records": records }
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let challenge = Challenge {
            value: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            method: ChallengeMethod::S256,
        };
        assert!(challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!challenge.verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"));
        assert!(!challenge.verify("short"));
    }
}
