//! Browser tests of the web layer and the exported classes, in headless Chromium: storage and
//! its memory fallback, randomness, the `FitConnectError` conversion, the Bearer `fetch` origin
//! policy, refresh (single-flight, on a 401, failures, adopted from another tab), the FitBark
//! redirect, BroadcastChannel and Web Locks, the popup (`connect()` and `popup::wait`), and
//! options crossing from JavaScript.
//!
//! All tests share one page and run one after another in an unspecified order. So every test
//! seeds and reads sessions through `fitconnect::web::storage` (which keeps working once the
//! storage fallback, permanent for the page, has been switched on: only the storage test checks
//! `sessionStorage` itself, before it switches), and restores whatever it patches (`fetch`,
//! `window.open`, `Storage.prototype.setItem`, the address) when it ends; each patch helper also
//! undoes a leftover patch from a test that failed half-way.
//!
//! No test touches the network: `fetch` is replaced by a fake that answers `https://api.example`
//! and the token endpoint under test, and refuses everything else; the popup opens on this
//! page's own origin.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use fitconnect::core::pkce::fingerprint;
use fitconnect::core::{Error, ErrorCode};
use fitconnect::web::{broadcast, crypto, error::to_js, locks, popup, storage};
use fitconnect::{Fisikal, FitBark, FitRankings, OpenFit, PerfectGym};
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
// A JavaScript expression, evaluated in the page (options objects read like the README's).
export function js(code) {
  return (0, eval)('(' + code + ')');
}

export function sessionStorageItem(key) {
  return sessionStorage.getItem(key);
}

// Storage.prototype.setItem that throws, as with a full quota or blocked site data.
export function breakSetItem() {
  if (!globalThis.__fcSetItem) globalThis.__fcSetItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function () {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
}
export function restoreSetItem() {
  if (globalThis.__fcSetItem) {
    Storage.prototype.setItem = globalThis.__fcSetItem;
    delete globalThis.__fcSetItem;
  }
}
export function setItemWorks() {
  try {
    sessionStorage.setItem('fitconnect:test:probe', '1');
    sessionStorage.removeItem('fitconnect:test:probe');
    return true;
  } catch (e) {
    return false;
  }
}

// Counts the window events called `name` from now on.
export function countEvents(name) {
  const counter = { count: 0 };
  window.addEventListener(name, () => { counter.count += 1; });
  return counter;
}

// A fetch that never reaches the network. It records every request (URL, method, Authorization,
// body) and answers:
// - the token endpoint (`spec.tokenUrl`, by default https://ids.example/connect/token):
//   `spec.status` with `spec.body`, after `spec.delayMs`;
// - https://api.example/admin...: 403 with an `insufficient_scope` challenge;
// - https://api.example/... with `Authorization: spec.rejected`: 401 `invalid_token`;
// - https://api.example/... otherwise: 200 {"ok":true};
// - anything else: a network error.
// gloo-net calls the global `fetch`, so replacing it is enough.
export function fakeFetch(spec) {
  restoreFetch();
  globalThis.__fcFetch = globalThis.fetch;
  const log = { calls: [], tokenRequests: 0 };
  globalThis.fetch = async function (input, init) {
    const request = new Request(input, init);
    const call = {
      url: request.url,
      method: request.method,
      authorization: request.headers.get('Authorization'),
      body: request.method === 'GET' ? '' : await request.clone().text(),
    };
    log.calls.push(call);
    if (request.url === (spec.tokenUrl || 'https://ids.example/connect/token')) {
      log.tokenRequests += 1;
      await new Promise((resolve) => setTimeout(resolve, spec.delayMs || 0));
      return new Response(spec.body, {
        status: spec.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    if (request.url.startsWith('https://api.example/admin')) {
      return new Response('', {
        status: 403,
        headers: { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' },
      });
    }
    if (request.url.startsWith('https://api.example/')) {
      if (spec.rejected && call.authorization === spec.rejected) {
        return new Response('', {
          status: 401,
          headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        });
      }
      return new Response('{"ok":true}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    throw new TypeError('fitconnect tests: no network for ' + request.url);
  };
  return log;
}
export function restoreFetch() {
  if (globalThis.__fcFetch) {
    globalThis.fetch = globalThis.__fcFetch;
    delete globalThis.__fcFetch;
  }
}

// Records the window that window.open returns.
export function spyWindowOpen() {
  restoreWindowOpen();
  globalThis.__fcOpen = window.open;
  const spy = { opened: null, calls: 0 };
  window.open = function (...args) {
    const opened = globalThis.__fcOpen.apply(this, args);
    spy.calls += 1;
    spy.opened = opened;
    return opened;
  };
  return spy;
}
export function restoreWindowOpen() {
  if (globalThis.__fcOpen) {
    window.open = globalThis.__fcOpen;
    delete globalThis.__fcOpen;
  }
}

// What a callback page does in the popup: a script of the popup's own posts to its opener.
// Runs while the popup still shows its initial about:blank (of this origin): the runner answers
// the sign-in URL with an empty 404, which Chromium replaces with its own (cross-origin) error page.
// Answers whether the popup could be written to.
export function reportFromPopup(popup, search, hash) {
  const message = { type: 'fitconnect:callback', search, hash };
  try {
    popup.document.open();
    popup.document.write('<script>opener.postMessage(' + JSON.stringify(message) + ', '
      + JSON.stringify(location.origin) + ')<\/script>');
    popup.document.close();
    return true;
  } catch (e) {
    return false;
  }
}
export function closeWindow(w) {
  if (w && !w.closed) w.close();
}

export function addFrame() {
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  return frame;
}
export function frameWindow(frame) {
  return frame.contentWindow;
}
export function removeFrame(frame) {
  frame.remove();
}
// After `delayMs`, the frame loads a document whose script posts `message` to this page: the
// event's `source` is the frame's window.
export function postFromFrameLater(frame, message, delayMs) {
  setTimeout(() => {
    frame.srcdoc = '<script>parent.postMessage(' + JSON.stringify(message) + ', '
      + JSON.stringify(location.origin) + ')<\/script>';
  }, delayMs);
}
// After `delayMs`, this window posts `message` to itself: the event's `source` is this window.
export function postFromTopLater(message, delayMs) {
  setTimeout(() => window.postMessage(message, location.origin), delayMs);
}
// After `delayMs`, a message on the BroadcastChannel `name`.
export function broadcastLater(name, message, delayMs) {
  setTimeout(() => {
    const channel = new BroadcastChannel(name);
    channel.postMessage(message);
    channel.close();
  }, delayMs);
}

export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

// Resolves once the Web Lock `name` is held by this page; it is released `ms` later (as another
// tab holding it would).
// Another tab that wins a refresh: it holds the refresh lock `holdMs`, marks the refresh token
// spent (the lock `mark`, held for good) before letting the lock go, and its announcement reaches
// this tab only `announceMs` after it started: late.
export function winningTab(refreshLock, mark, holdMs, message, announceMs) {
  return new Promise((acquired) => {
    navigator.locks.request(refreshLock, async () => {
      acquired();
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      await new Promise((marked) => navigator.locks.request(mark, () => { marked(); return new Promise(() => {}); }));
    });
    setTimeout(() => {
      const channel = new BroadcastChannel('fitconnect:rotation');
      channel.postMessage(message);
      channel.close();
    }, announceMs);
  });
}

// A fetch whose token endpoint answers 200 with a body that never ends; counts the bytes it gave.
export function endlessTokenAnswer(tokenUrl) {
  restoreFetch();
  globalThis.__fcFetch = globalThis.fetch;
  const log = { given: 0, tokenRequests: 0, calls: [] };
  globalThis.fetch = async function (input, init) {
    const request = new Request(input, init);
    log.calls.push(request.url);
    if (request.url !== tokenUrl) throw new TypeError('fitconnect tests: no network for ' + request.url);
    log.tokenRequests += 1;
    const body = new ReadableStream({
      pull(controller) {
        log.given += 16384;
        controller.enqueue(new Uint8Array(16384).fill(32));
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return log;
}

// Settles with `promise`'s outcome, or with the string 'still pending' after `ms`.
export function within(promise, ms) {
  return Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('still pending'), ms))]);
}

export function holdLock(name, ms) {
  return new Promise((acquired) => {
    navigator.locks.request(name, () => {
      acquired();
      return new Promise((release) => setTimeout(release, ms));
    });
  });
}

// A subscriber that records what it is called with.
export function recorder() {
  const calls = [];
  const f = (value) => { calls.push(value); };
  f.calls = calls;
  return f;
}
"#)]
extern "C" {
    fn js(code: &str) -> JsValue;
    #[wasm_bindgen(js_name = sessionStorageItem)]
    fn session_storage_item(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = breakSetItem)]
    fn break_set_item();
    #[wasm_bindgen(js_name = restoreSetItem)]
    fn restore_set_item();
    #[wasm_bindgen(js_name = setItemWorks)]
    fn set_item_works() -> bool;
    #[wasm_bindgen(js_name = countEvents)]
    fn count_events(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = fakeFetch)]
    fn fake_fetch(spec: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
    #[wasm_bindgen(js_name = spyWindowOpen)]
    fn spy_window_open() -> JsValue;
    #[wasm_bindgen(js_name = restoreWindowOpen)]
    fn restore_window_open();
    #[wasm_bindgen(js_name = reportFromPopup)]
    fn report_from_popup(popup: &JsValue, search: &str, hash: &str) -> bool;
    #[wasm_bindgen(js_name = closeWindow)]
    fn close_window(window: &JsValue);
    #[wasm_bindgen(js_name = addFrame)]
    fn add_frame() -> JsValue;
    #[wasm_bindgen(js_name = frameWindow)]
    fn frame_window(frame: &JsValue) -> web_sys::Window;
    #[wasm_bindgen(js_name = removeFrame)]
    fn remove_frame(frame: &JsValue);
    #[wasm_bindgen(js_name = postFromFrameLater)]
    fn post_from_frame_later(frame: &JsValue, message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = postFromTopLater)]
    fn post_from_top_later(message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = broadcastLater)]
    fn broadcast_later(name: &str, message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
    fn recorder() -> js_sys::Function;
    #[wasm_bindgen(js_name = holdLock)]
    fn hold_lock(name: &str, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = winningTab)]
    fn winning_tab(
        refresh_lock: &str,
        mark: &str,
        hold_ms: u32,
        message: JsValue,
        announce_ms: u32,
    ) -> Promise;
    #[wasm_bindgen(js_name = endlessTokenAnswer)]
    fn endless_token_answer(token_url: &str) -> JsValue;
    fn within(promise: &Promise, ms: u32) -> Promise;
}

/// The `sessionStorage` key of a FitRankings client (client id `c`) whose `baseUrl` is the
/// JavaScript expression `base`: sessions are stored per provider, API origin, token endpoint and
/// client id.
fn fitrankings_session(base: &str) -> String {
    let client = FitRankings::new(js(&format!(
        "{{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: {base} }}"
    )))
    .unwrap();
    text(&client.storage_keys(), "session").unwrap()
}

/// The session and transaction keys of the FitBark client of the redirect test.
fn fitbark_keys() -> (String, String) {
    let keys = FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' }",
    ))
    .unwrap()
    .storage_keys();
    (
        text(&keys, "session").unwrap(),
        text(&keys, "transaction").unwrap(),
    )
}

/// The session key of the [`openfit`] client.
fn openfit_session() -> String {
    text(&openfit().storage_keys(), "session").unwrap()
}

/// What the [`openfit`] client's session is bound to (`openfit:<fingerprint>`), as lock names and
/// announcements carry it.
fn openfit_binding() -> String {
    openfit_session()
        .strip_prefix("fitconnect:session:")
        .unwrap()
        .to_owned()
}

/// The member at a dotted `path` (`undefined` where any step is missing).
fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        if v.is_undefined() || v.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(value: &JsValue, path: &str) -> Option<String> {
    get(value, path).as_string()
}

fn number(value: &JsValue, path: &str) -> Option<f64> {
    get(value, path).as_f64()
}

fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &key.into()).unwrap_or(false)
}

/// Asserts that `error` is a `FitConnectError` with `code` (and answers it for more checks).
#[track_caller]
fn assert_error(error: &JsValue, code: &str) {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    assert_eq!(text(error, "name").as_deref(), Some("FitConnectError"));
    assert_eq!(
        text(error, "code").as_deref(),
        Some(code),
        "message: {:?}",
        text(error, "message")
    );
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

async fn sleep(ms: i32) {
    fitconnect::web::sleep(ms).await;
}

fn callback_message(search: &str, nonce: Option<&str>) -> JsValue {
    let message = js("{ type: 'fitconnect:callback', hash: '' }");
    Reflect::set(&message, &"search".into(), &search.into()).unwrap();
    if let Some(nonce) = nonce {
        Reflect::set(&message, &"nonce".into(), &nonce.into()).unwrap();
    }
    message
}

// --- storage -----------------------------------------------------------------------------------

/// One test for everything that depends on whether the page is in memory mode: the round trip
/// through sessionStorage first, the (permanent) switch to memory last.
#[wasm_bindgen_test]
fn storage_round_trip_then_memory_fallback() {
    restore_set_item();
    let already_in_memory = storage::in_memory();

    // Round trip.
    storage::write("fitconnect:test:a", "1 – ü 😀");
    assert_eq!(
        storage::read("fitconnect:test:a").as_deref(),
        Some("1 – ü 😀")
    );
    if !already_in_memory {
        assert_eq!(
            session_storage_item("fitconnect:test:a").as_deref(),
            Some("1 – ü 😀"),
            "written to sessionStorage itself"
        );
    }
    storage::write("fitconnect:test:a", "2");
    assert_eq!(storage::read("fitconnect:test:a").as_deref(), Some("2"));
    storage::remove("fitconnect:test:a");
    assert_eq!(storage::read("fitconnect:test:a"), None);
    assert_eq!(session_storage_item("fitconnect:test:a"), None);
    assert!(!storage::in_memory() || already_in_memory);

    // A client's session is what sessionStorage holds under its key.
    let raw = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let client = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: 'https://api.example' }",
    ))
    .unwrap();
    if !already_in_memory {
        raw.set_item(
            &fitrankings_session("'https://api.example'"),
            r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
        )
        .unwrap();
        assert_eq!(
            text(&client.session(), "accessToken").as_deref(),
            Some("tok")
        );
        assert_eq!(text(&client.session(), "userId").as_deref(), Some("1"));
        // Another provider's session under this key, or a broken one, is removed.
        raw.set_item(
            &fitrankings_session("'https://api.example'"),
            r#"{"provider":"fitbark","accessToken":"tok","tokenType":"bearer"}"#,
        )
        .unwrap();
        assert!(client.session().is_null());
        assert_eq!(
            session_storage_item(&fitrankings_session("'https://api.example'")),
            None
        );
        raw.set_item(&fitrankings_session("'https://api.example'"), "{not json")
            .unwrap();
        assert!(client.session().is_null());
        assert_eq!(
            session_storage_item(&fitrankings_session("'https://api.example'")),
            None
        );
        raw.set_item(
            &fitrankings_session("'https://api.example'"),
            r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
        )
        .unwrap();
        client.disconnect();
        assert_eq!(
            session_storage_item(&fitrankings_session("'https://api.example'")),
            None
        );
    }

    // Fallback: setItem throws from now on.
    let events = count_events(storage::FALLBACK_EVENT);
    break_set_item();
    storage::write("fitconnect:test:b", "kept");
    let in_memory = storage::in_memory();
    let read_b = storage::read("fitconnect:test:b");
    storage::write("fitconnect:test:c", "also kept");
    let read_c = storage::read("fitconnect:test:c");
    storage::remove("fitconnect:test:b");
    let removed_b = storage::read("fitconnect:test:b");
    restore_set_item();
    assert!(set_item_works(), "setItem restored");

    assert!(in_memory, "a failing setItem switches to memory");
    assert_eq!(read_b.as_deref(), Some("kept"));
    assert_eq!(read_c.as_deref(), Some("also kept"));
    assert_eq!(removed_b, None);
    assert_eq!(
        session_storage_item("fitconnect:test:c"),
        None,
        "nothing reached sessionStorage"
    );
    let expected_events = if already_in_memory { 0.0 } else { 1.0 };
    assert_eq!(
        number(&events, "count"),
        Some(expected_events),
        "the fallback is announced exactly once"
    );

    // Permanent for the page: writes stay in memory even with a working setItem again, and a
    // key the memory never saw is still read from sessionStorage.
    storage::write("fitconnect:test:d", "memory");
    assert!(storage::in_memory());
    assert_eq!(
        storage::read("fitconnect:test:d").as_deref(),
        Some("memory")
    );
    assert_eq!(session_storage_item("fitconnect:test:d"), None);
    raw.set_item("fitconnect:test:e", "from storage").unwrap();
    assert_eq!(
        storage::read("fitconnect:test:e").as_deref(),
        Some("from storage")
    );
    raw.remove_item("fitconnect:test:e").unwrap();
    storage::remove("fitconnect:test:c");
    storage::remove("fitconnect:test:d");
    assert_eq!(
        number(&events, "count"),
        Some(expected_events),
        "no second announcement"
    );
}

// --- crypto, errors ----------------------------------------------------------------------------

#[wasm_bindgen_test]
fn random_bytes_differ() {
    let a = crypto::random::<32>().unwrap();
    let b = crypto::random::<32>().unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0; 32]);
    // A nonce is 32 random bytes in base64url: 43 characters, fresh each time.
    let n1 = popup::new_nonce().unwrap();
    let n2 = popup::new_nonce().unwrap();
    assert_eq!(n1.len(), 43);
    assert_ne!(n1, n2);
    assert_eq!(storage::read(popup::NONCE_KEY), Some(n2));
    storage::remove(popup::NONCE_KEY);
}

#[wasm_bindgen_test]
fn core_errors_become_fitconnect_errors() {
    let e = to_js(
        Error::new(ErrorCode::HttpError, "The token endpoint failed")
            .for_provider("fitbark")
            .with_status(503),
    );
    assert_error(&e, "http_error");
    assert_eq!(
        text(&e, "message").as_deref(),
        Some("The token endpoint failed")
    );
    assert_eq!(text(&e, "provider").as_deref(), Some("fitbark"));
    assert_eq!(number(&e, "status"), Some(503.0));
    for absent in ["oauthError", "description", "scope"] {
        assert!(!has(&e, absent), "{absent} is not set");
    }
    assert!(text(&e, "stack").is_some(), "a real Error has a stack");
    let text_form = e
        .dyn_ref::<js_sys::Error>()
        .unwrap()
        .to_string()
        .as_string();
    assert_eq!(
        text_form.as_deref(),
        Some("FitConnectError: The token endpoint failed")
    );

    let e = to_js(
        Error::from_oauth("invalid_grant".into(), Some("Wrong password".into()))
            .for_provider("openfit")
            .with_status(400),
    );
    assert_error(&e, "oauth_error");
    assert_eq!(text(&e, "oauthError").as_deref(), Some("invalid_grant"));
    assert_eq!(text(&e, "description").as_deref(), Some("Wrong password"));
    assert_eq!(number(&e, "status"), Some(400.0));

    let e = to_js(Error::new(ErrorCode::Timeout, "late"));
    assert_error(&e, "timeout");
    assert!(!has(&e, "provider") && !has(&e, "status"));
}

// --- fetch origin policy -----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn fetch_sends_the_token_to_the_api_origin_only() {
    // FitRankings has no token endpoint: only the API answers matter here.
    let log = fake_fetch(js("{ status: 500, body: '{}' }"));
    let result = fetch_origin_policy(&log).await;
    restore_fetch();
    result.unwrap();
}

async fn fetch_origin_policy(log: &JsValue) -> Result<(), String> {
    storage::write(
        &fitrankings_session("'https://api.example'"),
        r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
    );
    let client = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: 'https://api.example' }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        text(&client.session(), "accessToken").as_deref(),
        Some("tok")
    );

    for url in [
        "https://evil.example/x",
        "//evil.example/x",
        "http://api.example/x",
        "javascript:alert(1)",
        "https://api.example.evil.example/x",
        "https://api.example:8443/x",
        "https://evil.example/https://api.example/",
        "data:text/plain,x",
    ] {
        let error = settle(client.fetch(url.into(), None)).await.expect_err(url);
        assert_error(&error, "invalid_config");
        assert_eq!(text(&error, "provider").as_deref(), Some("fitrankings"));
        assert_eq!(
            text(&error, "message").as_deref(),
            Some("Refusing to send the provider's token to another origin"),
            "{url}"
        );
    }
    let error = settle(client.fetch(JsValue::from(5), None))
        .await
        .unwrap_err();
    assert_error(&error, "invalid_config");
    assert_eq!(
        get(log, "calls.length").as_f64(),
        Some(0.0),
        "nothing was sent for a refused URL"
    );

    // The API's own origin: a path, a relative path and an absolute URL.
    for (path, sent) in [
        ("/iq/users/", "https://api.example/iq/users/"),
        ("iq/users/2", "https://api.example/iq/users/2"),
        (
            "https://api.example/iq/x?y=1",
            "https://api.example/iq/x?y=1",
        ),
    ] {
        let response = settle(client.fetch(path.into(), None))
            .await
            .map_err(|e| format!("{path}: {e:?}"))?;
        let response: web_sys::Response = response.dyn_into().unwrap();
        assert_eq!(response.status(), 200);
        let last = get(log, "calls").unchecked_into::<Array>().pop();
        assert_eq!(text(&last, "url").as_deref(), Some(sent));
        assert_eq!(text(&last, "authorization").as_deref(), Some("Bearer tok"));
    }

    // The app's RequestInit is used, and its own Authorization header is replaced.
    let init = js(
        "{ method: 'POST', body: 'hello', headers: { Authorization: 'Bearer app', 'X-App': '1' } }",
    );
    settle(client.fetch("/iq/post".into(), Some(init.unchecked_into())))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let last = get(log, "calls").unchecked_into::<Array>().pop();
    assert_eq!(text(&last, "method").as_deref(), Some("POST"));
    assert_eq!(text(&last, "body").as_deref(), Some("hello"));
    assert_eq!(text(&last, "authorization").as_deref(), Some("Bearer tok"));

    let calls: Array = get(log, "calls").unchecked_into();
    assert_eq!(calls.length(), 0, "every call was checked");

    // Not connected: rejected before anything is sent.
    client.disconnect();
    assert!(client.session().is_null());
    assert_eq!(
        storage::read(&fitrankings_session("'https://api.example'")),
        None
    );
    let error = settle(client.fetch("/iq/users/".into(), None))
        .await
        .unwrap_err();
    assert_error(&error, "not_connected");

    // Expired, and FitRankings cannot refresh: the session is cleared.
    let past = js_sys::Date::now() as u64 - 1000;
    storage::write(
        &fitrankings_session("'https://api.example'"),
        &format!(
            r#"{{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1","expiresAt":{past}}}"#
        ),
    );
    let error = settle(client.fetch("/iq/users/".into(), None))
        .await
        .unwrap_err();
    assert_error(&error, "not_connected");
    assert_eq!(
        storage::read(&fitrankings_session("'https://api.example'")),
        None
    );
    assert_eq!(get(log, "calls.length").as_f64(), Some(0.0));
    Ok(())
}

// --- refresh -----------------------------------------------------------------------------------

fn openfit() -> OpenFit {
    OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example', apiUrl: 'https://api.example' } }",
    ))
    .unwrap()
}

fn expired_openfit_session(refresh_token: &str) {
    let now = js_sys::Date::now() as u64;
    storage::write(
        &openfit_session(),
        &format!(
            r#"{{"provider":"openfit","accessToken":"old","tokenType":"bearer","refreshToken":"{refresh_token}","expiresAt":{now}}}"#
        ),
    );
}

fn stored(key: &str) -> JsValue {
    storage::read(key)
        .map(|t| js_sys::JSON::parse(&t).unwrap())
        .unwrap_or(JsValue::NULL)
}

#[wasm_bindgen_test]
async fn concurrent_fetches_share_one_refresh() {
    let log = fake_fetch(js(
        "{ status: 200, delayMs: 100, body: JSON.stringify({ access_token: 'at2', token_type: 'bearer', refresh_token: 'rt2', expires_in: 3600 }) }",
    ));
    expired_openfit_session("rt1");
    let client = openfit();
    let changes = recorder();
    let unsubscribe: js_sys::Function = client
        .on_session_change(changes.clone().into())
        .unwrap()
        .unchecked_into();

    let fetches: Array = (0..10)
        .map(|_| JsValue::from(client.fetch("/api/clients".into(), None)))
        .collect();
    let all = settle(Promise::all(&fetches)).await;
    let _ = unsubscribe.call0(&JsValue::NULL);
    restore_fetch();

    let responses: Array = all.expect("all ten resolve").unchecked_into();
    assert_eq!(responses.length(), 10);
    for response in responses.iter() {
        assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    }
    assert_eq!(
        get(&log, "tokenRequests").as_f64(),
        Some(1.0),
        "one refresh"
    );
    let calls: Array = get(&log, "calls").unchecked_into();
    assert_eq!(calls.length(), 11);
    let token_call = calls.get(0);
    assert_eq!(
        text(&token_call, "url").as_deref(),
        Some("https://ids.example/connect/token")
    );
    assert_eq!(text(&token_call, "method").as_deref(), Some("POST"));
    assert_eq!(
        text(&token_call, "body").as_deref(),
        Some("grant_type=refresh_token&refresh_token=rt1&client_id=of")
    );
    assert_eq!(text(&token_call, "authorization"), None);
    for call in calls.iter().skip(1) {
        assert_eq!(
            text(&call, "url").as_deref(),
            Some("https://api.example/api/clients")
        );
        assert_eq!(
            text(&call, "authorization").as_deref(),
            Some("Bearer at2"),
            "every call waited for the new token"
        );
    }

    let session = stored(&openfit_session());
    if !storage::in_memory() {
        assert_eq!(
            session_storage_item(&openfit_session()),
            storage::read(&openfit_session()),
            "the rotated session is in sessionStorage itself"
        );
    }
    assert_eq!(text(&session, "refreshToken").as_deref(), Some("rt2"));
    assert_eq!(text(&session, "accessToken").as_deref(), Some("at2"));
    assert!(number(&session, "expiresAt").unwrap() > js_sys::Date::now() + 3_000_000.0);
    assert_eq!(
        text(&client.session(), "refreshToken").as_deref(),
        Some("rt2")
    );
    let seen: Array = get(&changes, "calls").unchecked_into();
    assert_eq!(seen.length(), 1, "subscribers hear of the rotation once");
    assert_eq!(text(&seen.get(0), "accessToken").as_deref(), Some("at2"));
    client.disconnect();
}

#[wasm_bindgen_test]
async fn a_server_error_keeps_the_session_and_invalid_grant_ends_it() {
    let client = openfit();

    // 504: the refresh fails, the session stays for a later try.
    fake_fetch(js(
        "{ status: 504, body: JSON.stringify({ error: 'temporarily_unavailable' }) }",
    ));
    expired_openfit_session("rt-504");
    let result = settle(client.refresh()).await;
    restore_fetch();
    let error = result.expect_err("a 504 rejects");
    assert_error(&error, "http_error");
    assert_eq!(number(&error, "status"), Some(504.0));
    assert_eq!(text(&error, "provider").as_deref(), Some("openfit"));
    assert_eq!(
        text(&error, "oauthError").as_deref(),
        Some("temporarily_unavailable")
    );
    assert_eq!(
        text(&stored(&openfit_session()), "refreshToken").as_deref(),
        Some("rt-504"),
        "kept"
    );
    assert!(!client.session().is_null());

    // A network error keeps it too.
    fake_fetch(js("{ status: 200, body: '{}' }"));
    let result = {
        // Token requests go to ids.example; this fake refuses every other host, so point the
        // client at one it refuses.
        // (Another token endpoint: a session of its own.)
        let offline = OpenFit::new(js(
            "{ clientId: 'of', environment: { identityUrl: 'https://offline.example', apiUrl: 'https://api.example' } }",
        ))
        .unwrap();
        let offline_session = text(&offline.storage_keys(), "session").unwrap();
        storage::write(
            &offline_session,
            &storage::read(&openfit_session()).unwrap(),
        );
        let result = settle(offline.refresh()).await;
        let kept = text(&stored(&offline_session), "refreshToken");
        storage::remove(&offline_session);
        (result, kept)
    };
    restore_fetch();
    let (result, kept) = result;
    assert_error(&result.expect_err("no answer"), "network_error");
    assert_eq!(kept.as_deref(), Some("rt-504"));

    // 400 invalid_grant: the refresh token is dead, and so is the session.
    let changes = recorder();
    let unsubscribe: js_sys::Function = client
        .on_session_change(changes.clone().into())
        .unwrap()
        .unchecked_into();
    fake_fetch(js(
        "{ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'expired' }) }",
    ));
    let result = settle(client.refresh()).await;
    restore_fetch();
    let _ = unsubscribe.call0(&JsValue::NULL);
    let error = result.expect_err("invalid_grant rejects");
    assert_error(&error, "oauth_error");
    assert_eq!(number(&error, "status"), Some(400.0));
    assert_eq!(text(&error, "oauthError").as_deref(), Some("invalid_grant"));
    assert_eq!(text(&error, "description").as_deref(), Some("expired"));
    assert_eq!(storage::read(&openfit_session()), None, "cleared");
    assert!(client.session().is_null());
    let seen: Array = get(&changes, "calls").unchecked_into();
    assert_eq!(seen.length(), 1);
    assert!(seen.get(0).is_null(), "subscribers hear of the end");

    // Nothing left to refresh.
    let error = settle(client.refresh()).await.unwrap_err();
    assert_error(&error, "not_connected");
}

/// A 401 `invalid_token` answer leads to one refresh (shared by the calls that got it) and one
/// retry, with the app's body; `insufficient_scope` fails without a refresh.
#[wasm_bindgen_test]
async fn a_401_refreshes_once_and_retries() {
    let log = fake_fetch(js(
        "{ status: 200, delayMs: 50, rejected: 'Bearer old', body: JSON.stringify({ access_token: 'at3', token_type: 'bearer', refresh_token: 'rt3', expires_in: 3600 }) }",
    ));
    let later = js_sys::Date::now() as u64 + 3_600_000;
    storage::write(
        &openfit_session(),
        &format!(
            r#"{{"provider":"openfit","accessToken":"old","tokenType":"bearer","refreshToken":"rt-401","expiresAt":{later}}}"#
        ),
    );
    let client = openfit();
    let fetches: Array = (0..3)
        .map(|i| {
            let init = js("{ method: 'PUT' }");
            Reflect::set(&init, &"body".into(), &format!("payload {i}").into()).unwrap();
            JsValue::from(client.fetch("/api/items".into(), Some(init.unchecked_into())))
        })
        .collect();
    let all = settle(Promise::all(&fetches)).await;
    let admin = settle(client.fetch("/admin/users".into(), None)).await;
    restore_fetch();
    storage::remove(&openfit_session());

    let responses: Array = all.expect("all three resolve").unchecked_into();
    for response in responses.iter() {
        assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    }
    assert_eq!(
        get(&log, "tokenRequests").as_f64(),
        Some(1.0),
        "one refresh"
    );
    let calls: Array = get(&log, "calls").unchecked_into();
    let retried: Vec<JsValue> = calls
        .iter()
        .filter(|c| text(c, "authorization").as_deref() == Some("Bearer at3"))
        .collect();
    assert_eq!(retried.len(), 4, "three retries and the admin call");
    let mut bodies: Vec<String> = retried[..3]
        .iter()
        .map(|c| text(c, "body").unwrap_or_default())
        .collect();
    bodies.sort();
    assert_eq!(
        bodies,
        ["payload 0", "payload 1", "payload 2"],
        "bodies resent"
    );
    assert!(retried[..3]
        .iter()
        .all(|c| text(c, "method").as_deref() == Some("PUT")));

    let error = admin.expect_err("insufficient_scope rejects");
    assert_error(&error, "http_error");
    assert_eq!(number(&error, "status"), Some(403.0));
    assert_eq!(text(&error, "scope").as_deref(), Some("admin"));
    assert_eq!(
        text(&error, "oauthError").as_deref(),
        Some("insufficient_scope")
    );
}

// --- FitBark redirect ---------------------------------------------------------------------------

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
    let log = fake_fetch(spec);
    let result = fitbark_redirect(&log, &history).await;
    restore_fetch();
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
    let error = settle(client.complete_authorization()).await.unwrap_err();
    assert_error(&error, "state_mismatch");

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
    let error = settle(client.complete_authorization()).await.unwrap_err();
    assert_error(&error, "access_denied");
    assert_eq!(get(log, "tokenRequests").as_f64(), Some(1.0), "no exchange");
    Ok(())
}

// --- broadcast, locks, other tabs -------------------------------------------------------------

#[wasm_bindgen_test]
async fn broadcast_reaches_other_channels_until_dropped() {
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let listener = {
        let seen = seen.clone();
        broadcast::Listener::new("fitconnect:test", move |data| seen.borrow_mut().push(data))
    }
    .expect("BroadcastChannel exists");
    assert!(broadcast::post("fitconnect:test", &"one".into()));
    for _ in 0..50 {
        if !seen.borrow().is_empty() {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(seen.borrow().len(), 1);
    assert_eq!(seen.borrow()[0].as_string().as_deref(), Some("one"));
    drop(listener);
    assert!(broadcast::post("fitconnect:test", &"two".into()));
    sleep(150).await;
    assert_eq!(seen.borrow().len(), 1, "a dropped listener hears nothing");
}

fn task(ran: &Rc<RefCell<Vec<bool>>>) -> locks::Task {
    let ran = ran.clone();
    Box::new(move |acquired| {
        Box::pin(async move {
            ran.borrow_mut().push(acquired);
            Ok(acquired)
        })
    })
}

#[wasm_bindgen_test]
async fn web_locks_are_shared_and_waited_for() {
    let name = "fitconnect:test:lock";
    let ran: Rc<RefCell<Vec<bool>>> = Rc::default();
    assert_eq!(locks::with_lock(name, true, task(&ran)).await, Ok(true));

    // Held elsewhere: `if_available` tells the task so at once; otherwise it waits its turn.
    settle(hold_lock(name, 600)).await.unwrap();
    let started = js_sys::Date::now();
    assert_eq!(locks::with_lock(name, true, task(&ran)).await, Ok(false));
    let refused_after = js_sys::Date::now() - started;
    assert_eq!(locks::with_lock(name, false, task(&ran)).await, Ok(true));
    let acquired_after = js_sys::Date::now() - started;
    assert!(
        refused_after < 400.0,
        "refused at once ({refused_after} ms)"
    );
    assert!(
        acquired_after >= 550.0,
        "waited for the holder ({acquired_after} ms)"
    );
    assert_eq!(*ran.borrow(), [true, false, true]);
}

/// Another tab holds the refresh lock and announces the rotated session: this tab adopts it and
/// never spends the (single-use) refresh token itself.
#[wasm_bindgen_test]
async fn a_refresh_in_another_tab_is_adopted() {
    let log = fake_fetch(js(
        "{ status: 200, body: JSON.stringify({ access_token: 'mine', token_type: 'bearer', refresh_token: 'rt-mine', expires_in: 3600 }) }",
    ));
    let result = adopt_other_tab(&log).await;
    restore_fetch();
    storage::remove(&openfit_session());
    result.unwrap();
}

async fn adopt_other_tab(log: &JsValue) -> Result<(), String> {
    expired_openfit_session("rt-shared");
    let client = openfit();
    settle(hold_lock(
        &format!("fitconnect:refresh:{}", openfit_binding()),
        500,
    ))
    .await
    .map_err(|e| format!("{e:?}"))?;
    let later = js_sys::Date::now() as u64 + 3_600_000;
    let rotated = format!(
        r#"{{"provider":"openfit","accessToken":"theirs","tokenType":"bearer","refreshToken":"rt-theirs","expiresAt":{later}}}"#
    );
    let announcement = js("{ provider: 'openfit' }");
    Reflect::set(&announcement, &"binding".into(), &openfit_binding().into()).unwrap();
    Reflect::set(
        &announcement,
        &"from".into(),
        &fingerprint("rt-shared").into(),
    )
    .unwrap();
    Reflect::set(&announcement, &"session".into(), &rotated.into()).unwrap();
    broadcast_later("fitconnect:rotation", announcement, 50);

    let response = settle(client.fetch("/api/clients".into(), None))
        .await
        .map_err(|e| format!("fetch rejected: {:?}", text(&e, "message")))?;
    assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    assert_eq!(
        get(log, "tokenRequests").as_f64(),
        Some(0.0),
        "not spent twice"
    );
    let calls: Array = get(log, "calls").unchecked_into();
    assert_eq!(calls.length(), 1);
    assert_eq!(
        text(&calls.get(0), "authorization").as_deref(),
        Some("Bearer theirs")
    );
    assert_eq!(
        text(&stored(&openfit_session()), "refreshToken").as_deref(),
        Some("rt-theirs")
    );

    // An announcement for a token this tab does not hold changes nothing.
    let announcement = js("{ provider: 'openfit', session: '{}' }");
    Reflect::set(&announcement, &"binding".into(), &openfit_binding().into()).unwrap();
    Reflect::set(
        &announcement,
        &"from".into(),
        &fingerprint("rt-other").into(),
    )
    .unwrap();
    broadcast_later("fitconnect:rotation", announcement, 0);
    sleep(150).await;
    assert_eq!(
        text(&stored(&openfit_session()), "accessToken").as_deref(),
        Some("theirs")
    );
    Ok(())
}

/// The tab that won the race announces the rotated session late, after it let the refresh lock go:
/// this tab, next to take the lock, finds the refresh token marked spent and waits for the
/// announcement instead of spending the token a second time (which would end the grant where the
/// provider detects reuse).
#[wasm_bindgen_test]
async fn a_late_announcement_is_awaited_and_the_spent_token_never_replayed() {
    let log = fake_fetch(js(
        "{ status: 400, body: JSON.stringify({ error: 'invalid_grant' }) }",
    ));
    let result = late_winner(&log).await;
    restore_fetch();
    storage::remove(&openfit_session());
    result.unwrap();
}

async fn late_winner(log: &JsValue) -> Result<(), String> {
    expired_openfit_session("rt-late");
    let client = openfit();
    let binding = openfit_binding();
    let later = js_sys::Date::now() as u64 + 3_600_000;
    let rotated = format!(
        r#"{{"provider":"openfit","accessToken":"winner","tokenType":"bearer","refreshToken":"rt-winner","expiresAt":{later}}}"#
    );
    let announcement = js("{ provider: 'openfit' }");
    Reflect::set(&announcement, &"binding".into(), &binding.as_str().into()).unwrap();
    Reflect::set(
        &announcement,
        &"from".into(),
        &fingerprint("rt-late").into(),
    )
    .unwrap();
    Reflect::set(&announcement, &"session".into(), &rotated.into()).unwrap();
    let mark = format!("fitconnect:spent:{binding}:{}", fingerprint("rt-late"));
    settle(winning_tab(
        &format!("fitconnect:refresh:{binding}"),
        &mark,
        300,
        announcement,
        1_200,
    ))
    .await
    .map_err(|e| format!("{e:?}"))?;

    let response = settle(client.fetch("/api/clients".into(), None))
        .await
        .map_err(|e| format!("fetch rejected: {:?}", text(&e, "message")))?;
    assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    assert_eq!(
        get(log, "tokenRequests").as_f64(),
        Some(0.0),
        "the spent refresh token was not sent again"
    );
    let calls: Array = get(log, "calls").unchecked_into();
    assert_eq!(
        text(&calls.get(0), "authorization").as_deref(),
        Some("Bearer winner")
    );
    assert_eq!(
        text(&stored(&openfit_session()), "refreshToken").as_deref(),
        Some("rt-winner")
    );
    Ok(())
}

/// A stale copy of a session whose refresh token this tab already rotated (restored by the app,
/// or read before an announcement) takes its successor: the spent token is not sent again.
#[wasm_bindgen_test]
async fn a_stale_copy_of_a_rotated_session_takes_its_successor() {
    let log = fake_fetch(js(
        "{ status: 200, body: JSON.stringify({ access_token: 'at-next', token_type: 'bearer', refresh_token: 'rt-next', expires_in: 3600 }) }",
    ));
    expired_openfit_session("rt-stale");
    let stale = storage::read(&openfit_session()).unwrap();
    let client = openfit();
    let first = settle(client.refresh()).await;
    storage::write(&openfit_session(), &stale);
    let second = settle(client.refresh()).await;
    let kept = text(&stored(&openfit_session()), "refreshToken");
    restore_fetch();
    storage::remove(&openfit_session());
    first.unwrap();
    second.unwrap();
    assert_eq!(
        get(&log, "tokenRequests").as_f64(),
        Some(1.0),
        "rt-stale sent once"
    );
    assert_eq!(kept.as_deref(), Some("rt-next"));
}

// --- what a session is bound to ---------------------------------------------------------------

/// A session belongs to the provider, API origin, token endpoint and client id that issued it: a
/// client configured for another club sees none, sends nothing, and destroys nothing.
#[wasm_bindgen_test]
async fn sessions_are_bound_to_where_they_were_issued() {
    let log = fake_fetch(js("{ status: 500, body: '{}' }"));
    let result = bound_sessions(&log).await;
    restore_fetch();
    result.unwrap();
}

async fn bound_sessions(log: &JsValue) -> Result<(), String> {
    let club_a = || PerfectGym::new(js("{ baseUrl: 'https://api.example' }")).unwrap();
    let a = club_a();
    let a_key = text(&a.storage_keys(), "session").unwrap();
    storage::write(
        &a_key,
        r#"{"provider":"perfectgym","accessToken":"club-a-token","tokenType":"bearer"}"#,
    );
    let b = PerfectGym::new(js("{ baseUrl: 'https://club-b.example' }")).unwrap();
    assert_ne!(
        text(&b.storage_keys(), "session").as_deref(),
        Some(a_key.as_str())
    );
    assert!(
        b.session().is_null(),
        "another club's client sees no session"
    );
    let error = settle(b.fetch("/api/v1/Members".into(), None))
        .await
        .unwrap_err();
    assert_error(&error, "not_connected");
    assert_eq!(
        get(log, "calls.length").as_f64(),
        Some(0.0),
        "nothing was sent"
    );
    b.disconnect();
    // Club A's session is untouched, and shared by every client configured alike.
    assert_eq!(
        text(&club_a().session(), "accessToken").as_deref(),
        Some("club-a-token")
    );
    settle(club_a().fetch("/api/v1/Members".into(), None))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let last = get(log, "calls").unchecked_into::<Array>().pop();
    assert_eq!(
        text(&last, "authorization").as_deref(),
        Some("Bearer club-a-token")
    );

    // Fisikal: the same gym through another token endpoint is another session too.
    let fisikal = |endpoint: &str| {
        let options = js("{ baseUrl: 'https://api.example' }");
        Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
        Fisikal::new(options).unwrap()
    };
    let here = text(&fisikal("/broker/fisikal/token").storage_keys(), "session");
    let there = text(
        &fisikal("https://other-app.example/token").storage_keys(),
        "session",
    );
    assert_ne!(here, there);
    assert_eq!(
        here,
        text(&fisikal("/broker/fisikal/token").storage_keys(), "session")
    );
    a.disconnect();
    assert!(club_a().session().is_null());
    Ok(())
}

/// Token endpoints (where passwords and refresh tokens go) follow the base-URL rule.
#[wasm_bindgen_test]
fn token_endpoints_are_https_or_loopback() {
    for endpoint in [
        "http://elsewhere.example/token",
        "//elsewhere.example/token",
        "ftp://elsewhere.example/token",
        "https://user:pw@elsewhere.example/token",
    ] {
        for provider in ["fisikal", "fitbark"] {
            let options = js(
                "{ baseUrl: 'https://api.example', clientId: 'c', redirectUri: location.origin + '/' }",
            );
            Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
            let built = match provider {
                "fisikal" => Fisikal::new(options).map(drop),
                _ => FitBark::new(options).map(drop),
            };
            let error = built.expect_err(endpoint);
            assert_error(&error, "invalid_config");
            assert_eq!(text(&error, "provider").as_deref(), Some(provider));
        }
    }
    // The app's own server (relative, resolved against this loopback page) and any https: URL.
    for endpoint in ["/broker/fisikal/token", "https://app.example/token"] {
        let options = js("{ baseUrl: 'https://api.example' }");
        Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
        Fisikal::new(options).expect(endpoint);
    }
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

/// A token answer is read only up to 64 KiB: a body that never ends is refused, not awaited.
#[wasm_bindgen_test]
async fn a_token_answer_is_read_only_to_the_limit() {
    let log = endless_token_answer("https://ids.example/connect/token");
    let login = openfit().login(js("{ username: 'u', password: 'p' }"));
    let outcome = settle(within(&login, 5_000)).await;
    restore_fetch();
    let given = get(&log, "given").as_f64().unwrap_or_default();
    let error = match outcome {
        Ok(value) => panic!("login did not reject in time: {value:?}"),
        Err(error) => error,
    };
    assert_error(&error, "invalid_response");
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("The token response is too large")
    );
    assert!(given <= 96.0 * 1024.0, "read {given} bytes");
}

// --- popup -------------------------------------------------------------------------------------

/// `connect()` opens the popup synchronously and resolves with the session its callback page
/// reports. Where the runner blocks popups, it rejects with `popup_blocked`.
#[wasm_bindgen_test]
async fn connect_opens_a_popup_and_takes_its_report() {
    let spy = spy_window_open();
    let outcome = connect_flow(&spy).await;
    close_window(&get(&spy, "opened"));
    restore_window_open();
    storage::remove(&fitrankings_session("location.origin"));
    outcome.unwrap();
}

async fn connect_flow(spy: &JsValue) -> Result<(), String> {
    // The popup opens on this page's own origin (the runner answers 404), so no network.
    let client = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: location.origin, timeoutMs: 5000 }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    let promise = client.connect();
    assert_eq!(
        get(spy, "calls").as_f64(),
        Some(1.0),
        "opened before returning"
    );
    let popup = get(spy, "opened");
    if popup.is_null() || popup.is_undefined() {
        let error = settle(promise).await.unwrap_err();
        assert_error(&error, "popup_blocked");
        console_log!("window.open is blocked here: only popup_blocked was checked");
        return Ok(());
    }
    // A second connect() while the popup is open focuses it instead.
    let second = client.connect();
    // Synchronously, in the task that opened the popup: the wait listens from the next microtask
    // on, before the message's task runs.
    assert!(
        report_from_popup(&popup, "?token=t%C3%B8k&user_id=7", ""),
        "the popup is still this origin's about:blank"
    );
    let error = settle(second).await.unwrap_err();
    assert_error(&error, "interaction_in_progress");
    assert_eq!(get(spy, "calls").as_f64(), Some(1.0));
    let session = settle(promise).await.map_err(|e| {
        format!(
            "connect rejected: {:?} {:?}",
            text(&e, "code"),
            text(&e, "message")
        )
    })?;
    assert_eq!(text(&session, "accessToken").as_deref(), Some("tøk"));
    assert_eq!(text(&session, "userId").as_deref(), Some("7"));
    assert_eq!(text(&session, "provider").as_deref(), Some("fitrankings"));
    assert_eq!(
        text(
            &stored(&fitrankings_session("location.origin")),
            "accessToken"
        )
        .as_deref(),
        Some("tøk")
    );
    assert_eq!(storage::read(popup::NONCE_KEY), None, "the nonce is spent");
    close_window(&popup);

    // Nothing reported: the wait ends with `timeout` and closes the popup.
    let quick = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: location.origin, timeoutMs: 700 }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    let error = settle(quick.connect()).await.unwrap_err();
    assert_error(&error, "timeout");
    let second = get(spy, "opened");
    assert!(
        get(&second, "closed").as_bool().unwrap_or(true),
        "closed on timeout"
    );
    Ok(())
}

/// `popup::wait` with an iframe's window standing in for the popup: only that window's messages
/// and channel messages with the right nonce count.
#[wasm_bindgen_test]
async fn popup_wait_accepts_only_its_popup_and_its_nonce() {
    let frame = add_frame();
    let other = add_frame();
    let result = popup_wait_checks(&frame, &other).await;
    remove_frame(&frame);
    remove_frame(&other);
    result.unwrap();
}

async fn popup_wait_checks(frame: &JsValue, other: &JsValue) -> Result<(), String> {
    let window = frame_window(frame);
    let nonce = "the-right-nonce";

    // Only the channel message with the right nonce ends the wait.
    post_from_top_later(callback_message("?from=top", None), 20);
    post_from_top_later(callback_message("?from=top-nonce", Some(nonce)), 40);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=wrong-nonce", Some("another-nonce")),
        60,
    );
    broadcast_later(popup::CHANNEL, callback_message("?from=no-nonce", None), 80);
    post_from_frame_later(other, callback_message("?from=other-frame", None), 100);
    let mut wrong_type = callback_message("?from=wrong-type", Some(nonce));
    Reflect::set(&wrong_type, &"type".into(), &"other".into()).unwrap();
    broadcast_later(popup::CHANNEL, wrong_type.clone(), 120);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=channel", Some(nonce)),
        300,
    );
    let message = popup::wait(window.clone(), nonce.into(), 1500, "fitrankings")
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(message.search, "?from=channel");
    assert_eq!(message.nonce.as_deref(), Some(nonce));

    // A message from the popup itself ends it, nonce or not.
    post_from_top_later(callback_message("?from=top", None), 20);
    let mut from_frame = callback_message("?from=frame", None);
    Reflect::set(&from_frame, &"hash".into(), &"#h".into()).unwrap();
    post_from_frame_later(frame, from_frame.clone(), 80);
    let message = popup::wait(window.clone(), nonce.into(), 1500, "fitrankings")
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        (message.search.as_str(), message.hash.as_str()),
        ("?from=frame", "#h")
    );
    assert_eq!(message.nonce, None);

    // Nothing valid: `timeout`.
    storage::write(popup::NONCE_KEY, nonce);
    post_from_top_later(callback_message("?from=top", None), 20);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=wrong-nonce", Some("nope")),
        40,
    );
    post_from_frame_later(other, callback_message("?from=other-frame", None), 60);
    wrong_type = callback_message("?from=wrong-type", None);
    Reflect::set(&wrong_type, &"type".into(), &"fitconnect:other".into()).unwrap();
    post_from_frame_later(frame, wrong_type, 80);
    from_frame = js("'not even an object'");
    post_from_frame_later(frame, from_frame, 200);
    let started = js_sys::Date::now();
    let error = popup::wait(window, nonce.into(), 700, "fitrankings")
        .await
        .expect_err("nothing valid arrived");
    let waited = js_sys::Date::now() - started;
    assert_eq!(error.code, ErrorCode::Timeout);
    assert_eq!(error.provider, Some("fitrankings"));
    assert!(waited >= 650.0, "waited {waited} ms");
    assert_eq!(
        storage::read(popup::NONCE_KEY),
        None,
        "the nonce is removed when the wait ends"
    );
    Ok(())
}

// --- options -----------------------------------------------------------------------------------

/// The `invalid_config` message a constructor throws for `options`.
fn refusal(built: Result<(), JsValue>, provider: &str) -> String {
    let error = built.expect_err("refused");
    assert_error(&error, "invalid_config");
    assert_eq!(text(&error, "provider").as_deref(), Some(provider));
    text(&error, "message").unwrap_or_default()
}

const SECRET: &str = "A client secret must never reach the browser: keep it in the token broker";
const NOT_AN_OBJECT: &str = "options must be an object";

#[wasm_bindgen_test]
fn fitrankings_options() {
    let client = FitRankings::new(js(
        "{ clientId: 'my app', callbackUri: 'https://app.example/cb.html', baseUrl: null, timeoutMs: undefined }",
    ))
    .unwrap();
    let config = client.config();
    assert!(is_plain_object(&config));
    assert_eq!(text(&config, "provider").as_deref(), Some("fitrankings"));
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://api.fitrankings.com")
    );
    assert_eq!(number(&config, "timeoutMs"), Some(300_000.0));
    assert_eq!(
        text(&config, "popupUrl").as_deref(),
        Some("https://api.fitrankings.com/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html")
    );
    assert!(!has(&config, "tokenUrl"));

    let new = |o: &str| FitRankings::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(new("{ callbackUri: 'u' }"), "fitrankings"),
        "clientId is required"
    );
    assert_eq!(
        refusal(new("{ clientId: null, callbackUri: 'u' }"), "fitrankings"),
        "clientId is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 7, callbackUri: 'u' }"), "fitrankings"),
        "a string option has another type"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', callbackUri: 'u', timeoutMs: '100' }"),
            "fitrankings"
        ),
        "a numeric option must be a positive number"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', callbackUri: 'u', clientSecret: 's3cret' }"),
            "fitrankings"
        ),
        SECRET
    );
    for not_an_object in ["null", "undefined", "'clientId'", "42", "true"] {
        assert_eq!(
            refusal(new(not_an_object), "fitrankings"),
            NOT_AN_OBJECT,
            "{not_an_object}"
        );
    }
}

#[wasm_bindgen_test]
fn fitbark_options_and_config_object() {
    let client = FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token', scope: null, pkce: null, issuer: null }",
    ))
    .unwrap();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    // Read through JavaScript, as an app would: `_config` and `_refresh` are the JS names.
    let client = JsValue::from(client);
    assert!(
        get(&client, "_refresh").is_function(),
        "_refresh is exported"
    );
    let config = get(&client, "_config");
    assert!(is_plain_object(&config));
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://app.fitbark.com")
    );
    assert_eq!(
        text(&config, "tokenUrl"),
        Some(format!("{origin}/broker/fitbark/token")),
        "resolved against the page"
    );
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("json"));
    assert_eq!(get(&config, "pkce").as_bool(), Some(true));
    assert_eq!(
        text(&config, "issuer").as_deref(),
        Some("https://app.fitbark.com")
    );
    assert_eq!(text(&config, "redirectUri"), Some(format!("{origin}/")));
    assert!(!has(&config, "scope"));
    // A fresh object each time: changing it changes nothing.
    Reflect::set(&config, &"baseUrl".into(), &"https://evil.example".into()).unwrap();
    assert_eq!(
        text(&get(&client, "_config"), "baseUrl").as_deref(),
        Some("https://app.fitbark.com")
    );

    let new = |o: &str| FitBark::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(new("{ clientId: 'c', tokenEndpoint: '/t' }"), "fitbark"),
        "redirectUri is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', redirectUri: 'r' }"), "fitbark"),
        "tokenEndpoint (your server's token URL) is required"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', pkce: 'yes' }"),
            "fitbark"
        ),
        "a boolean option has another type"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', client_SECRET: null }"),
            "fitbark"
        ),
        SECRET
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', baseUrl: 'http://fitbark.example' }"), "fitbark"),
        "baseUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
    );
}

#[wasm_bindgen_test]
fn openfit_options() {
    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example/', apiUrl: 'https://api.example' }, refreshSkewSeconds: null }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://api.example")
    );
    assert_eq!(
        text(&config, "tokenUrl").as_deref(),
        Some("https://ids.example/connect/token")
    );
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("form"));
    assert_eq!(
        text(&config, "scope").as_deref(),
        Some("OpenFitApi offline_access")
    );
    assert_eq!(number(&config, "skewMs"), Some(300_000.0));

    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: 'test', refreshSkewSeconds: 60 }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://of-api-internal.azurewebsites.net")
    );
    assert_eq!(number(&config, "skewMs"), Some(60_000.0));

    let new = |o: &str| OpenFit::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { apiUrl: 'https://b' } }"),
            "openfit"
        ),
        "environment.identityUrl is required"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: null } }"),
            "openfit"
        ),
        "environment.apiUrl is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', environment: 'staging' }"), "openfit"),
        r#"environment must be "production", "test" or { identityUrl, apiUrl }"#
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: 'https://b', clientSecret: 'x' } }"),
            "openfit"
        ),
        SECRET,
        "a secret is refused at any depth"
    );
}

#[wasm_bindgen_test]
fn perfectgym_and_fisikal_options() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let config = PerfectGym::new(js("{ baseUrl: 'https://club.example/' }"))
        .unwrap()
        .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://club.example")
    );
    assert_eq!(
        text(&config, "tokenUrl").as_deref(),
        Some("https://club.example/Api/oauth/authorize")
    );
    assert_eq!(text(&config, "clientId").as_deref(), Some(""));
    assert_eq!(
        refusal(PerfectGym::new(js("{}")).map(|_| ()), "perfectgym"),
        "baseUrl is required"
    );
    assert_eq!(
        refusal(
            PerfectGym::new(js("{ baseUrl: 'club.example' }")).map(|_| ()),
            "perfectgym"
        ),
        "baseUrl must be an absolute http(s) URL"
    );

    let config = Fisikal::new(js(
        "{ baseUrl: 'https://gym.example', tokenEndpoint: '/broker/fisikal/token' }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "tokenUrl"),
        Some(format!("{origin}/broker/fisikal/token"))
    );
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("json"));
    assert_eq!(
        refusal(
            Fisikal::new(js("{ baseUrl: 'https://g' }")).map(|_| ()),
            "fisikal"
        ),
        "tokenEndpoint (your server's token URL) is required"
    );
    assert_eq!(
        refusal(
            Fisikal::new(js(
                "{ baseUrl: 'https://g', tokenEndpoint: '/t', secretKey: 'x' }"
            ))
            .map(|_| ()),
            "fisikal"
        ),
        SECRET
    );
}

/// Options may carry members the SDK does not know (a framework passing its props along, a
/// shared config object): of a JSON-like type, they are ignored.
#[wasm_bindgen_test]
fn unknown_members_are_ignored() {
    for extra in [
        "[1, 'two', null]",
        "{ nested: { deeper: true } }",
        "new Date(0)",
        "/re/",
        "10n",
        "new URL('https://a.example')",
        "Promise.resolve(1)",
        "NaN",
    ] {
        let options = js(&format!(
            "{{ clientId: 'c', callbackUri: 'https://app.example/cb', extra: {extra} }}"
        ));
        let built = FitRankings::new(options);
        assert!(
            built.is_ok(),
            "extra: {extra}: {:?}",
            built.err().and_then(|e| text(&e, "message"))
        );
    }
}

/// Members serde-wasm-bindgen cannot read (functions, symbols) or that are not JSON-like (`Set`,
/// `Map`, typed arrays) are ignored, not a reason to refuse the whole object; an array is not an
/// options object.
#[wasm_bindgen_test]
fn members_of_any_type_are_ignored_and_arrays_are_not_options() {
    let mut wrong = Vec::new();
    for extra in [
        "() => {}",
        "new Set([1])",
        "new Map([[1, 2]])",
        "Symbol('s')",
        "new Uint8Array(2)",
    ] {
        let options = js(&format!(
            "{{ clientId: 'c', callbackUri: 'https://app.example/cb', extra: {extra} }}"
        ));
        if let Err(e) = FitRankings::new(options) {
            wrong.push(format!("extra: {extra}: {:?}", text(&e, "message")));
        }
    }
    for array in ["[]", "['a']"] {
        let message = refusal(FitRankings::new(js(array)).map(|_| ()), "fitrankings");
        if message != NOT_AN_OBJECT {
            wrong.push(format!("{array}: {message:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
