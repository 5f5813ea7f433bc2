//! The app origin: demo config, static files, broker mounted under `/broker/`.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use fitconnect_server::broker::{Broker, Upstreams};
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
        std::fs::write(dir.join("pkg/fitconnect_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("pkg/fitconnect.js"), "export default 1;").unwrap();
        dir
    })
}

fn app(args: &[&str]) -> axum::Router {
    let config = Config::parse(args.iter().map(|s| s.to_string()), |_| None).unwrap();
    let broker = Broker::new(Upstreams::from_config(&config), Duration::from_secs(1)).unwrap();
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
