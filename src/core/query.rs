//! Query strings: building them (RFC 3986 percent-encoding of everything but unreserved
//! characters) and reading callbacks strictly (a malformed escape, invalid UTF-8 or a repeated
//! parameter is an error, not a guess). Encoding and decoding are `percent-encoding`'s.

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::{Error, ErrorCode, Result};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A name and an optional value: `None` leaves the parameter out.
pub type Pair<'a> = (&'a str, Option<&'a str>);

/// `name=value&…` with both sides percent-encoded; `None` values are skipped.
pub fn encode_pairs(pairs: &[Pair]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        let Some(value) = value else { continue };
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, COMPONENT));
        out.push('=');
        out.extend(utf8_percent_encode(value, COMPONENT));
    }
    out
}

/// `url` with the pairs appended to its query (`?` or `&` as needed).
pub fn append_to_url(url: &str, pairs: &[Pair]) -> String {
    let query = encode_pairs(pairs);
    if query.is_empty() {
        return url.into();
    }
    let separator = if !url.contains('?') {
        "?"
    } else if url.ends_with('?') || url.ends_with('&') {
        ""
    } else {
        "&"
    };
    [url, separator, &query].concat()
}

fn invalid(message: &'static str) -> Error {
    Error::new(ErrorCode::InvalidCallback, message)
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, every `%` starts
/// two hex digits, and the bytes must be UTF-8.
///
/// # Errors
/// `invalid_callback` when a `%` is not followed by two hex digits, or when the decoded bytes
/// are not UTF-8.
pub fn decode_component(raw: &str) -> Result<String> {
    let bytes = raw.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return Err(invalid("The callback has a malformed percent-escape"));
    }
    let spaced: Cow<str> = if raw.contains('+') {
        raw.replace('+', " ").into()
    } else {
        raw.into()
    };
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| invalid("The callback is not valid UTF-8"))
}

fn strip_lead(query: &str, lead: char) -> &str {
    query.strip_prefix(lead).unwrap_or(query)
}

/// The raw `name=value` segments of a query (with or without its `?` or `#`), empty ones skipped.
fn segments(query: &str) -> impl Iterator<Item = (&str, &str)> {
    strip_lead(strip_lead(query, '?'), '#')
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| s.split_once('=').unwrap_or((s, "")))
}

/// Longest query or fragment read (16 KiB): real callbacks are a few hundred bytes.
pub const MAX_QUERY_LEN: usize = 16 * 1024;

/// A callback's decoded parameters, in order.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes every parameter; any malformed one makes the whole query invalid.
    ///
    /// # Errors
    /// `invalid_callback` when the query is longer than [`MAX_QUERY_LEN`], or when a name or a
    /// value fails [`decode_component`].
    ///
    /// # Examples
    /// ```
    /// use fitconnect::core::query::Params;
    /// use fitconnect::core::ErrorCode;
    ///
    /// let params = Params::parse("?token=a%2Bb+c&user_id=42").unwrap();
    /// assert_eq!(params.require("token").unwrap(), "a+b c");
    /// assert_eq!(params.get("scope").unwrap(), None);
    ///
    /// // Strict: a repeated parameter or a broken escape is an error, not a guess.
    /// let twice = Params::parse("?code=a&code=b").unwrap();
    /// assert_eq!(twice.get("code").unwrap_err().code, ErrorCode::InvalidCallback);
    /// assert_eq!(Params::parse("?code=%zz").unwrap_err().code, ErrorCode::InvalidCallback);
    /// ```
    pub fn parse(query: &str) -> Result<Self> {
        if query.len() > MAX_QUERY_LEN {
            return Err(invalid("The callback is too long"));
        }
        segments(query)
            .map(|(name, value)| Ok((decode_component(name)?, decode_component(value)?)))
            .collect::<Result<Vec<_>>>()
            .map(Params)
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the parameter appears at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// The parameter's value, `None` when it is absent.
    ///
    /// # Errors
    /// `invalid_callback` when the parameter appears more than once (RFC 6749 §3.1: parameters
    /// must not be repeated).
    pub fn get(&self, name: &str) -> Result<Option<&str>> {
        let mut found = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        match (found.next(), found.next()) {
            (Some(_), Some(_)) => Err(Error::new(
                ErrorCode::InvalidCallback,
                format!("The callback repeats the parameter {name}"),
            )),
            (v, _) => Ok(v.map(String::as_str)),
        }
    }

    /// The parameter's value, which must be present and non-empty.
    ///
    /// # Errors
    /// `invalid_callback` when the parameter is absent, empty or repeated.
    pub fn require(&self, name: &str) -> Result<&str> {
        match self.get(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(Error::new(
                ErrorCode::InvalidCallback,
                format!("The callback lacks the parameter {name}"),
            )),
        }
    }
}

/// Removes the named parameters from a query string (with or without its `?`), keeping the others
/// byte for byte. Returns the new query with a leading `?`, or an empty string when none remain.
pub fn remove_params(query: &str, names: &[&str]) -> String {
    let mut out = String::new();
    for segment in strip_lead(query, '?').split('&').filter(|s| !s.is_empty()) {
        let raw_name = segment.split_once('=').map_or(segment, |(n, _)| n);
        let name = decode_component(raw_name).unwrap_or_default();
        if names.contains(&name.as_str()) {
            continue;
        }
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(segment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(
            encode_pairs(&[
                ("callback_uri", Some("https://a.b/c?d=e f")),
                ("skipped", None),
                ("x", Some("é~-._"))
            ]),
            "callback_uri=https%3A%2F%2Fa.b%2Fc%3Fd%3De%20f&x=%C3%A9~-._"
        );
    }

    #[test]
    fn appends_with_the_right_separator() {
        assert_eq!(
            append_to_url("https://a/p", &[("a", Some("1"))]),
            "https://a/p?a=1"
        );
        assert_eq!(
            append_to_url("https://a/p?x=1", &[("a", Some("1"))]),
            "https://a/p?x=1&a=1"
        );
        assert_eq!(
            append_to_url("https://a/p?", &[("a", Some("1"))]),
            "https://a/p?a=1"
        );
        assert_eq!(append_to_url("https://a/p", &[]), "https://a/p");
    }

    #[test]
    fn decodes_strictly() {
        assert_eq!(decode_component("a%2Bb+c").unwrap(), "a+b c");
        assert_eq!(decode_component("%C3%A9").unwrap(), "é");
        for bad in ["%zz", "%", "%4", "%C3", "%FF", "a%2"] {
            assert_eq!(
                decode_component(bad).unwrap_err().code,
                ErrorCode::InvalidCallback,
                "{bad}"
            );
        }
    }

    #[test]
    fn params_reject_repeats_and_keep_order() {
        let p = Params::parse("?a=1&b=&c&&a=2").unwrap();
        assert!(p.has("b") && p.has("c"));
        assert_eq!(p.get("b").unwrap(), Some(""));
        assert_eq!(p.get("a").unwrap_err().code, ErrorCode::InvalidCallback);
        assert_eq!(p.require("b").unwrap_err().code, ErrorCode::InvalidCallback);
        assert_eq!(p.get("zzz").unwrap(), None);
        assert!(Params::parse("").unwrap().is_empty());
        assert!(Params::parse("#x=1").unwrap().has("x"));
        let long = format!("?code={}", "a".repeat(MAX_QUERY_LEN));
        assert_eq!(
            Params::parse(&long).unwrap_err().code,
            ErrorCode::InvalidCallback
        );
    }

    #[test]
    fn removes_only_the_named_parameters() {
        assert_eq!(
            remove_params(
                "?tab=2&code=a&state=b&error_description=x&q=%20",
                &["code", "state", "error_description"]
            ),
            "?tab=2&q=%20"
        );
        assert_eq!(remove_params("?code=a", &["code"]), "");
        assert_eq!(remove_params("", &["code"]), "");
    }
}
