//! FitBark sandbox, driven through its router without sockets.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::Engine as _;
use fitconnect_server::sandbox::fitbark::{self, FitBark};
use serde_json::{json, Value};
use support::*;

const REDIRECT: &str = "http://127.0.0.1:8080/";
const SECRET: &str = "fitbark-demo-secret";
const INVALID_GRANT: &str = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const BISCUIT: &str = "c9e4b7a2-1f3d-4b8e-a6c5-0d2f9e8b7a61";
const PEPPER: &str = "7f2e8d1c-4b6a-4c3e-9d5f-b1a2c3d4e5f6";

fn app() -> Router {
    fitbark::app(Arc::new(FitBark::new(
        vec![fitbark::OOB_REDIRECT_URI.to_string(), REDIRECT.to_string()],
        fitbark::DEFAULT_USER_TOKEN_TTL,
    )))
}

fn authorize_query(extra: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("response_type", "code")
        .append_pair("client_id", "fitconnect-demo")
        .append_pair("redirect_uri", REDIRECT)
        .append_pair("state", "st-123");
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Presses a button on the authorise page: the form carries the original parameters.
async fn decide(app: &Router, decision: &str, extra: &[(&str, &str)]) -> Answer {
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(authorize_query(extra).as_bytes())
            .into_owned()
            .collect();
    pairs.push(("decision".into(), decision.into()));
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    send(app, post_form("/oauth/authorize", &pairs)).await
}

async fn code(app: &Router, extra: &[(&str, &str)]) -> String {
    let answer = decide(app, "authorize", extra).await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.text());
    let query = answer.location_query();
    assert_eq!(query["state"], "st-123");
    query["code"].clone()
}

async fn exchange(app: &Router, code: &str, extra: &[(&str, &str)]) -> Answer {
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("client_id", "fitconnect-demo"),
        ("client_secret", SECRET),
        ("redirect_uri", REDIRECT),
        ("code", code),
    ];
    pairs.extend_from_slice(extra);
    send(app, post_form("/oauth/token", &pairs)).await
}

async fn user_tokens(app: &Router) -> Value {
    let code = code(app, &[]).await;
    let answer = exchange(app, &code, &[]).await;
    assert_eq!(answer.status, StatusCode::OK);
    answer.json()
}

/// FitBark's token endpoint refuses with 401 and `error`.
fn assert_401(answer: &Answer, error: &str) {
    assert_oauth_error(answer, StatusCode::UNAUTHORIZED, error);
}

fn assert_invalid_grant(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json(),
        json!({ "error": "invalid_grant", "error_description": INVALID_GRANT })
    );
}

#[tokio::test]
async fn authorize_page_has_authorize_and_deny_buttons() {
    let app = app();
    let answer = send(
        &app,
        get(&format!("/oauth/authorize?{}", authorize_query(&[]))),
    )
    .await;
    assert_page(
        &answer,
        &[
            "<title>FitBark",
            "SANDBOX",
            ">Authorize</button>",
            ">Deny</button>",
            r#"name="state" value="st-123""#,
        ],
    );
}

#[tokio::test]
async fn unregistered_redirect_or_unknown_client_shows_an_error_page() {
    let app = app();
    for query in [
        "response_type=code&client_id=fitconnect-demo&redirect_uri=http%3A%2F%2Fevil.example%2F&state=x",
        "response_type=code&client_id=fitconnect-demo&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080&state=x",
        "response_type=code&client_id=other&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&state=x",
        "response_type=code&client_id=fitconnect-demo",
    ] {
        let answer = send(&app, get(&format!("/oauth/authorize?{query}"))).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(answer.header("location").is_none());
        assert!(answer.text().contains("<html"));
    }
    // Once the redirect URI is trusted, other problems go back to it.
    let answer = send(
        &app,
        get("/oauth/authorize?response_type=token&client_id=fitconnect-demo&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&state=s"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.location_query()["error"],
        "unsupported_response_type"
    );
    assert_eq!(answer.location_query()["state"], "s");
}

#[tokio::test]
async fn authorize_and_deny_redirect_with_state() {
    let app = app();
    let code = code(&app, &[]).await;
    assert!(code.len() >= 22);

    let answer = decide(&app, "deny", &[]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(
        answer.location(),
        "http://127.0.0.1:8080/?error=access_denied&error_description=The+resource+owner+or+authorization+server+denied+the+request.&state=st-123"
    );
}

#[tokio::test]
async fn code_exchange_accepts_form_json_and_query_parameters() {
    let app = app();
    let check = |answer: Answer| {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));
        let body = answer.json();
        assert!(body["access_token"].as_str().unwrap().len() >= 22);
        assert!(body["refresh_token"].as_str().unwrap().len() >= 22);
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["expires_in"], 31_536_000);
        assert_eq!(body["scope"], "public");
        assert!(body["created_at"].as_u64().unwrap() > 1_700_000_000);
    };

    let c = code(&app, &[]).await;
    check(exchange(&app, &c, &[]).await);

    let c = code(&app, &[]).await;
    let body = json!({
        "grant_type": "authorization_code", "client_id": "fitconnect-demo", "client_secret": SECRET,
        "redirect_uri": REDIRECT, "code": c,
    });
    check(send(&app, post_json("/oauth/token", &body)).await);

    let c = code(&app, &[]).await;
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("client_id", "fitconnect-demo"),
            ("client_secret", SECRET),
            ("redirect_uri", REDIRECT),
            ("code", &c),
        ])
        .finish();
    check(send(&app, post_empty(&format!("/oauth/token?{query}"))).await);

    // HTTP Basic client authentication works too.
    let c = code(&app, &[]).await;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("fitconnect-demo:{SECRET}"));
    let request = Request::post("/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {basic}"))
        .body(Body::from(format!(
            "grant_type=authorization_code&code={c}&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F"
        )))
        .unwrap();
    check(send(&app, request).await);
}

#[tokio::test]
async fn codes_are_single_use_and_bound_to_the_redirect_uri() {
    let app = app();
    let c = code(&app, &[]).await;
    let answer = exchange(&app, &c, &[("redirect_uri", "http://127.0.0.1:8080/other")]).await;
    assert_invalid_grant(&answer);
    // A failed attempt does not burn the code; a successful one does.
    assert_eq!(exchange(&app, &c, &[]).await.status, StatusCode::OK);
    assert_invalid_grant(&exchange(&app, &c, &[]).await);
    assert_invalid_grant(&exchange(&app, "made-up-code", &[]).await);
    assert_eq!(sandbox_counters(&app).await["authorization_code"], 4);
}

#[tokio::test]
async fn client_authentication_and_grant_type_errors_are_401() {
    let app = app();
    let c = code(&app, &[]).await;
    assert_401(
        &exchange(&app, &c, &[("client_secret", "nope")]).await,
        "invalid_client",
    );
    let answer = send(
        &app,
        post_form(
            "/oauth/token",
            &[("grant_type", "password"), ("username", "a")],
        ),
    )
    .await;
    assert_401(&answer, "unsupported_grant_type");
    let bad_json = post_raw("/oauth/token", "application/json", "{\"grant_type\":");
    assert_401(&send(&app, bad_json).await, "invalid_request");
    assert_401(&exchange(&app, "", &[]).await, "invalid_request");
    // The token endpoint is for servers: no CORS.
    let answer = send(&app, preflight("/oauth/token", "POST")).await;
    assert!(answer.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn oversized_token_request_is_rejected() {
    let app = app();
    let request = post_raw(
        "/oauth/token",
        "application/x-www-form-urlencoded",
        format!(
            "grant_type=refresh_token&refresh_token={}",
            "a".repeat(20_000)
        ),
    );
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.json()["error"].is_string());
}

#[tokio::test]
async fn pkce_is_ignored_by_default() {
    let app = app();
    let c = code(
        &app,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    )
    .await;
    assert_eq!(exchange(&app, &c, &[]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn pkce_enforce_mode_checks_the_verifier() {
    let app = app();
    let answer = set(&app, json!({ "pkce": "enforce" })).await;
    assert_eq!(answer.json()["pkce"], "enforce");

    // No challenge: the error goes back to the client (RFC 7636 §4.4.1).
    let answer = decide(&app, "authorize", &[]).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location_query()["error"], "invalid_request");

    let pkce = [
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    let c = code(&app, &pkce).await;
    assert_invalid_grant(&exchange(&app, &c, &[]).await);
    assert_invalid_grant(
        &exchange(
            &app,
            &c,
            &[(
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj",
            )],
        )
        .await,
    );
    assert_eq!(
        exchange(&app, &c, &[("code_verifier", VERIFIER)])
            .await
            .status,
        StatusCode::OK
    );

    let c = code(
        &app,
        &[
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
    )
    .await;
    assert_eq!(
        exchange(&app, &c, &[("code_verifier", VERIFIER)])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let app = app();
    let first = user_tokens(&app).await;
    let refresh = |token: &str| {
        post_form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", token),
                ("client_id", "fitconnect-demo"),
                ("client_secret", SECRET),
            ],
        )
    };
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let answer = send(&app, refresh(old_refresh)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let second = answer.json();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);

    assert_invalid_grant(&send(&app, refresh(old_refresh)).await);
    let old_access = first["access_token"].as_str().unwrap();
    let answer = get_as(&app, "/api/v2/user", old_access).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let new_access = second["access_token"].as_str().unwrap();
    assert_eq!(
        get_as(&app, "/api/v2/user", new_access).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, refresh(second["refresh_token"].as_str().unwrap()))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        sandbox_counters(&app).await,
        json!({ "authorization_code": 1, "refresh_token": 3, "client_credentials": 0 })
    );
}

#[tokio::test]
async fn app_token_reads_and_replaces_redirect_urls() {
    let app = app();
    let answer = send(
        &app,
        post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "fitconnect-demo"),
                ("client_secret", SECRET),
                ("scope", "fitbark_open_api_2745H78RVS"),
            ],
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(body["expires_in"], 31_557_600);
    assert_eq!(body["scope"], "fitbark_open_api_2745H78RVS");
    assert!(body.get("refresh_token").is_none());
    let app_token = body["access_token"].as_str().unwrap().to_string();

    let answer = get_as(&app, "/api/v2/redirect_urls", &app_token).await;
    assert_eq!(
        answer.json(),
        json!({ "redirect_uri": "urn:ietf:wg:oauth:2.0:oob\rhttp://127.0.0.1:8080/" })
    );
    let new_set =
        json!({ "redirect_uri": "urn:ietf:wg:oauth:2.0:oob\rhttp://127.0.0.1:8080/app/" });
    let answer = send(
        &app,
        post_json_bearer("/api/v2/redirect_urls", &app_token, &new_set),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), new_set);
    // The old URI is no longer accepted.
    let answer = send(
        &app,
        get(&format!("/oauth/authorize?{}", authorize_query(&[]))),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    let bad = json!({ "redirect_uri": "javascript:alert(1)" });
    let answer = send(
        &app,
        post_json_bearer("/api/v2/redirect_urls", &app_token, &bad),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    // A user token may not manage the app.
    send(&app, post_empty("/__sandbox/reset")).await;
    let user = user_tokens(&app).await;
    let answer = get_as(&app, "/api/v2/redirect_urls", access_token(&user)).await;
    assert_challenge(&answer, StatusCode::FORBIDDEN, "insufficient_scope");
}

#[tokio::test]
async fn expired_or_bad_tokens_get_401_with_www_authenticate() {
    let app = app();
    let tokens = user_tokens(&app).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        get_as(&app, "/api/v2/user", access).await.status,
        StatusCode::OK
    );

    let answer = assert_expired(&app, "/api/v2/user", access).await;
    assert!(answer.body.is_empty());
    assert_eq!(
        answer.header("www-authenticate").unwrap(),
        r#"Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token expired""#
    );
    // Visible to browser code.
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("*")
    );

    let answer = send(&app, get("/api/v2/dog_relations")).await;
    assert_challenge(&answer, StatusCode::UNAUTHORIZED, "invalid_token");

    // A short lifetime applies to tokens issued afterwards.
    let answer = set(&app, json!({ "accessTokenTtlSeconds": 0 })).await;
    assert_eq!(
        answer.json(),
        json!({ "accessTokenTtlSeconds": 0, "pkce": "ignore", "coop": false })
    );
    let short = user_tokens(&app).await;
    assert_eq!(short["expires_in"], 0);
    let answer = get_as(&app, "/api/v2/user", access_token(&short)).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn token_info_describes_the_token() {
    let app = app();
    let tokens = user_tokens(&app).await;
    let answer = get_as(&app, "/oauth/token/info", access_token(&tokens)).await;
    let info = answer.json();
    assert_eq!(info["resource_owner_id"], "365");
    assert_eq!(info["scopes"], json!(["public"]));
    assert_eq!(info["application"]["uid"], "fitconnect-demo");
    assert!(info["expires_in_seconds"].as_u64().unwrap() > 31_000_000);
}

#[tokio::test]
async fn user_dogs_and_pictures() {
    let app = app();
    let tokens = user_tokens(&app).await;
    let token = tokens["access_token"].as_str().unwrap();
    let user = get_as(&app, "/api/v2/user", token).await.json();
    assert_eq!(user["user"]["first_name"], "Jane");

    let relations = get_as(&app, "/api/v2/dog_relations", token).await.json();
    let list = relations["dog_relations"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let statuses: Vec<&str> = list.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["OWNER", "OWNER", "FRIEND"]);
    assert_eq!(list[0]["dog"]["breed1"]["name"], "Labrador Retriever");
    assert!(list[0]["dog"]["activity_value"]
        .as_str()
        .unwrap()
        .ends_with(".0"));

    let dog = get_as(&app, &format!("/api/v2/dog/{BISCUIT}"), token)
        .await
        .json();
    assert_eq!(dog["dog"]["name"], "Biscuit");
    let answer = get_as(&app, "/api/v2/dog/unknown-dog", token).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    let picture = get_as(&app, &format!("/api/v2/picture/dog/{BISCUIT}"), token)
        .await
        .json();
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(picture["image"]["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
}

fn series(slug: &str, from: &str, to: &str, resolution: &str) -> Value {
    json!({ "activity_series": { "slug": slug, "from": from, "to": to, "resolution": resolution } })
}

#[tokio::test]
async fn activity_series_limits_and_determinism() {
    let app = app();
    let tokens = user_tokens(&app).await;
    let token = tokens["access_token"].as_str().unwrap();
    let post = |body: Value| {
        let app = app.clone();
        let token = token.to_string();
        async move {
            send(
                &app,
                post_json_bearer("/api/v2/activity_series", &token, &body),
            )
            .await
        }
    };

    // 42 days inclusive is the daily limit; 2024 is in the past for every dog and after birth.
    let answer = post(series(BISCUIT, "2024-01-01", "2024-02-11", "DAILY")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let body = answer.json();
    let records = body["activity_series"]["records"].as_array().unwrap();
    assert_eq!(records.len(), 42);
    assert_eq!(records[0]["date"], "2024-01-01");
    assert_eq!(records[41]["date"], "2024-02-11");
    let r = &records[0];
    assert_eq!(
        r["min_play"].as_u64().unwrap()
            + r["min_active"].as_u64().unwrap()
            + r["min_rest"].as_u64().unwrap(),
        1440
    );
    assert_eq!(
        post(series(BISCUIT, "2024-01-01", "2024-02-11", "DAILY"))
            .await
            .json(),
        body
    );

    let answer = post(series(BISCUIT, "2024-01-01", "2024-02-12", "DAILY")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.json()["error"].is_string());

    let hourly = post(series(BISCUIT, "2024-03-01", "2024-03-07", "HOURLY"))
        .await
        .json();
    assert_eq!(
        hourly["activity_series"]["records"]
            .as_array()
            .unwrap()
            .len(),
        7 * 24
    );
    assert_eq!(
        hourly["activity_series"]["records"][13]["date"],
        "2024-03-01 13:00:00"
    );
    assert_eq!(
        post(series(BISCUIT, "2024-03-01", "2024-03-08", "HOURLY"))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    // A friend sees only the last 30 days: nothing from 2024.
    let friend = post(series(PEPPER, "2024-01-01", "2024-01-31", "DAILY"))
        .await
        .json();
    assert_eq!(friend["activity_series"]["records"], json!([]));

    for bad in [
        series(BISCUIT, "2024-02-01", "2024-01-01", "DAILY"),
        series(BISCUIT, "2024-02-30", "2024-03-01", "DAILY"),
        series(BISCUIT, "2024-01-01", "2024-01-02", "WEEKLY"),
        json!({ "slug": BISCUIT }),
    ] {
        assert_eq!(post(bad).await.status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        post(series("nobody", "2024-01-01", "2024-01-02", "DAILY"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // JSON bodies need their content type.
    let request = Request::post("/api/v2/activity_series")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(
            series(BISCUIT, "2024-01-01", "2024-01-02", "DAILY").to_string(),
        ))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn api_answers_cors_preflight() {
    let app = app();
    let api = [
        "/api/v2/user",
        "/api/v2/activity_series",
        "/oauth/token/info",
    ];
    for path in api {
        assert_open_preflight(&app, path).await;
        let answer = send(&app, preflight(path, "GET")).await;
        let allowed = answer
            .header("access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(allowed.contains("authorization") && allowed.contains("content-type"));
    }
}

#[tokio::test]
async fn counters_reset_and_settings() {
    let app = app();
    assert_eq!(
        sandbox_counters(&app).await,
        json!({ "authorization_code": 0, "refresh_token": 0, "client_credentials": 0 })
    );
    user_tokens(&app).await;
    send(
        &app,
        post_form("/oauth/token", &[("grant_type", "client_credentials")]),
    )
    .await;
    set(
        &app,
        json!({ "pkce": "enforce", "accessTokenTtlSeconds": 2, "deny": "redirect" }),
    )
    .await;
    assert_eq!(
        sandbox_counters(&app).await,
        json!({ "authorization_code": 1, "refresh_token": 0, "client_credentials": 1 })
    );
    let answer = send(&app, post_empty("/__sandbox/reset")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        sandbox_counters(&app).await,
        json!({ "authorization_code": 0, "refresh_token": 0, "client_credentials": 0 })
    );
    assert_eq!(
        send(&app, get("/__sandbox/settings")).await.json(),
        json!({ "accessTokenTtlSeconds": 31_536_000, "pkce": "ignore", "coop": false })
    );
    let answer = set(&app, json!({ "pkce": "sometimes" })).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = set(&app, json!([1, 2])).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn coop_header_only_when_switched_on() {
    const COOP: &str = "cross-origin-opener-policy";
    let app = app();
    let answers = |app: Router| async move {
        let page = send(
            &app,
            get(&format!("/oauth/authorize?{}", authorize_query(&[]))),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        let unknown = send(&app, get("/oauth/authorize?client_id=nobody")).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
        let authorized = decide(&app, "authorize", &[]).await;
        assert_eq!(authorized.status, StatusCode::FOUND);
        let denied = decide(&app, "deny", &[]).await;
        assert_eq!(denied.status, StatusCode::FOUND);
        [page, unknown, authorized, denied]
    };
    for answer in answers(app.clone()).await {
        assert_eq!(answer.header(COOP), None);
    }
    let answer = set(&app, json!({ "coop": true })).await;
    assert_eq!(answer.json()["coop"], true);
    for answer in answers(app.clone()).await {
        assert_eq!(answer.header(COOP).as_deref(), Some("same-origin"));
    }
    // The token endpoint and the API are not pages: no header there.
    let tokens = user_tokens(&app).await;
    let user = get_as(&app, "/api/v2/user", access_token(&tokens)).await;
    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(user.header(COOP), None);
}
