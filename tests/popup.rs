//! Browser tests of the popup: `connect()` opens it synchronously and takes the session its
//! callback page reports (a second `connect()` meanwhile is `interaction_in_progress`; nothing
//! reported is `timeout`, and the popup is closed), and `popup::wait` accepts only messages from its
//! popup or, on the channel, with its nonce.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::core::ErrorCode;
use fitconnect::web::{popup, storage};
use fitconnect::FitRankings;
use js_sys::Reflect;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `connect()` opens the popup synchronously and resolves with the session its callback page
/// reports. Where the runner blocks popups, it rejects with `popup_blocked`.
#[wasm_bindgen_test]
async fn connect_opens_a_popup_and_takes_its_report() {
    let spy = spy_window_open();
    let outcome = connect_flow(&spy).await;
    close_window(&get(&spy, "opened"));
    restore_window_open();
    storage::remove(&fitrankings_session("location.origin"));
    outcome.unwrap();
}

async fn connect_flow(spy: &JsValue) -> Result<(), String> {
    // The popup opens on this page's own origin (the runner answers 404), so no network.
    let client = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: location.origin, timeoutMs: 5000 }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    let promise = client.connect();
    assert_eq!(
        get(spy, "calls").as_f64(),
        Some(1.0),
        "opened before returning"
    );
    let popup = get(spy, "opened");
    if popup.is_null() || popup.is_undefined() {
        rejection(promise, "popup_blocked").await;
        console_log!("window.open is blocked here: only popup_blocked was checked");
        return Ok(());
    }
    // A second connect() while the popup is open focuses it instead.
    let second = client.connect();
    // Synchronously, in the task that opened the popup: the wait listens from the next microtask
    // on, before the message's task runs.
    assert!(
        report_from_popup(&popup, "?token=t%C3%B8k&user_id=7", ""),
        "the popup is still this origin's about:blank"
    );
    rejection(second, "interaction_in_progress").await;
    assert_eq!(get(spy, "calls").as_f64(), Some(1.0));
    let session = settle(promise).await.map_err(|e| {
        format!(
            "connect rejected: {:?} {:?}",
            text(&e, "code"),
            text(&e, "message")
        )
    })?;
    assert_eq!(text(&session, "accessToken").as_deref(), Some("tøk"));
    assert_eq!(text(&session, "userId").as_deref(), Some("7"));
    assert_eq!(text(&session, "provider").as_deref(), Some("fitrankings"));
    assert_eq!(
        text(
            &stored(&fitrankings_session("location.origin")),
            "accessToken"
        )
        .as_deref(),
        Some("tøk")
    );
    assert_eq!(storage::read(popup::NONCE_KEY), None, "the nonce is spent");
    close_window(&popup);

    // Nothing reported: the wait ends with `timeout` and closes the popup.
    let quick = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: location.origin, timeoutMs: 700 }",
    ))
    .map_err(|e| format!("{e:?}"))?;
    let error = rejection(quick.connect(), "timeout").await;
    assert_eq!(
        text(&error, "provider").as_deref(),
        Some("fitrankings"),
        "named where it crosses to JavaScript"
    );
    let second = get(spy, "opened");
    assert!(
        get(&second, "closed").as_bool().unwrap_or(true),
        "closed on timeout"
    );
    Ok(())
}

/// `popup::wait` with an iframe's window standing in for the popup: only that window's messages
/// and channel messages with the right nonce count.
#[wasm_bindgen_test]
async fn popup_wait_accepts_only_its_popup_and_its_nonce() {
    let frame = add_frame();
    let other = add_frame();
    let result = popup_wait_checks(&frame, &other).await;
    remove_frame(&frame);
    remove_frame(&other);
    result.unwrap();
}

async fn popup_wait_checks(frame: &JsValue, other: &JsValue) -> Result<(), String> {
    let window = frame_window(frame);
    let nonce = "the-right-nonce";

    // Only the channel message with the right nonce ends the wait.
    post_from_top_later(callback_message("?from=top", None), 20);
    post_from_top_later(callback_message("?from=top-nonce", Some(nonce)), 40);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=wrong-nonce", Some("another-nonce")),
        60,
    );
    broadcast_later(popup::CHANNEL, callback_message("?from=no-nonce", None), 80);
    post_from_frame_later(other, callback_message("?from=other-frame", None), 100);
    let mut wrong_type = callback_message("?from=wrong-type", Some(nonce));
    Reflect::set(&wrong_type, &"type".into(), &"other".into()).unwrap();
    broadcast_later(popup::CHANNEL, wrong_type.clone(), 120);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=channel", Some(nonce)),
        300,
    );
    let message = popup::wait(window.clone(), nonce.into(), 1500)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(message.search, "?from=channel");
    assert_eq!(message.nonce.as_deref(), Some(nonce));

    // A message from the popup itself ends it, nonce or not.
    post_from_top_later(callback_message("?from=top", None), 20);
    let mut from_frame = callback_message("?from=frame", None);
    Reflect::set(&from_frame, &"hash".into(), &"#h".into()).unwrap();
    post_from_frame_later(frame, from_frame.clone(), 80);
    let message = popup::wait(window.clone(), nonce.into(), 1500)
        .await
        .map_err(|e| format!("{e:?}"))?;
    assert_eq!(
        (message.search.as_str(), message.hash.as_str()),
        ("?from=frame", "#h")
    );
    assert_eq!(message.nonce, None);

    // Nothing valid: `timeout`.
    storage::write(popup::NONCE_KEY, nonce);
    post_from_top_later(callback_message("?from=top", None), 20);
    broadcast_later(
        popup::CHANNEL,
        callback_message("?from=wrong-nonce", Some("nope")),
        40,
    );
    post_from_frame_later(other, callback_message("?from=other-frame", None), 60);
    wrong_type = callback_message("?from=wrong-type", None);
    Reflect::set(&wrong_type, &"type".into(), &"fitconnect:other".into()).unwrap();
    post_from_frame_later(frame, wrong_type, 80);
    from_frame = js("'not even an object'");
    post_from_frame_later(frame, from_frame, 200);
    let started = js_sys::Date::now();
    let error = popup::wait(window, nonce.into(), 700)
        .await
        .expect_err("nothing valid arrived");
    let waited = js_sys::Date::now() - started;
    assert_eq!(error.code, ErrorCode::Timeout);
    // The web layer names no provider: the class does, where the error crosses to JavaScript
    // (connect_opens_a_popup_and_takes_its_report checks `provider` there).
    assert_eq!(error.provider, None);
    assert!(waited >= 650.0, "waited {waited} ms");
    assert_eq!(
        storage::read(popup::NONCE_KEY),
        None,
        "the nonce is removed when the wait ends"
    );
    Ok(())
}
