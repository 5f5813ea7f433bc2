//! Reading a JavaScript options object.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error;
use crate::core::ErrorCode;

/// A plain options object passed to a constructor.
pub struct Options(Object);

impl Options {
    /// Accepts an object; refuses anything holding a client secret, which must stay on a server.
    pub fn new(value: JsValue) -> Result<Options, JsValue> {
        let object: Object = value
            .dyn_into()
            .map_err(|_| error(ErrorCode::InvalidConfig, "options must be an object"))?;
        let has_secret = Object::keys(&object).iter().any(|k| {
            k.as_string()
                .is_some_and(|k| k.to_ascii_lowercase().contains("secret"))
        });
        if has_secret {
            return Err(error(
                ErrorCode::InvalidConfig,
                "A client secret must never reach the browser: keep it in the token broker",
            ));
        }
        Ok(Options(object))
    }

    /// A nested options object; `None` when absent or not an object.
    pub fn object(&self, name: &'static str) -> Option<Options> {
        self.get(name).dyn_into::<Object>().ok().map(Options)
    }

    /// A string option that must be present and not blank.
    pub fn required(&self, name: &'static str, message: &'static str) -> Result<String, JsValue> {
        let value = self.string(name)?;
        Ok(crate::core::provider::require_option(value.as_deref(), message)?.to_string())
    }

    fn get(&self, name: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A string option; `None` when absent. A present value of another type is refused.
    pub fn string(&self, name: &'static str) -> Result<Option<String>, JsValue> {
        let v = self.get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_string()
            .map(Some)
            .ok_or_else(|| error(ErrorCode::InvalidConfig, "a string option has another type"))
    }

    /// A boolean option with a default.
    pub fn boolean(&self, name: &'static str, default: bool) -> Result<bool, JsValue> {
        let v = self.get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(default);
        }
        v.as_bool().ok_or_else(|| {
            error(
                ErrorCode::InvalidConfig,
                "a boolean option has another type",
            )
        })
    }

    /// A positive number option with a default.
    pub fn positive_number(&self, name: &'static str, default: f64) -> Result<f64, JsValue> {
        let v = self.get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(default);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n > 0.0 => Ok(n),
            _ => Err(error(
                ErrorCode::InvalidConfig,
                "a numeric option must be a positive number",
            )),
        }
    }
}
