//! The browser layer: one module per browser API, on web-sys and js-sys (and gloo-net for HTTP),
//! each turning a thrown JavaScript value into the core's [`Error`].

pub mod broadcast;
pub mod callback;
pub mod crypto;
pub mod error;
pub mod http;
pub mod json;
pub mod locks;
pub mod popup;
pub mod promise;
pub mod storage;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Window;

use crate::core::error::invalid_config;
use crate::core::Error;

/// The page's window.
///
/// A browser's global object is a `Window`. A DOM emulated in Node (jsdom under Vitest or Jest)
/// puts `window` and `document` on Node's global, which is no `Window` instance: there the
/// global's `window` (or the global itself) is taken whenever a `document` exists.
///
/// # Errors
/// `invalid_config` where there is no window (a worker, server-side rendering): no `Window`
/// global and no `document` object on the global.
pub fn window() -> Result<Window, Error> {
    if let Some(window) = web_sys::window() {
        return Ok(window);
    }
    let global = js_sys::global();
    let get = |target: &wasm_bindgen::JsValue, key: &str| {
        js_sys::Reflect::get(target, &wasm_bindgen::JsValue::from_str(key))
            .ok()
            .filter(|value| value.is_object())
    };
    get(&global, "document")
        .map(|_| get(&global, "window").unwrap_or_else(|| global.into()))
        .map(JsCast::unchecked_into)
        .ok_or_else(|| invalid_config("fitconnect needs a browser window; it cannot run here"))
}

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A promise and the function that resolves it, for callbacks that end a wait.
pub(crate) fn deferred() -> (js_sys::Promise, js_sys::Function) {
    let mut resolver = wasm_bindgen::JsValue::UNDEFINED;
    let promise = js_sys::Promise::new(&mut |resolve, _| resolver = resolve.into());
    (promise, resolver.unchecked_into())
}
