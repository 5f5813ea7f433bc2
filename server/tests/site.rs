//! The app origin: demo config, static files, broker mounted under `/broker/`.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use fitconnect_server::broker::{Broker, BrokerPolicy, Upstreams};
use fitconnect_server::config::Config;
use fitconnect_server::site;
use serde_json::json;
use support::*;

/// A demo tree under Cargo's scratch directory for integration tests, written once.
fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fitconnect-site-test");
        std::fs::create_dir_all(dir.join("www")).unwrap();
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(
            dir.join("www/index.html"),
            "<!doctype html><title>demo</title>",
        )
        .unwrap();
        std::fs::write(
            dir.join("www/callback.html"),
            "<!doctype html><title>callback</title>",
        )
        .unwrap();
        std::fs::write(dir.join("pkg/fitconnect_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("pkg/fitconnect.js"), "export default 1;").unwrap();
        dir
    })
}

fn app(args: &[&str]) -> axum::Router {
    app_with_env(args, &[])
}

fn app_with_env(args: &[&str], env: &[(&str, String)]) -> axum::Router {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let config = Config::parse(args.iter().map(|s| s.to_string()), |name| {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .unwrap();
    let broker = Broker::new(
        Upstreams::from_config(&config),
        Duration::from_secs(1),
        BrokerPolicy::from_config(&config).unwrap(),
    )
    .unwrap();
    site::app(root(), site::demo_config(&config), Arc::new(broker))
}

#[tokio::test]
async fn demo_config_matches_the_contract() {
    let answer = send(&app(&["--port-base", "9100"]), get("/demo-config.json")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.json(),
        json!({
            "fitrankings": {
                "baseUrl": "http://127.0.0.1:9101",
                "clientId": "fitconnect-demo",
                "callbackUri": "http://127.0.0.1:9100/callback.html",
            },
            "fitbark": {
                "baseUrl": "http://127.0.0.1:9102",
                "clientId": "fitconnect-demo",
                "redirectUri": "http://127.0.0.1:9100/",
                "tokenEndpoint": "http://127.0.0.1:9100/broker/fitbark/token",
            },
            "perfectgym": {
                "baseUrl": "http://127.0.0.1:9103",
                "v2Proxy": "http://127.0.0.1:9100/broker/perfectgym/v2/",
                "sandboxAccount": { "username": "member@perfectgym.test", "password": "gym-member-pass" },
                "facebookToken": "sandbox-facebook-token",
            },
            "openfit": {
                "clientId": "openfit-demo",
                "environment": {
                    "identityUrl": "http://127.0.0.1:9104",
                    "apiUrl": "http://127.0.0.1:9105",
                },
                "sandboxAccount": { "username": "clinician@openfit.test", "password": "openfit-pass" },
            },
            "fisikal": {
                "baseUrl": "http://127.0.0.1:9106",
                "tokenEndpoint": "http://127.0.0.1:9100/broker/fisikal/token",
                "sandboxAccount": { "username": "manager@fisikal.test", "password": "fisikal-pass" },
            },
            "sandbox": true,
        })
    );
    assert!(!answer.text().contains("secret"));
    let answer = send(&app(&["--no-sandbox"]), get("/demo-config.json")).await;
    let config = answer.json();
    assert_eq!(config["sandbox"], false);
    // Sandbox accounts only exist in the sandbox.
    for provider in ["perfectgym", "openfit", "fisikal"] {
        assert!(
            config[provider].get("sandboxAccount").is_none(),
            "{provider}"
        );
    }
    assert!(!answer.text().contains("pass"));
}

/// Without the sandbox, a provider whose broker part nobody configured has no routes (404): the
/// demo's config leaves it out, so the page shows no card that could only fail.
#[tokio::test]
async fn without_the_sandbox_the_demo_config_names_only_configured_providers() {
    let fisikal = [
        ("FITCONNECT_FISIKAL_URL", "https://gym.example".to_string()),
        ("FITCONNECT_FISIKAL_CLIENT_ID", "id".to_string()),
        ("FITCONNECT_FISIKAL_CLIENT_SECRET", "secret".to_string()),
    ];
    let answer = send(
        &app_with_env(&["--no-sandbox"], &fisikal),
        get("/demo-config.json"),
    )
    .await;
    let config = answer.json();
    for provider in ["fitrankings", "fitbark", "perfectgym"] {
        assert!(
            config.get(provider).is_none(),
            "{provider} is not configured"
        );
    }
    assert_eq!(config["fisikal"]["baseUrl"], "https://gym.example");
    // OpenFIT has no broker part: the browser talks to it directly.
    assert!(config.get("openfit").is_some());
}

#[tokio::test]
async fn static_files_are_served_uncached() {
    let app = app(&[]);
    let answer = send(&app, get("/")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.text().contains("<title>demo</title>"));
    assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));

    let answer = send(&app, get("/pkg/fitconnect_bg.wasm")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/wasm")
    );
    assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));
    let answer = send(&app, get("/pkg/fitconnect.js")).await;
    assert!(answer
        .header("content-type")
        .unwrap()
        .contains("javascript"));

    assert_eq!(
        send(&app, get("/missing.html")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, get("/pkg/../www/index.html")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn broker_is_mounted_on_the_app_origin() {
    let answer = send(
        &app(&[]),
        post_json(
            "/broker/fitbark/token",
            &json!({ "grant_type": "implicit" }),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json(), json!({ "error": "unsupported_grant_type" }));
}

#[tokio::test]
async fn pages_send_no_referrer_nosniff_and_a_content_security_policy() {
    let app = app(&["--port-base", "9100"]);
    for page in ["/", "/callback.html"] {
        let answer = send(&app, get(page)).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert_eq!(
            answer.header("referrer-policy").as_deref(),
            Some("no-referrer"),
            "{page}"
        );
        assert_eq!(
            answer.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        let csp = answer.header("content-security-policy").expect("a CSP");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        for expected in [
            "default-src 'none'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src-elem 'self' 'unsafe-inline'",
            "style-src-attr 'none'",
            "img-src 'self' data:",
            "connect-src 'self' http://127.0.0.1:9101 http://127.0.0.1:9102 \
             http://127.0.0.1:9103 http://127.0.0.1:9104 http://127.0.0.1:9105 \
             http://127.0.0.1:9106",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(directives.contains(&expected), "{expected} in {csp}");
        }
        assert!(!csp.contains(" 'unsafe-eval'"), "{csp}");
    }
    // Scripts, the wasm, JSON and broker answers: the same headers, without the page policy.
    let broker_answer = send(
        &app,
        post_json(
            "/broker/fitbark/token",
            &json!({ "grant_type": "implicit" }),
        ),
    )
    .await;
    for answer in [
        send(&app, get("/pkg/fitconnect.js")).await,
        send(&app, get("/pkg/fitconnect_bg.wasm")).await,
        send(&app, get("/demo-config.json")).await,
        broker_answer,
    ] {
        assert_eq!(
            answer.header("referrer-policy").as_deref(),
            Some("no-referrer")
        );
        assert_eq!(
            answer.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        assert_eq!(answer.header("content-security-policy"), None);
    }
}

#[tokio::test]
async fn the_policy_follows_the_configured_providers() {
    let app = app_with_env(
        &["--no-sandbox"],
        &[
            (
                "FITCONNECT_FITBARK_URL",
                "https://app.fitbark.com/".to_string(),
            ),
            ("FITCONNECT_FITBARK_CLIENT_ID", "id".to_string()),
            ("FITCONNECT_FITBARK_CLIENT_SECRET", "s".to_string()),
        ],
    );
    let csp = send(&app, get("/"))
        .await
        .header("content-security-policy")
        .unwrap();
    assert!(csp.contains(" https://app.fitbark.com"), "{csp}");
    assert!(!csp.contains("app.fitbark.com/"), "{csp}");
}

/// The demo's configuration (sandbox): the PerfectGym v2 and FitRankings proxies answer a caller
/// with that provider's user token, checked with the provider, and nobody else; the demo's
/// allow-list holds the club's timetable (what its page reads) and not the member directory.
#[tokio::test]
async fn demo_proxies_answer_only_a_signed_in_user_of_the_provider() {
    use fitconnect_server::sandbox::fitrankings::{self, FitRankings};
    use fitconnect_server::sandbox::perfectgym::{self, PerfectGym};

    let pg = perfectgym::app(Arc::new(PerfectGym::new()));
    let fr = fitrankings::app(Arc::new(FitRankings::new()));
    let pg_url = spawn(pg.clone()).await;
    let fr_url = spawn(fr.clone()).await;
    let demo = app_with_env(
        &[],
        &[
            ("FITCONNECT_PERFECTGYM_URL", pg_url.clone()),
            ("FITCONNECT_FITRANKINGS_URL", fr_url.clone()),
        ],
    );
    // The same, with a FitRankings rule (the demo's page reads nothing through that proxy).
    let app = app_with_env(
        &[],
        &[
            ("FITCONNECT_PERFECTGYM_URL", pg_url),
            ("FITCONNECT_FITRANKINGS_URL", fr_url),
            (
                "FITCONNECT_BROKER_FITRANKINGS_ALLOW",
                "GET /iq/groups/stat-summary/".to_string(),
            ),
        ],
    );
    let login = send(
        &pg,
        post_form(
            "/Api/oauth/authorize",
            &[
                ("grant_type", "password"),
                ("username", perfectgym::USERNAME),
                ("password", perfectgym::PASSWORD),
            ],
        ),
    )
    .await;
    let pg_token = login.json()["access_token"].as_str().unwrap().to_string();
    let consent = send(
        &fr,
        post_form(
            "/iq/oauth2/",
            &[
                ("client_id", fitrankings::CLIENT_ID),
                ("callback_uri", "http://127.0.0.1:8080/callback.html"),
                ("user_id", ""),
                ("decision", "allow"),
            ],
        ),
    )
    .await;
    let fr_token = consent.location_query()["token"].clone();

    let request = |uri: &str, token: Option<&str>| {
        let mut request = axum::http::Request::get(uri)
            .header("origin", "http://127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(axum::body::Body::empty()).unwrap()
    };
    let classes = "/broker/perfectgym/v2/odata/Classes?$top=2";
    let stats = "/broker/fitrankings/iq/groups/stat-summary/";
    for (uri, token) in [(classes, &pg_token), (stats, &fr_token)] {
        let answer = send(&app, request(uri, Some(token))).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text());
        for refused in [None, Some("not-a-token")] {
            let answer = send(&app, request(uri, refused)).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri} {refused:?}");
        }
    }
    // A signed-in member does not read the club's member directory, nor a FitRankings user
    // every user: off the demo's lists, refused before the provider is asked anything.
    for (app, uri, token) in [
        (&demo, classes, &pg_token),
        (
            &demo,
            "/broker/perfectgym/v2/odata/Members?$top=2",
            &pg_token,
        ),
        (&demo, "/broker/perfectgym/v2/odata/Members", &pg_token),
        (&demo, "/broker/fitrankings/iq/users/", &fr_token),
        (&app, "/broker/fitrankings/iq/users/", &fr_token),
    ] {
        let answer = send(app, request(uri, Some(token))).await;
        let expected = if uri == classes {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(answer.status, expected, "{uri}: {}", answer.text());
    }
    // Another provider's token does not open a proxy.
    let answer = send(
        &app,
        axum::http::Request::get(classes)
            .header("authorization", format!("Bearer {fr_token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    // Read-only: booking through the proxy is refused before PerfectGym sees it.
    let book = axum::http::Request::post("/broker/perfectgym/v2/ClassBooking/BookClass")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {pg_token}"))
        .body(axum::body::Body::from(r#"{"memberId":1,"classId":1}"#))
        .unwrap();
    assert_eq!(send(&app, book).await.status, StatusCode::FORBIDDEN);
    // The same booking straight at the sandbox is the first one, so the proxy made none.
    let direct = axum::http::Request::post("/Api/v2.2/ClassBooking/BookClass")
        .header("content-type", "application/json")
        .header("x-client-id", perfectgym::CLIENT_ID)
        .header("x-client-secret", perfectgym::CLIENT_SECRET)
        .body(axum::body::Body::from(r#"{"memberId":1,"classId":1}"#))
        .unwrap();
    let answer = send(&pg, direct).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}
