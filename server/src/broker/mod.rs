//! The token broker: the server-side half of the SDK, on the app's own origin.
//!
//! It holds the client secrets the browser must never see. `POST /broker/fitbark/token` and
//! `POST /broker/fisikal/token` add them to a token request and relay the provider's answer
//! unchanged, so provider OAuth errors reach the browser as themselves.
//! `GET /broker/fitrankings/iq/...` reads FitRankings with the app's master token, and
//! `/broker/perfectgym/v2/...` calls PerfectGym's v2 API with the client id and secret headers.
//! Passwords passing through (Fisikal's password grant) are forwarded and never logged or kept.
//!
//! Every endpoint refuses cross-site requests ([`guard`]); the two proxies that act with the
//! app's own credentials answer only callers their [`access::ProxyPolicy`] accepts. Answers
//! from providers are bounded in time and size. When a provider fails, the broker answers 502
//! or 504 with an RFC 9457 problem document (`application/problem+json`, no `error` member), so
//! no client reads it as an OAuth refusal; the providers' own OAuth errors pass through as they
//! are.

pub mod access;
pub mod guard;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use serde_json::{json, Value};

use self::access::{
    Authorize, Closed, ProviderUserToken, Proxy, ProxyCall, ProxyPolicy, Refusal, SessionCookie,
};
use self::guard::AllowedOrigins;
use crate::config::{Config, ProxyAuth, ProxySettings, Upstream};
use crate::http_util::{json_response, no_store, read_body, request_params};

/// The broker's requests are a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Token and master-token answers are a few hundred bytes; the SDK itself refuses token
/// responses over 64 KiB.
pub const TOKEN_ANSWER_LIMIT: usize = 64 * 1024;
/// Proxied data: the sandbox's largest page (500 PerfectGym classes with their types) is 135 KiB.
pub const PROXY_ANSWER_LIMIT: usize = 1024 * 1024;
pub use crate::config::DEFAULT_UPSTREAM_TIMEOUT;
const FITRANKINGS_PREFIX: &str = "/broker/fitrankings";
const PERFECTGYM_V2_PREFIX: &str = "/broker/perfectgym/v2";

/// The providers the broker calls, with the credentials it adds. A provider that is `None` has
/// no broker routes (404): nothing is sent to an address nobody configured.
#[derive(Clone, Debug)]
pub struct Upstreams {
    pub fitrankings: Option<Upstream>,
    pub fitbark: Option<Upstream>,
    /// `client_id` / `client_secret` go into v2's `X-Client-Id` / `X-Client-Secret` headers.
    pub perfectgym: Option<Upstream>,
    pub fisikal: Option<Upstream>,
}

impl Upstreams {
    /// With the sandbox, every provider (the sandbox's); without it, only the providers whose
    /// variables are set.
    pub fn from_config(config: &Config) -> Self {
        let configured =
            |upstream: &Upstream, set: bool| (config.sandbox || set).then(|| upstream.clone());
        let set = &config.configured;
        Upstreams {
            fitrankings: configured(&config.fitrankings, set.fitrankings),
            fitbark: configured(&config.fitbark, set.fitbark),
            perfectgym: configured(&config.perfectgym, set.perfectgym),
            fisikal: configured(&config.fisikal, set.fisikal),
        }
    }

    /// Every provider at `upstream` (tests and the load test).
    pub fn all_at(upstream: Upstream) -> Self {
        Upstreams {
            fitrankings: Some(upstream.clone()),
            fitbark: Some(upstream.clone()),
            perfectgym: Some(upstream.clone()),
            fisikal: Some(upstream),
        }
    }

    fn all(&self) -> impl Iterator<Item = &Upstream> {
        [
            &self.fitrankings,
            &self.fitbark,
            &self.perfectgym,
            &self.fisikal,
        ]
        .into_iter()
        .flatten()
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

/// Who may call the broker: the app's origins, and each app-credential proxy's policy.
#[derive(Clone, Debug)]
pub struct BrokerPolicy {
    pub origins: AllowedOrigins,
    pub fitrankings: ProxyPolicy,
    pub perfectgym: ProxyPolicy,
}

impl BrokerPolicy {
    /// Browser requests only from `app_origin`; both proxies closed.
    pub fn closed(app_origin: &str) -> Self {
        BrokerPolicy {
            origins: AllowedOrigins::new([app_origin.to_string()]),
            fitrankings: ProxyPolicy::closed(),
            perfectgym: ProxyPolicy::closed(),
        }
    }

    /// The policy the command line and environment describe. A user token is checked with a
    /// small call that user token may make: FitRankings' `GET /iq/users/` (a user token sees
    /// only its own user) and PerfectGym v1's first page of classes. The proxy of a provider
    /// the broker does not call (see [`Upstreams::from_config`]) is closed.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let session = match &config.session_key {
            Some(key) => Some(Arc::new(SessionCookie::new(key.expose().as_bytes())?)),
            None => None,
        };
        let upstreams = Upstreams::from_config(config);
        let proxy = |settings: &ProxySettings, upstream: &Option<Upstream>, verify_url: String| {
            let auth = match upstream {
                Some(_) => settings.auth,
                None => ProxyAuth::Closed,
            };
            let authorize: Arc<dyn Authorize> = match auth {
                ProxyAuth::Closed => Arc::new(Closed),
                ProxyAuth::Session => session
                    .clone()
                    .ok_or("session authorisation needs FITCONNECT_BROKER_SESSION_KEY")?,
                ProxyAuth::UserToken => {
                    Arc::new(ProviderUserToken::new(verify_url, config.broker_timeout)?)
                }
            };
            Ok::<_, String>(ProxyPolicy {
                allow: settings.allow.clone(),
                authorize,
            })
        };
        Ok(BrokerPolicy {
            origins: AllowedOrigins::new(config.broker_origins.iter().cloned()),
            fitrankings: proxy(
                &config.fitrankings_proxy,
                &upstreams.fitrankings,
                format!("{}/iq/users/", config.fitrankings.base_url),
            )?,
            perfectgym: proxy(
                &config.perfectgym_proxy,
                &upstreams.perfectgym,
                format!("{}/Api/Classes/Classes?page=1", config.perfectgym.base_url),
            )?,
        })
    }

    /// Runs each proxy hook's [`Authorize::startup_check`] (for `user-token`: the provider must
    /// refuse a made-up token). An `Err` names the setting and must stop the server.
    pub async fn startup_check(&self) -> Result<(), String> {
        for (proxy, setting) in [
            (Proxy::FitRankings, "FITCONNECT_BROKER_FITRANKINGS_AUTH"),
            (Proxy::PerfectGymV2, "FITCONNECT_BROKER_PERFECTGYM_AUTH"),
        ] {
            self.proxy(proxy)
                .authorize
                .startup_check()
                .await
                .map_err(|message| format!("{setting}: {message}"))?;
        }
        Ok(())
    }

    fn proxy(&self, proxy: Proxy) -> &ProxyPolicy {
        match proxy {
            Proxy::FitRankings => &self.fitrankings,
            Proxy::PerfectGymV2 => &self.perfectgym,
        }
    }
}

pub struct Broker {
    upstreams: Upstreams,
    policy: BrokerPolicy,
    http: reqwest::Client,
    timeout: Duration,
    /// The FitRankings master token, fetched on first use and again after a 401.
    master_token: tokio::sync::Mutex<Option<String>>,
}

impl Broker {
    pub fn new(
        upstreams: Upstreams,
        timeout: Duration,
        policy: BrokerPolicy,
    ) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            // A token endpoint that redirects is misconfigured; never replay credentials elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Below the servers' usual 30 s idle cut-off (this program's included), so a pooled
            // connection is not reused just as the other end closes it.
            .pool_idle_timeout(Duration::from_secs(20))
            .user_agent(concat!("fitconnect-broker/", env!("CARGO_PKG_VERSION")));
        // A proxy from the environment cannot reach this machine's loopback sandbox.
        if upstreams.all().all(|u| is_loopback(&u.base_url)) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
        Ok(Broker {
            upstreams,
            policy,
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
        let Some(fitrankings) = &self.upstreams.fitrankings else {
            return Err(not_configured("FitRankings"));
        };
        let url = format!("{}/iq/tokens/master-token/", fitrankings.base_url);
        let response = self
            .http
            .post(url)
            .json(&json!({
                "client_id": fitrankings.client_id,
                "client_secret": fitrankings.client_secret.expose(),
            }))
            .send()
            .await
            .map_err(|e| self.unreachable("FitRankings", &e))?;
        let status = response.status();
        // The timeout covers the body too: a provider that stalls mid-answer is a 504 as well.
        let body = self
            .read_answer("FitRankings", response, TOKEN_ANSWER_LIMIT)
            .await?;
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
                Err(problem(
                    StatusCode::BAD_GATEWAY,
                    "upstream-refused-app-credentials",
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
            self.timed_out(provider)
        } else {
            problem(
                StatusCode::BAD_GATEWAY,
                "upstream-unreachable",
                &format!("{provider} could not be reached."),
            )
        }
    }

    fn timed_out(&self, provider: &str) -> Response {
        problem(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream-timeout",
            &format!(
                "{provider} did not answer within {} seconds.",
                self.timeout.as_secs_f32()
            ),
        )
    }

    /// The whole answer body, read as it arrives and given up once it passes `limit` bytes
    /// (a 502), so a provider cannot make the broker buffer without bound. The client's
    /// timeout covers this read too.
    async fn read_answer(
        &self,
        provider: &str,
        mut response: reqwest::Response,
        limit: usize,
    ) -> Result<Bytes, Response> {
        let too_large = || {
            eprintln!("broker: the {provider} answer is over {limit} bytes; dropped");
            problem(
                StatusCode::BAD_GATEWAY,
                "upstream-answer-too-large",
                &format!("{provider} sent an answer over {limit} bytes."),
            )
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Bytes::from(body)),
                Err(e) if e.is_timeout() => return Err(self.unreachable(provider, &e)),
                Err(e) => {
                    eprintln!(
                        "broker: reading the {provider} answer failed: {}",
                        describe(&e)
                    );
                    return Err(problem(
                        StatusCode::BAD_GATEWAY,
                        "upstream-incomplete-answer",
                        &format!("{provider} sent an incomplete answer."),
                    ));
                }
            }
        }
    }

    /// The proxy's policy, applied before anything is sent to the provider.
    async fn authorize(&self, call: &ProxyCall<'_>) -> Result<(), Response> {
        let policy = self.policy.proxy(call.proxy);
        policy.check(call).await.map_err(|refusal| match refusal {
            Refusal::Unauthenticated(detail) => {
                let mut response = problem(StatusCode::UNAUTHORIZED, "unauthenticated", detail);
                if let Some(challenge) = policy.authorize.challenge() {
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static(challenge),
                    );
                }
                response
            }
            Refusal::Forbidden(detail) => problem(StatusCode::FORBIDDEN, "forbidden", detail),
            Refusal::Unverifiable { timed_out: true } => {
                self.timed_out(&format!("{} (checking the user token)", call.proxy.name()))
            }
            Refusal::Unverifiable { timed_out: false } => problem(
                StatusCode::BAD_GATEWAY,
                "upstream-unreachable",
                &format!(
                    "{} could not say whether the user token is valid.",
                    call.proxy.name()
                ),
            ),
            Refusal::TooManyChecks { retry_after } => {
                // Whole seconds, rounded up, at least one.
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                let mut response = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too-many-token-checks",
                    &format!(
                        "Too many new user tokens to check with {} just now; try again later.",
                        call.proxy.name()
                    ),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
                response
            }
        })
    }

    /// A proxied call put to [`Broker::authorize`]; once accepted, the URL it is forwarded to:
    /// `api_base`, the checked path as encoded, and the query when there is one.
    async fn authorized_url(
        &self,
        proxy: Proxy,
        method: &Method,
        headers: &HeaderMap,
        path: &ProxyPath,
        api_base: &str,
        query: Option<&str>,
    ) -> Result<String, Response> {
        let call = ProxyCall {
            proxy,
            method,
            path: &path.decoded,
            headers,
        };
        self.authorize(&call).await?;
        let mut url = format!("{api_base}{}", path.encoded);
        if let Some(query) = query.filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
        Ok(url)
    }
}

/// Only reached if a handler runs for a provider without configuration, which the router
/// prevents; answered rather than panicking.
fn not_configured(provider: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-configured",
        &format!("{provider} is not configured on this server."),
    )
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

/// The broker's own refusals and failures: an RFC 9457 problem document. It has no `error`
/// member, so no OAuth client reads it as a refusal of its grant (RFC 6749 §5.2); `type` says
/// what happened (`urn:fitconnect:broker:upstream-timeout`, …).
pub(crate) fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    let mut response = no_store(json_response(
        status,
        json!({
            "type": format!("urn:fitconnect:broker:{kind}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        }),
    ));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// The broker's routes, under `/broker/`: those of the configured providers only.
pub fn router(broker: Arc<Broker>) -> Router {
    let origins = Arc::new(broker.policy.origins.clone());
    let upstreams = &broker.upstreams;
    let mut router = Router::new();
    if upstreams.fitbark.is_some() {
        let fitbark = token_route("FitBark", FITBARK_GRANTS, |u| u.fitbark.as_ref());
        router = router.route("/broker/fitbark/token", fitbark);
    }
    if upstreams.fisikal.is_some() {
        let fisikal = token_route("Fisikal", FISIKAL_GRANTS, |u| u.fisikal.as_ref());
        router = router.route("/broker/fisikal/token", fisikal);
    }
    if upstreams.fitrankings.is_some() {
        router = router.route("/broker/fitrankings/iq/{*path}", get(fitrankings_proxy));
    }
    if upstreams.perfectgym.is_some() {
        router = router.route(
            "/broker/perfectgym/v2/{*path}",
            get(perfectgym_v2).post(perfectgym_v2),
        );
    }
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Outermost: a cross-site request is refused before its body is read.
        .layer(from_fn_with_state(origins, guard::refuse_cross_site))
        .with_state(broker)
}

/// Passes the provider's status and JSON body through; anything that is not JSON (an HTML
/// error page from a proxy, say) becomes a 502 the SDK can classify.
async fn relay(
    broker: &Broker,
    provider: &str,
    response: reqwest::Response,
    limit: usize,
) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json") || v.contains("+json")
        });
    let body = match broker.read_answer(provider, response, limit).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if !is_json || serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
        return problem(
            StatusCode::BAD_GATEWAY,
            "upstream-invalid-answer",
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

/// `POST /broker/{provider}/token`: [`forward_token`] with the provider's upstream (picked
/// from the broker's by `upstream`) and the grants it forwards.
fn token_route(
    provider: &'static str,
    grants: &'static [GrantShape],
    upstream: fn(&Upstreams) -> Option<&Upstream>,
) -> MethodRouter<Arc<Broker>> {
    post(
        move |State(broker): State<Arc<Broker>>,
              headers: HeaderMap,
              body: Result<Bytes, BytesRejection>| async move {
            let Some(upstream) = upstream(&broker.upstreams) else {
                return not_configured(provider);
            };
            forward_token(&broker, provider, upstream, grants, &headers, body).await
        },
    )
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
        Ok(response) => relay(broker, provider, response, TOKEN_ANSWER_LIMIT).await,
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
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(upstream) = &broker.upstreams.fitrankings else {
        return not_configured("FitRankings");
    };
    let path = match proxy_path(uri.path(), FITRANKINGS_PREFIX) {
        Ok(path) if path.decoded.starts_with("/iq/") => path,
        Ok(_) => return invalid_path("not a FitRankings API path"),
        Err(reason) => return invalid_path(reason),
    };
    let url = match broker
        .authorized_url(
            Proxy::FitRankings,
            &method,
            &headers,
            &path,
            &upstream.base_url,
            query.as_deref(),
        )
        .await
    {
        Ok(url) => url,
        Err(response) => return response,
    };
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
            Ok(response) => {
                return relay(&broker, "FitRankings", response, PROXY_ANSWER_LIMIT).await
            }
            Err(e) => return broker.unreachable("FitRankings", &e),
        }
    }
    problem(
        StatusCode::BAD_GATEWAY,
        "upstream-refused-app-credentials",
        "FitRankings rejected a fresh master token.",
    )
}

/// A proxied path as the allow-list judges it and as it is forwarded.
#[derive(Debug, PartialEq, Eq)]
struct ProxyPath {
    /// Percent-decoded: what the rules are matched against.
    decoded: String,
    /// `decoded` with every byte outside a path segment's plain characters percent-encoded:
    /// the provider decodes it back to `decoded`, so it gets exactly the path that was matched.
    encoded: String,
}

/// Bytes a path segment may carry as they are (RFC 3986 unreserved, sub-delimiters but `;`,
/// `:` and `@`); everything else is percent-encoded when forwarded.
fn is_plain_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,=:@".contains(&byte)
}

/// The path after `prefix`, decoded and checked. Refused, whatever the allow-list says: an
/// encoded separator (`%2f`, `%5c`), any encoded dot (`%2e`: URL parsers resolve it as a dot
/// segment), an encoded `%` (`%25`: decoded twice by some servers), `;` (matrix parameters,
/// dropped by some servers before they resolve dots), a backslash, an empty segment (`//`), a
/// `.` or `..` segment, a control character, a malformed escape or bytes that are not UTF-8.
/// Once these are gone, decoding cannot change the path's structure, so the rule that matches
/// the decoded path is the rule that covers what the provider is sent.
fn proxy_path(raw: &str, prefix: &str) -> Result<ProxyPath, &'static str> {
    let raw = raw.strip_prefix(prefix).unwrap_or("");
    if !raw.starts_with('/') {
        return Err("the path must start with `/`");
    }
    if raw.contains("//") {
        return Err("the path must not have empty segments (`//`)");
    }
    if raw.contains([';', '\\']) {
        return Err("the path must not contain `;` or `\\`");
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte != b'%' {
            if byte.is_ascii_control() {
                return Err("the path must not contain control characters");
            }
            decoded.push(byte);
            i += 1;
            continue;
        }
        // Two hex digits, nothing else (`from_str_radix` alone would take a sign: `%+1`).
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) else {
            return Err("the path has a malformed percent-escape");
        };
        match byte {
            b'/' | b'\\' => return Err("the path must not contain encoded `/` or `\\`"),
            b'.' => return Err("the path must not contain encoded dots (`%2e`)"),
            b'%' => return Err("the path must not contain an encoded `%` (`%25`)"),
            b';' => return Err("the path must not contain `;`"),
            _ if byte.is_ascii_control() => {
                return Err("the path must not contain control characters")
            }
            _ => decoded.push(byte),
        }
        i += 3;
    }
    let decoded = String::from_utf8(decoded).map_err(|_| "the path must be UTF-8")?;
    if decoded.split('/').any(|s| s == "." || s == "..") {
        return Err("the path must not have `.` or `..` segments");
    }
    let mut encoded = String::with_capacity(decoded.len());
    for byte in decoded.bytes() {
        if byte == b'/' || is_plain_path_byte(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(ProxyPath { decoded, encoded })
}

/// A proxied path the broker refuses to judge or forward: 400, before any authorisation.
fn invalid_path(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "invalid-path", detail)
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
    let Some(upstream) = &broker.upstreams.perfectgym else {
        return not_configured("PerfectGym");
    };
    let path = match proxy_path(uri.path(), PERFECTGYM_V2_PREFIX) {
        Ok(path) => path,
        Err(reason) => return invalid_path(reason),
    };
    let api_base = format!("{}/Api/v2.2", upstream.base_url);
    let url = match broker
        .authorized_url(
            Proxy::PerfectGymV2,
            &method,
            &headers,
            &path,
            &api_base,
            uri.query(),
        )
        .await
    {
        Ok(url) => url,
        Err(response) => return response,
    };
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
        Ok(response) => relay(&broker, "PerfectGym", response, PROXY_ANSWER_LIMIT).await,
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
        let path = |raw: &str| proxy_path(raw, "/p");
        assert_eq!(
            path("/p/odata/Members(5)").unwrap().encoded,
            "/odata/Members(5)"
        );
        assert_eq!(
            path("/p/iq/activities/1/").unwrap().decoded,
            "/iq/activities/1/"
        );
        let spaced = path("/p/a%20b/%C3%A9/%3F%23").unwrap();
        assert_eq!(spaced.decoded, "/a b/é/?#");
        assert_eq!(spaced.encoded, "/a%20b/%C3%A9/%3F%23");
        assert_eq!(path("/p/%61bc").unwrap().encoded, "/abc");
        for bad in [
            "/p/iq/../x",
            "/p/iq/%2e%2e/x",
            "/p/a/%2E/b",
            "/p/a\\b",
            "/p/a/%5c",
            "/p/a%2fb",
            "/p/..;/x",
            "/p/%252e",
            "/p/a//b",
            "/p//a",
            "/p/.",
            "/p/%zz",
            "/p/%+1",
            "/p/%-1",
            "/p/%2",
            "/p/%ff",
            "/p/a%00",
            "/p",
            "/pa",
        ] {
            assert!(path(bad).is_err(), "{bad}");
        }
    }
}
