//! fetch, for the SDK's own requests and for the Bearer calls it makes on the app's behalf.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response, Url};

use super::{error, window};
use crate::core::{Error, ErrorCode};

/// Sends a request; a failure to get any HTTP answer is `network_error`.
pub async fn send(request: &Request, provider: &'static str) -> Result<Response, JsValue> {
    let promise = window()?.fetch_with_request(request);
    let value = JsFuture::from(promise).await.map_err(|_| {
        Error::new(ErrorCode::NetworkError, "The request got no HTTP answer").for_provider(provider)
    })?;
    Ok(value.unchecked_into())
}

/// How a token endpoint takes its parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyStyle {
    /// JSON, for the app's own server (the broker).
    Json,
    /// `application/x-www-form-urlencoded`, for a provider's token endpoint (RFC 6749 §4.3.2, §6).
    Form,
}

/// POSTs a body to a token endpoint and returns the status and the body text. The body is
/// already a JS string, so the caller can wipe its own copy before the first await.
pub async fn post(
    url: &str,
    body: &JsValue,
    style: BodyStyle,
    provider: &'static str,
) -> Result<(u16, String), JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(body);
    let request = Request::new_with_str_and_init(url, &init).map_err(|_| {
        error(
            ErrorCode::InvalidConfig,
            "the token endpoint is not a valid URL",
        )
    })?;
    let headers = request.headers();
    let _ = headers.set(
        "Content-Type",
        match style {
            BodyStyle::Json => "application/json",
            BodyStyle::Form => "application/x-www-form-urlencoded",
        },
    );
    let _ = headers.set("Accept", "application/json");
    let response = send(&request, provider).await?;
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let text = text.ok_or_else(|| {
        JsValue::from(
            Error::new(
                ErrorCode::NetworkError,
                "The response body could not be read",
            )
            .for_provider(provider),
        )
    })?;
    Ok((response.status(), text))
}

/// `url` made absolute against the page's address.
pub fn absolute(url: &str) -> Result<String, JsValue> {
    let page = window()?.location().href()?;
    Ok(Url::new_with_base(url, &page)?.href())
}

/// The origin of an absolute URL.
pub fn origin_of(url: &str) -> Result<String, JsValue> {
    Url::new(url)
        .map(|u| u.origin())
        .map_err(|_| error(ErrorCode::InvalidConfig, "not an absolute URL"))
}

/// Resolves `path_or_url` against the provider's API base and refuses any result outside the
/// API's origin, so that a token is never sent elsewhere (another host, `http:` for an `https:`
/// API, a protocol-relative `//host` URL).
pub fn resolve_api_url(
    path_or_url: &str,
    base_url: &str,
    api_origin: &str,
) -> Result<String, JsValue> {
    // A path resolves below the base URL's own path, not against the host root alone.
    let mut base = String::from(base_url);
    base.push('/');
    let url = Url::new_with_base(path_or_url, &base)
        .map_err(|_| error(ErrorCode::InvalidConfig, "the request URL is not valid"))?;
    if url.origin() != api_origin {
        return Err(error(
            ErrorCode::InvalidConfig,
            "Refusing to send the provider's token to another origin",
        ));
    }
    Ok(url.href())
}
