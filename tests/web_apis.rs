//! Browser tests of the browser APIs the web layer wraps: randomness from `crypto` (and the
//! popup nonce made of it), core errors turned into `FitConnectError` objects, BroadcastChannel
//! messages (which carry rotated sessions between tabs) and Web Locks (which make one tab at a
//! time refresh).
#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use fitconnect::core::{Error, ErrorCode};
use fitconnect::web::{broadcast, crypto, error::to_js, locks, popup, storage};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// --- crypto, errors ----------------------------------------------------------------------------

#[wasm_bindgen_test]
fn random_bytes_differ() {
    let a = crypto::random::<32>().unwrap();
    let b = crypto::random::<32>().unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0; 32]);
    // A nonce is 32 random bytes in base64url: 43 characters, fresh each time.
    let n1 = popup::new_nonce().unwrap();
    let n2 = popup::new_nonce().unwrap();
    assert_eq!(n1.len(), 43);
    assert_ne!(n1, n2);
    assert_eq!(storage::read(popup::NONCE_KEY), Some(n2));
    storage::remove(popup::NONCE_KEY);
}

#[wasm_bindgen_test]
fn core_errors_become_fitconnect_errors() {
    let e = to_js(
        Error::new(ErrorCode::HttpError, "The token endpoint failed")
            .for_provider("fitbark")
            .with_status(503),
    );
    assert_error(&e, "http_error");
    assert_eq!(
        text(&e, "message").as_deref(),
        Some("The token endpoint failed")
    );
    assert_eq!(text(&e, "provider").as_deref(), Some("fitbark"));
    assert_eq!(number(&e, "status"), Some(503.0));
    for absent in ["oauthError", "description", "scope"] {
        assert!(!has(&e, absent), "{absent} is not set");
    }
    assert!(text(&e, "stack").is_some(), "a real Error has a stack");
    let text_form = e
        .dyn_ref::<js_sys::Error>()
        .unwrap()
        .to_string()
        .as_string();
    assert_eq!(
        text_form.as_deref(),
        Some("FitConnectError: The token endpoint failed")
    );

    let e = to_js(
        Error::from_oauth("invalid_grant".into(), Some("Wrong password".into()))
            .for_provider("openfit")
            .with_status(400),
    );
    assert_error(&e, "oauth_error");
    assert_eq!(text(&e, "oauthError").as_deref(), Some("invalid_grant"));
    assert_eq!(text(&e, "description").as_deref(), Some("Wrong password"));
    assert_eq!(number(&e, "status"), Some(400.0));

    let e = to_js(Error::new(ErrorCode::Timeout, "late"));
    assert_error(&e, "timeout");
    assert!(!has(&e, "provider") && !has(&e, "status"));
}

// --- broadcast, locks --------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn broadcast_reaches_other_channels_until_dropped() {
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let listener = {
        let seen = seen.clone();
        broadcast::Listener::new("fitconnect:test", move |data| seen.borrow_mut().push(data))
    }
    .expect("BroadcastChannel exists");
    assert!(broadcast::post("fitconnect:test", &"one".into()));
    for _ in 0..50 {
        if !seen.borrow().is_empty() {
            break;
        }
        sleep(10).await;
    }
    assert_eq!(seen.borrow().len(), 1);
    assert_eq!(seen.borrow()[0].as_string().as_deref(), Some("one"));
    drop(listener);
    assert!(broadcast::post("fitconnect:test", &"two".into()));
    sleep(150).await;
    assert_eq!(seen.borrow().len(), 1, "a dropped listener hears nothing");
}

fn task(ran: &Rc<RefCell<Vec<bool>>>) -> locks::Task {
    let ran = ran.clone();
    Box::new(move |acquired| {
        Box::pin(async move {
            ran.borrow_mut().push(acquired);
            Ok(acquired)
        })
    })
}

#[wasm_bindgen_test]
async fn web_locks_are_shared_and_waited_for() {
    let name = "fitconnect:test:lock";
    let ran: Rc<RefCell<Vec<bool>>> = Rc::default();
    assert_eq!(locks::with_lock(name, true, task(&ran)).await, Ok(true));

    // Held elsewhere: `if_available` tells the task so at once; otherwise it waits its turn.
    settle(hold_lock(name, 600)).await.unwrap();
    let started = js_sys::Date::now();
    assert_eq!(locks::with_lock(name, true, task(&ran)).await, Ok(false));
    let refused_after = js_sys::Date::now() - started;
    assert_eq!(locks::with_lock(name, false, task(&ran)).await, Ok(true));
    let acquired_after = js_sys::Date::now() - started;
    assert!(
        refused_after < 400.0,
        "refused at once ({refused_after} ms)"
    );
    assert!(
        acquired_after >= 550.0,
        "waited for the holder ({acquired_after} ms)"
    );
    assert_eq!(*ran.borrow(), [true, false, true]);
}
