//! Helpers shared by the router tests: build requests, run them with `oneshot`, read answers
//! and check the shapes several providers share (OAuth errors, bearer challenges, problem
//! documents, HTML pages, open CORS), and drive a sandbox's `/__sandbox/*` endpoints.
#![allow(dead_code)]

use std::collections::HashMap;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use fitconnect_server::broker::access::{Authorize, AuthorizeFuture, ProxyCall, ProxyPolicy, Rule};
use fitconnect_server::broker::guard::AllowedOrigins;
use fitconnect_server::broker::BrokerPolicy;
use serde_json::Value;
use tower::ServiceExt;

/// The app origin the broker's tests run under.
pub const APP_ORIGIN: &str = "http://127.0.0.1:8080";

/// An authorisation hook that accepts everyone: for tests of what the proxies do once a caller
/// is accepted (a real deployment never uses it).
pub struct AcceptAll;

impl Authorize for AcceptAll {
    fn authorize<'a>(&'a self, _call: &'a ProxyCall<'a>) -> AuthorizeFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// A provider failure as the broker reports it: the status, an RFC 9457 problem document whose
/// `type` names an upstream failure, and no `error` member an OAuth client could take for a
/// refusal of its grant.
pub fn assert_upstream_failure(answer: &Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));
    let body = answer.json();
    assert!(body.get("error").is_none(), "{body}");
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:fitconnect:broker:upstream-")),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16());
    assert!(body["detail"].is_string(), "{body}");
}

/// An OAuth error answer: `status` and the JSON body's `error` code.
pub fn assert_oauth_error(answer: &Answer, status: StatusCode, error: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(answer.json()["error"], error, "{}", answer.text());
}

/// A refused bearer token: `status` and a `WWW-Authenticate` challenge that contains `needle`.
pub fn assert_challenge(answer: &Answer, status: StatusCode, needle: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    let challenge = answer.header("www-authenticate").expect("a challenge");
    assert!(challenge.contains(needle), "{challenge}");
}

/// Browser calls from [`APP_ORIGIN`]; both proxies forward GET and POST for everyone.
pub fn open_policy() -> BrokerPolicy {
    let open = || ProxyPolicy {
        allow: vec![Rule::new(Method::GET, "/"), Rule::new(Method::POST, "/")],
        authorize: std::sync::Arc::new(AcceptAll),
    };
    BrokerPolicy {
        origins: AllowedOrigins::new([APP_ORIGIN.to_string()]),
        fitrankings: open(),
        perfectgym: open(),
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }

    pub fn location(&self) -> String {
        self.header("location").expect("a Location header")
    }

    /// Query parameters of the Location header, decoded.
    pub fn location_query(&self) -> HashMap<String, String> {
        let location = self.location();
        let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
        let query = query.split('#').next().unwrap_or("");
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }
}

/// The keys of a JSON object, sorted.
pub fn sorted_keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    keys.sort_unstable();
    keys
}

/// Asserts `Access-Control-Allow-Origin: *`.
pub fn assert_open_cors(answer: &Answer) {
    assert_eq!(
        answer.header("access-control-allow-origin").as_deref(),
        Some("*")
    );
}

/// Asserts that `uri` answers a CORS preflight from any origin.
pub async fn assert_open_preflight(app: &Router, uri: &str) {
    let answer = send(app, preflight(uri, "GET")).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{uri}");
    assert_open_cors(&answer);
}

pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    Answer {
        status,
        headers,
        body,
    }
}

/// A sandbox's `GET /__sandbox/counters`.
pub async fn sandbox_counters(app: &Router) -> Value {
    send(app, get("/__sandbox/counters")).await.json()
}

/// A sandbox's `POST /__sandbox/settings` with `settings`.
pub async fn set(app: &Router, settings: Value) -> Answer {
    send(app, post_json("/__sandbox/settings", &settings)).await
}

/// A sandbox's `POST /__sandbox/expire-tokens`: every access token issued so far expires.
pub async fn expire_tokens(app: &Router) {
    send(app, post_empty("/__sandbox/expire-tokens")).await;
}

/// After [`expire_tokens`], `token` is refused at `uri` with 401; returns that answer.
pub async fn assert_expired(app: &Router, uri: &str, token: &str) -> Answer {
    expire_tokens(app).await;
    let answer = get_as(app, uri, token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}");
    answer
}

/// An HTML page answered 200 that contains each of `needles`.
pub fn assert_page(answer: &Answer, needles: &[&str]) {
    assert_eq!(answer.status, StatusCode::OK);
    let html = answer.text();
    for needle in needles {
        assert!(html.contains(needle), "{needle}");
    }
}

/// A GET with `token` as its bearer token, sent.
pub async fn get_as(app: &Router, uri: &str, token: &str) -> Answer {
    send(app, get_bearer(uri, token)).await
}

/// The `access_token` of a token answer's JSON.
pub fn access_token(tokens: &Value) -> &str {
    tokens["access_token"].as_str().expect("an access_token")
}

pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

pub fn get_bearer(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

pub fn post_empty(uri: &str) -> Request<Body> {
    Request::post(uri).body(Body::empty()).unwrap()
}

pub fn post_form(uri: &str, pairs: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A POST of `body` as it is, labelled `content_type` (for bodies the other helpers would not
/// build: broken or oversized ones).
pub fn post_raw(uri: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

pub fn post_json(uri: &str, value: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(value.to_string()))
        .unwrap()
}

pub fn post_json_bearer(uri: &str, token: &str, value: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(value.to_string()))
        .unwrap()
}

pub fn preflight(uri: &str, method: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri(uri)
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
        .body(Body::empty())
        .unwrap()
}

/// A loopback URL whose port was just free: nothing listens there.
pub fn dead_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    dead
}

/// Serves `router` on an ephemeral loopback port (for code that needs a real socket).
pub async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}
