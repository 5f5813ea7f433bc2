//! Hostile input for the parsers a provider or an attacker controls: callback query strings and
//! fragments, token responses, stored values and `WWW-Authenticate` headers. Property tests with
//! random input (cases per property: `PROPTEST_CASES`, 2,000 by default here), large inputs, and
//! the regression corpus in `tests/corpus/`, replayed on every run.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use fitconnect::core::api;
use fitconnect::core::challenge::{parse_bearer, react};
use fitconnect::core::flow::{parse_code_callback, parse_popup_callback, Transaction};
use fitconnect::core::json::{self, Value};
use fitconnect::core::provider::{FITBARK, FITRANKINGS};
use fitconnect::core::query::Params;
use fitconnect::core::session::{parse_token_response, Session};
use fitconnect::core::wire;
use fitconnect::core::wire::Item;
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;

fn tx() -> Transaction {
    Transaction::start(
        &FITBARK,
        "https://app.example/",
        true,
        &[3; 32],
        &[4; 32],
        NOW,
    )
}

/// Runs every parser on one input; none may panic, each must answer quickly.
fn exercise(input: &str) {
    let started = Instant::now();
    let t = tx();
    let _ = Params::parse(input);
    let _ = parse_popup_callback(&FITRANKINGS, input, input);
    let _ = parse_code_callback(&FITBARK, input, Some(&t));
    let _ = parse_code_callback(&FITBARK, input, None);
    for status in [200, 400, 401, 502] {
        let _ = parse_token_response(status, input, NOW);
    }
    let _ = json::parse(input);
    let _ = Session::from_json(input, "fitbark");
    let _ = Transaction::from_json(input, &FITBARK, NOW);
    let _ = parse_bearer(input);
    let _ = react(401, Some(input));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{} bytes took {:?}",
        input.len(),
        started.elapsed()
    );
    exercise_api(input);
}

/// A written argument, read back.
fn item(bytes: &[u8]) -> Item<'_> {
    wire::read(bytes).unwrap()
}

/// The JavaScript-facing functions on the same input: every answer must be JSON (or `null`).
fn exercise_api(input: &str) {
    // Answers beyond the reader's size bound (a megabyte refresh token) are checked by shape.
    let is_json = |call: &dyn Fn() -> String| {
        let started = Instant::now();
        let text = call();
        let valid = if text.len() > json::MAX_LEN {
            text.starts_with('{') && text.ends_with('}')
        } else {
            json::parse(&text).is_some()
        };
        assert!(valid, "{text}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    };
    let fitbark = r#"{"provider":"fitbark","baseUrl":"https://app.fitbark.com","clientId":"c","skewMs":0,"tokenUrl":"/t","tokenStyle":"json","redirectUri":"r","pkce":true}"#;
    let openfit = r#"{"provider":"openfit","baseUrl":"https://api.openfit.care","clientId":"c","skewMs":300000,"tokenUrl":"https://ids.openfit.care/connect/token","tokenStyle":"form"}"#;
    // Stored values and token responses arrive parsed by JSON.parse: null when not JSON.
    let written = |text: &str| wire::argument(text).unwrap_or_else(|| b"z\0\0\0\0".to_vec());
    let (fitbark_bytes, openfit_bytes, input_bytes) =
        (written(fitbark), written(openfit), written(input));
    let value = item(&input_bytes);
    for provider in [
        "fitrankings",
        "fitbark",
        "perfectgym",
        "openfit",
        "fisikal",
        input,
    ] {
        is_json(&|| api::endpoints(provider, input, input, input, "", ""));
        is_json(&|| api::endpoints(provider, input, "", "", "custom", input));
        is_json(&|| api::popup_callback(provider, input, input));
        is_json(&|| api::token_response(provider, 200, value, 0.0, value));
        is_json(&|| api::token_response(provider, 401, value, 1e300, wire::NULL));
        is_json(&|| api::load_session(provider, value));
    }
    for config in [item(&fitbark_bytes), item(&openfit_bytes), value] {
        is_json(&|| api::begin(config, input.as_bytes(), f64::NAN));
        is_json(&|| api::complete(config, input, value, -1.0));
    }
    is_json(&|| api::inspect(input));
    is_json(&|| api::challenge(401, input));
    is_json(&|| api::challenge(403, input));
    is_json(&|| format!("\"{}\"", api::fingerprint(input)));
    // The same input as the bytes of a call, and as a call's argument.
    is_json(&|| api::run(input.as_bytes()));
    let _ = wire::read(input.as_bytes());
    let parsed = json::parse(input).unwrap_or(Value::Null);
    for name in ["tokenResponse", "loadSession", "complete", "begin"] {
        let mut call = Vec::new();
        let args = Value::Array(vec![
            Value::String(name.into()),
            Value::String("fitbark".into()),
            parsed.clone(),
            Value::String(input.into()),
            parsed.clone(),
        ]);
        wire::write(&args, 0, &mut call);
        is_json(&|| api::run(&call));
    }
}

/// Characters that matter to these parsers, so random strings hit their branches often.
fn interesting() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("&".to_string()),
        Just("=".to_string()),
        Just("%".to_string()),
        Just("%zz".to_string()),
        Just("%ff".to_string()),
        Just("%e2%82".to_string()),
        Just("+".to_string()),
        Just("?".to_string()),
        Just("#".to_string()),
        Just("code".to_string()),
        Just("state".to_string()),
        Just("token".to_string()),
        Just("user_id".to_string()),
        Just("error".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just("\\u".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("Bearer ".to_string()),
        Just("access_token".to_string()),
        Just("expires_in".to_string()),
        "[0-9]{1,25}",
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn parsers_never_panic_on_structured_noise(input in interesting()) {
        exercise(&input);
    }

    #[test]
    fn parsers_never_panic_on_any_string(input in "\\PC{0,200}") {
        exercise(&input);
    }

    #[test]
    fn a_valid_code_callback_survives_extra_parameters(extra in "[a-z]{1,8}", value in "\\PC{0,20}") {
        prop_assume!(!["code", "state", "error", "error_description"].contains(&extra.as_str()));
        let t = tx();
        let mut query = String::from("?code=abc&state=");
        query.push_str(&t.state);
        query.push('&');
        fitconnect::core::query::encode_into(&mut query, &extra);
        query.push('=');
        fitconnect::core::query::encode_into(&mut query, &value);
        prop_assert_eq!(parse_code_callback(&FITBARK, &query, Some(&t)).unwrap(), "abc");
    }

    #[test]
    fn calls_of_any_bytes_answer_json(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = wire::read(&bytes);
        prop_assert_eq!(fitconnect::core::query::utf8(&bytes), std::str::from_utf8(&bytes).ok());
        let answer = api::run(&bytes);
        prop_assert!(json::parse(&answer).is_some(), "{}", answer);
    }

    #[test]
    fn json_strings_round_trip(value in "\\PC{0,64}") {
        let mut w = json::ObjectWriter::new();
        w.string("v", &value);
        let text = w.finish();
        let parsed = json::parse(&text).unwrap();
        prop_assert_eq!(parsed.get("v").unwrap().as_str(), Some(value.as_str()));
    }
}

#[test]
fn megabyte_inputs_are_bounded() {
    let mut long_query = String::from("?code=");
    long_query.push_str(&"a".repeat(1 << 20));
    exercise(&long_query);
    exercise(&"&".repeat(1 << 20));
    exercise(&"%".repeat(1 << 20));
    exercise(&"[".repeat(1 << 20));
    exercise(&"{\"a\":".repeat(200_000));
    let mut big_token = String::from("{\"access_token\":\"");
    big_token.push_str(&"x".repeat(1 << 20));
    big_token.push_str("\",\"token_type\":\"bearer\"}");
    exercise(&big_token);
    exercise(&"Bearer a=\"b\", ".repeat(100_000));
}

#[test]
fn regression_corpus_replays() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/corpus exists") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        // The corpus keeps raw bytes; the parsers take text, as the browser hands them text.
        exercise(&String::from_utf8_lossy(&bytes));
        count += 1;
    }
    assert!(count >= 10, "corpus has {count} entries");
}
