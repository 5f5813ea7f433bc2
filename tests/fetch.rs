//! Browser tests of where a client sends what it holds: the Bearer `fetch` sends the token to
//! the API's own origin only (and nothing when not connected or expired without a refresh),
//! token endpoints (where passwords and refresh tokens go) are https: or loopback, and a session
//! belongs to the provider, API origin, token endpoint and client id that issued it.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::web::storage;
use fitconnect::{Fisikal, FitBark, FitRankings, PerfectGym};
use js_sys::{Array, Reflect};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// --- fetch origin policy -----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn fetch_sends_the_token_to_the_api_origin_only() {
    // FitRankings has no token endpoint: only the API answers matter here.
    with_fake_fetch(js("{ status: 500, body: '{}' }"), async |log| {
        storage::write(
            &fitrankings_session("'https://api.example'"),
            r#"{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1"}"#,
        );
        let client = FitRankings::new(js(
            "{ clientId: 'c', callbackUri: location.origin + '/cb', baseUrl: 'https://api.example' }",
        ))
        .map_err(|e| format!("{e:?}"))?;
        assert_eq!(
            text(&client.session(), "accessToken").as_deref(),
            Some("tok")
        );

        for url in [
            "https://evil.example/x",
            "//evil.example/x",
            "http://api.example/x",
            "javascript:alert(1)",
            "https://api.example.evil.example/x",
            "https://api.example:8443/x",
            "https://evil.example/https://api.example/",
            "data:text/plain,x",
        ] {
            let error = settle(client.fetch(url.into(), None)).await.expect_err(url);
            assert_error(&error, "invalid_config");
            assert_eq!(text(&error, "provider").as_deref(), Some("fitrankings"));
            assert_eq!(
                text(&error, "message").as_deref(),
                Some("Refusing to send the provider's token to another origin"),
                "{url}"
            );
        }
        rejection(client.fetch(JsValue::from(5), None), "invalid_config").await;
        assert_eq!(
            get(log, "calls.length").as_f64(),
            Some(0.0),
            "nothing was sent for a refused URL"
        );

        // The API's own origin: a path, a relative path and an absolute URL; each twice (the
        // second call takes the URL the client kept from the first), and a refused URL in between
        // is still refused.
        for (path, sent) in [
            ("/iq/users/", "https://api.example/iq/users/"),
            ("iq/users/2", "https://api.example/iq/users/2"),
            (
                "https://api.example/iq/x?y=1",
                "https://api.example/iq/x?y=1",
            ),
        ] {
            for _ in 0..2 {
                let response = settle(client.fetch(path.into(), None))
                    .await
                    .map_err(|e| format!("{path}: {e:?}"))?;
                let response: web_sys::Response = response.dyn_into().unwrap();
                assert_eq!(response.status(), 200);
                let last = get(log, "calls").unchecked_into::<Array>().pop();
                assert_eq!(text(&last, "url").as_deref(), Some(sent));
                assert_eq!(text(&last, "authorization").as_deref(), Some("Bearer tok"));
            }
            let error = settle(client.fetch("//evil.example/x".into(), None))
                .await
                .expect_err("refused after a kept URL");
            assert_error(&error, "invalid_config");
        }

        // The app's RequestInit is used, and its own Authorization header is replaced.
        let init = js(
            "{ method: 'POST', body: 'hello', headers: { Authorization: 'Bearer app', 'X-App': '1' } }",
        );
        settle(client.fetch("/iq/post".into(), Some(init.unchecked_into())))
            .await
            .map_err(|e| format!("{e:?}"))?;
        let last = get(log, "calls").unchecked_into::<Array>().pop();
        assert_eq!(text(&last, "method").as_deref(), Some("POST"));
        assert_eq!(text(&last, "body").as_deref(), Some("hello"));
        assert_eq!(text(&last, "authorization").as_deref(), Some("Bearer tok"));

        let calls: Array = get(log, "calls").unchecked_into();
        assert_eq!(calls.length(), 0, "every call was checked");

        // Not connected: rejected before anything is sent.
        client.disconnect();
        assert!(client.session().is_null());
        assert_eq!(
            storage::read(&fitrankings_session("'https://api.example'")),
            None
        );
        rejection(client.fetch("/iq/users/".into(), None), "not_connected").await;

        // Expired, and FitRankings cannot refresh: the session is cleared.
        let past = js_sys::Date::now() as u64 - 1000;
        storage::write(
            &fitrankings_session("'https://api.example'"),
            &format!(
                r#"{{"provider":"fitrankings","accessToken":"tok","tokenType":"bearer","userId":"1","expiresAt":{past}}}"#
            ),
        );
        rejection(client.fetch("/iq/users/".into(), None), "not_connected").await;
        assert_eq!(
            storage::read(&fitrankings_session("'https://api.example'")),
            None
        );
        assert_eq!(get(log, "calls.length").as_f64(), Some(0.0));
        Ok(())
    })
    .await
    .unwrap();
}

// --- what a session is bound to ---------------------------------------------------------------

/// A session belongs to the provider, API origin, token endpoint and client id that issued it: a
/// client configured for another club sees none, sends nothing, and destroys nothing.
#[wasm_bindgen_test]
async fn sessions_are_bound_to_where_they_were_issued() {
    with_fake_fetch(js("{ status: 500, body: '{}' }"), async |log| {
        let club_a = || PerfectGym::new(js("{ baseUrl: 'https://api.example' }")).unwrap();
        let a = club_a();
        let a_key = text(&a.storage_keys(), "session").unwrap();
        storage::write(
            &a_key,
            r#"{"provider":"perfectgym","accessToken":"club-a-token","tokenType":"bearer"}"#,
        );
        let b = PerfectGym::new(js("{ baseUrl: 'https://club-b.example' }")).unwrap();
        assert_ne!(
            text(&b.storage_keys(), "session").as_deref(),
            Some(a_key.as_str())
        );
        assert!(
            b.session().is_null(),
            "another club's client sees no session"
        );
        rejection(b.fetch("/api/v1/Members".into(), None), "not_connected").await;
        assert_eq!(
            get(log, "calls.length").as_f64(),
            Some(0.0),
            "nothing was sent"
        );
        b.disconnect();
        // Club A's session is untouched, and shared by every client configured alike.
        assert_eq!(
            text(&club_a().session(), "accessToken").as_deref(),
            Some("club-a-token")
        );
        settle(club_a().fetch("/api/v1/Members".into(), None))
            .await
            .map_err(|e| format!("{e:?}"))?;
        let last = get(log, "calls").unchecked_into::<Array>().pop();
        assert_eq!(
            text(&last, "authorization").as_deref(),
            Some("Bearer club-a-token")
        );

        // Fisikal: the same gym through another token endpoint is another session too.
        let fisikal = |endpoint: &str| {
            let options = js("{ baseUrl: 'https://api.example' }");
            Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
            Fisikal::new(options).unwrap()
        };
        let here = text(&fisikal("/broker/fisikal/token").storage_keys(), "session");
        let there = text(
            &fisikal("https://other-app.example/token").storage_keys(),
            "session",
        );
        assert_ne!(here, there);
        assert_eq!(
            here,
            text(&fisikal("/broker/fisikal/token").storage_keys(), "session")
        );
        a.disconnect();
        assert!(club_a().session().is_null());
        Ok(())
    })
    .await
    .unwrap();
}

// --- token endpoints ---------------------------------------------------------------------------

/// Token endpoints (where passwords and refresh tokens go) follow the base-URL rule.
#[wasm_bindgen_test]
fn token_endpoints_are_https_or_loopback() {
    for endpoint in [
        "http://elsewhere.example/token",
        "//elsewhere.example/token",
        "ftp://elsewhere.example/token",
        "https://user:pw@elsewhere.example/token",
    ] {
        for provider in ["fisikal", "fitbark"] {
            let options = js(
                "{ baseUrl: 'https://api.example', clientId: 'c', redirectUri: location.origin + '/' }",
            );
            Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
            let built = match provider {
                "fisikal" => Fisikal::new(options).map(drop),
                _ => FitBark::new(options).map(drop),
            };
            let error = built.expect_err(endpoint);
            assert_error(&error, "invalid_config");
            assert_eq!(text(&error, "provider").as_deref(), Some(provider));
        }
    }
    // The app's own server (relative, resolved against this loopback page) and any https: URL.
    for endpoint in ["/broker/fisikal/token", "https://app.example/token"] {
        let options = js("{ baseUrl: 'https://api.example' }");
        Reflect::set(&options, &"tokenEndpoint".into(), &endpoint.into()).unwrap();
        Fisikal::new(options).expect(endpoint);
    }
}
