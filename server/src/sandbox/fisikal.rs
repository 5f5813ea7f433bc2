//! Fisikal sandbox: one customer instance, a Rails app with a Doorkeeper-style `/oauth/token`
//! (password grant that needs the client id and secret, rotating refresh tokens, every OAuth
//! error 401) and the unified API's club locations plus the web schedule's occurrences.
//! The exact token shapes are not public; these follow Doorkeeper, the likeliest server.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::Bearer;
use super::control::{has_core, sandbox_app, BearerRejection, Core, Provider, TtlSettings};
use super::cors::{open_cors, with_cors};
use super::dates::format_timestamp;
use super::oauth::{
    doorkeeper_invalid_token, secrets_equal, DoorkeeperClient, DoorkeeperToken, OAuthError,
};
use super::sample_data::mix;
use super::tokens::{now_secs, RefreshTokens};
use crate::http_util::{json_response, no_store, query_map};

pub const CLIENT_ID: &str = "fisikal-demo";
pub const CLIENT_SECRET: &str = "fisikal-demo-secret";
pub const USERNAME: &str = "manager@fisikal.test";
pub const PASSWORD: &str = "fisikal-pass";
/// Doorkeeper's default access token lifetime: two hours.
pub const DEFAULT_TOKEN_TTL: u64 = 7200;
const MANAGER_ID: u64 = 42;
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;
/// Occurrences shown: today and the next six days.
const SCHEDULE_DAYS: i64 = 7;

/// Only the access token lifetime is adjustable.
pub type Settings = TtlSettings;

pub struct Fisikal {
    /// Access tokens carry the user id.
    core: Core<Settings, u64>,
    refresh_tokens: RefreshTokens<u64>,
}

impl Default for Fisikal {
    fn default() -> Self {
        Self::new()
    }
}

impl Fisikal {
    pub fn new() -> Self {
        Fisikal {
            core: Core::new(
                &["password", "refresh_token"],
                Settings {
                    access_token_ttl_seconds: DEFAULT_TOKEN_TTL,
                },
            ),
            refresh_tokens: RefreshTokens::default(),
        }
    }

    fn issue(&self, user_id: u64) -> Response {
        let ttl = self.core.settings.get().access_token_ttl_seconds;
        let pair =
            self.refresh_tokens
                .issue_pair(&self.core.access_tokens, user_id, CLIENT_ID, ttl, None);
        let mut body = pair.to_json("Bearer");
        body["created_at"] = json!(now_secs());
        no_store(Json(body))
    }
}

has_core!(Fisikal, Settings, u64);

impl DoorkeeperClient for Fisikal {
    const CLIENT: (&'static str, &'static str) = (CLIENT_ID, CLIENT_SECRET);
    const GRANTS: &'static [&'static str] = &["password", "refresh_token"];
}

impl Provider for Fisikal {
    fn refuse_bearer(&self, rejection: BearerRejection) -> Response {
        doorkeeper_invalid_token(rejection)
    }
}

pub fn app(state: Arc<Fisikal>) -> Router {
    let api = Router::new()
        .route("/api/unified/clubs/locations", get(locations))
        .route("/api/unified/clubs/locations/{id}", get(location))
        .route("/api/web/schedule/occurrences", get(occurrences));
    let api = with_cors(api, open_cors());
    let routes = Router::new()
        // No CORS: the token endpoint takes the client secret and is called by servers only.
        .route("/oauth/token", post(token))
        .merge(api)
        .fallback(|| async { not_found() });
    sandbox_app(routes, state)
}

fn not_found() -> Response {
    json_response(StatusCode::NOT_FOUND, json!({ "error": "Not found" }))
}

/// The password is compared and dropped with the request; it is never logged or answered.
async fn token(
    State(fk): State<Arc<Fisikal>>,
    DoorkeeperToken(params): DoorkeeperToken,
) -> Response {
    match params.get("grant_type") {
        Some("password") => {
            let (Some(username), Some(password)) = (params.get("username"), params.get("password"))
            else {
                return OAuthError::InvalidRequest.doorkeeper_response();
            };
            let user_ok = username.trim().eq_ignore_ascii_case(USERNAME);
            let password_ok = secrets_equal(password, PASSWORD);
            if user_ok && password_ok {
                fk.issue(MANAGER_ID)
            } else {
                OAuthError::InvalidGrant.doorkeeper_response()
            }
        }
        _ => {
            let Some(refresh_token) = params.get("refresh_token") else {
                return OAuthError::InvalidRequest.doorkeeper_response();
            };
            match fk.refresh_tokens.spend_with_access(
                &fk.core.access_tokens,
                refresh_token,
                CLIENT_ID,
            ) {
                Some(user_id) => fk.issue(user_id),
                None => OAuthError::InvalidGrant.doorkeeper_response(),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

struct Location {
    id: u64,
    name: &'static str,
    address: &'static str,
    city: &'static str,
    postcode: &'static str,
    timezone: &'static str,
    phone: &'static str,
}

const LOCATIONS: &[Location] = &[
    Location {
        id: 11,
        name: "Riverside Studio",
        address: "4 Wharf Lane",
        city: "London",
        postcode: "SE1 9AA",
        timezone: "Europe/London",
        phone: "+44 20 7946 0011",
    },
    Location {
        id: 12,
        name: "Northgate Clinic",
        address: "120 Northgate",
        city: "Leeds",
        postcode: "LS2 7AB",
        timezone: "Europe/London",
        phone: "+44 113 496 0012",
    },
    Location {
        id: 13,
        name: "Harbour Fitness",
        address: "9 Quay Street",
        city: "Bristol",
        postcode: "BS1 4DJ",
        timezone: "Europe/London",
        phone: "+44 117 496 0013",
    },
];

const SERVICES: &[(&str, i64)] = &[
    ("Personal Training", 60),
    ("Physio Assessment", 45),
    ("Sports Massage", 30),
    ("Small Group Strength", 60),
];
const TRAINERS: &[&str] = &[
    "Dana Whitfield",
    "Rahul Mehta",
    "Grace O'Neill",
    "Tomasz Wrobel",
];
/// Hours (UTC) at which occurrences start.
const HOURS: &[i64] = &[7, 9, 12, 17, 19];

fn location_json(l: &Location) -> Value {
    json!({
        "id": l.id,
        "name": l.name,
        "address": { "line1": l.address, "city": l.city, "postcode": l.postcode, "country": "GB" },
        "timezone": l.timezone,
        "phone": l.phone,
        "active": true,
    })
}

/// `start` and `count` page the list; `count` in the answer is the total.
async fn locations(_: Bearer<u64>, RawQuery(query): RawQuery) -> Response {
    let params = query_map(query.as_deref());
    let number = |name: &str, default: usize| -> Result<usize, Response> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v.trim().parse().map_err(|_| {
                json_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({ "error": format!("{name} must be a non-negative integer") }),
                )
            }),
        }
    };
    let (start, count) = match (number("start", 0), number("count", DEFAULT_PAGE)) {
        (Ok(start), Ok(count)) => (start, count.min(MAX_PAGE)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let page: Vec<Value> = LOCATIONS
        .iter()
        .skip(start)
        .take(count)
        .map(location_json)
        .collect();
    no_store(Json(json!({ "locations": page, "count": LOCATIONS.len() })))
}

async fn location(Path(id): Path<String>, _: Bearer<u64>) -> Response {
    match LOCATIONS.iter().find(|l| l.id.to_string() == id) {
        Some(l) => no_store(Json(json!({ "location": location_json(l) }))),
        None => not_found(),
    }
}

/// This week's sessions, the same all day; `location_id` narrows them to one location.
async fn occurrences(_: Bearer<u64>, RawQuery(query): RawQuery) -> Response {
    let params = query_map(query.as_deref());
    let only = params.get("location_id").map(String::as_str);
    let now = now_secs() as i64;
    let today = now / 86_400;
    let mut data = Vec::new();
    for day in today..today + SCHEDULE_DAYS {
        for (slot, hour) in HOURS.iter().enumerate() {
            for location in LOCATIONS {
                if only.is_some_and(|id| id != location.id.to_string()) {
                    continue;
                }
                let id = (day as u64) * 1000 + slot as u64 * 100 + location.id;
                let r = mix(id);
                // Not every slot is taken at every location.
                if r.is_multiple_of(3) {
                    continue;
                }
                let (service, minutes) = SERVICES[(r >> 8) as usize % SERVICES.len()];
                let starts = day * 86_400 + hour * 3600;
                let status = if starts + minutes * 60 <= now {
                    "completed"
                } else if (r >> 16).is_multiple_of(7) {
                    "cancelled"
                } else {
                    "booked"
                };
                data.push(json!({
                    "id": id,
                    "occurs_at": format_timestamp(starts),
                    "duration_in_minutes": minutes,
                    "service_title": service,
                    "trainer_name": TRAINERS[(r >> 24) as usize % TRAINERS.len()],
                    "location_id": location.id,
                    "status": status,
                }));
            }
        }
    }
    no_store(Json(json!({ "data": data })))
}
