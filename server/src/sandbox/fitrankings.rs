//! FitRankings sandbox: the consent popup that hands a user token to `callback_uri`, the
//! master-token endpoint and the Django REST style data API (`/iq/...`, trailing slashes,
//! `{"detail": ...}` errors, decimals as strings).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::auth::Bearer;
use super::control::{has_core, sandbox_app, BearerRejection, Core, Provider};
use super::cors::{open_cors, with_cors};
use super::oauth::secrets_equal;
use super::pages::{
    self, append_query, coop_while_set, escape_html, found, hidden_inputs, html_page, is_http_url,
};
use super::sample_data::{decimal4, FrActivity, FrUser, FR_ACTIVITIES, FR_USERS};
use super::tokens::lock;
use crate::http_util::{json_response, no_store, query_map, read_body, request_params, BodyBytes};

pub const CLIENT_ID: &str = "fitconnect-demo";
pub const CLIENT_SECRET: &str = "fitrankings-demo-secret";
const APP_NAME: &str = "FitConnect demo";
const BRAND: &str = "FitRankings";
/// DRF's wording for a missing or unknown token, which the SDK may show to users.
const INVALID_KEY: &str = "API key is invalid";
const MAX_PAGE_SIZE: usize = 100;

/// What happens when the user presses Deny. The real service documents no error redirect,
/// so the default mimics a user who simply closes the popup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DenyMode {
    Close,
    Redirect,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    /// Lifetime of tokens issued from now on; `null`: they never expire, as documented.
    pub access_token_ttl_seconds: Option<u64>,
    pub deny: DenyMode,
    /// Send `Cross-Origin-Opener-Policy: same-origin` with the consent page and every page it
    /// leads to, which cuts the popup off from the window that opened it.
    pub coop: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            access_token_ttl_seconds: None,
            deny: DenyMode::Close,
            coop: false,
        }
    }
}

/// Whose data a token reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal {
    User(u64),
    /// The app's master token: every user who authorised the app.
    Master,
}

pub struct FitRankings {
    core: Core<Settings, Principal>,
    /// Per client id, the callback used last: the consent page falls back to it.
    last_callback: Mutex<HashMap<String, String>>,
}

impl Default for FitRankings {
    fn default() -> Self {
        Self::new()
    }
}

impl FitRankings {
    pub fn new() -> Self {
        FitRankings {
            core: Core::new(&["master_token", "user_token"], Settings::default()),
            last_callback: Mutex::new(HashMap::new()),
        }
    }

    /// Issues a user token directly, as the Allow button does (for tests and tooling).
    pub fn issue_user_token(&self, user_id: u64) -> String {
        let ttl = self.core.settings.get().access_token_ttl_seconds;
        self.core.access_tokens.issue(Principal::User(user_id), ttl)
    }
}

has_core!(FitRankings, Settings, Principal);

impl Provider for FitRankings {
    /// DRF says the same for a missing, unknown, expired or revoked token.
    fn refuse_bearer(&self, _: BearerRejection) -> Response {
        detail(StatusCode::UNAUTHORIZED, INVALID_KEY)
    }
}

pub fn app(state: Arc<FitRankings>) -> Router {
    let data = Router::new()
        .route("/iq/activities/", get(activities))
        .route("/iq/activities/{id}/", get(activity))
        .route("/iq/users/", get(users))
        .route("/iq/users/stat-summary/", get(user_stats))
        .route("/iq/groups/stat-summary/", get(group_stats))
        // Set before the CORS layer so that layer also wraps the 405 answers.
        .method_not_allowed_fallback(method_not_allowed);
    let data = with_cors(data, open_cors());
    let issue_token = with_cors(
        Router::new().route("/__sandbox/issue-token", post(issue_token)),
        open_cors(),
    );
    let consent = get(consent_page).post(consent_decision);
    let routes = Router::new()
        .route("/iq/oauth2/", coop_while_set(consent, &state, |s| s.coop))
        // No CORS here: the master token is for servers only.
        .route("/iq/tokens/master-token/", post(master_token))
        .method_not_allowed_fallback(method_not_allowed)
        .merge(data)
        .merge(issue_token)
        .fallback(not_found);
    sandbox_app(routes, state)
}

/// Data answers are per user: keep them out of shared caches.
fn ok(value: Value) -> Response {
    no_store(Json(value))
}

fn detail(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "detail": message }))
}

async fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not found.")
}

async fn method_not_allowed(method: Method) -> Response {
    detail(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("Method \"{method}\" not allowed."),
    )
}

// ---------------------------------------------------------------------------------------------
// Consent popup
// ---------------------------------------------------------------------------------------------

fn error_page(message: &str) -> Response {
    pages::error_page(BRAND, "Cannot connect", message)
}

async fn consent_page(State(fr): State<Arc<FitRankings>>, RawQuery(query): RawQuery) -> Response {
    let params = query_map(query.as_deref());
    let client_id = params.get("client_id").map(String::as_str).unwrap_or("");
    if client_id != CLIENT_ID {
        return error_page("Unknown application (client_id).");
    }
    let callback_uri = match params.get("callback_uri").filter(|c| !c.is_empty()) {
        Some(callback) if is_http_url(callback) => {
            lock(&fr.last_callback).insert(client_id.to_string(), callback.clone());
            callback.clone()
        }
        Some(_) => return error_page("callback_uri must be an absolute http or https address."),
        None => match lock(&fr.last_callback).get(client_id) {
            Some(previous) => previous.clone(),
            None => return error_page("callback_uri is missing and none was used before."),
        },
    };
    let options: String = FR_USERS
        .iter()
        .map(|u| {
            format!(
                r#"<option value="{}">{} {} (@{})</option>"#,
                u.id,
                escape_html(u.first_name),
                escape_html(u.last_name),
                escape_html(u.handle)
            )
        })
        .collect();
    let body = format!(
        r#"<p><strong>{app}</strong> would like to read your activities and statistics.</p>
<form method="post" action="/iq/oauth2/">
{hidden}
<label class="muted" for="user">Signed in as (sandbox user)</label>
<select id="user" name="user_id">{options}</select>
<p class="muted">Connected trackers: Fitbit, Garmin, Polar, Google Fit. Others (RunKeeper, MapMyFitness, Misfit)
can be connected on the real service.</p>
<p class="muted">Returns to <code>{callback}</code></p>
<div class="buttons">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
</div>
</form>"#,
        app = escape_html(APP_NAME),
        hidden = hidden_inputs(&[("client_id", client_id), ("callback_uri", &callback_uri)]),
        callback = escape_html(&callback_uri),
    );
    html_page(StatusCode::OK, BRAND, "Authorize access", &body)
}

async fn consent_decision(
    State(fr): State<Arc<FitRankings>>,
    BodyBytes(body): BodyBytes,
) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    if field("client_id") != CLIENT_ID {
        return error_page("Unknown application (client_id).");
    }
    let callback_uri = field("callback_uri");
    if !is_http_url(callback_uri) {
        return error_page("callback_uri must be an absolute http or https address.");
    }
    match field("decision") {
        "allow" => {
            fr.core.counters.incr("user_token");
            let user = match field("user_id") {
                "" => FR_USERS.first(),
                id => FR_USERS.iter().find(|u| u.id.to_string() == id),
            };
            let Some(user) = user else {
                return error_page("Unknown sandbox user.");
            };
            let token = fr.issue_user_token(user.id);
            let user_id = user.id.to_string();
            found(&append_query(
                callback_uri,
                &[("token", &token), ("user_id", &user_id)],
            ))
        }
        "deny" => match fr.core.settings.get().deny {
            DenyMode::Close => html_page(
                StatusCode::OK,
                BRAND,
                "Access not granted",
                "<p>You did not connect your account. You can close this window.</p>\
                 <script>window.close();</script>",
            ),
            DenyMode::Redirect => found(&append_query(
                callback_uri,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied access."),
                ],
            )),
        },
        _ => error_page("Choose Allow or Deny."),
    }
}

/// `POST /__sandbox/issue-token[?user_id=ID]`: a user token without the consent page, for
/// browser tests that need a session but no person to press Allow. Answers the same pair the
/// callback would carry, `user_id` as a string. Not counted as a consent-page token.
async fn issue_token(
    State(fr): State<Arc<FitRankings>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    BodyBytes(body): BodyBytes,
) -> Response {
    let params = match request_params(&headers, query.as_deref(), &body) {
        Ok(params) => params,
        Err(message) => return detail(StatusCode::BAD_REQUEST, &message),
    };
    let user = match params.get("user_id").map(String::as_str) {
        None | Some("") => FR_USERS.first(),
        Some(id) => FR_USERS.iter().find(|u| u.id.to_string() == id),
    };
    let Some(user) = user else {
        return detail(StatusCode::NOT_FOUND, "Not found.");
    };
    let token = fr.issue_user_token(user.id);
    ok(json!({ "token": token, "user_id": user.id.to_string() }))
}

// ---------------------------------------------------------------------------------------------
// Master token
// ---------------------------------------------------------------------------------------------

async fn master_token(
    State(fr): State<Arc<FitRankings>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    fr.core.counters.incr("master_token");
    let body = match read_body(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let params = match request_params(&headers, None, &body) {
        Ok(params) => params,
        Err(message) => return detail(StatusCode::BAD_REQUEST, &format!("Parse error: {message}")),
    };
    // Missing credentials are as bad as wrong ones.
    let field = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
    if field("client_id") != CLIENT_ID || !secrets_equal(field("client_secret"), CLIENT_SECRET) {
        return detail(StatusCode::UNAUTHORIZED, "Invalid client credentials.");
    }
    let ttl = fr.core.settings.get().access_token_ttl_seconds;
    let token = fr.core.access_tokens.issue(Principal::Master, ttl);
    no_store(Json(json!({ "token": token })))
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

fn user_json(user: &FrUser) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "handle": user.handle,
    })
}

fn activity_json(activity: &FrActivity) -> Value {
    let user = FR_USERS.iter().find(|u| u.id == activity.user_id);
    let user = user.map_or(Value::Null, |u| {
        let mut value = user_json(u);
        value["profile"] = json!({
            "gender": u.gender,
            "city": u.city,
            "country": u.country,
            "avatar": null,
        });
        value
    });
    json!({
        "id": activity.id,
        "title": activity.title,
        "description": activity.description,
        "met_minutes": decimal4(activity.met_minutes),
        "distance": decimal4(activity.distance),
        "duration": decimal4(activity.duration),
        "steps": activity.steps,
        "calories": decimal4(activity.calories),
        "provider_key": activity.provider_key,
        "provider_activity_id": activity.provider_activity_id,
        "activity_type": activity.activity_type,
        "fitness_type": activity.fitness_type,
        "action_date": activity.action_date,
        "is_locked": false,
        "is_edited": false,
        "is_manual_entry": activity.is_manual_entry,
        "is_deleted": false,
        "created_at": activity.action_date,
        "updated_at": activity.action_date,
        "user": user,
        "like_count": activity.like_count,
        "comment_count": 0,
        "comments": [],
    })
}

fn visible_to(principal: Principal) -> impl Fn(&&FrActivity) -> bool {
    move |a| match principal {
        Principal::Master => true,
        Principal::User(id) => a.user_id == id,
    }
}

async fn activities(
    Bearer(principal, _): Bearer<Principal>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_map(query.as_deref());
    let page = match params.get("page").map(|p| p.parse::<usize>()) {
        None => 1,
        Some(Ok(page)) if page >= 1 => page,
        Some(_) => return detail(StatusCode::NOT_FOUND, "Invalid page."),
    };
    // DRF ignores an unusable page_size and caps a large one.
    let page_size = params
        .get("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|&s| s >= 1)
        .unwrap_or(20)
        .min(MAX_PAGE_SIZE);
    let mut list: Vec<&FrActivity> = FR_ACTIVITIES.iter().filter(visible_to(principal)).collect();
    list.sort_by(|a, b| b.action_date.cmp(a.action_date).then(b.id.cmp(&a.id)));
    let start = (page - 1).saturating_mul(page_size);
    if page > 1 && start >= list.len() {
        return detail(StatusCode::NOT_FOUND, "Invalid page.");
    }
    let items: Vec<Value> = list
        .into_iter()
        .skip(start)
        .take(page_size)
        .map(activity_json)
        .collect();
    ok(Value::Array(items))
}

async fn activity(Path(id): Path<String>, Bearer(principal, _): Bearer<Principal>) -> Response {
    let found = id.parse::<u64>().ok().and_then(|id| {
        FR_ACTIVITIES
            .iter()
            .filter(visible_to(principal))
            .find(|a| a.id == id)
    });
    match found {
        Some(a) => ok(activity_json(a)),
        None => detail(StatusCode::NOT_FOUND, "Not found."),
    }
}

async fn users(Bearer(principal, _): Bearer<Principal>) -> Response {
    let list: Vec<Value> = FR_USERS
        .iter()
        .filter(|u| match principal {
            Principal::Master => true,
            Principal::User(id) => u.id == id,
        })
        .map(user_json)
        .collect();
    ok(Value::Array(list))
}

/// Sums over a set of activities, in the units the API reports.
#[derive(Default)]
struct Totals {
    count: u64,
    calories: i64,
    duration: i64,
    distance: i64,
    met_minutes: i64,
    steps: u64,
}

impl Totals {
    fn of<'a>(activities: impl Iterator<Item = &'a FrActivity>) -> Totals {
        activities.fold(Totals::default(), |mut t, a| {
            t.count += 1;
            t.calories += a.calories;
            t.duration += a.duration;
            t.distance += a.distance;
            t.met_minutes += a.met_minutes;
            t.steps += a.steps;
            t
        })
    }
}

/// Which activities a stat-summary query covers.
enum Window {
    All,
    /// Activities whose `action_date` starts with this day, month or year.
    Prefix(String),
    /// Inclusive day range; an empty bound is open.
    Range {
        start: String,
        end: String,
    },
}

impl Window {
    /// The provider documents the parameter names but not what each `time_mode` means; the
    /// sandbox reads them as: 0 all time, 1 one day (`time_value=YYYY-MM-DD`), 3 one month
    /// (`YYYY-MM`), 4 one year (`YYYY`), 5 a range given by `start` and `end` (`YYYY-MM-DD`,
    /// inclusive). `start`/`end` without `time_mode` also select a range.
    fn from_query(params: &HashMap<String, String>) -> Result<Window, &'static str> {
        let param = |name: &str| params.get(name).cloned().unwrap_or_default();
        let range = || {
            let (start, end) = (param("start"), param("end"));
            if [&start, &end]
                .iter()
                .all(|d| d.is_empty() || is_date_prefix(d, 10))
            {
                Ok(Window::Range { start, end })
            } else {
                Err("start and end must be dates (YYYY-MM-DD).")
            }
        };
        let prefix_len = match params.get("time_mode").map(String::as_str).unwrap_or("") {
            "" if params.contains_key("start") || params.contains_key("end") => return range(),
            "" | "0" => return Ok(Window::All),
            "5" => return range(),
            "1" => 10,
            "3" => 7,
            "4" => 4,
            _ => return Err("Invalid time_mode."),
        };
        let value = param("time_value");
        if is_date_prefix(&value, prefix_len) {
            Ok(Window::Prefix(value))
        } else {
            Err("time_value does not match time_mode.")
        }
    }

    fn contains(&self, activity: &FrActivity) -> bool {
        let day = activity.action_date.get(..10).unwrap_or("");
        match self {
            Window::All => true,
            Window::Prefix(prefix) => activity.action_date.starts_with(prefix.as_str()),
            Window::Range { start, end } => {
                (start.is_empty() || day >= start.as_str())
                    && (end.is_empty() || day <= end.as_str())
            }
        }
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (by `len`), digits and dashes in the right places.
fn is_date_prefix(text: &str, len: usize) -> bool {
    text.len() == len
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

async fn user_stats(
    Bearer(principal, _): Bearer<Principal>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_map(query.as_deref());
    let user_id = match principal {
        Principal::User(id) => id,
        // The master token reads any user of the app, chosen with `user_id`.
        Principal::Master => match params.get("user_id").map(|s| s.parse::<u64>()) {
            Some(Ok(id)) if FR_USERS.iter().any(|u| u.id == id) => id,
            Some(_) => return detail(StatusCode::NOT_FOUND, "Not found."),
            None => {
                return detail(
                    StatusCode::BAD_REQUEST,
                    "user_id is required with the master token.",
                )
            }
        },
    };
    let window = match Window::from_query(&params) {
        Ok(window) => window,
        Err(message) => return detail(StatusCode::BAD_REQUEST, message),
    };
    let totals = Totals::of(
        FR_ACTIVITIES
            .iter()
            .filter(|a| a.user_id == user_id && window.contains(a)),
    );
    ok(json!({
        "calories": decimal4(totals.calories),
        "duration": decimal4(totals.duration),
        "distance": decimal4(totals.distance),
        "user_id": user_id,
        "met_minutes": decimal4(totals.met_minutes),
        "steps": totals.steps,
    }))
}

async fn group_stats(Bearer(grant, _): Bearer<Principal>) -> Response {
    if let Principal::User(_) = grant {
        return detail(
            StatusCode::FORBIDDEN,
            "You do not have permission to perform this action.",
        );
    }
    let totals = Totals::of(FR_ACTIVITIES.iter());
    let user_count = FR_USERS.len() as i64;
    ok(json!({
        "group_id": 1,
        "avg_user_met_minutes": decimal4(totals.met_minutes / user_count.max(1)),
        "calories": decimal4(totals.calories),
        "activities": totals.count,
        "duration": decimal4(totals.duration),
        "user_count": user_count,
        "distance": decimal4(totals.distance),
        "met_minutes": decimal4(totals.met_minutes),
        "steps": totals.steps,
    }))
}
