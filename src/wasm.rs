//! The JavaScript export: [`run`], one synchronous call into [`crate::core::api`] with a JSON
//! array (the function's name, then its arguments) in and the answer out. One export keeps
//! wasm-bindgen's glue to a single string conversion.

use alloc::string::String;

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::api;

/// Runs one core function: `run(JSON.stringify(["endpoints", provider, baseUrl, …]))`.
#[wasm_bindgen]
pub fn run(call: &str) -> String {
    api::run(call)
}
