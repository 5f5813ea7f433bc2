//! `application/x-www-form-urlencoded` encoding and strict decoding (WHATWG URL §5), used for
//! authorise URLs, callback query strings and form bodies.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::{Error, ErrorCode, Result};

/// Longest query or fragment the callback parser accepts. Real callbacks are well under 2 KiB;
/// the bound keeps hostile input from costing memory.
pub const MAX_QUERY_LEN: usize = 16 * 1024;

/// Appends `s` percent-encoded so that it survives as one form value: unreserved characters stay,
/// space becomes `%20` (not `+`, which some providers mishandle), everything else is `%XX`.
pub fn encode_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn is_unreserved(b: u8) -> bool {
    in_set(UNRESERVED, b)
}

const UNRESERVED: u128 = ascii_set(b"-._~");

/// The ASCII letters and digits and the bytes of `extra`, as a set of bits.
pub(crate) const fn ascii_set(extra: &[u8]) -> u128 {
    let mut set = 0;
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            set |= 1 << b;
        }
        b += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        set |= 1 << extra[i];
        i += 1;
    }
    set
}

/// `char::is_whitespace` (the Unicode `White_Space` property) as a list of ranges.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The end of the run of bytes of `set` that starts at `i` in `s`.
pub(crate) fn span_end(s: &[u8], mut i: usize, set: u128) -> usize {
    while s.get(i).is_some_and(|&b| in_set(set, b)) {
        i += 1;
    }
    i
}

/// Whether `b` is in a set of ASCII bytes: bit `b` of `set`, as built by [`ascii_set`].
pub(crate) fn in_set(set: u128, b: u8) -> bool {
    let half = if b < 64 {
        set as u64
    } else {
        (set >> 64) as u64
    };
    b < 128 && half >> (b & 63) & 1 != 0
}

/// Length of `s` once percent-encoded by [`encode_into`].
pub fn encoded_len(s: &str) -> usize {
    s.bytes()
        .map(|b| if is_unreserved(b) { 1 } else { 3 })
        .sum()
}

/// A form parameter: its name and its value; a pair without a value is left out.
pub type Pair<'a> = (&'a str, Option<&'a str>);

/// Exact length of [`encode_pairs`]' output, so a buffer holding a secret can be sized once.
pub fn encoded_pairs_len(pairs: &[Pair]) -> usize {
    let mut len = 0;
    for (name, value) in pairs {
        if let Some(value) = value {
            len += usize::from(len > 0) + encoded_len(name) + 1 + encoded_len(value);
        }
    }
    len
}

/// Builds `a=1&b=2` from pairs, each percent-encoded.
pub fn encode_pairs(pairs: &[Pair]) -> String {
    let mut out = String::with_capacity(encoded_pairs_len(pairs));
    encode_pairs_into(&mut out, pairs);
    out
}

/// Appends `a=1&b=2` to `out`.
pub fn encode_pairs_into(out: &mut String, pairs: &[Pair]) {
    let mut first = true;
    for (name, value) in pairs {
        if let Some(value) = value {
            if !first {
                out.push('&');
            }
            first = false;
            encode_into(out, name);
            out.push('=');
            encode_into(out, value);
        }
    }
}

/// Appends encoded pairs to a URL, with `?` or `&` as the URL already has a query or not.
pub fn append_to_url(url: &str, pairs: &[Pair]) -> String {
    let mut out = String::from(url);
    out.push(if url.bytes().any(|b| b == b'?') {
        '&'
    } else {
        '?'
    });
    encode_pairs_into(&mut out, pairs);
    out
}

pub(crate) fn hex_value(b: u8) -> Option<u8> {
    let digit = b.wrapping_sub(b'0');
    // Letters of either case, folded to lowercase.
    let letter = (b | 0x20).wrapping_sub(b'a');
    if digit < 10 {
        Some(digit)
    } else if letter < 6 {
        Some(letter + 10)
    } else {
        None
    }
}

/// Decodes one form component: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
/// A `%` not followed by two hex digits is an error rather than kept as is: a callback that
/// arrives mangled should fail loudly, not yield a wrong code.
pub fn decode_component(s: &str) -> Result<String> {
    decode(s.as_bytes())
}

fn decode(bytes: &[u8]) -> Result<String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        out.push(match b {
            b'+' => b' ',
            b'%' => {
                let hi = bytes.get(i).copied().and_then(hex_value);
                let lo = bytes.get(i + 1).copied().and_then(hex_value);
                i += 2;
                match (hi, lo) {
                    (Some(h), Some(l)) => h << 4 | l,
                    _ => {
                        return Err(Error::new(
                            ErrorCode::InvalidCallback,
                            "Malformed percent-encoding in the callback",
                        ))
                    }
                }
            }
            b => b,
        });
    }
    if utf8(&out).is_none() {
        return Err(Error::new(
            ErrorCode::InvalidCallback,
            "The callback is not valid UTF-8 once decoded",
        ));
    }
    // SAFETY: just checked to be UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(out) })
}

/// `bytes` as text if they are well-formed UTF-8 (the rules of `core::str::from_utf8`: no
/// overlong forms, surrogates or code points past U+10FFFF), checked in a few hundred bytes of
/// wasm.
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        // Bytes in the sequence, and the smallest code point of that length.
        let (len, min) = match lead {
            0..=0x7f => (1, 0),
            0xc2..=0xdf => (2, 0x80),
            0xe0..=0xef => (3, 0x800),
            0xf0..=0xf4 => (4, 0x1_0000),
            _ => return None,
        };
        let mut c = u32::from(lead) & (0x7f >> len);
        for k in 1..len {
            match bytes.get(i + k) {
                Some(&b) if b & 0xc0 == 0x80 => c = c << 6 | u32::from(b & 0x3f),
                _ => return None,
            }
        }
        if c < min || c > 0x10_ffff || (0xd800..0xe000).contains(&c) {
            return None;
        }
        i += len;
    }
    // SAFETY: every sequence was just checked to be a well-formed UTF-8 encoding.
    Some(unsafe { core::str::from_utf8_unchecked(bytes) })
}

/// Parses a query string or fragment (a leading `?` or `#` is ignored) into decoded pairs, in order.
/// Empty segments (`a=1&&b=2`) are skipped; a name without `=` has an empty value.
pub fn parse(query: &str) -> Result<Vec<(String, String)>> {
    let query = strip_lead(query, b'#');
    if query.len() > MAX_QUERY_LEN {
        return Err(Error::new(
            ErrorCode::InvalidCallback,
            "The callback's query string is too long",
        ));
    }
    let mut pairs = Vec::new();
    for (_, _, name, value) in Segments::new(query) {
        pairs.push((decode(name)?, decode(value)?));
    }
    Ok(pairs)
}

/// `s` without a leading `?`, or without a leading `other`.
fn strip_lead(s: &str, other: u8) -> &str {
    match s.as_bytes().first() {
        Some(&b) if b == b'?' || b == other => s.get(1..).unwrap_or(""),
        _ => s,
    }
}

/// The non-empty `&`-separated segments of a query: each as a byte range of the query, with
/// its name (before the first `=`) and its value (after it; empty without one).
struct Segments<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Segments<'a> {
    fn new(query: &'a str) -> Self {
        Segments {
            s: query.as_bytes(),
            i: 0,
        }
    }
}

impl<'a> Iterator for Segments<'a> {
    type Item = (usize, usize, &'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        while self.i < self.s.len() {
            let start = self.i;
            let mut end = start;
            let mut eq = None;
            while let Some(&b) = self.s.get(end) {
                if b == b'&' {
                    break;
                }
                if b == b'=' && eq.is_none() {
                    eq = Some(end);
                }
                end += 1;
            }
            self.i = end + 1;
            if end > start {
                let eq = eq.unwrap_or(end);
                let name = self.s.get(start..eq).unwrap_or_default();
                let value = self.s.get(eq + 1..end).unwrap_or_default();
                return Some((start, end, name, value));
            }
        }
        None
    }
}

/// Decoded parameters with strict single-value lookups.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses `query` (see [`parse`]).
    pub fn parse(query: &str) -> Result<Self> {
        parse(query).map(Params)
    }

    /// Whether no parameters were present.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `name` occurs at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// The single value of `name`: `None` when absent, an error when it occurs more than once
    /// (RFC 6749 §3.1: parameters must not be included more than once).
    pub fn get(&self, name: &str) -> Result<Option<&str>> {
        let mut found = None;
        for (n, v) in &self.0 {
            if n == name {
                if found.is_some() {
                    let mut message = String::from("The callback repeats the parameter ");
                    message.push_str(name);
                    return Err(Error::new(ErrorCode::InvalidCallback, message));
                }
                found = Some(v.as_str());
            }
        }
        Ok(found)
    }

    /// The single value of `name`, which must be present and non-empty.
    pub fn require(&self, name: &str) -> Result<&str> {
        match self.get(name)? {
            Some(v) if !v.is_empty() => Ok(v),
            _ => {
                let mut message = String::from("The callback lacks the parameter ");
                message.push_str(name);
                Err(Error::new(ErrorCode::InvalidCallback, message))
            }
        }
    }
}

/// Removes the named parameters from a query string (with or without its `?`), keeping the others
/// byte for byte. Returns the new query with a leading `?`, or an empty string when none remain.
pub fn remove_params(query: &str, names: &[&str]) -> String {
    let mut out = String::new();
    let query = strip_lead(query, b'?');
    for (start, end, raw_name, _) in Segments::new(query) {
        let name = decode(raw_name).unwrap_or_default();
        if names.contains(&name.as_str()) {
            continue;
        }
        out.push(if out.is_empty() { '?' } else { '&' });
        out.push_str(query.get(start..end).unwrap_or_default());
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
                ("x", Some("é"))
            ]),
            "callback_uri=https%3A%2F%2Fa.b%2Fc%3Fd%3De%20f&x=%C3%A9"
        );
    }

    #[test]
    fn unreserved_bytes() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
            assert_eq!(is_unreserved(b), expected, "{b}");
        }
    }

    #[test]
    fn spaces_are_unicode_white_space() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_space(c), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn hex_digits() {
        for b in 0..=255u8 {
            let expected = (b as char).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_value(b), expected, "{b}");
        }
    }

    #[test]
    fn encoded_lengths_are_exact() {
        let pairs = [
            ("none", None),
            ("user name", Some("p@ss wörd&")),
            ("grant_type", Some("password")),
            ("", Some("")),
        ];
        assert_eq!(encoded_pairs_len(&pairs), encode_pairs(&pairs).len());
        assert_eq!(encoded_pairs_len(&[]), 0);
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
    }

    #[test]
    fn decodes_plus_percent_and_empty() {
        let p = parse("?a=b+c&d=%41%e2%82%ac&e=&f").unwrap();
        assert_eq!(
            p,
            vec![
                ("a".into(), "b c".into()),
                ("d".into(), "A€".into()),
                ("e".into(), "".into()),
                ("f".into(), "".into())
            ]
        );
        assert_eq!(parse("#x=1").unwrap(), vec![("x".into(), "1".into())]);
        assert!(parse("").unwrap().is_empty());
        assert!(parse("?&&").unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_percent_and_invalid_utf8() {
        assert_eq!(parse("a=%zz").unwrap_err().code, ErrorCode::InvalidCallback);
        assert_eq!(parse("a=%4").unwrap_err().code, ErrorCode::InvalidCallback);
        assert_eq!(
            parse("a=%ff%fe").unwrap_err().code,
            ErrorCode::InvalidCallback
        );
    }

    #[test]
    fn utf8_rules_match_core() {
        let check = |b: &[u8]| assert_eq!(utf8(b), core::str::from_utf8(b).ok(), "{b:x?}");
        for x in 0..=0xffff_u32 {
            let [_, _, a, b] = x.to_be_bytes();
            check(&[a, b]);
            for c in [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff] {
                check(&[a, b, c]);
                check(&[a, b, c, 0x80]);
                check(&[a, b, c, 0xbf, b'x']);
            }
        }
    }

    #[test]
    fn bounds_the_length() {
        let long = "a=".to_string() + &"x".repeat(MAX_QUERY_LEN);
        assert_eq!(parse(&long).unwrap_err().code, ErrorCode::InvalidCallback);
    }

    #[test]
    fn duplicated_parameters_are_rejected_on_lookup() {
        let p = Params::parse("code=a&code=b&state=s").unwrap();
        assert_eq!(p.get("code").unwrap_err().code, ErrorCode::InvalidCallback);
        assert_eq!(p.get("state").unwrap(), Some("s"));
        assert_eq!(p.get("nope").unwrap(), None);
        assert_eq!(
            p.require("nope").unwrap_err().code,
            ErrorCode::InvalidCallback
        );
    }

    #[test]
    fn removes_only_named_params() {
        assert_eq!(
            remove_params("?code=1&keep=a%20b&state=2", &["code", "state"]),
            "?keep=a%20b"
        );
        assert_eq!(remove_params("?code=1&state=2", &["code", "state"]), "");
        assert_eq!(remove_params("", &["code"]), "");
        assert_eq!(remove_params("c%6Fde=1&x", &["code"]), "?x");
    }
}
