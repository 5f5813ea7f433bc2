//! Who may call the broker, and what it answers when a provider fails: cross-site requests,
//! the proxies' authorisation hook and allow-lists, bounded provider answers, and failures that
//! cannot be read as OAuth refusals. Every refused request is checked not to reach the
//! provider: the provider here is a recorder that notes every request it gets.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use fitconnect_server::broker::access::{
    ProviderUserToken, ProxyPolicy, Rule, SessionCookie, VerifyLimits,
};
use fitconnect_server::broker::guard::AllowedOrigins;
use fitconnect_server::broker::{self, Broker, BrokerPolicy, Upstreams};
use fitconnect_server::config::{Config, ConfigError, Secret, Upstream};
use fitconnect_server::sandbox::perfectgym::{self, PerfectGym};
use support::*;

/// What the recording provider saw: method, path and query, `Authorization`.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>)>>>;

/// A provider that records every request. The user-token check (`/verify`) accepts
/// `Bearer good`; `/big` answers `size` bytes of JSON (with a length, or chunked when
/// `chunked`); everything else answers a small JSON token response.
async fn recorder(size: usize, chunked: bool) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    recorder_serving(listener, size, chunked).await
}

/// [`recorder`] on a listener the test chose (a port the broker must never call).
async fn recorder_on(listener: tokio::net::TcpListener) -> (String, Seen) {
    recorder_serving(listener, 0, false).await
}

async fn recorder_serving(
    listener: tokio::net::TcpListener,
    size: usize,
    chunked: bool,
) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().fallback(move |request: Request| {
        let log = log.clone();
        async move {
            let path = request
                .uri()
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default();
            let auth = request
                .headers()
                .get(header::AUTHORIZATION)
                .map(|v| v.to_str().unwrap().to_string());
            log.lock()
                .unwrap()
                .push((request.method().to_string(), path.clone(), auth.clone()));
            answer(&path, auth.as_deref(), size, chunked)
        }
    });
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen)
}

fn answer(path: &str, auth: Option<&str>, size: usize, chunked: bool) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    if path.starts_with("/verify") {
        return if auth == Some("Bearer good") {
            (json, "[]").into_response()
        } else {
            (StatusCode::UNAUTHORIZED, json, "{}").into_response()
        };
    }
    if path.contains("/big") {
        let text = format!("\"{}\"", "a".repeat(size.saturating_sub(2)));
        if chunked {
            let chunks: Vec<Result<String, std::io::Error>> = text
                .as_bytes()
                .chunks(8192)
                .map(|c| Ok(String::from_utf8(c.to_vec()).unwrap()))
                .collect();
            return (json, Body::from_stream(futures_util::stream::iter(chunks))).into_response();
        }
        return (json, text).into_response();
    }
    if path.starts_with("/iq/tokens/master-token/") {
        return (json, r#"{"token":"m"}"#).into_response();
    }
    (
        json,
        r#"{"access_token":"a","token_type":"bearer","refresh_token":"r"}"#,
    )
        .into_response()
}

fn upstreams(url: &str) -> Upstreams {
    let upstream = Upstream {
        base_url: url.to_string(),
        client_id: "id".to_string(),
        client_secret: Secret::new("s"),
    };
    Upstreams::all_at(upstream)
}

fn broker_with(url: &str, policy: BrokerPolicy) -> Router {
    broker::router(Arc::new(
        Broker::new(upstreams(url), Duration::from_secs(5), policy).unwrap(),
    ))
}

/// Requests the provider saw, apart from the master-token request and user-token checks.
fn forwarded(seen: &Seen) -> Vec<(String, String, Option<String>)> {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|(_, path, _)| !path.starts_with("/iq/tokens/") && !path.starts_with("/verify"))
        .cloned()
        .collect()
}

const TOKEN_BODY: &str = r#"{"grant_type":"refresh_token","refresh_token":"r","client_id":""}"#;

/// A request to each broker endpoint, as a browser's `fetch` from the app would send it, with
/// `extra` headers on top (which replace the ones of the same name).
fn every_endpoint(extra: &[(&str, &str)]) -> Vec<Request<Body>> {
    let build = |method: Method, uri: &str, body: &str| {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::ORIGIN, APP_ORIGIN)
            .header("sec-fetch-site", "same-origin");
        if method == Method::POST {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let mut request = request.body(Body::from(body.to_string())).unwrap();
        for (name, value) in extra {
            let name = header::HeaderName::from_bytes(name.as_bytes()).unwrap();
            request.headers_mut().insert(name, value.parse().unwrap());
        }
        request
    };
    vec![
        build(Method::POST, "/broker/fitbark/token", TOKEN_BODY),
        build(Method::POST, "/broker/fisikal/token", TOKEN_BODY),
        build(Method::GET, "/broker/fitrankings/iq/users/", ""),
        build(Method::GET, "/broker/perfectgym/v2/odata/Members", ""),
        build(
            Method::POST,
            "/broker/perfectgym/v2/ClassBooking/BookClass",
            r#"{"memberId":1,"classId":1}"#,
        ),
    ]
}

/// The broker's own answer: an RFC 9457 problem document with no OAuth `error` member.
fn assert_problem(answer: &Answer, status: StatusCode, kind: &str) {
    assert_eq!(answer.status, status, "{}", answer.text());
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let body = answer.json();
    assert_eq!(
        body["type"],
        format!("urn:fitconnect:broker:{kind}"),
        "{body}"
    );
    assert_eq!(body["status"], status.as_u16());
    assert!(body.get("error").is_none(), "{body}");
}

#[tokio::test]
async fn same_origin_browser_requests_reach_every_endpoint() {
    let (broker, seen) = open_broker().await;
    for request in every_endpoint(&[]) {
        let uri = request.uri().to_string();
        let answer = send(&broker, request).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
    }
    assert_eq!(forwarded(&seen).len(), 5);
    // `charset` is a parameter of JSON's type, not another type.
    let mut request = every_endpoint(&[("content-type", "application/json; charset=utf-8")]);
    let answer = send(&broker, request.remove(0)).await;
    assert_eq!(answer.status, StatusCode::OK);
}

/// Sends `requests` to `broker`: each gets the broker's own `status` and problem `kind`, and
/// none reaches the provider.
async fn assert_all_refused(
    (broker, seen): &(Router, Seen),
    requests: impl IntoIterator<Item = Request<Body>>,
    status: StatusCode,
    kind: &str,
) {
    for request in requests {
        let answer = send(broker, request).await;
        assert_problem(&answer, status, kind);
    }
    assert_eq!(forwarded(seen), vec![]);
}

/// A broker with `policy(url)` in front of a [`recorder`] at `url`, and what the recorder saw.
async fn recorded_broker(policy: impl FnOnce(&str) -> BrokerPolicy) -> (Router, Seen) {
    let (url, seen) = recorder(0, false).await;
    (broker_with(&url, policy(&url)), seen)
}

/// [`recorded_broker`] with the open policy.
async fn open_broker() -> (Router, Seen) {
    recorded_broker(|_| open_policy()).await
}

#[tokio::test]
async fn cross_origin_requests_are_refused_on_every_endpoint() {
    let requests = ["https://evil.example", "null", "http://127.0.0.1:8081"]
        .into_iter()
        .flat_map(|origin| every_endpoint(&[("origin", origin), ("sec-fetch-site", "same-site")]));
    let open = open_broker().await;
    assert_all_refused(&open, requests, StatusCode::FORBIDDEN, "cross-origin").await;
}

#[tokio::test]
async fn cross_site_fetch_metadata_is_refused_on_every_endpoint() {
    // A GET from an `<img>` carries no `Origin`; Fetch Metadata still says where it comes from.
    let requests = every_endpoint(&[("sec-fetch-site", "cross-site")])
        .into_iter()
        .map(|mut request| {
            request.headers_mut().remove(header::ORIGIN);
            request
        });
    let open = open_broker().await;
    assert_all_refused(&open, requests, StatusCode::FORBIDDEN, "cross-site").await;
}

#[tokio::test]
async fn posts_that_are_not_json_are_415() {
    // What a cross-site `<form>` or a no-cors `fetch` can send without a preflight.
    let requests = [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ]
    .into_iter()
    .flat_map(|content_type| every_endpoint(&[("content-type", content_type)]))
    .filter(|request| request.method() == Method::POST);
    let open = open_broker().await;
    assert_all_refused(
        &open,
        requests,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
    )
    .await;
    // A server-to-server POST without a type is refused too.
    let (broker, seen) = open;
    let request = Request::post("/broker/fitbark/token")
        .body(Body::from(TOKEN_BODY))
        .unwrap();
    assert_eq!(
        send(&broker, request).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(forwarded(&seen), vec![]);
}

#[tokio::test]
async fn the_list_of_app_origins_is_configurable() {
    let (url, seen) = recorder(0, false).await;
    let mut policy = open_policy();
    policy.origins = AllowedOrigins::new([
        "https://app.example".to_string(),
        "https://www.app.example/".to_string(),
    ]);
    let broker = broker_with(&url, policy);
    for (origin, status) in [
        ("https://www.app.example", StatusCode::OK),
        ("https://app.example", StatusCode::OK),
        (APP_ORIGIN, StatusCode::FORBIDDEN),
    ] {
        let mut requests = every_endpoint(&[("origin", origin)]);
        let answer = send(&broker, requests.remove(0)).await;
        assert_eq!(answer.status, status, "{origin}");
    }
    assert_eq!(forwarded(&seen).len(), 2);
}

#[tokio::test]
async fn proxies_are_closed_by_default() {
    let (broker, seen) = recorded_broker(|_| BrokerPolicy::closed(APP_ORIGIN)).await;
    for request in every_endpoint(&[]).into_iter().skip(2) {
        let answer = send(&broker, request).await;
        assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    // Server to server, without any browser header: closed all the same.
    let answer = send(&broker, get("/broker/fitrankings/iq/users/")).await;
    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(forwarded(&seen), vec![]);
    // No master token was fetched either.
    assert_eq!(seen.lock().unwrap().len(), 0);
    // The token endpoints stay open: their callers bring their own grant.
    let answer = send(&broker, every_endpoint(&[]).remove(0)).await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn the_allow_list_is_read_only_by_default_and_narrows_paths() {
    let (url, seen) = recorder(0, false).await;
    let mut policy = open_policy();
    policy.perfectgym.allow = fitconnect_server::broker::access::read_only();
    policy.fitrankings.allow = vec![Rule::parse("GET /iq/users/").unwrap()];
    let broker = broker_with(&url, policy);
    let book = every_endpoint(&[]).remove(4);
    assert_problem(
        &send(&broker, book).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let answer = send(&broker, get("/broker/fitrankings/iq/activities/")).await;
    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(forwarded(&seen), vec![]);
    // What is on the lists goes through.
    for uri in [
        "/broker/fitrankings/iq/users/",
        "/broker/perfectgym/v2/odata/Members?$top=1",
    ] {
        assert_eq!(
            send(&broker, get(uri)).await.status,
            StatusCode::OK,
            "{uri}"
        );
    }
    assert_eq!(forwarded(&seen).len(), 2);
}

fn with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ORIGIN, APP_ORIGIN)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn session_cookie_hook_accepts_only_the_apps_signed_in_users() {
    let (url, seen) = recorder(0, false).await;
    let key = [42u8; 32];
    let sessions = Arc::new(SessionCookie::new(&key).unwrap());
    let mut policy = BrokerPolicy::closed(APP_ORIGIN);
    policy.perfectgym = ProxyPolicy {
        allow: fitconnect_server::broker::access::read_only(),
        authorize: sessions.clone(),
    };
    let broker = broker_with(&url, policy);
    let uri = "/broker/perfectgym/v2/odata/Members";

    // What the app's backend sets at sign-in.
    let set_cookie = sessions.set_cookie("user-7", Duration::from_secs(600), false);
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    assert!(
        cookie.starts_with("fitconnect_session=dXNlci03."),
        "{cookie}"
    );
    let answer = send(&broker, with_cookie(uri, &format!("theme=dark; {cookie}"))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(forwarded(&seen).len(), 1);

    let forged = SessionCookie::new(&[1u8; 32])
        .unwrap()
        .value("user-7", u64::MAX);
    let expired = sessions.value("user-7", 1);
    for bad in [
        String::new(),
        "fitconnect_session=".to_string(),
        format!("fitconnect_session={forged}"),
        format!("fitconnect_session={expired}"),
        // Another user under the same signature.
        cookie.replacen(
            "fitconnect_session=dXNlci03",
            "fitconnect_session=dXNlci04",
            1,
        ),
    ] {
        let answer = send(&broker, with_cookie(uri, &bad)).await;
        assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    // FitRankings stayed closed.
    let request = with_cookie("/broker/fitrankings/iq/users/", &cookie);
    let answer = send(&broker, request).await;
    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(forwarded(&seen).len(), 1);
}

fn with_bearer(uri: &str, token: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ORIGIN, APP_ORIGIN)
        .header("sec-fetch-site", "same-origin")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// A proxy open to `allow` for callers whose user token the recorder's `/verify` accepts.
fn user_token_proxy(url: &str, allow: Vec<Rule>) -> ProxyPolicy {
    let hook = ProviderUserToken::new(format!("{url}/verify"), Duration::from_secs(2)).unwrap();
    ProxyPolicy {
        allow,
        authorize: Arc::new(hook),
    }
}

fn user_token_policy(url: &str) -> BrokerPolicy {
    let mut policy = BrokerPolicy::closed(APP_ORIGIN);
    policy.perfectgym = user_token_proxy(url, fitconnect_server::broker::access::read_only());
    policy
}

#[tokio::test]
async fn provider_user_token_hook_checks_the_token_and_never_forwards_it() {
    let (broker, seen) = recorded_broker(user_token_policy).await;
    let uri = "/broker/perfectgym/v2/odata/Members";

    let answer = send(&broker, get(uri)).await;
    assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert!(answer
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer"));
    let answer = send(&broker, with_bearer(uri, "bad")).await;
    assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(forwarded(&seen), vec![]);

    for _ in 0..3 {
        let answer = send(&broker, with_bearer(uri, "good")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
    let seen_now = seen.lock().unwrap().clone();
    // Checked once, then remembered; the proxied calls carry no user token.
    let checks: Vec<_> = seen_now.iter().filter(|(_, p, _)| p == "/verify").collect();
    assert_eq!(checks.len(), 2, "{seen_now:?}");
    let forwarded = forwarded(&seen);
    assert_eq!(forwarded.len(), 3);
    assert!(forwarded.iter().all(|(_, _, auth)| auth.is_none()));
}

#[tokio::test]
async fn a_user_token_the_provider_cannot_check_is_502_not_a_refusal() {
    let dead = dead_address();
    let broker = broker_with(&dead, user_token_policy(&dead));
    let request = with_bearer("/broker/perfectgym/v2/odata/Members", "good");
    let answer = send(&broker, request).await;
    assert_problem(&answer, StatusCode::BAD_GATEWAY, "upstream-unreachable");
}

#[tokio::test]
async fn oversized_provider_answers_are_502() {
    for chunked in [false, true] {
        // Over the proxies' 1 MiB, and over the token endpoints' 64 KiB.
        let (url, _) = recorder(broker::PROXY_ANSWER_LIMIT + 1, chunked).await;
        let broker = broker_with(&url, open_policy());
        let answer = send(&broker, get("/broker/perfectgym/v2/big")).await;
        assert_problem(
            &answer,
            StatusCode::BAD_GATEWAY,
            "upstream-answer-too-large",
        );
        let (url, _) = recorder(broker::TOKEN_ANSWER_LIMIT + 1, chunked).await;
        let broker = broker_with(&format!("{url}/big"), open_policy());
        let answer = send(&broker, every_endpoint(&[]).remove(0)).await;
        assert_problem(
            &answer,
            StatusCode::BAD_GATEWAY,
            "upstream-answer-too-large",
        );
        // At the limit, the answer goes through.
        let (url, _) = recorder(broker::PROXY_ANSWER_LIMIT, chunked).await;
        let broker = broker_with(&url, open_policy());
        let answer = send(&broker, get("/broker/perfectgym/v2/big")).await;
        assert_eq!(answer.status, StatusCode::OK, "chunked: {chunked}");
        assert_eq!(answer.body.len(), broker::PROXY_ANSWER_LIMIT);
    }
}

#[tokio::test]
async fn the_default_policy_closes_both_proxies_without_the_sandbox() {
    let config =
        fitconnect_server::config::Config::parse(["--no-sandbox".to_string()], |_| None).unwrap();
    let policy = BrokerPolicy::from_config(&config).unwrap();
    assert_eq!(policy.origins.as_slice(), ["http://127.0.0.1:8080"]);
    let (url, seen) = recorder(0, false).await;
    let broker = broker_with(&url, policy);
    for uri in [
        "/broker/fitrankings/iq/users/",
        "/broker/perfectgym/v2/odata/Members",
    ] {
        let answer = send(&broker, with_bearer(uri, "good")).await;
        assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    assert!(seen.lock().unwrap().is_empty());
}

/// A request as the app's own page sends it, with the provider's user token.
fn same_origin_bearer(uri: &str, token: &str) -> Request<Body> {
    with_bearer(uri, token)
}

/// Both proxies narrowed to a prefix rule, with the user-token hook checked at the recorder:
/// a refused path must reach neither the check nor the provider.
fn narrowed_policy(url: &str) -> BrokerPolicy {
    let mut policy = BrokerPolicy::closed(APP_ORIGIN);
    let rule = |text: &str| vec![Rule::parse(text).unwrap()];
    policy.perfectgym = user_token_proxy(url, rule("GET /odata/Classes/"));
    policy.fitrankings = user_token_proxy(url, rule("GET /iq/users/"));
    policy
}

#[tokio::test]
async fn proxy_paths_that_could_leave_the_allow_list_are_400_before_anything_else() {
    let (broker, seen) = recorded_broker(narrowed_policy).await;
    let pg = "/broker/perfectgym/v2/odata/Classes/";
    let fr = "/broker/fitrankings/iq/users/";
    let mut bad = Vec::new();
    for tail in [
        // Encoded separators and dots, in any case.
        "%2e%2e%2fMembers",
        "%2E%2E%2FMembers",
        "..%2fMembers",
        "..%2FMembers",
        "%2e%2e/Members",
        ".%2e/Members",
        "x%2fy",
        "..%5cMembers",
        "%5C..%5CMembers",
        "%5c",
        // Matrix parameters, which some servers strip before resolving dots.
        "..;/Members",
        "x;y",
        // Double encoding.
        "%252e%252e%252fMembers",
        "%25",
        // Literal dot segments and empty segments.
        "../Members",
        "./x",
        "x/..",
        "x/.",
        "/Members",
        "x//y",
        // Not percent-encoding at all, or control characters.
        "%zz",
        "%4",
        "x%00y",
        "x%0ay",
    ] {
        bad.push(format!("{pg}{tail}"));
        bad.push(format!("{fr}{tail}"));
    }
    for uri in &bad {
        let answer = send(&broker, same_origin_bearer(uri, "good")).await;
        assert_problem(&answer, StatusCode::BAD_REQUEST, "invalid-path");
        assert!(answer.json()["detail"].is_string(), "{uri}");
    }
    // Neither the user-token check nor the provider saw any of them.
    assert_eq!(seen.lock().unwrap().clone(), vec![]);

    // What stays inside the rule goes through, as the path that was matched.
    for (uri, upstream) in [
        (
            "/broker/perfectgym/v2/odata/Classes/5?$expand=classType",
            "/Api/v2.2/odata/Classes/5?$expand=classType",
        ),
        (
            "/broker/perfectgym/v2/odata/Classes/%41b%20c",
            "/Api/v2.2/odata/Classes/Ab%20c",
        ),
        (
            "/broker/perfectgym/v2/odata/Classes/(1)",
            "/Api/v2.2/odata/Classes/(1)",
        ),
        ("/broker/fitrankings/iq/users/", "/iq/users/"),
        ("/broker/fitrankings/iq/users/%37/", "/iq/users/7/"),
    ] {
        let answer = send(&broker, same_origin_bearer(uri, "good")).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
        let last = forwarded(&seen).pop().unwrap();
        assert_eq!(last.1, upstream, "{uri}");
    }
    // An encoded name of a path on the list is that path; one off the list is refused as such.
    let request = same_origin_bearer("/broker/perfectgym/v2/odata/%4dembers", "good");
    let answer = send(&broker, request).await;
    assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn session_cookies_count_only_on_same_origin_requests() {
    let (url, seen) = recorder(0, false).await;
    let sessions = Arc::new(SessionCookie::new(&[42u8; 32]).unwrap());
    let mut policy = BrokerPolicy::closed(APP_ORIGIN);
    policy.perfectgym = ProxyPolicy {
        allow: fitconnect_server::broker::access::read_only(),
        authorize: sessions.clone(),
    };
    let broker = broker_with(&url, policy);
    let cookie = format!("fitconnect_session={}", sessions.value("user-7", u64::MAX));
    let request = |site: Option<&str>| {
        // A sibling subdomain's `<img>` or link: no `Origin`, the user's `SameSite` cookie.
        let mut request = Request::get("/broker/perfectgym/v2/odata/Classes")
            .header(header::COOKIE, cookie.as_str());
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.body(Body::empty()).unwrap()
    };
    for site in ["same-site", "none", "SAME-SITE"] {
        let answer = send(&broker, request(Some(site))).await;
        assert_problem(&answer, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(forwarded(&seen), vec![]);
    // The app's own pages send `same-origin`; servers and older browsers send nothing.
    for site in [Some("same-origin"), None] {
        let answer = send(&broker, request(site)).await;
        assert_eq!(answer.status, StatusCode::OK, "{site:?}: {}", answer.text());
    }
    assert_eq!(forwarded(&seen).len(), 2);
}

fn verify_calls(seen: &Seen) -> usize {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|(_, path, _)| path.starts_with("/verify"))
        .count()
}

#[tokio::test]
async fn a_refused_user_token_is_remembered_and_not_checked_again() {
    let (broker, seen) = recorded_broker(user_token_policy).await;
    let uri = "/broker/perfectgym/v2/odata/Classes";
    for _ in 0..3 {
        let answer = send(&broker, with_bearer(uri, "refused-token")).await;
        assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    assert_eq!(verify_calls(&seen), 1);
    assert_eq!(forwarded(&seen), vec![]);
}

#[tokio::test]
async fn user_token_checks_are_bounded_per_provider() {
    let (url, seen) = recorder(0, false).await;
    let mut policy = BrokerPolicy::closed(APP_ORIGIN);
    // Three checks, then one an hour: nothing refills while the test runs.
    let limits = VerifyLimits {
        burst: 3,
        refill_every: Duration::from_secs(3600),
        ..VerifyLimits::default()
    };
    policy.perfectgym = ProxyPolicy {
        allow: fitconnect_server::broker::access::read_only(),
        authorize: Arc::new(
            ProviderUserToken::new(format!("{url}/verify"), Duration::from_secs(2))
                .unwrap()
                .with_limits(limits),
        ),
    };
    let broker = broker_with(&url, policy);
    let uri = "/broker/perfectgym/v2/odata/Classes";
    // A good token first: checked once, then remembered.
    assert_eq!(
        send(&broker, with_bearer(uri, "good")).await.status,
        StatusCode::OK
    );
    // Many random tokens, some at once.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let broker = broker.clone();
        tasks.push(tokio::spawn(async move {
            send(&broker, with_bearer(uri, &format!("random-{i}"))).await
        }));
    }
    let mut busy = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert_problem(
                &answer,
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-token-checks",
            );
            let retry: u64 = answer.header("retry-after").unwrap().parse().unwrap();
            assert!((1..=3600).contains(&retry), "{retry}");
            busy += 1;
        } else {
            assert_problem(&answer, StatusCode::UNAUTHORIZED, "unauthenticated");
        }
    }
    assert_eq!(verify_calls(&seen), 3);
    assert_eq!(busy, 38);
    // The remembered good token still passes without a check.
    assert_eq!(
        send(&broker, with_bearer(uri, "good")).await.status,
        StatusCode::OK
    );
    assert_eq!(verify_calls(&seen), 3);
}

/// A provider that answers 2xx to everything, as a misconfigured verification URL might.
async fn accepts_anything() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().fallback(move |request: Request| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push((
                request.method().to_string(),
                request.uri().to_string(),
                None,
            ));
            ([(header::CONTENT_TYPE, "application/json")], "[]").into_response()
        }
    });
    (spawn(app).await, seen)
}

fn config(args: &[&str], env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let value = |name: &str| Some(env.iter().find(|(n, _)| *n == name)?.1.to_string());
    Config::parse(args.iter().map(|s| s.to_string()), value)
}

#[tokio::test]
async fn a_user_token_check_that_accepts_a_random_token_stops_the_broker() {
    let (lax, lax_seen) = accepts_anything().await;
    // The PerfectGym sandbox refuses tokens it did not issue, as the real one does.
    let strict = spawn(perfectgym::app(Arc::new(PerfectGym::new()))).await;
    for (url, accepted) in [(&lax, false), (&strict, true)] {
        let config = config(
            &["--no-sandbox"],
            &[
                ("FITCONNECT_PERFECTGYM_URL", url),
                ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id"),
                ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s"),
                ("FITCONNECT_BROKER_PERFECTGYM_AUTH", "user-token"),
                ("FITCONNECT_BROKER_PERFECTGYM_ALLOW", "GET /odata/Classes"),
            ],
        )
        .unwrap();
        let policy = BrokerPolicy::from_config(&config).unwrap();
        let checked = policy.startup_check().await;
        if accepted {
            assert_eq!(checked, Ok(()));
        } else {
            let message = checked.unwrap_err();
            assert!(
                message.contains("FITCONNECT_BROKER_PERFECTGYM_AUTH"),
                "{message}"
            );
            assert!(message.contains("random"), "{message}");
        }
    }
    // The check sent one made-up token, and nothing else.
    assert_eq!(lax_seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn without_the_sandbox_user_token_needs_an_explicit_allow_list() {
    let pg = [
        (
            "FITCONNECT_PERFECTGYM_URL",
            "https://club.perfectgym.example",
        ),
        ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id"),
        ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s"),
        ("FITCONNECT_BROKER_PERFECTGYM_AUTH", "user-token"),
    ];
    match config(&["--no-sandbox"], &pg) {
        Err(ConfigError::Invalid(message)) => {
            assert!(
                message.contains("FITCONNECT_BROKER_PERFECTGYM_ALLOW"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    let mut with_list = pg.to_vec();
    with_list.push(("FITCONNECT_BROKER_PERFECTGYM_ALLOW", "GET /odata/Classes"));
    let c = config(&["--no-sandbox"], &with_list).unwrap();
    assert_eq!(
        c.perfectgym_proxy.allow,
        [Rule::parse("GET /odata/Classes").unwrap()]
    );
}

#[tokio::test]
async fn without_the_sandbox_an_unconfigured_provider_has_no_broker_routes() {
    // Fisikal's sandbox port (port base + 6) is a recorder: nothing may reach it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fisikal_port = listener.local_addr().unwrap().port();
    let (fisikal_url, fisikal_seen) = recorder_on(listener).await;
    assert!(fisikal_url.ends_with(&fisikal_port.to_string()));
    let (fitbark, fitbark_seen) = recorder(0, false).await;
    let port_base = (fisikal_port - 6).to_string();
    let config = config(
        &["--no-sandbox", "--port-base", &port_base],
        &[
            ("FITCONNECT_FITBARK_URL", &fitbark),
            ("FITCONNECT_FITBARK_CLIENT_ID", "id"),
            ("FITCONNECT_FITBARK_CLIENT_SECRET", "s"),
            ("FITCONNECT_BROKER_ORIGINS", APP_ORIGIN),
        ],
    )
    .unwrap();
    let broker = broker::router(Arc::new(
        Broker::new(
            Upstreams::from_config(&config),
            Duration::from_secs(2),
            BrokerPolicy::from_config(&config).unwrap(),
        )
        .unwrap(),
    ));
    let requests = every_endpoint(&[]);
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(send(&broker, request).await.status.as_u16());
    }
    // FitBark is configured; Fisikal, FitRankings and PerfectGym are not.
    assert_eq!(statuses, [200, 404, 404, 404, 404]);
    assert!(fisikal_seen.lock().unwrap().is_empty());
    assert_eq!(fitbark_seen.lock().unwrap().len(), 1);
    // Asking for a proxy of a provider nobody configured is a mistake, not a silent no.
    match config_for_unconfigured_proxy() {
        Err(ConfigError::Invalid(message)) => {
            assert!(message.contains("FITCONNECT_PERFECTGYM_URL"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

fn config_for_unconfigured_proxy() -> Result<Config, ConfigError> {
    config(
        &["--no-sandbox"],
        &[
            ("FITCONNECT_BROKER_PERFECTGYM_AUTH", "session"),
            (
                "FITCONNECT_BROKER_SESSION_KEY",
                "0123456789abcdef0123456789abcdef",
            ),
        ],
    )
}
