//! OAuth 2.0 as the sandboxes speak it: RFC 6749 error answers ([`OAuthError`]), Doorkeeper's
//! `WWW-Authenticate` challenges, reading a token request's parameters and client credentials
//! ([`TokenParams`]), and the checks every Doorkeeper token request goes through
//! ([`doorkeeper_token_request`], run for a handler by the [`DoorkeeperToken`] extractor with
//! the provider's [`DoorkeeperClient`] facts).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use serde_json::json;

use super::control::{BearerRejection, Core, Provider};
use super::pages::empty;
use crate::http_util::{json_response, no_store, read_body, request_params};

/// The RFC 6749 §5.2 error codes the sandboxes answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthError {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    UnsupportedGrantType,
    UnsupportedResponseType,
    AccessDenied,
}

impl OAuthError {
    pub fn code(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::AccessDenied => "access_denied",
        }
    }

    /// Doorkeeper's English messages.
    pub fn description(self) -> &'static str {
        match self {
            OAuthError::InvalidRequest => "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.",
            OAuthError::InvalidClient => "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            OAuthError::InvalidGrant => "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            OAuthError::InvalidScope => "The requested scope is invalid, unknown, or malformed.",
            OAuthError::UnsupportedGrantType => "The authorization grant type is not supported by the authorization server.",
            OAuthError::UnsupportedResponseType => "The authorization server does not support this response type.",
            OAuthError::AccessDenied => "The resource owner or authorization server denied the request.",
        }
    }

    /// `{"error", "error_description"?}` with `status`, uncached.
    pub fn response(self, status: StatusCode, description: Option<&str>) -> Response {
        let mut body = json!({ "error": self.code() });
        if let Some(description) = description {
            body["error_description"] = json!(description);
        }
        no_store(json_response(status, body))
    }

    /// Doorkeeper 4.x answers every token-endpoint error with 401, its message and a challenge.
    pub fn doorkeeper_response(self) -> Response {
        let mut response = self.response(StatusCode::UNAUTHORIZED, Some(self.description()));
        set_bearer_challenge(
            &mut response,
            &[
                ("realm", "Doorkeeper"),
                ("error", self.code()),
                ("error_description", self.description()),
            ],
        );
        response
    }
}

/// `WWW-Authenticate: Bearer k="v", ...` (RFC 6750 §3) on `response`.
pub fn set_bearer_challenge(response: &mut Response, params: &[(&str, &str)]) {
    let params: Vec<String> = params
        .iter()
        .map(|(k, v)| format!(r#"{k}="{v}""#))
        .collect();
    let value = format!("Bearer {}", params.join(", "));
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
}

/// Doorkeeper's answer to a bad token on a protected resource: no body, the reason in
/// `WWW-Authenticate`.
pub fn doorkeeper_challenge(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = empty(status);
    set_bearer_challenge(
        &mut response,
        &[
            ("realm", "Doorkeeper"),
            ("error", error),
            ("error_description", description),
        ],
    );
    response
}

/// Doorkeeper's answer to a refused bearer token: 401 with `error="invalid_token"` and the
/// reason in the challenge.
pub fn doorkeeper_invalid_token(rejection: BearerRejection) -> Response {
    doorkeeper_challenge(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        rejection.description(),
    )
}

/// The parameters of a token request, read the way Rails apps read them: query parameters,
/// then a JSON or form body overriding them.
pub struct TokenParams(HashMap<String, String>);

impl TokenParams {
    /// `None` when the body is neither a JSON object nor a form.
    pub fn parse(headers: &HeaderMap, raw_query: Option<&str>, body: &[u8]) -> Option<Self> {
        request_params(headers, raw_query, body)
            .ok()
            .map(TokenParams)
    }

    /// Form-encoded body only, as ASP.NET token endpoints require.
    pub fn parse_form(headers: &HeaderMap, body: &[u8]) -> Option<Self> {
        is_form(headers).then(|| TokenParams(form_urlencoded::parse(body).into_owned().collect()))
    }

    /// A parameter, with an empty value treated as missing.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Client id and secret from HTTP Basic or from the parameters (RFC 6749 §2.3.1).
    pub fn client_credentials(&self, headers: &HeaderMap) -> (String, String) {
        basic_credentials(headers).unwrap_or_else(|| {
            (
                self.get("client_id").unwrap_or("").to_string(),
                self.get("client_secret").unwrap_or("").to_string(),
            )
        })
    }
}

/// The checks every Doorkeeper token request goes through before its grant is looked at:
/// a readable body, the grant type counted and supported, the client authenticated.
/// Errors are Doorkeeper's (401); `Ok` carries the parameters.
pub fn doorkeeper_token_request<S, G>(
    core: &Core<S, G>,
    client: (&str, &str),
    grants: &[&str],
    headers: &HeaderMap,
    raw_query: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> Result<TokenParams, Response> {
    let body = read_body(body)?;
    let params = TokenParams::parse(headers, raw_query, &body)
        .ok_or_else(|| OAuthError::InvalidRequest.doorkeeper_response())?;
    let grant_type = params.get("grant_type").unwrap_or("");
    core.counters.incr(grant_type);
    if !grants.contains(&grant_type) {
        return Err(OAuthError::UnsupportedGrantType.doorkeeper_response());
    }
    let (client_id, client_secret) = params.client_credentials(headers);
    if client_id != client.0 || !secrets_equal(&client_secret, client.1) {
        return Err(OAuthError::InvalidClient.doorkeeper_response());
    }
    Ok(params)
}

/// What a Doorkeeper provider's token endpoint checks a request against.
pub trait DoorkeeperClient: Provider {
    /// The one registered client: its id and secret.
    const CLIENT: (&'static str, &'static str);
    /// The grant types the endpoint supports.
    const GRANTS: &'static [&'static str];
}

/// A handler argument: the parameters of a token request that passed
/// [`doorkeeper_token_request`] for the provider's [`DoorkeeperClient`]; any other request is
/// answered with Doorkeeper's error and never reaches the handler.
pub struct DoorkeeperToken(pub TokenParams);

impl<P: DoorkeeperClient> FromRequest<Arc<P>> for DoorkeeperToken {
    type Rejection = Response;

    async fn from_request(request: Request, provider: &Arc<P>) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let query = request.uri().query().map(str::to_owned);
        let body = Bytes::from_request(request, provider).await;
        let core = provider.core();
        doorkeeper_token_request(core, P::CLIENT, P::GRANTS, &headers, query.as_deref(), body)
            .map(DoorkeeperToken)
    }
}

/// `Content-Type: application/x-www-form-urlencoded` (parameters such as `charset` allowed).
pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Compares secrets without an early exit on the first differing byte.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `Authorization: Basic base64(id:secret)` client authentication (RFC 6749 §2.3.1).
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // Each part is form-encoded (RFC 6749 §2.3.1, appendix B).
    let decode = |part: &str| {
        form_urlencoded::parse(format!("a={part}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
    };
    Some((decode(id)?, decode(secret)?))
}
