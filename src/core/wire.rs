//! The call format the JavaScript layer writes into wasm memory: values it has already parsed
//! (with the browser's `JSON.parse`) or built, so that the wasm holds no JSON reader.
//!
//! A value is an item: a tag byte, a little-endian `u32`, then a payload.
//!
//! | tag | value | `u32` | payload |
//! |---|---|---|---|
//! | `s` | string | byte length | UTF-8 |
//! | `n` | number | byte length | its text (`String(n)`) |
//! | `b` | boolean | byte length | `true` or `false` |
//! | `z` | `null` or `undefined` | 0 | none |
//! | `a` | array | item count | the items |
//! | `o` | object | item count | name and value items, alternating |
//!
//! Anything else (a function, a symbol) is never written. The JavaScript side writes the members of
//! nested objects and arrays only two levels deep (the call's arguments and their members);
//! deeper ones arrive empty, which no field check accepts.

use alloc::string::String;
use alloc::vec::Vec;

use super::json::Value;

/// Deepest nesting read; the JavaScript side writes at most three levels.
const MAX_DEPTH: usize = 4;

/// Reads one value that fills `bytes` exactly; `None` for anything malformed.
pub fn read(bytes: &[u8]) -> Option<Value> {
    let mut r = Reader { bytes, at: 0 };
    let v = r.value(0)?;
    (r.at == bytes.len()).then_some(v)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    fn text(&mut self, n: usize) -> Option<String> {
        core::str::from_utf8(self.take(n)?).ok().map(String::from)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let head = self.take(5)?;
        let n = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
        Some(match head[0] {
            b's' => Value::String(self.text(n)?),
            b'n' => Value::Number(self.text(n)?),
            b'b' => Value::Bool(self.take(n)? == b"true"),
            b'z' if n == 0 => Value::Null,
            b'a' | b'o' => {
                // Every item is at least a header long: a count beyond that is malformed,
                // whatever it would reserve.
                if n > (self.bytes.len() - self.at) / 5 {
                    return None;
                }
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                if head[0] == b'a' {
                    return Some(Value::Array(items));
                }
                if n % 2 != 0 {
                    return None;
                }
                let mut members = Vec::with_capacity(n / 2);
                let mut items = items.into_iter();
                while let (Some(Value::String(name)), Some(v)) = (items.next(), items.next()) {
                    members.push((name, v));
                }
                if members.len() * 2 != n {
                    return None;
                }
                Value::Object(members)
            }
            _ => return None,
        })
    }
}

/// Writes `v` in the call format (what the JavaScript layer does), for tests and native callers.
pub fn write(v: &Value, out: &mut Vec<u8>) {
    let head = |tag: u8, n: usize, out: &mut Vec<u8>| {
        out.push(tag);
        out.extend_from_slice(&(n as u32).to_le_bytes());
    };
    match v {
        Value::String(s) => {
            head(b's', s.len(), out);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Number(n) => {
            head(b'n', n.len(), out);
            out.extend_from_slice(n.as_bytes());
        }
        Value::Bool(b) => {
            let t: &[u8] = if *b { b"true" } else { b"false" };
            head(b'b', t.len(), out);
            out.extend_from_slice(t);
        }
        Value::Null => head(b'z', 0, out),
        Value::Array(items) => {
            head(b'a', items.len(), out);
            for item in items {
                write(item, out);
            }
        }
        Value::Object(members) => {
            head(b'o', members.len() * 2, out);
            for (name, v) in members {
                write(&Value::String(name.clone()), out);
                write(v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    fn round_trip(text: &str) {
        let v = parse(text).unwrap();
        let mut bytes = Vec::new();
        write(&v, &mut bytes);
        assert_eq!(read(&bytes), Some(v), "{text}");
    }

    #[test]
    fn values_round_trip() {
        for text in [
            r#"["begin",{"provider":"fitbark","pkce":true,"skewMs":0,"scope":null},[1,2,255],"é😀"]"#,
            r#"{}"#,
            r#"[]"#,
            r#""""#,
            r#"{"a":{"b":[false]}}"#,
        ] {
            round_trip(text);
        }
    }

    #[test]
    fn malformed_input_is_none() {
        let mut ok = Vec::new();
        write(&parse(r#"["x",{"a":"b"}]"#).unwrap(), &mut ok);
        // Every truncation, and trailing bytes.
        for end in 0..ok.len() {
            assert_eq!(read(&ok[..end]), None, "{end}");
        }
        let mut long = ok.clone();
        long.push(0);
        assert_eq!(read(&long), None);
        let cases: &[&[u8]] = &[
            b"s\x02\0\0\0\xff\xfe",                // not UTF-8
            b"q\0\0\0\0",                          // unknown tag
            b"z\x01\0\0\0",                        // null with a length
            b"a\xff\xff\xff\xff",                  // a count no input holds
            b"o\x01\0\0\0s\0\0\0\0",               // a name without a value
            b"o\x02\0\0\0n\x01\0\0\x001z\0\0\0\0", // a name that is not a string
        ];
        for bytes in cases {
            assert_eq!(read(bytes), None, "{bytes:?}");
        }
        // Nesting deeper than the JavaScript side writes.
        let deep = b"a\x01\0\0\0".repeat(MAX_DEPTH + 1);
        let mut deep = deep;
        deep.extend_from_slice(b"z\0\0\0\0");
        assert_eq!(read(&deep), None);
    }
}
