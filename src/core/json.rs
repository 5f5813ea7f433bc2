//! A small strict JSON reader and writer (RFC 8259) for token responses and stored sessions.
//!
//! Numbers are kept as their source text and only read back as whole numbers, so no float
//! parsing or formatting code reaches the wasm. Nesting and input size are bounded.

use alloc::string::String;
use alloc::vec::Vec;

use super::query::{hex_value, is_space, span_end};

/// Deepest nesting accepted; token responses are one level deep.
const MAX_DEPTH: usize = 32;
/// Largest document accepted: token responses are a few hundred bytes.
pub const MAX_LEN: usize = 256 * 1024;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in order (a repeated name keeps its first value on lookup).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `name` of an object.
    pub fn get(&self, name: &str) -> Option<&Value> {
        if let Value::Object(members) = self {
            for (n, v) in members {
                if n == name {
                    return Some(v);
                }
            }
        }
        None
    }

    /// The string member `name` of an object, copied.
    pub fn string(&self, name: &str) -> Option<String> {
        self.str_member(name).map(String::from)
    }

    /// The string member `name` of an object.
    pub fn str_member(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The optional string member `name`: `Some(None)` when absent or `null`, `None` when it
    /// is something other than a string.
    pub fn optional_string(&self, name: &str) -> Option<Option<String>> {
        self.optional_str(name).map(|s| s.map(String::from))
    }

    /// [`Value::optional_string`], borrowed.
    pub fn optional_str(&self, name: &str) -> Option<Option<&str>> {
        match self.get(name) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(_) => None,
        }
    }

    /// The optional whole-number member `name` (see [`Value::as_u64`]): `Some(None)` when absent
    /// or `null`, `None` when it is something else.
    pub fn optional_u64(&self, name: &str) -> Option<Option<u64>> {
        match self.get(name) {
            None | Some(Value::Null) => Some(None),
            Some(n) => n.as_u64().map(Some),
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A non-negative whole number given as a number or as a string (see [`whole_number`]).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) | Value::String(n) => whole_number(n),
            _ => None,
        }
    }
}

/// A non-negative whole number written as a number (`3600`, `3600.0`) or as a string of digits
/// (`"3600"`, spaces around it allowed), as some providers send `expires_in`.
pub fn whole_number(text: &str) -> Option<u64> {
    // Optional whitespace, digits, optionally `.` and zeros, optional whitespace. A number's
    // text never holds whitespace, so only strings are effectively trimmed.
    let mut n: Option<u64> = None;
    // 0: leading space, 1: digits, 2: zeros after the point, 3: trailing space.
    let mut part = 0;
    for c in text.chars() {
        if is_space(c) && part != 1 && part != 2 {
            continue;
        }
        if is_space(c) {
            part = 3;
        } else if part <= 1 && c.is_ascii_digit() {
            part = 1;
            // Checked without a 128-bit multiplication.
            let tens = n.unwrap_or(0);
            if tens > u64::MAX / 10 {
                return None;
            }
            n = Some((tens * 10).checked_add(c as u64 - '0' as u64)?);
        } else if (part == 1 && c == '.') || (part == 2 && c == '0') {
            part = 2;
        } else {
            return None;
        }
    }
    n
}

/// Parses a whole document. `None` for anything that is not exactly one JSON value
/// (an HTML error page, truncated output, trailing garbage, too deep, too long).
pub fn parse(text: &str) -> Option<Value> {
    if text.len() > MAX_LEN {
        return None;
    }
    let mut p = Parser {
        text,
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.s.len()).then_some(v)
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        const WS: u128 = 1 << b' ' | 1 << b'\t' | 1 << b'\n' | 1 << b'\r';
        self.i = span_end(self.s, self.i, WS);
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        self.next_is(b)
    }

    /// Moves past the next byte if it is `b`.
    fn next_is(&mut self, b: u8) -> bool {
        let hit = self.s.get(self.i) == Some(&b);
        self.i += usize::from(hit);
        hit
    }

    /// `true`, `false` or `null`.
    fn literal(&mut self) -> Option<Value> {
        let rest = self.s.get(self.i..)?;
        let (len, v) = if rest.starts_with(b"true") {
            (4, Value::Bool(true))
        } else if rest.starts_with(b"false") {
            (5, Value::Bool(false))
        } else if rest.starts_with(b"null") {
            (4, Value::Null)
        } else {
            return None;
        };
        self.i += len;
        Some(v)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Some(Value::Object(members));
                }
                loop {
                    self.ws();
                    let name = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    members.push((name, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Value::Object(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Value::Array(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'"' => self.string().map(Value::String),
            b't' | b'f' | b'n' => self.literal(),
            _ => self.number(),
        }
    }

    fn digits(&mut self) -> usize {
        const DIGITS: u128 = 0x3ff << b'0';
        let start = self.i;
        self.i = span_end(self.s, start, DIGITS);
        self.i - start
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.next_is(b'-');
        let int_start = self.i;
        let n = self.digits();
        if n == 0 || (n > 1 && self.s.get(int_start) == Some(&b'0')) {
            return None;
        }
        if self.next_is(b'.') && self.digits() == 0 {
            return None;
        }
        if self.next_is(b'e') || self.next_is(b'E') {
            if !self.next_is(b'+') {
                self.next_is(b'-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(Value::Number(self.text.get(start..self.i)?.into()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = hex_value(*self.s.get(self.i)?)?;
            v = v << 4 | d as u32;
            self.i += 1;
        }
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        if !self.next_is(b'"') {
            return None;
        }
        let mut out = String::new();
        // Unescaped runs are copied whole: they start and end next to ASCII bytes, so at
        // character boundaries of the (valid UTF-8) input.
        let mut run = self.i;
        loop {
            let b = *self.s.get(self.i)?;
            match b {
                b'"' | b'\\' => {
                    out.push_str(self.text.get(run..self.i)?);
                    self.i += 1;
                    if b == b'"' {
                        return Some(out);
                    }
                    out.push(self.escape()?);
                    run = self.i;
                }
                0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Option<char> {
        let e = *self.s.get(self.i)?;
        self.i += 1;
        Some(match e {
            b'"' | b'\\' | b'/' => e as char,
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if !(self.next_is(b'\\') && self.next_is(b'u')) {
                        return None;
                    }
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                char::from_u32(code)?
            }
            _ => return None,
        })
    }
}

/// Builds a JSON object, member by member.
#[derive(Default)]
pub struct ObjectWriter {
    out: String,
}

impl ObjectWriter {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty object written into `buffer` (cleared first), to control its allocation.
    pub fn with_buffer(mut buffer: String) -> Self {
        buffer.clear();
        ObjectWriter { out: buffer }
    }

    fn name(&mut self, name: &str) {
        self.out.push(if self.out.is_empty() { '{' } else { ',' });
        write_string(&mut self.out, name);
        self.out.push(':');
    }

    /// Adds a string member.
    pub fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.name(name);
        write_string(&mut self.out, value);
        self
    }

    /// Adds a string member when `value` is present.
    pub fn opt_string(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.string(name, v);
        }
        self
    }

    /// Adds a boolean member.
    pub fn boolean(&mut self, name: &str, value: bool) -> &mut Self {
        self.name(name);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds a whole-number member.
    pub fn u64(&mut self, name: &str, value: u64) -> &mut Self {
        self.name(name);
        push_u64(&mut self.out, value);
        self
    }

    /// Adds a whole-number member when `value` is present.
    pub fn opt_u64(&mut self, name: &str, value: Option<u64>) -> &mut Self {
        if let Some(v) = value {
            self.u64(name, v);
        }
        self
    }

    /// The finished object text.
    pub fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push('{');
        }
        self.out.push('}');
        self.out
    }
}

/// Appends the decimal digits of `v` (without the formatting machinery of `core::fmt`).
pub fn push_u64(out: &mut String, v: u64) {
    if v >= 10 {
        push_u64(out, v / 10);
    }
    out.push((b'0' + (v % 10) as u8) as char);
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    // Unescaped runs are copied whole; they end at ASCII bytes, so at character boundaries.
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(s.get(run..i).unwrap_or(""));
        out.push('\\');
        match b {
            b'"' | b'\\' => out.push(b as char),
            b'\n' => out.push('n'),
            b'\r' => out.push('r'),
            b'\t' => out.push('t'),
            _ => {
                out.push_str("u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_token_response() {
        let v =
            parse(r#" {"access_token":"a\"b","expires_in":3600,"x":[1,{"y":null}],"ok":true} "#)
                .unwrap();
        assert_eq!(v.get("access_token").unwrap().as_str(), Some("a\"b"));
        assert_eq!(v.get("expires_in").unwrap().as_u64(), Some(3600));
        assert_eq!(v.get("ok"), Some(&Value::Bool(true)));
        assert!(v.get("missing").is_none());
    }

    #[test]
    fn reads_whole_numbers_from_numbers_and_strings() {
        let n = |s: &str| parse(s).unwrap().as_u64();
        assert_eq!(n("\"3600\""), Some(3600));
        assert_eq!(n("7775999.0"), Some(7775999));
        assert_eq!(n("1.5"), None);
        assert_eq!(n("-1"), None);
        assert_eq!(n("1e3"), None);
        assert_eq!(n("\"soon\""), None);
        assert_eq!(n("99999999999999999999999"), None);
    }

    #[test]
    fn rejects_what_is_not_json() {
        for bad in [
            "",
            "<html><body>502 Bad Gateway</body></html>",
            "{\"a\":1",
            "{\"a\":1}x",
            "{'a':1}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "\"\u{1}\"",
            "\"\\ud800\"",
            "[1,]",
            "{\"a\" 1}",
            "nul",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&deep), None);
    }

    #[test]
    fn unescapes_unicode_and_surrogates() {
        let v = parse(r#""\u00e9\ud83d\ude00\n\/""#).unwrap();
        assert_eq!(v.as_str(), Some("é😀\n/"));
    }

    #[test]
    fn writes_and_reads_back() {
        let mut w = ObjectWriter::new();
        w.string("a", "quote\" back\\ nl\n ctl\u{1} é")
            .opt_string("none", None)
            .opt_u64("n", Some(18446744073709551615))
            .opt_u64("z", Some(0));
        let text = w.finish();
        assert_eq!(
            text,
            r#"{"a":"quote\" back\\ nl\n ctl\u0001 é","n":18446744073709551615,"z":0}"#
        );
        let v = parse(&text).unwrap();
        assert_eq!(
            v.get("a").unwrap().as_str(),
            Some("quote\" back\\ nl\n ctl\u{1} é")
        );
        assert_eq!(v.get("n").unwrap().as_u64(), Some(u64::MAX));
        assert_eq!(ObjectWriter::new().finish(), "{}");
        let mut w = ObjectWriter::new();
        w.string("c", "\u{8}\u{c}\u{1f}\t\r\u{7f}/");
        assert_eq!(w.finish(), "{\"c\":\"\\u0008\\u000c\\u001f\\t\\r\u{7f}/\"}");
    }
}
