//! The pure protocol core: everything that needs no browser (authorise URLs, `state` and PKCE,
//! callback checks, token responses, sessions, Bearer challenges, options, errors). No web-sys:
//! it is tested natively, and the browser layer (`crate::web`, the classes in `lib.rs`) calls it.

pub mod callback;
pub mod challenge;
pub mod config;
pub mod error;
pub mod options;
pub mod pkce;
pub mod query;
pub mod session;
pub mod token;
pub mod url;

pub use error::{Error, ErrorCode, Result};

/// For native tests: JSON text read into `T` the way the browser reads it, where only a JSON
/// object has members (serde would also read an array of pairs as a map).
#[cfg(test)]
pub(crate) fn from_json_object<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str::<serde_json::Value>(json)
        .is_ok_and(|v| v.is_object())
        .then(|| serde_json::from_str(json).ok())
        .flatten()
}
