//! `handleCallback()`: the whole script of the app's popup callback page.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::BroadcastChannel;

use super::{window, CHANNEL, MESSAGE_TYPE};

/// Hands the callback's query and fragment to the window that opened this popup, then closes it.
///
/// The message goes to the opener with this page's own origin as the target, so no other site
/// can read it. Without an opener (it was cut by `Cross-Origin-Opener-Policy` or `noopener`), it
/// goes over a BroadcastChannel of this origin instead. The token is removed from this page's
/// address bar first.
///
/// ```html
/// <script type="module">
///   import init, { handleCallback } from 'fitconnect';
///   await init();
///   await handleCallback();
/// </script>
/// ```
#[wasm_bindgen(js_name = handleCallback, unchecked_return_type = "Promise<void>")]
pub fn handle_callback() -> Promise {
    match deliver() {
        Ok(()) => Promise::resolve(&JsValue::UNDEFINED),
        Err(e) => Promise::reject(&e),
    }
}

fn deliver() -> Result<(), JsValue> {
    let w = window()?;
    let location = w.location();
    let origin = location.origin()?;
    let message = Object::new();
    Reflect::set(
        &message,
        &"type".into(),
        &MESSAGE_TYPE.with(|t| JsValue::from_str(t)),
    )?;
    Reflect::set(&message, &"search".into(), &location.search()?.into())?;
    Reflect::set(&message, &"hash".into(), &location.hash()?.into())?;
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&location.pathname()?));
    }
    let opener = w.opener().unwrap_or(JsValue::NULL);
    let sent = !opener.is_null()
        && !opener.is_undefined()
        && opener
            .unchecked_into::<web_sys::Window>()
            .post_message(&message, &origin)
            .is_ok();
    if !sent {
        let channel = BroadcastChannel::new(&CHANNEL.with(|c| c.clone()))?;
        channel.post_message(&message)?;
        channel.close();
    }
    let _ = w.close();
    Ok(())
}
