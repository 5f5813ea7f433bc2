//! Browser tests of the FitBark redirect flow in this page: `authorizeUrl()` stores a transaction;
//! with the provider's answer in the address bar, `completeAuthorization()` cleans the address at
//! once, checks the state, and exchanges the code with the PKCE verifier through the app's token
//! endpoint; a forged or state-less answer and the provider's refusal exchange nothing.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::core::pkce::fingerprint;
use fitconnect::web::storage;
use fitconnect::FitBark;
use js_sys::{Array, Reflect};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The redirect flow in this page: `authorizeUrl()` stores a transaction; with the provider's
/// answer in the address bar, `completeAuthorization()` cleans the address at once, checks the
/// state, and exchanges the code with the PKCE verifier through the app's token endpoint.
#[wasm_bindgen_test]
async fn fitbark_redirect_round_trip() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let address = window.location().href().unwrap();
    let token_url = [
        window.location().origin().unwrap().as_str(),
        "/broker/fitbark/token",
    ]
    .concat();
    let spec = js(
        "{ status: 200, body: JSON.stringify({ access_token: 'fb-at', token_type: 'Bearer', refresh_token: 'fb-rt', expires_in: 31536000 }) }",
    );
    Reflect::set(&spec, &"tokenUrl".into(), &token_url.as_str().into()).unwrap();
    let result = with_fake_fetch(spec, async |log| fitbark_redirect(log, &history).await).await;
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&address))
        .unwrap();
    let (session_key, tx_key) = fitbark_keys();
    storage::remove(&session_key);
    storage::remove(&tx_key);
    result.unwrap();
}

async fn fitbark_redirect(log: &JsValue, history: &web_sys::History) -> Result<(), String> {
    let location = web_sys::window().unwrap().location();
    let origin = location.origin().unwrap();
    let client = FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    let (session_key, tx_key) = fitbark_keys();
    let go = |query: &str| {
        history
            .replace_state_with_url(&JsValue::NULL, "", Some(&["/", query].concat()))
            .unwrap()
    };

    // An answer that no sign-in here asked for.
    storage::remove(&tx_key);
    go("?code=x&state=forged");
    assert!(client.has_authorization_response());
    rejection(client.complete_authorization(), "state_mismatch").await;

    let url = web_sys::Url::new(&client.authorize_url().map_err(|e| format!("{e:?}"))?).unwrap();
    let params = url.search_params();
    assert_eq!(
        [url.origin(), url.pathname()].concat(),
        "https://app.fitbark.com/oauth/authorize"
    );
    assert_eq!(params.get("redirect_uri"), Some(format!("{origin}/")));
    assert_eq!(params.get("code_challenge_method").as_deref(), Some("S256"));
    let state = params.get("state").unwrap();
    let challenge = params.get("code_challenge").unwrap();
    assert!(storage::read(&tx_key).is_some());

    go(&format!("?keep=1&code=c%C3%B6de&state={state}#frag"));
    assert!(client.has_authorization_response());
    let first = client.complete_authorization();
    // The address is clean before anything is awaited, and the transaction is spent.
    assert_eq!(location.search().unwrap(), "?keep=1");
    assert_eq!(location.hash().unwrap(), "#frag");
    assert_eq!(storage::read(&tx_key), None);
    assert!(!client.has_authorization_response());
    // React StrictMode calls it twice: the same promise, one exchange.
    let second = client.complete_authorization();
    assert!(js_sys::Object::is(&first, &second));
    let session = settle(first)
        .await
        .map_err(|e| format!("exchange rejected: {:?}", text(&e, "message")))?;
    assert_eq!(text(&session, "accessToken").as_deref(), Some("fb-at"));
    assert_eq!(text(&session, "tokenType").as_deref(), Some("bearer"));
    assert_eq!(text(&session, "refreshToken").as_deref(), Some("fb-rt"));
    assert_eq!(
        text(&stored(&session_key), "accessToken").as_deref(),
        Some("fb-at")
    );

    assert_eq!(get(log, "tokenRequests").as_f64(), Some(1.0));
    let call = get(log, "calls").unchecked_into::<Array>().get(0);
    assert_eq!(text(&call, "method").as_deref(), Some("POST"));
    let body = js_sys::JSON::parse(&text(&call, "body").unwrap_or_default())
        .map_err(|e| format!("body is not JSON: {e:?}"))?;
    assert_eq!(
        text(&body, "grant_type").as_deref(),
        Some("authorization_code")
    );
    assert_eq!(text(&body, "code").as_deref(), Some("cöde"));
    assert_eq!(text(&body, "client_id").as_deref(), Some("cid"));
    assert_eq!(text(&body, "redirect_uri"), Some(format!("{origin}/")));
    let verifier = text(&body, "code_verifier").unwrap_or_default();
    assert_eq!(verifier.len(), 43);
    assert_eq!(
        fingerprint(&verifier),
        challenge,
        "S256(verifier) is the challenge"
    );
    assert!(!has(&body, "client_secret"));

    // The provider's refusal, for a sign-in started here.
    let state = web_sys::Url::new(&client.authorize_url().map_err(|e| format!("{e:?}"))?)
        .unwrap()
        .search_params()
        .get("state")
        .unwrap();
    go(&format!("?error=access_denied&state={state}"));
    rejection(client.complete_authorization(), "access_denied").await;
    assert_eq!(get(log, "tokenRequests").as_f64(), Some(1.0), "no exchange");
    Ok(())
}

/// A redirect back with a `code` but no `state` is an authorization response: `state_mismatch`,
/// nothing exchanged, the code gone from the address bar.
#[wasm_bindgen_test]
async fn a_code_without_state_is_a_state_mismatch_and_is_cleaned_away() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let address = window.location().href().unwrap();
    let log = fake_fetch(js("{ status: 200, body: '{}' }"));
    let client = FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' }",
    ))
    .unwrap();
    let (_, tx_key) = fitbark_keys();
    client.authorize_url().unwrap();
    assert!(storage::read(&tx_key).is_some());
    history
        .replace_state_with_url(&JsValue::NULL, "", Some("/?keep=1&code=stolen"))
        .unwrap();
    let has = client.has_authorization_response();
    let outcome = settle(client.complete_authorization()).await;
    let search = window.location().search().unwrap();
    restore_fetch();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&address))
        .unwrap();
    assert!(has, "a code alone is an authorization response");
    assert_error(&outcome.unwrap_err(), "state_mismatch");
    assert_eq!(search, "?keep=1");
    assert_eq!(
        get(&log, "calls.length").as_f64(),
        Some(0.0),
        "nothing exchanged"
    );
    assert_eq!(storage::read(&tx_key), None, "the sign-in is spent");
}
