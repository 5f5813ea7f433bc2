//! Refresh: single-flight in the tab (one shared future per session) and across tabs. Tabs
//! holding the same session (sessionStorage is copied into duplicated tabs and into windows opened
//! from a page) must not both spend a single-use refresh token: a refresh runs holding a Web Lock
//! shared by all tabs and reads the stored session again first; the winner marks the spent token
//! with a held lock before it lets go and announces the rotated session, which the other tabs
//! adopt (see [`crate::web::locks`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use litemap::LiteMap;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use super::store::{clear, load, save};
use super::Client;
use crate::core::pkce::fingerprint;
use crate::core::session::{text_field, Binding, Fields, Secret, Session};
use crate::core::token::TokenRequest;
use crate::core::{Error, ErrorCode};
use crate::providers;
use crate::web::{self, broadcast, json, locks};

const ROTATION: &str = "fitconnect:rotation";

/// How long a tab that finds its refresh token spent by another tab waits for that tab's
/// announcement of the rotated session (it was posted before the other tab let the lock go, so it
/// normally arrives at once; this bounds the wait when it never does).
const ADOPTION_LIMIT_MS: i32 = 10_000;

/// A refresh under way: done when `done` resolves; `outcome` then holds its result.
#[derive(Clone)]
struct Flight {
    done: js_sys::Promise,
    outcome: Rc<RefCell<Option<Result<(), Error>>>>,
}

thread_local! {
    static REFRESHING: RefCell<LiteMap<String, Flight>> = const { RefCell::new(LiteMap::new()) };
    // Refreshes waiting for another tab's rotated session, per binding: resolved when it arrives.
    static ADOPTING: RefCell<Vec<(String, js_sys::Function)>> = const { RefCell::new(Vec::new()) };
    // The last rotations this tab made or heard of: a stale copy of a session whose refresh token
    // was spent (restored, or read before an announcement) takes its successor from here.
    static ROTATED: RefCell<Vec<Rotation>> = const { RefCell::new(Vec::new()) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// A rotated session, announced to the other tabs: its binding (which names the provider), the
/// fingerprint of the refresh token it replaces (never the token), and the stored text of the new
/// session.
#[derive(Serialize)]
struct Rotation {
    binding: String,
    from: String,
    session: String,
}

impl Rotation {
    fn from_fields(f: &Fields) -> Option<Rotation> {
        let text = |name| text_field(f, name).ok().flatten().map(String::from);
        Some(Rotation {
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

/// Listens (once per page) for other tabs' rotated sessions: a tab whose refresh token is the one
/// just spent adopts the new session.
pub fn listen_for_rotations() {
    if LISTENING.replace(true) {
        return;
    }
    let listener = broadcast::Listener::new(ROTATION, |data| {
        let Some(rotation) = json::fields_of(&data).and_then(|f| Rotation::from_fields(&f)) else {
            return;
        };
        let binding = Binding::from_id(&rotation.binding);
        let Some(provider) = providers::id(binding.provider()) else {
            return;
        };
        let from = rotation.from.clone();
        remember(rotation);
        let spent = load(provider, &binding).and_then(|s| s.refresh_token);
        if spent.is_none_or(|t| fingerprint(t.expose()) != from) {
            return;
        }
        if let Some(session) = successor(provider, &binding, &from) {
            let _ = save(&binding, session);
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

fn announce(binding: &Binding, spent: &str, text: String) {
    let rotation = Rotation {
        binding: binding.id().into(),
        from: fingerprint(spent),
        session: text,
    };
    broadcast::post(ROTATION, &json::to_object(&rotation));
    remember(rotation);
}

impl Client {
    /// Refreshes the session, or joins the refresh already under way for this session in this
    /// tab: every caller gets the one outcome.
    ///
    /// # Errors
    /// - `not_connected`: there is no session; or it has no refresh token or the client no token
    ///   endpoint; or another tab spent its refresh token and the rotated session did not reach
    ///   this tab in time. In the last two cases the session is cleared.
    /// - `invalid_config`: there is no browser window.
    /// - The refresh request's errors ([`post_token`](crate::web::http::post_token),
    ///   [`read_token_response`](crate::core::session::read_token_response)): `network_error`,
    ///   `http_error`, `access_denied`, `oauth_error` (`invalid_grant` clears the session; the
    ///   others keep it) or `invalid_response` (also when the renewed session cannot be stored).
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
    async fn refresh_holding_lock(&self, spent: Option<Secret>) -> Result<(), Error> {
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
            ));
        };
        let from = fingerprint(refresh_token.expose());
        if let Some(successor) = successor(provider, &self.binding, &from) {
            return save(&self.binding, successor).map(drop);
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
                let (text, _) = save(&self.binding, renewed)?;
                announce(&self.binding, refresh_token.expose(), text);
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
    async fn adopt(&self, spent: &Secret) -> Result<(), Error> {
        if self.current()?.refresh_token.as_ref() == Some(spent) {
            // Resolved by the listener when the rotated session arrives, or by the time limit.
            let (arrived, resolve) = web::deferred();
            ADOPTING.with_borrow_mut(|a| a.push((self.binding.id().into(), resolve.clone())));
            if let Ok(window) = web::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    &resolve,
                    ADOPTION_LIMIT_MS,
                );
            }
            let _ = JsFuture::from(arrived).await;
            ADOPTING.with_borrow_mut(|a| a.retain(|(_, r)| !js_sys::Object::is(r, &resolve)));
        }
        if self.current()?.refresh_token.as_ref() != Some(spent) {
            return Ok(());
        }
        clear(&self.binding);
        Err(Error::new(
            ErrorCode::NotConnected,
            "The session was refreshed in another tab and did not reach this one",
        ))
    }
}
