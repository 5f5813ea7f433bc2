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

/// Calls `each(name, value)` for the members of a plain object (`Object.entries`); `false`, calling
/// nothing, for anything but an object (an array, `null`, a string).
pub fn each_member(value: &JsValue, each: &mut dyn FnMut(String, JsValue)) -> bool {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return false;
    }
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        if let Some(name) = entry.get(0).as_string() {
            each(name, entry.get(1));
        }
    }
    true
}

/// The members of a plain object (JSON's answer, a message's data); `None` for anything else.
/// Nested objects and arrays are [`Field::Other`], never walked.
pub fn fields_of(value: &JsValue) -> Option<Fields> {
    let mut fields = Fields::new();
    each_member(value, &mut |name, member| {
        fields.insert(name, field(&member));
    })
    .then_some(fields)
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
