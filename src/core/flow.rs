//! The steps of each sign-in flow that need no browser: starting a transaction, validating a
//! callback, and building token requests. Validation and I/O are separate: the browser layer
//! sends what these functions build and hands back what it received.

use alloc::string::String;

use super::error::{Error, ErrorCode, Result};
use super::json::ObjectWriter;
use super::pkce::{self, CodeVerifier, RANDOM_LEN};
use super::provider::{Flow, Provider};
use super::query::{self, Params};
use super::session::{Secret, Session};
use super::wire::{self, Item};

/// How long a started authorisation may wait for its callback: FitBark codes live 10 minutes,
/// so an older transaction cannot complete anyway.
pub const TRANSACTION_TTL_MS: u64 = 15 * 60 * 1000;

/// Query parameters of an authorisation response, removed from the address bar afterwards.
pub const CALLBACK_PARAMS: &[&str] = &[
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
];

/// An authorisation in flight: what the callback must match and what the exchange needs.
#[derive(Debug)]
pub struct Transaction {
    /// Provider the transaction belongs to: a callback cannot complete another provider's.
    pub provider: String,
    /// The `state` sent.
    pub state: String,
    /// The PKCE verifier, when PKCE is used.
    pub verifier: Option<CodeVerifier>,
    /// The `redirect_uri` sent; the exchange must repeat it (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    /// When it started (ms since the epoch).
    pub created_at: u64,
}

impl Transaction {
    /// Starts an authorisation-code transaction from two blocks of fresh randomness.
    pub fn start(
        provider: &Provider,
        redirect_uri: &str,
        pkce: bool,
        state_random: &[u8; RANDOM_LEN],
        verifier_random: &[u8; RANDOM_LEN],
        now_ms: u64,
    ) -> Transaction {
        Transaction {
            provider: provider.id.into(),
            state: pkce::new_state(state_random),
            verifier: pkce.then(|| CodeVerifier::new(verifier_random)),
            redirect_uri: redirect_uri.into(),
            created_at: now_ms,
        }
    }

    /// The transaction as stored in sessionStorage.
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::new();
        w.string("provider", &self.provider)
            .string("state", &self.state)
            .opt_string("verifier", self.verifier.as_ref().map(CodeVerifier::secret))
            .string("redirectUri", &self.redirect_uri)
            .opt_u64("createdAt", Some(self.created_at));
        w.finish()
    }

    /// Reads a stored transaction. `None` when malformed, another provider's, or older than
    /// [`TRANSACTION_TTL_MS`] at `now_ms`.
    pub fn from_json(text: &str, provider: &Provider, now_ms: u64) -> Option<Transaction> {
        wire::with_json(text, |v| Transaction::from_item(v, provider, now_ms))
    }

    /// [`Transaction::from_json`] for a value the browser's `JSON.parse` read.
    pub fn from_item(v: Item<'_>, provider: &Provider, now_ms: u64) -> Option<Transaction> {
        let created_at = v.get("createdAt")?.as_u64()?;
        if v.str_member("provider")? != provider.id
            || now_ms.saturating_sub(created_at) > TRANSACTION_TTL_MS
        {
            return None;
        }
        let verifier = match v.get("verifier") {
            None => None,
            Some(s) => Some(s.as_str()?),
        };
        let state = v.str_member("state").filter(|s| !s.is_empty())?;
        let redirect_uri = v.str_member("redirectUri")?;
        Some(Transaction {
            provider: provider.id.into(),
            state: state.into(),
            verifier: verifier.map(|s| CodeVerifier::from_stored(s.into())),
            redirect_uri: redirect_uri.into(),
            created_at,
        })
    }

    /// The JSON body of the code exchange sent to the app's token endpoint: the standard
    /// parameters (RFC 6749 §4.1.3, RFC 7636 §4.5) that the server completes with the secret.
    pub fn exchange_body(&self, code: &str, client_id: &str) -> String {
        let mut w = ObjectWriter::new();
        w.string("grant_type", "authorization_code")
            .string("code", code)
            .string("redirect_uri", &self.redirect_uri)
            .string("client_id", client_id)
            .opt_string(
                "code_verifier",
                self.verifier.as_ref().map(CodeVerifier::secret),
            );
        w.finish()
    }
}

/// The query if it has parameters, else the fragment: some providers answer in either.
fn callback_params(search: &str, hash: &str) -> Result<Params> {
    let params = Params::parse(search)?;
    if params.is_empty() {
        Params::parse(hash)
    } else {
        Ok(params)
    }
}

/// The provider's refusal, when the callback carries an `error` parameter.
fn provider_error(params: &Params) -> Result<()> {
    match params.get("error")? {
        Some(error) => Err(Error::from_oauth(
            error.into(),
            params.get("error_description")?.map(String::from),
        )),
        None => Ok(()),
    }
}

/// Validates a popup callback carrying the token itself (FitRankings): `token` and `user_id`,
/// each exactly once, in the query or else the fragment; an `error` parameter is the provider's
/// refusal.
pub fn parse_popup_callback(provider: &Provider, search: &str, hash: &str) -> Result<Session> {
    let Flow::PopupToken {
        token_param,
        user_id_param,
        ..
    } = provider.flow
    else {
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            "This provider does not use the popup flow",
        ));
    };
    let result = (|| -> Result<Session> {
        let params = callback_params(search, hash)?;
        provider_error(&params)?;
        let token = params.require(token_param)?;
        let user_id = params.require(user_id_param)?;
        Ok(Session {
            provider: provider.id.into(),
            access_token: Secret::new(token),
            token_type: "bearer".into(),
            user_id: Some(user_id.into()),
            refresh_token: None,
            expires_at: None,
            scope: None,
        })
    })();
    result.map_err(|e| e.for_provider(provider.id))
}

/// The `state` of an authorisation response, without validating anything else; used to find an
/// exchange already under way for the same response.
pub fn response_state(search: &str) -> Option<String> {
    Params::parse(search)
        .ok()?
        .get("state")
        .ok()
        .flatten()
        .map(String::from)
}

/// Whether the query looks like an authorisation response: it has `state` and `code` or `error`.
pub fn is_authorization_response(search: &str) -> bool {
    Params::parse(search)
        .map(|p| p.has("state") && (p.has("code") || p.has("error")))
        .unwrap_or(false)
}

/// Validates an authorisation response (RFC 6749 §4.1.2, §10.12) against the transaction, if any.
///
/// Order matters: the state is checked first, so that an attacker's forged `error` is not shown
/// as the provider's. Missing, unexpected and different states are `state_mismatch` with
/// different messages. Then `error` → `access_denied` / `oauth_error`, then `code` must be present
/// exactly once. Returns the code.
pub fn parse_code_callback(
    provider: &Provider,
    search: &str,
    transaction: Option<&Transaction>,
) -> Result<String> {
    let result = (|| {
        let params = Params::parse(search)?;
        let state = params.get("state")?;
        let expected = transaction.map(|t| t.state.as_str());
        let mismatch = |m: &'static str| Err(Error::new(ErrorCode::StateMismatch, m));
        match (expected, state) {
            (None, _) => return mismatch("No sign-in was started here, or it already completed"),
            (Some(_), None) => return mismatch("The callback has no state parameter"),
            (Some(e), Some(s)) if !constant_time_eq(e.as_bytes(), s.as_bytes()) => {
                return mismatch("The callback's state does not match the sign-in started here")
            }
            _ => {}
        }
        provider_error(&params)?;
        Ok(String::from(params.require("code")?))
    })();
    result.map_err(|e| e.for_provider(provider.id))
}

/// Compares without an early exit, so timing does not reveal how much of a state matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The address-bar query with the authorisation response removed (for `history.replaceState`).
pub fn clean_query(search: &str) -> String {
    query::remove_params(search, CALLBACK_PARAMS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::provider::{FITBARK, FITRANKINGS};

    const NOW: u64 = 1_700_000_000_000;

    fn tx() -> Transaction {
        Transaction::start(
            &FITBARK,
            "https://app.example/",
            true,
            &[1; 32],
            &[2; 32],
            NOW,
        )
    }

    #[test]
    fn popup_callback_in_any_order() {
        for q in ["?token=abc&user_id=42", "?user_id=42&token=abc"] {
            let s = parse_popup_callback(&FITRANKINGS, q, "").unwrap();
            assert_eq!(s.access_token.expose(), "abc");
            assert_eq!(s.user_id.as_deref(), Some("42"));
            assert_eq!(s.provider, "fitrankings");
        }
        let s = parse_popup_callback(&FITRANKINGS, "", "#token=a%2Bb+c&user_id=000000").unwrap();
        assert_eq!(s.access_token.expose(), "a+b c");
        assert_eq!(s.user_id.as_deref(), Some("000000"));
    }

    #[test]
    fn popup_callback_errors() {
        let code = |q: &str| parse_popup_callback(&FITRANKINGS, q, "").unwrap_err().code;
        assert_eq!(code("?user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code("?token=&user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code("?token=a"), ErrorCode::InvalidCallback);
        assert_eq!(
            code("?token=a&token=b&user_id=1"),
            ErrorCode::InvalidCallback
        );
        assert_eq!(code("?token=%zz&user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code(""), ErrorCode::InvalidCallback);
        assert_eq!(code("?error=access_denied"), ErrorCode::AccessDenied);
        let e = parse_popup_callback(&FITRANKINGS, "?error=server_error", "").unwrap_err();
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.provider, Some("fitrankings"));
        assert_eq!(
            parse_popup_callback(&FITBARK, "?token=a&user_id=1", "")
                .unwrap_err()
                .code,
            ErrorCode::InvalidConfig
        );
    }

    #[test]
    fn code_callback_success() {
        let t = tx();
        let q = format!("?code=abc&state={}", t.state);
        assert_eq!(parse_code_callback(&FITBARK, &q, Some(&t)).unwrap(), "abc");
    }

    #[test]
    fn code_callback_state_rules() {
        let t = tx();
        let code = |q: &str, t: Option<&Transaction>| {
            parse_code_callback(&FITBARK, q, t).unwrap_err().code
        };
        assert_eq!(code("?code=abc", Some(&t)), ErrorCode::StateMismatch);
        assert_eq!(
            code("?code=abc&state=other", Some(&t)),
            ErrorCode::StateMismatch
        );
        let q = format!("?code=abc&state={}", t.state);
        assert_eq!(code(&q, None), ErrorCode::StateMismatch);
        // A forged error with a wrong state is a state mismatch, not the provider's refusal.
        assert_eq!(
            code("?error=access_denied&state=x", Some(&t)),
            ErrorCode::StateMismatch
        );
        let twice = format!("?code=a&state={0}&state={0}", t.state);
        assert_eq!(code(&twice, Some(&t)), ErrorCode::InvalidCallback);
        let no_code = format!("?state={}", t.state);
        assert_eq!(code(&no_code, Some(&t)), ErrorCode::InvalidCallback);
        let two_codes = format!("?code=a&code=b&state={}", t.state);
        assert_eq!(code(&two_codes, Some(&t)), ErrorCode::InvalidCallback);
    }

    #[test]
    fn code_callback_provider_errors() {
        let t = tx();
        let q = format!(
            "?error=access_denied&error_description=The+resource+owner+denied&state={}",
            t.state
        );
        let e = parse_code_callback(&FITBARK, &q, Some(&t)).unwrap_err();
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert_eq!(e.description.as_deref(), Some("The resource owner denied"));
        assert_eq!(e.provider, Some("fitbark"));
        let q = format!("?error=invalid_scope&state={}", t.state);
        let e = parse_code_callback(&FITBARK, &q, Some(&t)).unwrap_err();
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_scope"));
    }

    #[test]
    fn transaction_round_trip_and_expiry() {
        let t = tx();
        let text = t.to_json();
        let back = Transaction::from_json(&text, &FITBARK, NOW + 1000).unwrap();
        assert_eq!(back.state, t.state);
        assert_eq!(
            back.verifier.as_ref().unwrap().secret(),
            t.verifier.as_ref().unwrap().secret()
        );
        assert_eq!(back.redirect_uri, "https://app.example/");
        assert!(Transaction::from_json(&text, &FITBARK, NOW + TRANSACTION_TTL_MS + 1).is_none());
        assert!(Transaction::from_json(&text, &FITRANKINGS, NOW).is_none());
        assert!(Transaction::from_json("{", &FITBARK, NOW).is_none());
        assert!(!format!("{t:?}").contains(t.verifier.as_ref().unwrap().secret()));
    }

    #[test]
    fn transaction_without_pkce() {
        let t = Transaction::start(&FITBARK, "r", false, &[1; 32], &[2; 32], NOW);
        assert!(t.verifier.is_none());
        assert_eq!(
            t.exchange_body("c", "cid"),
            r#"{"grant_type":"authorization_code","code":"c","redirect_uri":"r","client_id":"cid"}"#
        );
    }

    #[test]
    fn request_bodies() {
        let t = tx();
        let body = t.exchange_body("the code", "cid");
        let v = crate::core::json::parse(&body).unwrap();
        assert_eq!(v.get("code").unwrap().as_str(), Some("the code"));
        assert_eq!(
            v.get("redirect_uri").unwrap().as_str(),
            Some("https://app.example/")
        );
        assert_eq!(
            v.get("code_verifier").unwrap().as_str(),
            Some(t.verifier.as_ref().unwrap().secret())
        );
    }

    #[test]
    fn response_detection_and_cleaning() {
        assert!(is_authorization_response("?code=a&state=b"));
        assert!(is_authorization_response("?error=access_denied&state=b"));
        assert!(!is_authorization_response("?code=a"));
        assert!(!is_authorization_response(""));
        assert_eq!(response_state("?code=a&state=b").as_deref(), Some("b"));
        assert_eq!(
            clean_query("?tab=2&code=a&state=b&error_description=x"),
            "?tab=2"
        );
    }
}
