//! OpenFIT sandbox: the identity server and the (invented) API, sharing one state.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use fitconnect_server::sandbox::openfit::{self, OpenFit};
use serde_json::{json, Value};
use support::*;

const APP_ORIGIN: &str = "http://127.0.0.1:8080";
const SCOPE: &str = "OpenFitApi offline_access";

fn apps() -> (Router, Router) {
    let state = Arc::new(OpenFit::new(APP_ORIGIN));
    (
        openfit::identity_app(state.clone()),
        openfit::api_app(state),
    )
}

async fn token_request(identity: &Router, pairs: &[(&str, &str)]) -> Answer {
    send(identity, post_form("/connect/token", pairs)).await
}

async fn login(identity: &Router) -> Value {
    let answer = token_request(
        identity,
        &[
            ("grant_type", "password"),
            ("scope", SCOPE),
            ("client_id", "openfit-demo"),
            ("username", "clinician@openfit.test"),
            ("password", "openfit-pass"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

async fn refresh(identity: &Router, refresh_token: &str) -> Answer {
    token_request(
        identity,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "openfit-demo"),
        ],
    )
    .await
}

fn assert_error(answer: &Answer, error: &str) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    assert_eq!(answer.json()["error"], error);
}

fn cors_request(method: Method, uri: &str, origin: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn password_grant_returns_the_exact_scope_and_a_refresh_token() {
    let (identity, api) = apps();
    let tokens = login(&identity).await;
    assert_eq!(tokens["scope"], SCOPE);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert!(tokens["refresh_token"].is_string());
    assert_eq!(
        sorted_keys(&tokens),
        [
            "access_token",
            "expires_in",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );

    let answer = get_as(&api, "/api/clients", access_token(&tokens)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let clients = answer.json();
    let first = &clients[0];
    for key in ["id", "firstName", "lastName", "dateOfBirth"] {
        assert!(first.get(key).is_some(), "{key}");
    }
    let id = first["id"].as_u64().unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let one = get_as(&api, &format!("/api/clients/{id}"), access)
        .await
        .json();
    assert_eq!(one["id"], id);
    let episodes = get_as(&api, &format!("/api/clients/{id}/episodes"), access)
        .await
        .json();
    assert!(episodes
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["clientId"] == id));
    let sessions = get_as(&api, &format!("/api/clients/{id}/sessions"), access)
        .await
        .json();
    assert!(!sessions.as_array().unwrap().is_empty());
    assert_eq!(
        get_as(&api, "/api/clients/1", access).await.status,
        StatusCode::NOT_FOUND
    );

    // Without offline_access there is no refresh token.
    let answer = token_request(
        &identity,
        &[
            ("grant_type", "password"),
            ("scope", "OpenFitApi"),
            ("client_id", "openfit-demo"),
            ("username", "clinician@openfit.test"),
            ("password", "openfit-pass"),
        ],
    )
    .await;
    assert_eq!(answer.json()["scope"], "OpenFitApi");
    assert!(answer.json().get("refresh_token").is_none());
}

#[tokio::test]
async fn every_error_is_400_with_its_code() {
    let (identity, _) = apps();
    let base = [
        ("grant_type", "password"),
        ("scope", SCOPE),
        ("client_id", "openfit-demo"),
        ("username", "clinician@openfit.test"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        pairs
    };
    let answer = token_request(&identity, &with(&[("password", "Not-It-9")])).await;
    assert_error(&answer, "invalid_grant");
    assert!(!answer.text().contains("Not-It-9"));

    let mut unknown_client = with(&[("password", "openfit-pass")]);
    unknown_client[2] = ("client_id", "someone-else");
    assert_error(
        &token_request(&identity, &unknown_client).await,
        "invalid_client",
    );

    let no_grant: Vec<_> = with(&[("password", "openfit-pass")])
        .into_iter()
        .skip(1)
        .collect();
    assert_error(
        &token_request(&identity, &no_grant).await,
        "unsupported_grant_type",
    );
    let mut other_grant = with(&[]);
    other_grant[0] = ("grant_type", "client_credentials");
    assert_error(
        &token_request(&identity, &other_grant).await,
        "unsupported_grant_type",
    );

    let json_body = post_json(
        "/connect/token",
        &json!({ "grant_type": "password", "client_id": "openfit-demo",
                 "username": "clinician@openfit.test", "password": "openfit-pass" }),
    );
    let answer = send(&identity, json_body).await;
    assert_error(&answer, "invalid_request");
    assert!(!answer.text().contains("openfit-pass"));

    let mut bad_scope = with(&[("password", "openfit-pass")]);
    bad_scope[1] = ("scope", "OpenFitApi admin");
    assert_error(&token_request(&identity, &bad_scope).await, "invalid_scope");

    assert_error(
        &token_request(
            &identity,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", "openfit-demo"),
            ],
        )
        .await,
        "invalid_request",
    );
    assert_error(&refresh(&identity, "made-up").await, "invalid_grant");

    let counters = sandbox_counters(&identity).await;
    // Not counted: no grant type, another grant type, a body that is not a form.
    assert_eq!(counters, json!({ "password": 3, "refresh_token": 2 }));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_are_single_use() {
    let (identity, api) = apps();
    let first = login(&identity).await;
    let old = first["refresh_token"].as_str().unwrap();
    let answer = refresh(&identity, old).await;
    assert_eq!(answer.status, StatusCode::OK);
    let second = answer.json();
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["scope"], SCOPE);

    // The used refresh token is revoked.
    assert_error(&refresh(&identity, old).await, "invalid_grant");
    // The new one works, once.
    let new = second["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&identity, new).await.status, StatusCode::OK);
    assert_error(&refresh(&identity, new).await, "invalid_grant");
    let access = second["access_token"].as_str().unwrap();
    assert_eq!(
        get_as(&api, "/api/clients", access).await.status,
        StatusCode::OK
    );

    // Bound to the client it was issued to.
    let third = login(&identity).await;
    let answer = token_request(
        &identity,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", third["refresh_token"].as_str().unwrap()),
            ("client_id", "other"),
        ],
    )
    .await;
    assert_error(&answer, "invalid_client");
}

#[tokio::test]
async fn access_token_lifetime_is_a_setting() {
    let (identity, api) = apps();
    let settings = set(&identity, json!({ "accessTokenTtlSeconds": 1 })).await;
    assert_eq!(settings.json()["accessTokenTtlSeconds"], 1);
    let tokens = login(&identity).await;
    assert_eq!(tokens["expires_in"], 1);
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        get_as(&api, "/api/clients", access).await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let answer = get_as(&api, "/api/clients", access).await;
    assert_challenge(
        &answer,
        StatusCode::UNAUTHORIZED,
        r#"error="invalid_token""#,
    );
    // The refresh token outlives it.
    assert_eq!(
        refresh(&identity, tokens["refresh_token"].as_str().unwrap())
            .await
            .status,
        StatusCode::OK
    );

    send(&identity, post_empty("/__sandbox/reset")).await;
    assert_eq!(login(&identity).await["expires_in"], 3600);
}

#[tokio::test]
async fn api_rejects_bad_tokens_with_www_authenticate() {
    let (identity, api) = apps();
    let answer = get_as(&api, "/api/clients", "forged").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.header("www-authenticate").as_deref(),
        Some(r#"Bearer error="invalid_token""#)
    );
    assert!(answer.body.is_empty());
    let answer = send(&api, get("/api/clients/501/sessions")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));

    let access = login(&identity).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = assert_expired(&api, "/api/clients/501", &access).await;
    assert_challenge(&answer, StatusCode::UNAUTHORIZED, "invalid_token");
}

#[tokio::test]
async fn cors_only_for_registered_origins() {
    let (identity, api) = apps();
    for (app, uri) in [(&identity, "/connect/token"), (&api, "/api/clients")] {
        let answer = send(app, cors_request(Method::OPTIONS, uri, APP_ORIGIN)).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT);
        assert_eq!(
            answer.header("access-control-allow-origin").as_deref(),
            Some(APP_ORIGIN)
        );
        let answer = send(app, cors_request(Method::OPTIONS, uri, "http://evil.test")).await;
        assert!(answer.header("access-control-allow-origin").is_none());
    }
    let answer = send(&api, cors_request(Method::GET, "/api/clients", APP_ORIGIN)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some(APP_ORIGIN)
    );
    assert!(answer
        .header("access-control-expose-headers")
        .unwrap()
        .contains("WWW-Authenticate"));
    let answer = send(
        &api,
        cors_request(Method::GET, "/api/clients", "http://evil.test"),
    )
    .await;
    assert!(answer.header("access-control-allow-origin").is_none());

    // More origins can be registered for a test.
    let settings = set(
        &identity,
        json!({ "corsOrigins": ["http://localhost:3000"] }),
    )
    .await;
    assert_eq!(settings.status, StatusCode::OK);
    let answer = send(
        &identity,
        cors_request(Method::OPTIONS, "/connect/token", "http://localhost:3000"),
    )
    .await;
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("http://localhost:3000")
    );
    // The control endpoints stay open to every origin.
    let answer = send(
        &identity,
        cors_request(Method::GET, "/__sandbox/counters", "http://evil.test"),
    )
    .await;
    assert_open_cors(&answer);
}
