//! The server under faults: oversized and stalled request bodies, providers that are down,
//! silent or stall mid-answer, and clients that never finish their request head.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use fitconnect_server::broker::{self, Broker, Upstreams};
use fitconnect_server::config::{Secret, Upstream};
use fitconnect_server::sandbox::fisikal::{self, Fisikal};
use fitconnect_server::sandbox::fitbark::{self, FitBark};
use fitconnect_server::sandbox::fitrankings::{self, FitRankings};
use fitconnect_server::sandbox::openfit::{self, OpenFit};
use fitconnect_server::sandbox::perfectgym::{self, PerfectGym};
use fitconnect_server::serve::{spawn_local, Limits};
use serde_json::{json, Value};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Short enough to keep the tests fast, long enough for a loaded 2-core machine.
const UPSTREAM_TIMEOUT: Duration = Duration::from_millis(300);
/// The longest a 300 ms timeout may take to show, scheduling delays included.
const TIMEOUT_SLACK: Duration = Duration::from_secs(3);

fn broker_at(url: &str, timeout: Duration) -> Router {
    let upstream = Upstream {
        base_url: url.to_string(),
        client_id: "fitconnect-demo".to_string(),
        client_secret: Secret::new("s"),
    };
    broker::router(Arc::new(
        Broker::new(Upstreams::all_at(upstream), timeout, open_policy()).unwrap(),
    ))
}

/// A request to every route on which the broker calls a provider.
fn every_upstream_call() -> Vec<(&'static str, Request<Body>)> {
    vec![
        (
            "FitBark token",
            post_json(
                "/broker/fitbark/token",
                &json!({ "grant_type": "refresh_token", "refresh_token": "r" }),
            ),
        ),
        (
            "Fisikal token",
            post_json(
                "/broker/fisikal/token",
                &json!({ "grant_type": "password", "username": "u", "password": "p" }),
            ),
        ),
        ("FitRankings proxy", get("/broker/fitrankings/iq/users/")),
        (
            "PerfectGym v2 GET",
            get("/broker/perfectgym/v2/odata/Members"),
        ),
        (
            "PerfectGym v2 POST",
            post_json(
                "/broker/perfectgym/v2/ClassBooking/BookClass",
                &json!({ "memberId": 1, "classId": 1 }),
            ),
        ),
    ]
}

/// Sends every request at once (the timeouts then overlap) and checks each answer is `status`
/// with the broker's problem document (never an OAuth error), within `within`.
async fn assert_all_fail_with(
    broker: &Router,
    requests: Vec<(&'static str, Request<Body>)>,
    status: StatusCode,
    within: Duration,
) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (name, request) in requests {
        let broker = broker.clone();
        tasks.push(tokio::spawn(async move {
            let answer = tokio::time::timeout(within, send(&broker, request))
                .await
                .unwrap_or_else(|_| panic!("{name}: no answer within {within:?}"));
            (name, answer)
        }));
    }
    for task in tasks {
        let (name, answer) = task.await.unwrap();
        println!("{name}: {}", answer.text());
        assert_upstream_failure(&answer, status);
    }
    assert!(started.elapsed() < within, "{:?}", started.elapsed());
}

/// A broker with every provider at `upstream` and [`UPSTREAM_TIMEOUT`]: each of `requests` is
/// 504 with the broker's problem document within the timeout and [`TIMEOUT_SLACK`].
async fn assert_all_time_out(upstream: &str, requests: Vec<(&'static str, Request<Body>)>) {
    let broker = broker_at(upstream, UPSTREAM_TIMEOUT);
    let within = UPSTREAM_TIMEOUT + TIMEOUT_SLACK;
    assert_all_fail_with(&broker, requests, StatusCode::GATEWAY_TIMEOUT, within).await;
}

/// Accepts connections and never reads or answers.
async fn silent_upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    url
}

/// Answers every request with a JSON head and the first byte of a body that never comes.
async fn stalling_upstream() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                          content-length: 100\r\n\r\n{",
                    )
                    .await;
                std::future::pending::<()>().await;
                drop(socket);
            });
        }
    });
    url
}

#[tokio::test]
async fn silent_provider_is_504_json_within_the_timeout_on_every_upstream_call() {
    assert_all_time_out(&silent_upstream().await, every_upstream_call()).await;
}

#[tokio::test]
async fn provider_stalling_mid_answer_is_504_json_on_every_upstream_call() {
    assert_all_time_out(&stalling_upstream().await, every_upstream_call()).await;
}

#[tokio::test]
async fn fitrankings_data_call_has_a_timeout_after_the_master_token() {
    // The master token comes at once; the data request itself never gets an answer.
    let upstream = Router::new()
        .route(
            "/iq/tokens/master-token/",
            post(|| async { Json(json!({ "token": "m" })) }),
        )
        .route(
            "/iq/users/",
            axum::routing::get(std::future::pending::<Json<Value>>),
        );
    let data = vec![("FitRankings data", get("/broker/fitrankings/iq/users/"))];
    assert_all_time_out(&spawn(upstream).await, data).await;
}

#[tokio::test]
async fn provider_down_is_502_json_on_every_upstream_call() {
    let dead = dead_address();
    // A long timeout: a refused connection must not wait for it.
    let broker = broker_at(&dead, Duration::from_secs(30));
    assert_all_fail_with(
        &broker,
        every_upstream_call(),
        StatusCode::BAD_GATEWAY,
        TIMEOUT_SLACK,
    )
    .await;
}

/// Every endpoint that reads a body: the broker's, every sandbox token endpoint, the consent
/// and authorise forms, the settings endpoint.
fn body_endpoints() -> Vec<(&'static str, Router, &'static str)> {
    let openfit = Arc::new(OpenFit::new("http://127.0.0.1:8080"));
    let fitbark = fitbark::app(Arc::new(FitBark::new(
        vec![fitbark::OOB_REDIRECT_URI.to_string()],
        fitbark::DEFAULT_USER_TOKEN_TTL,
    )));
    let fitrankings = fitrankings::app(Arc::new(FitRankings::new()));
    let perfectgym = perfectgym::app(Arc::new(PerfectGym::new()));
    // Bodies are refused before any upstream call, so the broker needs no provider.
    let broker = broker_at("http://127.0.0.1:9", UPSTREAM_TIMEOUT);
    vec![
        ("broker", broker.clone(), "/broker/fitbark/token"),
        ("broker", broker.clone(), "/broker/fisikal/token"),
        (
            "broker",
            broker,
            "/broker/perfectgym/v2/ClassBooking/BookClass",
        ),
        ("FitBark", fitbark.clone(), "/oauth/token"),
        ("FitBark", fitbark.clone(), "/oauth/authorize"),
        ("FitBark", fitbark, "/__sandbox/settings"),
        (
            "FitRankings",
            fitrankings.clone(),
            "/iq/tokens/master-token/",
        ),
        ("FitRankings", fitrankings, "/iq/oauth2/"),
        (
            "Fisikal",
            fisikal::app(Arc::new(Fisikal::new())),
            "/oauth/token",
        ),
        ("OpenFIT", openfit::identity_app(openfit), "/connect/token"),
        ("PerfectGym", perfectgym.clone(), "/Api/oauth/authorize"),
        ("PerfectGym", perfectgym, "/Api/v2.2/ClassBooking/BookClass"),
    ]
}

fn oversized_form() -> String {
    format!(
        "grant_type=password&username=u&password={}",
        "a".repeat(20_000)
    )
}

/// A form POST with PerfectGym v2's client headers, so that endpoint gets as far as the body
/// (JSON for the broker, which takes nothing else).
fn post_to(path: &str) -> axum::http::request::Builder {
    let content_type = if path.starts_with("/broker/") {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header("x-client-id", perfectgym::CLIENT_ID)
        .header("x-client-secret", perfectgym::CLIENT_SECRET)
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_json_everywhere() {
    for (origin, app, path) in body_endpoints() {
        // With a length, and streamed without one (chunked), which must be cut off as it
        // arrives rather than collected first.
        let sized = post_to(path).body(Body::from(oversized_form())).unwrap();
        let chunks = (0..64).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; 1024])));
        let streamed = post_to(path)
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
        for request in [sized, streamed] {
            let answer = tokio::time::timeout(Duration::from_secs(5), send(&app, request))
                .await
                .unwrap_or_else(|_| panic!("{origin} {path}: no answer"));
            // IdentityServer answers every token-endpoint error with 400, this one included.
            let expected = if origin == "OpenFIT" {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::PAYLOAD_TOO_LARGE
            };
            assert_eq!(
                answer.status,
                expected,
                "{origin} {path}: {}",
                answer.text()
            );
            let body = answer.json();
            assert!(body["error"].is_string(), "{origin} {path}: {body}");
        }
    }
}

/// A request head that announces `length` body bytes, followed by a few of them.
fn truncated_post(path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {length}\r\n\r\n{{\"grant_type\""
    )
}

/// Reads until the server closes or `within` passes; the text received.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> Result<String, String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&received).into_owned();
    match read {
        Ok(()) => Ok(text),
        Err(_) => Err(format!("still open after {within:?}; received {text:?}")),
    }
}

/// A client that talks to loopback directly, whatever proxy the environment names.
fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

const TEST_LIMITS: Limits = Limits {
    header_read_timeout: Duration::from_millis(400),
    request_timeout: Duration::from_millis(600),
};

#[tokio::test]
async fn request_head_never_finished_is_cut_off() {
    let origin = spawn_local(fitrankings::app(Arc::new(FitRankings::new())), TEST_LIMITS)
        .await
        .unwrap();
    let addr = origin.trim_start_matches("http://").to_string();

    // A head that stops half-way, and one dripped a byte at a time: both are closed once the
    // header timeout passes, however active the client looks.
    let mut stalled = TcpStream::connect(&addr).await.unwrap();
    stalled
        .write_all(b"GET /iq/users/ HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let mut dripping = TcpStream::connect(&addr).await.unwrap();
    let drip = tokio::spawn(async move {
        for byte in b"GET /iq/users/ HTTP/1.1\r\nx-slow: "
            .iter()
            .cycle()
            .take(200)
        {
            if dripping.write_all(&[*byte]).await.is_err() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err("the server kept reading a dripped head for 4 s")
    });
    let started = Instant::now();
    read_to_close(&mut stalled, Duration::from_secs(3))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    drip.await.unwrap().unwrap();

    // Meanwhile and afterwards, ordinary clients are served.
    let answer = client()
        .get(format!("{origin}/iq/users/"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn body_that_never_arrives_is_408_json() {
    let broker_origin = spawn_local(
        broker_at("http://127.0.0.1:9", Duration::from_secs(5)),
        TEST_LIMITS,
    )
    .await
    .unwrap();
    let fitbark_origin = spawn_local(
        fitbark::app(Arc::new(FitBark::new(
            vec![],
            fitbark::DEFAULT_USER_TOKEN_TTL,
        ))),
        TEST_LIMITS,
    )
    .await
    .unwrap();
    for (origin, path) in [
        (&broker_origin, "/broker/fitbark/token"),
        (&fitbark_origin, "/oauth/token"),
    ] {
        let mut stream = TcpStream::connect(origin.trim_start_matches("http://"))
            .await
            .unwrap();
        stream
            .write_all(truncated_post(path, 200).as_bytes())
            .await
            .unwrap();
        let started = Instant::now();
        let text = read_to_close(&mut stream, Duration::from_secs(4))
            .await
            .unwrap();
        assert!(text.starts_with("HTTP/1.1 408"), "{path}: {text}");
        assert!(
            text.contains("\"error\":\"invalid_request\""),
            "{path}: {text}"
        );
        assert!(started.elapsed() >= Duration::from_millis(500));
    }
}

/// The real binary: `FITCONNECT_BROKER_TIMEOUT_MS` sets the broker's upstream timeout.
#[tokio::test]
async fn binary_broker_timeout_comes_from_the_environment() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};

    let silent = silent_upstream().await;
    let port = loop {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        // Ports other servers on this machine use.
        if ![8080, 18080, 28080, 38080]
            .iter()
            .any(|base| (*base..=base + 6).contains(&port))
        {
            break port;
        }
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_fitconnect-server"))
        .args(["--no-sandbox", "--port-base", &port.to_string()])
        .arg("--root")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("FITCONNECT_FITBARK_URL", &silent)
        .env("FITCONNECT_FITBARK_CLIENT_ID", "id")
        .env("FITCONNECT_FITBARK_CLIENT_SECRET", "s")
        .env("FITCONNECT_BROKER_TIMEOUT_MS", "300")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let ready = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.starts_with("fitconnect demo: "))
    });
    let ready = tokio::time::timeout(Duration::from_secs(10), ready).await;
    if !matches!(ready, Ok(Ok(true))) {
        let _ = child.kill();
        panic!("the server did not start on port {port}");
    }
    let started = Instant::now();
    let answer = client()
        .post(format!("http://127.0.0.1:{port}/broker/fitbark/token"))
        .json(&json!({ "grant_type": "refresh_token", "refresh_token": "r" }))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let answer = answer.expect("an answer");
    assert_eq!(answer.status(), StatusCode::GATEWAY_TIMEOUT);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["type"], "urn:fitconnect:broker:upstream-timeout");
    assert!(body.get("error").is_none());
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < TIMEOUT_SLACK,
        "{elapsed:?}"
    );
}

/// The real binary: with `--no-sandbox`, a provider configured without its secret stops the
/// server at start, naming the variable, instead of sending the sandbox's secret.
#[tokio::test]
async fn binary_refuses_a_configured_provider_without_its_secret() {
    let (status, stderr) = start_refused(&[
        ("FITCONNECT_FISIKAL_URL", "https://gym.fisikal.example"),
        ("FITCONNECT_FISIKAL_CLIENT_ID", "id"),
    ])
    .await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("FITCONNECT_FISIKAL_CLIENT_SECRET is not set"),
        "{stderr}"
    );
}

/// The real binary, stopped at start: its exit status and what it wrote to stderr, or a panic
/// when it is still running after ten seconds. It sees `env` and none of the `FITCONNECT_*`
/// variables of the test's own environment.
async fn start_refused(env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    use std::process::{Command, Stdio};

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_fitconnect-server"));
    command
        .args(["--no-sandbox", "--port-base", &port.to_string()])
        .arg("--root")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FITCONNECT_") {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started with {env:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status, stderr)
}

/// The real binary: `user-token` without an allow-list, or with a check that accepts a
/// made-up token (which would let anyone act as the app), stops the server at start.
#[tokio::test]
async fn binary_refuses_user_token_without_a_list_or_with_a_check_that_accepts_anything() {
    let lax = spawn(Router::new().fallback(|| async { Json(json!([])) })).await;
    let pg = [
        ("FITCONNECT_PERFECTGYM_URL", lax.as_str()),
        ("FITCONNECT_PERFECTGYM_CLIENT_ID", "id"),
        ("FITCONNECT_PERFECTGYM_CLIENT_SECRET", "s"),
        ("FITCONNECT_BROKER_PERFECTGYM_AUTH", "user-token"),
    ];
    let (status, stderr) = start_refused(&pg).await;
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("FITCONNECT_BROKER_PERFECTGYM_ALLOW"),
        "{stderr}"
    );
    let mut listed = pg.to_vec();
    listed.push(("FITCONNECT_BROKER_PERFECTGYM_ALLOW", "GET /odata/Classes"));
    let (status, stderr) = start_refused(&listed).await;
    assert!(!status.success(), "{stderr}");
    assert!(stderr.contains("random"), "{stderr}");
    assert!(
        stderr.contains("FITCONNECT_BROKER_PERFECTGYM_AUTH"),
        "{stderr}"
    );
}
