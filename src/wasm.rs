//! The JavaScript export: [`run`], one synchronous call into [`crate::core::api`] with a JSON
//! array (the function's name, then its arguments) in and the answer out. One export keeps
//! wasm-bindgen's glue to a single string conversion. The other functions here are what `run`
//! reaches, under the Rust names the browser tests call.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::api;

/// Runs one core function: `run(JSON.stringify(["endpoints", provider, baseUrl, …]))`.
#[wasm_bindgen]
pub fn run(call: &str) -> String {
    api::run(call)
}

/// The API base, token endpoint and authorise URL of a provider client.
pub fn endpoints(
    provider: &str,
    base_url: &str,
    client_id: &str,
    callback_uri: &str,
    environment: &str,
    identity_url: &str,
) -> String {
    api::endpoints(
        provider,
        base_url,
        client_id,
        callback_uri,
        environment,
        identity_url,
    )
}

/// Starts a FitBark authorisation from 64 random bytes: `{ url, state, tx }`.
pub fn begin(config: &str, random: &[u8], now: f64) -> String {
    api::begin(config, random, now)
}

/// Looks at `location.search`: `{ response, state?, clean }`.
pub fn inspect(search: &str) -> String {
    api::inspect(search)
}

/// Validates an authorisation response against the stored transaction: `{ body }`.
pub fn complete(config: &str, search: &str, tx: &str, now: f64) -> String {
    api::complete(config, search, tx, now)
}

/// Reads a popup callback page's query and fragment: the session.
pub fn popup_callback(provider: &str, search: &str, hash: &str) -> String {
    api::popup_callback(provider, search, hash)
}

/// Validates a token endpoint's answer: the new session.
pub fn token_response(provider: &str, status: u16, body: &str, now: f64, previous: &str) -> String {
    api::token_response(provider, status, body, now, previous)
}

/// A stored session, checked and written again, or `null`.
pub fn load_session(provider: &str, text: &str) -> String {
    api::load_session(provider, text)
}

/// The password-grant request body: `{ body }`.
pub fn password_body(config: &str, username: &str, password: &str, facebook_token: &str) -> String {
    api::password_body(config, username, password, facebook_token)
}

/// The refresh request body: `{ body }`.
pub fn refresh_body(config: &str, refresh_token: &str) -> String {
    api::refresh_body(config, refresh_token)
}

/// What to do with a 401 or 403 answer: `{ retry }` or an error.
pub fn challenge(status: u16, header: &str) -> String {
    api::challenge(status, header)
}

/// `BASE64URL(SHA256(token))`, plain text.
pub fn fingerprint(token: &str) -> String {
    api::fingerprint(token)
}
