//! What every sandbox keeps in the same shape and the test-control endpoints built on it:
//! grant [`Counters`], adjustable [`Settings`] (the simplest of them [`TtlSettings`]), their
//! [`Core`] (with the access tokens), the traits each sandbox implements ([`HasCore`], through
//! [`has_core!`], and [`Provider`], with the [`BearerRejection`] its `refuse_bearer` answers),
//! [`control_routes`] (`/__sandbox/*`) and [`sandbox_app`], which adds them and the
//! [`BODY_LIMIT`] to a provider's routes.
//!
//! A provider module implements both traits and builds its router with [`sandbox_app`];
//! everything test-facing then works the same on every origin.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::cors::{open_cors, with_cors};
use super::tokens::{lock, TokenStore};
use crate::http_util::{json_response, no_store, BodyBytes};

/// Setting names defined by the shared contract. A provider that has no use for one of them
/// accepts and ignores it, so a test can send the same settings object to every origin.
const CONTRACT_SETTING_KEYS: &[&str] = &[
    "accessTokenTtlSeconds",
    "pkce",
    "deny",
    "corsOrigins",
    "coop",
];

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

/// The settings of a sandbox whose only adjustable behaviour is its access token lifetime.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TtlSettings {
    /// Lifetime of access tokens issued from now on.
    pub access_token_ttl_seconds: u64,
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

/// The part of a provider's state that is the same for every sandbox: its settings and grant
/// types and the [`Core`] holding them. Every provider keeps its core in a field named `core`
/// and implements this with [`has_core!`].
pub trait HasCore: Send + Sync + 'static {
    type Settings: Clone + Serialize + DeserializeOwned + Send + Sync;
    type Grant: Clone + Send + Sync;

    fn core(&self) -> &Core<Self::Settings, Self::Grant>;
}

/// `has_core!(Provider, Settings, Grant)`: [`HasCore`] for a provider state whose `core`
/// field is a `Core<Settings, Grant>`.
macro_rules! has_core {
    ($provider:ty, $settings:ty, $grant:ty) => {
        impl $crate::sandbox::control::HasCore for $provider {
            type Settings = $settings;
            type Grant = $grant;

            fn core(&self) -> &$crate::sandbox::control::Core<$settings, $grant> {
                &self.core
            }
        }
    };
}
pub(crate) use has_core;

/// Implemented by each provider's state, besides [`HasCore`], so the control endpoints and
/// the [`super::auth::Bearer`] extractor can be shared.
pub trait Provider: HasCore {
    /// Provider-specific state that `/__sandbox/reset` restores (besides counters and settings).
    fn reset_extra(&self) {}

    /// The provider's answer to a data request whose bearer token it does not accept (its
    /// status, body and `WWW-Authenticate` challenge); see [`super::auth::Bearer`].
    fn refuse_bearer(&self, rejection: BearerRejection) -> Response;
}

/// Largest request body any sandbox endpoint accepts (token requests are a few hundred bytes).
pub const BODY_LIMIT: usize = 16 * 1024;

/// A sandbox origin's router: the provider's own `routes` with [`control_routes`] merged in,
/// request bodies limited to [`BODY_LIMIT`], bound to the provider's `state`.
pub fn sandbox_app<P: Provider>(routes: Router<Arc<P>>, state: Arc<P>) -> Router {
    routes
        .merge(control_routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// `/__sandbox/*`, with open CORS so browser tests can call them from the app origin.
pub fn control_routes<P: Provider>() -> Router<Arc<P>> {
    let routes = Router::new()
        .route("/__sandbox/counters", get(counters::<P>))
        .route("/__sandbox/reset", post(reset::<P>))
        .route(
            "/__sandbox/settings",
            get(settings::<P>).post(update_settings::<P>),
        )
        .route("/__sandbox/expire-tokens", post(expire_tokens::<P>));
    with_cors(routes, open_cors())
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
    BodyBytes(body): BodyBytes,
) -> Response {
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
