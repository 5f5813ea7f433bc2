//! Sessions (a user's tokens for one provider), token responses (RFC 6749 §5.1, §5.2) and expiry.

use alloc::string::String;
use core::fmt;

use super::error::{Error, ErrorCode, Result};
use super::json::ObjectWriter;
use super::wire::{self, Item};

/// A secret string (a token, a code verifier): `Debug` never prints it,
/// and its bytes are overwritten with zeros when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret text, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // SAFETY: zero bytes are valid UTF-8, so the String stays valid while it is wiped.
        let bytes = unsafe { self.0.as_mut_vec() };
        for b in bytes.iter_mut() {
            // Volatile, so the compiler cannot drop the writes as dead stores.
            unsafe { core::ptr::write_volatile(b, 0) };
        }
        core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A user's tokens for one provider. Its JSON form is the JavaScript `Session` object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Provider id, e.g. `"fitbark"`.
    pub provider: String,
    /// The access token sent as `Authorization: Bearer`.
    pub access_token: Secret,
    /// Token type, lowercased (`"bearer"`).
    pub token_type: String,
    /// The provider's user id, where it gives one.
    pub user_id: Option<String>,
    /// Refresh token, where the provider issues one.
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in milliseconds since the Unix epoch.
    pub expires_at: Option<u64>,
    /// Granted scope, where the provider says.
    pub scope: Option<String>,
}

impl Session {
    /// Whether the access token has expired, or will within `skew_ms`, at time `now_ms`.
    /// A session without an expiry never expires by the clock.
    pub fn expires_within(&self, now_ms: u64, skew_ms: u64) -> bool {
        self.expires_at
            .is_some_and(|at| at <= now_ms.saturating_add(skew_ms))
    }

    /// The session as stored and as handed to JavaScript.
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::new();
        w.string("provider", &self.provider)
            .string("accessToken", self.access_token.expose())
            .string("tokenType", &self.token_type)
            .opt_string("userId", self.user_id.as_deref())
            .opt_string(
                "refreshToken",
                self.refresh_token.as_ref().map(Secret::expose),
            )
            .opt_u64("expiresAt", self.expires_at)
            .opt_string("scope", self.scope.as_deref());
        w.finish()
    }

    /// Reads a stored session back. `None` for anything malformed or for another provider, so that
    /// a corrupt or foreign value is treated as no session rather than trusted.
    pub fn from_json(text: &str, provider: &str) -> Option<Session> {
        wire::with_json(text, |v| Session::from_item(v, provider))
    }

    /// [`Session::from_json`] for a value the browser's `JSON.parse` read.
    pub fn from_item(v: Item<'_>, provider: &str) -> Option<Session> {
        if v.str_member("provider")? != provider {
            return None;
        }
        let access_token = v.str_member("accessToken").filter(|t| !t.is_empty())?;
        let token_type = v.str_member("tokenType")?;
        let user_id = v.optional_str("userId")?;
        let refresh_token = v.optional_str("refreshToken")?;
        let expires_at = v.optional_u64("expiresAt")?;
        let scope = v.optional_str("scope")?;
        Some(Session {
            provider: provider.into(),
            access_token: Secret::new(access_token),
            token_type: token_type.into(),
            user_id: user_id.map(String::from),
            refresh_token: refresh_token.map(Secret::new),
            expires_at,
            scope: scope.map(String::from),
        })
    }

    /// Builds a session from a token response. A refresh response that omits `refresh_token`
    /// keeps `previous_refresh` (RFC 6749 §6: the server may keep the old one valid).
    pub fn from_token_response(
        provider: &str,
        tokens: TokenResponse,
        user_id: Option<String>,
        previous_refresh: Option<Secret>,
    ) -> Session {
        Session {
            provider: provider.into(),
            access_token: tokens.access_token,
            token_type: tokens.token_type,
            user_id,
            refresh_token: tokens.refresh_token.or(previous_refresh),
            expires_at: tokens.expires_at,
            scope: tokens.scope,
        }
    }
}

/// A validated successful token response.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenResponse {
    /// `access_token`
    pub access_token: Secret,
    /// `token_type`, lowercased
    pub token_type: String,
    /// `refresh_token`, when issued
    pub refresh_token: Option<Secret>,
    /// Absolute expiry computed from `expires_in`, in ms since the epoch
    pub expires_at: Option<u64>,
    /// `scope`, when given
    pub scope: Option<String>,
}

fn invalid_response(message: &'static str) -> Error {
    Error::new(ErrorCode::InvalidResponse, message)
}

/// Validates a token endpoint's answer (RFC 6749 §5.1 and §5.2) field by field.
///
/// - a JSON object with `error` is an OAuth error (`access_denied` or `oauth_error`), whatever the status;
/// - any other non-2xx status is `http_error`;
/// - a 2xx answer must be a JSON object with a non-empty string `access_token` and a `token_type` of
///   `bearer` (any case); `expires_in` may be a number or a string of digits; `refresh_token` and
///   `scope` must be strings when present. Anything else is `invalid_response`.
pub fn parse_token_response(status: u16, body: &str, now_ms: u64) -> Result<TokenResponse> {
    wire::with_json(body, |body| read_token_response(status, body, now_ms))
}

/// [`parse_token_response`] for a body the browser's `JSON.parse` read; a body that is not JSON
/// is [`wire::NULL`].
pub fn read_token_response(status: u16, body: Item<'_>, now_ms: u64) -> Result<TokenResponse> {
    let ok = (200..300).contains(&status);
    let value = Some(body).filter(|v| v.is_object());
    if let Some(v) = value {
        if let Some(error) = v.get("error") {
            let error = String::from(error.as_str().unwrap_or("invalid_response"));
            let description = v.str_member("error_description").map(String::from);
            return Err(Error::from_oauth(error, description).with_status(status));
        }
    }
    match value {
        Some(v) if ok => tokens(v, now_ms).map_err(invalid_response),
        _ => Err(if ok {
            invalid_response("The token response is not a JSON object")
        } else {
            Error::new(
                ErrorCode::HttpError,
                "The token request failed with an HTTP error",
            )
        }
        .with_status(status)),
    }
}

/// The tokens of a successful answer's object; the error is the `invalid_response` message.
fn tokens(v: Item<'_>, now_ms: u64) -> core::result::Result<TokenResponse, &'static str> {
    let access_token = v
        .str_member("access_token")
        .filter(|t| !t.is_empty())
        .ok_or("access_token is missing or not a string")?;
    match v.str_member("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(_) => return Err("token_type is not bearer"),
        None => return Err("token_type is missing"),
    }
    let expires_in = v
        .optional_u64("expires_in")
        .ok_or("expires_in is not a whole number of seconds")?;
    const WRONG_TYPE: &str = "a token response field has the wrong type";
    let refresh_token = v.optional_str("refresh_token").ok_or(WRONG_TYPE)?;
    let scope = v.optional_str("scope").ok_or(WRONG_TYPE)?;
    Ok(TokenResponse {
        access_token: Secret::new(access_token),
        token_type: "bearer".into(),
        refresh_token: refresh_token.filter(|s| !s.is_empty()).map(Secret::new),
        expires_at: expires_in.map(|secs| {
            // Saturating, without a 128-bit multiplication.
            let ms = if secs > u64::MAX / 1000 {
                u64::MAX
            } else {
                secs * 1000
            };
            now_ms.saturating_add(ms)
        }),
        scope: scope.map(String::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn parse(status: u16, body: &str) -> Result<TokenResponse> {
        parse_token_response(status, body, NOW)
    }

    #[test]
    fn doorkeeper_response() {
        let t = parse(200, r#"{"access_token":"at","token_type":"bearer","expires_in":31536000,"refresh_token":"rt","scope":"public","created_at":1700000000}"#).unwrap();
        assert_eq!(t.access_token.expose(), "at");
        assert_eq!(t.refresh_token.unwrap().expose(), "rt");
        assert_eq!(t.expires_at, Some(NOW + 31_536_000_000));
        assert_eq!(t.scope.as_deref(), Some("public"));
    }

    #[test]
    fn string_expires_in_and_capital_bearer() {
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":"3600"}"#,
        )
        .unwrap();
        assert_eq!(t.token_type, "bearer");
        assert_eq!(t.expires_at, Some(NOW + 3_600_000));
        assert_eq!(t.refresh_token, None);
    }

    #[test]
    fn missing_or_wrong_fields() {
        let code = |b: &str| parse(200, b).unwrap_err().code;
        assert_eq!(
            code(r#"{"token_type":"bearer"}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(
            code(r#"{"access_token":"","token_type":"bearer"}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(
            code(r#"{"access_token":5,"token_type":"bearer"}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(code(r#"{"access_token":"a"}"#), ErrorCode::InvalidResponse);
        assert_eq!(
            code(r#"{"access_token":"a","token_type":"mac"}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(
            code(r#"{"access_token":"a","token_type":"bearer","expires_in":"soon"}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(
            code(r#"{"access_token":"a","token_type":"bearer","refresh_token":7}"#),
            ErrorCode::InvalidResponse
        );
        assert_eq!(code(r#"["access_token"]"#), ErrorCode::InvalidResponse);
    }

    #[test]
    fn non_json_bodies() {
        let e = parse(200, "<html>oops</html>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        let e = parse(502, "<html><h1>502 Bad Gateway</h1></html>").unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::HttpError, Some(502)));
        let e = parse(500, r#"{"detail":"boom"}"#).unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::HttpError, Some(500)));
    }

    #[test]
    fn oauth_errors_keep_code_and_description() {
        let e = parse(401, r#"{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::OauthError);
        assert_eq!(e.status, Some(401));
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
        assert!(e.description.unwrap().starts_with("The provided"));
        let e = parse(400, r#"{"error":"access_denied"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::AccessDenied);
    }

    #[test]
    fn session_round_trip_and_redaction() {
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"bearer","expires_in":60,"refresh_token":"rt"}"#,
        )
        .unwrap();
        let s = Session::from_token_response("fitbark", t, None, None);
        let text = s.to_json();
        assert_eq!(
            text,
            r#"{"provider":"fitbark","accessToken":"at","tokenType":"bearer","refreshToken":"rt","expiresAt":1700000060000}"#
        );
        assert_eq!(Session::from_json(&text, "fitbark"), Some(s.clone()));
        assert_eq!(Session::from_json(&text, "fitrankings"), None);
        let debug = format!("{s:?}");
        assert!(
            !debug.contains("\"at\"") && !debug.contains("\"rt\""),
            "{debug}"
        );
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn corrupt_stored_sessions_are_none() {
        for bad in [
            "",
            "null",
            "{}",
            "not json",
            r#"{"provider":"fitbark","accessToken":"","tokenType":"bearer"}"#,
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","expiresAt":"x"}"#,
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","userId":5}"#,
        ] {
            assert_eq!(Session::from_json(bad, "fitbark"), None, "{bad}");
        }
    }

    #[test]
    fn refresh_keeps_the_old_refresh_token_when_none_is_sent() {
        let t = parse(200, r#"{"access_token":"new","token_type":"bearer"}"#).unwrap();
        let s = Session::from_token_response("fitbark", t, None, Some(Secret::new("old")));
        assert_eq!(s.refresh_token.unwrap().expose(), "old");
    }

    #[test]
    fn expiry_arithmetic() {
        let mut s = Session::from_token_response(
            "fitbark",
            parse(
                200,
                r#"{"access_token":"a","token_type":"bearer","expires_in":10}"#,
            )
            .unwrap(),
            None,
            None,
        );
        assert!(!s.expires_within(NOW, 0));
        assert!(!s.expires_within(NOW + 9_999, 0));
        assert!(s.expires_within(NOW + 10_000, 0));
        assert!(s.expires_within(NOW + 5_000, 5_000));
        assert!(!s.expires_within(NOW + 4_999, 5_000));
        s.expires_at = None;
        assert!(!s.expires_within(u64::MAX, u64::MAX));
        s.expires_at = Some(u64::MAX);
        assert!(s.expires_within(1, u64::MAX));
    }
}
