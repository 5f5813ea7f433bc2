//! fitconnect: connect web users to fitness and gym platforms from the browser.
//!
//! [`core`] holds the protocol logic (authorise URLs, callback validation, token responses,
//! PKCE, state, expiry, errors) and has no browser dependency. The `web` module, compiled for
//! `wasm32` only, is the thin browser layer: popup, storage, fetch and the exported JS classes.
#![deny(missing_docs)]

pub mod core;

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::{handle_callback, Fisikal, FitBark, FitRankings, OpenFit, PerfectGym};
