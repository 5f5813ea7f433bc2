//! Native tests of option rules that were asserted only in the browser (`tests/web.rs`'s
//! `*_options` tests) or end to end (`tests/e2e/sdk.spec.js`'s "every option rule"), not in the
//! unit tests of `src/core/options.rs`, `src/core/url.rs` and `src/providers/*.rs`: moved here so
//! that each rule is asserted once, natively, through the same `providers::configure` the classes
//! call. The browser tests keep only what crosses from JavaScript (`tests/options.rs`).
//!
//! - How each provider sends token requests (`tokenStyle`), and that FitRankings has no token
//!   endpoint.
//! - The messages of URL options name the option and the rule broken: `baseUrl` with a query,
//!   OpenFIT's `environment.identityUrl` on plain http:.
#![cfg(not(target_arch = "wasm32"))]

use fitconnect::core::options::{Options, Reader};
use fitconnect::core::{ErrorCode, Result};
use fitconnect::providers::{
    configure, fisikal, fitbark, fitrankings, openfit, perfectgym, Config, TokenStyle,
};

/// Options as JSON text, read into a configuration; only a JSON object is an options object, as
/// in the browser.
fn config(
    provider: &'static str,
    json: &str,
    read: fn(Reader) -> Result<Config>,
) -> Result<Config> {
    let object = serde_json::from_str::<serde_json::Value>(json).is_ok_and(|v| v.is_object());
    let options = object
        .then(|| serde_json::from_str::<Options>(json).ok())
        .flatten();
    configure(provider, options.as_ref(), read)
}

/// The `invalid_config` message for `json`, which must name `provider`.
#[track_caller]
fn message(provider: &'static str, json: &str, read: fn(Reader) -> Result<Config>) -> String {
    let e = config(provider, json, read).expect_err(json);
    assert_eq!(e.code, ErrorCode::InvalidConfig, "{json}");
    assert_eq!(e.provider, Some(provider), "{json}");
    e.message.into_owned()
}

#[test]
fn how_each_provider_sends_token_requests() {
    let c = config(
        "fitrankings",
        r#"{"clientId":"c","callbackUri":"https://app.example/cb"}"#,
        fitrankings::read,
    )
    .unwrap();
    assert_eq!(c.provider, "fitrankings");
    assert_eq!(c.token_url, None, "FitRankings has no token endpoint");
    assert_eq!(c.token_style, None);

    let c = config(
        "fitbark",
        r#"{"clientId":"cid","redirectUri":"https://app.example/","tokenEndpoint":"/broker/fitbark/token"}"#,
        fitbark::read,
    )
    .unwrap();
    assert_eq!(c.token_style, Some(TokenStyle::Json), "to the app's broker");
    assert_eq!(c.redirect_uri.as_deref(), Some("https://app.example/"));
    assert_eq!(c.pkce, Some(true));

    let c = config("openfit", r#"{"clientId":"of"}"#, openfit::read).unwrap();
    assert_eq!(c.token_style, Some(TokenStyle::Form), "to the provider");
    assert_eq!(c.scope.as_deref(), Some("OpenFitApi offline_access"));

    let c = config(
        "perfectgym",
        r#"{"baseUrl":"https://club.example"}"#,
        perfectgym::read,
    )
    .unwrap();
    assert_eq!(c.token_style, Some(TokenStyle::Form), "to the club");

    let c = config(
        "fisikal",
        r#"{"baseUrl":"https://gym.example","tokenEndpoint":"/broker/fisikal/token"}"#,
        fisikal::read,
    )
    .unwrap();
    assert_eq!(c.token_style, Some(TokenStyle::Json), "to the app's broker");
}

#[test]
fn url_option_messages_name_the_option_and_the_rule() {
    assert_eq!(
        message(
            "fitrankings",
            r#"{"clientId":"c","callbackUri":"u","baseUrl":"https://a/?q"}"#,
            fitrankings::read
        ),
        "baseUrl must be an origin with an optional path"
    );
    assert_eq!(
        message(
            "openfit",
            r#"{"clientId":"c","environment":{"identityUrl":"http://ids.example","apiUrl":"https://b"}}"#,
            openfit::read
        ),
        "environment.identityUrl must use https: (http: only for localhost, 127.0.0.1 or [::1])"
    );
}
