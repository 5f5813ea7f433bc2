//! What every provider class shares: its configuration, the stored session and its change
//! events, Bearer fetches with refresh on expiry and on a 401, token requests, and the refresh,
//! single-flight in the tab (a shared future) and across tabs (a Web Lock plus an announcement
//! of the rotated session).

use litemap::LiteMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::Url;

use crate::core::challenge::{self, Reaction};
use crate::core::error::invalid_config;
use crate::core::options::{Options, Value, MAX_DEPTH};
use crate::core::pkce::fingerprint;
use crate::core::session::{
    read_token_response, text_field, Binding, Fields, Session, TokenResponse,
};
use crate::core::url::check_endpoint;
use crate::core::{Error, ErrorCode};
use crate::providers::{self, Config, TokenRequest};
use crate::web::{self, broadcast, http, json, locks, storage};

const ROTATION: &str = "fitconnect:rotation";

/// How long a tab that finds its refresh token spent by another tab waits for that tab's
/// announcement of the rotated session (it was posted before the other tab let the lock go, so it
/// normally arrives at once; this bounds the wait when it never does).
const ADOPTION_LIMIT_MS: i32 = 10_000;

struct Subscriber {
    id: u32,
    binding: Rc<str>,
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
    // Per binding: the last stored text seen and the session read from it, so that a Bearer fetch
    // costs one storage read and no parsing while the session is unchanged.
    static CHECKED: RefCell<LiteMap<String, (String, Session)>> = const { RefCell::new(LiteMap::new()) };
    static REFRESHING: RefCell<LiteMap<String, Flight>> = const { RefCell::new(LiteMap::new()) };
    // Refreshes waiting for another tab's rotated session, per binding: resolved when it arrives.
    static ADOPTING: RefCell<Vec<(String, js_sys::Function)>> = const { RefCell::new(Vec::new()) };
    // The last rotations this tab made or heard of: a stale copy of a session whose refresh token
    // was spent (restored, or read before an announcement) takes its successor from here.
    static ROTATED: RefCell<Vec<Rotation>> = const { RefCell::new(Vec::new()) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// A session as the app sees it: a fresh plain object each time (changing it changes nothing).
pub fn session_object(session: Option<&Session>) -> JsValue {
    session.map_or(JsValue::NULL, json::to_object)
}

/// The session stored for `binding`; a corrupt or foreign value is removed.
fn load(provider: &'static str, binding: &Binding) -> Option<Session> {
    let key = binding.session_key();
    let text = storage::read(&key)?;
    if let Some(session) = CHECKED.with_borrow(|c| {
        c.get(binding.id())
            .filter(|(t, _)| *t == text)
            .map(|(_, s)| s.clone())
    }) {
        return Some(session);
    }
    let session = json::fields(&text)
        .and_then(|f| Session::from_fields(&f))
        .and_then(|s| s.checked(provider));
    match &session {
        Some(s) => CHECKED.with_borrow_mut(|c| c.insert(binding.id().into(), (text, s.clone()))),
        None => {
            storage::remove(&key);
            CHECKED.with_borrow_mut(|c| c.remove(binding.id()))
        }
    };
    session
}

fn notify(binding: &Binding, session: Option<&Session>) {
    let callbacks: Vec<js_sys::Function> = SUBSCRIBERS.with_borrow(|s| {
        s.iter()
            .filter(|s| &*s.binding == binding.id())
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
fn save(
    provider: &'static str,
    binding: &Binding,
    session: Session,
) -> Result<(String, JsValue), Error> {
    let object = session_object(Some(&session));
    let text = json::stringify(&object).ok_or_else(|| {
        Error::new(ErrorCode::InvalidResponse, "The session cannot be stored")
            .for_provider(provider)
    })?;
    storage::write(&binding.session_key(), &text);
    CHECKED.with_borrow_mut(|c| c.insert(binding.id().into(), (text.clone(), session.clone())));
    notify(binding, Some(&session));
    Ok((text, object))
}

fn clear(binding: &Binding) {
    let key = binding.session_key();
    let had = storage::read(&key).is_some();
    storage::remove(&key);
    CHECKED.with_borrow_mut(|c| c.remove(binding.id()));
    if had {
        notify(binding, None);
    }
}

/// A rotated session, announced to the other tabs: the provider and binding, the fingerprint of
/// the refresh token it replaces (never the token), and the stored text of the new session.
#[derive(Serialize)]
struct Rotation {
    provider: String,
    binding: String,
    from: String,
    session: String,
}

impl Rotation {
    fn from_fields(f: &Fields) -> Option<Rotation> {
        let text = |name| text_field(f, name).ok().flatten().map(String::from);
        Some(Rotation {
            provider: text("provider")?,
            binding: text("binding")?,
            from: text("from")?,
            session: text("session")?,
        })
    }
}

/// How many rotations [`ROTATED`] keeps.
const ROTATIONS_KEPT: usize = 8;

fn remember(rotation: Rotation) {
    ROTATED.with_borrow_mut(|r| {
        if r.len() == ROTATIONS_KEPT {
            r.remove(0);
        }
        r.push(rotation);
    });
}

/// The session that replaced the refresh token with fingerprint `from`, if this tab knows it.
fn successor(provider: &'static str, binding: &Binding, from: &str) -> Option<Session> {
    let text = ROTATED.with_borrow(|r| {
        r.iter()
            .rev()
            .find(|r| r.binding == binding.id() && r.from == from)
            .map(|r| r.session.clone())
    })?;
    json::fields(&text)
        .and_then(|f| Session::from_fields(&f))
        .and_then(|s| s.checked(provider))
}

/// The lock whose holder has spent the refresh token with this fingerprint (see [`locks`]).
fn spent_mark(binding: &Binding, from: &str) -> String {
    ["fitconnect:spent:", binding.id(), ":", from].concat()
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
        let Some(rotation) = json::fields_of(&data).and_then(|f| Rotation::from_fields(&f)) else {
            return;
        };
        let Some(provider) = providers::id(&rotation.provider) else {
            return;
        };
        let binding = Binding::from_id(&rotation.binding);
        if binding.provider() != provider {
            return;
        }
        let from = rotation.from.clone();
        remember(rotation);
        let spent = load(provider, &binding).and_then(|s| s.refresh_token);
        if spent.is_none_or(|t| fingerprint(t.expose()) != from) {
            return;
        }
        if let Some(session) = successor(provider, &binding, &from) {
            let _ = save(provider, &binding, session);
            let waiting: Vec<js_sys::Function> = ADOPTING.with_borrow_mut(|a| {
                let (done, rest) = a.drain(..).partition(|(id, _)| id == binding.id());
                *a = rest;
                done.into_iter().map(|(_, resolve)| resolve).collect()
            });
            for resolve in waiting {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
    });
    if let Some(listener) = listener {
        broadcast::keep(listener);
    }
}

fn announce(provider: &'static str, binding: &Binding, spent: &str, text: String) {
    let rotation = Rotation {
        provider: provider.into(),
        binding: binding.id().into(),
        from: fingerprint(spent),
        session: text,
    };
    broadcast::post(ROTATION, &json::to_object(&rotation));
    remember(rotation);
}

/// Reads a constructor's options object member by member: nested plain objects are walked (to a
/// bounded depth, so that secret-named members are found in them too), other members are taken
/// as what they are (absent, a boolean, a number, a string), and anything else (an array, a
/// function, a symbol) is `Other`. `None` for anything but a plain object (`null`, an array, a
/// string).
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
            _ if member.is_null() || member.is_undefined() => Value::Absent,
            _ => member
                .as_bool()
                .map(Value::Bool)
                .or_else(|| member.as_f64().map(Value::Number))
                .or_else(|| member.as_string().map(Value::Text))
                .unwrap_or(Value::Other),
        };
        options.insert(name, value);
    }
    Some(options)
}

/// A provider client: one per class instance; instances configured alike (the same
/// [`Binding`]) share the session.
#[derive(Clone)]
pub struct Client {
    config: Rc<Config>,
    binding: Rc<Binding>,
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
            // Passwords and refresh tokens go there: the base-URL rule applies.
            check_endpoint("tokenEndpoint", &resolved.href())
                .map_err(|e| e.for_provider(provider))?;
            config.token_url = Some(resolved.href());
        }
        let api_origin = Url::new(&config.base_url)
            .map_err(|_| invalid_config("baseUrl is not a valid URL").for_provider(provider))?
            .origin();
        let binding = Binding::new(
            provider,
            &api_origin,
            config.token_url.as_deref().unwrap_or_default(),
            &config.client_id,
        );
        listen_for_rotations();
        Ok(Client {
            binding: Rc::new(binding),
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

    /// What the session is bound to: its storage keys.
    pub fn binding(&self) -> &Binding {
        &self.binding
    }

    /// The configuration as a plain object (`_config`).
    pub fn config_object(&self) -> JsValue {
        json::to_object(&*self.config)
    }

    /// The current session, if any.
    pub fn session(&self) -> Option<Session> {
        load(self.provider(), &self.binding)
    }

    /// Forgets the session and tells the subscribers.
    pub fn disconnect(&self) {
        clear(&self.binding);
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
                binding: self.binding.id().into(),
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
                clear(&self.binding);
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
        save(self.provider(), &self.binding, session).map(|(_, object)| object)
    }

    /// Refreshes the session, or joins the refresh already under way for this session in this
    /// tab: every caller gets the one outcome.
    pub async fn refresh(&self) -> Result<(), Error> {
        let id = self.binding.id();
        let flight = REFRESHING.with_borrow(|r| r.get(id).cloned());
        let flight = flight.unwrap_or_else(|| {
            let (done, resolve) = web::deferred();
            let flight = Flight {
                done,
                outcome: Rc::default(),
            };
            REFRESHING.with_borrow_mut(|r| r.insert(id.into(), flight.clone()));
            let (me, outcome) = (self.clone(), flight.outcome.clone());
            spawn_local(async move {
                let result = me.refresh_across_tabs().await;
                *outcome.borrow_mut() = Some(result);
                REFRESHING.with_borrow_mut(|r| r.remove(me.binding.id()));
                let _ = resolve.call0(&JsValue::UNDEFINED);
            });
            flight
        });
        let _ = JsFuture::from(flight.done).await;
        let outcome = flight.outcome.borrow().clone();
        outcome.unwrap_or(Ok(()))
    }

    // Refreshes holding the cross-tab lock, waiting for it if another tab holds it.
    async fn refresh_across_tabs(&self) -> Result<(), Error> {
        let spent = self.current()?.refresh_token;
        let name = ["fitconnect:refresh:", self.binding.id()].concat();
        let me = self.clone();
        let task: locks::Task = Box::new(move |_| {
            Box::pin(async move { me.refresh_holding_lock(spent).await.map(|()| true) })
        });
        locks::with_lock(&name, false, task).await.map(|_| ())
    }

    // With the lock held, the stored session is read again: it is refreshed only if it is still
    // the one that needed refreshing, and only if no tab has spent its refresh token already.
    async fn refresh_holding_lock(
        &self,
        spent: Option<crate::core::session::Secret>,
    ) -> Result<(), Error> {
        let provider = self.provider();
        let session = self.current()?;
        if session.refresh_token != spent {
            // Adopted from another tab while this one waited for the lock.
            return Ok(());
        }
        let (true, Some(refresh_token)) =
            (self.can_refresh(&session), session.refresh_token.clone())
        else {
            clear(&self.binding);
            return Err(Error::new(
                ErrorCode::NotConnected,
                "The session expired and cannot be refreshed",
            )
            .for_provider(provider));
        };
        let from = fingerprint(refresh_token.expose());
        if let Some(successor) = successor(provider, &self.binding, &from) {
            return save(provider, &self.binding, successor).map(drop);
        }
        let mark = spent_mark(&self.binding, &from);
        if locks::is_held(&mark).await? {
            return self.adopt(&refresh_token).await;
        }
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
                let (text, _) = save(provider, &self.binding, renewed)?;
                announce(provider, &self.binding, refresh_token.expose(), text);
                // Marked spent before the refresh lock is let go.
                locks::hold(&mark).await
            }
            Err(e) => {
                // Only a refused grant ends the session (RFC 6749 §5.2 `invalid_grant`); a server
                // error, a network error or a timeout keeps it for a later try.
                if e.code == ErrorCode::OauthError
                    && e.oauth_error.as_deref() == Some("invalid_grant")
                {
                    clear(&self.binding);
                }
                Err(e)
            }
        }
    }

    // Another tab spent this refresh token: wait for its announcement of the rotated session
    // (bounded) rather than spend the token again. Without it, the session cannot go on here.
    async fn adopt(&self, spent: &crate::core::session::Secret) -> Result<(), Error> {
        let (arrived, resolve) = web::deferred();
        ADOPTING.with_borrow_mut(|a| a.push((self.binding.id().into(), resolve.clone())));
        if let Ok(window) = web::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ADOPTION_LIMIT_MS);
        }
        if self.current()?.refresh_token.as_ref() == Some(spent) {
            let _ = JsFuture::from(arrived).await;
        }
        ADOPTING.with_borrow_mut(|a| a.retain(|(_, r)| !js_sys::Object::is(r, &resolve)));
        if self.current()?.refresh_token.as_ref() != Some(spent) {
            return Ok(());
        }
        clear(&self.binding);
        Err(Error::new(
            ErrorCode::NotConnected,
            "The session was refreshed in another tab and did not reach this one",
        )
        .for_provider(self.provider()))
    }
}
