//! CORS for the sandboxes, by tower-http's [`CorsLayer`]: [`open_cors`] lets any origin call
//! data and control endpoints (tokens travel in a header, never in cookies, so `*` is safe);
//! [`registered_cors`] allows only the origins a provider has registered, as ASP.NET's CORS
//! middleware does. Token endpoints that take a client secret get neither.
//!
//! Either layer goes on through [`with_cors`], which keeps two details of the sandboxes'
//! answers that tower-http words differently: preflights are `204 No Content` (tower-http
//! answers 200) and the exposed header is spelled `WWW-Authenticate`.

use std::time::Duration;

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Preflight answers may be cached this long, in seconds.
const MAX_AGE: Duration = Duration::from_secs(600);

/// What both layers allow: the methods and request headers the APIs use, and
/// `WWW-Authenticate` readable by browser code so it can tell an expired token from other 401s.
fn layer(allow_origin: AllowOrigin) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::WWW_AUTHENTICATE])
        .max_age(MAX_AGE)
}

/// Any origin, answered `Access-Control-Allow-Origin: *` (the same for every origin, so no
/// `Vary`).
pub fn open_cors() -> CorsLayer {
    layer(AllowOrigin::any()).vary([] as [HeaderName; 0])
}

/// Only origins `allowed` accepts get `Access-Control-Allow-Origin` (their own origin back);
/// other origins get no allow header, so the browser refuses. The answer depends on the
/// `Origin` header: `Vary: origin` keeps caches from sharing it across origins.
pub fn registered_cors(allowed: impl Fn(&str) -> bool + Send + Sync + 'static) -> CorsLayer {
    layer(AllowOrigin::predicate(
        move |origin: &HeaderValue, _: &Parts| origin.to_str().is_ok_and(&allowed),
    ))
    .vary([header::ORIGIN])
}

/// `router` with `cors` on all its routes (see the module documentation).
pub fn with_cors<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    cors: CorsLayer,
) -> Router<S> {
    router.layer(cors).layer(from_fn(as_sandboxes_answer))
}

/// Preflights `204 No Content`; the exposed header spelled `WWW-Authenticate`.
async fn as_sandboxes_answer(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if preflight {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    let headers = response.headers_mut();
    let exposed = headers.get(header::ACCESS_CONTROL_EXPOSE_HEADERS);
    if exposed.is_some_and(|v| v == "www-authenticate") {
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("WWW-Authenticate"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;

    async fn answer(cors: CorsLayer, method: Method, origin: &str) -> Response {
        let router = with_cors(Router::new().route("/", get(|| async { "ok" })), cors);
        let request = Request::builder()
            .method(method)
            .uri("/")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap();
        router.oneshot(request).await.unwrap()
    }

    fn header_of(response: &Response, name: HeaderName) -> Option<&str> {
        response.headers().get(name).map(|v| v.to_str().unwrap())
    }

    #[tokio::test]
    async fn open_cors_answers_every_origin() {
        let preflight = answer(open_cors(), Method::OPTIONS, "http://a.test").await;
        assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
        let allowed = |name| header_of(&preflight, name);
        assert_eq!(allowed(header::ACCESS_CONTROL_ALLOW_ORIGIN), Some("*"));
        assert_eq!(
            allowed(header::ACCESS_CONTROL_ALLOW_METHODS),
            Some("GET,POST,OPTIONS")
        );
        assert_eq!(
            allowed(header::ACCESS_CONTROL_ALLOW_HEADERS),
            Some("authorization,content-type")
        );
        assert_eq!(allowed(header::ACCESS_CONTROL_MAX_AGE), Some("600"));
        assert_eq!(allowed(header::VARY), None);

        let get = answer(open_cors(), Method::GET, "http://a.test").await;
        assert_eq!(get.status(), StatusCode::OK);
        assert_eq!(
            header_of(&get, header::ACCESS_CONTROL_EXPOSE_HEADERS),
            Some("WWW-Authenticate")
        );
    }

    #[tokio::test]
    async fn registered_cors_answers_registered_origins_only() {
        let cors = || registered_cors(|origin| origin == "http://app.test");
        let allowed = answer(cors(), Method::OPTIONS, "http://app.test").await;
        assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            header_of(&allowed, header::ACCESS_CONTROL_ALLOW_ORIGIN),
            Some("http://app.test")
        );
        assert_eq!(header_of(&allowed, header::VARY), Some("origin"));
        for method in [Method::OPTIONS, Method::GET] {
            let refused = answer(cors(), method, "http://evil.test").await;
            assert_eq!(
                header_of(&refused, header::ACCESS_CONTROL_ALLOW_ORIGIN),
                None
            );
            assert_eq!(header_of(&refused, header::VARY), Some("origin"));
        }
    }
}
