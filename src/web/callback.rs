//! The callback page's part: `handleCallback()` hands the callback's query and fragment to the
//! window that opened the popup, then closes it.

use wasm_bindgen::{JsCast, JsValue};

use super::popup::{CallbackMessage, CHANNEL, MESSAGE_TYPE, NONCE_KEY};
use super::{broadcast, storage};
use crate::core::Error;

/// Removes the query and fragment from the address bar (first, before anything else runs), then
/// posts them to the opener with this page's own origin as the target, so no other site can read
/// them. Without an opener (cut by `Cross-Origin-Opener-Policy` or `noopener`), they go over a
/// `BroadcastChannel` of this origin, with the nonce the opener left in this popup's copy of
/// `sessionStorage`. Then closes the window.
///
/// # Errors
/// `invalid_config` when there is no browser window ([`window`](super::window)). Nothing else
/// fails: a post that throws falls back to the `BroadcastChannel`.
pub fn handle() -> Result<(), Error> {
    let window = super::window()?;
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
    let message = CallbackMessage {
        kind: MESSAGE_TYPE.into(),
        search,
        hash,
        nonce: storage::read(NONCE_KEY),
    };
    let message = super::json::to_object(&message);
    let origin = location.origin().unwrap_or_default();
    let opener = window
        .opener()
        .ok()
        .filter(|o| !o.is_null() && !o.is_undefined());
    let posted = opener.is_some_and(|opener| {
        opener
            .unchecked_into::<web_sys::Window>()
            .post_message(&message, &origin)
            .is_ok()
    });
    if !posted {
        broadcast::post(CHANNEL, &message);
    }
    let _ = window.close();
    Ok(())
}
