//! What every provider class shares: its session, Bearer fetch with the origin check, token
//! requests (code exchange, password login, refresh) and the single-flight refresh.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

use super::http::{self, BodyStyle};
use super::{error, now_ms, sleep, spawn, storage, tabs, with_lock};
use crate::core::challenge::{self, Reaction};
use crate::core::flow;
use crate::core::provider::{normalize_base_url, Provider};
use crate::core::session::{parse_token_response, Secret, Session};
use crate::core::{Error, ErrorCode};

/// Where a client gets and refreshes tokens.
pub struct TokenEndpoint {
    pub url: String,
    pub style: BodyStyle,
}

/// A provider client: configuration plus the shared behaviour.
pub struct Client {
    pub provider: &'static Provider,
    pub base_url: String,
    api_origin: String,
    pub client_id: String,
    /// The token endpoint: the app's own server (JSON) or the provider's (form).
    pub token: Option<TokenEndpoint>,
    /// A token this close to expiry is refreshed before use.
    pub skew_ms: u64,
}

thread_local! {
    /// Refreshes under way, one per provider, shared by every caller on the page.
    static REFRESHING: RefCell<Vec<(&'static str, Promise)>> = const { RefCell::new(Vec::new()) };
}

impl Client {
    pub fn new(
        provider: &'static Provider,
        base_url: Option<String>,
        client_id: String,
        token: Option<TokenEndpoint>,
        skew_ms: Option<u64>,
    ) -> Result<Rc<Client>, JsValue> {
        let base_url = base_url
            .as_deref()
            .or(provider.default_base_url)
            .ok_or_else(|| error(ErrorCode::InvalidConfig, "baseUrl is required"))?;
        let base_url = normalize_base_url(base_url)?;
        let api_origin = http::origin_of(&base_url)?;
        // A relative token endpoint (`/broker/...`) is the app's own server: resolve it now.
        let token = match token {
            Some(t) => Some(TokenEndpoint {
                url: http::absolute(&t.url).map_err(|_| {
                    error(
                        ErrorCode::InvalidConfig,
                        "the token endpoint is not a valid URL",
                    )
                })?,
                style: t.style,
            }),
            None => None,
        };
        tabs::listen();
        Ok(Rc::new(Client {
            provider,
            base_url,
            api_origin,
            client_id,
            token,
            skew_ms: skew_ms.unwrap_or(provider.refresh_skew_ms),
        }))
    }

    pub fn session(&self) -> JsValue {
        storage::session_to_js(storage::load_session(self.provider).as_ref())
    }

    pub fn disconnect(&self) {
        storage::clear_session(self.provider);
    }

    pub fn on_session_change(&self, callback: Function) -> Function {
        storage::subscribe(self.provider, callback)
    }

    fn not_connected(&self, message: &'static str) -> JsValue {
        Error::new(ErrorCode::NotConnected, message)
            .for_provider(self.provider.id)
            .into()
    }

    fn current(&self) -> Result<Session, JsValue> {
        storage::load_session(self.provider)
            .ok_or_else(|| self.not_connected("Not connected to this provider"))
    }

    /// Sends a token request whose body holds a secret (code verifier, password, refresh token).
    /// The body is copied into a JS string and wiped here before the first await.
    fn token_request(
        self: &Rc<Self>,
        body: Secret,
    ) -> impl std::future::Future<Output = Result<(u16, String), JsValue>> {
        let this = Rc::clone(self);
        let js_body = JsValue::from_str(body.expose());
        drop(body);
        async move {
            let Some(endpoint) = &this.token else {
                return Err(error(ErrorCode::InvalidConfig, "no token endpoint"));
            };
            http::post(&endpoint.url, &js_body, endpoint.style, this.provider.id).await
        }
    }

    /// Obtains a session from a token request (code exchange or password login), stores it and
    /// resolves with it. `body` is built for this client's token endpoint style.
    pub fn sign_in(self: &Rc<Self>, body: Secret) -> Promise {
        let request = self.token_request(body);
        let provider = self.provider;
        spawn(Box::pin(async move {
            let (status, text) = request.await?;
            let tokens = parse_token_response(status, &text, now_ms())
                .map_err(|e| e.for_provider(provider.id))?;
            let session = Session::from_token_response(provider.id, tokens, None, None);
            storage::save_session(provider, &session)?;
            Ok(storage::session_to_js(Some(&session)))
        }))
    }

    /// Refreshes the session, or joins the refresh already under way for this provider.
    pub async fn refresh(self: &Rc<Self>) -> Result<(), JsValue> {
        let existing = REFRESHING.with(|r| {
            r.borrow()
                .iter()
                .find(|(p, _)| *p == self.provider.id)
                .map(|(_, promise)| promise.clone())
        });
        let promise = existing.unwrap_or_else(|| {
            let this = Rc::clone(self);
            let promise = spawn(Box::pin(async move {
                let result = this.refresh_now().await;
                REFRESHING.with(|r| r.borrow_mut().retain(|(p, _)| *p != this.provider.id));
                result.map(|_| JsValue::UNDEFINED)
            }));
            REFRESHING.with(|r| r.borrow_mut().push((self.provider.id, promise.clone())));
            promise
        });
        JsFuture::from(promise).await.map(|_| ())
    }

    /// Refreshes under the cross-tab lock. If another tab holds it, that tab is refreshing the
    /// same session: wait for it, then adopt its result rather than spend the token again.
    async fn refresh_now(self: &Rc<Self>) -> Result<(), JsValue> {
        let spent = self.current()?.refresh_token;
        let name = tabs::lock_name(self.provider);
        for if_available in [true, false] {
            let this = Rc::clone(self);
            let before = spent.clone();
            let task = Closure::once_into_js(move |acquired: bool| -> Promise {
                if !acquired {
                    return Promise::resolve(&JsValue::FALSE);
                }
                spawn(Box::pin(async move {
                    this.refresh_holding_lock(before, !if_available).await?;
                    Ok(JsValue::TRUE)
                }))
            });
            if JsFuture::from(with_lock(&name, if_available, &task)).await? == JsValue::TRUE {
                return Ok(());
            }
        }
        Ok(())
    }

    async fn refresh_holding_lock(
        self: &Rc<Self>,
        spent: Option<Secret>,
        contended: bool,
    ) -> Result<(), JsValue> {
        if contended {
            // The other tab announces its result just before it releases the lock; give the
            // message a moment to arrive (bounded: 15 x 20 ms).
            for _ in 0..15 {
                if self.current()?.refresh_token != spent {
                    return Ok(());
                }
                JsFuture::from(sleep(20)).await?;
            }
        }
        let session = self.current()?;
        if session.refresh_token != spent {
            // Adopted from another tab meanwhile.
            return Ok(());
        }
        let (Some(endpoint), Some(refresh_token)) = (&self.token, session.refresh_token.clone())
        else {
            storage::clear_session(self.provider);
            return Err(self.not_connected("The session expired and cannot be refreshed"));
        };
        let body = match endpoint.style {
            BodyStyle::Json => Secret::new(flow::refresh_body(&refresh_token, &self.client_id)),
            BodyStyle::Form => flow::refresh_form(&refresh_token, Some(&self.client_id)),
        };
        let (status, text) = self.token_request(body).await?;
        match parse_token_response(status, &text, now_ms()) {
            Ok(tokens) => {
                // Rotation: the new refresh token replaces the old one in the same write.
                let renewed = Session::from_token_response(
                    self.provider.id,
                    tokens,
                    session.user_id,
                    Some(refresh_token.clone()),
                );
                storage::save_session(self.provider, &renewed)?;
                tabs::announce(self.provider, &refresh_token, &renewed);
                Ok(())
            }
            Err(e) => {
                // The provider refused the refresh token: the session is over. Other failures
                // (network, server errors) keep it, so a later call can try again.
                if matches!(e.code, ErrorCode::OauthError | ErrorCode::AccessDenied) {
                    storage::clear_session(self.provider);
                }
                Err(e.for_provider(self.provider.id).into())
            }
        }
    }

    fn can_refresh(&self, session: &Session) -> bool {
        self.token.is_some() && session.refresh_token.is_some()
    }

    /// `fetch` with the user's Bearer token, only to the provider's API origin. An expired token
    /// is refreshed first; a 401 answer leads to one refresh and one retry.
    pub fn fetch(self: &Rc<Self>, path_or_url: JsValue, init: Option<RequestInit>) -> Promise {
        let url = match path_or_url.as_string() {
            Some(p) => http::resolve_api_url(&p, &self.base_url, &self.api_origin),
            None => Err(error(
                ErrorCode::InvalidConfig,
                "fetch takes a path or a URL string",
            )),
        };
        let this = Rc::clone(self);
        spawn(Box::pin(async move {
            let url = url?;
            this.fetch_inner(&url, init).await.map(JsValue::from)
        }))
    }

    async fn fetch_inner(
        self: &Rc<Self>,
        url: &str,
        init: Option<RequestInit>,
    ) -> Result<Response, JsValue> {
        let mut session = self.current()?;
        if session.expires_within(now_ms(), self.skew_ms) {
            if !self.can_refresh(&session) {
                storage::clear_session(self.provider);
                return Err(self.not_connected("The session expired"));
            }
            self.refresh().await?;
            session = self.current()?;
        }
        let request = match &init {
            Some(init) => Request::new_with_str_and_init(url, init),
            None => Request::new_with_str(url),
        }
        .map_err(|_| {
            error(
                ErrorCode::InvalidConfig,
                "fetch options are not a valid RequestInit",
            )
        })?;
        // Cloned before sending: the body of a sent request cannot be read again.
        let retry = if self.can_refresh(&session) {
            request.clone().ok()
        } else {
            None
        };
        authorize(&request, &session);
        let response = http::send(&request, self.provider.id).await?;
        let status = response.status();
        if status != 401 && status != 403 {
            return Ok(response);
        }
        let header = response.headers().get("WWW-Authenticate").ok().flatten();
        let retry = match challenge::react(status, header.as_deref()) {
            Reaction::Fail(e) => return Err(e.for_provider(self.provider.id).into()),
            Reaction::Return => None,
            // Only a request whose body could be copied before sending is sent again.
            Reaction::RefreshAndRetry => retry,
        };
        let Some(retry) = retry else {
            return Ok(response);
        };
        // Another call may have refreshed while this one was in flight.
        let latest = self.current()?;
        if latest.access_token == session.access_token {
            self.refresh().await?;
        }
        authorize(&retry, &self.current()?);
        http::send(&retry, self.provider.id).await
    }
}

fn authorize(request: &Request, session: &Session) {
    let mut value = String::from("Bearer ");
    value.push_str(session.access_token.expose());
    let _ = request.headers().set("Authorization", &value);
}

/// The methods every provider class has: `session`, `disconnect()`, `onSessionChange()`, `fetch()`.
macro_rules! session_methods {
    ($class:ident, $fetch_doc:literal) => {
        #[wasm_bindgen]
        impl $class {
            /// The current session, or `null`.
            ///
            /// ```js
            /// if (client.session) console.log('connected until', new Date(client.session.expiresAt));
            /// ```
            #[wasm_bindgen(getter, unchecked_return_type = "Session | null")]
            pub fn session(&self) -> JsValue {
                self.client.session()
            }

            /// Forgets the session (and tells `onSessionChange` subscribers).
            ///
            /// ```js
            /// disconnectButton.onclick = () => client.disconnect();
            /// ```
            pub fn disconnect(&self) {
                self.client.disconnect()
            }

            /// Calls `callback(session | null)` whenever the session changes; returns the
            /// unsubscribe function.
            ///
            /// ```js
            /// const unsubscribe = client.onSessionChange((session) => render(session));
            /// ```
            #[wasm_bindgen(js_name = onSessionChange, unchecked_return_type = "() => void")]
            pub fn on_session_change(
                &self,
                #[wasm_bindgen(unchecked_param_type = "(session: Session | null) => void")]
                callback: js_sys::Function,
            ) -> js_sys::Function {
                self.client.on_session_change(callback)
            }

            #[doc = $fetch_doc]
            /// resolve against the API base URL; any other origin is refused. An expired token is
            /// refreshed first where the provider issues refresh tokens, and a 401 answer then leads
            /// to one refresh and one retry.
            ///
            /// ```js
            /// const response = await client.fetch('/some/path', { headers: { Accept: 'application/json' } });
            /// ```
            #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
            pub fn fetch(
                &self,
                #[wasm_bindgen(js_name = pathOrUrl, unchecked_param_type = "string")]
                path_or_url: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: Option<
                    web_sys::RequestInit,
                >,
            ) -> js_sys::Promise {
                self.client.fetch(path_or_url, init)
            }
        }
    };
}
pub(crate) use session_methods;
