//! `fitconnect-server`: offline provider sandboxes, the token broker and the demo's file server.
//!
//! Every origin is a plain [`axum::Router`] built by an `app` function, so tests drive them with
//! `tower::ServiceExt::oneshot` and need no sockets.

// Handlers and their helpers return early with a finished `Response` as the error; boxing it
// everywhere would add noise for no measurable gain in a test server.
#![allow(clippy::result_large_err)]

pub mod broker;
pub mod config;
pub mod http_util;
pub mod load_test;
pub mod sandbox;
pub mod serve;
pub mod site;
