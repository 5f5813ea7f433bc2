//! Pieces every provider sandbox shares: the token store, grant counters, settings, the
//! test-control endpoints under `/__sandbox/`, open CORS, request parsing and small HTML pages.
//!
//! A provider module implements [`Provider`] and merges [`control_routes`] into its router;
//! everything test-facing then works the same on every origin.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use rand::RngCore as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

pub use crate::http_util::{json_response, no_store, query_map, read_body, request_params};

/// Largest request body any sandbox endpoint accepts (token requests are a few hundred bytes).
pub const BODY_LIMIT: usize = 16 * 1024;

/// Upper bound on live entries per token store, so a runaway test cannot exhaust memory.
const STORE_CAPACITY: usize = 20_000;

/// Setting names defined by the shared contract. A provider that has no use for one of them
/// accepts and ignores it, so a test can send the same settings object to every origin.
const CONTRACT_SETTING_KEYS: &[&str] = &[
    "accessTokenTtlSeconds",
    "pkce",
    "deny",
    "corsOrigins",
    "coop",
];

pub fn now_secs() -> u64 {
    now_millis() / 1000
}

/// Expiry is tracked in milliseconds so a one-second token lives a full second, whatever the
/// sub-second moment it was issued at.
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// 256 random bits, base64url without padding: safe in URLs, headers and form bodies as is.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A poisoned lock only means another request panicked mid-update; the sandbox keeps serving.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ---------------------------------------------------------------------------------------------
// Token store
// ---------------------------------------------------------------------------------------------

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenStatus<T> {
    Valid {
        grant: T,
        /// Seconds left, `None` for tokens that never expire.
        expires_in: Option<u64>,
    },
    Expired,
    Revoked,
    Unknown,
}

struct Entry<T> {
    grant: T,
    /// Milliseconds since the epoch.
    expires_at: Option<u64>,
    revoked: bool,
}

struct StoreInner<T> {
    entries: HashMap<String, Entry<T>>,
    /// Issue order, for evicting the oldest entry when the store is full.
    order: VecDeque<String>,
}

/// Opaque tokens (access tokens, refresh tokens, authorisation codes) and what each grants.
pub struct TokenStore<T> {
    inner: Mutex<StoreInner<T>>,
}

impl<T: Clone> Default for TokenStore<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> TokenStore<T> {
    pub fn new() -> Self {
        TokenStore {
            inner: Mutex::new(StoreInner {
                entries: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }

    /// Stores `grant` under a fresh random token; `ttl` of `None` means it never expires.
    pub fn issue(&self, grant: T, ttl: Option<u64>) -> String {
        let token = random_token();
        let expires_at = ttl.map(|ttl| now_millis().saturating_add(ttl.saturating_mul(1000)));
        let mut inner = lock(&self.inner);
        while inner.order.len() >= STORE_CAPACITY {
            match inner.order.pop_front() {
                Some(oldest) => {
                    inner.entries.remove(&oldest);
                }
                None => break,
            }
        }
        inner.order.push_back(token.clone());
        inner.entries.insert(
            token.clone(),
            Entry {
                grant,
                expires_at,
                revoked: false,
            },
        );
        token
    }

    pub fn check(&self, token: &str) -> TokenStatus<T> {
        let inner = lock(&self.inner);
        match inner.entries.get(token) {
            Some(entry) => status_of(entry, now_millis()),
            None => TokenStatus::Unknown,
        }
    }

    /// Revokes the token and returns its grant when it is valid and `accept` agrees; leaves it
    /// untouched otherwise. Check and revoke happen under one lock, so a one-time token can
    /// only be spent once even by concurrent requests.
    pub fn consume_if(&self, token: &str, accept: impl FnOnce(&T) -> bool) -> Option<T> {
        let mut inner = lock(&self.inner);
        let now = now_millis();
        let entry = inner.entries.get_mut(token)?;
        if !matches!(status_of(entry, now), TokenStatus::Valid { .. }) || !accept(&entry.grant) {
            return None;
        }
        entry.revoked = true;
        Some(entry.grant.clone())
    }

    pub fn revoke(&self, token: &str) {
        if let Some(entry) = lock(&self.inner).entries.get_mut(token) {
            entry.revoked = true;
        }
    }

    /// Makes every token issued so far expired (tokens issued later are unaffected).
    pub fn expire_all(&self) {
        let expired_at = now_millis().saturating_sub(1);
        for entry in lock(&self.inner).entries.values_mut() {
            entry.expires_at = Some(expired_at);
        }
    }
}

fn status_of<T: Clone>(entry: &Entry<T>, now: u64) -> TokenStatus<T> {
    if entry.revoked {
        return TokenStatus::Revoked;
    }
    match entry.expires_at {
        Some(at) if at <= now => TokenStatus::Expired,
        Some(at) => TokenStatus::Valid {
            grant: entry.grant.clone(),
            expires_in: Some((at - now) / 1000),
        },
        None => TokenStatus::Valid {
            grant: entry.grant.clone(),
            expires_in: None,
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Counters and settings
// ---------------------------------------------------------------------------------------------

/// Requests received per grant type, reported by `GET /__sandbox/counters`.
pub struct Counters {
    names: &'static [&'static str],
    counts: Vec<AtomicU64>,
}

impl Counters {
    pub fn new(names: &'static [&'static str]) -> Self {
        Counters {
            names,
            counts: names.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Counts one request; names outside the fixed set are ignored.
    pub fn incr(&self, name: &str) {
        if let Some(i) = self.names.iter().position(|n| *n == name) {
            self.counts[i].fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn get(&self, name: &str) -> u64 {
        self.names
            .iter()
            .position(|n| *n == name)
            .map_or(0, |i| self.counts[i].load(Ordering::SeqCst))
    }

    pub fn reset(&self) {
        for count in &self.counts {
            count.store(0, Ordering::SeqCst);
        }
    }

    pub fn to_json(&self) -> Value {
        let map: Map<String, Value> = self
            .names
            .iter()
            .zip(&self.counts)
            .map(|(name, count)| (name.to_string(), json!(count.load(Ordering::SeqCst))))
            .collect();
        Value::Object(map)
    }
}

/// A provider's adjustable behaviour. `S` serialises to the camelCase object the settings
/// endpoint shows; a partial update is merged field by field and re-validated through serde.
pub struct Settings<S> {
    current: Mutex<S>,
    defaults: S,
}

impl<S: Clone + Serialize + DeserializeOwned> Settings<S> {
    pub fn new(defaults: S) -> Self {
        Settings {
            current: Mutex::new(defaults.clone()),
            defaults,
        }
    }

    pub fn get(&self) -> S {
        lock(&self.current).clone()
    }

    pub fn reset(&self) {
        *lock(&self.current) = self.defaults.clone();
    }

    /// Applies any subset of fields; on error nothing changes.
    pub fn update(&self, patch: &Value) -> Result<S, String> {
        let patch = patch
            .as_object()
            .ok_or_else(|| "settings must be a JSON object".to_string())?;
        let mut current = lock(&self.current);
        let mut merged = match serde_json::to_value(&*current) {
            Ok(Value::Object(map)) => map,
            _ => return Err("settings are not an object".to_string()),
        };
        for (key, value) in patch {
            if merged.contains_key(key) {
                merged.insert(key.clone(), value.clone());
            } else if !CONTRACT_SETTING_KEYS.contains(&key.as_str()) {
                return Err(format!("unknown setting `{key}`"));
            }
        }
        let updated: S = serde_json::from_value(Value::Object(merged))
            .map_err(|e| format!("invalid settings: {e}"))?;
        *current = updated.clone();
        Ok(updated)
    }
}

/// The state every sandbox keeps in the same shape.
pub struct Core<S, G> {
    pub counters: Counters,
    pub settings: Settings<S>,
    /// Access tokens: the ones `/__sandbox/expire-tokens` expires.
    pub access_tokens: TokenStore<G>,
}

impl<S: Clone + Serialize + DeserializeOwned, G: Clone> Core<S, G> {
    pub fn new(counter_names: &'static [&'static str], default_settings: S) -> Self {
        Core {
            counters: Counters::new(counter_names),
            settings: Settings::new(default_settings),
            access_tokens: TokenStore::new(),
        }
    }

    /// The grant behind the request's bearer token and its remaining lifetime in seconds.
    pub fn bearer_grant(&self, headers: &HeaderMap) -> Result<(G, Option<u64>), BearerRejection> {
        let token = bearer_token(headers).ok_or(BearerRejection::Missing)?;
        match self.access_tokens.check(token) {
            TokenStatus::Valid { grant, expires_in } => Ok((grant, expires_in)),
            TokenStatus::Expired => Err(BearerRejection::Expired),
            TokenStatus::Revoked => Err(BearerRejection::Revoked),
            TokenStatus::Unknown => Err(BearerRejection::Unknown),
        }
    }
}

/// Why a bearer token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BearerRejection {
    Missing,
    Expired,
    Revoked,
    Unknown,
}

impl BearerRejection {
    pub fn description(self) -> &'static str {
        match self {
            BearerRejection::Missing | BearerRejection::Unknown => "The access token is invalid",
            BearerRejection::Expired => "The access token expired",
            BearerRejection::Revoked => "The access token was revoked",
        }
    }
}

/// Implemented by each provider's state so the control endpoints can be shared.
pub trait Provider: Send + Sync + 'static {
    type Settings: Clone + Serialize + DeserializeOwned + Send + Sync;
    type Grant: Clone + Send + Sync;

    fn core(&self) -> &Core<Self::Settings, Self::Grant>;

    /// Provider-specific state that `/__sandbox/reset` restores (besides counters and settings).
    fn reset_extra(&self) {}
}

// ---------------------------------------------------------------------------------------------
// Test-control endpoints
// ---------------------------------------------------------------------------------------------

/// `/__sandbox/*`, with open CORS so browser tests can call them from the app origin.
pub fn control_routes<P: Provider>() -> Router<Arc<P>> {
    Router::new()
        .route("/__sandbox/counters", get(counters::<P>))
        .route("/__sandbox/reset", post(reset::<P>))
        .route(
            "/__sandbox/settings",
            get(settings::<P>).post(update_settings::<P>),
        )
        .route("/__sandbox/expire-tokens", post(expire_tokens::<P>))
        .layer(axum::middleware::from_fn(open_cors))
}

async fn counters<P: Provider>(State(p): State<Arc<P>>) -> Response {
    no_store(Json(p.core().counters.to_json()))
}

async fn reset<P: Provider>(State(p): State<Arc<P>>) -> Response {
    let core = p.core();
    core.counters.reset();
    core.settings.reset();
    p.reset_extra();
    no_store(Json(json!({ "ok": true })))
}

async fn settings<P: Provider>(State(p): State<Arc<P>>) -> Response {
    no_store(Json(p.core().settings.get()))
}

async fn update_settings<P: Provider>(
    State(p): State<Arc<P>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let patch: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    json!({ "error": format!("settings body is not JSON: {e}") }),
                )
            }
        }
    };
    match p.core().settings.update(&patch) {
        Ok(updated) => no_store(Json(updated)),
        Err(message) => json_response(StatusCode::BAD_REQUEST, json!({ "error": message })),
    }
}

async fn expire_tokens<P: Provider>(State(p): State<Arc<P>>) -> Response {
    p.core().access_tokens.expire_all();
    no_store(Json(json!({ "ok": true })))
}

// ---------------------------------------------------------------------------------------------
// OAuth token endpoints
// ---------------------------------------------------------------------------------------------

/// The RFC 6749 §5.2 error codes the sandboxes answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthError {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    UnsupportedGrantType,
    UnsupportedResponseType,
    AccessDenied,
}

impl OAuthError {
    pub fn code(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::AccessDenied => "access_denied",
        }
    }

    /// Doorkeeper's English messages.
    pub fn description(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
            OAuthError::InvalidClient => "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            OAuthError::InvalidGrant => "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            OAuthError::InvalidScope => "The requested scope is invalid, unknown, or malformed.",
            OAuthError::UnsupportedGrantType => "The authorization grant type is not supported by the authorization server.",
            OAuthError::UnsupportedResponseType => "The authorization server does not support this response type.",
            OAuthError::AccessDenied => "The resource owner or authorization server denied the request.",
        }
    }

    /// `{"error", "error_description"?}` with `status`, uncached.
    pub fn response(self, status: StatusCode, description: Option<&str>) -> Response {
        let mut body = json!({ "error": self.code() });
        if let Some(description) = description {
            body["error_description"] = json!(description);
        }
        no_store(json_response(status, body))
    }

    /// Doorkeeper 4.x answers every token-endpoint error with 401, its message and a challenge.
    pub fn doorkeeper_response(self) -> Response {
        let mut response = self.response(StatusCode::UNAUTHORIZED, Some(self.description()));
        set_bearer_challenge(
            &mut response,
            &[
                ("realm", "Doorkeeper"),
                ("error", self.code()),
                ("error_description", self.description()),
            ],
        );
        response
    }
}

/// `WWW-Authenticate: Bearer k="v", ...` (RFC 6750 §3) on `response`.
pub fn set_bearer_challenge(response: &mut Response, params: &[(&str, &str)]) {
    let params: Vec<String> = params
        .iter()
        .map(|(k, v)| format!(r#"{k}="{v}""#))
        .collect();
    let value = format!("Bearer {}", params.join(", "));
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
}

/// Doorkeeper's answer to a bad token on a protected resource: no body, the reason in
/// `WWW-Authenticate`.
pub fn doorkeeper_challenge(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = empty(status);
    set_bearer_challenge(
        &mut response,
        &[
            ("realm", "Doorkeeper"),
            ("error", error),
            ("error_description", description),
        ],
    );
    response
}

/// The parameters of a token request, read the way Rails apps read them: query parameters,
/// then a JSON or form body overriding them.
pub struct TokenParams(HashMap<String, String>);

impl TokenParams {
    /// `None` when the body is neither a JSON object nor a form.
    pub fn parse(headers: &HeaderMap, raw_query: Option<&str>, body: &[u8]) -> Option<Self> {
        request_params(headers, raw_query, body)
            .ok()
            .map(TokenParams)
    }

    /// Form-encoded body only, as ASP.NET token endpoints require.
    pub fn parse_form(headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        is_form(headers).then(|| {
            TokenParams(
                form_urlencoded::parse(body)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            )
        })
    }

    /// A parameter, with an empty value treated as missing.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Client id and secret from HTTP Basic or from the parameters (RFC 6749 §2.3.1).
    pub fn client_credentials(&self, headers: &HeaderMap) -> (String, String) {
        basic_credentials(headers).unwrap_or_else(|| {
            (
                self.get("client_id").unwrap_or("").to_string(),
                self.get("client_secret").unwrap_or("").to_string(),
            )
        })
    }
}

/// The checks every Doorkeeper token request goes through before its grant is looked at:
/// a readable body, the grant type counted and supported, the client authenticated.
/// Errors are Doorkeeper's (401); `Ok` carries the parameters.
pub fn doorkeeper_token_request<S, G>(
    core: &Core<S, G>,
    client: (&str, &str),
    grants: &[&str],
    headers: &HeaderMap,
    raw_query: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<TokenParams, Response> {
    let body = read_body(body)?;
    let params = TokenParams::parse(headers, raw_query, &body)
        .ok_or_else(|| OAuthError::InvalidRequest.doorkeeper_response())?;
    let grant_type = params.get("grant_type").unwrap_or("");
    core.counters.incr(grant_type);
    if !grants.contains(&grant_type) {
        return Err(OAuthError::UnsupportedGrantType.doorkeeper_response());
    }
    let (client_id, client_secret) = params.client_credentials(headers);
    if client_id != client.0 || !secrets_equal(&client_secret, client.1) {
        return Err(OAuthError::InvalidClient.doorkeeper_response());
    }
    Ok(params)
}

/// `Content-Type: application/x-www-form-urlencoded` (parameters such as `charset` allowed).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// What a refresh token stands for: the grant its access tokens carry, the client it was
/// issued to, and the access token issued alongside it.
#[derive(Clone, Debug)]
pub struct RefreshGrant<G> {
    pub grant: G,
    pub client_id: String,
    pub access_token: String,
}

/// Single-use refresh tokens: spending one revokes it, and the caller issues a new pair.
pub struct RefreshTokens<G> {
    store: TokenStore<RefreshGrant<G>>,
}

impl<G: Clone> Default for RefreshTokens<G> {
    fn default() -> Self {
        RefreshTokens {
            store: TokenStore::new(),
        }
    }
}

/// An access token and its refresh token, just issued.
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Access token lifetime in seconds.
    pub expires_in: u64,
}

impl TokenPair {
    /// The fields every token response shares; providers add their own (`scope`, `created_at`).
    pub fn to_json(&self, token_type: &str) -> Value {
        json!({
            "access_token": self.access_token,
            "token_type": token_type,
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        })
    }
}

impl<G: Clone> RefreshTokens<G> {
    /// Issues an access token carrying `grant` into `access_tokens` and a refresh token for
    /// it; `refresh_ttl` of `None` means the refresh token never expires.
    pub fn issue_pair(
        &self,
        access_tokens: &TokenStore<G>,
        grant: G,
        client_id: &str,
        access_ttl: u64,
        refresh_ttl: Option<u64>,
    ) -> TokenPair {
        let access_token = access_tokens.issue(grant.clone(), Some(access_ttl));
        let refresh_token = self.store.issue(
            RefreshGrant {
                grant,
                client_id: client_id.to_string(),
                access_token: access_token.clone(),
            },
            refresh_ttl,
        );
        TokenPair {
            access_token,
            refresh_token,
            expires_in: access_ttl,
        }
    }

    /// Spends `token` if it is valid and was issued to `client_id`; `None` otherwise (a reused
    /// token included). Concurrent requests with the same token: exactly one wins.
    pub fn spend(&self, token: &str, client_id: &str) -> Option<RefreshGrant<G>> {
        self.store.consume_if(token, |g| g.client_id == client_id)
    }

    /// Doorkeeper keeps a refresh token on its access token's row: spending one revokes both.
    pub fn spend_with_access(
        &self,
        access_tokens: &TokenStore<G>,
        token: &str,
        client_id: &str,
    ) -> Option<G> {
        let spent = self.spend(token, client_id)?;
        access_tokens.revoke(&spent.access_token);
        Some(spent.grant)
    }

    /// Seconds `token` has left, when it is valid and expires.
    pub fn remaining(&self, token: &str) -> Option<u64> {
        match self.store.check(token) {
            TokenStatus::Valid { expires_in, .. } => expires_in,
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

/// Open CORS for data endpoints: any origin, `Authorization` and `Content-Type` request headers,
/// preflights answered here with 204. Tokens travel in a header, never in cookies, so `*` is safe.
pub async fn open_cors(request: Request, next: Next) -> Response {
    cors(request, next, Some(HeaderValue::from_static("*"))).await
}

/// CORS for one allowed origin (`allow_origin`), or none: then preflights still get 204 but no
/// `Access-Control-Allow-Origin`, so the browser refuses, as ASP.NET's CORS middleware does.
pub async fn cors(request: Request, next: Next, allow_origin: Option<HeaderValue>) -> Response {
    let vary = allow_origin.as_ref().is_none_or(|v| v != "*");
    let mut response = if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        if allow_origin.is_some() {
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("Authorization, Content-Type"),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
        response
    } else {
        let mut response = next.run(request).await;
        if allow_origin.is_some() {
            // Lets browser code tell an expired token from other 401s.
            response.headers_mut().insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("WWW-Authenticate"),
            );
        }
        response
    };
    let headers = response.headers_mut();
    if let Some(origin) = allow_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    // The answer depends on the Origin header: caches must not share it across origins.
    if vary {
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

/// 302 to `location`; a location that cannot be a header value becomes a 400 page.
pub fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            no_store(response)
        }
        Err(_) => html_page(
            StatusCode::BAD_REQUEST,
            "Sandbox",
            "Invalid redirect",
            "<p>The redirect address contains characters that cannot be sent.</p>",
        ),
    }
}

/// Compares secrets without an early exit on the first differing byte.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 6750 §2.1 allows).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `Authorization: Basic base64(id:secret)` client authentication (RFC 6749 §2.3.1).
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id: String = form_urlencoded::parse(format!("a={id}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()?;
    let secret: String = form_urlencoded::parse(format!("a={secret}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .next()?;
    Some((id, secret))
}

/// Appends already-unencoded `pairs` to `uri` as a percent-encoded query, keeping any existing
/// query and moving a fragment, if present, back to the end.
pub fn append_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (uri, None),
    };
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    let query = serializer.finish();
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{separator}{query}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// An absolute http(s) URL without whitespace or control characters: the only kind of
/// address the sandbox will redirect a browser to.
pub fn is_http_url(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"));
    matches!(rest, Some(rest) if !rest.is_empty() && !rest.starts_with('/'))
        && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `<input type="hidden">` for each pair, escaped.
pub fn hidden_inputs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| {
            format!(
                r#"<input type="hidden" name="{}" value="{}">"#,
                escape_html(name),
                escape_html(value)
            )
        })
        .collect()
}

/// A small self-contained page: `brand` in the title and header, a visible sandbox banner.
/// `body` is trusted HTML; callers escape what came from the request.
pub fn html_page(status: StatusCode, brand: &str, heading: &str, body: &str) -> Response {
    let brand = escape_html(brand);
    let heading = escape_html(heading);
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{brand} · {heading}</title>
<style>
  body {{ font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }}
  .sandbox {{ background: #ffd84d; color: #3b2f00; text-align: center; font-weight: 600; font-size: 12px; letter-spacing: .06em; padding: 4px; }}
  main {{ max-width: 360px; margin: 24px auto; background: #fff; border-radius: 10px; padding: 20px 22px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
  header {{ font-weight: 700; font-size: 20px; margin-bottom: 4px; }}
  h1 {{ font-size: 17px; margin: 6px 0 14px; font-weight: 600; }}
  .muted {{ color: #5b6475; font-size: 13px; }}
  .buttons {{ display: flex; gap: 10px; margin-top: 18px; }}
  button {{ flex: 1; font: inherit; padding: 9px 12px; border-radius: 6px; border: 1px solid #b9c0cc; background: #fff; cursor: pointer; }}
  button.primary {{ background: #1f6feb; border-color: #1f6feb; color: #fff; font-weight: 600; }}
  select {{ font: inherit; width: 100%; padding: 6px; }}
  code {{ word-break: break-all; background: #eef0f4; padding: 1px 4px; border-radius: 4px; }}
  ul {{ padding-left: 20px; }}
</style>
</head>
<body>
<div class="sandbox">SANDBOX · offline test server, not the real {brand}</div>
<main>
<header>{brand}</header>
<h1>{heading}</h1>
{body}
</main>
</body>
</html>
"#
    );
    let mut response = (status, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds `Cross-Origin-Opener-Policy: same-origin` when `on`. A page sent with it is put in a
/// browsing context group of its own, so the window that opened it as a popup loses its handle
/// (`window.opener` is null, `popup.closed` reads true), as with providers that send it.
pub fn with_coop(mut response: Response, on: bool) -> Response {
    if on {
        response.headers_mut().insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    response
}

/// An empty-bodied response with a status, for the rare cases where providers send nothing.
pub fn empty(status: StatusCode) -> Response {
    (status, Body::empty()).into_response()
}

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, UTC; enough for sample data without a date library)
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 for a civil date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date for days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses `YYYY-MM-DD` (anything after the first ten characters is ignored) to days since epoch.
pub fn parse_date(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let bytes = date.as_bytes();
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = date[..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let day: u32 = date[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > 31 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // Rejects 2025-02-30 and the like.
    (civil_from_days(days) == (year, month, day)).then_some(days)
}

pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2014-12-24T20:07:24.000Z` from seconds since the epoch.
pub fn format_timestamp_millis(secs: i64) -> String {
    format!("{}.000Z", format_date_time(secs))
}

/// `2025-11-22T19:33:10Z` from seconds since the epoch.
pub fn format_timestamp(secs: i64) -> String {
    format!("{}Z", format_date_time(secs))
}

fn format_date_time(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}",
        format_date(days),
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SS`, optionally with fractional seconds and
/// then `Z` or a `+hh:mm` / `-hh:mm` offset (none means UTC).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let days = parse_date(text)?;
    let rest = text.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t'))?;
    let clock = rest.get(..8)?.as_bytes();
    if clock[2] != b':' || clock[5] != b':' {
        return None;
    }
    let field = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = rest.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (h, m, s) = (field(0..2)?, field(3..5)?, field(6..8)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut zone = &rest[8..];
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        zone = &fraction[digits..];
    }
    let offset = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match zone.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hhmm = &zone[1..];
            if hhmm.len() != 5 || hhmm.as_bytes()[2] != b':' {
                return None;
            }
            let oh: i64 = hhmm.get(..2)?.parse().ok()?;
            let om: i64 = hhmm.get(3..)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + h * 3600 + m * 60 + s - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(parse_date("2024-02-29"), Some(days_from_civil(2024, 2, 29)));
        assert_eq!(parse_date("2025-02-29"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("garbage"), None);
        assert_eq!(parse_date("20xx-01-01"), None);
        for days in [-1000, 0, 19_000, 20_500] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(
            format_timestamp_millis(1_419_451_644),
            "2014-12-24T20:07:24.000Z"
        );
        assert_eq!(format_timestamp(1_419_451_644), "2014-12-24T20:07:24Z");
        for text in [
            "2014-12-24T20:07:24Z",
            "2014-12-24T20:07:24.250Z",
            "2014-12-24T21:07:24+01:00",
            "2014-12-24T20:07:24",
        ] {
            assert_eq!(parse_timestamp(text), Some(1_419_451_644), "{text}");
        }
        for bad in [
            "2014-12-24",
            "2014-12-24T25:00:00Z",
            "2014-12-24T20:07:24Q",
            "2014-12-24T2x:07:24Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn append_query_handles_existing_query_and_fragment() {
        assert_eq!(
            append_query("http://a/cb", &[("token", "x y"), ("user_id", "1")]),
            "http://a/cb?token=x+y&user_id=1"
        );
        assert_eq!(
            append_query("http://a/cb?app=1", &[("t", "&=")]),
            "http://a/cb?app=1&t=%26%3D"
        );
        assert_eq!(
            append_query("http://a/cb?", &[("t", "1")]),
            "http://a/cb?t=1"
        );
        assert_eq!(
            append_query("http://a/cb#f", &[("t", "1")]),
            "http://a/cb?t=1#f"
        );
    }

    #[test]
    fn token_store_lifecycle() {
        let store = TokenStore::new();
        let token = store.issue(7u32, Some(60));
        assert!(matches!(
            store.check(&token),
            TokenStatus::Valid { grant: 7, .. }
        ));
        assert_eq!(store.check("nope"), TokenStatus::Unknown);
        assert_eq!(store.consume_if(&token, |g| *g == 8), None);
        assert_eq!(store.consume_if(&token, |g| *g == 7), Some(7));
        assert_eq!(store.consume_if(&token, |_| true), None);
        assert_eq!(store.check(&token), TokenStatus::Revoked);
        let other = store.issue(1, None);
        store.expire_all();
        assert_eq!(store.check(&other), TokenStatus::Expired);
        assert_eq!(store.check(&store.issue(2, Some(0))), TokenStatus::Expired);
    }

    #[test]
    fn random_tokens_are_long_and_url_safe() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, random_token());
    }
}
