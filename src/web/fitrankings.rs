//! `FitRankings`: sign-in in a 400x600 popup, the user token delivered to the app's callback page.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::client::{session_methods, Client};
use super::options::Options;
use super::{spawn, storage, wait_for_callback, window};
use crate::core::flow::parse_popup_callback;
use crate::core::provider::{Provider, FITRANKINGS};
use crate::core::{Error, ErrorCode};

const POPUP_WIDTH: i32 = 400;
const POPUP_HEIGHT: i32 = 600;
const DEFAULT_TIMEOUT_MS: f64 = 5.0 * 60.0 * 1000.0;

thread_local! {
    /// Popups open for sign-in, per provider: a second `connect()` focuses the first.
    static PENDING: RefCell<Vec<(&'static str, web_sys::Window)>> = const { RefCell::new(Vec::new()) };
}

/// FitRankings client: sign-in in a 400x600 popup, the user token delivered to your callback page.
///
/// ```js
/// const fitrankings = new FitRankings({ clientId: 'your-client-id', callbackUri: 'https://app.example/callback.html' });
/// button.onclick = async () => {
///   const session = await fitrankings.connect();
///   const activities = await (await fitrankings.fetch('/iq/activities/?page=1&page_size=20')).json();
/// };
/// ```
#[wasm_bindgen]
pub struct FitRankings {
    client: Rc<Client>,
    callback_uri: String,
    timeout_ms: f64,
}

fn push_int(out: &mut String, v: i32) {
    if v < 0 {
        out.push('-');
    }
    crate::core::json::push_u64(out, v.unsigned_abs() as u64);
}

/// `popup=yes,width=400,height=600,left=…,top=…`, centred over the current window.
fn popup_features(w: &web_sys::Window) -> String {
    let num = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let left = num(w.screen_x()) + (num(w.outer_width()) - POPUP_WIDTH) / 2;
    let top = num(w.screen_y()) + (num(w.outer_height()) - POPUP_HEIGHT) / 2;
    let mut f = String::from("popup=yes,width=");
    push_int(&mut f, POPUP_WIDTH);
    f.push_str(",height=");
    push_int(&mut f, POPUP_HEIGHT);
    f.push_str(",left=");
    push_int(&mut f, left.max(0));
    f.push_str(",top=");
    push_int(&mut f, top.max(0));
    f
}

fn pending(provider: &Provider) -> Option<web_sys::Window> {
    PENDING.with(|p| {
        p.borrow()
            .iter()
            .find(|(id, _)| *id == provider.id)
            .map(|(_, w)| w.clone())
    })
}

fn set_pending(provider: &'static Provider, popup: Option<web_sys::Window>) {
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|(id, _)| *id != provider.id);
        if let Some(w) = popup {
            p.push((provider.id, w));
        }
    });
}

#[wasm_bindgen]
impl FitRankings {
    /// Creates a client. `options`: `{ clientId, callbackUri, baseUrl?, timeoutMs? }`; throws
    /// `FitConnectError` (`invalid_config`) for missing options or an option named like a secret.
    ///
    /// ```js
    /// const fitrankings = new FitRankings({ clientId: 'abc', callbackUri: `${location.origin}/callback.html` });
    /// ```
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "FitRankingsOptions")] options: JsValue,
    ) -> Result<FitRankings, JsValue> {
        let o = Options::new(options)?;
        let client_id = o.required("clientId", "clientId is required")?;
        let callback_uri = o.required("callbackUri", "callbackUri is required")?;
        let timeout_ms = o.positive_number("timeoutMs", DEFAULT_TIMEOUT_MS)?;
        Ok(FitRankings {
            client: Client::new(&FITRANKINGS, o.string("baseUrl")?, client_id, None, None)?,
            callback_uri,
            timeout_ms,
        })
    }

    /// Opens the FitRankings sign-in popup and resolves with the session once the user allowed
    /// access. Call it directly in a click handler: the popup opens before this returns.
    /// Rejects with `popup_blocked`, `popup_closed`, `timeout`, `interaction_in_progress` or
    /// `invalid_callback`.
    ///
    /// ```js
    /// button.addEventListener('click', () => {
    ///   fitrankings.connect().then(showProfile, (e) => { if (e.code !== 'popup_closed') showError(e); });
    /// });
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn connect(&self) -> Promise {
        let provider = self.client.provider;
        if let Some(popup) = pending(provider).filter(|w| !w.closed().unwrap_or(true)) {
            let _ = popup.focus();
            return super::rejected(
                Error::new(
                    ErrorCode::InteractionInProgress,
                    "A sign-in window is already open",
                )
                .for_provider(provider.id),
            );
        }
        let w = match window() {
            Ok(w) => w,
            Err(e) => return super::rejected(e),
        };
        let Some(url) = provider.popup_url(
            &self.client.base_url,
            &self.client.client_id,
            &self.callback_uri,
        ) else {
            return super::rejected(super::error(
                ErrorCode::InvalidConfig,
                "This provider does not sign in with a popup",
            ));
        };
        let mut target = String::from("fitconnect-");
        target.push_str(provider.id);
        let popup =
            match w.open_with_url_and_target_and_features(&url, &target, &popup_features(&w)) {
                Ok(Some(popup)) => popup,
                _ => {
                    return super::rejected(
                        Error::new(
                            ErrorCode::PopupBlocked,
                            "The browser blocked the sign-in popup",
                        )
                        .for_provider(provider.id),
                    )
                }
            };
        set_pending(provider, Some(popup.clone()));
        let wait = wait_for_callback(&popup, self.timeout_ms, provider.id);
        spawn(Box::pin(async move {
            let result = JsFuture::from(wait).await;
            set_pending(provider, None);
            let message = result?;
            let field = |name: &str| {
                Reflect::get(&message, &JsValue::from_str(name))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            let session = parse_popup_callback(provider, &field("search"), &field("hash"))?;
            storage::save_session(provider, &session)?;
            Ok(storage::session_to_js(Some(&session)))
        }))
    }
}

session_methods!(
    FitRankings,
    "`fetch` to the FitRankings API with the user's Bearer token. Relative paths"
);
