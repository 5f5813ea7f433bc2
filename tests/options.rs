//! Browser tests of constructor options as they cross from JavaScript: a smoke test per class
//! (a good configuration constructs, a bad option is `invalid_config` naming the provider), then
//! only what the browser can show: `null` and `undefined` members read as absent, JavaScript
//! values keep their type (no coercion), nested objects are read (and searched for secrets),
//! unknown members of any type (functions, symbols, `Map`, typed arrays…) are ignored, only
//! objects are options (not arrays, strings, numbers, booleans, `null`, `undefined`), and the
//! configuration comes back to JavaScript as a fresh plain object, with a relative token endpoint
//! resolved against the page.
//!
//! The option rules themselves (each bad option's message, defaults, what a configuration holds)
//! are asserted natively, once: in the unit tests of `src/core/options.rs`, `src/core/url.rs` and
//! `src/providers/*.rs`, and in `tests/option_rules.rs`.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::{Fisikal, FitBark, FitRankings, OpenFit, PerfectGym};
use js_sys::Reflect;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The `invalid_config` message a constructor throws for `options`, with `provider` set.
fn refusal(built: Result<(), JsValue>, provider: &str) -> String {
    let error = built.expect_err("refused");
    assert_error(&error, "invalid_config");
    assert_eq!(text(&error, "provider").as_deref(), Some(provider));
    text(&error, "message").unwrap_or_default()
}

const SECRET: &str = "A client secret must never reach the browser: keep it in the token broker";
const NOT_AN_OBJECT: &str = "options must be an object";

/// Every class constructs from a good configuration and refuses a bad one with `invalid_config`
/// naming its provider (which message for which option is asserted natively).
#[wasm_bindgen_test]
fn each_class_constructs_and_refuses_a_bad_option() {
    FitRankings::new(js(
        "{ clientId: 'c', callbackUri: 'https://app.example/cb' }",
    ))
    .unwrap();
    refusal(
        FitRankings::new(js("{ callbackUri: 'u' }")).map(drop),
        "fitrankings",
    );

    FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token' }",
    ))
    .unwrap();
    refusal(
        FitBark::new(js("{ clientId: 'c', redirectUri: 'r' }")).map(drop),
        "fitbark",
    );

    OpenFit::new(js("{ clientId: 'of', environment: 'test' }")).unwrap();
    refusal(
        OpenFit::new(js("{ clientId: 'c', environment: 'staging' }")).map(drop),
        "openfit",
    );

    PerfectGym::new(js("{ baseUrl: 'https://club.example/' }")).unwrap();
    refusal(PerfectGym::new(js("{}")).map(drop), "perfectgym");

    Fisikal::new(js(
        "{ baseUrl: 'https://gym.example', tokenEndpoint: '/broker/fisikal/token' }",
    ))
    .unwrap();
    refusal(
        Fisikal::new(js("{ baseUrl: 'https://g' }")).map(drop),
        "fisikal",
    );
}

/// `null` and `undefined` members are absent: the default applies, or a required option is
/// missing.
#[wasm_bindgen_test]
fn null_and_undefined_members_are_absent() {
    let config = FitRankings::new(js(
        "{ clientId: 'my app', callbackUri: 'https://app.example/cb.html', baseUrl: null, timeoutMs: undefined }",
    ))
    .unwrap()
    .config();
    assert!(is_plain_object(&config));
    assert_eq!(text(&config, "provider").as_deref(), Some("fitrankings"));
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://api.fitrankings.com")
    );
    assert_eq!(number(&config, "timeoutMs"), Some(300_000.0));
    assert!(!has(&config, "tokenUrl"));

    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example/', apiUrl: 'https://api.example' }, refreshSkewSeconds: null }",
    ))
    .unwrap()
    .config();
    assert_eq!(number(&config, "skewMs"), Some(300_000.0));

    assert_eq!(
        refusal(
            FitRankings::new(js("{ clientId: null, callbackUri: 'u' }")).map(drop),
            "fitrankings"
        ),
        "clientId is required"
    );
    assert_eq!(
        refusal(
            OpenFit::new(js(
                "{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: null } }"
            ))
            .map(drop),
            "openfit"
        ),
        "environment.apiUrl is required"
    );
}

/// A JavaScript number is not read as a string, nor a string as a number or a boolean.
#[wasm_bindgen_test]
fn javascript_values_keep_their_type() {
    assert_eq!(
        refusal(
            FitRankings::new(js("{ clientId: 7, callbackUri: 'u' }")).map(drop),
            "fitrankings"
        ),
        "a string option has another type"
    );
    assert_eq!(
        refusal(
            FitRankings::new(js("{ clientId: 'c', callbackUri: 'u', timeoutMs: '100' }")).map(drop),
            "fitrankings"
        ),
        "a numeric option must be a positive number"
    );
    assert_eq!(
        refusal(
            FitBark::new(js(
                "{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', pkce: 'yes' }"
            ))
            .map(drop),
            "fitbark"
        ),
        "a boolean option has another type"
    );
}

/// A nested JavaScript object (OpenFIT's `environment`) is read member by member, and searched
/// for secret-named members too.
#[wasm_bindgen_test]
fn nested_objects_are_read() {
    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example/', apiUrl: 'https://api.example' } }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://api.example")
    );
    assert_eq!(
        text(&config, "tokenUrl").as_deref(),
        Some("https://ids.example/connect/token")
    );
    assert_eq!(
        refusal(
            OpenFit::new(js(
                "{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: 'https://b', clientSecret: 'x' } }"
            ))
            .map(drop),
            "openfit"
        ),
        SECRET,
        "a secret is refused at any depth"
    );
}

/// The configuration reaches JavaScript as `_config`, a fresh plain object each time (changing it
/// changes nothing), next to the exported `_refresh`; a relative token endpoint is resolved
/// against the page.
#[wasm_bindgen_test]
fn the_config_object_is_a_fresh_plain_object() {
    let client = FitBark::new(js(
        "{ clientId: 'cid', redirectUri: location.origin + '/', tokenEndpoint: '/broker/fitbark/token', scope: null, pkce: null, issuer: null }",
    ))
    .unwrap();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    // Read through JavaScript, as an app would: `_config` and `_refresh` are the JS names.
    let client = JsValue::from(client);
    assert!(
        get(&client, "_refresh").is_function(),
        "_refresh is exported"
    );
    let config = get(&client, "_config");
    assert!(is_plain_object(&config));
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://app.fitbark.com")
    );
    assert_eq!(
        text(&config, "tokenUrl"),
        Some(format!("{origin}/broker/fitbark/token")),
        "resolved against the page"
    );
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("json"));
    assert_eq!(get(&config, "pkce").as_bool(), Some(true));
    assert_eq!(
        text(&config, "issuer").as_deref(),
        Some("https://app.fitbark.com")
    );
    assert_eq!(text(&config, "redirectUri"), Some(format!("{origin}/")));
    assert!(!has(&config, "scope"));
    // A fresh object each time: changing it changes nothing.
    Reflect::set(&config, &"baseUrl".into(), &"https://evil.example".into()).unwrap();
    assert_eq!(
        text(&get(&client, "_config"), "baseUrl").as_deref(),
        Some("https://app.fitbark.com")
    );

    let config = Fisikal::new(js(
        "{ baseUrl: 'https://gym.example', tokenEndpoint: '/broker/fisikal/token' }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "tokenUrl"),
        Some(format!("{origin}/broker/fisikal/token")),
        "resolved against the page"
    );
}

/// An options object that contains itself, or nests deeper than the SDK reads, is read to the
/// bounded depth and no further: it constructs (a secret-named member within that depth is still
/// refused), it does not recurse without end.
#[wasm_bindgen_test]
fn options_that_contain_themselves_are_read_to_the_bounded_depth() {
    let cyclic = js(
        "(() => { const o = { clientId: 'c', callbackUri: 'https://app.example/cb' }; o.self = o; return o; })()",
    );
    let built = FitRankings::new(cyclic);
    assert!(
        built.is_ok(),
        "{:?}",
        built.err().and_then(|e| text(&e, "message"))
    );
    let deep = js(
        "(() => { let o = { end: true }; for (let i = 0; i < 100000; i++) o = { o }; return { clientId: 'c', callbackUri: 'https://app.example/cb', deep: o }; })()",
    );
    assert!(FitRankings::new(deep).is_ok());
    let secret = js(
        "(() => { const o = { clientId: 'c', callbackUri: 'https://app.example/cb', clientSecret: 's' }; o.self = o; return o; })()",
    );
    let error = FitRankings::new(secret).map(drop).unwrap_err();
    assert_error(&error, "invalid_config");
}

/// Options may carry members the SDK does not know (a framework passing its props along, a
/// shared config object): of a JSON-like type, they are ignored.
#[wasm_bindgen_test]
fn unknown_members_are_ignored() {
    for extra in [
        "[1, 'two', null]",
        "{ nested: { deeper: true } }",
        "new Date(0)",
        "/re/",
        "10n",
        "new URL('https://a.example')",
        "Promise.resolve(1)",
        "NaN",
    ] {
        let options = js(&format!(
            "{{ clientId: 'c', callbackUri: 'https://app.example/cb', extra: {extra} }}"
        ));
        let built = FitRankings::new(options);
        assert!(
            built.is_ok(),
            "extra: {extra}: {:?}",
            built.err().and_then(|e| text(&e, "message"))
        );
    }
}

/// Members serde-wasm-bindgen cannot read (functions, symbols) or that are not JSON-like (`Set`,
/// `Map`, typed arrays) are ignored, not a reason to refuse the whole object; only an object is an
/// options object (not an array, a string, a number, a boolean, `null` or `undefined`).
#[wasm_bindgen_test]
fn members_of_any_type_are_ignored_and_only_objects_are_options() {
    let mut wrong = Vec::new();
    for extra in [
        "() => {}",
        "new Set([1])",
        "new Map([[1, 2]])",
        "Symbol('s')",
        "new Uint8Array(2)",
    ] {
        let options = js(&format!(
            "{{ clientId: 'c', callbackUri: 'https://app.example/cb', extra: {extra} }}"
        ));
        if let Err(e) = FitRankings::new(options) {
            wrong.push(format!("extra: {extra}: {:?}", text(&e, "message")));
        }
    }
    for array in ["[]", "['a']"] {
        let message = refusal(FitRankings::new(js(array)).map(|_| ()), "fitrankings");
        if message != NOT_AN_OBJECT {
            wrong.push(format!("{array}: {message:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for not_an_object in ["null", "undefined", "'clientId'", "42", "true"] {
        assert_eq!(
            refusal(FitRankings::new(js(not_an_object)).map(drop), "fitrankings"),
            NOT_AN_OBJECT,
            "{not_an_object}"
        );
    }
}
