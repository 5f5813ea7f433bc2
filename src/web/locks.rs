//! Web Locks (`navigator.locks`, web-sys's unstable API): a lock shared by every tab of this
//! origin, so that tabs holding the same session do not both spend a single-use refresh token.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::LockOptions;

use crate::core::Error;

/// A task run under the lock: told whether the lock was acquired, it answers whether it is done.
pub type Task = Box<dyn FnOnce(bool) -> Pin<Box<dyn Future<Output = Result<bool, Error>>>>>;

/// Runs `task` holding the lock `name`. With `if_available`, the task is told `false` when
/// another holder has it. Without the Web Locks API the task runs at once, as if it held the lock.
pub async fn with_lock(name: &str, if_available: bool, task: Task) -> Result<bool, Error> {
    let navigator = super::window()?.navigator();
    let supported = js_sys::Reflect::get(&navigator, &"locks".into())
        .is_ok_and(|l| !l.is_undefined() && !l.is_null());
    if !supported {
        return task(true).await;
    }
    let outcome: Rc<RefCell<Option<Result<bool, Error>>>> = Rc::default();
    let callback = {
        let outcome = outcome.clone();
        Closure::once(move |lock: JsValue| -> js_sys::Promise {
            let acquired = !lock.is_null();
            // The lock is held until this promise settles.
            future_to_promise(async move {
                let result = task(acquired).await;
                *outcome.borrow_mut() = Some(result);
                Ok(JsValue::UNDEFINED)
            })
        })
    };
    let options = LockOptions::new();
    options.set_if_available(if_available);
    let request =
        navigator
            .locks()
            .request_with_options(name, &options, callback.as_ref().unchecked_ref());
    let _ = JsFuture::from(request).await;
    drop(callback);
    let result = outcome.borrow_mut().take();
    result.unwrap_or(Ok(false))
}
