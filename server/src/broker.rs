//! The token broker: the server-side half of the SDK, on the app's own origin.
//!
//! It holds the client secrets the browser must never see. `POST /broker/fitbark/token` and
//! `POST /broker/fisikal/token` add them to a token request and relay the provider's answer
//! unchanged, so provider OAuth errors reach the browser as themselves.
//! `GET /broker/fitrankings/iq/...` reads FitRankings with the app's master token, and
//! `/broker/perfectgym/v2/...` calls PerfectGym's v2 API with the client id and secret headers.
//! Passwords passing through (Fisikal's password grant) are forwarded and never logged or kept.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::config::{Config, Upstream};
use crate::http_util::{json_response, no_store, read_body, request_params};

/// The broker's requests are a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;
/// How long the broker waits for a provider before answering 504 (`FITCONNECT_BROKER_TIMEOUT_MS`).
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
const FITRANKINGS_PREFIX: &str = "/broker/fitrankings";
const PERFECTGYM_V2_PREFIX: &str = "/broker/perfectgym/v2";

/// The providers the broker calls, with the credentials it adds.
#[derive(Clone, Debug)]
pub struct Upstreams {
    pub fitrankings: Upstream,
    pub fitbark: Upstream,
    /// `client_id` / `client_secret` go into v2's `X-Client-Id` / `X-Client-Secret` headers.
    pub perfectgym: Upstream,
    pub fisikal: Upstream,
}

impl Upstreams {
    pub fn from_config(config: &Config) -> Self {
        Upstreams {
            fitrankings: config.fitrankings.clone(),
            fitbark: config.fitbark.clone(),
            perfectgym: config.perfectgym.clone(),
            fisikal: config.fisikal.clone(),
        }
    }

    fn all(&self) -> [&Upstream; 4] {
        [
            &self.fitrankings,
            &self.fitbark,
            &self.perfectgym,
            &self.fisikal,
        ]
    }
}

/// A token request field set the broker forwards: the grant type, the fields it requires and
/// the ones it passes on when present. Anything else the caller sends is dropped.
struct GrantShape {
    grant_type: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

const FITBARK_GRANTS: &[GrantShape] = &[
    GrantShape {
        grant_type: "authorization_code",
        required: &["code", "redirect_uri"],
        optional: &["code_verifier"],
    },
    GrantShape {
        grant_type: "refresh_token",
        required: &["refresh_token"],
        optional: &[],
    },
];

const FISIKAL_GRANTS: &[GrantShape] = &[
    GrantShape {
        grant_type: "password",
        required: &["username", "password"],
        optional: &[],
    },
    GrantShape {
        grant_type: "refresh_token",
        required: &["refresh_token"],
        optional: &[],
    },
];

pub struct Broker {
    upstreams: Upstreams,
    http: reqwest::Client,
    timeout: Duration,
    /// The FitRankings master token, fetched on first use and again after a 401.
    master_token: tokio::sync::Mutex<Option<String>>,
}

impl Broker {
    pub fn new(upstreams: Upstreams, timeout: Duration) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            // A token endpoint that redirects is misconfigured; never replay credentials elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Below the servers' usual 30 s idle cut-off (this program's included), so a pooled
            // connection is not reused just as the other end closes it.
            .pool_idle_timeout(Duration::from_secs(20))
            .user_agent(concat!("fitconnect-broker/", env!("CARGO_PKG_VERSION")));
        // A proxy from the environment cannot reach this machine's loopback sandbox.
        if upstreams.all().iter().all(|u| is_loopback(&u.base_url)) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
        Ok(Broker {
            upstreams,
            http,
            timeout,
            master_token: tokio::sync::Mutex::new(None),
        })
    }

    /// The cached master token, or a new one when there is none or the cached one is `stale`.
    /// Holding the lock across the fetch makes concurrent callers share one request.
    async fn master_token(&self, stale: Option<&str>) -> Result<String, Response> {
        let mut cached = self.master_token.lock().await;
        if let Some(token) = cached.as_deref() {
            if Some(token) != stale {
                return Ok(token.to_string());
            }
        }
        *cached = None;
        let url = format!(
            "{}/iq/tokens/master-token/",
            self.upstreams.fitrankings.base_url
        );
        let response = self
            .http
            .post(url)
            .json(&json!({
                "client_id": self.upstreams.fitrankings.client_id,
                "client_secret": self.upstreams.fitrankings.client_secret.expose(),
            }))
            .send()
            .await
            .map_err(|e| self.unreachable("FitRankings", &e))?;
        let status = response.status();
        // The timeout covers the body too: a provider that stalls mid-answer is a 504 as well.
        let body = response
            .bytes()
            .await
            .map_err(|e| self.unreachable("FitRankings", &e))?;
        let body: Option<Value> = serde_json::from_slice(&body).ok();
        let token = body
            .as_ref()
            .and_then(|b| b.get("token"))
            .and_then(Value::as_str)
            .filter(|t| status.is_success() && !t.is_empty());
        match token {
            Some(token) => {
                *cached = Some(token.to_string());
                Ok(token.to_string())
            }
            None => {
                eprintln!("broker: FitRankings refused the master token request (HTTP {status})");
                Err(temporarily_unavailable(
                    StatusCode::BAD_GATEWAY,
                    &format!(
                        "FitRankings did not issue a master token (HTTP {}).",
                        status.as_u16()
                    ),
                ))
            }
        }
    }

    fn unreachable(&self, provider: &str, error: &reqwest::Error) -> Response {
        // The URL is not secret, but keep the log line short and free of request details.
        eprintln!("broker: {provider} request failed: {}", describe(error));
        if error.is_timeout() {
            temporarily_unavailable(
                StatusCode::GATEWAY_TIMEOUT,
                &format!(
                    "{provider} did not answer within {} seconds.",
                    self.timeout.as_secs_f32()
                ),
            )
        } else {
            temporarily_unavailable(
                StatusCode::BAD_GATEWAY,
                &format!("{provider} could not be reached."),
            )
        }
    }
}

fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "transport error"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(error);
    // Error chains are short; the bound only guards against a cyclic source.
    for _ in 0..4 {
        let Some(cause) = source else { break };
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn is_loopback(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or("");
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host == "127.0.0.1" || host == "localhost" || host == "[::1]" || rest.starts_with("[::1]")
}

fn temporarily_unavailable(status: StatusCode, description: &str) -> Response {
    no_store(json_response(
        status,
        json!({ "error": "temporarily_unavailable", "error_description": description }),
    ))
}

/// The broker's routes, under `/broker/`.
pub fn router(broker: Arc<Broker>) -> Router {
    Router::new()
        .route("/broker/fitbark/token", post(fitbark_token))
        .route("/broker/fisikal/token", post(fisikal_token))
        .route("/broker/fitrankings/iq/{*path}", get(fitrankings_proxy))
        .route(
            "/broker/perfectgym/v2/{*path}",
            get(perfectgym_v2).post(perfectgym_v2),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(broker)
}

/// Passes the provider's status and JSON body through; anything that is not JSON (an HTML
/// error page from a proxy, say) becomes a 502 the SDK can classify.
async fn relay(broker: &Broker, provider: &str, response: reqwest::Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json") || v.contains("+json")
        });
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) if e.is_timeout() => return broker.unreachable(provider, &e),
        Err(e) => {
            eprintln!(
                "broker: reading the {provider} answer failed: {}",
                describe(&e)
            );
            return temporarily_unavailable(
                StatusCode::BAD_GATEWAY,
                &format!("{provider} sent an incomplete answer."),
            );
        }
    };
    if !is_json || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        return temporarily_unavailable(
            StatusCode::BAD_GATEWAY,
            &format!(
                "{provider} answered HTTP {} without a JSON body.",
                status.as_u16()
            ),
        );
    }
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = status;
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(out)
}

async fn fitbark_token(
    State(broker): State<Arc<Broker>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let upstream = &broker.upstreams.fitbark;
    forward_token(&broker, "FitBark", upstream, FITBARK_GRANTS, &headers, body).await
}

async fn fisikal_token(
    State(broker): State<Arc<Broker>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let upstream = &broker.upstreams.fisikal;
    forward_token(&broker, "Fisikal", upstream, FISIKAL_GRANTS, &headers, body).await
}

/// The fields of `shapes`' grant from `params`, or the error the broker answers itself.
fn grant_form<'p>(
    params: &'p HashMap<String, String>,
    shapes: &[GrantShape],
) -> Result<Vec<(&'static str, &'p str)>, Response> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let grant_type = get("grant_type").unwrap_or("");
    let Some(shape) = shapes.iter().find(|s| s.grant_type == grant_type) else {
        return Err(no_store(json_response(
            StatusCode::BAD_REQUEST,
            json!({ "error": "unsupported_grant_type" }),
        )));
    };
    let mut form = vec![("grant_type", shape.grant_type)];
    for name in shape.required {
        match get(name) {
            Some(value) => form.push((name, value)),
            None => {
                return Err(invalid_request(&format!(
                    "{} required",
                    shape.required.join(" and ")
                )))
            }
        }
    }
    for name in shape.optional {
        if let Some(value) = get(name) {
            form.push((name, value));
        }
    }
    Ok(form)
}

/// Adds the client credentials to the caller's grant, posts it form-encoded to the provider's
/// `/oauth/token` and relays the answer.
async fn forward_token(
    broker: &Broker,
    provider: &str,
    upstream: &Upstream,
    shapes: &[GrantShape],
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let params = match request_params(headers, None, &body) {
        Ok(params) => params,
        Err(message) => return invalid_request(&message),
    };
    let mut form = match grant_form(&params, shapes) {
        Ok(form) => form,
        Err(response) => return response,
    };
    form.extend([
        ("client_id", upstream.client_id.as_str()),
        ("client_secret", upstream.client_secret.expose()),
    ]);
    let url = format!("{}/oauth/token", upstream.base_url);
    let sent = broker
        .http
        .post(url)
        .header(header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await;
    match sent {
        Ok(response) => relay(broker, provider, response).await,
        Err(e) => broker.unreachable(provider, &e),
    }
}

fn invalid_request(description: &str) -> Response {
    no_store(json_response(
        StatusCode::BAD_REQUEST,
        json!({ "error": "invalid_request", "error_description": description }),
    ))
}

async fn fitrankings_proxy(
    State(broker): State<Arc<Broker>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    // The raw path keeps the caller's percent-encoding intact.
    let path = uri.path().strip_prefix(FITRANKINGS_PREFIX).unwrap_or("");
    if !path.starts_with("/iq/") || !is_plain_path(path) {
        return invalid_request("not a FitRankings API path");
    }
    let mut url = format!("{}{}", broker.upstreams.fitrankings.base_url, path);
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(&query);
    }
    let mut stale: Option<String> = None;
    // One retry: a 401 means the cached master token expired or was revoked.
    for attempt in 0..2 {
        let token = match broker.master_token(stale.as_deref()).await {
            Ok(token) => token,
            Err(response) => return response,
        };
        let sent = broker
            .http
            .get(&url)
            .bearer_auth(&token)
            .header(header::ACCEPT, "application/json")
            .send()
            .await;
        match sent {
            Ok(response) if response.status() == StatusCode::UNAUTHORIZED && attempt == 0 => {
                stale = Some(token);
            }
            Ok(response) => return relay(&broker, "FitRankings", response).await,
            Err(e) => return broker.unreachable("FitRankings", &e),
        }
    }
    temporarily_unavailable(
        StatusCode::BAD_GATEWAY,
        "FitRankings rejected a fresh master token.",
    )
}

/// No `.` or `..` segment (also percent-encoded: URL parsers decode `%2e` before resolving
/// dots) and no backslash, so a proxied path cannot climb out of the provider's API.
fn is_plain_path(path: &str) -> bool {
    path.split('/').all(|segment| {
        let decoded: String = form_urlencoded::parse(format!("s={segment}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()
            .unwrap_or_default();
        decoded != "." && decoded != ".." && !decoded.contains('\\')
    })
}

/// `GET|POST /broker/perfectgym/v2/{path}?{query}` → `${perfectgym}/Api/v2.2/{path}?{query}`
/// with the client id and secret headers; status and body come back unchanged.
async fn perfectgym_v2(
    State(broker): State<Arc<Broker>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match read_body(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let path = uri.path().strip_prefix(PERFECTGYM_V2_PREFIX).unwrap_or("");
    if !path.starts_with('/') || !is_plain_path(path) {
        return invalid_request("not a PerfectGym v2 API path");
    }
    let upstream = &broker.upstreams.perfectgym;
    let mut url = format!("{}/Api/v2.2{path}", upstream.base_url);
    if let Some(query) = uri.query().filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(query);
    }
    let mut request = broker
        .http
        .request(method.clone(), url)
        .header(header::ACCEPT, "application/json")
        .header("X-Client-Id", upstream.client_id.as_str())
        .header("X-Client-Secret", upstream.client_secret.expose());
    if method == Method::POST {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(HeaderValue::from_static("application/json"));
        request = request
            .header(header::CONTENT_TYPE, content_type)
            .body(body);
    }
    match request.send().await {
        Ok(response) => relay(&broker, "PerfectGym", response).await,
        Err(e) => broker.unreachable("PerfectGym", &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        assert!(is_loopback("http://127.0.0.1:8081"));
        assert!(is_loopback("http://localhost:8082/x"));
        assert!(is_loopback("http://[::1]:9000"));
        assert!(!is_loopback("https://app.fitbark.com"));
        assert!(!is_loopback("https://127.0.0.1.example.com"));
    }

    #[test]
    fn proxied_paths_stay_inside_the_api() {
        assert!(is_plain_path("/odata/Members"));
        assert!(is_plain_path("/iq/activities/1/"));
        for bad in ["/iq/../x", "/iq/%2e%2e/x", "/a/%2E/b", "/a\\b", "/a/%5c"] {
            assert!(!is_plain_path(bad), "{bad}");
        }
    }
}
