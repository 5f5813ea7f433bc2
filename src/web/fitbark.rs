//! `FitBark`: the authorisation-code redirect with state and PKCE; the code is exchanged and the
//! token refreshed through the app's own token endpoint, which holds the client secret.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::client::{session_methods, Client, TokenEndpoint};
use super::http::BodyStyle;
use super::options::Options;
use super::{now_ms, random_bytes, storage, window};
use crate::core::flow::{self, Transaction};
use crate::core::provider::{Provider, FITBARK};
use crate::core::session::Secret;

thread_local! {
    /// The completion started on this page load, with the state it answered: a second
    /// `completeAuthorization()` (React StrictMode calls effects twice) gets the same promise
    /// instead of exchanging the code again.
    static COMPLETION: RefCell<Option<(&'static str, Option<String>, Promise)>> = const { RefCell::new(None) };
}

/// FitBark client: the authorisation-code redirect with state and PKCE; your server exchanges the code.
///
/// ```js
/// const fitbark = new FitBark({ clientId: 'abc', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' });
/// if (fitbark.hasAuthorizationResponse()) await fitbark.completeAuthorization();
/// const dogs = await (await fitbark.fetch('/api/v2/dog_relations')).json();
/// ```
#[wasm_bindgen]
pub struct FitBark {
    client: Rc<Client>,
    redirect_uri: String,
    scope: Option<String>,
    pkce: bool,
}

fn location() -> Result<web_sys::Location, JsValue> {
    Ok(window()?.location())
}

/// Replaces the address bar's query, leaving path and fragment, without a navigation.
fn replace_query(query: &str) {
    let Ok(w) = window() else { return };
    let loc = w.location();
    let mut url = loc.pathname().unwrap_or_default();
    url.push_str(query);
    url.push_str(&loc.hash().unwrap_or_default());
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

fn previous_completion(provider: &Provider, state: Option<&str>) -> Option<Promise> {
    COMPLETION.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(p, s, _)| *p == provider.id && (state.is_none() || s.as_deref() == state))
            .map(|(_, _, promise)| promise.clone())
    })
}

#[wasm_bindgen]
impl FitBark {
    /// Creates a client. `options`: `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce? }`.
    ///
    /// ```js
    /// const fitbark = new FitBark({ clientId: 'abc', redirectUri: 'https://app.example/', tokenEndpoint: 'https://app.example/broker/fitbark/token' });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FitBarkOptions")] options: JsValue,
    ) -> Result<FitBark, JsValue> {
        let o = Options::new(options)?;
        let client_id = o.required("clientId", "clientId is required")?;
        let redirect_uri = o.required("redirectUri", "redirectUri is required")?;
        let token_endpoint = o.required(
            "tokenEndpoint",
            "tokenEndpoint (your server's token URL) is required",
        )?;
        Ok(FitBark {
            client: Client::new(
                &FITBARK,
                o.string("baseUrl")?,
                client_id,
                Some(TokenEndpoint {
                    url: token_endpoint,
                    style: BodyStyle::Json,
                }),
                None,
            )?,
            redirect_uri,
            scope: o.string("scope")?,
            pkce: o.boolean("pkce", true)?,
        })
    }

    /// Starts an authorisation: stores a new transaction (state, PKCE verifier) and returns the
    /// provider's authorise URL to navigate to.
    ///
    /// ```js
    /// link.href = fitbark.authorizeUrl();
    /// ```
    #[wasm_bindgen(js_name = authorizeUrl)]
    pub fn authorize_url(&self) -> Result<String, JsValue> {
        let provider = self.client.provider;
        let tx = Transaction::start(
            provider,
            &self.redirect_uri,
            self.pkce,
            &random_bytes()?,
            &random_bytes()?,
            now_ms(),
        );
        storage::save_transaction(provider, &tx)?;
        let challenge = tx.verifier.as_ref().map(|v| v.challenge_s256());
        provider
            .authorization_code_url(
                &self.client.base_url,
                &self.client.client_id,
                &self.redirect_uri,
                &tx.state,
                challenge.as_deref(),
                self.scope.as_deref(),
            )
            .ok_or_else(|| {
                super::error(
                    crate::core::ErrorCode::InvalidConfig,
                    "This provider does not use the authorisation-code flow",
                )
            })
    }

    /// Starts an authorisation and sends the browser to the provider's authorise page.
    ///
    /// ```js
    /// connectButton.onclick = () => fitbark.authorize();
    /// ```
    pub fn authorize(&self) -> Result<(), JsValue> {
        let url = self.authorize_url()?;
        location()?.assign(&url)
    }

    /// Whether the current address carries an authorisation response (`state` with `code` or `error`).
    ///
    /// ```js
    /// if (fitbark.hasAuthorizationResponse()) await fitbark.completeAuthorization();
    /// ```
    #[wasm_bindgen(js_name = hasAuthorizationResponse)]
    pub fn has_authorization_response(&self) -> bool {
        location()
            .and_then(|l| l.search())
            .is_ok_and(|s| flow::is_authorization_response(&s))
    }

    /// On the redirect page: validates the response against the stored transaction, removes it
    /// from the address bar, exchanges the code through `tokenEndpoint`, stores and returns the
    /// session. Calling it again on the same page returns the same promise. Rejects with
    /// `state_mismatch`, `access_denied`, `oauth_error`, `invalid_callback` or `invalid_response`.
    ///
    /// ```js
    /// try { const session = await fitbark.completeAuthorization(); }
    /// catch (e) { if (e.code === 'access_denied') showMessage('You declined access.'); }
    /// ```
    #[wasm_bindgen(js_name = completeAuthorization, unchecked_return_type = "Promise<Session>")]
    pub fn complete_authorization(&self) -> Promise {
        let provider = self.client.provider;
        let search = location().and_then(|l| l.search()).unwrap_or_default();
        let state = flow::response_state(&search);
        let is_response = flow::is_authorization_response(&search);
        if let Some(p) =
            previous_completion(provider, if is_response { state.as_deref() } else { None })
        {
            return p;
        }
        // Consumed before the first await, so the code can be exchanged only once.
        let tx = storage::take_transaction(provider);
        replace_query(&flow::clean_query(&search));
        let promise = match flow::parse_code_callback(provider, &search, tx.as_ref()) {
            Ok(code) => match tx {
                Some(tx) => self
                    .client
                    .sign_in(Secret::new(tx.exchange_body(&code, &self.client.client_id))),
                // A code is only ever validated against a transaction.
                None => Promise::reject(&JsValue::UNDEFINED),
            },
            Err(e) => Promise::reject(&e.into()),
        };
        COMPLETION.with(|c| *c.borrow_mut() = Some((provider.id, state, promise.clone())));
        promise
    }
}

session_methods!(
    FitBark,
    "`fetch` to the FitBark API with the user's Bearer token. Relative paths"
);
