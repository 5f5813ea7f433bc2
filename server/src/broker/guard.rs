//! Cross-site requests never reach a broker endpoint.
//!
//! A page of another site can make a browser send a request to the broker: a `<form>` POST,
//! a `fetch` with `mode: "no-cors"` and a `text/plain` body, an `<img>` GET. Browsers mark such
//! requests: `Origin` names the sending page's origin (on every POST, and on every CORS-mode
//! request) and Fetch Metadata's `Sec-Fetch-Site` says `cross-site`. The broker answers 403 to
//! either sign, and 415 to a POST whose body is not JSON, the only type its endpoints take (a
//! form or `text/plain` body is what a page can send cross-site without a CORS preflight).
//! Requests without these headers (server-to-server, curl) are not a browser's: they pass here
//! and meet the endpoints' own checks.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::problem;

/// The origins whose pages may call the broker: exact `scheme://host[:port]`, no trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        AllowedOrigins(
            origins
                .into_iter()
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty())
                .collect(),
        )
    }

    pub fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o.eq_ignore_ascii_case(origin))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

/// Why a request is refused, if it is.
pub fn refusal(
    allowed: &AllowedOrigins,
    method: &Method,
    headers: &HeaderMap,
) -> Option<(StatusCode, &'static str, &'static str)> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        // `Origin: null` (sandboxed frames, some redirects) is not an allowed origin either.
        let allowed_origin = origin.to_str().is_ok_and(|o| allowed.contains(o));
        if !allowed_origin {
            return Some((
                StatusCode::FORBIDDEN,
                "cross-origin",
                "The request comes from a page of another origin.",
            ));
        }
    }
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Some((
            StatusCode::FORBIDDEN,
            "cross-site",
            "The request comes from a page of another site.",
        ));
    }
    if method == Method::POST && !is_json(headers) {
        return Some((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "The broker takes only `Content-Type: application/json` bodies.",
        ));
    }
    None
}

/// `application/json`, parameters (`; charset=utf-8`) allowed.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Middleware: refuses cross-site requests before any handler (or body read) runs.
pub async fn refuse_cross_site(
    State(allowed): State<Arc<AllowedOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    match refusal(&allowed, request.method(), request.headers()) {
        Some((status, kind, detail)) => problem(status, kind, detail),
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn browser_requests_are_judged_by_origin_fetch_metadata_and_type() {
        let allowed = AllowedOrigins::new(["http://127.0.0.1:8080/".to_string()]);
        let json = ("content-type", "application/json; charset=utf-8");
        let same = [
            ("origin", "http://127.0.0.1:8080"),
            ("sec-fetch-site", "same-origin"),
            json,
        ];
        assert_eq!(refusal(&allowed, &Method::POST, &headers(&same)), None);
        assert_eq!(refusal(&allowed, &Method::POST, &headers(&[json])), None);
        assert_eq!(refusal(&allowed, &Method::GET, &headers(&[])), None);
        let status = |method: Method, pairs: &[(&'static str, &'static str)]| {
            refusal(&allowed, &method, &headers(pairs)).map(|(s, _, _)| s.as_u16())
        };
        assert_eq!(
            status(Method::POST, &[("origin", "https://evil.example"), json]),
            Some(403)
        );
        assert_eq!(status(Method::POST, &[("origin", "null"), json]), Some(403));
        assert_eq!(
            status(Method::GET, &[("sec-fetch-site", "cross-site")]),
            Some(403)
        );
        assert_eq!(
            status(Method::GET, &[("sec-fetch-site", "same-site")]),
            None
        );
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
        ] {
            assert_eq!(
                status(Method::POST, &[("content-type", content_type)]),
                Some(415),
                "{content_type}"
            );
        }
        assert_eq!(status(Method::POST, &[]), Some(415));
    }
}
