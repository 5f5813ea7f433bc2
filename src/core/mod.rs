//! The pure core: everything that needs no browser. Compiles without std and is tested on the host.

pub mod api;
pub mod challenge;
pub mod error;
pub mod flow;
pub mod json;
pub mod pkce;
pub mod provider;
pub mod query;
pub mod session;
pub mod wire;

pub use error::{Error, ErrorCode, Result};
