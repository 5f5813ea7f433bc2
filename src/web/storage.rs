//! Sessions and in-flight transactions in sessionStorage, under namespaced keys, and the
//! session-change listeners. Every instance of a provider's class on a page shares them.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::Storage;

use super::{error, window};
use crate::core::flow::Transaction;
use crate::core::provider::Provider;
use crate::core::session::Session;
use crate::core::ErrorCode;

const PREFIX: &str = "fitconnect:";

fn key(kind: &str, provider: &Provider) -> String {
    let mut k = String::from(PREFIX);
    k.push_str(kind);
    k.push(':');
    k.push_str(provider.id);
    k
}

fn storage() -> Result<Storage, JsValue> {
    window()?.session_storage().ok().flatten().ok_or_else(|| {
        error(
            ErrorCode::StorageUnavailable,
            "sessionStorage is not available",
        )
    })
}

fn read(key: &str) -> Option<String> {
    storage().ok()?.get_item(key).ok().flatten()
}

fn write(key: &str, value: &str) -> Result<(), JsValue> {
    storage()?.set_item(key, value).map_err(|_| {
        error(
            ErrorCode::StorageUnavailable,
            "sessionStorage refused the write",
        )
    })
}

fn remove(key: &str) {
    if let Ok(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The stored session. A corrupt or foreign value is removed and reads as no session.
pub fn load_session(provider: &Provider) -> Option<Session> {
    let k = key("session", provider);
    let text = read(&k)?;
    let session = Session::from_json(&text, provider.id);
    if session.is_none() {
        remove(&k);
    }
    session
}

/// Stores a session and tells the listeners.
pub fn save_session(provider: &'static Provider, session: &Session) -> Result<(), JsValue> {
    write(&key("session", provider), &session.to_json())?;
    notify(provider, Some(session));
    Ok(())
}

/// Removes the session and tells the listeners (only if there was one).
pub fn clear_session(provider: &'static Provider) {
    let k = key("session", provider);
    let had = read(&k).is_some();
    remove(&k);
    if had {
        notify(provider, None);
    }
}

/// Stores the transaction of a started authorisation.
pub fn save_transaction(provider: &Provider, tx: &Transaction) -> Result<(), JsValue> {
    write(&key("tx", provider), &tx.to_json())
}

/// Takes (reads and removes) the pending transaction, so that it can complete only once.
pub fn take_transaction(provider: &Provider) -> Option<Transaction> {
    let k = key("tx", provider);
    let text = read(&k)?;
    remove(&k);
    Transaction::from_json(&text, provider, super::now_ms())
}

/// The session as the plain JavaScript object of the public API.
pub fn session_to_js(session: Option<&Session>) -> JsValue {
    session
        .and_then(|s| js_sys::JSON::parse(&s.to_json()).ok())
        .unwrap_or(JsValue::NULL)
}

struct Listener {
    id: u32,
    provider: &'static str,
    callback: Function,
}

thread_local! {
    static LISTENERS: RefCell<(u32, Vec<Listener>)> = const { RefCell::new((0, Vec::new())) };
}

/// Registers a callback for a provider's session changes; returns the unsubscribe function.
pub fn subscribe(provider: &'static Provider, callback: Function) -> Function {
    let id = LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        l.0 += 1;
        let id = l.0;
        l.1.push(Listener {
            id,
            provider: provider.id,
            callback,
        });
        id
    });
    let unsubscribe = Closure::<dyn FnMut()>::new(move || {
        LISTENERS.with(|l| l.borrow_mut().1.retain(|x| x.id != id));
    });
    unsubscribe.into_js_value().unchecked_into()
}

fn notify(provider: &'static Provider, session: Option<&Session>) {
    // Copy the callbacks out first: a callback may subscribe or unsubscribe.
    let callbacks: Vec<Function> = LISTENERS.with(|l| {
        l.borrow()
            .1
            .iter()
            .filter(|x| x.provider == provider.id)
            .map(|x| x.callback.clone())
            .collect()
    });
    let value = session_to_js(session);
    for cb in callbacks {
        // A throwing listener must not break the SDK or the other listeners.
        let _ = cb.call1(&JsValue::NULL, &value);
    }
}
