//! Browser tests of `fitconnect::web::storage`: the round trip through `sessionStorage`, a
//! client's session as what `sessionStorage` holds under its key (another provider's or a broken
//! record is removed, `disconnect()` removes it), and the switch to memory when `setItem` throws
//! (announced once, permanent for the page).
//!
//! The switch is permanent for the page, and this binary has a page of its own: the test finds
//! the page in `sessionStorage` mode and asserts everything, whatever else runs.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::web::storage;
use fitconnect::FitRankings;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One test for everything that depends on whether the page is in memory mode: the round trip
/// through sessionStorage first, the (permanent) switch to memory last.
#[wasm_bindgen_test]
fn storage_round_trip_then_memory_fallback() {
    restore_set_item();
    assert!(
        !storage::in_memory(),
        "a fresh page starts with sessionStorage"
    );

    // Round trip.
    storage::write("fitconnect:test:a", "1 – ü 😀");
    assert_eq!(
        storage::read("fitconnect:test:a").as_deref(),
        Some("1 – ü 😀")
    );
    assert_eq!(
        session_storage_item("fitconnect:test:a").as_deref(),
        Some("1 – ü 😀"),
        "written to sessionStorage itself"
    );
    storage::write("fitconnect:test:a", "2");
    assert_eq!(storage::read("fitconnect:test:a").as_deref(), Some("2"));
    storage::remove("fitconnect:test:a");
    assert_eq!(storage::read("fitconnect:test:a"), None);
    assert_eq!(session_storage_item("fitconnect:test:a"), None);
    assert!(!storage::in_memory());

    // A client's session is what sessionStorage holds under its key.
    let raw = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    let client = FitRankings::new(js(
        "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: 'https://api.example' }",
    ))
    .unwrap();
    raw.set_item(
        &fitrankings_session("'https://api.example'"),
        r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
    )
    .unwrap();
    assert_eq!(
        text(&client.session(), "accessToken").as_deref(),
        Some("tok")
    );
    assert_eq!(text(&client.session(), "userId").as_deref(), Some("1"));
    // Another provider's session under this key, or a broken one, is removed.
    raw.set_item(
        &fitrankings_session("'https://api.example'"),
        r#"{"provider":"fitbark","accessToken":"tok","tokenType":"bearer"}"#,
    )
    .unwrap();
    assert!(client.session().is_null());
    assert_eq!(
        session_storage_item(&fitrankings_session("'https://api.example'")),
        None
    );
    raw.set_item(&fitrankings_session("'https://api.example'"), "{not json")
        .unwrap();
    assert!(client.session().is_null());
    assert_eq!(
        session_storage_item(&fitrankings_session("'https://api.example'")),
        None
    );
    raw.set_item(
        &fitrankings_session("'https://api.example'"),
        r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
    )
    .unwrap();
    client.disconnect();
    assert_eq!(
        session_storage_item(&fitrankings_session("'https://api.example'")),
        None
    );

    // Fallback: setItem throws from now on.
    let events = count_events(storage::FALLBACK_EVENT);
    break_set_item();
    storage::write("fitconnect:test:b", "kept");
    let in_memory = storage::in_memory();
    let read_b = storage::read("fitconnect:test:b");
    storage::write("fitconnect:test:c", "also kept");
    let read_c = storage::read("fitconnect:test:c");
    storage::remove("fitconnect:test:b");
    let removed_b = storage::read("fitconnect:test:b");
    restore_set_item();
    assert!(set_item_works(), "setItem restored");

    assert!(in_memory, "a failing setItem switches to memory");
    assert_eq!(read_b.as_deref(), Some("kept"));
    assert_eq!(read_c.as_deref(), Some("also kept"));
    assert_eq!(removed_b, None);
    assert_eq!(
        session_storage_item("fitconnect:test:c"),
        None,
        "nothing reached sessionStorage"
    );
    assert_eq!(
        number(&events, "count"),
        Some(1.0),
        "the fallback is announced exactly once"
    );

    // Permanent for the page: writes stay in memory even with a working setItem again, and a
    // key the memory never saw is still read from sessionStorage.
    storage::write("fitconnect:test:d", "memory");
    assert!(storage::in_memory());
    assert_eq!(
        storage::read("fitconnect:test:d").as_deref(),
        Some("memory")
    );
    assert_eq!(session_storage_item("fitconnect:test:d"), None);
    raw.set_item("fitconnect:test:e", "from storage").unwrap();
    assert_eq!(
        storage::read("fitconnect:test:e").as_deref(),
        Some("from storage")
    );
    raw.remove_item("fitconnect:test:e").unwrap();
    storage::remove("fitconnect:test:c");
    storage::remove("fitconnect:test:d");
    assert_eq!(
        number(&events, "count"),
        Some(1.0),
        "no second announcement"
    );
}
