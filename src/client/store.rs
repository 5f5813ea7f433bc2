//! The sessions this tab holds, one per [`Binding`]: stored in `sessionStorage` (read back
//! without parsing while unchanged), handed out as fresh plain objects, and announced to the
//! `onSessionChange` subscribers of the clients bound alike.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use litemap::LiteMap;
use wasm_bindgen::prelude::*;

use crate::core::session::{Binding, Session};
use crate::core::{Error, ErrorCode};
use crate::web::{json, storage};

struct Subscriber {
    id: u32,
    binding: Rc<str>,
    callback: js_sys::Function,
}

thread_local! {
    static SUBSCRIBERS: RefCell<Vec<Subscriber>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    // Per binding: the last stored text seen and the session read from it, so that a Bearer fetch
    // costs one storage read and no parsing while the session is unchanged.
    static CHECKED: RefCell<LiteMap<String, (String, Session)>> = const { RefCell::new(LiteMap::new()) };
}

/// A session as the app sees it: a fresh plain object each time (changing it changes nothing).
pub fn session_object(session: Option<&Session>) -> JsValue {
    session.map_or(JsValue::NULL, json::to_object)
}

/// The session stored for `binding`; a corrupt or foreign value is removed.
pub fn load(provider: &'static str, binding: &Binding) -> Option<Session> {
    let key = binding.session_key();
    let text = storage::read(&key)?;
    if let Some(session) = CHECKED.with_borrow(|c| {
        c.get(binding.id())
            .filter(|(t, _)| *t == text)
            .map(|(_, s)| s.clone())
    }) {
        return Some(session);
    }
    let session = json::fields(&text)
        .and_then(|f| Session::from_fields(&f))
        .and_then(|s| s.checked(provider));
    match &session {
        Some(s) => CHECKED.with_borrow_mut(|c| c.insert(binding.id().into(), (text, s.clone()))),
        None => {
            storage::remove(&key);
            CHECKED.with_borrow_mut(|c| c.remove(binding.id()))
        }
    };
    session
}

fn notify(binding: &Binding, session: Option<&Session>) {
    let callbacks: Vec<js_sys::Function> = SUBSCRIBERS.with_borrow(|s| {
        s.iter()
            .filter(|s| &*s.binding == binding.id())
            .map(|s| s.callback.clone())
            .collect()
    });
    for callback in callbacks {
        // A throwing subscriber must not break the SDK or the other subscribers.
        let _ = callback.call1(&JsValue::UNDEFINED, &session_object(session));
    }
}

/// Stores a session and tells the subscribers; answers the stored text and the session as a plain
/// object of its own (the subscribers get theirs).
///
/// # Errors
/// `invalid_response` when the session cannot be written as JSON (`JSON.stringify` fails).
pub fn save(binding: &Binding, session: Session) -> Result<(String, JsValue), Error> {
    let object = session_object(Some(&session));
    let text = json::stringify(&object)
        .ok_or_else(|| Error::new(ErrorCode::InvalidResponse, "The session cannot be stored"))?;
    storage::write(&binding.session_key(), &text);
    CHECKED.with_borrow_mut(|c| c.insert(binding.id().into(), (text.clone(), session.clone())));
    notify(binding, Some(&session));
    Ok((text, object))
}

pub fn clear(binding: &Binding) {
    let key = binding.session_key();
    let had = storage::read(&key).is_some();
    storage::remove(&key);
    CHECKED.with_borrow_mut(|c| c.remove(binding.id()));
    if had {
        notify(binding, None);
    }
}

/// Calls `callback(session | null)` on every change of the session bound to `binding`; answers the
/// unsubscribe function.
pub fn subscribe(binding: &Binding, callback: js_sys::Function) -> js_sys::Function {
    let id = NEXT_ID.replace(NEXT_ID.get().wrapping_add(1));
    SUBSCRIBERS.with_borrow_mut(|s| {
        s.push(Subscriber {
            id,
            binding: binding.id().into(),
            callback,
        })
    });
    // `FnMut`, the closure type the popup's timers have too: each closure type costs the wasm and
    // the glue a shim of its own.
    let unsubscribe = Closure::<dyn FnMut()>::new(move || {
        SUBSCRIBERS.with_borrow_mut(|s| s.retain(|s| s.id != id))
    });
    unsubscribe.into_js_value().unchecked_into()
}
