//! Sessions and in-flight transactions in sessionStorage, under namespaced keys, and the
//! session-change listeners. Every instance of a provider's class on a page shares them.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::Storage;

use crate::core::flow::Transaction;
use crate::core::provider::Provider;
use crate::core::session::Session;

const PREFIX: &str = "fitconnect:";

fn key(kind: &str, provider: &Provider) -> String {
    let mut k = String::from(PREFIX);
    k.push_str(kind);
    k.push(':');
    k.push_str(provider.id);
    k
}

/// Keys written (`Some`) or removed (`None`) while storage was failing.
type Overlay = Vec<(String, Option<String>)>;

thread_local! {
    /// Set once sessionStorage has failed (blocked site data, quota, private modes): from then on
    /// this page keeps the SDK's values in memory, for its own lifetime.
    /// Entries written or removed (`None`) since then; other keys are still read from storage.
    static MEMORY: RefCell<Option<Overlay>> = const { RefCell::new(None) };
}

fn storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn in_memory() -> bool {
    MEMORY.with(|m| m.borrow().is_some())
}

/// Switches to memory and says so once, with a `fitconnect:storagefallback` event on `window`.
fn fall_back() {
    if in_memory() {
        return;
    }
    MEMORY.with(|m| *m.borrow_mut() = Some(Vec::new()));
    if let Some(w) = web_sys::window() {
        if let Ok(event) = web_sys::Event::new("fitconnect:storagefallback") {
            let _ = w.dispatch_event(&event);
        }
    }
}

/// `Some(value)` when memory has an entry (or a removal) for the key.
fn memory_get(key: &str) -> Option<Option<String>> {
    MEMORY.with(|m| {
        m.borrow()
            .as_ref()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    })
}

fn memory_set(key: &str, value: Option<&str>) {
    MEMORY.with(|m| {
        if let Some(entries) = m.borrow_mut().as_mut() {
            entries.retain(|(k, _)| k != key);
            entries.push((key.into(), value.map(String::from)));
        }
    })
}

fn read(key: &str) -> Option<String> {
    if let Some(value) = memory_get(key) {
        return value;
    }
    match storage().map(|s| s.get_item(key)) {
        Some(Ok(value)) => value,
        _ => {
            fall_back();
            None
        }
    }
}

/// Writes a value; a storage that throws does not lose it: it goes to memory instead.
fn write(key: &str, value: &str) -> Result<(), JsValue> {
    if !in_memory() {
        match storage().map(|s| s.set_item(key, value)) {
            Some(Ok(())) => return Ok(()),
            _ => fall_back(),
        }
    }
    memory_set(key, Some(value));
    Ok(())
}

fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
    if in_memory() {
        memory_set(key, None);
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
