//! Browser tests of the password grant (`login()`): a token answer is read only up to its limit,
//! so a body that never ends is refused, not awaited.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A token answer is read only up to 64 KiB: a body that never ends is refused, not awaited.
#[wasm_bindgen_test]
async fn a_token_answer_is_read_only_to_the_limit() {
    let log = endless_token_answer("https://ids.example/connect/token");
    let login = openfit().login(js("{ username: 'u', password: 'p' }"));
    let outcome = settle(within(&login, 5_000)).await;
    restore_fetch();
    let given = get(&log, "given").as_f64().unwrap_or_default();
    let error = match outcome {
        Ok(value) => panic!("login did not reject in time: {value:?}"),
        Err(error) => error,
    };
    assert_error(&error, "invalid_response");
    assert_eq!(
        text(&error, "message").as_deref(),
        Some("The token response is too large")
    );
    assert!(given <= 96.0 * 1024.0, "read {given} bytes");
}
