//! Browser tests of the wasm exports and the core functions they run, in headless Chromium:
//! strings cross the JavaScript boundary (UTF-16 to UTF-8 and back, non-ASCII included), calls are
//! written by the SDK's own `pack` (js/wire.js), randomness comes from `crypto.getRandomValues`,
//! and the answers parse with the browser's own `JSON.parse`.
#![cfg(target_arch = "wasm32")]

use fitconnect::core::api;
use fitconnect::core::wire::{self, Item};
use fitconnect::wasm;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function randomBytes(n) {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return bytes;
}
export function text(name) {
  return {
    search: '?token=' + encodeURIComponent('tøken 😀') + '&user_id=' + encodeURIComponent('Ωmega'),
  }[name];
}
// Calls as js/sdk.js makes them.
export function call(name) {
  return {
    popup: ['popupCallback', 'fitrankings', '?token=' + encodeURIComponent('tøken 😀') + '&user_id=1', ''],
    begin: ['begin', { provider: 'fitbark', baseUrl: 'https://app.fitbark.com', clientId: 'c', skewMs: 0, tokenUrl: '/t',
      tokenStyle: 'json', redirectUri: 'https://app.example/', pkce: true }, Array.from(crypto.getRandomValues(new Uint8Array(64))), Date.now()],
    session: ['loadSession', 'fitrankings', JSON.parse('{"provider":"fitrankings","accessToken":"tøken 😀","tokenType":"bearer","scope":null}')],
    nothing: ['nothing'],
  }[name];
}
// The byte arrays js/wire.js writes, joined.
export function concat(parts) {
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return bytes;
}
export function field(json, path) {
  let v = JSON.parse(json);
  for (const p of path.split('.')) v = v == null ? undefined : v[p];
  return v === undefined ? '<undefined>' : (typeof v === 'string' ? v : JSON.stringify(v));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = randomBytes)]
    fn random_bytes(n: u32) -> Vec<u8>;
    fn text(name: &str) -> String;
    fn call(name: &str) -> JsValue;
    fn concat(parts: JsValue) -> Vec<u8>;
    /// A member of the JSON text, read with `JSON.parse`: strings as they are, anything else as
    /// JSON, `<undefined>` when absent.
    fn field(json: &str, path: &str) -> String;
}

#[wasm_bindgen(module = "/js/wire.js")]
extern "C" {
    /// The SDK's writer of calls.
    fn pack(value: JsValue) -> JsValue;
}

const NOW: f64 = 1_700_000_000_000.0;

/// JSON text as the SDK hands it to the core: parsed, then written as a call's argument.
fn v(text: &str) -> Item<'static> {
    wire::read(Vec::leak(wire::argument(text).unwrap())).unwrap()
}

/// A FitBark client configuration as js/sdk.js builds it.
fn fitbark(pkce: bool) -> Item<'static> {
    let pkce = if pkce { "true" } else { "false" };
    v(&format!(
        r#"{{"provider":"fitbark","baseUrl":"https://app.fitbark.com","clientId":"cid","skewMs":0,"tokenUrl":"/broker/fitbark/token","tokenStyle":"json","redirectUri":"https://app.example/","pkce":{pkce}}}"#
    ))
}

/// A call of `call()` in the bytes the SDK writes.
fn written(name: &str) -> Vec<u8> {
    concat(pack(call(name)))
}

/// Runs a call through the three exports, as js/core.js does.
fn run(bytes: &[u8]) -> String {
    let ptr = wasm::reserve(bytes.len());
    // SAFETY: `ptr` has room for `bytes.len()` bytes; `call` takes them back, and its answer is
    // read and then freed once.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len());
        let answer = wasm::call(ptr, bytes.len());
        let len = u32::from_le_bytes(*(answer as *const [u8; 4])) as usize;
        let text =
            String::from_utf8(core::slice::from_raw_parts(answer.add(4), len).to_vec()).unwrap();
        wasm::free(answer);
        text
    }
}

#[wasm_bindgen_test]
fn non_ascii_round_trips_through_endpoints() {
    let endpoints = api::endpoints(
        "fitrankings",
        "",
        "Zoë 🏃 app",
        "https://app.example/cb?ü=1",
        "",
        "",
    );
    assert_eq!(
        field(&endpoints, "popupUrl"),
        "https://api.fitrankings.com/iq/oauth2/?client_id=Zo%C3%AB%20%F0%9F%8F%83%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb%3F%C3%BC%3D1"
    );
    assert_eq!(field(&endpoints, "baseUrl"), "https://api.fitrankings.com");
}

#[wasm_bindgen_test]
fn non_ascii_round_trips_through_popup_callback() {
    let session = api::popup_callback("fitrankings", &text("search"), "");
    assert_eq!(field(&session, "accessToken"), "tøken 😀");
    assert_eq!(field(&session, "userId"), "Ωmega");
    assert_eq!(field(&session, "provider"), "fitrankings");
    let again = api::load_session("fitrankings", v(&session));
    assert_eq!(again, session);
}

#[wasm_bindgen_test]
fn begin_with_browser_randomness_gives_fresh_states() {
    let config = fitbark(true);
    let a = api::begin(config, &random_bytes(64), NOW);
    let b = api::begin(config, &random_bytes(64), NOW);
    let (sa, sb) = (field(&a, "state"), field(&b, "state"));
    assert_eq!(sa.len(), 43);
    assert_ne!(sa, sb);
    let url = field(&a, "url");
    assert!(url.starts_with("https://app.fitbark.com/oauth/authorize?response_type=code&client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2F&state="));
    assert!(url.contains("&code_challenge_method=S256"));
    assert_ne!(
        field(&field(&a, "tx"), "verifier"),
        field(&field(&b, "tx"), "verifier")
    );
    assert_eq!(
        field(&api::begin(config, &random_bytes(32), NOW), "error"),
        "invalid_config"
    );
}

/// RFC 7636 appendix B: the verifier's octets, and the challenge the authorise URL must carry.
#[wasm_bindgen_test]
fn rfc7636_vector_through_the_exports() {
    let verifier_octets = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let mut random = vec![7u8; 32];
    random.extend_from_slice(&verifier_octets);
    let started = api::begin(fitbark(true), &random, NOW);
    let tx = field(&started, "tx");
    assert_eq!(
        field(&tx, "verifier"),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    assert!(field(&started, "url")
        .contains("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&"));
    assert_eq!(
        api::fingerprint("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );

    let search = format!("?code=c%C3%B6de&state={}", field(&started, "state"));
    let inspected = api::inspect(&search);
    assert_eq!(field(&inspected, "response"), "true");
    assert_eq!(field(&inspected, "clean"), "");
    let done = api::complete(fitbark(true), &search, v(&tx), NOW + 1000.0);
    let body = field(&done, "body");
    assert_eq!(field(&body, "code"), "cöde");
    assert_eq!(
        field(&body, "code_verifier"),
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    let replay = api::complete(fitbark(true), &search, wire::NULL, NOW);
    assert_eq!(field(&replay, "error"), "state_mismatch");
    assert_eq!(field(&replay, "provider"), "fitbark");
}

#[wasm_bindgen_test]
fn without_pkce_there_is_no_challenge() {
    let started = api::begin(fitbark(false), &random_bytes(64), NOW);
    assert!(!field(&started, "url").contains("code_challenge"));
    assert_eq!(field(&field(&started, "tx"), "verifier"), "<undefined>");
}

#[wasm_bindgen_test]
fn token_response_shapes() {
    let session = api::token_response(
        "fitbark",
        200,
        v(
            r#"{"access_token":"äccess","token_type":"Bearer","expires_in":3600,"refresh_token":"rt"}"#,
        ),
        NOW,
        wire::NULL,
    );
    assert_eq!(field(&session, "accessToken"), "äccess");
    assert_eq!(field(&session, "tokenType"), "bearer");
    assert_eq!(field(&session, "expiresAt"), "1700003600000");
    assert_eq!(field(&session, "refreshToken"), "rt");

    let rotated = api::token_response(
        "fitbark",
        200,
        v(r#"{"access_token":"new","token_type":"bearer"}"#),
        NOW,
        v(&session),
    );
    assert_eq!(field(&rotated, "refreshToken"), "rt");

    let error = api::token_response(
        "openfit",
        400,
        v(r#"{"error":"invalid_grant","error_description":"Wrong password"}"#),
        NOW,
        wire::NULL,
    );
    assert_eq!(field(&error, "error"), "oauth_error");
    assert_eq!(field(&error, "status"), "400");
    assert_eq!(field(&error, "provider"), "openfit");
    assert_eq!(field(&error, "oauthError"), "invalid_grant");
    assert_eq!(field(&error, "description"), "Wrong password");
}

#[wasm_bindgen_test]
fn challenge_shapes() {
    assert_eq!(api::challenge(401, ""), r#"{"retry":true}"#);
    assert_eq!(api::challenge(403, ""), r#"{"retry":false}"#);
    let fail = api::challenge(403, r#"Bearer error="insufficient_scope", scope="dögs""#);
    assert_eq!(field(&fail, "error"), "http_error");
    assert_eq!(field(&fail, "status"), "403");
    assert_eq!(field(&fail, "scope"), "dögs");
}

#[wasm_bindgen_test]
fn the_exports_run_calls_written_by_the_sdk() {
    let session = run(&written("popup"));
    assert_eq!(field(&session, "accessToken"), "tøken 😀");
    assert_eq!(field(&session, "userId"), "1");
    let started = run(&written("begin"));
    assert_eq!(field(&started, "state").len(), 43, "{started}");
    assert!(field(&started, "url").starts_with("https://app.fitbark.com/oauth/authorize?"));
    let stored = run(&written("session"));
    assert_eq!(
        stored,
        r#"{"provider":"fitrankings","accessToken":"tøken 😀","tokenType":"bearer"}"#
    );
    assert_eq!(field(&run(&written("nothing")), "error"), "invalid_config");
    assert_eq!(field(&run(b""), "error"), "invalid_config");
}
