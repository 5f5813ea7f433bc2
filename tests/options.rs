//! Browser tests of constructor options as they cross from JavaScript: each class's options and
//! `_config` object, unknown members of any type, and what is not an options object.
#![cfg(target_arch = "wasm32")]

mod support;

use fitconnect::{Fisikal, FitBark, FitRankings, OpenFit, PerfectGym};
use js_sys::Reflect;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The `invalid_config` message a constructor throws for `options`.
fn refusal(built: Result<(), JsValue>, provider: &str) -> String {
    let error = built.expect_err("refused");
    assert_error(&error, "invalid_config");
    assert_eq!(text(&error, "provider").as_deref(), Some(provider));
    text(&error, "message").unwrap_or_default()
}

const SECRET: &str = "A client secret must never reach the browser: keep it in the token broker";
const NOT_AN_OBJECT: &str = "options must be an object";

#[wasm_bindgen_test]
fn fitrankings_options() {
    let client = FitRankings::new(js(
        "{ clientId: 'my app', callbackUri: 'https://app.example/cb.html', baseUrl: null, timeoutMs: undefined }",
    ))
    .unwrap();
    let config = client.config();
    assert!(is_plain_object(&config));
    assert_eq!(text(&config, "provider").as_deref(), Some("fitrankings"));
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://api.fitrankings.com")
    );
    assert_eq!(number(&config, "timeoutMs"), Some(300_000.0));
    assert_eq!(
        text(&config, "popupUrl").as_deref(),
        Some("https://api.fitrankings.com/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html")
    );
    assert!(!has(&config, "tokenUrl"));

    let new = |o: &str| FitRankings::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(new("{ callbackUri: 'u' }"), "fitrankings"),
        "clientId is required"
    );
    assert_eq!(
        refusal(new("{ clientId: null, callbackUri: 'u' }"), "fitrankings"),
        "clientId is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 7, callbackUri: 'u' }"), "fitrankings"),
        "a string option has another type"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', callbackUri: 'u', timeoutMs: '100' }"),
            "fitrankings"
        ),
        "a numeric option must be a positive number"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', callbackUri: 'u', clientSecret: 's3cret' }"),
            "fitrankings"
        ),
        SECRET
    );
    for not_an_object in ["null", "undefined", "'clientId'", "42", "true"] {
        assert_eq!(
            refusal(new(not_an_object), "fitrankings"),
            NOT_AN_OBJECT,
            "{not_an_object}"
        );
    }
}

#[wasm_bindgen_test]
fn fitbark_options_and_config_object() {
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

    let new = |o: &str| FitBark::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(new("{ clientId: 'c', tokenEndpoint: '/t' }"), "fitbark"),
        "redirectUri is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', redirectUri: 'r' }"), "fitbark"),
        "tokenEndpoint (your server's token URL) is required"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', pkce: 'yes' }"),
            "fitbark"
        ),
        "a boolean option has another type"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', client_SECRET: null }"),
            "fitbark"
        ),
        SECRET
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', redirectUri: 'r', tokenEndpoint: '/t', baseUrl: 'http://fitbark.example' }"), "fitbark"),
        "baseUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
    );
}

#[wasm_bindgen_test]
fn openfit_options() {
    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: { identityUrl: 'https://ids.example/', apiUrl: 'https://api.example' }, refreshSkewSeconds: null }",
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
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("form"));
    assert_eq!(
        text(&config, "scope").as_deref(),
        Some("OpenFitApi offline_access")
    );
    assert_eq!(number(&config, "skewMs"), Some(300_000.0));

    let config = OpenFit::new(js(
        "{ clientId: 'of', environment: 'test', refreshSkewSeconds: 60 }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://of-api-internal.azurewebsites.net")
    );
    assert_eq!(number(&config, "skewMs"), Some(60_000.0));

    let new = |o: &str| OpenFit::new(js(o)).map(|_| ());
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { apiUrl: 'https://b' } }"),
            "openfit"
        ),
        "environment.identityUrl is required"
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: null } }"),
            "openfit"
        ),
        "environment.apiUrl is required"
    );
    assert_eq!(
        refusal(new("{ clientId: 'c', environment: 'staging' }"), "openfit"),
        r#"environment must be "production", "test" or { identityUrl, apiUrl }"#
    );
    assert_eq!(
        refusal(
            new("{ clientId: 'c', environment: { identityUrl: 'https://a', apiUrl: 'https://b', clientSecret: 'x' } }"),
            "openfit"
        ),
        SECRET,
        "a secret is refused at any depth"
    );
}

#[wasm_bindgen_test]
fn perfectgym_and_fisikal_options() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let config = PerfectGym::new(js("{ baseUrl: 'https://club.example/' }"))
        .unwrap()
        .config();
    assert_eq!(
        text(&config, "baseUrl").as_deref(),
        Some("https://club.example")
    );
    assert_eq!(
        text(&config, "tokenUrl").as_deref(),
        Some("https://club.example/Api/oauth/authorize")
    );
    assert_eq!(text(&config, "clientId").as_deref(), Some(""));
    assert_eq!(
        refusal(PerfectGym::new(js("{}")).map(|_| ()), "perfectgym"),
        "baseUrl is required"
    );
    assert_eq!(
        refusal(
            PerfectGym::new(js("{ baseUrl: 'club.example' }")).map(|_| ()),
            "perfectgym"
        ),
        "baseUrl must be an absolute http(s) URL"
    );

    let config = Fisikal::new(js(
        "{ baseUrl: 'https://gym.example', tokenEndpoint: '/broker/fisikal/token' }",
    ))
    .unwrap()
    .config();
    assert_eq!(
        text(&config, "tokenUrl"),
        Some(format!("{origin}/broker/fisikal/token"))
    );
    assert_eq!(text(&config, "tokenStyle").as_deref(), Some("json"));
    assert_eq!(
        refusal(
            Fisikal::new(js("{ baseUrl: 'https://g' }")).map(|_| ()),
            "fisikal"
        ),
        "tokenEndpoint (your server's token URL) is required"
    );
    assert_eq!(
        refusal(
            Fisikal::new(js(
                "{ baseUrl: 'https://g', tokenEndpoint: '/t', secretKey: 'x' }"
            ))
            .map(|_| ()),
            "fisikal"
        ),
        SECRET
    );
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
/// `Map`, typed arrays) are ignored, not a reason to refuse the whole object; an array is not an
/// options object.
#[wasm_bindgen_test]
fn members_of_any_type_are_ignored_and_arrays_are_not_options() {
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
}
