//! The three ways a user signs in, each over a [`Client`](crate::client::Client):
//! - [`popup`]: FitRankings' authorise page in a 400x600 popup, whose callback page reports back;
//! - [`redirect`]: FitBark's authorisation-code redirect with `state` and PKCE S256;
//! - [`password`]: the password grant (PerfectGym, OpenFIT, Fisikal) and PerfectGym's Facebook
//!   token.
//!
//! The exported classes in `lib.rs` only call these. Each is built with its Cargo feature, which
//! the providers that use it turn on.

#[cfg(feature = "password")]
pub mod password;
#[cfg(feature = "popup")]
pub mod popup;
#[cfg(feature = "redirect")]
pub mod redirect;
