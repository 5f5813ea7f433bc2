//! HTTP through gloo-net: Bearer requests (the app gets the browser's own `Response`) and token
//! requests (a form to a provider's endpoint, JSON to the app's server), bounded in time and size.

use gloo_net::http::Request;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, ReadableStreamReadResult, RequestInit,
    UrlSearchParams,
};

use crate::core::config::TokenStyle;
use crate::core::error::invalid_config;
use crate::core::session::{TokenFields, MAX_TOKEN_RESPONSE};
use crate::core::token::TokenRequest;
use crate::core::{Error, ErrorCode};

/// How long a token request may take before it is abandoned (`network_error`).
pub const TOKEN_TIMEOUT_MS: u32 = 30_000;

fn network_error(message: &'static str) -> Error {
    Error::new(ErrorCode::NetworkError, message)
}

/// `new Request(url, init)`: `init` is the app's `RequestInit` (or `undefined`).
///
/// # Errors
/// `invalid_config` when the `Request` constructor throws (it refuses the URL or `init`).
pub fn request(url: &str, init: Option<&JsValue>) -> Result<web_sys::Request, Error> {
    match init.filter(|i| !i.is_undefined() && !i.is_null()) {
        Some(init) => {
            web_sys::Request::new_with_str_and_init(url, init.unchecked_ref::<RequestInit>())
        }
        None => web_sys::Request::new_with_str(url),
    }
    .map_err(|_| invalid_config("fetch options are not a valid RequestInit"))
}

/// Sets `Authorization: Bearer <token>` (RFC 6750 §2.1).
///
/// # Errors
/// `invalid_config` when the browser refuses the header (the token holds characters a header
/// value cannot carry).
pub fn authorize(request: &web_sys::Request, token: &str) -> Result<(), Error> {
    request
        .headers()
        .set("Authorization", &["Bearer ", token].concat())
        .map_err(|_| invalid_config("The access token cannot be sent in a header"))
}

/// Sends a request. Any HTTP answer, whatever its status, is `Ok`.
///
/// # Errors
/// `network_error` when no HTTP answer comes back (`fetch` rejects).
pub async fn send(request: web_sys::Request) -> Result<web_sys::Response, Error> {
    Request::from(request)
        .send()
        .await
        .map(web_sys::Response::from)
        .map_err(|_| network_error("The request got no HTTP answer"))
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
/// body is not a JSON object or not UTF-8). Any status is `Ok`: the caller reads it with
/// [`read_token_response`](crate::core::session::read_token_response).
///
/// # Errors
/// - `invalid_config` when the request body cannot be written.
/// - `network_error` when no answer comes within [`TOKEN_TIMEOUT_MS`], when the request gets no
///   HTTP answer, or when the response body cannot be read.
/// - `invalid_response` (with the status) for a body over 64 KiB, declared in `Content-Length`
///   or found while reading, without reading more than that.
pub async fn post_token(
    url: &str,
    style: TokenStyle,
    request: &TokenRequest,
) -> Result<(u16, Option<TokenFields>), Error> {
    let content_type = match style {
        TokenStyle::Form => "application/x-www-form-urlencoded",
        TokenStyle::Json => "application/json",
    };
    let body =
        body(request, style).map_err(|_| invalid_config("The token request cannot be written"))?;
    let signal = AbortSignal::timeout_with_u32(TOKEN_TIMEOUT_MS);
    let response = Request::post(url)
        .header("Content-Type", content_type)
        .header("Accept", "application/json")
        .abort_signal(Some(&signal))
        .body(body)
        .map_err(|_| invalid_config("The token request cannot be written"))?
        .send()
        .await
        .map_err(|_| {
            if signal.aborted() {
                network_error("The token request timed out")
            } else {
                network_error("The request got no HTTP answer")
            }
        })?;
    let status = response.status();
    let too_large = || {
        Error::new(
            ErrorCode::InvalidResponse,
            "The token response is too large",
        )
        .with_status(status)
    };
    let body = read_at_most(&web_sys::Response::from(response), MAX_TOKEN_RESPONSE)
        .await
        .map_err(|_| network_error("The response body could not be read"))?
        .ok_or_else(too_large)?;
    // Not UTF-8 is not JSON: the answer is then read as having no fields.
    let fields = std::str::from_utf8(&body)
        .ok()
        .and_then(super::json::fields);
    Ok((status, fields))
}

/// Reads a response's body, stopping as soon as it passes `limit` bytes (`None`; the rest is
/// cancelled, never read). A declared `Content-Length` over the limit is refused before reading.
async fn read_at_most(
    response: &web_sys::Response,
    limit: usize,
) -> Result<Option<Vec<u8>>, JsValue> {
    let declared = response.headers().get("Content-Length").ok().flatten();
    if declared
        .and_then(|l| l.trim().parse::<u64>().ok())
        .is_some_and(|l| l > limit as u64)
    {
        if let Some(body) = response.body() {
            let _ = body.cancel();
        }
        return Ok(None);
    }
    let Some(body) = response.body() else {
        return Ok(Some(Vec::new()));
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk: ReadableStreamReadResult = JsFuture::from(reader.read()).await?.unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Ok(Some(bytes));
        }
        let value = chunk.get_value();
        let Some(chunk) = value.dyn_ref::<js_sys::Uint8Array>() else {
            return Err(value);
        };
        if bytes.len() + chunk.length() as usize > limit {
            let _ = reader.cancel();
            return Ok(None);
        }
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
    }
}
