//! Serde types as JSON text and plain JavaScript objects: the browser's `JSON.parse` and
//! `JSON.stringify` do the text, serde-wasm-bindgen the values. Used for what the SDK stores
//! (sessions, transactions), what it reads from servers (token responses) and what it hands to
//! the app (sessions, its configuration).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// `value` as a plain object (maps as objects, `None` skipped or `null`, as JSON would have it);
/// `null` if it cannot be written.
pub fn to_object(value: &impl Serialize) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// The JSON text of a plain object.
pub fn stringify(object: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(object).ok()?.as_string()
}

/// `text` read as JSON into `T`; `None` when it is not JSON or not a `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_wasm_bindgen::from_value(js_sys::JSON::parse(text).ok()?).ok()
}
