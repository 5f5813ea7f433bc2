//! PerfectGym sandbox, one club host with both API generations:
//! - v1: the password grant at `/Api/oauth/authorize` (member e-mail and password, or a
//!   Facebook token), 90-day tokens without refresh, `{"elements": [...]}` data 100 per page and
//!   `{"errors": [...]}` for logical errors. Browsers call it directly, so CORS is open.
//! - v2: `X-Client-Id` / `X-Client-Secret` on every request and OData collections. The secret
//!   must stay on a server, so v2 answers no CORS at all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Bearer;
use super::control::{has_core, sandbox_app, BearerRejection, Core, Provider, TtlSettings};
use super::cors::{open_cors, with_cors};
use super::dates::format_timestamp;
use super::oauth::{secrets_equal, OAuthError, TokenParams};
use super::odata::{Field, Kind, Query};
use super::sample_data::mix;
use super::tokens::{lock, now_secs};
use crate::http_util::{json_response, no_store, query_map, read_body, request_params, BodyBytes};

pub const USERNAME: &str = "member@perfectgym.test";
pub const PASSWORD: &str = "gym-member-pass";
pub const FACEBOOK_TOKEN: &str = "sandbox-facebook-token";
pub const CLIENT_ID: &str = "perfectgym-demo";
pub const CLIENT_SECRET: &str = "perfectgym-demo-secret";
/// PerfectGym's v1 token lifetime: 90 days less a second.
pub const DEFAULT_TOKEN_TTL: u64 = 7_775_999;
const BAD_CREDENTIALS: &str = "The user name or password is incorrect.";
const DENIED: &str = "Authorization has been denied for this request.";
/// v1 pages hold 100 elements.
const V1_PAGE: usize = 100;
const MEMBER_COUNT: u64 = 650;
/// Ten classes a day for twelve weeks: more than one OData page.
const CLASSES_PER_DAY: u64 = 10;
const CLASS_DAYS: u64 = 84;
const CLASS_COUNT: u64 = CLASSES_PER_DAY * CLASS_DAYS;
/// The timetable starts four weeks back, so both past and upcoming classes exist.
const SCHEDULE_DAYS_BACK: i64 = 28;
/// The sandbox member (the v1 login) is member 1.
const SANDBOX_MEMBER_ID: u64 = 1;
const MAX_BOOKINGS: usize = 10_000;

/// Only the access token lifetime is adjustable.
pub type Settings = TtlSettings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Booking {
    id: u64,
    member_id: u64,
    class_id: u64,
}

pub struct PerfectGym {
    /// Access tokens carry the member id.
    core: Core<Settings, u64>,
    bookings: Mutex<Vec<Booking>>,
    next_booking_id: AtomicU64,
}

impl Default for PerfectGym {
    fn default() -> Self {
        Self::new()
    }
}

impl PerfectGym {
    pub fn new() -> Self {
        PerfectGym {
            core: Core::new(
                &["password", "facebook"],
                Settings {
                    access_token_ttl_seconds: DEFAULT_TOKEN_TTL,
                },
            ),
            bookings: Mutex::new(Vec::new()),
            next_booking_id: AtomicU64::new(1),
        }
    }

    fn booked_count(&self, class_id: u64) -> usize {
        lock(&self.bookings)
            .iter()
            .filter(|b| b.class_id == class_id)
            .count()
    }

    /// Books `class_id` for `member_id`, or says why not in PerfectGym's error shape.
    fn book(&self, member_id: u64, class_id: u64, despite_overlap: bool) -> Result<u64, Response> {
        let Some(wanted) = class(class_id).filter(|c| !c.deleted) else {
            return Err(logical_error(
                "ClassNotFound",
                "classId",
                "Class not found.",
            ));
        };
        let mut bookings = lock(&self.bookings);
        let mine = bookings.iter().filter(|b| b.member_id == member_id);
        if mine.clone().any(|b| b.class_id == class_id) {
            return Err(logical_error(
                "ClassAlreadyBooked",
                "classId",
                "The member has already booked this class.",
            ));
        }
        let overlapping = mine
            .filter_map(|b| class(b.class_id))
            .any(|other| other.start < wanted.end() && wanted.start < other.end());
        if overlapping && !despite_overlap {
            return Err(logical_error(
                "MemberHasOtherBookingsAtTheSameTime",
                "classId",
                "The member has another booking at the same time.",
            ));
        }
        if bookings.iter().filter(|b| b.class_id == class_id).count() >= wanted.limit as usize {
            return Err(logical_error(
                "ClassIsFull",
                "classId",
                "The class is full.",
            ));
        }
        if bookings.len() >= MAX_BOOKINGS {
            return Err(logical_error(
                "TooManyBookings",
                "",
                "The sandbox holds no more bookings; reset it.",
            ));
        }
        let id = self.next_booking_id.fetch_add(1, Ordering::SeqCst);
        bookings.push(Booking {
            id,
            member_id,
            class_id,
        });
        Ok(id)
    }
}

has_core!(PerfectGym, Settings, u64);

impl Provider for PerfectGym {
    fn reset_extra(&self) {
        lock(&self.bookings).clear();
    }

    fn refuse_bearer(&self, _: BearerRejection) -> Response {
        denied()
    }
}

pub fn app(state: Arc<PerfectGym>) -> Router {
    // v1: tokens and data straight from the browser.
    let v1 = Router::new()
        .route("/Api/oauth/authorize", post(authorize))
        .route("/Api/Classes/Classes", get(v1_classes))
        .route("/Api/Classes/Classes/{id}", get(v1_class))
        .route("/Api/Classes/Booking/Book", post(v1_book));
    let v1 = with_cors(v1, open_cors());
    // v2: server-side only, hence no CORS layer.
    let v2 = Router::new()
        .route("/Api/v2.2/odata/Members", get(members))
        .route("/Api/v2.2/odata/Classes", get(classes))
        .route("/Api/v2.2/ClassBooking/BookClass", post(v2_book))
        .layer(from_fn(client_headers));
    let routes = Router::new().merge(v1).merge(v2).fallback(not_found);
    sandbox_app(routes, state)
}

/// ASP.NET Web API's answer to any request it does not authorise (both API generations).
fn denied() -> Response {
    json_response(StatusCode::UNAUTHORIZED, json!({ "Message": DENIED }))
}

fn logical_error(code: &str, property: &str, message: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        json!({ "errors": [{ "code": code, "property": property, "message": message }] }),
    )
}

async fn not_found(uri: Uri) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({ "Message": format!("No HTTP resource was found that matches the request URI '{}'.", uri.path()) }),
    )
}

// ---------------------------------------------------------------------------------------------
// v1 token
// ---------------------------------------------------------------------------------------------

/// The password grant: form only; `username` + `password` or `facebookToken`. The password is
/// compared and dropped with the request; it never reaches a log or an answer.
async fn authorize(
    State(pg): State<Arc<PerfectGym>>,
    headers: HeaderMap,
    BodyBytes(body): BodyBytes,
) -> Response {
    let error =
        |e: OAuthError, description: &str| e.response(StatusCode::BAD_REQUEST, Some(description));
    let Some(params) = TokenParams::parse_form(&headers, &body) else {
        return error(
            OAuthError::InvalidRequest,
            "The request must be application/x-www-form-urlencoded.",
        );
    };
    if params.get("grant_type") != Some("password") {
        return error(
            OAuthError::UnsupportedGrantType,
            "Only grant_type=password is supported.",
        );
    }
    let member = if let Some(token) = params.get("facebookToken") {
        pg.core.counters.incr("facebook");
        if !secrets_equal(token, FACEBOOK_TOKEN) {
            return error(OAuthError::InvalidGrant, "The Facebook token is invalid.");
        }
        SANDBOX_MEMBER_ID
    } else {
        pg.core.counters.incr("password");
        let (Some(username), Some(password)) = (params.get("username"), params.get("password"))
        else {
            return error(
                OAuthError::InvalidRequest,
                "username and password (or facebookToken) are required.",
            );
        };
        // Every check runs, so a wrong user name and a wrong password take the same time.
        let user_ok = username.trim().eq_ignore_ascii_case(USERNAME);
        let password_ok = secrets_equal(password, PASSWORD);
        if !(user_ok && password_ok) {
            return error(OAuthError::InvalidGrant, BAD_CREDENTIALS);
        }
        SANDBOX_MEMBER_ID
    };
    let ttl = pg.core.settings.get().access_token_ttl_seconds;
    let token = pg.core.access_tokens.issue(member, Some(ttl));
    no_store(Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl,
    })))
}

// ---------------------------------------------------------------------------------------------
// Sample timetable and members (generated, deterministic)
// ---------------------------------------------------------------------------------------------

const CLASS_TYPES: &[(u64, &str, &str)] = &[
    (1, "Yoga", "Breathing, balance and flexibility."),
    (2, "Spinning", "Indoor cycling to music."),
    (3, "Pilates", "Core strength and posture."),
    (4, "HIIT", "Short, hard intervals."),
    (5, "Zumba", "Dance workout."),
    (6, "Body Pump", "Barbell workout for the whole body."),
    (7, "Boxing", "Pads, bags and footwork."),
    (8, "Stretch", "Slow stretching to finish the day."),
];
const INSTRUCTORS: &[(u64, &str, &str)] = &[
    (101, "Maya", "Kowalski"),
    (102, "Tom", "Brennan"),
    (103, "Ines", "Duarte"),
    (104, "Kofi", "Mensah"),
    (105, "Lena", "Fischer"),
];
/// Start times (minutes after midnight, UTC) of the day's ten classes.
const SLOTS: [i64; CLASSES_PER_DAY as usize] =
    [390, 450, 540, 600, 720, 1020, 1050, 1110, 1140, 1200];
const ROOMS: &[&str] = &["Studio A", "Studio B", "Cycle room"];

struct Class {
    id: u64,
    start: i64,
    minutes: i64,
    type_index: usize,
    instructor_index: usize,
    limit: u64,
    deleted: bool,
}

impl Class {
    fn end(&self) -> i64 {
        self.start + self.minutes * 60
    }
}

/// The Monday on or before four weeks ago: ids stay the same all week long.
fn schedule_start_day() -> i64 {
    let day = now_secs() as i64 / 86_400 - SCHEDULE_DAYS_BACK;
    // 1970-01-01 was a Thursday, three days after a Monday.
    day - (day + 3).rem_euclid(7)
}

fn class(id: u64) -> Option<Class> {
    class_on(id, schedule_start_day())
}

fn class_on(id: u64, first_day: i64) -> Option<Class> {
    if !(1..=CLASS_COUNT).contains(&id) {
        return None;
    }
    let index = id - 1;
    let day = first_day + (index / CLASSES_PER_DAY) as i64;
    let slot = SLOTS[(index % CLASSES_PER_DAY) as usize];
    let r = mix(id ^ 0x5045_5246_4543_5447);
    Some(Class {
        id,
        start: day * 86_400 + slot * 60,
        minutes: if r.is_multiple_of(3) { 45 } else { 60 },
        type_index: (r >> 8) as usize % CLASS_TYPES.len(),
        instructor_index: (r >> 16) as usize % INSTRUCTORS.len(),
        limit: 12 + (r >> 24) % 19,
        deleted: (r >> 32).is_multiple_of(29),
    })
}

fn classes_iter() -> impl Iterator<Item = Class> {
    let first_day = schedule_start_day();
    (1..=CLASS_COUNT).filter_map(move |id| class_on(id, first_day))
}

fn class_type_json(index: usize) -> Value {
    let (id, name, description) = CLASS_TYPES[index];
    json!({ "id": id, "name": name, "description": description, "isDeleted": false })
}

fn v1_class_json(class: &Class, booked: usize, booked_by_me: bool) -> Value {
    let (instructor_id, first, last) = INSTRUCTORS[class.instructor_index];
    json!({
        "id": class.id,
        "startDate": format_timestamp(class.start),
        "endDate": format_timestamp(class.end()),
        "duration": class.minutes,
        "attendeesLimit": class.limit,
        "bookedCount": booked,
        "isBooked": booked_by_me,
        "room": ROOMS[class.id as usize % ROOMS.len()],
        "classType": class_type_json(class.type_index),
        "instructor": { "id": instructor_id, "firstName": first, "lastName": last },
        "club": { "id": 1, "name": "Sandbox Club" },
    })
}

fn v2_class_json(class: &Class, expand_type: bool) -> Value {
    let mut row = json!({
        "id": class.id,
        "clubId": 1,
        "classTypeId": CLASS_TYPES[class.type_index].0,
        "instructorId": INSTRUCTORS[class.instructor_index].0,
        "startDate": format_timestamp(class.start),
        "endDate": format_timestamp(class.end()),
        "attendeesLimit": class.limit,
        "isDeleted": class.deleted,
        "version": class.id * 3,
    });
    if expand_type {
        row["classType"] = class_type_json(class.type_index);
    }
    row
}

const FIRST_NAMES: &[&str] = &[
    "Alex", "Sam", "Priya", "Jonas", "Chloe", "Mateo", "Aisha", "Liam", "Yuki", "Noah", "Zara",
    "Oskar", "Elif", "Diego", "Hana", "Finn",
];
const LAST_NAMES: &[&str] = &[
    "Morgan", "Patel", "Schmidt", "Nowak", "Garcia", "Okafor", "Tanaka", "Larsen", "Rossi",
    "Dubois", "Kim", "Silva", "Novak", "Haddad",
];
const MEMBER_TYPES: &[&str] = &["Member", "Member", "Member", "Prospect", "Employee"];

fn member_json(id: u64) -> Value {
    if id == SANDBOX_MEMBER_ID {
        return json!({
            "id": id, "firstName": "Sandbox", "lastName": "Member", "email": USERNAME,
            "phoneNumber": "+44 7700 900001", "memberType": "Member", "version": 1, "isDeleted": false,
        });
    }
    let r = mix(id ^ 0x4D45_4D42_4552_5321);
    let first = FIRST_NAMES[r as usize % FIRST_NAMES.len()];
    let last = LAST_NAMES[(r >> 8) as usize % LAST_NAMES.len()];
    json!({
        "id": id,
        "firstName": first,
        "lastName": last,
        "email": format!("{}.{}{id}@members.perfectgym.test", first.to_ascii_lowercase(), last.to_ascii_lowercase()),
        "phoneNumber": format!("+44 7700 9{id:05}"),
        "memberType": MEMBER_TYPES[(r >> 16) as usize % MEMBER_TYPES.len()],
        // Grows with each change in the real API; members are synced with `version gt n`.
        "version": id * 7 + (r >> 24) % 7,
        "isDeleted": (r >> 32).is_multiple_of(23),
    })
}

// ---------------------------------------------------------------------------------------------
// v1 data
// ---------------------------------------------------------------------------------------------

async fn v1_classes(
    State(pg): State<Arc<PerfectGym>>,
    Bearer(member, _): Bearer<u64>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_map(query.as_deref());
    let page = match params.get("page").map(|p| p.trim().parse::<usize>()) {
        None => 1,
        Some(Ok(page)) if page >= 1 => page,
        Some(_) => return logical_error("InvalidPage", "page", "page must be 1 or more."),
    };
    let bookings = lock(&pg.bookings).clone();
    let elements: Vec<Value> = classes_iter()
        .filter(|c| !c.deleted)
        .skip((page - 1).saturating_mul(V1_PAGE))
        .take(V1_PAGE)
        .map(|c| {
            let booked = bookings.iter().filter(|b| b.class_id == c.id).count();
            let mine = bookings
                .iter()
                .any(|b| b.class_id == c.id && b.member_id == member);
            v1_class_json(&c, booked, mine)
        })
        .collect();
    no_store(Json(json!({ "elements": elements })))
}

async fn v1_class(
    State(pg): State<Arc<PerfectGym>>,
    Path(id): Path<String>,
    Bearer(member, _): Bearer<u64>,
) -> Response {
    let Some(class) = id.parse().ok().and_then(class).filter(|c| !c.deleted) else {
        return json_response(
            StatusCode::NOT_FOUND,
            json!({ "errors": [{ "code": "NotFound", "property": "id", "message": "Class not found." }] }),
        );
    };
    let mine = lock(&pg.bookings)
        .iter()
        .any(|b| b.class_id == class.id && b.member_id == member);
    no_store(Json(v1_class_json(&class, pg.booked_count(class.id), mine)))
}

/// A number from a JSON or form body, e.g. `classId`.
fn id_param(params: &HashMap<String, String>, name: &str) -> Result<u64, Response> {
    params
        .get(name)
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| logical_error("InvalidValue", name, &format!("{name} must be a number.")))
}

/// The body's parameters, or PerfectGym's error for an unreadable body.
fn body_params(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<HashMap<String, String>, Response> {
    let body = read_body(body)?;
    request_params(headers, None, &body)
        .map_err(|message| logical_error("InvalidRequest", "", &message))
}

async fn v1_book(
    State(pg): State<Arc<PerfectGym>>,
    Bearer(member, _): Bearer<u64>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let result = body_params(&headers, body)
        .and_then(|params| id_param(&params, "classId"))
        .and_then(|class_id| pg.book(member, class_id, false));
    match result {
        Ok(id) => no_store(Json(json!({ "bookingId": id }))),
        Err(response) => response,
    }
}

// ---------------------------------------------------------------------------------------------
// v2 (OData)
// ---------------------------------------------------------------------------------------------

/// Every v2 request carries the API client's id and secret in headers.
async fn client_headers(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let id_ok = value("x-client-id") == CLIENT_ID;
    let secret_ok = secrets_equal(value("x-client-secret"), CLIENT_SECRET);
    if !(id_ok && secret_ok) {
        return denied();
    }
    next.run(request).await
}

/// The fields every v2 entity has, besides its own.
const ENTITY_FIELDS: &[Field] = &[
    Field::new("id", Kind::Number),
    Field::new("version", Kind::Number),
    Field::new("isDeleted", Kind::Bool),
];

const MEMBER_FIELDS: &[Field] = &[
    Field::new("email", Kind::Text),
    Field::new("firstName", Kind::Text),
    Field::new("lastName", Kind::Text),
    Field::new("memberType", Kind::Text),
];

const CLASS_FIELDS: &[Field] = &[
    Field::new("startDate", Kind::DateTime),
    Field::new("endDate", Kind::DateTime),
    Field::new("classTypeId", Kind::Number),
];

/// The collection's absolute address as the client reached it, for `@odata.nextLink`.
fn self_url(headers: &HeaderMap, uri: &Uri) -> String {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}{}", uri.path()),
        None => uri.path().to_string(),
    }
}

fn odata_error(e: super::odata::QueryError) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        json!({ "errors": [{ "message": e.message, "code": "InvalidQuery", "property": e.property }] }),
    )
}

/// A v2 collection's answer to the request's OData query, which may name the entity's `fields`
/// and [`ENTITY_FIELDS`] and expand `expandable`: the `rows` (made for the parsed query)
/// filtered, sorted and paged, or the error of a refused query.
fn collection<I: Iterator<Item = Value>>(
    headers: &HeaderMap,
    uri: &Uri,
    query: Option<&str>,
    fields: &[Field],
    expandable: &[&'static str],
    rows: impl FnOnce(&Query) -> I,
) -> Response {
    let fields: Vec<Field> = ENTITY_FIELDS.iter().chain(fields).copied().collect();
    match Query::parse(query, &fields, expandable) {
        Ok(q) => no_store(Json(q.answer(rows(&q), &self_url(headers, uri)))),
        Err(e) => odata_error(e),
    }
}

async fn members(headers: HeaderMap, uri: Uri, RawQuery(query): RawQuery) -> Response {
    collection(&headers, &uri, query.as_deref(), MEMBER_FIELDS, &[], |_| {
        (1..=MEMBER_COUNT).map(member_json)
    })
}

async fn classes(headers: HeaderMap, uri: Uri, RawQuery(query): RawQuery) -> Response {
    let rows = |q: &Query| {
        let expand = q.expands("classType");
        classes_iter().map(move |c| v2_class_json(&c, expand))
    };
    collection(
        &headers,
        &uri,
        query.as_deref(),
        CLASS_FIELDS,
        &["classType"],
        rows,
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookClass {
    member_id: u64,
    class_id: u64,
    #[serde(default)]
    book_despite_other_bookings_at_the_same_time: bool,
    #[serde(default)]
    comments: Option<String>,
}

async fn v2_book(State(pg): State<Arc<PerfectGym>>, BodyBytes(body): BodyBytes) -> Response {
    let request: BookClass = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return logical_error(
                "InvalidRequest",
                "",
                &format!("expected {{memberId, classId, bookDespiteOtherBookingsAtTheSameTime, comments}}: {e}"),
            )
        }
    };
    if !(1..=MEMBER_COUNT).contains(&request.member_id) {
        return logical_error("MemberNotFound", "memberId", "Member not found.");
    }
    match pg.book(
        request.member_id,
        request.class_id,
        request.book_despite_other_bookings_at_the_same_time,
    ) {
        Ok(id) => no_store(Json(json!({
            "id": id,
            "memberId": request.member_id,
            "classId": request.class_id,
            "status": "Booked",
            "comments": request.comments,
        }))),
        Err(response) => response,
    }
}
