//! Fisikal sandbox: Doorkeeper-style password grant and the unified / schedule data.

mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::Router;
use fitconnect_server::sandbox::fisikal::{self, Fisikal};
use serde_json::{json, Value};
use support::*;

const SECRET: &str = "fisikal-demo-secret";
const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";

fn app() -> Router {
    fisikal::app(Arc::new(Fisikal::new()))
}

fn password_grant<'a>(secret: Option<&'a str>, password: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut pairs = vec![
        ("grant_type", "password"),
        ("client_id", "fisikal-demo"),
        ("username", "manager@fisikal.test"),
        ("password", password),
    ];
    if let Some(secret) = secret {
        pairs.push(("client_secret", secret));
    }
    pairs
}

async fn login(app: &Router) -> Value {
    let answer = send(
        app,
        post_form(
            "/oauth/token",
            &password_grant(Some(SECRET), "fisikal-pass"),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

async fn refresh(app: &Router, token: &str, secret: Option<&str>) -> Answer {
    let mut body = json!({ "grant_type": "refresh_token", "refresh_token": token, "client_id": "fisikal-demo" });
    if let Some(secret) = secret {
        body["client_secret"] = json!(secret);
    }
    send(app, post_json("/oauth/token", &body)).await
}

#[tokio::test]
async fn password_grant_needs_the_client_secret() {
    let app = app();
    let tokens = login(&app).await;
    assert_eq!(
        sorted_keys(&tokens),
        [
            "access_token",
            "created_at",
            "expires_in",
            "refresh_token",
            "token_type"
        ]
    );
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 7200);

    // JSON bodies work as well as forms.
    let body: serde_json::Map<String, Value> = password_grant(Some(SECRET), "fisikal-pass")
        .into_iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let answer = send(&app, post_json("/oauth/token", &Value::Object(body))).await;
    assert_eq!(answer.status, StatusCode::OK);

    for secret in [None, Some("guess")] {
        let answer = send(
            &app,
            post_form("/oauth/token", &password_grant(secret, "fisikal-pass")),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{secret:?}");
        assert_eq!(answer.json()["error"], "invalid_client");
        assert!(answer.json()["error_description"].is_string());
    }
    let answer = send(
        &app,
        post_form("/oauth/token", &password_grant(Some(SECRET), "Bad-Pass-1")),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({ "error": "invalid_grant", "error_description": INVALID_GRANT })
    );
    assert!(!answer.text().contains("Bad-Pass-1"));

    let answer = send(
        &app,
        post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "fisikal-demo"),
                ("client_secret", SECRET),
            ],
        ),
    )
    .await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "unsupported_grant_type");

    // Server-side only: no CORS on the token endpoint.
    let answer = send(&app, preflight("/oauth/token", "POST")).await;
    assert!(answer.header("access-control-allow-origin").is_none());

    let counters = sandbox_counters(&app).await;
    assert_eq!(counters, json!({ "password": 5, "refresh_token": 0 }));
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let app = app();
    let first = login(&app).await;
    let old = first["refresh_token"].as_str().unwrap();
    let answer = refresh(&app, old, None).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_client");

    let answer = refresh(&app, old, Some(SECRET)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let second = answer.json();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert!(second["created_at"].is_u64());
    let answer = refresh(&app, old, Some(SECRET)).await;
    assert_oauth_error(&answer, StatusCode::UNAUTHORIZED, "invalid_grant");

    // Doorkeeper revokes the access token that came with the spent refresh token.
    let old_access = first["access_token"].as_str().unwrap();
    let answer = get_as(&app, "/api/unified/clubs/locations", old_access).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let new_access = second["access_token"].as_str().unwrap();
    let answer = get_as(&app, "/api/unified/clubs/locations", new_access).await;
    assert_eq!(answer.status, StatusCode::OK);

    let counters = sandbox_counters(&app).await;
    assert_eq!(counters["refresh_token"], 3);
}

#[tokio::test]
async fn locations_and_occurrences() {
    let app = app();
    let access = login(&app).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let answer = get_as(&app, "/api/unified/clubs/locations", &access).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_open_cors(&answer);
    let body = answer.json();
    let locations = body["locations"].as_array().unwrap();
    let total = body["count"].as_u64().unwrap();
    assert_eq!(locations.len() as u64, total);
    assert!(total >= 2);
    let id = locations[0]["id"].as_u64().unwrap();
    assert!(locations[0]["name"].is_string());

    let page = get_as(
        &app,
        "/api/unified/clubs/locations?start=1&count=1",
        &access,
    )
    .await
    .json();
    assert_eq!(page["locations"].as_array().unwrap().len(), 1);
    assert_eq!(page["locations"][0]["id"], locations[1]["id"]);
    assert_eq!(page["count"], total);
    let answer = get_as(&app, "/api/unified/clubs/locations?start=x", &access).await;
    assert!(answer.status.is_client_error());

    let answer = get_as(&app, &format!("/api/unified/clubs/locations/{id}"), &access).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["location"]["id"], id);
    let answer = get_as(&app, "/api/unified/clubs/locations/999", &access).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let answer = get_as(&app, "/api/web/schedule/occurrences", &access).await;
    assert_eq!(answer.status, StatusCode::OK);
    let data = answer.json()["data"].as_array().unwrap().clone();
    assert!(!data.is_empty());
    for occurrence in &data {
        for key in [
            "id",
            "occurs_at",
            "duration_in_minutes",
            "service_title",
            "trainer_name",
            "location_id",
            "status",
        ] {
            assert!(occurrence.get(key).is_some(), "{key}");
        }
    }
    let only = get_as(
        &app,
        &format!("/api/web/schedule/occurrences?location_id={id}"),
        &access,
    )
    .await
    .json();
    assert!(only["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["location_id"] == id));

    // Bad or missing tokens: Doorkeeper's empty 401 with a challenge.
    for request in [
        get("/api/web/schedule/occurrences"),
        get_bearer("/api/unified/clubs/locations", "forged"),
    ] {
        let answer = send(&app, request).await;
        assert_challenge(
            &answer,
            StatusCode::UNAUTHORIZED,
            r#"error="invalid_token""#,
        );
    }
    assert_expired(&app, "/api/unified/clubs/locations", &access).await;

    assert_open_preflight(&app, "/api/web/schedule/occurrences").await;
}

#[tokio::test]
async fn ttl_setting_applies_to_new_tokens() {
    let app = app();
    // Shared settings other providers use (`pkce`, `coop`) are accepted and ignored.
    let answer = set(
        &app,
        json!({ "accessTokenTtlSeconds": 30, "pkce": "ignore", "coop": true }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!({ "accessTokenTtlSeconds": 30 }));
    assert_eq!(login(&app).await["expires_in"], 30);
    let answer = set(&app, json!({ "bogus": 1 })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    send(&app, post_empty("/__sandbox/reset")).await;
    assert_eq!(login(&app).await["expires_in"], 7200);
}
