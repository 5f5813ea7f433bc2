//! The browser layer: thin wrappers over the core for popups, storage and fetch, and the
//! exported JavaScript API.

mod callback;
mod client;
mod fitbark;
mod fitrankings;
mod http;
mod options;
mod password;
mod storage;
mod tabs;
mod types;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::core::{Error, ErrorCode};

pub use callback::handle_callback;
pub use fitbark::FitBark;
pub use fitrankings::FitRankings;
pub use password::{Fisikal, OpenFit, PerfectGym};

#[wasm_bindgen(module = "/js/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = FitConnectError)]
    type JsFitConnectError;

    #[wasm_bindgen(constructor, js_class = "FitConnectError")]
    fn new(
        code: &str,
        message: &str,
        provider: Option<&str>,
        status: Option<u16>,
        oauth_error: Option<&str>,
        description: Option<&str>,
        scope: Option<&str>,
    ) -> JsFitConnectError;

    #[wasm_bindgen(js_name = waitForCallback)]
    fn wait_for_callback(popup: &web_sys::Window, timeout_ms: f64, provider: &str) -> Promise;

    #[wasm_bindgen(js_name = withLock)]
    fn with_lock(name: &str, if_available: bool, task: &JsValue) -> Promise;

    fn sleep(ms: u32) -> Promise;

    #[wasm_bindgen(thread_local_v2, js_name = CHANNEL)]
    static CHANNEL: String;
    #[wasm_bindgen(thread_local_v2, js_name = MESSAGE_TYPE)]
    static MESSAGE_TYPE: String;
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        JsFitConnectError::new(
            e.code.as_str(),
            &e.message,
            e.provider,
            e.status,
            e.oauth_error.as_deref(),
            e.description.as_deref(),
            e.scope.as_deref(),
        )
        .into()
    }
}

/// Shorthand for an SDK error as a JS value.
fn error(code: ErrorCode, message: &'static str) -> JsValue {
    Error::new(code, message).into()
}

/// Runs a future as a Promise. Taking a boxed future keeps one copy of the executor glue in the
/// wasm instead of one per async method.
fn spawn(
    future: core::pin::Pin<Box<dyn core::future::Future<Output = Result<JsValue, JsValue>>>>,
) -> Promise {
    wasm_bindgen_futures::future_to_promise(future)
}

fn rejected(e: impl Into<JsValue>) -> Promise {
    Promise::reject(&e.into())
}

fn window() -> Result<web_sys::Window, JsValue> {
    web_sys::window().ok_or_else(|| {
        error(
            ErrorCode::InvalidConfig,
            "fitconnect needs a browser window; it cannot run here",
        )
    })
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// 32 bytes from `crypto.getRandomValues`.
fn random_bytes() -> Result<[u8; crate::core::pkce::RANDOM_LEN], JsValue> {
    let mut bytes = [0u8; crate::core::pkce::RANDOM_LEN];
    window()?
        .crypto()
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes))
        .map_err(|_| {
            error(
                ErrorCode::InvalidConfig,
                "crypto.getRandomValues is not available",
            )
        })?;
    Ok(bytes)
}
