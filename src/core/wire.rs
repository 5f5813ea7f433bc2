//! The call format the JavaScript layer writes into wasm memory: values it has already parsed
//! (with the browser's `JSON.parse`) or built, read where they lie, so that the wasm holds no
//! JSON reader and copies nothing it is given.
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
//! | `o` | object | item count | name (a string) and value items, alternating |
//!
//! The JavaScript side (js/wire.js) writes the items of arrays and objects three levels deep: the
//! call, its arguments, their members. Deeper arrays and objects arrive empty, which no field
//! check accepts.

use alloc::vec::Vec;

use super::json::{whole_number, Value};
use super::query::utf8;

/// Deepest nesting read (the call is level 0).
const MAX_DEPTH: usize = 3;

/// One value of a call, read in place. Its strings are valid UTF-8, checked when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    tag: u8,
    /// Arrays and objects: their items, exactly. Others: the payload.
    body: &'a [u8],
}

/// `null`: what stands for an argument that was not given.
pub const NULL: Item<'static> = Item {
    tag: b'z',
    body: &[],
};

/// Reads a call: one item that fills `bytes` exactly; `None` for anything malformed.
pub fn read(bytes: &[u8]) -> Option<Item<'_>> {
    match next(bytes, 0, true)? {
        (item, []) => Some(item),
        _ => None,
    }
}

/// The item at the start of `bytes` and the bytes after it. With `check`, everything in it is
/// checked (UTF-8, names, depth); without, `bytes` must come from an item read with it.
fn next(bytes: &[u8], depth: usize, check: bool) -> Option<(Item<'_>, &[u8])> {
    let (&[tag, a, b, c, d], rest) = bytes.split_first_chunk::<5>()?;
    let n = u32::from_le_bytes([a, b, c, d]) as usize;
    let len = match tag {
        b's' | b'n' | b'b' => n,
        b'z' if n == 0 => 0,
        b'a' | b'o' if depth < MAX_DEPTH && (tag == b'a' || n % 2 == 0) => {
            // Each item is at least a header long, so a count the input cannot hold fails fast.
            let mut after = rest;
            for i in 0..n {
                let (item, more) = next(after, depth + 1, check)?;
                if check && tag == b'o' && i % 2 == 0 && item.tag != b's' {
                    return None;
                }
                after = more;
            }
            rest.len() - after.len()
        }
        _ => return None,
    };
    let (body, after) = rest.split_at_checked(len)?;
    if check && matches!(tag, b's' | b'n') {
        utf8(body)?;
    }
    Some((Item { tag, body }, after))
}

impl<'a> Item<'a> {
    /// The items of an array, or the names and values of an object in turn; none for others.
    pub fn items(self) -> impl Iterator<Item = Item<'a>> {
        let mut rest = if matches!(self.tag, b'a' | b'o') {
            self.body
        } else {
            &[]
        };
        core::iter::from_fn(move || {
            // Checked when the call was read, so walked here without checking again.
            let (item, after) = next(rest, 0, false)?;
            rest = after;
            Some(item)
        })
    }

    /// The member `name` of an object.
    pub fn get(self, name: &str) -> Option<Item<'a>> {
        if self.tag != b'o' {
            return None;
        }
        let mut items = self.items();
        while let (Some(n), Some(v)) = (items.next(), items.next()) {
            if n.body == name.as_bytes() {
                return Some(v);
            }
        }
        None
    }

    /// Whether this is an array.
    pub fn is_array(self) -> bool {
        self.tag == b'a'
    }

    /// Whether this is an object.
    pub fn is_object(self) -> bool {
        self.tag == b'o'
    }

    /// The string, if this is one.
    pub fn as_str(self) -> Option<&'a str> {
        // SAFETY: `next` checked the UTF-8 of every string it read; `NULL` is not a string.
        (self.tag == b's').then(|| unsafe { core::str::from_utf8_unchecked(self.body) })
    }

    /// The boolean, if this is one.
    pub fn as_bool(self) -> Option<bool> {
        (self.tag == b'b').then(|| self.body == b"true")
    }

    /// A non-negative whole number given as a number or a string of digits (see
    /// [`whole_number`]).
    pub fn as_u64(self) -> Option<u64> {
        match self.tag {
            // SAFETY: as in `as_str`: numbers are checked text too.
            b'n' | b's' => whole_number(unsafe { core::str::from_utf8_unchecked(self.body) }),
            _ => None,
        }
    }

    /// The string member `name` of an object.
    pub fn str_member(self, name: &str) -> Option<&'a str> {
        self.get(name)?.as_str()
    }

    /// The optional member `name`, read by `f`: `Some(None)` when absent or `null`, `None` when
    /// `f` refuses it.
    fn optional<T>(self, name: &str, f: fn(Item<'a>) -> Option<T>) -> Option<Option<T>> {
        match self.get(name) {
            None => Some(None),
            Some(v) if v.tag == b'z' => Some(None),
            Some(v) => f(v).map(Some),
        }
    }

    /// The optional string member `name`: `Some(None)` when absent or `null`, `None` when it is
    /// something other than a string.
    pub fn optional_str(self, name: &str) -> Option<Option<&'a str>> {
        self.optional(name, Item::as_str)
    }

    /// The optional whole-number member `name`: `Some(None)` when absent or `null`, `None` when
    /// it is something else.
    pub fn optional_u64(self, name: &str) -> Option<Option<u64>> {
        self.optional(name, Item::as_u64)
    }
}

/// Writes `v` as js/wire.js does for a value at `depth` (0 for a whole call, 1 for one of its
/// arguments): for tests and for native callers holding JSON.
pub fn write(v: &Value, depth: usize, out: &mut Vec<u8>) {
    let mut head = |tag: u8, n: usize| {
        out.push(tag);
        out.extend_from_slice(&(n as u32).to_le_bytes());
    };
    let deep = depth + 1 < MAX_DEPTH;
    match v {
        Value::String(s) | Value::Number(s) => {
            head(
                if matches!(v, Value::String(_)) {
                    b's'
                } else {
                    b'n'
                },
                s.len(),
            );
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bool(b) => {
            let t: &[u8] = if *b { b"true" } else { b"false" };
            head(b'b', t.len());
            out.extend_from_slice(t);
        }
        Value::Null => head(b'z', 0),
        Value::Array(items) => {
            head(b'a', if deep { items.len() } else { 0 });
            for item in items.iter().filter(|_| deep) {
                write(item, depth + 1, out);
            }
        }
        Value::Object(members) => {
            head(b'o', if deep { members.len() * 2 } else { 0 });
            for (name, v) in members.iter().filter(|_| deep) {
                write(&Value::String(name.clone()), depth + 1, out);
                write(v, depth + 1, out);
            }
        }
    }
}

/// JSON text as one argument of a call, written (`None` when it is not JSON): what the
/// JavaScript layer sends for a stored value or a token response. Read it with [`read`].
pub fn argument(json: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write(&super::json::parse(json)?, 1, &mut out);
    Some(out)
}

/// Runs `f` on JSON text as the JavaScript layer would pass it: parsed, written as an argument
/// and read back; [`NULL`] when the text is not JSON. For native callers holding JSON text.
pub fn with_json<T>(json: &str, f: impl FnOnce(Item<'_>) -> T) -> T {
    let bytes = argument(json);
    f(bytes.as_deref().and_then(read).unwrap_or(NULL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    fn bytes(text: &str, depth: usize) -> Vec<u8> {
        let mut out = Vec::new();
        write(&parse(text).unwrap(), depth, &mut out);
        out
    }

    #[test]
    fn calls_are_read_in_place() {
        let call = bytes(
            r#"["begin",{"provider":"fitbark","pkce":true,"skewMs":0,"scope":null,"deep":{"a":1}},[1,2,255],"é😀"]"#,
            0,
        );
        let call = read(&call).unwrap();
        assert!(call.is_array());
        let args: Vec<Item<'_>> = call.items().collect();
        assert_eq!(args.len(), 4);
        assert_eq!(args[0].as_str(), Some("begin"));
        let config = args[1];
        assert!(config.is_object());
        assert_eq!(config.str_member("provider"), Some("fitbark"));
        assert_eq!(config.get("pkce").and_then(Item::as_bool), Some(true));
        assert_eq!(config.optional_u64("skewMs"), Some(Some(0)));
        assert_eq!(config.optional_str("scope"), Some(None));
        assert_eq!(config.optional_str("absent"), Some(None));
        assert_eq!(config.optional_str("pkce"), None);
        // Too deep: written empty.
        assert_eq!(config.get("deep").map(|d| d.items().count()), Some(0));
        let random: Vec<u64> = args[2].items().filter_map(Item::as_u64).collect();
        assert_eq!(random, [1, 2, 255]);
        assert_eq!(args[3].as_str(), Some("é😀"));
        assert_eq!(NULL.as_str(), None);
        assert_eq!(NULL.get("x"), None);
        assert_eq!(NULL.items().count(), 0);
    }

    #[test]
    fn malformed_input_is_none() {
        let ok = bytes(r#"["x",{"a":"b"}]"#, 0);
        assert!(read(&ok).is_some());
        // Every truncation, and trailing bytes.
        for end in 0..ok.len() {
            assert_eq!(read(&ok[..end]), None, "{end}");
        }
        let mut long = ok.clone();
        long.push(0);
        assert_eq!(read(&long), None);
        let cases: &[&[u8]] = &[
            b"s\x02\0\0\0\xff\xfe",                // not UTF-8
            b"n\x01\0\0\0\x80",                    // a number that is not UTF-8
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
        let mut deep = b"a\x01\0\0\0".repeat(MAX_DEPTH + 1);
        deep.extend_from_slice(b"z\0\0\0\0");
        assert_eq!(read(&deep), None);
    }
}
