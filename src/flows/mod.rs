//! The three ways a user signs in, each over a [`Client`](crate::client::Client):
//! - [`popup`]: FitRankings' authorise page in a 400x600 popup, whose callback page reports back;
//! - [`redirect`]: FitBark's authorisation-code redirect with `state` and PKCE S256;
//! - [`password`]: the password grant (PerfectGym, OpenFIT, Fisikal) and PerfectGym's Facebook
//!   token.
//!
//! The exported classes in `lib.rs` only call these.

pub mod password;
pub mod popup;
pub mod redirect;
