//! The JavaScript exports: one per function of [`crate::core::api`], under its camel-case name.
//! Strings in, a string out, all synchronous; see the functions there for what each answers.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::api;

/// Checks a provider's constructor options (`JSON.stringify`-ed); answers its configuration.
#[wasm_bindgen(js_name = configure)]
pub fn configure(provider: &str, options: &str) -> String {
    api::configure(provider, options)
}

/// Starts a FitBark authorisation from 64 random bytes: `{ url, state, tx }`.
#[wasm_bindgen(js_name = begin)]
pub fn begin(config: &str, random: &[u8], now: f64) -> String {
    api::begin(config, random, now)
}

/// Looks at `location.search`: `{ response, state?, clean }`.
#[wasm_bindgen(js_name = inspect)]
pub fn inspect(search: &str) -> String {
    api::inspect(search)
}

/// Validates an authorisation response against the stored transaction: `{ body }`.
#[wasm_bindgen(js_name = complete)]
pub fn complete(config: &str, search: &str, tx: &str, now: f64) -> String {
    api::complete(config, search, tx, now)
}

/// Reads a popup callback page's query and fragment: the session.
#[wasm_bindgen(js_name = popupCallback)]
pub fn popup_callback(provider: &str, search: &str, hash: &str) -> String {
    api::popup_callback(provider, search, hash)
}

/// Validates a token endpoint's answer: the new session.
#[wasm_bindgen(js_name = tokenResponse)]
pub fn token_response(provider: &str, status: u16, body: &str, now: f64, previous: &str) -> String {
    api::token_response(provider, status, body, now, previous)
}

/// A stored session, checked and written again, or `null`.
#[wasm_bindgen(js_name = loadSession)]
pub fn load_session(provider: &str, text: &str) -> String {
    api::load_session(provider, text)
}

/// The password-grant request body: `{ body }`.
#[wasm_bindgen(js_name = passwordBody)]
pub fn password_body(config: &str, username: &str, password: &str, facebook_token: &str) -> String {
    api::password_body(config, username, password, facebook_token)
}

/// The refresh request body: `{ body }`.
#[wasm_bindgen(js_name = refreshBody)]
pub fn refresh_body(config: &str, refresh_token: &str) -> String {
    api::refresh_body(config, refresh_token)
}

/// What to do with a 401 or 403 answer: `{ retry }` or an error.
#[wasm_bindgen(js_name = challenge)]
pub fn challenge(status: u16, header: &str) -> String {
    api::challenge(status, header)
}

/// `BASE64URL(SHA256(token))`, plain text.
#[wasm_bindgen(js_name = fingerprint)]
pub fn fingerprint(token: &str) -> String {
    api::fingerprint(token)
}
