//! Constructor options as they come from JavaScript, read into the core's [`Options`] (which the
//! providers check).

use wasm_bindgen::prelude::*;

use crate::core::options::{Options, Value, MAX_DEPTH};
use crate::web::json::each_member;

/// Reads a constructor's options object member by member: nested plain objects are walked (to a
/// bounded depth, so that secret-named members are found in them too), other members are taken
/// as what they are (absent, a boolean, a number, a string), and anything else (an array, a
/// function, a symbol, an object nested deeper than [`MAX_DEPTH`]) is `Other`. The depth is
/// checked before descending, so an object that contains itself is read only that far. `None` for
/// anything but a plain object (`null`, an array, a string).
pub fn read_options(value: &JsValue, depth: u32) -> Option<Options> {
    let mut options = Options::new();
    let object = each_member(value, &mut |name, member| {
        let nested = if depth < MAX_DEPTH {
            read_options(&member, depth + 1)
        } else {
            None
        };
        let value = match nested {
            Some(nested) => Value::Object(nested),
            None if member.is_null() || member.is_undefined() => Value::Absent,
            _ => member
                .as_bool()
                .map(Value::Bool)
                .or_else(|| member.as_f64().map(Value::Number))
                .or_else(|| member.as_string().map(Value::Text))
                .unwrap_or(Value::Other),
        };
        options.insert(name, value);
    });
    object.then_some(options)
}
