//! Sessions (what is stored per provider) and token responses (RFC 6749 §5.1, §5.2), read
//! strictly: every field has the type the RFC gives it, and anything else is `invalid_response`.

use litemap::LiteMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use zeroize::Zeroizing;

use super::error::{Error, ErrorCode, Result};
use super::options::{self, Value};

/// A token or other credential: `Debug` prints `[redacted]`, and the text is wiped from memory
/// when the value is dropped. It serializes as its plain text: only into the stored session and
/// the session object handed to the app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The credential's text, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// What a session, and a sign-in under way, is bound to: the provider, the API origin its token is
/// sent to, the token endpoint that issues and refreshes it, and the client id. Clients configured
/// alike share one session (across tabs too); a client configured otherwise (another club's
/// `baseUrl`, another `tokenEndpoint`) has storage keys of its own, so it neither sees nor
/// destroys the other's session, and never sends its tokens elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// `<provider>:<first 16 characters of the SHA-256 fingerprint of the four parts>`.
    id: String,
}

impl Binding {
    /// The binding of a client's configuration (`token_endpoint` resolved, `""` for none).
    ///
    /// # Examples
    /// ```
    /// use fitconnect::core::session::Binding;
    ///
    /// let club_a = Binding::new("perfectgym", "https://club-a.example", "", "");
    /// assert_eq!(club_a, Binding::new("perfectgym", "https://club-a.example", "", ""));
    /// assert!(club_a.session_key().starts_with("fitconnect:session:perfectgym:"));
    /// assert_eq!(club_a.provider(), "perfectgym");
    ///
    /// // Another club's API: its own storage keys, so neither sees the other's session.
    /// let club_b = Binding::new("perfectgym", "https://club-b.example", "", "");
    /// assert_ne!(club_a.session_key(), club_b.session_key());
    /// ```
    pub fn new(provider: &str, api_origin: &str, token_endpoint: &str, client_id: &str) -> Binding {
        // A newline cannot occur in an origin or a URL: the parts cannot run into each other.
        let parts = [provider, api_origin, token_endpoint, client_id].join("\n");
        let mut fingerprint = super::pkce::fingerprint(&parts);
        fingerprint.truncate(16);
        Binding {
            id: [provider, ":", &fingerprint].concat(),
        }
    }

    /// The binding an announcement names by its [`id`](Binding::id).
    pub fn from_id(id: &str) -> Binding {
        Binding { id: id.into() }
    }

    /// The provider id the binding starts with.
    pub fn provider(&self) -> &str {
        self.id.split(':').next().unwrap_or_default()
    }

    /// `<provider>:<fingerprint>`: what rotation announcements and lock names carry.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Where the session is stored (`sessionStorage`).
    pub fn session_key(&self) -> String {
        ["fitconnect:session:", &self.id].concat()
    }

    /// Where a started sign-in (the FitBark transaction) is stored.
    pub fn transaction_key(&self) -> String {
        ["fitconnect:tx:", &self.id].concat()
    }
}

/// A signed-in user's tokens for one provider, stored under its client's
/// [`Binding::session_key`] and handed to the app (`client.session`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The provider id.
    pub provider: String,
    /// The Bearer token.
    pub access_token: Secret,
    /// Always `bearer`.
    pub token_type: String,
    /// The provider's user id, where the sign-in gives one (FitRankings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The refresh token, where the provider issues one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in ms since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The granted scope, when the provider says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl Session {
    /// Whether the access token expires within `skew_ms` of `now_ms` (or already has).
    pub fn expires_within(&self, now_ms: u64, skew_ms: u64) -> bool {
        self.expires_at
            .is_some_and(|at| at <= now_ms.saturating_add(skew_ms))
    }

    /// A session from its stored members (what `Serialize` wrote); `None` when a member is missing
    /// or has another type.
    pub fn from_fields(f: &Fields) -> Option<Session> {
        let required = |name| text_field(f, name).ok().flatten().map(String::from);
        let optional = |name| text_field(f, name).ok().map(|t| t.map(String::from));
        Some(Session {
            provider: required("provider")?,
            access_token: Secret::new(required("accessToken")?),
            token_type: required("tokenType")?,
            user_id: optional("userId")?,
            refresh_token: optional("refreshToken")?.map(Secret::new),
            expires_at: whole_field(f, "expiresAt").ok()?,
            scope: optional("scope")?,
        })
    }

    /// Accepts a stored session only if it is for `provider` and has a token; anything else
    /// (another provider's, an empty token) is `None`, and the caller removes it.
    pub fn checked(self, provider: &str) -> Option<Session> {
        (self.provider == provider && !self.access_token.expose().is_empty()).then_some(self)
    }

    /// The session a token response gives. A refresh that returns no new refresh token keeps the
    /// previous one (RFC 6749 §6).
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

/// One member of a JSON object (a token response, a stored session or sign-in, a message), as JSON
/// gives it: its type is checked by the reader.
#[derive(Debug)]
pub enum Field {
    /// A string.
    Text(String),
    /// A number (JSON numbers arrive as JavaScript numbers: no float parsing in the wasm).
    Number(f64),
    /// `null`: a wrong type in a token response; an absent member in what the SDK stored.
    Null,
    /// A boolean, an array or an object. Arrays and objects are skipped without
    /// descending into them, so no nesting depth can exhaust the stack.
    Other,
}

impl<'de> Deserialize<'de> for Field {
    /// As an option value read at the depth where objects are no longer descended into: a
    /// boolean, an array or an object is `Other`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        Ok(match options::shallow_value(deserializer)? {
            Value::Text(s) => Field::Text(s),
            Value::Number(n) => Field::Number(n),
            Value::Absent => Field::Null,
            Value::Bool(_) | Value::Object(_) | Value::Other => Field::Other,
        })
    }
}

/// A JSON object, member by member (an array or any other JSON value does not deserialize into
/// it). In the browser, `web::json::fields` builds it from `JSON.parse`'s answer, reading each
/// member as a string, a number or neither.
pub type Fields = LiteMap<String, Field>;

/// A token endpoint's JSON object, member by member.
pub type TokenFields = Fields;

/// A stored record's member has another type than the one asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrongType;

/// The string member `name` of a stored record: `Ok(None)` when absent or `null` (as serde reads
/// an `Option`).
///
/// # Errors
/// [`WrongType`] when the member is present and is neither a string nor `null`.
pub fn text_field<'a>(
    fields: &'a Fields,
    name: &str,
) -> core::result::Result<Option<&'a str>, WrongType> {
    match fields.get(name) {
        Some(Field::Null) => Ok(None),
        _ => text(fields, name).map_err(|()| WrongType),
    }
}

/// The whole, non-negative number member `name` of a stored record (at most
/// [`MAX_SAFE_INTEGER`]): `Ok(None)` when absent or `null`.
///
/// # Errors
/// [`WrongType`] when the member is present, not `null`, and not a whole number from 0 to
/// [`MAX_SAFE_INTEGER`].
pub fn whole_field(fields: &Fields, name: &str) -> core::result::Result<Option<u64>, WrongType> {
    match fields.get(name) {
        None | Some(Field::Null) => Ok(None),
        Some(Field::Number(n))
            if n.fract() == 0.0 && *n >= 0.0 && *n <= MAX_SAFE_INTEGER as f64 =>
        {
            Ok(Some(*n as u64))
        }
        Some(_) => Err(WrongType),
    }
}

/// A successful token response, checked.
#[derive(Debug, PartialEq, Eq)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: Secret,
    /// `token_type`, lowercased (only `bearer` is accepted).
    pub token_type: String,
    /// `refresh_token`, if any (an empty one counts as none).
    pub refresh_token: Option<Secret>,
    /// `now + expires_in`, in ms.
    pub expires_at: Option<u64>,
    /// `scope`, if any.
    pub scope: Option<String>,
}

/// Longest token response read, in bytes (or UTF-16 code units): token responses are a few
/// hundred bytes.
pub const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// JavaScript's `Number.MAX_SAFE_INTEGER`: expiry times are clamped to it, so that they cross
/// to JavaScript as exact numbers.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

fn invalid_response(message: &'static str) -> Error {
    Error::new(ErrorCode::InvalidResponse, message)
}

fn text<'a>(fields: &'a TokenFields, name: &str) -> core::result::Result<Option<&'a str>, ()> {
    match fields.get(name) {
        None => Ok(None),
        Some(Field::Text(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// Reads a token endpoint's answer: `status` and the body's JSON object (`None` when the body is
/// not a JSON object). A 2xx with a valid object and no `error` member gives the tokens (RFC 6749
/// §5.1), with `expires_in` turned into `expires_at` from `now_ms`.
///
/// # Errors
/// Each error carries `status`.
/// - `http_error` for a 5xx, whatever the body says: a server failure is not a refused grant, so
///   a caller keeps the session and can try again (the provider's `error` and
///   `error_description`, if any, are kept for reference).
/// - Below 500, an `error` member is the provider's OAuth error (RFC 6749 §5.2): `access_denied`
///   for that value, `oauth_error` for any other.
/// - `invalid_response` for a 2xx whose body is not a JSON object, or whose members are not a
///   valid token response: `access_token` missing, empty or not a string, `token_type` missing
///   or not `bearer`, `expires_in` not a whole number of seconds, `refresh_token` or `scope` not
///   a string.
/// - `http_error` for any other status without an `error` member.
///
/// # Examples
/// ```
/// use fitconnect::core::session::{read_token_response, Fields};
/// use fitconnect::core::ErrorCode;
///
/// let body: Fields =
///     serde_json::from_str(r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#)
///         .unwrap();
/// let tokens = read_token_response(200, Some(&body), 1_000).unwrap();
/// assert_eq!(tokens.access_token.expose(), "at");
/// assert_eq!(tokens.expires_at, Some(1_000 + 3_600_000));
///
/// let refused: Fields = serde_json::from_str(r#"{"error":"invalid_grant"}"#).unwrap();
/// let e = read_token_response(400, Some(&refused), 1_000).unwrap_err();
/// assert_eq!((e.code, e.status), (ErrorCode::OauthError, Some(400)));
/// assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
/// ```
pub fn read_token_response(
    status: u16,
    body: Option<&TokenFields>,
    now_ms: u64,
) -> Result<TokenResponse> {
    let ok = (200..300).contains(&status);
    let oauth = body.and_then(|b| b.get("error")).map(|error| {
        let error = match error {
            Field::Text(s) => s.clone(),
            _ => "invalid_response".into(),
        };
        let description = body.and_then(|b| text(b, "error_description").ok().flatten());
        (error, description.map(String::from))
    });
    if status >= 500 {
        let mut e = Error::new(
            ErrorCode::HttpError,
            "The token endpoint failed with a server error",
        )
        .with_status(status);
        if let Some((error, description)) = oauth {
            e.oauth_error = Some(error);
            e.description = description;
        }
        return Err(e);
    }
    if let Some((error, description)) = oauth {
        return Err(Error::from_oauth(error, description).with_status(status));
    }
    match body {
        Some(fields) if ok => tokens(fields, now_ms)
            .map_err(invalid_response)
            .map_err(|e| e.with_status(status)),
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

/// Seconds in `expires_in`: a whole, non-negative number, or a string of digits.
fn seconds(field: &Field) -> Option<u64> {
    match field {
        Field::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= 9_007_199_254_740_991.0 => {
            Some(*n as u64)
        }
        Field::Text(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    }
}

fn tokens(v: &TokenFields, now_ms: u64) -> core::result::Result<TokenResponse, &'static str> {
    const WRONG_TYPE: &str = "a token response field has the wrong type";
    let access_token = text(v, "access_token")
        .ok()
        .flatten()
        .filter(|t| !t.is_empty())
        .ok_or("access_token is missing or not a string")?;
    match text(v, "token_type").map_err(|_| WRONG_TYPE)? {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(_) => return Err("token_type is not bearer"),
        None => return Err("token_type is missing"),
    }
    let expires_in = match v.get("expires_in") {
        None => None,
        Some(f) => Some(seconds(f).ok_or("expires_in is not a whole number of seconds")?),
    };
    let refresh_token = text(v, "refresh_token").map_err(|_| WRONG_TYPE)?;
    let scope = text(v, "scope").map_err(|_| WRONG_TYPE)?;
    Ok(TokenResponse {
        access_token: Secret::new(access_token),
        token_type: "bearer".into(),
        refresh_token: refresh_token.filter(|s| !s.is_empty()).map(Secret::new),
        expires_at: expires_in.map(|secs| {
            now_ms
                .saturating_add(secs.saturating_mul(1000))
                .min(MAX_SAFE_INTEGER)
        }),
        scope: scope.map(String::from),
    })
}

#[cfg(test)]
mod binding_tests {
    use super::Binding;

    #[test]
    fn clients_configured_alike_share_keys_and_others_do_not() {
        let a = Binding::new("perfectgym", "https://club-a.example", "", "");
        assert_eq!(
            a,
            Binding::new("perfectgym", "https://club-a.example", "", "")
        );
        assert!(a
            .session_key()
            .starts_with("fitconnect:session:perfectgym:"));
        assert!(a.transaction_key().starts_with("fitconnect:tx:perfectgym:"));
        assert_eq!(a.id().len(), "perfectgym:".len() + 16);
        assert_eq!(Binding::from_id(a.id()), a);
        assert_eq!(a.provider(), "perfectgym");
        for other in [
            Binding::new("perfectgym", "https://club-b.example", "", ""),
            Binding::new("fisikal", "https://club-a.example", "", ""),
            Binding::new(
                "perfectgym",
                "https://club-a.example",
                "https://t.example/",
                "",
            ),
            Binding::new("perfectgym", "https://club-a.example", "", "cid"),
            // The parts cannot be shifted into one another.
            Binding::new("perfectgym", "https://club-a.example\n", "", ""),
        ] {
            assert_ne!(a.session_key(), other.session_key());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn parse(status: u16, body: &str) -> Result<TokenResponse> {
        let fields = crate::core::from_json_object::<TokenFields>(body);
        read_token_response(status, fields.as_ref(), NOW)
    }

    /// A stored session read as the browser reads it (members, then `from_fields`); serde's own
    /// reading of the same text must agree.
    fn stored(text: &str, provider: &str) -> Option<Session> {
        let read =
            crate::core::from_json_object::<Fields>(text).and_then(|f| Session::from_fields(&f));
        assert_eq!(read, serde_json::from_str::<Session>(text).ok(), "{text}");
        read?.checked(provider)
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
        for bad in [
            r#"{"token_type":"bearer"}"#,
            r#"{"access_token":"","token_type":"bearer"}"#,
            r#"{"access_token":5,"token_type":"bearer"}"#,
            r#"{"access_token":"a"}"#,
            r#"{"access_token":"a","token_type":"mac"}"#,
            r#"{"access_token":"a","token_type":7}"#,
            r#"{"access_token":"a","token_type":"bearer","expires_in":"soon"}"#,
            r#"{"access_token":"a","token_type":"bearer","expires_in":-1}"#,
            r#"{"access_token":"a","token_type":"bearer","expires_in":1.5}"#,
            r#"{"access_token":"a","token_type":"bearer","expires_in":1e300}"#,
            r#"{"access_token":"a","token_type":"bearer","expires_in":null}"#,
            r#"{"access_token":"a","token_type":"bearer","refresh_token":7}"#,
            r#"{"access_token":"a","token_type":"bearer","scope":["a"]}"#,
            r#"["access_token"]"#,
            r#""access_token""#,
        ] {
            assert_eq!(code(bad), ErrorCode::InvalidResponse, "{bad}");
        }
    }

    #[test]
    fn huge_expires_in_saturates() {
        let t = parse(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":"99999999999999999999"}"#,
        );
        assert_eq!(t.unwrap_err().code, ErrorCode::InvalidResponse);
        let t = parse(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":9007199254740991}"#,
        )
        .unwrap();
        assert_eq!(t.expires_at, Some(MAX_SAFE_INTEGER));
    }

    #[test]
    fn non_json_bodies() {
        let e = parse(200, "<html>oops</html>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        let e = parse(502, "<html><h1>502 Bad Gateway</h1></html>").unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::HttpError, Some(502)));
        let e = parse(404, r#"{"detail":"boom"}"#).unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::HttpError, Some(404)));
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
    fn server_errors_are_http_errors_even_with_an_oauth_body() {
        let e = parse(504, r#"{"error":"temporarily_unavailable"}"#).unwrap_err();
        assert_eq!((e.code, e.status), (ErrorCode::HttpError, Some(504)));
        assert_eq!(e.oauth_error.as_deref(), Some("temporarily_unavailable"));
        let e = parse(503, r#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::HttpError);
    }

    #[test]
    fn session_round_trip_and_redaction() {
        let t = parse(
            200,
            r#"{"access_token":"at","token_type":"bearer","expires_in":60,"refresh_token":"rt"}"#,
        )
        .unwrap();
        let s = Session::from_token_response("fitbark", t, None, None);
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(
            text,
            r#"{"provider":"fitbark","accessToken":"at","tokenType":"bearer","refreshToken":"rt","expiresAt":1700000060000}"#
        );
        assert_eq!(stored(&text, "fitbark"), Some(s.clone()));
        assert_eq!(stored(&text, "fitrankings"), None);
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
            r#"{"provider":"fitbark","accessToken":7,"tokenType":"bearer"}"#,
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","expiresAt":"x"}"#,
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","userId":5}"#,
        ] {
            assert_eq!(stored(bad, "fitbark"), None, "{bad}");
        }
        assert!(stored(
            r#"{"provider":"fitbark","accessToken":"a","tokenType":"bearer","scope":null}"#,
            "fitbark"
        )
        .is_some());
    }

    #[test]
    fn refresh_keeps_the_old_refresh_token_when_none_is_sent() {
        let t = parse(200, r#"{"access_token":"new","token_type":"bearer"}"#).unwrap();
        let s = Session::from_token_response("fitbark", t, None, Some(Secret::new("old")));
        assert_eq!(s.refresh_token.unwrap().expose(), "old");
    }

    #[test]
    fn expiry_arithmetic() {
        let t = parse(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":10}"#,
        )
        .unwrap();
        let mut s = Session::from_token_response("fitbark", t, None, None);
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
