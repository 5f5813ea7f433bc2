//! Constructor options as they come from JavaScript, read into the core's [`Options`] (which the
//! providers check).

use wasm_bindgen::prelude::*;

use crate::core::options::{Options, Value, MAX_DEPTH};

/// Reads a constructor's options object member by member: nested plain objects are walked (to a
/// bounded depth, so that secret-named members are found in them too), other members are taken
/// as what they are (absent, a boolean, a number, a string), and anything else (an array, a
/// function, a symbol) is `Other`. `None` for anything but a plain object (`null`, an array, a
/// string).
pub fn read_options(value: &JsValue, depth: u32) -> Option<Options> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return None;
    }
    let mut options = Options::new();
    for entry in js_sys::Object::entries(value.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let Some(name) = entry.get(0).as_string() else {
            continue;
        };
        let member = entry.get(1);
        let value = match read_options(&member, depth + 1) {
            Some(nested) if depth < MAX_DEPTH => Value::Object(nested),
            _ if member.is_null() || member.is_undefined() => Value::Absent,
            _ => member
                .as_bool()
                .map(Value::Bool)
                .or_else(|| member.as_f64().map(Value::Number))
                .or_else(|| member.as_string().map(Value::Text))
                .unwrap_or(Value::Other),
        };
        options.insert(name, value);
    }
    Some(options)
}
