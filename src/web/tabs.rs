//! Tabs of one app that hold the same session (sessionStorage is copied into duplicated tabs and
//! into windows opened from a page) must not both spend a single-use refresh token. Refreshes take
//! a Web Lock shared by all tabs; the winner announces the rotated session on a BroadcastChannel of
//! this origin, and a tab whose refresh token was the one just spent adopts it.

use std::cell::Cell;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

use super::storage;
use crate::core::pkce::{base64url, sha256};
use crate::core::provider::{Provider, ALL};
use crate::core::session::{Secret, Session};

const CHANNEL: &str = "fitconnect:rotation";

thread_local! {
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// Identifies a refresh token without revealing it.
fn fingerprint(token: &Secret) -> String {
    base64url(&sha256(token.expose().as_bytes()))
}

/// The Web Lock name for a provider's refresh.
pub fn lock_name(provider: &Provider) -> String {
    let mut name = String::from("fitconnect:refresh:");
    name.push_str(provider.id);
    name
}

fn field(message: &JsValue, name: &str) -> Option<String> {
    Reflect::get(message, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let (Some(provider_id), Some(from), Some(json)) = (
        field(&data, "provider"),
        field(&data, "from"),
        field(&data, "session"),
    ) else {
        return;
    };
    let Some(provider) = ALL.iter().copied().find(|p| p.id == provider_id) else {
        return;
    };
    let spent = storage::load_session(provider)
        .and_then(|s| s.refresh_token)
        .is_some_and(|rt| fingerprint(&rt) == from);
    if spent {
        if let Some(session) = Session::from_json(&json, provider.id) {
            let _ = storage::save_session(provider, &session);
        }
    }
}

/// Starts listening for other tabs' rotations (once per page).
pub fn listen() {
    if LISTENING.with(|l| l.replace(true)) {
        return;
    }
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // Both live as long as the page.
    handler.forget();
    std::mem::forget(channel);
}

/// Tells the other tabs that `spent` was exchanged for `renewed`.
pub fn announce(provider: &Provider, spent: &Secret, renewed: &Session) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let message = Object::new();
    let _ = Reflect::set(&message, &"provider".into(), &provider.id.into());
    let _ = Reflect::set(&message, &"from".into(), &fingerprint(spent).into());
    let _ = Reflect::set(&message, &"session".into(), &renewed.to_json().into());
    let _ = channel.post_message(&message);
    channel.close();
}
