//! What every provider class shares: its configuration, the stored session and its change
//! events, Bearer fetches with refresh on expiry and on a 401, token requests, and the refresh,
//! single-flight in the tab (a shared future) and across tabs (a Web Lock plus an announcement
//! of the rotated session).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::Url;

use crate::core::challenge::{self, Reaction};
use crate::core::error::invalid_config;
use crate::core::options::{Options, Value, MAX_DEPTH};
use crate::core::pkce::fingerprint;
use crate::core::session::{read_token_response, Session, TokenResponse};
use crate::core::{Error, ErrorCode};
use crate::providers::{self, Config, TokenRequest};
use crate::web::{self, broadcast, http, json, locks, storage};

/// Where a provider's session is stored.
pub fn session_key(provider: &str) -> String {
    ["fitconnect:session:", provider].concat()
}

/// Where a provider's started sign-in is stored.
pub fn tx_key(provider: &str) -> String {
    ["fitconnect:tx:", provider].concat()
}

const ROTATION: &str = "fitconnect:rotation";

struct Subscriber {
    id: u32,
    provider: &'static str,
    callback: js_sys::Function,
}

/// A refresh under way: done when `done` resolves; `outcome` then holds its result.
#[derive(Clone)]
struct Flight {
    done: js_sys::Promise,
    outcome: Rc<RefCell<Option<Result<(), Error>>>>,
}

thread_local! {
    static SUBSCRIBERS: RefCell<Vec<Subscriber>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    // The last stored text seen per provider and the session read from it: a Bearer fetch then
    // costs one storage read and no parsing while the session is unchanged.
    static CHECKED: RefCell<HashMap<&'static str, (String, Session)>> = RefCell::new(HashMap::new());
    static REFRESHING: RefCell<HashMap<&'static str, Flight>> = RefCell::new(HashMap::new());
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// A session as the app sees it: a fresh plain object each time (changing it changes nothing).
pub fn session_object(session: Option<&Session>) -> JsValue {
    session.map_or(JsValue::NULL, json::to_object)
}

/// The stored session; a corrupt or foreign value is removed.
fn load(provider: &'static str) -> Option<Session> {
    let key = session_key(provider);
    let text = storage::read(&key)?;
    if let Some(session) = CHECKED.with_borrow(|c| {
        c.get(provider)
            .filter(|(t, _)| *t == text)
            .map(|(_, s)| s.clone())
    }) {
        return Some(session);
    }
    let session = json::parse::<Session>(&text).and_then(|s| s.checked(provider));
    match &session {
        Some(s) => CHECKED.with_borrow_mut(|c| c.insert(provider, (text, s.clone()))),
        None => {
            storage::remove(&key);
            CHECKED.with_borrow_mut(|c| c.remove(provider))
        }
    };
    session
}

fn notify(provider: &'static str, session: Option<&Session>) {
    let callbacks: Vec<js_sys::Function> = SUBSCRIBERS.with_borrow(|s| {
        s.iter()
            .filter(|s| s.provider == provider)
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
fn save(provider: &'static str, session: Session) -> Result<(String, JsValue), Error> {
    let object = session_object(Some(&session));
    let text = json::stringify(&object).ok_or_else(|| {
        Error::new(ErrorCode::InvalidResponse, "The session cannot be stored")
            .for_provider(provider)
    })?;
    storage::write(&session_key(provider), &text);
    CHECKED.with_borrow_mut(|c| c.insert(provider, (text.clone(), session.clone())));
    notify(provider, Some(&session));
    Ok((text, object))
}

fn clear(provider: &'static str) {
    let key = session_key(provider);
    let had = storage::read(&key).is_some();
    storage::remove(&key);
    CHECKED.with_borrow_mut(|c| c.remove(provider));
    if had {
        notify(provider, None);
    }
}

/// A rotated session, announced to the other tabs: the provider, the fingerprint of the refresh
/// token it replaces (never the token), and the stored text of the new session.
#[derive(Serialize, Deserialize)]
struct Rotation {
    provider: String,
    from: String,
    session: String,
}

// Tabs holding the same session (sessionStorage is copied into duplicated tabs and into windows
// opened from a page) must not both spend a single-use refresh token: refreshes take a Web Lock
// shared by all tabs, and the winner announces the rotated session. A tab whose refresh token is
// the one just spent adopts it.
fn listen_for_rotations() {
    if LISTENING.replace(true) {
        return;
    }
    let listener = broadcast::Listener::new(ROTATION, |data| {
        let Ok(rotation) = serde_wasm_bindgen::from_value::<Rotation>(data) else {
            return;
        };
        let Some(provider) = providers::id(&rotation.provider) else {
            return;
        };
        let spent = load(provider).and_then(|s| s.refresh_token);
        if spent.is_none_or(|t| fingerprint(t.expose()) != rotation.from) {
            return;
        }
        let adopted = json::parse::<Session>(&rotation.session).and_then(|s| s.checked(provider));
        if let Some(session) = adopted {
            let _ = save(provider, session);
        }
    });
    if let Some(listener) = listener {
        broadcast::keep(listener);
    }
}

fn announce(provider: &'static str, spent: &str, text: String) {
    let rotation = Rotation {
        provider: provider.into(),
        from: fingerprint(spent),
        session: text,
    };
    broadcast::post(ROTATION, &json::to_object(&rotation));
}

/// Reads a constructor's options object member by member: nested plain objects are walked (to a
/// bounded depth, so that secret-named members are found in them too), other members are read by
/// serde-wasm-bindgen, and a member it cannot read (a function, a symbol) is `Other`. `None` for
/// anything but a plain object (`null`, an array, a string).
fn read_options(value: &JsValue, depth: u32) -> Option<Options> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return None;
    }
    let mut options = Options::new();
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let Some(name) = entry.get(0).as_string() else {
            continue;
        };
        let member = entry.get(1);
        let value = match read_options(&member, depth + 1) {
            Some(nested) if depth < MAX_DEPTH => Value::Object(nested),
            _ => serde_wasm_bindgen::from_value::<Value>(member).unwrap_or(Value::Other),
        };
        options.insert(name, value);
    }
    Some(options)
}

/// A provider client: one per class instance; instances of the same provider share the session.
#[derive(Clone)]
pub struct Client {
    config: Rc<Config>,
    /// The API base URL with a trailing slash, what request paths resolve against.
    api_base: Rc<str>,
    api_origin: Rc<str>,
}

impl Client {
    /// Checks `options` with the provider's `read` and prepares the client.
    pub fn new(
        provider: &'static str,
        options: &JsValue,
        read: fn(crate::core::options::Reader) -> crate::core::Result<Config>,
    ) -> Result<Client, Error> {
        let window = web::window().map_err(|e| e.for_provider(provider))?;
        let options = read_options(options, 1);
        let mut config = providers::configure(provider, options.as_ref(), read)?;
        // A relative token endpoint (`/broker/...`) is the app's own server: resolved now.
        if let Some(url) = &config.token_url {
            let page = window.location().href().unwrap_or_default();
            let resolved = Url::new_with_base(url, &page).map_err(|_| {
                invalid_config("the token endpoint is not a valid URL").for_provider(provider)
            })?;
            config.token_url = Some(resolved.href());
        }
        let api_origin = Url::new(&config.base_url)
            .map_err(|_| invalid_config("baseUrl is not a valid URL").for_provider(provider))?
            .origin();
        listen_for_rotations();
        Ok(Client {
            api_base: [config.base_url.as_str(), "/"].concat().into(),
            config: Rc::new(config),
            api_origin: api_origin.into(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The provider id.
    pub fn provider(&self) -> &'static str {
        self.config.provider
    }

    /// The configuration as a plain object (`_config`).
    pub fn config_object(&self) -> JsValue {
        json::to_object(&*self.config)
    }

    /// The current session, if any.
    pub fn session(&self) -> Option<Session> {
        load(self.provider())
    }

    /// Forgets the session and tells the subscribers.
    pub fn disconnect(&self) {
        clear(self.provider());
    }

    /// Calls `callback(session | null)` on every change; answers the unsubscribe function.
    pub fn on_session_change(&self, callback: JsValue) -> Result<js_sys::Function, Error> {
        let callback: js_sys::Function = callback.dyn_into().map_err(|_| {
            invalid_config("onSessionChange takes a function").for_provider(self.provider())
        })?;
        let id = NEXT_ID.replace(NEXT_ID.get().wrapping_add(1));
        SUBSCRIBERS.with_borrow_mut(|s| {
            s.push(Subscriber {
                id,
                provider: self.provider(),
                callback,
            })
        });
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            SUBSCRIBERS.with_borrow_mut(|s| s.retain(|s| s.id != id))
        });
        Ok(unsubscribe.into_js_value().unchecked_into())
    }

    fn current(&self) -> Result<Session, Error> {
        self.session().ok_or_else(|| {
            Error::new(ErrorCode::NotConnected, "Not connected to this provider")
                .for_provider(self.provider())
        })
    }

    fn can_refresh(&self, session: &Session) -> bool {
        self.config.token_url.is_some() && session.refresh_token.is_some()
    }

    /// `fetch` to the provider's API with the user's Bearer token. Relative paths resolve against
    /// the API base URL; any other origin is refused before anything is sent. An expiring token is
    /// refreshed first where the provider issues refresh tokens, and a 401 answer then leads to
    /// one refresh and one retry (RFC 6750 §3.1).
    pub async fn fetch(
        self,
        path_or_url: JsValue,
        init: Option<JsValue>,
    ) -> Result<web_sys::Response, Error> {
        let provider = self.provider();
        let path = path_or_url.as_string().ok_or_else(|| {
            invalid_config("fetch takes a path or a URL string").for_provider(provider)
        })?;
        let url = Url::new_with_base(&path, &self.api_base)
            .map_err(|_| invalid_config("the request URL is not valid").for_provider(provider))?;
        // Another host, `http:` for an `https:` API, a protocol-relative `//host`: never the token.
        if url.origin() != *self.api_origin {
            return Err(
                invalid_config("Refusing to send the provider's token to another origin")
                    .for_provider(provider),
            );
        }
        let mut session = self.current()?;
        if session.expires_within(web::now_ms(), self.config.skew_ms) {
            if !self.can_refresh(&session) {
                clear(provider);
                return Err(Error::new(ErrorCode::NotConnected, "The session expired")
                    .for_provider(provider));
            }
            self.refresh().await?;
            session = self.current()?;
        }
        let request = http::request(&url.href(), init.as_ref(), provider)?;
        // Copied before sending: the body of a sent request cannot be read again.
        let retry = self
            .can_refresh(&session)
            .then(|| web_sys::Request::clone(&request).ok())
            .flatten();
        http::authorize(&request, session.access_token.expose(), provider)?;
        let response = http::send(request, provider).await?;
        let status = response.status();
        if status != 401 && status != 403 {
            return Ok(response);
        }
        let header = response.headers().get("WWW-Authenticate").ok().flatten();
        match challenge::react(status, header.as_deref()) {
            Reaction::Fail(e) => Err(e.for_provider(provider)),
            Reaction::Return => Ok(response),
            Reaction::RefreshAndRetry => {
                let Some(retry) = retry else {
                    return Ok(response);
                };
                // Another call may have refreshed while this one was in flight.
                if self.current()?.access_token == session.access_token {
                    self.refresh().await?;
                }
                http::authorize(&retry, self.current()?.access_token.expose(), provider)?;
                http::send(retry, provider).await
            }
        }
    }

    async fn token_request(&self, request: &TokenRequest) -> Result<TokenResponse, Error> {
        let provider = self.provider();
        let (Some(url), Some(style)) = (&self.config.token_url, self.config.token_style) else {
            return Err(
                invalid_config("This provider has no token endpoint").for_provider(provider)
            );
        };
        let (status, fields) = http::post_token(url, style, request, provider).await?;
        read_token_response(status, fields.as_ref(), web::now_ms())
            .map_err(|e| e.for_provider(provider))
    }

    /// Obtains a session with a token request (code exchange or password grant), stores it and
    /// answers it as a plain object.
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

    /// Stores a session and answers it as a plain object.
    pub fn store(&self, session: Session) -> Result<JsValue, Error> {
        save(self.provider(), session).map(|(_, object)| object)
    }

    /// Refreshes the session, or joins the refresh already under way for this provider in this
    /// tab: every caller gets the one outcome.
    pub async fn refresh(&self) -> Result<(), Error> {
        let provider = self.provider();
        let flight = REFRESHING.with_borrow(|r| r.get(provider).cloned());
        let flight = flight.unwrap_or_else(|| {
            let (done, resolve) = web::deferred();
            let flight = Flight {
                done,
                outcome: Rc::default(),
            };
            REFRESHING.with_borrow_mut(|r| r.insert(provider, flight.clone()));
            let (me, outcome) = (self.clone(), flight.outcome.clone());
            spawn_local(async move {
                let result = me.refresh_across_tabs().await;
                *outcome.borrow_mut() = Some(result);
                REFRESHING.with_borrow_mut(|r| r.remove(provider));
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            flight
        });
        let _ = JsFuture::from(flight.done).await;
        let outcome = flight.outcome.borrow().clone();
        outcome.unwrap_or(Ok(()))
    }

    // Refreshes under the cross-tab lock. If another tab holds it, that tab is refreshing the same
    // session: wait for it, then adopt its result rather than spend the token again.
    async fn refresh_across_tabs(&self) -> Result<(), Error> {
        let spent = self.current()?.refresh_token.map(|t| t.expose().to_owned());
        let name = ["fitconnect:refresh:", self.provider()].concat();
        for if_available in [true, false] {
            let (me, spent) = (self.clone(), spent.clone());
            let task: locks::Task = Box::new(move |acquired| {
                Box::pin(async move {
                    if !acquired {
                        return Ok(false);
                    }
                    me.refresh_holding_lock(spent, !if_available)
                        .await
                        .map(|()| true)
                })
            });
            if locks::with_lock(&name, if_available, task).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    async fn refresh_holding_lock(
        &self,
        spent: Option<String>,
        contended: bool,
    ) -> Result<(), Error> {
        let provider = self.provider();
        let unchanged =
            |s: &Session| s.refresh_token.as_ref().map(|t| t.expose()) == spent.as_deref();
        if contended {
            // The other tab announces its result just before it releases the lock; give the
            // message a moment to arrive (bounded: 15 x 20 ms).
            for _ in 0..15 {
                if !unchanged(&self.current()?) {
                    break;
                }
                web::sleep(20).await;
            }
        }
        let session = self.current()?;
        if !unchanged(&session) {
            // Adopted from another tab meanwhile.
            return Ok(());
        }
        let (true, Some(refresh_token)) =
            (self.can_refresh(&session), session.refresh_token.clone())
        else {
            clear(provider);
            return Err(Error::new(
                ErrorCode::NotConnected,
                "The session expired and cannot be refreshed",
            )
            .for_provider(provider));
        };
        let request = TokenRequest::refresh(&self.config, refresh_token.expose());
        match self.token_request(&request).await {
            Ok(tokens) => {
                // Rotation: the new refresh token replaces the old one in the same write.
                let renewed = Session::from_token_response(
                    provider,
                    tokens,
                    session.user_id.clone(),
                    session.refresh_token.clone(),
                );
                let (text, _) = save(provider, renewed)?;
                announce(provider, refresh_token.expose(), text);
                Ok(())
            }
            Err(e) => {
                // Only a refused grant ends the session (RFC 6749 §5.2 `invalid_grant`); a server
                // error, a network error or a timeout keeps it for a later try.
                if e.code == ErrorCode::OauthError
                    && e.oauth_error.as_deref() == Some("invalid_grant")
                {
                    clear(provider);
                }
                Err(e)
            }
        }
    }
}
