//! fitconnect: connect web users to fitness and gym platforms from the browser.
//!
//! - [`core`]: the pure protocol (authorise URLs, `state` and PKCE, callback checks, token
//!   responses, sessions, Bearer challenges, options, errors), tested natively.
//! - [`providers`]: one file per provider: its endpoints and quirks as data.
//! - `web` (wasm32 only): one module per browser API (popup, storage, http, locks, callback,
//!   broadcast, crypto), on web-sys, js-sys and gloo-net.
//! - The exported classes (`FitRankings`, `FitBark`, `PerfectGym`, `OpenFit`, `Fisikal`),
//!   `handleCallback` and `defineConnectButtons` (wasm32 only), over the shared client in
//!   `client`.
#![deny(missing_docs)]

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
mod client;
#[cfg(target_arch = "wasm32")]
mod typescript;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub use exports::*;

#[cfg(target_arch = "wasm32")]
// talc instead of the default dlmalloc: a smaller wasm (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The JavaScript API: the five classes, `handleCallback` and `defineConnectButtons`.
#[cfg(target_arch = "wasm32")]
mod exports {
    use std::cell::RefCell;
    use std::future::Future;

    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::future_to_promise;

    use crate::client::Client;
    use crate::core::callback::{self, Transaction};
    use crate::core::error::invalid_config;
    use crate::core::Error;
    use crate::providers::{fisikal, fitbark, fitrankings, openfit, perfectgym, TokenRequest};
    use crate::web::{self, error::to_js, json, popup, storage};

    /// A Promise that settles with the future's outcome, a core error rejecting it as a
    /// `FitConnectError`.
    fn promise<T: Into<JsValue>>(
        future: impl Future<Output = Result<T, Error>> + 'static,
    ) -> js_sys::Promise {
        settle(Box::pin(async move { future.await.map(Into::into) }))
    }

    /// One instance of `future_to_promise` for every method (boxed futures): each generic
    /// instance costs the wasm a copy of its state machine driver.
    fn settle(
        future: std::pin::Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>,
    ) -> js_sys::Promise {
        future_to_promise(async move { future.await.map_err(to_js) })
    }

    fn rejected(e: Error) -> js_sys::Promise {
        js_sys::Promise::reject(&to_js(e))
    }

    /// The members every class has, over its [`Client`].
    macro_rules! client_members {
        ($class:ident) => {
            #[wasm_bindgen]
            impl $class {
                /// The current session (a fresh plain object), or `null`.
                #[wasm_bindgen(getter, unchecked_return_type = "Session | null")]
                pub fn session(&self) -> JsValue {
                    crate::client::session_object(self.client.session().as_ref())
                }

                /// Forgets the session (and tells `onSessionChange` subscribers).
                pub fn disconnect(&self) {
                    self.client.disconnect()
                }

                /// Calls `callback(session | null)` whenever the session changes (in any instance
                /// for this provider); returns the unsubscribe function.
                #[wasm_bindgen(js_name = onSessionChange, unchecked_return_type = "() => void")]
                pub fn on_session_change(
                    &self,
                    #[wasm_bindgen(unchecked_param_type = "(session: Session | null) => void")]
                    callback: JsValue,
                ) -> Result<JsValue, JsValue> {
                    self.client
                        .on_session_change(callback)
                        .map(Into::into)
                        .map_err(to_js)
                }

                /// `fetch` to the provider's API with the user's Bearer token. Relative paths
                /// resolve against the API base URL (with a trailing slash); a URL on any other
                /// origin is refused (`invalid_config`) and nothing is sent.
                /// An expired token is refreshed first where the provider issues refresh tokens,
                /// and a 401 answer then leads to one refresh and one retry.
                #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
                pub fn fetch(
                    &self,
                    #[wasm_bindgen(js_name = pathOrUrl, unchecked_param_type = "string")]
                    path_or_url: JsValue,
                    #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: Option<
                        js_sys::Object,
                    >,
                ) -> js_sys::Promise {
                    promise(self.client.clone().fetch(path_or_url, init.map(Into::into)))
                }

                /// The checked configuration (for tests and debugging).
                #[wasm_bindgen(getter, js_name = _config, skip_typescript)]
                pub fn config(&self) -> JsValue {
                    self.client.config_object()
                }

                /// Where this client's session and pending sign-in are stored (for tests).
                #[wasm_bindgen(getter, js_name = _storageKeys, skip_typescript)]
                pub fn storage_keys(&self) -> JsValue {
                    let binding = self.client.binding();
                    let keys = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(
                        &keys,
                        &"session".into(),
                        &binding.session_key().into(),
                    );
                    let _ = js_sys::Reflect::set(
                        &keys,
                        &"transaction".into(),
                        &binding.transaction_key().into(),
                    );
                    keys.into()
                }

                /// Refreshes the session now (for tests).
                #[wasm_bindgen(js_name = _refresh, skip_typescript)]
                pub fn refresh(&self) -> js_sys::Promise {
                    let client = self.client.clone();
                    promise(async move { client.refresh().await.map(|()| JsValue::UNDEFINED) })
                }
            }
        };
    }

    /// Reads the password-grant credentials `{ username, password }`; the password is wiped from
    /// the wasm's memory with the request that carries it.
    fn credentials(
        credentials: &JsValue,
        provider: &'static str,
    ) -> Result<(String, zeroize::Zeroizing<String>), Error> {
        let config = |m: &'static str| invalid_config(m).for_provider(provider);
        if !credentials.is_object() {
            return Err(config("credentials must be an object"));
        }
        let field = |name: &str, wrong: &'static str| -> Result<String, Error> {
            let value =
                js_sys::Reflect::get(credentials, &name.into()).unwrap_or(JsValue::UNDEFINED);
            if value.is_null() || value.is_undefined() {
                return Ok(String::new());
            }
            value.as_string().ok_or_else(|| config(wrong))
        };
        let username = field("username", "username must be a string")?;
        let password = zeroize::Zeroizing::new(field("password", "password must be a string")?);
        if username.trim().is_empty() {
            return Err(config("username is required"));
        }
        if password.is_empty() {
            return Err(config("password is required"));
        }
        Ok((username, password))
    }

    /// Signs `client` in with the password grant (RFC 6749 §4.3.2; legacy: RFC 9700 §2.4).
    fn password_login(client: &Client, credentials_value: JsValue) -> js_sys::Promise {
        let client = client.clone();
        promise(async move {
            let (username, password) = credentials(&credentials_value, client.provider())?;
            let request = TokenRequest::password(client.config(), &username, &password);
            drop(password);
            client.sign_in(request).await
        })
    }

    /// FitRankings: sign-in in a 400x600 popup; the user token comes back to your callback page,
    /// which calls `handleCallback()`.
    #[wasm_bindgen]
    pub struct FitRankings {
        client: Client,
    }

    thread_local! {
        // Popups open for sign-in: a second connect() focuses the first.
        static POPUP: RefCell<Option<web_sys::Window>> = const { RefCell::new(None) };
    }

    #[wasm_bindgen]
    impl FitRankings {
        /// `options`: `{ clientId, callbackUri, baseUrl?, timeoutMs? }`; throws
        /// `FitConnectError` (`invalid_config`) for a missing or mistyped option, or an option
        /// named like a secret.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "FitRankingsOptions")] options: JsValue,
        ) -> Result<FitRankings, JsValue> {
            Client::new(fitrankings::PROVIDER.id, &options, fitrankings::read)
                .map(|client| FitRankings { client })
                .map_err(to_js)
        }

        /// Opens the FitRankings sign-in popup and resolves with the session once the user
        /// allowed access. Call it directly in a click handler: the popup opens before this
        /// returns. Rejects with `popup_blocked`, `popup_closed`, `timeout`,
        /// `interaction_in_progress`, `access_denied` or `invalid_callback`.
        #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
        pub fn connect(&self) -> js_sys::Promise {
            let provider = self.client.provider();
            let open = POPUP
                .with_borrow(|p| p.clone())
                .filter(|p| !p.closed().unwrap_or(true));
            if let Some(open) = open {
                let _ = open.focus();
                return rejected(
                    Error::new(
                        crate::core::ErrorCode::InteractionInProgress,
                        "A sign-in window is already open",
                    )
                    .for_provider(provider),
                );
            }
            let config = self.client.config();
            let (Some(url), Some(timeout_ms)) = (config.popup_url.clone(), config.timeout_ms)
            else {
                return rejected(
                    invalid_config("This provider does not sign in with a popup")
                        .for_provider(provider),
                );
            };
            // Opened in this task, before anything is awaited.
            let opened = popup::new_nonce().and_then(|nonce| {
                Ok((
                    nonce,
                    popup::open(&url, "fitconnect-fitrankings", provider)?,
                ))
            });
            let (nonce, window) = match opened {
                Ok(opened) => opened,
                Err(e) => return rejected(e.for_provider(provider)),
            };
            POPUP.with_borrow_mut(|p| *p = Some(window.clone()));
            let client = self.client.clone();
            promise(async move {
                let result = popup::wait(window.clone(), nonce, timeout_ms, provider).await;
                POPUP.with_borrow_mut(|p| {
                    if p.as_ref().is_some_and(|p| js_sys::Object::is(p, &window)) {
                        *p = None;
                    }
                });
                let message = result?;
                let session = callback::parse_popup_callback(
                    provider,
                    fitrankings::PARAMS,
                    &message.search,
                    &message.hash,
                )?;
                client.store(session)
            })
        }
    }

    client_members!(FitRankings);

    /// FitBark: the authorisation-code redirect with `state` and PKCE S256; your server
    /// (`tokenEndpoint`) exchanges the code with the client secret.
    #[wasm_bindgen]
    pub struct FitBark {
        client: Client,
    }

    /// The completion started on this page load, with the state it answered: a second
    /// `completeAuthorization()` (React StrictMode runs effects twice) gets the same promise
    /// instead of exchanging the code again.
    struct Completion {
        state: Option<String>,
        promise: js_sys::Promise,
    }

    thread_local! {
        static COMPLETION: RefCell<Option<Completion>> = const { RefCell::new(None) };
    }

    fn location() -> Result<web_sys::Location, Error> {
        Ok(web::window()?.location())
    }

    #[wasm_bindgen]
    impl FitBark {
        /// `options`: `{ clientId, redirectUri, tokenEndpoint, baseUrl?, scope?, pkce?, issuer? }`.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "FitBarkOptions")] options: JsValue,
        ) -> Result<FitBark, JsValue> {
            Client::new(fitbark::PROVIDER.id, &options, fitbark::read)
                .map(|client| FitBark { client })
                .map_err(to_js)
        }

        fn begin(&self) -> Result<String, Error> {
            let config = self.client.config();
            let provider = self.client.provider();
            let random = [web::crypto::random::<32>()?, web::crypto::random::<32>()?];
            let redirect_uri = config.redirect_uri.as_deref().unwrap_or_default();
            let tx = Transaction::start(
                provider,
                redirect_uri,
                config.pkce.unwrap_or(true),
                &random,
                web::now_ms(),
            );
            let stored = json::stringify(&json::to_object(&tx))
                .ok_or_else(|| invalid_config("The sign-in cannot be stored"))?;
            storage::write(&self.client.binding().transaction_key(), &stored);
            Ok(fitbark::authorize_url(config, &tx))
        }

        /// Starts an authorisation: stores a new transaction (state, PKCE verifier) and returns
        /// the provider's authorise URL to navigate to.
        #[wasm_bindgen(js_name = authorizeUrl)]
        pub fn authorize_url(&self) -> Result<String, JsValue> {
            self.begin()
                .map_err(|e| to_js(e.for_provider(self.client.provider())))
        }

        /// Starts an authorisation and sends the browser to the provider's authorise page.
        pub fn authorize(&self) -> Result<(), JsValue> {
            let url = self.authorize_url()?;
            location()
                .and_then(|l| {
                    l.assign(&url)
                        .map_err(|_| invalid_config("The page cannot navigate"))
                })
                .map_err(to_js)
        }

        /// Whether the current address carries an authorisation response (`state` with `code`
        /// or `error`).
        #[wasm_bindgen(js_name = hasAuthorizationResponse)]
        pub fn has_authorization_response(&self) -> bool {
            location()
                .ok()
                .and_then(|l| l.search().ok())
                .is_some_and(|s| callback::inspect(&s).response)
        }

        /// On the redirect page: consumes the stored transaction, removes the response from the
        /// address bar, validates it (state, `iss`, the provider's error), exchanges the code
        /// through `tokenEndpoint`, stores and returns the session. Calling it again on the same
        /// page returns the same promise; on a page without an authorisation response it
        /// rejects with `invalid_callback` and leaves a pending sign-in alone. Rejects with
        /// `state_mismatch`, `access_denied`, `oauth_error`, `invalid_callback` or
        /// `invalid_response`.
        #[wasm_bindgen(js_name = completeAuthorization, unchecked_return_type = "Promise<Session>")]
        pub fn complete_authorization(&self) -> js_sys::Promise {
            let provider = self.client.provider();
            let (window, location) = match web::window().map(|w| (w.clone(), w.location())) {
                Ok(found) => found,
                Err(e) => return rejected(e.for_provider(provider)),
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
                return rejected(
                    Error::new(
                        crate::core::ErrorCode::InvalidCallback,
                        "This page has no authorization response",
                    )
                    .for_provider(provider),
                );
            }
            // Consumed before the first await, so that the code can be exchanged only once.
            let key = self.client.binding().transaction_key();
            let tx = storage::read(&key)
                .and_then(|text| json::fields(&text))
                .and_then(|fields| Transaction::from_fields(&fields))
                .and_then(|t| t.checked(provider, web::now_ms()));
            storage::remove(&key);
            if let Ok(history) = window.history() {
                let clean = [
                    location.pathname().unwrap_or_default(),
                    seen.clean.clone(),
                    location.hash().unwrap_or_default(),
                ]
                .concat();
                let _ = history.replace_state_with_url(
                    &history.state().unwrap_or(JsValue::NULL),
                    "",
                    Some(&clean),
                );
            }
            let config = self.client.config();
            let issuer = config.issuer.as_deref().unwrap_or_default();
            let promise =
                match callback::parse_code_callback(provider, issuer, &search, tx.as_ref()) {
                    Ok(code) => {
                        let tx = tx.as_ref();
                        let request = TokenRequest::exchange(
                            config,
                            &code,
                            tx.map_or("", |t| t.redirect_uri.as_str()),
                            tx.and_then(|t| t.verifier.as_ref()).map(|v| v.expose()),
                        );
                        promise(self.client.clone().sign_in(request))
                    }
                    Err(e) => rejected(e),
                };
            COMPLETION.with_borrow_mut(|c| {
                *c = Some(Completion {
                    state: seen.state,
                    promise: promise.clone(),
                })
            });
            promise
        }
    }

    client_members!(FitBark);

    /// PerfectGym (API v1): password or Facebook-token sign-in on the club's host. No refresh
    /// token is issued: an expired session is cleared and `fetch` rejects with `not_connected`.
    #[wasm_bindgen]
    pub struct PerfectGym {
        client: Client,
    }

    #[wasm_bindgen]
    impl PerfectGym {
        /// `options`: `{ baseUrl }`, the club's host.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "PerfectGymOptions")] options: JsValue,
        ) -> Result<PerfectGym, JsValue> {
            Client::new(perfectgym::PROVIDER.id, &options, perfectgym::read)
                .map(|client| PerfectGym { client })
                .map_err(to_js)
        }

        /// Signs in with a user name (or e-mail) and password. A wrong password rejects with
        /// `oauth_error`.
        #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
        pub fn login(
            &self,
            #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
        ) -> js_sys::Promise {
            password_login(&self.client, credentials)
        }

        /// Signs in with a Facebook access token.
        #[wasm_bindgen(js_name = loginWithFacebook, unchecked_return_type = "Promise<Session>")]
        pub fn login_with_facebook(
            &self,
            #[wasm_bindgen(js_name = facebookToken, unchecked_param_type = "string")]
            facebook_token: JsValue,
        ) -> js_sys::Promise {
            let client = self.client.clone();
            promise(async move {
                let provider = client.provider();
                let token = match facebook_token.as_string() {
                    Some(t) => t,
                    None if facebook_token.is_null() || facebook_token.is_undefined() => {
                        String::new()
                    }
                    None => {
                        return Err(
                            invalid_config("facebookToken must be a string").for_provider(provider)
                        )
                    }
                };
                if token.is_empty() {
                    return Err(invalid_config("facebookToken is required").for_provider(provider));
                }
                client.sign_in(perfectgym::facebook_request(&token)).await
            })
        }
    }

    client_members!(PerfectGym);

    /// OpenFIT: password sign-in on the identity server, rotating refresh tokens, refreshed
    /// when less than `refreshSkewSeconds` (default 300) of life remain.
    #[wasm_bindgen]
    pub struct OpenFit {
        client: Client,
    }

    #[wasm_bindgen]
    impl OpenFit {
        /// `options`: `{ clientId, environment?, refreshSkewSeconds? }`.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "OpenFitOptions")] options: JsValue,
        ) -> Result<OpenFit, JsValue> {
            Client::new(openfit::PROVIDER.id, &options, openfit::read)
                .map(|client| OpenFit { client })
                .map_err(to_js)
        }

        /// Signs in with user name and password (`scope=OpenFitApi offline_access`).
        #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
        pub fn login(
            &self,
            #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
        ) -> js_sys::Promise {
            password_login(&self.client, credentials)
        }
    }

    client_members!(OpenFit);

    /// Fisikal: sign-in and refresh go through your server (`tokenEndpoint`), which adds the
    /// client id and secret; API calls go to the gym's instance.
    #[wasm_bindgen]
    pub struct Fisikal {
        client: Client,
    }

    #[wasm_bindgen]
    impl Fisikal {
        /// `options`: `{ baseUrl, tokenEndpoint }`.
        #[wasm_bindgen(constructor)]
        pub fn new(
            #[wasm_bindgen(unchecked_param_type = "FisikalOptions")] options: JsValue,
        ) -> Result<Fisikal, JsValue> {
            Client::new(fisikal::PROVIDER.id, &options, fisikal::read)
                .map(|client| Fisikal { client })
                .map_err(to_js)
        }

        /// Signs in with user name and password through your server.
        #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
        pub fn login(
            &self,
            #[wasm_bindgen(unchecked_param_type = "PasswordCredentials")] credentials: JsValue,
        ) -> js_sys::Promise {
            password_login(&self.client, credentials)
        }
    }

    client_members!(Fisikal);

    /// For the callback page: hands the callback's query and fragment to the window that opened
    /// this popup, then closes it. The address bar is cleaned first, before anything is awaited.
    /// The message goes to the opener with this page's own origin as the target; without an
    /// opener (`Cross-Origin-Opener-Policy`, `noopener`), over a BroadcastChannel of this origin,
    /// which the opener accepts only from the popup it opened.
    #[wasm_bindgen(js_name = handleCallback, unchecked_return_type = "Promise<void>")]
    pub fn handle_callback() -> js_sys::Promise {
        match web::callback::handle() {
            Ok(()) => js_sys::Promise::resolve(&JsValue::UNDEFINED),
            Err(e) => rejected(e),
        }
    }

    #[wasm_bindgen(module = "/js/button.js")]
    extern "C" {
        #[wasm_bindgen(catch)]
        fn define(options: &JsValue, create: &JsValue) -> Result<JsValue, JsValue>;
    }

    /// Registers `<fitconnect-button>` (once; a later call only updates the defaults) with
    /// default options per provider, and returns the element's class.
    #[wasm_bindgen(js_name = defineConnectButtons, unchecked_return_type = "FitConnectButtonConstructor")]
    pub fn define_connect_buttons(
        #[wasm_bindgen(unchecked_optional_param_type = "ConnectButtonsOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<JsValue, JsValue> {
        let create = Closure::<dyn Fn(String, JsValue) -> Result<JsValue, JsValue>>::new(
            |provider: String, options: JsValue| {
                Ok(match provider.as_str() {
                    "fitrankings" => FitRankings::new(options)?.into(),
                    "fitbark" => FitBark::new(options)?.into(),
                    "perfectgym" => PerfectGym::new(options)?.into(),
                    "openfit" => OpenFit::new(options)?.into(),
                    "fisikal" => Fisikal::new(options)?.into(),
                    _ => {
                        return Err(to_js(invalid_config(format!(
                            "Unknown provider \"{provider}\""
                        ))))
                    }
                })
            },
        );
        define(
            &options.map_or(JsValue::UNDEFINED, Into::into),
            &create.into_js_value(),
        )
    }
}
