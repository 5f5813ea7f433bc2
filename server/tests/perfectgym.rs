//! PerfectGym sandbox (v1 password grant and data, v2 OData), driven through its router.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use fitconnect_server::sandbox::perfectgym::{self, PerfectGym};
use serde_json::{json, Value};
use support::*;

const USER: &str = "member@perfectgym.test";
const PASSWORD: &str = "gym-member-pass";

fn app() -> Router {
    perfectgym::app(Arc::new(PerfectGym::new()))
}

async fn login(app: &Router, pairs: &[(&str, &str)]) -> Answer {
    send(app, post_form("/Api/oauth/authorize", pairs)).await
}

async fn password_login(app: &Router) -> Answer {
    login(
        app,
        &[
            ("grant_type", "password"),
            ("username", USER),
            ("password", PASSWORD),
        ],
    )
    .await
}

async fn token(app: &Router) -> String {
    let answer = password_login(app).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()["access_token"].as_str().unwrap().to_string()
}

/// A v2 request with the API client's headers.
fn v2(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("X-Client-Id", "perfectgym-demo")
        .header("X-Client-Secret", "perfectgym-demo-secret")
        .body(Body::empty())
        .unwrap()
}

fn rows(answer: &Answer) -> Vec<Value> {
    answer.json()["value"].as_array().unwrap().clone()
}

#[tokio::test]
async fn password_and_facebook_grants_issue_90_day_tokens_without_refresh() {
    let app = app();
    let answer = password_login(&app).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_open_cors(&answer);
    let body = answer.json();
    assert_eq!(
        sorted_keys(&body),
        ["access_token", "expires_in", "token_type"]
    );
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 7_775_999);

    let answer = login(
        &app,
        &[
            ("grant_type", "password"),
            ("facebookToken", "sandbox-facebook-token"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.json().get("refresh_token").is_none());
    let answer = login(
        &app,
        &[
            ("grant_type", "password"),
            ("facebookToken", "someone-elses"),
        ],
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_grant");

    let counters = sandbox_counters(&app).await;
    assert_eq!(counters, json!({ "password": 1, "facebook": 2 }));

    // The lifetime is a setting, for tests of expiry.
    set(&app, json!({ "accessTokenTtlSeconds": 5 })).await;
    let answer = password_login(&app).await;
    assert_eq!(answer.json()["expires_in"], 5);
}

#[tokio::test]
async fn bad_logins_are_400_and_never_echo_the_password() {
    let app = app();
    let answer = login(
        &app,
        &[
            ("grant_type", "password"),
            ("username", USER),
            ("password", "Wr0ng-secret!"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.json(),
        json!({ "error": "invalid_grant", "error_description": "The user name or password is incorrect." })
    );
    assert!(!answer.text().contains("Wr0ng"));
    let answer = login(
        &app,
        &[
            ("grant_type", "password"),
            ("username", "nobody@x.test"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(answer.json()["error"], "invalid_grant");

    let answer = login(&app, &[("grant_type", "client_credentials")]).await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let answer = login(&app, &[("grant_type", "password"), ("username", USER)]).await;
    assert_eq!(answer.json()["error"], "invalid_request");
    let answer = send(
        &app,
        post_json(
            "/Api/oauth/authorize",
            &json!({ "grant_type": "password", "username": USER, "password": PASSWORD }),
        ),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(!answer.text().contains(PASSWORD));
    let huge = post_raw(
        "/Api/oauth/authorize",
        "application/x-www-form-urlencoded",
        format!("grant_type=password&username={}", "a".repeat(20_000)),
    );
    assert_eq!(send(&app, huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn v1_classes_come_in_pages_of_100_elements() {
    let app = app();
    let token = token(&app).await;
    let mut seen = Vec::new();
    for page in 1..=20 {
        let answer = get_as(&app, &format!("/Api/Classes/Classes?page={page}"), &token).await;
        assert_eq!(answer.status, StatusCode::OK);
        let elements = answer.json()["elements"].as_array().unwrap().clone();
        assert!(elements.len() <= 100);
        if elements.is_empty() {
            break;
        }
        seen.extend(elements);
    }
    assert!(seen.len() > 500, "{}", seen.len());
    let first = &seen[0];
    for key in [
        "id",
        "startDate",
        "endDate",
        "attendeesLimit",
        "classType",
        "instructor",
    ] {
        assert!(first.get(key).is_some(), "{key}");
    }
    let id = first["id"].as_u64().unwrap();
    let answer = get_as(&app, &format!("/Api/Classes/Classes/{id}"), &token).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["id"], id);
    let answer = get_as(&app, "/Api/Classes/Classes/999999", &token).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = get_as(&app, "/Api/Classes/Classes?page=0", &token).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["errors"][0]["code"].is_string());

    // No, bad or expired token: 401.
    assert_eq!(
        send(&app, get("/Api/Classes/Classes")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let answer = get_as(&app, "/Api/Classes/Classes", "nope").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_open_cors(&answer);
    assert_expired(&app, "/Api/Classes/Classes", &token).await;

    assert_open_preflight(&app, "/Api/Classes/Classes").await;
}

#[tokio::test]
async fn booking_twice_is_class_already_booked() {
    let app = app();
    let token = token(&app).await;
    let book = |class_id: Value| {
        post_json_bearer(
            "/Api/Classes/Booking/Book",
            &token,
            &json!({ "classId": class_id }),
        )
    };
    let answer = send(&app, book(json!(3))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(answer.json()["bookingId"].is_u64());
    let answer = get_as(&app, "/Api/Classes/Classes/3", &token).await;
    assert_eq!(answer.json()["isBooked"], true);
    assert_eq!(answer.json()["bookedCount"], 1);

    let answer = send(&app, book(json!(3))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let error = &answer.json()["errors"][0];
    assert_eq!(error["code"], "ClassAlreadyBooked");
    assert_eq!(error["property"], "classId");
    assert!(error["message"].is_string());

    let answer = send(&app, book(json!("x"))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = send(&app, book(json!(999_999))).await;
    assert_eq!(answer.json()["errors"][0]["code"], "ClassNotFound");
    let answer = send(
        &app,
        post_json("/Api/Classes/Booking/Book", &json!({ "classId": 4 })),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // Reset forgets bookings.
    send(&app, post_empty("/__sandbox/reset")).await;
    assert_eq!(send(&app, book(json!(3))).await.status, StatusCode::OK);
}

#[tokio::test]
async fn v2_needs_the_client_headers() {
    let app = app();
    let denied = json!({ "Message": "Authorization has been denied for this request." });
    let answer = send(&app, get("/Api/v2.2/odata/Members")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json(), denied);
    let wrong = Request::get("/Api/v2.2/odata/Classes")
        .header("X-Client-Id", "perfectgym-demo")
        .header("X-Client-Secret", "guess")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, wrong).await.json(), denied);
    let only_id = Request::get("/Api/v2.2/odata/Classes")
        .header("X-Client-Id", "perfectgym-demo")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, only_id).await.status, StatusCode::UNAUTHORIZED);
    // A member's bearer token is no v2 credential.
    let token = token(&app).await;
    let answer = get_as(&app, "/Api/v2.2/odata/Members", &token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // Server-side only: no CORS headers, not even on success.
    let answer = send(&app, v2("/Api/v2.2/odata/Members?$top=1")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("access-control-allow-origin").is_none());
    let member = &rows(&answer)[0];
    for key in [
        "id",
        "firstName",
        "lastName",
        "email",
        "phoneNumber",
        "memberType",
        "version",
        "isDeleted",
    ] {
        assert!(member.get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn odata_top_filter_count_and_next_link() {
    let app = app();
    // Without $top: 500 rows at most, and a link to the rest.
    let answer = send(&app, v2("/Api/v2.2/odata/Members?$count=true")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    let total = body["@odata.count"].as_u64().unwrap();
    assert!(total > 500);
    assert_eq!(rows(&answer).len(), 500);
    let next = body["@odata.nextLink"].as_str().unwrap();
    let path = next
        .split_once("://")
        .map(|(_, rest)| &rest[rest.find('/').unwrap()..])
        .unwrap_or(next);
    let answer = send(&app, v2(path)).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}");
    assert_eq!(rows(&answer).len() as u64, total - 500);
    assert_eq!(rows(&answer)[0]["id"], 501);
    assert!(answer.json().get("@odata.nextLink").is_none());

    let answer = send(&app, v2("/Api/v2.2/odata/Members?$top=3&$skip=10")).await;
    let ids: Vec<u64> = rows(&answer)
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [11, 12, 13]);
    assert!(answer.json().get("@odata.count").is_none());
    assert!(answer.json().get("@odata.nextLink").is_none());

    let answer = send(&app, v2("/Api/v2.2/odata/Classes?$filter=id%20eq%205")).await;
    assert_eq!(rows(&answer).len(), 1);
    assert_eq!(rows(&answer)[0]["id"], 5);

    // The documented query: not deleted, after a moment, sorted, with the class type.
    let all = rows(&send(&app, v2("/Api/v2.2/odata/Classes?$top=500")).await);
    let moment = all[450]["startDate"].as_str().unwrap().to_string();
    let query = format!(
        "/Api/v2.2/odata/Classes?$filter={}&$expand=classType&$orderby=startdate&$count=true",
        form_urlencoded::byte_serialize(
            format!("isDeleted eq false and startdate gt {moment}").as_bytes()
        )
        .collect::<String>()
    );
    let answer = send(&app, v2(&query)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let classes = rows(&answer);
    assert!(!classes.is_empty());
    assert_eq!(
        answer.json()["@odata.count"].as_u64().unwrap() as usize,
        classes.len()
    );
    let mut previous = moment.clone();
    for class in &classes {
        assert_eq!(class["isDeleted"], false);
        let start = class["startDate"].as_str().unwrap();
        assert!(start > moment.as_str() && start >= previous.as_str());
        previous = start.to_string();
        assert!(class["classType"]["name"].is_string());
    }

    for bad in [
        "/Api/v2.2/odata/Members?$filter=shoeSize%20eq%2042",
        "/Api/v2.2/odata/Members?$filter=id%20eq%201%20or%20id%20eq%202",
        "/Api/v2.2/odata/Members?$top=lots",
        "/Api/v2.2/odata/Members?$expand=classType",
    ] {
        let answer = send(&app, v2(bad)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        let error = &answer.json()["errors"][0];
        for key in ["message", "code", "property"] {
            assert!(error[key].is_string(), "{bad}: {key}");
        }
    }
}

#[tokio::test]
async fn v2_book_class() {
    let app = app();
    let book = |member: u64, class: u64, despite: bool| {
        Request::post("/Api/v2.2/ClassBooking/BookClass")
            .header("content-type", "application/json")
            .header("X-Client-Id", "perfectgym-demo")
            .header("X-Client-Secret", "perfectgym-demo-secret")
            .body(Body::from(
                json!({ "memberId": member, "classId": class,
                        "bookDespiteOtherBookingsAtTheSameTime": despite, "comments": "sandbox" })
                .to_string(),
            ))
            .unwrap()
    };
    let answer = send(&app, book(2, 20, false)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["classId"], 20);
    let answer = send(&app, book(2, 20, false)).await;
    assert_eq!(answer.json()["errors"][0]["code"], "ClassAlreadyBooked");
    let answer = send(&app, book(99_999, 20, false)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["errors"][0]["code"], "MemberNotFound");
}
