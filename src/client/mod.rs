//! What every provider class shares: its configuration, its session (bound to what issued it),
//! Bearer fetches with refresh on expiry and on a 401, and token requests. The session store,
//! the refresh protocol and the reading of JavaScript options have modules of their own.

mod options;
#[cfg(feature = "token-endpoint")]
mod refresh;
mod store;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::Url;

use crate::core::challenge::{self, Reaction};
use crate::core::error::invalid_config;
use crate::core::session::{read_token_response, Binding, Session, TokenResponse};
use crate::core::token::TokenRequest;
use crate::core::url::check_endpoint;
use crate::core::{Error, ErrorCode};
use crate::providers::{self, Config};
use crate::web::{self, http, json};

pub use store::session_object;

/// A provider client: one per class instance; instances configured alike (the same
/// [`Binding`]) share the session. Cloned into every future it starts: one reference count.
#[derive(Clone)]
pub struct Client(Rc<Parts>);

/// What a [`Client`] holds (its fields, through `Deref`).
pub struct Parts {
    config: Config,
    binding: Binding,
    /// The API base URL with a trailing slash, what request paths resolve against.
    api_base: String,
    api_origin: String,
    /// The last request path resolved and checked, and its URL: an app that calls the same path
    /// again (most do) costs no URL parsing.
    last_url: RefCell<Option<(String, String)>>,
}

impl std::ops::Deref for Client {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl Client {
    /// Checks `options` with the provider's `read` and prepares the client.
    ///
    /// # Errors
    /// `invalid_config` where there is no browser window; for the options the provider's `read`
    /// refuses ([`providers::configure`], which names the provider); for a token endpoint that
    /// does not resolve against the page or breaks [`check_endpoint`]; or for a base URL the
    /// browser's `URL` cannot read.
    pub fn new(provider: &'static providers::Provider, options: &JsValue) -> Result<Client, Error> {
        let window = web::window()?;
        let options = options::read_options(options, 1);
        let mut config = providers::configure(provider, options.as_ref())?;
        // A relative token endpoint (`/broker/...`) is the app's own server: resolved now.
        if let Some(token) = &mut config.token {
            let page = window.location().href().unwrap_or_default();
            let resolved = Url::new_with_base(&token.url, &page)
                .map_err(|_| invalid_config("the token endpoint is not a valid URL"))?
                .href();
            // Passwords and refresh tokens go there: the base-URL rule applies.
            check_endpoint("tokenEndpoint", &resolved)?;
            token.url = resolved;
        }
        let api_origin = Url::new(&config.base_url)
            .map_err(|_| invalid_config("baseUrl is not a valid URL"))?
            .origin();
        let binding = Binding::new(
            provider.id,
            &api_origin,
            config.token_url().unwrap_or_default(),
            &config.client_id,
        );
        // Only a client that can refresh can hold a session another tab rotates: a FitRankings
        // page opens no channel.
        #[cfg(feature = "token-endpoint")]
        if config.token.is_some() {
            refresh::listen_for_rotations();
        }
        Ok(Client(Rc::new(Parts {
            binding,
            api_base: [config.base_url.as_str(), "/"].concat(),
            config,
            api_origin,
            last_url: RefCell::default(),
        })))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The provider id.
    pub fn provider(&self) -> &'static str {
        self.config.provider
    }

    /// What the session is bound to: its storage keys.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// Where the session and a pending sign-in are stored, as `{ session, transaction }`.
    pub fn storage_keys(&self) -> JsValue {
        let keys = js_sys::Object::new();
        for (name, key) in [
            ("session", self.binding.session_key()),
            ("transaction", self.binding.transaction_key()),
        ] {
            let _ = js_sys::Reflect::set(&keys, &name.into(), &key.into());
        }
        keys.into()
    }

    /// `e` as the `FitConnectError` to throw, naming this client's provider: where errors cross
    /// to JavaScript, they are tagged with the provider once.
    pub fn to_js(&self, e: Error) -> JsValue {
        web::error::to_js(e.for_provider(self.provider()))
    }

    /// A Promise that settles with the future's outcome; an error rejects it as a
    /// `FitConnectError` naming this client's provider.
    pub fn promise<T: Into<JsValue>>(
        &self,
        future: impl std::future::Future<Output = Result<T, Error>> + 'static,
    ) -> js_sys::Promise {
        web::promise::promise(self.provider(), future)
    }

    /// A Promise rejected with `e`, naming this client's provider.
    pub fn rejected(&self, e: Error) -> js_sys::Promise {
        web::promise::rejected(e.for_provider(self.provider()))
    }

    /// The configuration as a plain object (`_config`).
    pub fn config_object(&self) -> JsValue {
        json::to_object(&self.config.view())
    }

    /// The current session, if any.
    pub fn session(&self) -> Option<Session> {
        store::load(self.provider(), &self.binding)
    }

    /// Forgets the session and tells the subscribers.
    pub fn disconnect(&self) {
        store::clear(&self.binding);
    }

    /// Calls `callback(session | null)` on every change; answers the unsubscribe function.
    ///
    /// # Errors
    /// `invalid_config` when `callback` is not a function.
    pub fn on_session_change(&self, callback: JsValue) -> Result<js_sys::Function, Error> {
        let callback: js_sys::Function = callback
            .dyn_into()
            .map_err(|_| invalid_config("onSessionChange takes a function"))?;
        Ok(store::subscribe(&self.binding, callback))
    }

    pub(crate) fn current(&self) -> Result<Session, Error> {
        self.session()
            .ok_or_else(|| Error::new(ErrorCode::NotConnected, "Not connected to this provider"))
    }

    /// Whether `session` can be refreshed: it has a refresh token, and the client a token
    /// endpoint (never in a build without the `token-endpoint` feature).
    pub(crate) fn can_refresh(&self, session: &Session) -> bool {
        cfg!(feature = "token-endpoint")
            && self.config.token.is_some()
            && session.refresh_token.is_some()
    }

    /// `fetch` to the provider's API with the user's Bearer token. Relative paths resolve against
    /// the API base URL; any other origin is refused before anything is sent. An expiring token is
    /// refreshed first where the provider issues refresh tokens, and a 401 answer then leads to
    /// one refresh and one retry (RFC 6750 §3.1).
    ///
    /// # Errors
    /// - `invalid_config`: `path_or_url` is not a string, not a valid URL or on another origin;
    ///   `init` is not a valid `RequestInit`; or the token cannot be put in a header.
    /// - `not_connected`: no session, or an expiring one that cannot be refreshed (it is then
    ///   cleared).
    /// - `network_error`: no HTTP answer.
    /// - `http_error`: a 401 or 403 with an `insufficient_scope` challenge ([`challenge::react`]).
    /// - The errors of [`Client::refresh`], when a refresh is needed.
    pub async fn fetch(
        self,
        path_or_url: JsValue,
        init: Option<JsValue>,
    ) -> Result<web_sys::Response, Error> {
        let path = path_or_url
            .as_string()
            .ok_or_else(|| invalid_config("fetch takes a path or a URL string"))?;
        let url = self.api_url(&path)?;
        let mut session = self.current()?;
        if session.expires_within(web::now_ms(), self.config.skew_ms) {
            if !self.can_refresh(&session) {
                store::clear(&self.binding);
                return Err(Error::new(ErrorCode::NotConnected, "The session expired"));
            }
            self.refresh().await?;
            session = self.current()?;
        }
        let request = http::request(&url, init.as_ref())?;
        // Copied before sending: the body of a sent request cannot be read again.
        let retry = self
            .can_refresh(&session)
            .then(|| web_sys::Request::clone(&request).ok())
            .flatten();
        http::authorize(&request, session.access_token.expose())?;
        let response = http::send(request).await?;
        let status = response.status();
        if status != 401 && status != 403 {
            return Ok(response);
        }
        let header = response.headers().get("WWW-Authenticate").ok().flatten();
        match challenge::react(status, header.as_deref()) {
            Reaction::Fail(e) => Err(e),
            Reaction::Return => Ok(response),
            Reaction::RefreshAndRetry => {
                let Some(retry) = retry else {
                    return Ok(response);
                };
                // Another call may have refreshed while this one was in flight.
                if self.current()?.access_token == session.access_token {
                    self.refresh().await?;
                }
                http::authorize(&retry, self.current()?.access_token.expose())?;
                http::send(retry).await
            }
        }
    }

    /// `path` resolved against the API base URL, on the API's origin.
    ///
    /// # Errors
    /// `invalid_config` when it is not a valid URL or is on another origin.
    fn api_url(&self, path: &str) -> Result<String, Error> {
        if let Some((_, url)) = self.last_url.borrow().as_ref().filter(|(p, _)| p == path) {
            return Ok(url.clone());
        }
        let url = Url::new_with_base(path, &self.api_base)
            .map_err(|_| invalid_config("the request URL is not valid"))?;
        // Another host, `http:` for an `https:` API, a protocol-relative `//host`: never the token.
        if url.origin() != self.api_origin {
            return Err(invalid_config(
                "Refusing to send the provider's token to another origin",
            ));
        }
        let url = url.href();
        *self.last_url.borrow_mut() = Some((path.into(), url.clone()));
        Ok(url)
    }

    pub(crate) async fn token_request(
        &self,
        request: &TokenRequest,
    ) -> Result<TokenResponse, Error> {
        let Some(token) = &self.config.token else {
            return Err(invalid_config("This provider has no token endpoint"));
        };
        let (status, fields) = http::post_token(&token.url, token.style, request).await?;
        read_token_response(status, fields.as_ref(), web::now_ms())
    }

    /// Obtains a session with a token request (code exchange or password grant), stores it and
    /// answers it as a plain object.
    ///
    /// # Errors
    /// `invalid_config` when the client has no token endpoint; the errors of
    /// [`http::post_token`] and [`read_token_response`]; and those of [`Client::store`].
    pub async fn sign_in(self, request: TokenRequest) -> Result<JsValue, Error> {
        let tokens = self.token_request(&request).await?;
        drop(request);
        self.store(Session::from_token_response(
            self.provider(),
            tokens,
            None,
            None,
        ))
    }

    /// Without the `token-endpoint` feature (a build for FitRankings alone) no client can refresh,
    /// and the refresh protocol ([`refresh`]'s module) is left out of the build.
    ///
    /// # Errors
    /// `not_connected`, always.
    #[cfg(not(feature = "token-endpoint"))]
    pub async fn refresh(&self) -> Result<(), Error> {
        Err(Error::new(
            ErrorCode::NotConnected,
            "The session expired and cannot be refreshed",
        ))
    }

    /// Stores a session and answers it as a plain object.
    ///
    /// # Errors
    /// As [`store::save`]: `invalid_response` when the session cannot be written as JSON.
    pub fn store(&self, session: Session) -> Result<JsValue, Error> {
        store::save(&self.binding, session).map(|(_, object)| object)
    }
}
