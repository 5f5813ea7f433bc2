//! The bearer token of a data request: reading it ([`bearer_token`]), checking it against a
//! sandbox's access tokens ([`Core::bearer_grant`], whose refusals are the
//! [`BearerRejection`] that `control.rs` defines beside the trait naming it) and the [`Bearer`]
//! extractor handlers take instead of repeating both, which refuses a request with the
//! provider's own answer ([`Provider::refuse_bearer`]).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::Response;

use super::control::{BearerRejection, Core, Provider};
use super::tokens::TokenStatus;

/// `Authorization: Bearer <token>` (scheme case-insensitive, as RFC 6750 §2.1 allows).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl<S, G: Clone> Core<S, G> {
    /// The grant behind the request's bearer token and its remaining lifetime in seconds.
    pub fn bearer_grant(&self, headers: &HeaderMap) -> Result<(G, Option<u64>), BearerRejection> {
        let token = bearer_token(headers).ok_or(BearerRejection::Missing)?;
        match self.access_tokens.check(token) {
            TokenStatus::Valid { grant, expires_in } => Ok((grant, expires_in)),
            TokenStatus::Expired => Err(BearerRejection::Expired),
            TokenStatus::Revoked => Err(BearerRejection::Revoked),
            TokenStatus::Unknown => Err(BearerRejection::Unknown),
        }
    }
}

/// A handler argument: the grant behind the request's valid bearer token and the seconds the
/// token has left (`None` for a token that never expires). A request without a valid token
/// never reaches the handler; it gets the provider's [`Provider::refuse_bearer`] answer.
pub struct Bearer<G>(pub G, pub Option<u64>);

impl<P: Provider> FromRequestParts<Arc<P>> for Bearer<P::Grant> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, provider: &Arc<P>) -> Result<Self, Response> {
        provider
            .core()
            .bearer_grant(&parts.headers)
            .map(|(grant, expires_in)| Bearer(grant, expires_in))
            .map_err(|rejection| provider.refuse_bearer(rejection))
    }
}
