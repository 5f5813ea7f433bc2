//! `sessionStorage`, or memory for the rest of the page's life once it fails (blocked site data,
//! a full quota, private modes). The memory holds the keys written or removed (`None`) since
//! then; others are still read from storage. The switch is announced once, with a
//! `fitconnect:storagefallback` event on the window.

use litemap::LiteMap;
use std::cell::RefCell;

use web_sys::Storage;

thread_local! {
    static MEMORY: RefCell<Option<LiteMap<String, Option<String>>>> = const { RefCell::new(None) };
    // The window's `sessionStorage`, once obtained: the getter costs a Bearer fetch about 25 µs
    // each time (a quarter of its work before `fetch`), and the object stays the same for the
    // page's life.
    static STORAGE: RefCell<Option<Storage>> = const { RefCell::new(None) };
}

/// The event that announces the fallback.
pub const FALLBACK_EVENT: &str = "fitconnect:storagefallback";

fn storage() -> Option<Storage> {
    if let Some(storage) = STORAGE.with_borrow(Clone::clone) {
        return Some(storage);
    }
    let storage = web_sys::window()?.session_storage().ok().flatten()?;
    STORAGE.with_borrow_mut(|s| *s = Some(storage.clone()));
    Some(storage)
}

fn fall_back() {
    let switched = MEMORY.with_borrow_mut(|m| {
        let switched = m.is_none();
        m.get_or_insert_with(LiteMap::new);
        switched
    });
    if switched {
        if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(FALLBACK_EVENT))
        {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// Whether the memory fallback is in use.
pub fn in_memory() -> bool {
    MEMORY.with_borrow(Option::is_some)
}

/// The value stored under `key`.
pub fn read(key: &str) -> Option<String> {
    if let Some(kept) = MEMORY.with_borrow(|m| m.as_ref().and_then(|m| m.get(key).cloned())) {
        return kept;
    }
    match storage().map(|s| s.get_item(key)) {
        Some(Ok(value)) => value,
        _ => {
            fall_back();
            None
        }
    }
}

/// Stores `value` under `key`: in `sessionStorage`, or in memory once that fails.
pub fn write(key: &str, value: &str) {
    if !in_memory() {
        if let Some(Ok(())) = storage().map(|s| s.set_item(key, value)) {
            return;
        }
        fall_back();
    }
    MEMORY.with_borrow_mut(|m| {
        if let Some(m) = m {
            m.insert(key.into(), Some(value.into()));
        }
    });
}

/// Tries to store `value` in `sessionStorage` itself, whatever the fallback; failures are ignored.
pub fn write_through(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Removes `key` (from storage, and from memory if in use).
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
    MEMORY.with_borrow_mut(|m| {
        if let Some(m) = m {
            m.insert(key.into(), None);
        }
    });
}
