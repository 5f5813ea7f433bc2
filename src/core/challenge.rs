//! Bearer challenges in `WWW-Authenticate` (RFC 6750 §3, syntax from RFC 9110 §11.6.1) and what a
//! client should do about them.

use super::error::{Error, ErrorCode};

/// Longest header parsed; real challenges are a few hundred bytes.
const MAX_HEADER_LEN: usize = 8 * 1024;

/// The parameters of a `Bearer` challenge.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BearerChallenge {
    /// `error`: `invalid_request`, `invalid_token`, `insufficient_scope` or another value.
    pub error: Option<String>,
    /// `error_description`
    pub error_description: Option<String>,
    /// `scope`: the scope the resource needs.
    pub scope: Option<String>,
}

struct Cursor<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

/// `tchar` (RFC 9110 §5.6.2): letters, digits and ``!#$%&'*+-.^_`|~``.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
/// `tchar` and the `/` and `=` of token68 (RFC 9110 §11.2).
fn is_token68(b: u8) -> bool {
    is_tchar(b) || b == b'/' || b == b'='
}

impl<'a> Cursor<'a> {
    /// Skips spaces and tabs, and commas too when `commas` is set.
    fn skip(&mut self, commas: bool) {
        self.span(|b| b == b' ' || b == b'\t' || (commas && b == b','));
    }

    /// Moves past the bytes `in_set` accepts and answers where they started.
    fn span(&mut self, in_set: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|&b| in_set(b)) {
            self.i += 1;
        }
        start
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        let start = self.span(is_tchar);
        self.s.get(start..self.i).filter(|t| !t.is_empty())
    }

    /// Moves past the next byte if it is `b`.
    fn next_is(&mut self, b: u8) -> bool {
        let hit = self.s.get(self.i) == Some(&b);
        self.i += usize::from(hit);
        hit
    }

    /// The rest of a quoted string, after its opening quote.
    fn quoted(&mut self) -> Option<String> {
        let mut out = String::new();
        // Runs between backslashes are copied whole; they start and end next to ASCII bytes, so
        // at character boundaries. An escaped character starts the next run.
        let mut run = self.i;
        loop {
            match *self.s.get(self.i)? {
                b'"' => {
                    out.push_str(self.text.get(run..self.i)?);
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(self.text.get(run..self.i)?);
                    self.s.get(self.i + 1)?;
                    run = self.i + 1;
                    self.i += 2;
                }
                _ => self.i += 1,
            }
        }
    }

    fn value(&mut self) -> Option<String> {
        if self.next_is(b'"') {
            self.quoted()
        } else {
            // token68 characters ('/' and '=') are accepted too: some servers leave values unquoted.
            let start = self.span(is_token68);
            self.text.get(start..self.i).map(String::from)
        }
    }
}

/// Finds the `Bearer` challenge in a `WWW-Authenticate` value, which may hold several challenges
/// (`Basic realm="a", Bearer error="invalid_token"`). `None` when there is none or the header is
/// malformed.
///
/// # Examples
/// ```
/// use fitconnect::core::challenge::parse_bearer;
///
/// let header = r#"Basic realm="x", Bearer error="insufficient_scope", scope="read write""#;
/// let challenge = parse_bearer(header).unwrap();
/// assert_eq!(challenge.error.as_deref(), Some("insufficient_scope"));
/// assert_eq!(challenge.scope.as_deref(), Some("read write"));
///
/// assert!(parse_bearer(r#"Basic realm="x""#).is_none());
/// ```
pub fn parse_bearer(header: &str) -> Option<BearerChallenge> {
    if header.len() > MAX_HEADER_LEN {
        return None;
    }
    let mut c = Cursor {
        text: header,
        s: header.as_bytes(),
        i: 0,
    };
    // Set once the Bearer challenge starts; parameters before it belong to other schemes.
    let mut found: Option<BearerChallenge> = None;
    loop {
        c.skip(true);
        if c.i >= c.s.len() {
            return found;
        }
        let word = c.token()?;
        c.skip(false);
        if c.next_is(b'=') {
            c.skip(false);
            let value = c.value()?;
            if let Some(challenge) = found.as_mut() {
                let slot = if word.eq_ignore_ascii_case(b"error") {
                    &mut challenge.error
                } else if word.eq_ignore_ascii_case(b"error_description") {
                    &mut challenge.error_description
                } else if word.eq_ignore_ascii_case(b"scope") {
                    &mut challenge.scope
                } else {
                    continue;
                };
                slot.get_or_insert(value);
            }
        } else {
            // A new challenge starts; only the first Bearer one counts.
            if found.is_some() {
                return found;
            }
            if word.eq_ignore_ascii_case(b"bearer") {
                found = Some(BearerChallenge::default());
            }
        }
    }
}

/// What to do with a 401 or 403 answer to a Bearer request.
#[derive(Debug, PartialEq, Eq)]
pub enum Reaction {
    /// The token is not (or no longer) accepted: refresh once and retry once, where possible.
    RefreshAndRetry,
    /// The token lacks scope: refreshing will not help; fail with this error.
    Fail(Error),
    /// Hand the response to the caller as it is (a malformed request, or nothing to act on).
    Return,
}

/// Decides how to react to `status` with the `WWW-Authenticate` value `header` (RFC 6750 §3.1).
///
/// # Examples
/// ```
/// use fitconnect::core::challenge::{react, Reaction};
///
/// // An expired or revoked token: refresh once, then retry once.
/// assert_eq!(react(401, Some(r#"Bearer error="invalid_token""#)), Reaction::RefreshAndRetry);
/// // Missing scope: a refresh would not help.
/// assert!(matches!(
///     react(403, Some(r#"Bearer error="insufficient_scope""#)),
///     Reaction::Fail(e) if e.code.as_str() == "http_error"
/// ));
/// assert_eq!(react(403, None), Reaction::Return);
/// ```
pub fn react(status: u16, header: Option<&str>) -> Reaction {
    let challenge = header.and_then(parse_bearer);
    let error = challenge.as_ref().and_then(|c| c.error.as_deref());
    match (status, error) {
        (_, Some("insufficient_scope")) => {
            let c = challenge.unwrap_or_default();
            let mut e = Error::new(
                ErrorCode::HttpError,
                "The token lacks the scope this request needs",
            )
            .with_status(status);
            e.oauth_error = c.error;
            e.description = c.error_description;
            e.scope = c.scope;
            Reaction::Fail(e)
        }
        (_, Some("invalid_request")) => Reaction::Return,
        // No challenge, `invalid_token`, or an unknown error code on a 401: the token is the problem.
        (401, _) => Reaction::RefreshAndRetry,
        _ => Reaction::Return,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc6750_examples() {
        let c = parse_bearer(r#"Bearer realm="example""#).unwrap();
        assert_eq!(c, BearerChallenge::default());
        let c = parse_bearer(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        )
        .unwrap();
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            c.error_description.as_deref(),
            Some("The access token expired")
        );
    }

    #[test]
    fn finds_bearer_among_challenges_and_unescapes() {
        let c = parse_bearer(
            r#"Basic realm="x", Bearer error=insufficient_scope, scope="read \"dogs\"", Newauth realm="y""#,
        )
        .unwrap();
        assert_eq!(c.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(c.scope.as_deref(), Some("read \"dogs\""));
        assert!(parse_bearer(r#"Basic realm="x""#).is_none());
        assert!(parse_bearer("").is_none());
        assert!(parse_bearer(r#"Bearer error="unterminated"#).is_none());
        assert!(parse_bearer(&"Bearer a=b,".repeat(2000)).is_none());
    }

    #[test]
    fn doorkeeper_header() {
        let c = parse_bearer(r#"Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid""#).unwrap();
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
    }

    #[test]
    fn reactions() {
        assert_eq!(react(401, None), Reaction::RefreshAndRetry);
        assert_eq!(
            react(401, Some(r#"Bearer error="invalid_token""#)),
            Reaction::RefreshAndRetry
        );
        assert_eq!(
            react(400, Some(r#"Bearer error="invalid_request""#)),
            Reaction::Return
        );
        assert_eq!(
            react(401, Some(r#"Bearer error="invalid_request""#)),
            Reaction::Return
        );
        assert_eq!(react(403, None), Reaction::Return);
        match react(
            403,
            Some(r#"Bearer error="insufficient_scope", scope="admin""#),
        ) {
            Reaction::Fail(e) => {
                assert_eq!(e.code, ErrorCode::HttpError);
                assert_eq!(e.status, Some(403));
                assert_eq!(e.scope.as_deref(), Some("admin"));
                assert_eq!(e.oauth_error.as_deref(), Some("insufficient_scope"));
            }
            other => panic!("{other:?}"),
        }
    }
}
