//! HTTP through gloo-net: Bearer requests (the app gets the browser's own `Response`) and token
//! requests (a form to a provider's endpoint, JSON to the app's server), bounded in time and size.

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, RequestInit, UrlSearchParams};

use crate::core::error::invalid_config;
use crate::core::session::{TokenFields, MAX_TOKEN_RESPONSE};
use crate::core::{Error, ErrorCode};
use crate::providers::{TokenRequest, TokenStyle};

/// How long a token request may take before it is abandoned (`network_error`).
pub const TOKEN_TIMEOUT_MS: u32 = 30_000;

fn network_error(message: &'static str, provider: &'static str) -> Error {
    Error::new(ErrorCode::NetworkError, message).for_provider(provider)
}

/// `new Request(url, init)`: `init` is the app's `RequestInit` (or `undefined`).
pub fn request(
    url: &str,
    init: Option<&JsValue>,
    provider: &'static str,
) -> Result<web_sys::Request, Error> {
    match init.filter(|i| !i.is_undefined() && !i.is_null()) {
        Some(init) => {
            web_sys::Request::new_with_str_and_init(url, init.unchecked_ref::<RequestInit>())
        }
        None => web_sys::Request::new_with_str(url),
    }
    .map_err(|_| invalid_config("fetch options are not a valid RequestInit").for_provider(provider))
}

/// Sets `Authorization: Bearer <token>` (RFC 6750 §2.1).
pub fn authorize(
    request: &web_sys::Request,
    token: &str,
    provider: &'static str,
) -> Result<(), Error> {
    request
        .headers()
        .set("Authorization", &["Bearer ", token].concat())
        .map_err(|_| {
            invalid_config("The access token cannot be sent in a header").for_provider(provider)
        })
}

/// Sends a request; `network_error` when no HTTP answer comes back.
pub async fn send(
    request: web_sys::Request,
    provider: &'static str,
) -> Result<web_sys::Response, Error> {
    Request::from(request)
        .send()
        .await
        .map(web_sys::Response::from)
        .map_err(|_| network_error("The request got no HTTP answer", provider))
}

fn body(request: &TokenRequest, style: TokenStyle) -> Result<JsValue, JsValue> {
    Ok(match style {
        TokenStyle::Form => {
            let form = UrlSearchParams::new()?;
            for (name, value) in request.fields() {
                form.append(name, value);
            }
            form.into()
        }
        TokenStyle::Json => {
            let object = js_sys::Object::new();
            for (name, value) in request.fields() {
                js_sys::Reflect::set(&object, &name.into(), &value.into())?;
            }
            js_sys::JSON::stringify(&object)?.into()
        }
    })
}

/// POSTs a token request and reads the answer: its status and its JSON object (`None` when the
/// body is not a JSON object). A body over 64 KiB is `invalid_response`; no answer within
/// [`TOKEN_TIMEOUT_MS`] is `network_error`.
pub async fn post_token(
    url: &str,
    style: TokenStyle,
    request: &TokenRequest,
    provider: &'static str,
) -> Result<(u16, Option<TokenFields>), Error> {
    let content_type = match style {
        TokenStyle::Form => "application/x-www-form-urlencoded",
        TokenStyle::Json => "application/json",
    };
    let body = body(request, style).map_err(|_| {
        invalid_config("The token request cannot be written").for_provider(provider)
    })?;
    let signal = AbortSignal::timeout_with_u32(TOKEN_TIMEOUT_MS);
    let response = Request::post(url)
        .header("Content-Type", content_type)
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .body(body)
        .map_err(|_| invalid_config("The token request cannot be written").for_provider(provider))?
        .send()
        .await
        .map_err(|_| {
            if signal.aborted() {
                network_error("The token request timed out", provider)
            } else {
                network_error("The request got no HTTP answer", provider)
            }
        })?;
    let text = response
        .text()
        .await
        .map_err(|_| network_error("The response body could not be read", provider))?;
    if text.len() > MAX_TOKEN_RESPONSE {
        return Err(Error::new(
            ErrorCode::InvalidResponse,
            "The token response is too large",
        )
        .for_provider(provider)
        .with_status(response.status()));
    }
    let fields = super::json::parse::<TokenFields>(&text);
    Ok((response.status(), fields))
}
