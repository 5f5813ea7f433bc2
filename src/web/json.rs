//! JSON text and JavaScript objects. Out: serde types become plain objects through
//! serde-wasm-bindgen's serializer, and text through `JSON.stringify` (what the SDK stores and what
//! it hands to the app). In: `JSON.parse` reads the text, and each member of the object is taken as
//! a string, a number, `null` or something else ([`Fields`]), which the core's readers check
//! (`Session::from_fields`, `Transaction::from_fields`, the token response reader). Reading values
//! this way, rather than through serde's deserializer, keeps its formatted type-error messages
//! (and the float formatting they need) out of the wasm.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::session::{Field, Fields};

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

/// `text` read as a JSON object, member by member; `None` when it is not JSON or not an object.
pub fn fields(text: &str) -> Option<Fields> {
    fields_of(&js_sys::JSON::parse(text).ok()?)
}

/// The members of a plain object (`Object.entries`), name and value; `None` for anything but an
/// object (an array, `null`, a string).
pub fn members(value: &JsValue) -> Option<Vec<(String, JsValue)>> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return None;
    }
    let entries = js_sys::Object::entries(value.unchecked_ref());
    Some(
        entries
            .iter()
            .filter_map(|entry| {
                let entry: js_sys::Array = entry.unchecked_into();
                Some((entry.get(0).as_string()?, entry.get(1)))
            })
            .collect(),
    )
}

/// The members of a plain object (JSON's answer, a message's data); `None` for anything else.
/// Nested objects and arrays are [`Field::Other`], never walked.
pub fn fields_of(value: &JsValue) -> Option<Fields> {
    Some(
        members(value)?
            .into_iter()
            .map(|(name, member)| (name, field(&member)))
            .collect(),
    )
}

fn field(value: &JsValue) -> Field {
    if let Some(text) = value.as_string() {
        Field::Text(text)
    } else if let Some(number) = value.as_f64() {
        Field::Number(number)
    } else if value.is_null() {
        Field::Null
    } else {
        Field::Other
    }
}
