//! HTTP helpers shared by the sandboxes and the broker.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub fn json_response(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// Token responses and test-control answers must not be cached (RFC 6749 §5.1).
pub fn no_store(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
        .headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Turns a body-extraction failure (such as a body over the size limit) into a JSON error.
pub fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, Response> {
    body.map_err(|rejection| {
        let status = rejection.status();
        json_response(
            status,
            json!({ "error": "invalid_request", "error_description": rejection.body_text() }),
        )
    })
}

/// A handler argument: the request body, or [`read_body`]'s JSON error (such as a 413 for a
/// body over the size limit) without running the handler.
pub struct BodyBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for BodyBytes {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        read_body(Bytes::from_request(request, state).await).map(BodyBytes)
    }
}

/// Query string to a map; for a repeated name the first value wins.
pub fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        map.entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    map
}

/// Request parameters the way Rails-style OAuth servers read them: query parameters, then the
/// body (JSON object or form-encoded, chosen by `Content-Type`) overriding them.
pub fn request_params(
    headers: &HeaderMap,
    raw_query: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, String> {
    let mut params = query_map(raw_query);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(params);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/json") || content_type.contains("+json") {
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the JSON body is invalid: {e}"))?;
        let object = value
            .as_object()
            .ok_or_else(|| "the JSON body must be an object".to_string())?;
        for (key, value) in object {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                _ => return Err(format!("parameter `{key}` must be a string")),
            };
            params.insert(key.clone(), text);
        }
    } else {
        for (key, value) in form_urlencoded::parse(body) {
            params.insert(key.into_owned(), value.into_owned());
        }
    }
    Ok(params)
}
