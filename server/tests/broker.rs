//! The broker against the sandbox served on ephemeral loopback ports (the broker's HTTP client
//! needs real sockets); the broker itself is still driven with `oneshot`.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::post;
use axum::Router;
use fitconnect_server::broker::{self, Broker, Upstreams};
use fitconnect_server::config::{Secret, Upstream};
use fitconnect_server::sandbox::fisikal::{self, Fisikal};
use fitconnect_server::sandbox::fitbark::{self, FitBark};
use fitconnect_server::sandbox::fitrankings::{self, FitRankings};
use fitconnect_server::sandbox::perfectgym::{self, PerfectGym};
use serde_json::{json, Value};
use support::*;

const REDIRECT: &str = "http://127.0.0.1:8080/";

struct Fixture {
    broker: Router,
    fitbark: Router,
    fitrankings: Router,
    perfectgym: Router,
    fisikal: Router,
}

fn upstream(base_url: &str, secret: &str) -> Upstream {
    upstream_for(base_url, "fitconnect-demo", secret)
}

fn upstream_for(base_url: &str, client_id: &str, secret: &str) -> Upstream {
    Upstream {
        base_url: base_url.to_string(),
        client_id: client_id.to_string(),
        client_secret: Secret::new(secret),
    }
}

/// FitRankings and FitBark as given; PerfectGym and Fisikal at FitBark's address.
fn broker_for(fr: Upstream, fb: Upstream, timeout: Duration) -> Router {
    let others = upstream(&fb.base_url, "s");
    broker_with(
        Upstreams {
            fitrankings: Some(fr),
            fitbark: Some(fb),
            perfectgym: Some(others.clone()),
            fisikal: Some(others),
        },
        timeout,
    )
}

/// Every provider at `url`, with made-up credentials.
fn broker_at(url: &str, timeout: Duration) -> Router {
    broker_for(upstream(url, "s"), upstream(url, "s"), timeout)
}

fn broker_with(upstreams: Upstreams, timeout: Duration) -> Router {
    broker::router(Arc::new(
        Broker::new(upstreams, timeout, open_policy()).unwrap(),
    ))
}

async fn fixture_with_secrets(fr_secret: &str, fb_secret: &str) -> Fixture {
    let fitbark = fitbark::app(Arc::new(FitBark::new(
        vec![REDIRECT.to_string()],
        fitbark::DEFAULT_USER_TOKEN_TTL,
    )));
    let fitrankings = fitrankings::app(Arc::new(FitRankings::new()));
    let perfectgym = perfectgym::app(Arc::new(PerfectGym::new()));
    let fisikal = fisikal::app(Arc::new(Fisikal::new()));
    let fb_url = spawn(fitbark.clone()).await;
    let fr_url = spawn(fitrankings.clone()).await;
    let pg_url = spawn(perfectgym.clone()).await;
    let fk_url = spawn(fisikal.clone()).await;
    Fixture {
        broker: broker_with(
            Upstreams {
                fitrankings: Some(upstream(&fr_url, fr_secret)),
                fitbark: Some(upstream(&fb_url, fb_secret)),
                perfectgym: Some(upstream_for(
                    &pg_url,
                    perfectgym::CLIENT_ID,
                    perfectgym::CLIENT_SECRET,
                )),
                fisikal: Some(upstream_for(
                    &fk_url,
                    fisikal::CLIENT_ID,
                    fisikal::CLIENT_SECRET,
                )),
            },
            Duration::from_secs(5),
        ),
        fitbark,
        fitrankings,
        perfectgym,
        fisikal,
    }
}

/// Proxy paths that try to leave the provider's API never reach it.
async fn assert_paths_refused(broker: &Router, paths: &[&str]) {
    for bad in paths {
        let status = send(broker, get(bad)).await.status;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{bad}: {status}"
        );
    }
}

async fn fixture() -> Fixture {
    fixture_with_secrets("fitrankings-demo-secret", "fitbark-demo-secret").await
}

/// `body` posted as JSON to the broker's token endpoint for `provider`.
async fn token(broker: &Router, provider: &str, body: &Value) -> Answer {
    send(
        broker,
        post_json(&format!("/broker/{provider}/token"), body),
    )
    .await
}

/// FitBark's code exchanged through the broker.
async fn exchange(broker: &Router, code: &str) -> Answer {
    let body =
        json!({ "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT });
    token(broker, "fitbark", &body).await
}

/// A FitBark refresh through `broker` fails as an upstream failure with `status`.
async fn assert_refresh_fails(broker: &Router, status: StatusCode) {
    let body = json!({ "grant_type": "refresh_token", "refresh_token": "r" });
    assert_upstream_failure(&token(broker, "fitbark", &body).await, status);
}

/// A fresh authorisation code from the sandbox (the same state the served copy uses).
async fn code(fitbark: &Router) -> String {
    let answer = send(
        fitbark,
        post_form(
            "/oauth/authorize",
            &[
                ("response_type", "code"),
                ("client_id", "fitconnect-demo"),
                ("redirect_uri", REDIRECT),
                ("state", "s"),
                ("decision", "authorize"),
            ],
        ),
    )
    .await;
    answer.location_query()["code"].clone()
}

#[tokio::test]
async fn code_exchange_adds_the_secret_and_relays_the_tokens() {
    let f = fixture().await;
    let c = code(&f.fitbark).await;
    let answer = exchange(&f.broker, &c).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let tokens = answer.json();
    assert_eq!(tokens["token_type"], "bearer");
    assert!(tokens["refresh_token"].is_string());
    assert!(!answer.text().contains("fitbark-demo-secret"));

    // The same code again: FitBark's own error, status and body unchanged.
    let answer = exchange(&f.broker, &c).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_grant");
    assert!(answer.json()["error_description"]
        .as_str()
        .unwrap()
        .starts_with("The provided authorization grant"));

    let counters = sandbox_counters(&f.fitbark).await;
    assert_eq!(counters["authorization_code"], 2);
}

#[tokio::test]
async fn pkce_verifier_is_forwarded() {
    let f = fixture().await;
    set(&f.fitbark, json!({ "pkce": "enforce" })).await;
    let answer = send(
        &f.fitbark,
        post_form(
            "/oauth/authorize",
            &[
                ("response_type", "code"),
                ("client_id", "fitconnect-demo"),
                ("redirect_uri", REDIRECT),
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                ("code_challenge_method", "S256"),
                ("decision", "authorize"),
            ],
        ),
    )
    .await;
    let c = answer.location_query()["code"].clone();
    let body = json!({
        "grant_type": "authorization_code", "code": c, "redirect_uri": REDIRECT,
        "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    });
    let answer = token(&f.broker, "fitbark", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

#[tokio::test]
async fn refresh_goes_through_the_broker() {
    let f = fixture().await;
    let c = code(&f.fitbark).await;
    let first = exchange(&f.broker, &c).await.json();
    let refresh = json!({ "grant_type": "refresh_token", "refresh_token": first["refresh_token"] });
    let answer = token(&f.broker, "fitbark", &refresh).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_ne!(answer.json()["access_token"], first["access_token"]);
    // Rotated: the old refresh token is now refused by FitBark, and the refusal is relayed.
    let answer = token(&f.broker, "fitbark", &refresh).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_grant");
}

#[tokio::test]
async fn wrong_configured_secret_surfaces_as_invalid_client() {
    let f = fixture_with_secrets("fitrankings-demo-secret", "wrong").await;
    let c = code(&f.fitbark).await;
    let answer = exchange(&f.broker, &c).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn bad_requests_never_reach_the_provider() {
    let f = fixture().await;
    for grant in ["client_credentials", "password", ""] {
        let answer = token(&f.broker, "fitbark", &json!({ "grant_type": grant })).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.json(), json!({ "error": "unsupported_grant_type" }));
    }
    let body = json!({ "grant_type": "authorization_code" });
    let answer = token(&f.broker, "fitbark", &body).await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    let bad = post_raw("/broker/fitbark/token", "application/json", "[[[");
    assert_eq!(send(&f.broker, bad).await.status, StatusCode::BAD_REQUEST);
    let huge = post_raw(
        "/broker/fitbark/token",
        "application/json",
        format!(
            r#"{{"grant_type":"refresh_token","refresh_token":"{}"}}"#,
            "a".repeat(17_000)
        ),
    );
    assert_eq!(
        send(&f.broker, huge).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        sandbox_counters(&f.fitbark).await,
        json!({ "authorization_code": 0, "refresh_token": 0, "client_credentials": 0 })
    );
}

#[tokio::test]
async fn unreachable_provider_is_502_json() {
    let dead = dead_address();
    let broker = broker_at(&dead, Duration::from_secs(5));
    assert_refresh_fails(&broker, StatusCode::BAD_GATEWAY).await;

    let answer = send(&broker, get("/broker/fitrankings/iq/users/")).await;
    assert_upstream_failure(&answer, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn slow_provider_is_504_json() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let broker = broker_at(&slow, Duration::from_millis(300));
    assert_refresh_fails(&broker, StatusCode::GATEWAY_TIMEOUT).await;
}

#[tokio::test]
async fn non_json_upstream_answer_is_502() {
    let html = Router::new().route(
        "/oauth/token",
        post(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Html("<h1>Maintenance</h1>"),
            )
        }),
    );
    let url = spawn(html).await;
    let broker = broker_at(&url, Duration::from_secs(5));
    assert_refresh_fails(&broker, StatusCode::BAD_GATEWAY).await;
}

#[tokio::test]
async fn master_token_proxy_caches_and_refetches_after_401() {
    let f = fixture().await;
    let answer = send(&f.broker, get("/broker/fitrankings/iq/users/")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json().as_array().unwrap().len(), 3);
    let answer = send(
        &f.broker,
        get("/broker/fitrankings/iq/activities/?page=1&page_size=2"),
    )
    .await;
    assert_eq!(answer.json().as_array().unwrap().len(), 2);
    let counters = sandbox_counters(&f.fitrankings).await;
    assert_eq!(counters["master_token"], 1);

    // An expired master token is replaced once, transparently.
    expire_tokens(&f.fitrankings).await;
    let answer = send(
        &f.broker,
        get("/broker/fitrankings/iq/groups/stat-summary/"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["user_count"], 3);
    let counters = sandbox_counters(&f.fitrankings).await;
    assert_eq!(counters["master_token"], 2);

    // Provider errors pass through as they are.
    let answer = send(&f.broker, get("/broker/fitrankings/iq/activities/1/")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json(), json!({ "detail": "Not found." }));

    assert_paths_refused(
        &f.broker,
        &[
            "/broker/fitrankings/iq/../__sandbox/counters",
            "/broker/fitrankings/iq/%2e%2e/x",
        ],
    )
    .await;
}

#[tokio::test]
async fn master_token_refused_is_502() {
    let f = fixture_with_secrets("wrong", "fitbark-demo-secret").await;
    let answer = send(&f.broker, get("/broker/fitrankings/iq/users/")).await;
    assert_upstream_failure(&answer, StatusCode::BAD_GATEWAY);
    assert!(!answer.text().contains("wrong"));
}

#[tokio::test]
async fn fisikal_login_and_refresh_pass_through() {
    let f = fixture().await;
    let login = json!({ "grant_type": "password", "username": "manager@fisikal.test", "password": "fisikal-pass" });
    let answer = token(&f.broker, "fisikal", &login).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let tokens = answer.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 7200);
    assert!(tokens["created_at"].is_u64());
    assert!(!answer.text().contains("fisikal-demo-secret"));
    let data = get_as(
        &f.fisikal,
        "/api/unified/clubs/locations",
        access_token(&tokens),
    )
    .await;
    assert_eq!(data.status, StatusCode::OK);

    // Wrong password: Fisikal's own 401 invalid_grant, and the password is nowhere in it.
    let wrong = json!({
        "grant_type": "password",
        "username": "manager@fisikal.test",
        "password": "not-the-Pa55word",
    });
    let answer = token(&f.broker, "fisikal", &wrong).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_grant");
    assert!(!answer.text().contains("not-the-Pa55word"));

    // Refresh rotates; the spent token is refused and the refusal relayed.
    let refresh =
        json!({ "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"] });
    let answer = token(&f.broker, "fisikal", &refresh).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_ne!(answer.json()["refresh_token"], tokens["refresh_token"]);
    let answer = token(&f.broker, "fisikal", &refresh).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_grant");

    // Grants the broker does not forward never reach Fisikal.
    for grant in ["client_credentials", "authorization_code", ""] {
        let answer = token(&f.broker, "fisikal", &json!({ "grant_type": grant })).await;
        assert_eq!(answer.json(), json!({ "error": "unsupported_grant_type" }));
    }
    let no_password = json!({ "grant_type": "password", "username": "manager@fisikal.test" });
    let answer = token(&f.broker, "fisikal", &no_password).await;
    assert_oauth_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    let counters = sandbox_counters(&f.fisikal).await;
    assert_eq!(counters, json!({ "password": 2, "refresh_token": 2 }));
}

#[tokio::test]
async fn perfectgym_v2_proxy_adds_the_client_headers() {
    let f = fixture().await;
    // Straight to the sandbox without the headers: refused.
    let answer = send(&f.perfectgym, get("/Api/v2.2/odata/Members?$top=2")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);

    let answer = send(
        &f.broker,
        get(
            "/broker/perfectgym/v2/odata/Members?$top=2&$count=true&$filter=isDeleted%20eq%20false",
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["value"].as_array().unwrap().len(), 2);
    assert!(body["@odata.count"].as_u64().unwrap() > 500);
    assert!(body["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["isDeleted"] == false));
    assert!(!answer.text().contains("perfectgym-demo-secret"));

    // POST bodies go through; provider errors come back as they are.
    let book = json!({ "memberId": 3, "classId": 5, "bookDespiteOtherBookingsAtTheSameTime": false, "comments": "" });
    let request = || post_json("/broker/perfectgym/v2/ClassBooking/BookClass", &book);
    let answer = send(&f.broker, request()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let answer = send(&f.broker, request()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["errors"][0]["code"], "ClassAlreadyBooked");

    let answer = send(
        &f.broker,
        get("/broker/perfectgym/v2/odata/Members?$filter=shoeSize%20eq%2042"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["errors"][0]["message"].is_string());

    assert_paths_refused(
        &f.broker,
        &[
            "/broker/perfectgym/v2/../../__sandbox/counters",
            "/broker/perfectgym/v2/%2e%2e/%2e%2e/__sandbox/counters",
        ],
    )
    .await;
}

#[tokio::test]
async fn perfectgym_wrong_configured_secret_is_relayed_as_401() {
    let pg_url = spawn(perfectgym::app(Arc::new(PerfectGym::new()))).await;
    let broker = broker_with(
        Upstreams {
            perfectgym: Some(upstream_for(&pg_url, perfectgym::CLIENT_ID, "wrong")),
            ..Upstreams::all_at(upstream(&pg_url, "s"))
        },
        Duration::from_secs(5),
    );
    let answer = send(&broker, get("/broker/perfectgym/v2/odata/Classes")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({ "Message": "Authorization has been denied for this request." })
    );
}

#[tokio::test]
async fn unreachable_fisikal_and_perfectgym_are_502_json() {
    let dead = dead_address();
    let broker = broker_at(&dead, Duration::from_secs(5));
    let login = json!({ "grant_type": "password", "username": "u", "password": "p" });
    for request in [
        post_json("/broker/fisikal/token", &login),
        get("/broker/perfectgym/v2/odata/Members"),
    ] {
        let answer = send(&broker, request).await;
        assert_upstream_failure(&answer, StatusCode::BAD_GATEWAY);
        assert!(!answer.text().contains("\"p\""));
    }
}
