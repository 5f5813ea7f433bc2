//! Browser tests of refresh (OpenFIT, rotating single-use refresh tokens): concurrent calls share
//! one refresh (single-flight), a 401 `invalid_token` leads to one refresh and a retry, failures
//! (a server error or no answer keeps the session, `invalid_grant` ends it), and other tabs: a
//! rotation announced by another tab is adopted, a refresh token marked spent is never sent again
//! (the late announcement is awaited), and a stale copy of a rotated session takes its successor.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::core::pkce::fingerprint;
use fitconnect::web::storage;
use fitconnect::OpenFit;
use js_sys::{Array, Promise, Reflect};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// --- refresh in this tab ------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn concurrent_fetches_share_one_refresh() {
    let log = fake_fetch(js(
        "{ status: 200, delayMs: 100, body: JSON.stringify({ access_token: 'at2', token_type: 'bearer', refresh_token: 'rt2', expires_in: 3600 }) }",
    ));
    expired_openfit_session("rt1");
    let client = openfit();
    let changes = recorder();
    let unsubscribe: js_sys::Function = client
        .on_session_change(changes.clone().into())
        .unwrap()
        .unchecked_into();

    let fetches: Array = (0..10)
        .map(|_| JsValue::from(client.fetch("/api/clients".into(), None)))
        .collect();
    let all = settle(Promise::all(&fetches)).await;
    let _ = unsubscribe.call0(&JsValue::NULL);
    restore_fetch();

    let calls = assert_one_refresh_served(all, 10, &log);
    assert_eq!(calls.length(), 11);
    let token_call = calls.get(0);
    assert_eq!(
        text(&token_call, "url").as_deref(),
        Some("https://ids.example/connect/token")
    );
    assert_eq!(text(&token_call, "method").as_deref(), Some("POST"));
    assert_eq!(
        text(&token_call, "body").as_deref(),
        Some("grant_type=refresh_token&refresh_token=rt1&client_id=of")
    );
    assert_eq!(text(&token_call, "authorization"), None);
    for call in calls.iter().skip(1) {
        assert_eq!(
            text(&call, "url").as_deref(),
            Some("https://api.example/api/clients")
        );
        assert_eq!(
            text(&call, "authorization").as_deref(),
            Some("Bearer at2"),
            "every call waited for the new token"
        );
    }

    let session = stored(&openfit_session());
    assert_eq!(
        session_storage_item(&openfit_session()),
        storage::read(&openfit_session()),
        "the rotated session is in sessionStorage itself"
    );
    assert_eq!(text(&session, "refreshToken").as_deref(), Some("rt2"));
    assert_eq!(text(&session, "accessToken").as_deref(), Some("at2"));
    assert!(number(&session, "expiresAt").unwrap() > js_sys::Date::now() + 3_000_000.0);
    assert_eq!(
        text(&client.session(), "refreshToken").as_deref(),
        Some("rt2")
    );
    let seen: Array = get(&changes, "calls").unchecked_into();
    assert_eq!(seen.length(), 1, "subscribers hear of the rotation once");
    assert_eq!(text(&seen.get(0), "accessToken").as_deref(), Some("at2"));
    client.disconnect();
}

/// Asserts that the `count` fetches that `Promise.all` settled to as `all` each answered 200 and
/// that one token request served them; answers the calls the fake `fetch` saw.
fn assert_one_refresh_served(all: Result<JsValue, JsValue>, count: u32, log: &JsValue) -> Array {
    let responses: Array = all.expect("every fetch resolves").unchecked_into();
    assert_eq!(responses.length(), count);
    for response in responses.iter() {
        assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    }
    assert_eq!(get(log, "tokenRequests").as_f64(), Some(1.0), "one refresh");
    get(log, "calls").unchecked_into()
}

#[wasm_bindgen_test]
async fn a_server_error_keeps_the_session_and_invalid_grant_ends_it() {
    let client = openfit();

    // 504: the refresh fails, the session stays for a later try.
    fake_fetch(js(
        "{ status: 504, body: JSON.stringify({ error: 'temporarily_unavailable' }) }",
    ));
    expired_openfit_session("rt-504");
    let result = settle(client.refresh()).await;
    restore_fetch();
    let error = result.expect_err("a 504 rejects");
    assert_failure(&error, "http_error", 504.0, "temporarily_unavailable");
    assert_eq!(text(&error, "provider").as_deref(), Some("openfit"));
    assert_eq!(
        text(&stored(&openfit_session()), "refreshToken").as_deref(),
        Some("rt-504"),
        "kept"
    );
    assert!(!client.session().is_null());

    // A network error keeps it too.
    fake_fetch(js("{ status: 200, body: '{}' }"));
    let result = {
        // Token requests go to ids.example; this fake refuses every other host, so point the
        // client at one it refuses.
        // (Another token endpoint: a session of its own.)
        let offline = OpenFit::new(js(
            "{ clientId: 'of', environment: { identityUrl: 'https://offline.example', apiUrl: 'https://api.example' } }",
        ))
        .unwrap();
        let offline_session = text(&offline.storage_keys(), "session").unwrap();
        storage::write(
            &offline_session,
            &storage::read(&openfit_session()).unwrap(),
        );
        let result = settle(offline.refresh()).await;
        let kept = text(&stored(&offline_session), "refreshToken");
        storage::remove(&offline_session);
        (result, kept)
    };
    restore_fetch();
    let (result, kept) = result;
    assert_error(&result.expect_err("no answer"), "network_error");
    assert_eq!(kept.as_deref(), Some("rt-504"));

    // 400 invalid_grant: the refresh token is dead, and so is the session.
    let changes = recorder();
    let unsubscribe: js_sys::Function = client
        .on_session_change(changes.clone().into())
        .unwrap()
        .unchecked_into();
    fake_fetch(js(
        "{ status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: 'expired' }) }",
    ));
    let result = settle(client.refresh()).await;
    restore_fetch();
    let _ = unsubscribe.call0(&JsValue::NULL);
    let error = result.expect_err("invalid_grant rejects");
    assert_failure(&error, "oauth_error", 400.0, "invalid_grant");
    assert_eq!(text(&error, "description").as_deref(), Some("expired"));
    assert_eq!(storage::read(&openfit_session()), None, "cleared");
    assert!(client.session().is_null());
    let seen: Array = get(&changes, "calls").unchecked_into();
    assert_eq!(seen.length(), 1);
    assert!(seen.get(0).is_null(), "subscribers hear of the end");

    // Nothing left to refresh.
    rejection(client.refresh(), "not_connected").await;
}

/// Asserts that `error` is a `FitConnectError` of `code` for an answer of `status` that named the
/// OAuth error `oauth_error`.
#[track_caller]
fn assert_failure(error: &JsValue, code: &str, status: f64, oauth_error: &str) {
    assert_error(error, code);
    assert_eq!(number(error, "status"), Some(status));
    assert_eq!(text(error, "oauthError").as_deref(), Some(oauth_error));
}

/// A 401 `invalid_token` answer leads to one refresh (shared by the calls that got it) and one
/// retry, with the app's body; `insufficient_scope` fails without a refresh.
#[wasm_bindgen_test]
async fn a_401_refreshes_once_and_retries() {
    let log = fake_fetch(js(
        "{ status: 200, delayMs: 50, rejected: 'Bearer old', body: JSON.stringify({ access_token: 'at3', token_type: 'bearer', refresh_token: 'rt3', expires_in: 3600 }) }",
    ));
    let later = js_sys::Date::now() as u64 + 3_600_000;
    storage::write(
        &openfit_session(),
        &format!(
            r#"{{"provider":"openfit","accessToken":"old","tokenType":"bearer","refreshToken":"rt-401","expiresAt":{later}}}"#
        ),
    );
    let client = openfit();
    let fetches: Array = (0..3)
        .map(|i| {
            let init = js("{ method: 'PUT' }");
            Reflect::set(&init, &"body".into(), &format!("payload {i}").into()).unwrap();
            JsValue::from(client.fetch("/api/items".into(), Some(init.unchecked_into())))
        })
        .collect();
    let all = settle(Promise::all(&fetches)).await;
    let admin = settle(client.fetch("/admin/users".into(), None)).await;
    restore_fetch();
    storage::remove(&openfit_session());

    let calls = assert_one_refresh_served(all, 3, &log);
    let retried: Vec<JsValue> = calls
        .iter()
        .filter(|c| text(c, "authorization").as_deref() == Some("Bearer at3"))
        .collect();
    assert_eq!(retried.len(), 4, "three retries and the admin call");
    let mut bodies: Vec<String> = retried[..3]
        .iter()
        .map(|c| text(c, "body").unwrap_or_default())
        .collect();
    bodies.sort();
    assert_eq!(
        bodies,
        ["payload 0", "payload 1", "payload 2"],
        "bodies resent"
    );
    assert!(retried[..3]
        .iter()
        .all(|c| text(c, "method").as_deref() == Some("PUT")));

    let error = admin.expect_err("insufficient_scope rejects");
    assert_failure(&error, "http_error", 403.0, "insufficient_scope");
    assert_eq!(text(&error, "scope").as_deref(), Some("admin"));
}

// --- other tabs --------------------------------------------------------------------------------

/// Runs `test` on the [`openfit`] client, whose stored session has expired with the refresh token
/// `refresh_token`, with `fetch` faked (see [`with_fake_fetch`]) and the token endpoint answering
/// `answer`; removes the session afterwards, then fails on the error `test` returned.
async fn with_expired_session(
    refresh_token: &str,
    answer: &str,
    test: impl AsyncFnOnce(&OpenFit, &JsValue) -> Result<(), String>,
) {
    expired_openfit_session(refresh_token);
    let client = openfit();
    let result = with_fake_fetch(js(answer), async |log| test(&client, log).await).await;
    storage::remove(&openfit_session());
    result.unwrap();
}

/// What the tab that refreshed announces: the [`openfit`] client's session rotated from the
/// refresh token `spent` to `access_token` and `refresh_token`, for an hour.
fn rotation(spent: &str, access_token: &str, refresh_token: &str) -> JsValue {
    let later = js_sys::Date::now() as u64 + 3_600_000;
    let rotated = format!(
        r#"{{"provider":"openfit","accessToken":"{access_token}","tokenType":"bearer","refreshToken":"{refresh_token}","expiresAt":{later}}}"#
    );
    let announcement = js("{}");
    for (name, value) in [
        ("binding", openfit_binding()),
        ("from", fingerprint(spent)),
        ("session", rotated),
    ] {
        Reflect::set(&announcement, &name.into(), &value.into()).unwrap();
    }
    announcement
}

/// Another tab holds the refresh lock and announces the rotated session: this tab adopts it and
/// never spends the (single-use) refresh token itself.
#[wasm_bindgen_test]
async fn a_refresh_in_another_tab_is_adopted() {
    let answer = "{ status: 200, body: JSON.stringify({ access_token: 'mine', token_type: 'bearer', refresh_token: 'rt-mine', expires_in: 3600 }) }";
    with_expired_session("rt-shared", answer, async |client, log| {
        settle(hold_lock(
            &format!("fitconnect:refresh:{}", openfit_binding()),
            500,
        ))
        .await
        .map_err(|e| format!("{e:?}"))?;
        let announcement = rotation("rt-shared", "theirs", "rt-theirs");
        broadcast_later("fitconnect:rotation", announcement, 50);

        fetch_with_the_adopted_session(client, log, "theirs", "rt-theirs").await?;
        let calls: Array = get(log, "calls").unchecked_into();
        assert_eq!(calls.length(), 1);

        // An announcement for a token this tab does not hold changes nothing.
        let announcement = js("{ session: '{}' }");
        Reflect::set(&announcement, &"binding".into(), &openfit_binding().into()).unwrap();
        Reflect::set(
            &announcement,
            &"from".into(),
            &fingerprint("rt-other").into(),
        )
        .unwrap();
        broadcast_later("fitconnect:rotation", announcement, 0);
        sleep(150).await;
        assert_eq!(
            text(&stored(&openfit_session()), "accessToken").as_deref(),
            Some("theirs")
        );
        Ok(())
    })
    .await;
}

/// The tab that won the race announces the rotated session late, after it let the refresh lock go:
/// this tab, next to take the lock, finds the refresh token marked spent and waits for the
/// announcement instead of spending the token a second time (which would end the grant where the
/// provider detects reuse).
#[wasm_bindgen_test]
async fn a_late_announcement_is_awaited_and_the_spent_token_never_replayed() {
    let answer = "{ status: 400, body: JSON.stringify({ error: 'invalid_grant' }) }";
    with_expired_session("rt-late", answer, async |client, log| {
        let binding = openfit_binding();
        let announcement = rotation("rt-late", "winner", "rt-winner");
        let mark = format!("fitconnect:spent:{binding}:{}", fingerprint("rt-late"));
        settle(winning_tab(
            &format!("fitconnect:refresh:{binding}"),
            &mark,
            300,
            announcement,
            1_200,
        ))
        .await
        .map_err(|e| format!("{e:?}"))?;

        fetch_with_the_adopted_session(client, log, "winner", "rt-winner").await
    })
    .await;
}

/// A call that needed a refresh went out with the session another tab rotated to
/// (`access_token`, `refresh_token`), and this tab sent no token request of its own: the spent
/// refresh token was not sent again.
async fn fetch_with_the_adopted_session(
    client: &OpenFit,
    log: &JsValue,
    access_token: &str,
    refresh_token: &str,
) -> Result<(), String> {
    let response = settle(client.fetch("/api/clients".into(), None))
        .await
        .map_err(|e| format!("fetch rejected: {:?}", text(&e, "message")))?;
    assert_eq!(response.unchecked_into::<web_sys::Response>().status(), 200);
    assert_eq!(
        get(log, "tokenRequests").as_f64(),
        Some(0.0),
        "the spent refresh token was not sent again"
    );
    let calls: Array = get(log, "calls").unchecked_into();
    assert_eq!(
        text(&calls.get(0), "authorization"),
        Some(["Bearer ", access_token].concat())
    );
    assert_eq!(
        text(&stored(&openfit_session()), "refreshToken").as_deref(),
        Some(refresh_token)
    );
    Ok(())
}

/// A stale copy of a session whose refresh token this tab already rotated (restored by the app,
/// or read before an announcement) takes its successor: the spent token is not sent again.
#[wasm_bindgen_test]
async fn a_stale_copy_of_a_rotated_session_takes_its_successor() {
    let log = fake_fetch(js(
        "{ status: 200, body: JSON.stringify({ access_token: 'at-next', token_type: 'bearer', refresh_token: 'rt-next', expires_in: 3600 }) }",
    ));
    expired_openfit_session("rt-stale");
    let stale = storage::read(&openfit_session()).unwrap();
    let client = openfit();
    let first = settle(client.refresh()).await;
    storage::write(&openfit_session(), &stale);
    let second = settle(client.refresh()).await;
    let kept = text(&stored(&openfit_session()), "refreshToken");
    restore_fetch();
    storage::remove(&openfit_session());
    first.unwrap();
    second.unwrap();
    assert_eq!(
        get(&log, "tokenRequests").as_f64(),
        Some(1.0),
        "rt-stale sent once"
    );
    assert_eq!(kept.as_deref(), Some("rt-next"));
}
