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
    // Adapted by a poll function rather than an async block: an async block would be one more
    // state machine per instance, around the one `future` already is.
    let mut future = Box::pin(future);
    to_promise(Box::pin(std::future::poll_fn(move |cx| {
        future.as_mut().poll(cx).map(|outcome| {
            outcome
                .map(Into::into)
                .map_err(|e| to_js(e.for_provider(provider)))
        })
    })))
}

/// A future of JavaScript values, boxed: the one type every Promise is made from.
pub type JsTask = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// A Promise that settles with `future`'s outcome: the only caller of `future_to_promise`, which
/// is generic, so that the wasm holds one copy of its driver.
pub fn to_promise(future: JsTask) -> js_sys::Promise {
    future_to_promise(future)
}

/// A Promise rejected with `e`.
pub fn rejected(e: Error) -> js_sys::Promise {
    js_sys::Promise::reject(&to_js(e))
}
