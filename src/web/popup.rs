//! The sign-in popup: opened synchronously (inside the user's click), then a wait for its
//! callback page's report, bound to that popup:
//!
//! - a window `message` is accepted only from the popup itself (`event.source`) and from this
//!   page's exact origin;
//! - a `BroadcastChannel` message (the callback page lost its opener, for example to the
//!   provider's `Cross-Origin-Opener-Policy`) is accepted only with the nonce this wait wrote to
//!   `sessionStorage` just before opening the popup: the popup got a copy of that storage, a page
//!   opened any other way (with `noopener`, or by another site) did not.
//!
//! A provider page sent with `Cross-Origin-Opener-Policy: same-origin` also makes `popup.closed`
//! read true while the user is still signing in. The two cases are told apart by what was seen:
//! `popup_closed` is reported only for a popup that was seen showing the provider's page with its
//! link intact and then closed. A popup that looks closed before that was cut off; the wait goes
//! on until the callback page reports or the timeout.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use subtle::ConstantTimeEq;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{MessageEvent, Window};

use super::broadcast::Listener;
use super::storage;
use crate::core::session::text_field;
use crate::core::{Error, ErrorCode};

/// Name of the BroadcastChannel a callback page uses when it has no opener to post to.
pub const CHANNEL: &str = "fitconnect";
/// Type tag of callback messages.
pub const MESSAGE_TYPE: &str = "fitconnect:callback";
/// Where the pending popup's nonce is kept (and copied into the popup's `sessionStorage`).
pub const NONCE_KEY: &str = "fitconnect:popup";

/// Popup size.
pub const WIDTH: i32 = 400;
/// Popup size.
pub const HEIGHT: i32 = 600;

// After the popup is seen closed, messages already queued may still arrive (the callback page
// posts, then closes itself): wait this long before calling it a user close.
const CLOSE_GRACE_MS: f64 = 500.0;
const POLL_MS: i32 = 100;
const INTACT_POLLS: u32 = 3;

/// What a callback page reports: its query and fragment, and the nonce it found.
#[derive(Debug, Serialize)]
pub struct CallbackMessage {
    /// Always [`MESSAGE_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// `location.search` of the callback page.
    pub search: String,
    /// `location.hash` of the callback page.
    pub hash: String,
    /// The nonce of the popup it ran in, if it found one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

impl CallbackMessage {
    fn read(data: JsValue) -> Option<CallbackMessage> {
        let f = super::json::fields_of(&data)?;
        let text = |name| text_field(&f, name).ok().flatten().map(String::from);
        let message = CallbackMessage {
            kind: text("type")?,
            search: text("search")?,
            hash: text("hash")?,
            nonce: text_field(&f, "nonce").ok()?.map(String::from),
        };
        (message.kind == MESSAGE_TYPE).then_some(message)
    }
}

fn whole(value: Result<JsValue, JsValue>) -> i32 {
    value.ok().and_then(|v| v.as_f64()).map_or(0, |v| v as i32)
}

/// Opens `url` in a 400x600 popup named `name`, centred over this window. Must run in the
/// click's task: nothing may be awaited before it.
///
/// # Errors
/// `invalid_config` when there is no browser window; `popup_blocked` when `window.open` gives no
/// window (or throws).
pub fn open(url: &str, name: &str) -> Result<Window, Error> {
    let window = super::window()?;
    let centre = |start: i32, outer: i32, size: i32| (start + (outer - size) / 2).max(0);
    let left = centre(whole(window.screen_x()), whole(window.outer_width()), WIDTH);
    let top = centre(
        whole(window.screen_y()),
        whole(window.outer_height()),
        HEIGHT,
    );
    let features = format!("popup=yes,width={WIDTH},height={HEIGHT},left={left},top={top}");
    match window.open_with_url_and_target_and_features(url, name, &features) {
        Ok(Some(popup)) => Ok(popup),
        _ => Err(Error::new(
            ErrorCode::PopupBlocked,
            "The browser blocked the sign-in popup",
        )),
    }
}

struct Wait {
    outcome: Option<Result<CallbackMessage, Error>>,
    resolve: Option<js_sys::Function>,
    cleanup: Option<Box<dyn FnOnce()>>,
}

fn finish(state: &Rc<RefCell<Wait>>, result: Result<CallbackMessage, Error>) {
    let (resolve, cleanup) = {
        let mut wait = state.borrow_mut();
        if wait.outcome.is_some() {
            return;
        }
        wait.outcome = Some(result);
        (wait.resolve.take(), wait.cleanup.take())
    };
    if let Some(cleanup) = cleanup {
        cleanup();
    }
    if let Some(resolve) = resolve {
        let _ = resolve.call0(&JsValue::UNDEFINED);
    }
}

fn closed() -> Error {
    Error::new(
        ErrorCode::PopupClosed,
        "The sign-in window was closed before it finished",
    )
}

fn same_nonce(expected: &str, got: Option<&str>) -> bool {
    got.is_some_and(|got| bool::from(expected.as_bytes().ct_eq(got.as_bytes())))
}

/// Writes a fresh nonce for the popup about to open; [`wait`] checks channel reports against it.
///
/// # Errors
/// `invalid_config` when there is no browser window or no `crypto.getRandomValues`
/// ([`random`](super::crypto::random)).
pub fn new_nonce() -> Result<String, Error> {
    let nonce = crate::core::pkce::base64url(&super::crypto::random::<32>()?);
    storage::write(NONCE_KEY, &nonce);
    // The popup gets a copy of the real sessionStorage, even where the SDK keeps its own values in
    // memory: try it too.
    if storage::in_memory() {
        storage::write_through(NONCE_KEY, &nonce);
    }
    Ok(nonce)
}

/// Waits for the callback page opened in `popup` to report.
///
/// # Errors
/// - `invalid_config` when there is no browser window.
/// - `popup_closed` when the popup, once seen showing the provider's page with its link intact,
///   is closed and no report arrives within a short grace period.
/// - `timeout` when no report arrives within `timeout_ms`; the popup is then closed.
pub async fn wait(popup: Window, nonce: String, timeout_ms: u64) -> Result<CallbackMessage, Error> {
    let window = super::window()?;
    let origin = window.location().origin().unwrap_or_default();
    let (promise, resolve) = super::deferred();
    let state = Rc::new(RefCell::new(Wait {
        outcome: None,
        resolve: Some(resolve),
        cleanup: None,
    }));

    let on_message = {
        let (state, popup) = (state.clone(), popup.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let from_popup = event
                .source()
                .is_some_and(|s| js_sys::Object::is(&s, &popup));
            if event.origin() != origin || !from_popup {
                return;
            }
            if let Some(message) = CallbackMessage::read(event.data()) {
                finish(&state, Ok(message));
            }
        })
    };
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());

    let channel = {
        let (state, nonce) = (state.clone(), nonce.clone());
        Listener::new(CHANNEL, move |data| {
            if let Some(message) = CallbackMessage::read(data) {
                if same_nonce(&nonce, message.nonce.as_deref()) {
                    finish(&state, Ok(message));
                }
            }
        })
    };

    let poll = {
        let (state, popup) = (state.clone(), popup.clone());
        let (mut intact_polls, mut closed_at) = (0u32, 0.0f64);
        Closure::<dyn FnMut()>::new(move || {
            if !popup.closed().unwrap_or(true) {
                closed_at = 0.0;
                if intact_polls < INTACT_POLLS {
                    // Reading the location of a cross-origin window throws; that of about:blank or
                    // of our own page does not.
                    let other_origin = popup.location().href().is_err();
                    intact_polls = if other_origin { intact_polls + 1 } else { 0 };
                }
                return;
            }
            if intact_polls < INTACT_POLLS {
                return;
            }
            let now = js_sys::Date::now();
            if closed_at == 0.0 {
                closed_at = now;
            }
            if now - closed_at >= CLOSE_GRACE_MS {
                finish(&state, Err(closed()));
            }
        })
    };
    let poll_id = window
        .set_interval_with_callback_and_timeout_and_arguments_0(
            poll.as_ref().unchecked_ref(),
            POLL_MS,
        )
        .unwrap_or(0);

    let timer = {
        let (state, popup) = (state.clone(), popup.clone());
        Closure::<dyn FnMut()>::new(move || {
            let _ = popup.close();
            finish(
                &state,
                Err(Error::new(
                    ErrorCode::Timeout,
                    "The sign-in did not finish in time",
                )),
            );
        })
    };
    let timer_id = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            timer.as_ref().unchecked_ref(),
            i32::try_from(timeout_ms).unwrap_or(i32::MAX),
        )
        .unwrap_or(0);

    state.borrow_mut().cleanup = Some(Box::new(move || {
        window.clear_interval_with_handle(poll_id);
        window.clear_timeout_with_handle(timer_id);
        let _ = window
            .remove_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
        storage::remove(NONCE_KEY);
        // The closures may be the ones running now: they are dropped after this task.
        spawn_local(async move {
            drop((on_message, poll, timer, channel));
        });
    }));

    let _ = JsFuture::from(promise).await;
    let outcome = state.borrow_mut().outcome.take();
    // `finish` sets the outcome before it resolves the promise.
    outcome.unwrap_or_else(|| Err(closed()))
}
