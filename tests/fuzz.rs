//! Hostile input for the parsers a provider or an attacker controls: callback query strings and
//! fragments, token responses, stored sessions and transactions, options and `WWW-Authenticate`
//! headers. Property tests with random input (cases per property: `PROPTEST_CASES`, 2,000 by
//! default here), large inputs, and the regression corpus in `tests/corpus/`, replayed on every
//! run. JSON is read with serde_json here; in the browser the same serde types are read from
//! `JSON.parse`'s values by serde-wasm-bindgen.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use fitconnect::core::callback::{inspect, parse_code_callback, parse_popup_callback, Transaction};
use fitconnect::core::challenge::{parse_bearer, react};
use fitconnect::core::options::{reader, Options};
use fitconnect::core::query::{encode_pairs, Params};
use fitconnect::core::session::{read_token_response, Session, TokenFields};
use fitconnect::core::url::normalize_base_url;
use fitconnect::providers::{fitbark, fitrankings, openfit};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;
const ISSUER: &str = "https://app.fitbark.com";

fn tx() -> Transaction {
    Transaction::start(
        "fitbark",
        "https://app.example/",
        true,
        &[[3; 32], [4; 32]],
        NOW,
    )
}

/// Runs every parser on one input; none may panic, each must answer quickly.
fn exercise(input: &str) {
    let started = Instant::now();
    let t = tx();
    let _ = Params::parse(input);
    let _ = inspect(input);
    let _ = parse_popup_callback("fitrankings", fitrankings::PARAMS, input, input);
    let _ = parse_code_callback("fitbark", ISSUER, input, Some(&t));
    let _ = parse_code_callback("fitbark", ISSUER, input, None);
    let fields = serde_json::from_str::<TokenFields>(input).ok();
    for status in [200, 400, 401, 502] {
        let _ = read_token_response(status, fields.as_ref(), NOW);
    }
    let _ = serde_json::from_str::<Session>(input).map(|s| s.checked("fitbark"));
    let _ = serde_json::from_str::<Transaction>(input).map(|t| t.checked("fitbark", NOW));
    // What the browser reads stored records with.
    if let Some(fields) = fields.as_ref() {
        let _ = Session::from_fields(fields).map(|s| s.checked("fitbark"));
        let _ = Transaction::from_fields(fields).map(|t| t.checked("fitbark", NOW));
    }
    let options = serde_json::from_str::<Options>(input).ok();
    for read in [fitrankings::read, fitbark::read, openfit::read] {
        let _ = reader(options.as_ref()).and_then(read);
    }
    let _ = normalize_base_url("baseUrl", input);
    let _ = parse_bearer(input);
    let _ = react(401, Some(input));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{} bytes took {:?}",
        input.len(),
        started.elapsed()
    );
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
        Just("iss".to_string()),
        Just("token".to_string()),
        Just("user_id".to_string()),
        Just("error".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\"".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just("Bearer ".to_string()),
        Just("\"access_token\"".to_string()),
        Just("\"expires_in\"".to_string()),
        Just("\"clientId\"".to_string()),
        Just("https://".to_string()),
        Just("http://127.0.0.1".to_string()),
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
        prop_assume!(!["code", "state", "error", "error_description", "iss"].contains(&extra.as_str()));
        let t = tx();
        let query = format!("?code=abc&state={}&{}", t.state, encode_pairs(&[(&extra, Some(&value))]));
        prop_assert_eq!(parse_code_callback("fitbark", ISSUER, &query, Some(&t)).unwrap(), "abc");
    }

    #[test]
    fn encoded_values_decode_to_themselves(value in "\\PC{0,64}") {
        let query = encode_pairs(&[("token", Some(&value)), ("user_id", Some("1"))]);
        let params = Params::parse(&query).unwrap();
        prop_assert_eq!(params.get("token").unwrap(), Some(value.as_str()));
    }

    #[test]
    fn sessions_round_trip(token in "\\PC{1,64}", refresh in proptest::option::of("\\PC{1,64}"), expires in proptest::option::of(0u64..9_007_199_254_740_991)) {
        let session = Session {
            provider: "openfit".into(),
            access_token: fitconnect::core::session::Secret::new(token),
            token_type: "bearer".into(),
            user_id: None,
            refresh_token: refresh.map(fitconnect::core::session::Secret::new),
            expires_at: expires,
            scope: None,
        };
        let text = serde_json::to_string(&session).unwrap();
        let back = serde_json::from_str::<Session>(&text).unwrap().checked("openfit");
        prop_assert_eq!(back, Some(session));
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
