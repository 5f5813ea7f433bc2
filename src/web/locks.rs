//! Web Locks (`navigator.locks`, web-sys's unstable API): a lock shared by every tab of this
//! origin, so that tabs holding the same session do not both spend a single-use refresh token.
//! One lock manager serves every tab, so what one tab holds is seen by the next holder in order:
//! a tab marks a refresh token spent by holding a lock named after it ([`hold`]) before it lets
//! the refresh lock go, and the tab that takes the refresh lock next finds the mark
//! ([`is_held`]) however late the rotated session's announcement reaches it.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::LockOptions;

use crate::core::Error;

/// A task run under the lock: told whether the lock was acquired, it answers whether it is done.
pub type Task = Box<dyn FnOnce(bool) -> Pin<Box<dyn Future<Output = Result<bool, Error>>>>>;

fn lock_manager() -> Result<Option<web_sys::LockManager>, Error> {
    let navigator = super::window()?.navigator();
    let supported = js_sys::Reflect::get(&navigator, &"locks".into())
        .is_ok_and(|l| !l.is_undefined() && !l.is_null());
    Ok(supported.then(|| navigator.locks()))
}

/// Takes the lock `name` and holds it for the rest of the page's life; resolves once it is held.
/// Without the Web Locks API, nothing is held.
///
/// # Errors
/// `invalid_config` when there is no browser window.
pub async fn hold(name: &str) -> Result<(), Error> {
    let Some(locks) = lock_manager()? else {
        return Ok(());
    };
    let (granted, resolve) = super::deferred();
    // Called once, when the lock is granted; the promise it answers never settles.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let _ = resolve.call0(&JsValue::UNDEFINED);
        js_sys::Promise::new(&mut |_, _| {})
    });
    let _ = locks.request(name, callback.unchecked_ref());
    let _ = JsFuture::from(granted).await;
    Ok(())
}

/// Whether any page of this origin holds the lock `name` (`false` without the Web Locks API, or
/// when the query fails).
///
/// # Errors
/// `invalid_config` when there is no browser window.
pub async fn is_held(name: &str) -> Result<bool, Error> {
    let Some(locks) = lock_manager()? else {
        return Ok(false);
    };
    // Awaited as an untyped promise, like every other promise the SDK awaits: one `JsFuture` type
    // in the wasm.
    let query: js_sys::Promise = locks.query().unchecked_into();
    let Ok(snapshot) = JsFuture::from(query).await else {
        return Ok(false);
    };
    let snapshot: web_sys::LockManagerSnapshot = snapshot.unchecked_into();
    Ok(snapshot.get_held().is_some_and(|held| {
        held.iter()
            .any(|lock| lock.get_name().as_deref() == Some(name))
    }))
}

/// Runs `task` holding the lock `name`. With `if_available`, the task is told `false` when
/// another holder has it. Without the Web Locks API the task runs at once, as if it held the lock.
/// Answers the task's answer, or `false` when the task did not run to an answer.
///
/// # Errors
/// `invalid_config` when there is no browser window; otherwise the task's own error.
pub async fn with_lock(name: &str, if_available: bool, task: Task) -> Result<bool, Error> {
    let Some(locks) = lock_manager()? else {
        return task(true).await;
    };
    let outcome: Rc<RefCell<Option<Result<bool, Error>>>> = Rc::default();
    let callback = {
        let outcome = outcome.clone();
        Closure::once(move |lock: JsValue| -> js_sys::Promise {
            let acquired = !lock.is_null();
            // The lock is held until this promise settles.
            super::promise::to_promise(Box::pin(async move {
                let result = task(acquired).await;
                *outcome.borrow_mut() = Some(result);
                Ok(JsValue::UNDEFINED)
            }))
        })
    };
    let options = LockOptions::new();
    options.set_if_available(if_available);
    let request = locks.request_with_options(name, &options, callback.as_ref().unchecked_ref());
    let _ = JsFuture::from(request).await;
    drop(callback);
    let result = outcome.borrow_mut().take();
    result.unwrap_or(Ok(false))
}
