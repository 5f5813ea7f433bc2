//! What the browser tests share: the page-side fakes and helpers (inline JavaScript: a `fetch`
//! that never reaches the network, a `window.open` spy, a broken `Storage.prototype.setItem`,
//! frames, posts and BroadcastChannel messages sent later, Web Locks held as another tab would),
//! reading results (`get`, `text`, `number`, `has`, `assert_error`, `settle`, `rejection`), and the clients
//! and storage keys several files use (`openfit()`, `openfit_session()`, `fitrankings_session()`,
//! `fitbark_keys()`).
//!
//! Each file under `tests/` is its own test binary, run on a fresh page; its tests share that
//! page and run one after another in an unspecified order. So every test seeds and reads sessions
//! through `fitconnect::web::storage`, and restores whatever it patches (`fetch`, `window.open`,
//! `Storage.prototype.setItem`, the address) when it ends; each patch helper also undoes a
//! leftover patch from a test that failed half-way.
//!
//! No test touches the network: `fetch` is replaced by a fake that answers `https://api.example`
//! and the token endpoint under test, and refuses everything else; popups open on the page's own
//! origin.
//!
//! Not every binary uses every helper.
#![allow(dead_code)]

use fitconnect::web::storage;
use fitconnect::{FitBark, FitRankings, OpenFit};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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
    pub fn js(code: &str) -> JsValue;
    #[wasm_bindgen(js_name = sessionStorageItem)]
    pub fn session_storage_item(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = breakSetItem)]
    pub fn break_set_item();
    #[wasm_bindgen(js_name = restoreSetItem)]
    pub fn restore_set_item();
    #[wasm_bindgen(js_name = setItemWorks)]
    pub fn set_item_works() -> bool;
    #[wasm_bindgen(js_name = countEvents)]
    pub fn count_events(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = fakeFetch)]
    pub fn fake_fetch(spec: JsValue) -> JsValue;
    #[wasm_bindgen(js_name = restoreFetch)]
    pub fn restore_fetch();
    #[wasm_bindgen(js_name = spyWindowOpen)]
    pub fn spy_window_open() -> JsValue;
    #[wasm_bindgen(js_name = restoreWindowOpen)]
    pub fn restore_window_open();
    #[wasm_bindgen(js_name = reportFromPopup)]
    pub fn report_from_popup(popup: &JsValue, search: &str, hash: &str) -> bool;
    #[wasm_bindgen(js_name = closeWindow)]
    pub fn close_window(window: &JsValue);
    #[wasm_bindgen(js_name = addFrame)]
    pub fn add_frame() -> JsValue;
    #[wasm_bindgen(js_name = frameWindow)]
    pub fn frame_window(frame: &JsValue) -> web_sys::Window;
    #[wasm_bindgen(js_name = removeFrame)]
    pub fn remove_frame(frame: &JsValue);
    #[wasm_bindgen(js_name = postFromFrameLater)]
    pub fn post_from_frame_later(frame: &JsValue, message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = postFromTopLater)]
    pub fn post_from_top_later(message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = broadcastLater)]
    pub fn broadcast_later(name: &str, message: JsValue, delay_ms: u32);
    #[wasm_bindgen(js_name = isPlainObject)]
    pub fn is_plain_object(value: &JsValue) -> bool;
    pub fn recorder() -> js_sys::Function;
    #[wasm_bindgen(js_name = holdLock)]
    pub fn hold_lock(name: &str, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = winningTab)]
    pub fn winning_tab(
        refresh_lock: &str,
        mark: &str,
        hold_ms: u32,
        message: JsValue,
        announce_ms: u32,
    ) -> Promise;
    #[wasm_bindgen(js_name = endlessTokenAnswer)]
    pub fn endless_token_answer(token_url: &str) -> JsValue;
    pub fn within(promise: &Promise, ms: u32) -> Promise;
}

/// The `sessionStorage` key of a FitRankings client (client id `c`) whose `baseUrl` is the
/// JavaScript expression `base`: sessions are stored per provider, API origin, token endpoint and
/// client id.
pub fn fitrankings_session(base: &str) -> String {
    let client = FitRankings::new(js(&format!(
        "{{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: {base} }}"
    )))
    .unwrap();
    text(&client.storage_keys(), "session").unwrap()
}

/// The session and transaction keys of the FitBark client of the redirect test.
pub fn fitbark_keys() -> (String, String) {
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
pub fn openfit_session() -> String {
    text(&openfit().storage_keys(), "session").unwrap()
}

/// What the [`openfit`] client's session is bound to (`openfit:<fingerprint>`), as lock names and
/// announcements carry it.
pub fn openfit_binding() -> String {
    openfit_session()
        .strip_prefix("fitconnect:session:")
        .unwrap()
        .to_owned()
}

/// The member at a dotted `path` (`undefined` where any step is missing).
pub fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        if v.is_undefined() || v.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&v, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

pub fn text(value: &JsValue, path: &str) -> Option<String> {
    get(value, path).as_string()
}

pub fn number(value: &JsValue, path: &str) -> Option<f64> {
    get(value, path).as_f64()
}

pub fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &key.into()).unwrap_or(false)
}

/// Asserts that `error` is a `FitConnectError` with `code` (and answers it for more checks).
#[track_caller]
pub fn assert_error(error: &JsValue, code: &str) {
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

/// Runs `test` with `fetch` replaced by the fake that answers `spec` (see `fakeFetch` above),
/// giving it the fake's log, and puts the real `fetch` back before answering what `test` did: a
/// test that fails with an `Err` leaves no fake behind.
pub async fn with_fake_fetch(
    spec: JsValue,
    test: impl AsyncFnOnce(&JsValue) -> Result<(), String>,
) -> Result<(), String> {
    let log = fake_fetch(spec);
    let result = test(&log).await;
    restore_fetch();
    result
}

pub async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// Awaits `promise`, which must reject with a `FitConnectError` of `code`; answers the error.
pub async fn rejection(promise: Promise, code: &str) -> JsValue {
    let error = settle(promise).await.expect_err("rejects");
    assert_error(&error, code);
    error
}

pub async fn sleep(ms: i32) {
    fitconnect::web::sleep(ms).await;
}

pub fn callback_message(search: &str, nonce: Option<&str>) -> JsValue {
    let message = js("{ type: 'fitconnect:callback', hash: '' }");
    Reflect::set(&message, &"search".into(), &search.into()).unwrap();
    if let Some(nonce) = nonce {
        Reflect::set(&message, &"nonce".into(), &nonce.into()).unwrap();
    }
    message
}

/// The OpenFIT client most refresh tests use: its identity server is `https://ids.example`, its
/// API `https://api.example` (both answered by [`fake_fetch`]).
pub fn openfit() -> OpenFit {
    OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example', apiUrl: 'https://api.example' } }",
    ))
    .unwrap()
}

pub fn expired_openfit_session(refresh_token: &str) {
    let now = js_sys::Date::now() as u64;
    storage::write(
        &openfit_session(),
        &format!(
            r#"{{"provider":"openfit","accessToken":"old","tokenType":"bearer","refreshToken":"{refresh_token}","expiresAt":{now}}}"#
        ),
    );
}

pub fn stored(key: &str) -> JsValue {
    storage::read(key)
        .map(|t| js_sys::JSON::parse(&t).unwrap())
        .unwrap_or(JsValue::NULL)
}
