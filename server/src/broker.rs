//! The token broker: the server-side half of the SDK, on the app's own origin.
//!
//! It holds the client secrets the browser must never see. `POST /broker/fitbark/token` adds
//! them to a code exchange or refresh and relays FitBark's answer unchanged, so provider OAuth
//! errors reach the browser as themselves. `GET /broker/fitrankings/iq/...` reads FitRankings
//! with the app's master token.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::config::Upstream;
use crate::http_util::{json_response, no_store, read_body, request_params};

/// The broker's requests are a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;
/// How long the broker waits for a provider before answering 504.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
const FITRANKINGS_PREFIX: &str = "/broker/fitrankings";

pub struct Broker {
    fitrankings: Upstream,
    fitbark: Upstream,
    http: reqwest::Client,
    timeout: Duration,
    /// The FitRankings master token, fetched on first use and again after a 401.
    master_token: tokio::sync::Mutex<Option<String>>,
}

impl Broker {
    pub fn new(
        fitrankings: Upstream,
        fitbark: Upstream,
        timeout: Duration,
    ) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            // A token endpoint that redirects is misconfigured; never replay credentials elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("fitconnect-broker/", env!("CARGO_PKG_VERSION")));
        // A proxy from the environment cannot reach this machine's loopback sandbox.
        if is_loopback(&fitrankings.base_url) && is_loopback(&fitbark.base_url) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
        Ok(Broker {
            fitrankings,
            fitbark,
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
        let url = format!("{}/iq/tokens/master-token/", self.fitrankings.base_url);
        let response = self
            .http
            .post(url)
            .json(&json!({
                "client_id": self.fitrankings.client_id,
                "client_secret": self.fitrankings.client_secret.expose(),
            }))
            .send()
            .await
            .map_err(|e| self.unreachable("FitRankings", &e))?;
        let status = response.status();
        let body: Option<Value> = response.json().await.ok();
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
        .route("/broker/fitrankings/iq/{*path}", get(fitrankings_proxy))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(broker)
}

/// Passes the provider's status and JSON body through; anything that is not JSON (an HTML
/// error page from a proxy, say) becomes a 502 the SDK can classify.
async fn relay(provider: &str, response: reqwest::Response) -> Response {
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
    let body = match read_body(body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let params = match request_params(&headers, None, &body) {
        Ok(params) => params,
        Err(message) => return invalid_request(&message),
    };
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let mut form: Vec<(&str, &str)> = Vec::with_capacity(6);
    match get("grant_type") {
        Some("authorization_code") => {
            let (Some(code), Some(redirect_uri)) = (get("code"), get("redirect_uri")) else {
                return invalid_request("code and redirect_uri are required");
            };
            form.extend([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ]);
            if let Some(verifier) = get("code_verifier") {
                form.push(("code_verifier", verifier));
            }
        }
        Some("refresh_token") => {
            let Some(refresh_token) = get("refresh_token") else {
                return invalid_request("refresh_token is required");
            };
            form.extend([
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ]);
        }
        _ => {
            return no_store(json_response(
                StatusCode::BAD_REQUEST,
                json!({ "error": "unsupported_grant_type" }),
            ))
        }
    }
    form.extend([
        ("client_id", broker.fitbark.client_id.as_str()),
        ("client_secret", broker.fitbark.client_secret.expose()),
    ]);
    let url = format!("{}/oauth/token", broker.fitbark.base_url);
    let sent = broker
        .http
        .post(url)
        .header(header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await;
    match sent {
        Ok(response) => relay("FitBark", response).await,
        Err(e) => broker.unreachable("FitBark", &e),
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
    if !path.starts_with("/iq/")
        || path
            .split('/')
            .any(|segment| segment == ".." || segment == "." || segment.contains('\\'))
    {
        return invalid_request("not a FitRankings API path");
    }
    let mut url = format!("{}{}", broker.fitrankings.base_url, path);
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
            Ok(response) => return relay("FitRankings", response).await,
            Err(e) => return broker.unreachable("FitRankings", &e),
        }
    }
    temporarily_unavailable(
        StatusCode::BAD_GATEWAY,
        "FitRankings rejected a fresh master token.",
    )
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
}
