//! The popup sign-in (FitRankings): opened synchronously inside the user's click, before anything
//! is awaited; the callback page's report is accepted only from that popup and with its nonce
//! (see [`crate::web::popup`]).

use std::cell::RefCell;

use crate::client::Client;
use crate::core::callback::{self, PopupParams};
use crate::core::config::SignIn;
use crate::core::error::invalid_config;
use crate::core::{Error, ErrorCode};
use crate::web::popup;

thread_local! {
    // The popup open for sign-in: a second connect() focuses it.
    static POPUP: RefCell<Option<web_sys::Window>> = const { RefCell::new(None) };
}

/// Opens the provider's sign-in popup and resolves with the session once the callback page
/// reports the user's token. Must be called in the click's task.
pub fn connect(client: &Client, params: PopupParams) -> js_sys::Promise {
    let provider = client.provider();
    let open = POPUP
        .with_borrow(|p| p.clone())
        .filter(|p| !p.closed().unwrap_or(true));
    if let Some(open) = open {
        let _ = open.focus();
        return client.rejected(Error::new(
            ErrorCode::InteractionInProgress,
            "A sign-in window is already open",
        ));
    }
    let SignIn::Popup {
        popup_url: url,
        timeout_ms,
    } = client.config().sign_in.clone()
    else {
        return client.rejected(invalid_config(
            "This provider does not sign in with a popup",
        ));
    };
    // Opened in this task, before anything is awaited.
    let opened = popup::new_nonce().and_then(|nonce| {
        Ok((
            nonce,
            popup::open(&url, &["fitconnect-", provider].concat())?,
        ))
    });
    let (nonce, window) = match opened {
        Ok(opened) => opened,
        Err(e) => return client.rejected(e),
    };
    POPUP.with_borrow_mut(|p| *p = Some(window.clone()));
    let me = client.clone();
    client.promise(async move {
        let result = popup::wait(window.clone(), nonce, timeout_ms).await;
        POPUP.with_borrow_mut(|p| {
            if p.as_ref().is_some_and(|p| js_sys::Object::is(p, &window)) {
                *p = None;
            }
        });
        let message = result?;
        let session =
            callback::parse_popup_callback(provider, params, &message.search, &message.hash)?;
        me.store(session)
    })
}
