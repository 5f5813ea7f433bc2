//! The pure protocol core: everything that needs no browser (authorise URLs, `state` and PKCE,
//! callback checks, token responses, sessions, Bearer challenges, options, errors). No web-sys:
//! it is tested natively, and the browser layer (`crate::web`, the classes in `lib.rs`) calls it.

pub mod callback;
pub mod challenge;
pub mod error;
pub mod options;
pub mod pkce;
pub mod query;
pub mod session;
pub mod url;

pub use error::{Error, ErrorCode, Result};
