//! Sign-in transactions and callbacks: the FitBark-style authorisation response (RFC 6749
//! §4.1.2, with `state` and PKCE, and RFC 9207's `iss`) and the FitRankings-style popup callback
//! (token and user id in the query), validated before anything is exchanged or stored.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::error::{Error, ErrorCode, Result};
use super::pkce::{self, CodeVerifier, RANDOM_LEN};
use super::query::{self, Params};
use super::session::{text_field, whole_field, Fields, Secret, Session};

/// How long a started sign-in stays valid: a user who takes longer starts again.
pub const TRANSACTION_TTL_MS: u64 = 15 * 60 * 1000;

/// The authorisation response's parameters (RFC 6749 §4.1.2 and §4.1.2.1, RFC 9207 §2): removed
/// from the address bar once read.
pub const CALLBACK_PARAMS: &[&str] = &[
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
];

/// A started authorisation, stored under its client's [`Binding`](super::session::Binding)'s
/// transaction key until the redirect comes
/// back, and consumed (removed) before the response is checked.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// The provider id.
    pub provider: String,
    /// The `state` sent (256 bits, base64url).
    pub state: String,
    /// The PKCE verifier, when PKCE is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<Secret>,
    /// The `redirect_uri` sent, repeated in the exchange (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    /// When it started, in ms since the epoch.
    pub created_at: u64,
}

impl Transaction {
    /// A new transaction from two sets of random bytes (for the state and the verifier).
    pub fn start(
        provider: &str,
        redirect_uri: &str,
        pkce: bool,
        [state, verifier]: &[[u8; RANDOM_LEN]; 2],
        now_ms: u64,
    ) -> Transaction {
        Transaction {
            provider: provider.into(),
            state: pkce::new_state(state),
            verifier: pkce.then(|| Secret::new(CodeVerifier::new(verifier).secret())),
            redirect_uri: redirect_uri.into(),
            created_at: now_ms,
        }
    }

    /// The S256 challenge of the verifier, if PKCE is on.
    pub fn challenge(&self) -> Option<String> {
        self.verifier
            .as_ref()
            .map(|v| CodeVerifier::from_stored(v.expose().into()).challenge_s256())
    }

    /// A transaction from its stored members (what `Serialize` wrote); `None` when a member is
    /// missing or has another type.
    pub fn from_fields(f: &Fields) -> Option<Transaction> {
        let required = |name| text_field(f, name).ok().flatten().map(String::from);
        Some(Transaction {
            provider: required("provider")?,
            state: required("state")?,
            verifier: text_field(f, "verifier").ok()?.map(Secret::new),
            redirect_uri: required("redirectUri")?,
            created_at: whole_field(f, "createdAt").ok()??,
        })
    }

    /// Accepts a stored transaction only for this provider and within its lifetime.
    pub fn checked(self, provider: &str, now_ms: u64) -> Option<Transaction> {
        (self.provider == provider
            && !self.state.is_empty()
            && now_ms.saturating_sub(self.created_at) <= TRANSACTION_TTL_MS)
            .then_some(self)
    }
}

fn callback_params(search: &str, hash: &str) -> Result<Params> {
    let params = Params::parse(search)?;
    if params.is_empty() {
        Params::parse(hash)
    } else {
        Ok(params)
    }
}

fn provider_error(params: &Params) -> Result<()> {
    match params.get("error")? {
        Some(error) => Err(Error::from_oauth(
            error.into(),
            params.get("error_description")?.map(String::from),
        )),
        None => Ok(()),
    }
}

/// The names of a popup callback's parameters.
#[derive(Clone, Copy, Debug)]
pub struct PopupParams {
    /// Carries the user token.
    pub token: &'static str,
    /// Carries the user id.
    pub user_id: &'static str,
}

/// Reads a popup callback (query, or fragment when the query is empty): the provider's error, or
/// the token and user id, each exactly once and non-empty.
///
/// # Errors
/// Each error names `provider`.
/// - `invalid_callback`: the query (or the fragment read in its place) is longer than 16 KiB,
///   has a malformed percent-escape or is not UTF-8; repeats `error` (or `error_description`
///   next to an `error`), the token or the user id; or lacks the token or the user id (or has an
///   empty one).
/// - `access_denied` or `oauth_error`: the callback carries the provider's `error`
///   (`access_denied` for that value, `oauth_error` for any other); this is checked before the
///   token and user id.
///
/// # Examples
/// ```
/// use fitconnect::core::callback::{parse_popup_callback, PopupParams};
/// use fitconnect::core::ErrorCode;
///
/// let names = PopupParams { token: "token", user_id: "user_id" };
/// let session = parse_popup_callback("fitrankings", names, "?token=abc&user_id=42", "").unwrap();
/// assert_eq!(session.access_token.expose(), "abc");
/// assert_eq!(session.user_id.as_deref(), Some("42"));
///
/// let e = parse_popup_callback("fitrankings", names, "?error=access_denied", "").unwrap_err();
/// assert_eq!((e.code, e.provider), (ErrorCode::AccessDenied, Some("fitrankings")));
/// ```
pub fn parse_popup_callback(
    provider: &'static str,
    names: PopupParams,
    search: &str,
    hash: &str,
) -> Result<Session> {
    let result = (|| -> Result<Session> {
        let params = callback_params(search, hash)?;
        provider_error(&params)?;
        let token = params.require(names.token)?;
        let user_id = params.require(names.user_id)?;
        Ok(Session {
            provider: provider.into(),
            access_token: Secret::new(token),
            token_type: "bearer".into(),
            user_id: Some(user_id.into()),
            refresh_token: None,
            expires_at: None,
            scope: None,
        })
    })();
    result.map_err(|e| e.for_provider(provider))
}

/// What the address says about an authorisation response.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inspection {
    /// Whether it carries one: a `code` or an `error` (with or without `state`: a response without
    /// one is still a response, and fails the state check, RFC 6749 §10.12).
    pub response: bool,
    /// Its `state`, if readable.
    pub state: Option<String>,
    /// The query without the response's parameters (`?…` or empty).
    pub clean: String,
}

/// Looks at a page's query without judging it.
///
/// # Examples
/// ```
/// use fitconnect::core::callback::inspect;
///
/// let seen = inspect("?tab=2&code=abc&state=xyz");
/// assert!(seen.response);
/// assert_eq!(seen.state.as_deref(), Some("xyz"));
/// // What the address bar keeps once the response is removed.
/// assert_eq!(seen.clean, "?tab=2");
///
/// assert!(!inspect("?tab=2").response);
/// ```
pub fn inspect(search: &str) -> Inspection {
    if search.len() > query::MAX_QUERY_LEN {
        // Too long to be an authorisation response (and too long to read).
        return Inspection {
            response: false,
            state: None,
            clean: search.into(),
        };
    }
    let params = Params::parse(search).unwrap_or_default();
    Inspection {
        response: params.has("code") || params.has("error"),
        state: params.get("state").ok().flatten().map(String::from),
        clean: query::remove_params(search, CALLBACK_PARAMS),
    }
}

/// Validates an authorisation response against the transaction this browser started, and answers
/// the code to exchange. In order: `state`, `iss` when present (RFC 9207), the provider's error,
/// then the code.
///
/// # Errors
/// Each error names `provider`. In the order of the checks:
/// - `invalid_callback`: the query is longer than 16 KiB, has a malformed percent-escape or is
///   not UTF-8, or repeats `state`.
/// - `state_mismatch`: no transaction was given (none started here, or already completed), the
///   response has no `state`, or its `state` differs from the transaction's (compared in
///   constant time).
/// - `invalid_callback`: `iss` is present and is not `issuer` (the response may come from
///   another server), or `iss` or `error` is repeated (or `error_description`, next to an
///   `error`).
/// - `access_denied` or `oauth_error`: the response carries the provider's `error`.
/// - `invalid_callback`: `code` is missing, empty or repeated.
///
/// # Examples
/// ```
/// use fitconnect::core::callback::{parse_code_callback, Transaction};
/// use fitconnect::core::ErrorCode;
///
/// let issuer = "https://app.fitbark.com";
/// // Started before the redirect (the random bytes come from the browser).
/// let tx = Transaction::start("fitbark", "https://app.example/", true, &[[1; 32], [2; 32]], 0);
///
/// let back = format!("?code=abc&state={}", tx.state);
/// assert_eq!(parse_code_callback("fitbark", issuer, &back, Some(&tx)).unwrap(), "abc");
///
/// let forged = "?code=abc&state=guessed";
/// let e = parse_code_callback("fitbark", issuer, forged, Some(&tx)).unwrap_err();
/// assert_eq!(e.code, ErrorCode::StateMismatch);
/// ```
pub fn parse_code_callback(
    provider: &'static str,
    issuer: &str,
    search: &str,
    transaction: Option<&Transaction>,
) -> Result<String> {
    let result = (|| {
        let params = Params::parse(search)?;
        let state = params.get("state")?;
        let mismatch = |m: &'static str| Err(Error::new(ErrorCode::StateMismatch, m));
        match (transaction.map(|t| t.state.as_str()), state) {
            (None, _) => return mismatch("No sign-in was started here, or it already completed"),
            (Some(_), None) => return mismatch("The callback has no state parameter"),
            (Some(e), Some(s)) if !bool::from(e.as_bytes().ct_eq(s.as_bytes())) => {
                return mismatch("The callback's state does not match the sign-in started here")
            }
            _ => {}
        }
        if let Some(iss) = params.get("iss")? {
            if iss != issuer {
                return Err(Error::new(
                    ErrorCode::InvalidCallback,
                    "The authorization response names another issuer (iss)",
                ));
            }
        }
        provider_error(&params)?;
        Ok(String::from(params.require("code")?))
    })();
    result.map_err(|e| e.for_provider(provider))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;
    const ISSUER: &str = "https://app.fitbark.com";
    const FR: PopupParams = PopupParams {
        token: "token",
        user_id: "user_id",
    };

    /// A FitBark sign-in started at `NOW`, from the random bytes `[seed; 32]` and `[seed + 1; 32]`.
    fn start(pkce: bool, seed: u8) -> Transaction {
        Transaction::start(
            "fitbark",
            "https://app.example/",
            pkce,
            &[[seed; 32], [seed + 1; 32]],
            NOW,
        )
    }

    fn tx() -> Transaction {
        start(true, 1)
    }

    /// What `parse_code_callback` answers for the FitBark callback `query` while `t` is the
    /// pending sign-in; `STATE` in `query` stands for `t`'s state.
    fn parse(query: &str, t: Option<&Transaction>) -> Result<String> {
        let query = match t {
            Some(t) => query.replace("STATE", &t.state),
            None => query.to_string(),
        };
        parse_code_callback("fitbark", ISSUER, &query, t)
    }

    fn code(query: &str, t: Option<&Transaction>) -> ErrorCode {
        parse(query, t).unwrap_err().code
    }

    #[test]
    fn popup_callback_in_any_order() {
        for q in ["?token=abc&user_id=42", "?user_id=42&token=abc"] {
            let s = parse_popup_callback("fitrankings", FR, q, "").unwrap();
            assert_eq!(s.access_token.expose(), "abc");
            assert_eq!(s.user_id.as_deref(), Some("42"));
            assert_eq!(s.provider, "fitrankings");
        }
        let s =
            parse_popup_callback("fitrankings", FR, "", "#token=a%2Bb+c&user_id=000000").unwrap();
        assert_eq!(s.access_token.expose(), "a+b c");
        assert_eq!(s.user_id.as_deref(), Some("000000"));
    }

    #[test]
    fn popup_callback_errors() {
        let code = |q: &str| {
            parse_popup_callback("fitrankings", FR, q, "")
                .unwrap_err()
                .code
        };
        assert_eq!(code("?user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code("?token=&user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code("?token=a"), ErrorCode::InvalidCallback);
        assert_eq!(
            code("?token=a&token=b&user_id=1"),
            ErrorCode::InvalidCallback
        );
        assert_eq!(code("?token=%zz&user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code("?token=%FF&user_id=1"), ErrorCode::InvalidCallback);
        assert_eq!(code(""), ErrorCode::InvalidCallback);
        assert_eq!(code("?error=access_denied"), ErrorCode::AccessDenied);
        let e = parse_popup_callback("fitrankings", FR, "?error=server_error", "").unwrap_err();
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.provider, Some("fitrankings"));
    }

    #[test]
    fn code_callback_success() {
        assert_eq!(parse("?code=abc&state=STATE", Some(&tx())).unwrap(), "abc");
    }

    #[test]
    fn code_callback_state_rules() {
        let t = tx();
        assert_eq!(code("?code=abc", Some(&t)), ErrorCode::StateMismatch);
        assert_eq!(
            code("?code=abc&state=other", Some(&t)),
            ErrorCode::StateMismatch
        );
        let q = format!("?code=abc&state={}", t.state);
        assert_eq!(code(&q, None), ErrorCode::StateMismatch);
        assert_eq!(
            code("?error=access_denied&state=x", Some(&t)),
            ErrorCode::StateMismatch
        );
        for q in [
            "?code=a&state=STATE&state=STATE",
            "?state=STATE",
            "?code=a&code=b&state=STATE",
        ] {
            assert_eq!(code(q, Some(&t)), ErrorCode::InvalidCallback, "{q}");
        }
    }

    #[test]
    fn rfc9207_issuer_must_match_when_present() {
        let t = tx();
        let ok = "?code=abc&state=STATE&iss=https%3A%2F%2Fapp.fitbark.com";
        assert_eq!(parse(ok, Some(&t)).unwrap(), "abc");
        let other = "?code=abc&state=STATE&iss=https%3A%2F%2Fevil.example";
        let e = parse(other, Some(&t)).unwrap_err();
        assert_eq!(
            (e.code, e.provider),
            (ErrorCode::InvalidCallback, Some("fitbark"))
        );
        let error = "?error=access_denied&state=STATE&iss=https%3A%2F%2Fevil.example";
        assert_eq!(code(error, Some(&t)), ErrorCode::InvalidCallback);
        let twice = format!("?code=abc&state=STATE&iss={ISSUER}&iss={ISSUER}");
        assert_eq!(code(&twice, Some(&t)), ErrorCode::InvalidCallback);
    }

    #[test]
    fn code_callback_provider_errors() {
        let t = tx();
        let q = "?error=access_denied&error_description=The+resource+owner+denied&state=STATE";
        let e = parse(q, Some(&t)).unwrap_err();
        assert_eq!(e.code, ErrorCode::AccessDenied);
        assert_eq!(e.description.as_deref(), Some("The resource owner denied"));
        assert_eq!(e.provider, Some("fitbark"));
        let e = parse("?error=invalid_scope&state=STATE", Some(&t)).unwrap_err();
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_scope"));
    }

    #[test]
    fn transaction_round_trip_and_expiry() {
        let t = tx();
        let text = serde_json::to_string(&t).unwrap();
        // Read as the browser reads it: members, then `from_fields`.
        let back = |text: &str, provider: &str, now: u64| {
            serde_json::from_str::<Fields>(text)
                .ok()
                .and_then(|f| Transaction::from_fields(&f))?
                .checked(provider, now)
        };
        let fields = serde_json::from_str::<Fields>(&text).unwrap();
        let read = Transaction::from_fields(&fields).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), text);
        let without_pkce = r#"{"provider":"fitbark","state":"s","redirectUri":"r","createdAt":1}"#;
        let fields = serde_json::from_str::<Fields>(without_pkce).unwrap();
        assert!(Transaction::from_fields(&fields)
            .unwrap()
            .verifier
            .is_none());
        for bad in [
            r#"{"provider":"fitbark","state":"s","redirectUri":"r"}"#,
            r#"{"provider":"fitbark","state":"s","redirectUri":"r","createdAt":"1"}"#,
            r#"{"provider":"fitbark","state":5,"redirectUri":"r","createdAt":1}"#,
            r#"{"provider":"fitbark","state":"s","redirectUri":"r","createdAt":1,"verifier":5}"#,
        ] {
            let fields = serde_json::from_str::<Fields>(bad).unwrap();
            assert!(Transaction::from_fields(&fields).is_none(), "{bad}");
        }
        let b = back(&text, "fitbark", NOW + 1000).unwrap();
        assert_eq!(b.state, t.state);
        assert_eq!(b.verifier, t.verifier);
        assert_eq!(b.redirect_uri, "https://app.example/");
        assert!(back(&text, "fitbark", NOW + TRANSACTION_TTL_MS + 1).is_none());
        assert!(back(&text, "fitrankings", NOW).is_none());
        assert!(back("{", "fitbark", NOW).is_none());
        assert!(!format!("{t:?}").contains(t.verifier.as_ref().unwrap().expose()));
        assert_eq!(t.challenge().unwrap().len(), 43);
    }

    #[test]
    fn transaction_without_pkce() {
        let t = start(false, 3);
        assert!(t.verifier.is_none() && t.challenge().is_none());
        assert_ne!(t.state, tx().state);
    }

    #[test]
    fn response_detection_and_cleaning() {
        assert!(inspect("?code=a&state=b").response);
        assert!(inspect("?error=access_denied&state=b").response);
        // No `state` is still a response (it then fails the state check) and is cleaned away.
        assert!(inspect("?code=a").response);
        assert!(inspect("?error=access_denied").response);
        assert_eq!(inspect("?code=a&keep=1").clean, "?keep=1");
        assert!(!inspect("?state=b").response);
        assert!(!inspect("?tab=2").response);
        assert!(!inspect("").response);
        assert_eq!(inspect("?code=a&state=b").state.as_deref(), Some("b"));
        assert_eq!(
            inspect("?tab=2&code=a&state=b&error_description=x&iss=y").clean,
            "?tab=2"
        );
    }
}
