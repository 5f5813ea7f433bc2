//! The SDK's JavaScript error class, `FitConnectError` (a real `Error` subclass, defined in
//! `js/error.js` because a Rust type cannot extend `Error`), and the conversion of the core's
//! errors into it.

use wasm_bindgen::prelude::*;

use crate::core::Error;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    /// `FitConnectError`, as `js/error.js` defines it.
    #[wasm_bindgen(extends = js_sys::Error)]
    pub type FitConnectError;

    #[wasm_bindgen(constructor)]
    fn new(
        code: &str,
        message: &str,
        provider: Option<&str>,
        status: Option<u16>,
        oauth_error: Option<&str>,
        description: Option<&str>,
        scope: Option<&str>,
    ) -> FitConnectError;
}

impl From<Error> for FitConnectError {
    fn from(e: Error) -> Self {
        FitConnectError::new(
            e.code.as_str(),
            &e.message,
            e.provider,
            e.status,
            e.oauth_error.as_deref(),
            e.description.as_deref(),
            e.scope.as_deref(),
        )
    }
}

/// The core's error as the JavaScript value to throw or reject with.
pub fn to_js(e: Error) -> JsValue {
    FitConnectError::from(e).into()
}
