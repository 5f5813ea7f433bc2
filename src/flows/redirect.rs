//! The authorisation-code redirect (FitBark, RFC 6749 §4.1 with PKCE S256, RFC 7636): a
//! transaction (state, verifier) stored under the client's binding, the provider's authorise URL,
//! and on the way back the response checked, removed from the address bar before anything is
//! awaited, and the code exchanged once through the app's server.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::client::Client;
use crate::core::callback::{self, Transaction};
use crate::core::config::SignIn;
use crate::core::error::invalid_config;
use crate::core::token::TokenRequest;
use crate::core::{Error, ErrorCode};
use crate::providers::fitbark;
use crate::web::{self, json, storage};

/// The completion started on this page load, with the state it answered: a second
/// `completeAuthorization()` (React StrictMode runs effects twice) gets the same promise instead
/// of exchanging the code again.
struct Completion {
    state: Option<String>,
    promise: js_sys::Promise,
}

thread_local! {
    static COMPLETION: RefCell<Option<Completion>> = const { RefCell::new(None) };
}

/// Starts an authorisation: stores a new transaction (state, PKCE verifier) and answers the
/// provider's authorise URL.
///
/// # Errors
/// `invalid_config` when the client does not sign in with a redirect, or where there is no
/// browser window, randomness (`crypto.getRandomValues`) or storage for it (the transaction
/// cannot be written as JSON).
pub fn authorize_url(client: &Client) -> Result<String, Error> {
    let config = client.config();
    let SignIn::Redirect {
        redirect_uri, pkce, ..
    } = &config.sign_in
    else {
        return Err(invalid_config(
            "This provider does not sign in with a redirect",
        ));
    };
    let random = [web::crypto::random::<32>()?, web::crypto::random::<32>()?];
    let tx = Transaction::start(
        client.provider(),
        redirect_uri,
        *pkce,
        &random,
        web::now_ms(),
    );
    let stored = json::stringify(&json::to_object(&tx))
        .ok_or_else(|| invalid_config("The sign-in cannot be stored"))?;
    storage::write(&client.binding().transaction_key(), &stored);
    Ok(fitbark::authorize_url(config, &tx))
}

/// Starts an authorisation and sends the browser to the provider's authorise page.
///
/// # Errors
/// As [`authorize_url`], and `invalid_config` when the page cannot navigate.
pub fn authorize(client: &Client) -> Result<(), Error> {
    let url = authorize_url(client)?;
    web::window()?
        .location()
        .assign(&url)
        .map_err(|_| invalid_config("The page cannot navigate"))
}

/// Whether the current address carries an authorisation response (a `code` or an `error`).
pub fn has_response() -> bool {
    web::window()
        .ok()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|s| callback::inspect(&s).response)
}

/// On the redirect page: consumes the stored transaction, removes the response from the address
/// bar, validates it (state, `iss`, the provider's error), exchanges the code and stores the
/// session. Called again on the same page, it answers the same promise.
pub fn complete(client: &Client) -> js_sys::Promise {
    let provider = client.provider();
    let (window, location) = match web::window().map(|w| (w.clone(), w.location())) {
        Ok(found) => found,
        Err(e) => return client.rejected(e),
    };
    let search = location.search().unwrap_or_default();
    let seen = callback::inspect(&search);
    let earlier = COMPLETION.with_borrow(|c| {
        c.as_ref()
            .filter(|c| !seen.response || c.state == seen.state)
            .map(|c| c.promise.clone())
    });
    if let Some(earlier) = earlier {
        return earlier;
    }
    if !seen.response {
        return client.rejected(Error::new(
            ErrorCode::InvalidCallback,
            "This page has no authorization response",
        ));
    }
    // Consumed before the first await, so that the code can be exchanged only once.
    let key = client.binding().transaction_key();
    let tx = storage::read(&key)
        .and_then(|text| json::fields(&text))
        .and_then(|fields| Transaction::from_fields(&fields))
        .and_then(|t| t.checked(provider, web::now_ms()));
    storage::remove(&key);
    if let Ok(history) = window.history() {
        let (path, hash) = (location.pathname(), location.hash());
        // Joined as `&str`s, the one `concat` the rest of the SDK uses (a `String` array would be
        // another copy of it in the wasm).
        let clean = [
            path.as_deref().unwrap_or_default(),
            &seen.clean,
            hash.as_deref().unwrap_or_default(),
        ]
        .concat();
        let _ = history.replace_state_with_url(
            &history.state().unwrap_or(JsValue::NULL),
            "",
            Some(&clean),
        );
    }
    let config = client.config();
    let issuer = match &config.sign_in {
        SignIn::Redirect { issuer, .. } => issuer.as_str(),
        _ => "",
    };
    let promise = match callback::parse_code_callback(provider, issuer, &search, tx.as_ref()) {
        Ok(code) => {
            let tx = tx.as_ref();
            let request = TokenRequest::exchange(
                config,
                &code,
                tx.map_or("", |t| t.redirect_uri.as_str()),
                tx.and_then(|t| t.verifier.as_ref()).map(|v| v.expose()),
            );
            client.promise(client.clone().sign_in(request))
        }
        Err(e) => client.rejected(e),
    };
    COMPLETION.with_borrow_mut(|c| {
        *c = Some(Completion {
            state: seen.state,
            promise: promise.clone(),
        })
    });
    promise
}
