//! Constructor options, read strictly: an object whose members have the types the README gives
//! them (`null` and `undefined` count as absent), and never a member named like a secret, at any
//! depth. Each rule has its own `invalid_config` message.

use litemap::LiteMap;

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::error::{invalid_config, Error, Result};

/// One option's value, as JavaScript gave it.
#[derive(Debug)]
pub enum Value {
    /// `null` or `undefined`: the option is absent.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number (a JavaScript number: no float parsing).
    Number(f64),
    /// A string.
    Text(String),
    /// A nested options object (objects deeper than [`MAX_DEPTH`] read as `Other`).
    Object(Options),
    /// Anything else (an array, a function, an object nested too deep).
    Other,
}

/// How deep nested options objects are read (and searched for secret-named members).
pub const MAX_DEPTH: u32 = 8;

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        ValueSeed(1).deserialize(deserializer)
    }
}

/// Reads a [`Value`] at a nesting depth, so that recursion is bounded.
struct ValueSeed(u32);

/// Reads one value without descending into an object or array (both are [`Value::Other`]): the
/// way a member of a token response or a stored record is read.
///
/// # Errors
/// The deserializer's own error, for input that is not valid.
pub fn shallow_value<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> core::result::Result<Value, D::Error> {
    ValueSeed(MAX_DEPTH).deserialize(deserializer)
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> core::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an option value")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Value, E> {
        Ok(Value::Absent)
    }
    fn visit_none<E: de::Error>(self) -> core::result::Result<Value, E> {
        Ok(Value::Absent)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> core::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> core::result::Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> core::result::Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> core::result::Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> core::result::Result<Value, E> {
        Ok(Value::Text(v.into()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> core::result::Result<Value, E> {
        Ok(Value::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Value, A::Error> {
        if self.0 >= MAX_DEPTH {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Other);
        }
        let mut options = Options::new();
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value_seed(ValueSeed(self.0 + 1))?;
            options.insert(name, value);
        }
        Ok(Value::Object(options))
    }
}

/// An options object, member by member.
pub type Options = LiteMap<String, Value>;

/// The message for an option named like a secret.
pub const SECRET_OPTION: &str =
    "A client secret must never reach the browser: keep it in the token broker";

/// The message for options that are not an object.
pub const NOT_AN_OBJECT: &str = "options must be an object";

const SECRET: &[u8] = b"secret";

fn secret_named(options: &Options) -> bool {
    options.iter().any(|(name, value)| {
        // Bytes compared without case: no lowercased copy, and no substring searcher in the wasm.
        name.as_bytes()
            .windows(SECRET.len())
            .any(|w| w.eq_ignore_ascii_case(SECRET))
            || matches!(value, Value::Object(inner) if secret_named(inner))
    })
}

/// Reads options: `None` is what did not deserialize as an object (an array, a string, `null`).
///
/// # Errors
/// `invalid_config`: [`NOT_AN_OBJECT`] when `options` is `None`; [`SECRET_OPTION`] when a
/// member's name contains `secret` (in any case), in the object or in a nested object read
/// (up to [`MAX_DEPTH`]).
pub fn reader(options: Option<&Options>) -> Result<Reader<'_>> {
    let options = options.ok_or_else(|| invalid_config(NOT_AN_OBJECT))?;
    if secret_named(options) {
        return Err(invalid_config(SECRET_OPTION));
    }
    Ok(Reader(options))
}

/// Typed access to the members of an options object.
#[derive(Clone, Copy)]
pub struct Reader<'a>(&'a Options);

fn wrong_type(kind: &str) -> Error {
    invalid_config(format!("a {kind} option has another type"))
}

impl<'a> Reader<'a> {
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).filter(|v| !matches!(v, Value::Absent))
    }

    /// A string option, or `None`.
    ///
    /// # Errors
    /// `invalid_config` when the member is present (not `null` or `undefined`) and is not a
    /// string.
    pub fn string(&self, name: &str) -> Result<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Text(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type("string")),
        }
    }

    /// A string option that must be present and not blank.
    ///
    /// # Errors
    /// `invalid_config`: as [`Reader::string`] for a member of another type; with `message` (or
    /// `<name> is required` without one) when the member is absent, `null`, `undefined`, empty
    /// or only whitespace.
    pub fn required(&self, name: &str, message: Option<&'static str>) -> Result<&'a str> {
        match self.string(name)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(match message {
                Some(m) => invalid_config(m),
                None => invalid_config(format!("{name} is required")),
            }),
        }
    }

    /// A boolean option, `fallback` when absent.
    ///
    /// # Errors
    /// `invalid_config` when the member is present and is not a boolean.
    pub fn flag(&self, name: &str, fallback: bool) -> Result<bool> {
        match self.get(name) {
            None => Ok(fallback),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(wrong_type("boolean")),
        }
    }

    /// A positive whole number (a JavaScript safe integer), `fallback` when absent.
    ///
    /// # Errors
    /// `invalid_config` when the member is present and is not a whole number from 1 to
    /// 2^53 - 1 (a string or a boolean included).
    pub fn count(&self, name: &str, fallback: u64) -> Result<u64> {
        match self.get(name) {
            None => Ok(fallback),
            Some(Value::Number(n))
                if n.fract() == 0.0 && *n >= 1.0 && *n <= 9_007_199_254_740_991.0 =>
            {
                Ok(*n as u64)
            }
            Some(_) => Err(invalid_config("a numeric option must be a positive number")),
        }
    }

    /// A nested options object, if the member is one.
    pub fn object(&self, name: &str) -> Option<Reader<'a>> {
        match self.get(name) {
            Some(Value::Object(inner)) => Some(Reader(inner)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(json: &str) -> Option<Options> {
        crate::core::from_json_object(json)
    }

    fn message(json: &str, read: impl Fn(Reader) -> Result<()>) -> String {
        let o = options(json);
        match reader(o.as_ref()).and_then(read) {
            Ok(()) => "ok".into(),
            Err(e) => e.message.into_owned(),
        }
    }

    #[test]
    fn only_objects_are_options() {
        for bad in ["null", "[]", "\"x\"", "5"] {
            assert_eq!(message(bad, |_| Ok(())), NOT_AN_OBJECT, "{bad}");
        }
        assert_eq!(message("{}", |_| Ok(())), "ok");
    }

    #[test]
    fn secrets_are_refused_at_any_depth() {
        for bad in [
            r#"{"clientSecret":"x"}"#,
            r#"{"client_SECRET":null}"#,
            r#"{"environment":{"apiUrl":"a","secret":"x"}}"#,
            r#"{"a":{"b":{"mySecretKey":1}}}"#,
        ] {
            assert_eq!(message(bad, |_| Ok(())), SECRET_OPTION, "{bad}");
        }
    }

    #[test]
    fn types_and_requirements() {
        let req = |r: Reader| r.required("clientId", None).map(drop);
        assert_eq!(message(r#"{"clientId":"c"}"#, req), "ok");
        assert_eq!(message(r#"{"clientId":"  "}"#, req), "clientId is required");
        assert_eq!(message(r#"{"clientId":null}"#, req), "clientId is required");
        assert_eq!(message(r#"{}"#, req), "clientId is required");
        assert_eq!(
            message(r#"{"clientId":5}"#, req),
            "a string option has another type"
        );
        let flag = |r: Reader| r.flag("pkce", true).map(drop);
        assert_eq!(
            message(r#"{"pkce":"yes"}"#, flag),
            "a boolean option has another type"
        );
        assert_eq!(message(r#"{"pkce":null}"#, flag), "ok");
        let count = |r: Reader| r.count("timeoutMs", 5).map(drop);
        for bad in ["0", "-5", "1.5", "\"100\"", "1e300", "[]"] {
            let json = format!(r#"{{"timeoutMs":{bad}}}"#);
            assert_eq!(
                message(&json, count),
                "a numeric option must be a positive number",
                "{bad}"
            );
        }
        let o = options(r#"{"timeoutMs":250,"env":{"a":"b"}}"#).unwrap();
        let r = reader(Some(&o)).unwrap();
        assert_eq!(r.count("timeoutMs", 5).unwrap(), 250);
        assert_eq!(r.count("absent", 5).unwrap(), 5);
        assert_eq!(r.object("env").unwrap().string("a").unwrap(), Some("b"));
        assert!(r.object("timeoutMs").is_none());
        let deep = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
        assert!(options(&deep).is_none() || reader(options(&deep).as_ref()).is_ok());
    }
}
