//! FitRankings sandbox, driven through its router without sockets.

mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::Router;
use fitconnect_server::sandbox::fitrankings::{self, FitRankings};
use serde_json::{json, Value};
use support::*;

const CALLBACK: &str = "http://127.0.0.1:8080/callback.html";

fn app() -> Router {
    fitrankings::app(Arc::new(FitRankings::new()))
}

fn consent_uri(callback: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", "fitconnect-demo")
        .append_pair("callback_uri", callback)
        .finish();
    format!("/iq/oauth2/?{query}")
}

async fn allow(app: &Router, callback: &str, user_id: &str) -> Answer {
    send(
        app,
        post_form(
            "/iq/oauth2/",
            &[
                ("client_id", "fitconnect-demo"),
                ("callback_uri", callback),
                ("user_id", user_id),
                ("decision", "allow"),
            ],
        ),
    )
    .await
}

async fn user_token(app: &Router, user_id: &str) -> String {
    let answer = allow(app, CALLBACK, user_id).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    answer.location_query()["token"].clone()
}

async fn master_token(app: &Router) -> String {
    let answer = send(
        app,
        post_json(
            "/iq/tokens/master-token/",
            &json!({ "client_id": "fitconnect-demo", "client_secret": "fitrankings-demo-secret" }),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn consent_page_shows_user_app_and_buttons() {
    let app = app();
    let answer = send(&app, get(&consent_uri(CALLBACK))).await;
    assert_page(
        &answer,
        &[
            "<title>FitRankings",
            "SANDBOX",
            ">Allow</button>",
            ">Deny</button>",
            "Ana Novak",
            "FitConnect demo",
            r#"action="/iq/oauth2/""#,
        ],
    );
}

#[tokio::test]
async fn consent_page_rejects_unknown_client_and_missing_callback() {
    let app = app();
    let answer = send(
        &app,
        get("/iq/oauth2/?client_id=someone-else&callback_uri=http://a/"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.text().contains("<html"));

    let answer = send(&app, get("/iq/oauth2/?client_id=fitconnect-demo")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    let answer = send(&app, get(&consent_uri("javascript:alert(1)"))).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // Once used, the callback is remembered for the client.
    send(&app, get(&consent_uri("http://127.0.0.1:9999/cb"))).await;
    let answer = send(&app, get("/iq/oauth2/?client_id=fitconnect-demo")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("http://127.0.0.1:9999/cb"));
}

#[tokio::test]
async fn allow_redirects_with_token_and_user_id() {
    let app = app();
    let answer = allow(&app, CALLBACK, "1043").await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let location = answer.location();
    assert!(
        location.starts_with("http://127.0.0.1:8080/callback.html?token="),
        "{location}"
    );
    let query = answer.location_query();
    assert_eq!(query["user_id"], "1043");
    assert!(query["token"].len() >= 22);
}

#[tokio::test]
async fn allow_appends_to_an_existing_query_and_keeps_a_fragment() {
    let app = app();
    let answer = allow(
        &app,
        "http://127.0.0.1:8080/cb.html?next=a%20b&x=1#frag",
        "1042",
    )
    .await;
    let location = answer.location();
    assert!(
        location.starts_with("http://127.0.0.1:8080/cb.html?next=a%20b&x=1&token="),
        "{location}"
    );
    assert!(location.ends_with("&user_id=1042#frag"), "{location}");
}

#[tokio::test]
async fn deny_closes_the_popup_by_default_and_can_redirect() {
    let app = app();
    let deny = || {
        post_form(
            "/iq/oauth2/",
            &[
                ("client_id", "fitconnect-demo"),
                ("callback_uri", "http://127.0.0.1:8080/callback.html?a=1"),
                ("decision", "deny"),
            ],
        )
    };
    let answer = send(&app, deny()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("window.close()"));
    assert!(answer.header("location").is_none());

    let answer = set(&app, json!({ "deny": "redirect" })).await;
    assert_eq!(
        answer.json(),
        json!({ "accessTokenTtlSeconds": null, "deny": "redirect", "coop": false })
    );
    let answer = send(&app, deny()).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.location(),
        "http://127.0.0.1:8080/callback.html?a=1&error=access_denied&error_description=The+user+denied+access."
    );

    send(&app, post_empty("/__sandbox/reset")).await;
    let answer = send(&app, get("/__sandbox/settings")).await;
    assert_eq!(answer.json()["deny"], "close");
}

const COOP: &str = "cross-origin-opener-policy";

/// Every answer the consent popup can show: the page, an error page, the deny page, the
/// redirect after Allow.
async fn consent_answers(app: &Router) -> Vec<Answer> {
    let decide = |decision: &str| {
        post_form(
            "/iq/oauth2/",
            &[
                ("client_id", "fitconnect-demo"),
                ("callback_uri", CALLBACK),
                ("decision", decision),
            ],
        )
    };
    let answers = vec![
        send(app, get(&consent_uri(CALLBACK))).await,
        send(app, get("/iq/oauth2/?client_id=nobody")).await,
        send(app, decide("deny")).await,
        send(app, decide("allow")).await,
    ];
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::BAD_REQUEST,
            StatusCode::OK,
            StatusCode::FOUND
        ]
    );
    assert!(answers[2].text().contains("window.close()"));
    answers
}

#[tokio::test]
async fn coop_header_only_when_switched_on() {
    let app = app();
    assert_eq!(
        send(&app, get("/__sandbox/settings")).await.json()["coop"],
        false
    );
    for answer in consent_answers(&app).await {
        assert_eq!(answer.header(COOP), None, "{}", answer.status);
    }

    let answer = set(&app, json!({ "coop": true })).await;
    assert_eq!(answer.json()["coop"], true);
    for answer in consent_answers(&app).await {
        assert_eq!(
            answer.header(COOP).as_deref(),
            Some("same-origin"),
            "{}",
            answer.status
        );
    }
    // Only the popup's pages: the data API and the control endpoints are unaffected.
    let token = user_token(&app, "1042").await;
    let data = get_as(&app, "/iq/activities/", &token).await;
    assert_eq!(data.status, StatusCode::OK);
    assert_eq!(data.header(COOP), None);

    let answer = set(&app, json!({ "coop": "yes" })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    send(&app, post_empty("/__sandbox/reset")).await;
    for answer in consent_answers(&app).await {
        assert_eq!(answer.header(COOP), None);
    }
}

#[tokio::test]
async fn master_token_needs_the_secret() {
    let app = app();
    let token = master_token(&app).await;
    assert!(token.len() >= 22);

    let answer = send(
        &app,
        post_json(
            "/iq/tokens/master-token/",
            &json!({ "client_id": "fitconnect-demo", "client_secret": "wrong" }),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.json()["detail"].is_string());

    let bad_json = post_raw(
        "/iq/tokens/master-token/",
        "application/json; charset=utf-8",
        "{not json",
    );
    let answer = send(&app, bad_json).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["detail"].is_string());

    let answer = send(&app, post_json("/iq/tokens/master-token/", &json!({}))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    // Every request counts, successful or not; the master-token endpoint has no CORS.
    let counters = send(&app, get("/__sandbox/counters")).await;
    assert_eq!(
        counters.json(),
        json!({ "master_token": 4, "user_token": 0 })
    );
    assert!(counters.header("access-control-allow-origin").is_some());
    let answer = send(&app, preflight("/iq/tokens/master-token/", "POST")).await;
    assert!(answer.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn missing_or_bad_token_is_401_with_detail() {
    let app = app();
    for request in [
        get("/iq/activities/"),
        get_bearer("/iq/users/", "not-a-token"),
    ] {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.json(), json!({ "detail": "API key is invalid" }));
    }
}

#[tokio::test]
async fn user_token_sees_only_its_own_data() {
    let app = app();
    let token = user_token(&app, "1042").await;

    let answer = get_as(&app, "/iq/activities/?page=1&page_size=20", &token).await;
    assert_eq!(answer.status, StatusCode::OK);
    let list = answer.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert!(list.iter().all(|a| a["user"]["id"] == 1042));
    // Newest first, decimals as strings.
    assert_eq!(list[0]["id"], 88_302);
    assert_eq!(list[1]["distance"], "18342.9000");
    assert!(list
        .iter()
        .all(|a| a["met_minutes"].is_string() && a["steps"].is_u64()));

    let answer = get_as(&app, "/iq/users/", &token).await;
    let users = answer.json();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(users[0]["handle"], "ana_runs");

    let answer = get_as(&app, "/iq/activities/88120/", &token).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["title"], "Morning run");
    // Someone else's activity does not exist for this token.
    let answer = get_as(&app, "/iq/activities/88131/", &token).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json(), json!({ "detail": "Not found." }));

    let answer = get_as(&app, "/iq/groups/stat-summary/", &token).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn master_token_sees_every_user() {
    let app = app();
    let token = master_token(&app).await;
    let users = get_as(&app, "/iq/users/", &token).await.json();
    assert_eq!(users.as_array().unwrap().len(), 3);
    let all = get_as(&app, "/iq/activities/?page_size=100", &token)
        .await
        .json();
    assert_eq!(all.as_array().unwrap().len(), 9);
    let page2 = get_as(&app, "/iq/activities/?page=2&page_size=4", &token)
        .await
        .json();
    assert_eq!(page2.as_array().unwrap().len(), 4);
    let answer = get_as(&app, "/iq/activities/?page=9&page_size=4", &token).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let group = get_as(&app, "/iq/groups/stat-summary/", &token)
        .await
        .json();
    assert_eq!(group["user_count"], 3);
    assert_eq!(group["activities"], 9);
    assert!(group["avg_user_met_minutes"].is_string());
}

#[tokio::test]
async fn stat_summary_filters_by_time() {
    let app = app();
    let token = user_token(&app, "1042").await;
    let stats = |q: &'static str| {
        let app = app.clone();
        let token = token.clone();
        async move { get_as(&app, &format!("/iq/users/stat-summary/{q}"), &token).await }
    };
    let all = stats("?time_mode=0").await.json();
    assert_eq!(all["user_id"], 1042);
    assert_eq!(all["steps"], 8_930 + 7_702 + 19_455);
    assert_eq!(all["calories"], "2347.0000");
    let may = stats("?time_mode=3&time_value=2025-05").await.json();
    assert_eq!(may["calories"], "2167.0000");
    let day = stats("?time_mode=1&time_value=2025-05-12").await.json();
    assert_eq!(day["distance"], "8204.1200");
    let range = stats("?start=2025-05-13&end=2025-05-31").await.json();
    assert_eq!(range["duration"], "8940.0000");
    assert_eq!(stats("?time_mode=7").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        stats("?time_mode=3&time_value=May").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn data_endpoints_answer_cors_preflight() {
    let app = app();
    let answer = send(&app, preflight("/iq/activities/", "GET")).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    assert!(answer
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase()
        .contains("authorization"));
    let answer = send(&app, get("/iq/users/")).await;
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let answer = send(&app, preflight("/__sandbox/settings", "POST")).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn expire_tokens_and_ttl_setting() {
    let app = app();
    let token = user_token(&app, "1044").await;
    let master = master_token(&app).await;
    expire_tokens(&app).await;
    for t in [&token, &master] {
        assert_eq!(
            get_as(&app, "/iq/users/", t).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Tokens issued afterwards work; with a zero lifetime they are born expired.
    let fresh = user_token(&app, "1044").await;
    assert_eq!(
        get_as(&app, "/iq/users/", &fresh).await.status,
        StatusCode::OK
    );
    set(&app, json!({ "accessTokenTtlSeconds": 0 })).await;
    let short = user_token(&app, "1044").await;
    assert_eq!(
        get_as(&app, "/iq/users/", &short).await.status,
        StatusCode::UNAUTHORIZED
    );
    let counters = sandbox_counters(&app).await;
    assert_eq!(counters["user_token"], 3);
}

#[tokio::test]
async fn settings_reject_unknown_keys_and_bad_values() {
    let app = app();
    let answer = set(&app, json!({ "deny": "explode" })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = set(&app, json!({ "colour": "red" })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // A contract key meant for another provider is accepted and ignored.
    let answer = set(&app, json!({ "pkce": "enforce" })).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({ "accessTokenTtlSeconds": null, "deny": "close", "coop": false })
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let app = app();
    let answer = send(&app, get("/iq/nothing/")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json(), json!({ "detail": "Not found." }));
    let answer = send(&app, post_empty("/iq/users/")).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(answer.json()["detail"].as_str().unwrap().contains("POST"));
    let _: Value = answer.json();
}

#[tokio::test]
async fn issue_token_gives_a_user_token_for_browser_tests() {
    let app = app();
    let answer = send(&app, post_empty("/__sandbox/issue-token")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
    let body = answer.json();
    assert_eq!(body["user_id"], "1042");
    let token = body["token"].as_str().unwrap();
    let users = get_as(&app, "/iq/users/", token).await.json();
    assert_eq!(users[0]["id"], 1042);

    let body = send(&app, post_empty("/__sandbox/issue-token?user_id=1044"))
        .await
        .json();
    assert_eq!(body["user_id"], "1044");
    let answer = send(&app, post_empty("/__sandbox/issue-token?user_id=1")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(sandbox_counters(&app).await["user_token"], 0);
}
