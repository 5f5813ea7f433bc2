//! Browser tests of the glue: sessionStorage, Bearer fetch against the running sandbox, and the
//! refusal to send a token anywhere else. Run in headless Chromium by `scripts/test.sh`, which
//! starts the sandbox first (its FitRankings origin is baked in at compile time).
#![cfg(target_arch = "wasm32")]

use fitconnect::{FitBark, FitRankings};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FITRANKINGS: &str = match option_env!("FITCONNECT_TEST_FITRANKINGS") {
    Some(url) => url,
    None => "http://127.0.0.1:28081",
};
const FITBARK: &str = match option_env!("FITCONNECT_TEST_FITBARK") {
    Some(url) => url,
    None => "http://127.0.0.1:28082",
};

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn get(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap()
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).unwrap();
    }
    o.into()
}

fn fitrankings() -> FitRankings {
    FitRankings::new(options(&[
        ("clientId", "fitconnect-demo"),
        ("callbackUri", "http://127.0.0.1/callback.html"),
        ("baseUrl", FITRANKINGS),
    ]))
    .unwrap()
}

async fn rejection(promise: Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .expect_err("the promise should reject")
}

fn assert_sdk_error(error: &JsValue, code: &str) {
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(
        get(error, "name").as_string().as_deref(),
        Some("FitConnectError")
    );
    assert_eq!(get(error, "code").as_string().as_deref(), Some(code));
}

/// A user token from the sandbox's test endpoint (the consent page needs a person).
async fn sandbox_user_token() -> (String, String) {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let window = web_sys::window().unwrap();
    let url = format!("{FITRANKINGS}/__sandbox/issue-token");
    let request = web_sys::Request::new_with_str_and_init(&url, &init).unwrap();
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .expect("the sandbox must be running")
        .unchecked_into();
    assert_eq!(response.status(), 200);
    let body = JsFuture::from(response.json().unwrap()).await.unwrap();
    (
        get(&body, "token").as_string().unwrap(),
        get(&body, "user_id").as_string().unwrap(),
    )
}

fn store_fitrankings_session(token: &str, user_id: &str) {
    let json = format!(
        r#"{{"provider":"fitrankings","accessToken":"{token}","tokenType":"bearer","userId":"{user_id}"}}"#
    );
    storage()
        .set_item("fitconnect:session:fitrankings", &json)
        .unwrap();
}

#[wasm_bindgen_test]
fn session_round_trip_and_change_events() {
    storage().clear().unwrap();
    let fr = fitrankings();
    assert!(fr.session().is_null());
    store_fitrankings_session("tok-123", "42");
    let session = fr.session();
    assert_eq!(
        get(&session, "accessToken").as_string().as_deref(),
        Some("tok-123")
    );
    assert_eq!(get(&session, "userId").as_string().as_deref(), Some("42"));
    assert_eq!(
        get(&session, "provider").as_string().as_deref(),
        Some("fitrankings")
    );

    let seen = js_sys::Array::new();
    let seen_in_callback = seen.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |s: JsValue| {
        seen_in_callback.push(&s);
    });
    let unsubscribe = fr.on_session_change(callback.as_ref().unchecked_ref::<Function>().clone());
    // A second instance shares the session and the listeners.
    fitrankings().disconnect();
    assert_eq!(seen.length(), 1);
    assert!(seen.get(0).is_null());
    assert!(storage()
        .get_item("fitconnect:session:fitrankings")
        .unwrap()
        .is_none());
    assert!(fr.session().is_null());

    unsubscribe.call0(&JsValue::NULL).unwrap();
    store_fitrankings_session("tok-456", "42");
    fr.disconnect();
    assert_eq!(seen.length(), 1, "no call after unsubscribing");
}

#[wasm_bindgen_test]
fn corrupt_or_foreign_values_are_ignored_and_removed() {
    for bad in [
        "not json",
        "{}",
        r#"{"provider":"fitbark","accessToken":"x","tokenType":"bearer"}"#,
        r#"{"provider":"fitrankings","accessToken":7,"tokenType":"bearer"}"#,
    ] {
        storage()
            .set_item("fitconnect:session:fitrankings", bad)
            .unwrap();
        assert!(fitrankings().session().is_null(), "{bad}");
        assert!(storage()
            .get_item("fitconnect:session:fitrankings")
            .unwrap()
            .is_none());
    }
}

#[wasm_bindgen_test]
async fn bearer_fetch_reaches_the_sandbox() {
    storage().clear().unwrap();
    let (token, user_id) = sandbox_user_token().await;
    store_fitrankings_session(&token, &user_id);
    let fr = fitrankings();
    let response: web_sys::Response = JsFuture::from(fr.fetch("/iq/users/".into(), None))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 200);
    let users: js_sys::Array = JsFuture::from(response.json().unwrap())
        .await
        .unwrap()
        .unchecked_into();
    // A user token sees only its own user.
    assert_eq!(users.length(), 1);
    let id = get(&users.get(0), "id");
    assert_eq!(
        id.as_string()
            .or_else(|| id.as_f64().map(|n| n.to_string())),
        Some(user_id)
    );

    // A wrong token reaches the sandbox too, and its 401 comes back as a Response.
    store_fitrankings_session("not-a-token", "1");
    let response: web_sys::Response = JsFuture::from(fr.fetch("/iq/users/".into(), None))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 401);
}

#[wasm_bindgen_test]
async fn token_is_never_sent_to_another_origin() {
    storage().clear().unwrap();
    store_fitrankings_session("secret-token", "1");
    let fr = fitrankings();
    let https_variant = FITRANKINGS.replacen("http://", "https://", 1);
    let elsewhere = [
        format!("{FITBARK}/api/v2/user"),
        "//evil.example/iq/users/".to_string(),
        "https://evil.example/iq/users/".to_string(),
        format!("{https_variant}/iq/users/"),
        "javascript:alert(1)".to_string(),
    ];
    for url in elsewhere {
        let error = rejection(fr.fetch(url.clone().into(), None)).await;
        assert_sdk_error(&error, "invalid_config");
        let message = get(&error, "message").as_string().unwrap();
        assert!(!message.contains("secret-token"), "{url}: {message}");
    }
    let error = rejection(fr.fetch(JsValue::from_f64(1.0), None)).await;
    assert_sdk_error(&error, "invalid_config");
}

#[wasm_bindgen_test]
async fn fetch_without_a_session_is_not_connected() {
    storage().clear().unwrap();
    let error = rejection(fitrankings().fetch("/iq/users/".into(), None)).await;
    assert_sdk_error(&error, "not_connected");
    assert_eq!(
        get(&error, "provider").as_string().as_deref(),
        Some("fitrankings")
    );
}

#[wasm_bindgen_test]
fn constructors_refuse_bad_options_and_secrets() {
    let code = |e: JsValue| get(&e, "code").as_string().unwrap();
    let e = FitRankings::new(options(&[("clientId", "a")]))
        .err()
        .unwrap();
    assert_eq!(code(e), "invalid_config");
    let e = FitRankings::new(options(&[
        ("clientId", "a"),
        ("callbackUri", "https://app/cb"),
        ("clientSecret", "s3cret"),
    ]))
    .err()
    .unwrap();
    assert_sdk_error(&e, "invalid_config");
    assert!(!get(&e, "message").as_string().unwrap().contains("s3cret"));
    let e = FitBark::new(options(&[
        ("clientId", "a"),
        ("redirectUri", "https://app/"),
        ("tokenEndpoint", "https://app/token"),
        ("baseUrl", "ftp://fitbark"),
    ]))
    .err()
    .unwrap();
    assert_eq!(code(e), "invalid_config");
    let e = FitRankings::new(JsValue::from_str("nope")).err().unwrap();
    assert_eq!(code(e), "invalid_config");
}

#[wasm_bindgen_test]
fn fitbark_authorize_url_carries_state_and_pkce() {
    storage().clear().unwrap();
    let fb = FitBark::new(options(&[
        ("clientId", "fitconnect-demo"),
        ("redirectUri", "http://127.0.0.1:8080/"),
        (
            "tokenEndpoint",
            "http://127.0.0.1:8080/broker/fitbark/token",
        ),
        ("baseUrl", FITBARK),
    ]))
    .unwrap();
    let first = web_sys::Url::new(&fb.authorize_url().unwrap()).unwrap();
    let params = first.search_params();
    assert_eq!(params.get("response_type").as_deref(), Some("code"));
    assert_eq!(params.get("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(params.get("code_challenge").unwrap().len(), 43);
    let state = params.get("state").unwrap();
    assert_eq!(state.len(), 43, "256 bits of state");
    let tx = storage()
        .get_item("fitconnect:tx:fitbark")
        .unwrap()
        .unwrap();
    assert!(tx.contains(&state));
    // Each authorisation gets fresh randomness.
    let second = web_sys::Url::new(&fb.authorize_url().unwrap()).unwrap();
    assert_ne!(second.search_params().get("state").unwrap(), state);
    assert_ne!(
        second.search_params().get("code_challenge"),
        params.get("code_challenge")
    );
}

const PERFECTGYM: &str = match option_env!("FITCONNECT_TEST_PERFECTGYM") {
    Some(url) => url,
    None => "http://127.0.0.1:28083",
};

fn credentials(username: &str, password: &str) -> JsValue {
    options(&[("username", username), ("password", password)])
}

fn perfectgym() -> fitconnect::PerfectGym {
    fitconnect::PerfectGym::new(options(&[("baseUrl", PERFECTGYM)])).unwrap()
}

#[wasm_bindgen_test]
async fn perfectgym_password_login_and_fetch() {
    storage().clear().unwrap();
    let gym = perfectgym();
    let session =
        JsFuture::from(gym.login(credentials("member@perfectgym.test", "gym-member-pass")))
            .await
            .unwrap();
    assert_eq!(
        get(&session, "provider").as_string().as_deref(),
        Some("perfectgym")
    );
    assert!(
        get(&session, "refreshToken").is_undefined(),
        "PerfectGym issues none"
    );
    let expires_at = get(&session, "expiresAt").as_f64().unwrap();
    let ninety_days_ms = 7_775_999_000.0;
    assert!((expires_at - js_sys::Date::now() - ninety_days_ms).abs() < 60_000.0);
    // Stored, and nothing of the password anywhere in storage.
    let stored = storage()
        .get_item("fitconnect:session:perfectgym")
        .unwrap()
        .unwrap();
    assert!(!stored.contains("gym-member-pass"));
    let response: web_sys::Response =
        JsFuture::from(gym.fetch("/Api/Classes/Classes".into(), None))
            .await
            .unwrap()
            .unchecked_into();
    assert_eq!(response.status(), 200);
    let body = JsFuture::from(response.json().unwrap()).await.unwrap();
    assert!(get(&body, "elements").is_instance_of::<js_sys::Array>());
}

#[wasm_bindgen_test]
async fn perfectgym_wrong_password_is_a_readable_oauth_error() {
    storage().clear().unwrap();
    let error =
        rejection(perfectgym().login(credentials("member@perfectgym.test", "wrong-Pa55"))).await;
    assert_sdk_error(&error, "oauth_error");
    assert_eq!(
        get(&error, "oauthError").as_string().as_deref(),
        Some("invalid_grant")
    );
    assert_eq!(get(&error, "status").as_f64(), Some(400.0));
    assert!(get(&error, "description").as_string().is_some());
    let message = get(&error, "message").as_string().unwrap();
    assert!(!message.contains("wrong-Pa55"), "{message}");
    assert!(
        perfectgym().session().is_null(),
        "no session after a failed login"
    );
    // Missing fields are refused before any request.
    let error = rejection(perfectgym().login(credentials("member@perfectgym.test", ""))).await;
    assert_sdk_error(&error, "invalid_config");
}

#[wasm_bindgen_test]
async fn expired_session_without_refresh_token_is_cleared() {
    storage().clear().unwrap();
    storage()
        .set_item(
            "fitconnect:session:perfectgym",
            r#"{"provider":"perfectgym","accessToken":"old","tokenType":"bearer","expiresAt":1000}"#,
        )
        .unwrap();
    let gym = perfectgym();
    let error = rejection(gym.fetch("/Api/Classes/Classes".into(), None)).await;
    assert_sdk_error(&error, "not_connected");
    assert!(gym.session().is_null());
}
