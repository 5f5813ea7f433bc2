//! Promises for JavaScript: where the SDK's results cross to the app. One non-generic wrapper
//! (boxed futures) serves every method, since each generic instance of `future_to_promise` costs
//! the wasm a copy of its state-machine driver; core errors reject as `FitConnectError`s.

use std::future::Future;
use std::pin::Pin;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::error::to_js;
use crate::core::Error;

/// A Promise that settles with the future's outcome, a core error rejecting it, named after
/// `provider` (errors are tagged with their provider here, where they cross to JavaScript).
pub fn promise<T: Into<JsValue>>(
    provider: &'static str,
    future: impl Future<Output = Result<T, Error>> + 'static,
) -> js_sys::Promise {
    settle(
        provider,
        Box::pin(async move { future.await.map(Into::into) }),
    )
}

fn settle(
    provider: &'static str,
    future: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>,
) -> js_sys::Promise {
    future_to_promise(async move { future.await.map_err(|e| to_js(e.for_provider(provider))) })
}

/// A Promise rejected with `e`.
pub fn rejected(e: Error) -> js_sys::Promise {
    js_sys::Promise::reject(&to_js(e))
}
