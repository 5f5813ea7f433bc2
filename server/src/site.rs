//! The app origin: the demo's static files, `/demo-config.json` and the broker.

use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::ServeDir;

use crate::broker::{self, Broker};
use crate::config::Config;
use crate::sandbox::{fisikal, openfit, perfectgym};

/// What the demo page needs to know to talk to the providers (no secrets). With the sandbox
/// running it also shows the sandbox accounts, so the demo's login forms can offer them; without
/// it, the providers whose broker part is not configured are left out.
pub fn demo_config(config: &Config) -> Value {
    let app = config.app_origin();
    let mut perfectgym = json!({
        "baseUrl": config.perfectgym.base_url,
        "v2Proxy": format!("{app}/broker/perfectgym/v2/"),
    });
    let mut openfit = json!({
        "clientId": config.openfit.client_id,
        "environment": {
            "identityUrl": config.openfit.identity_url,
            "apiUrl": config.openfit.api_url,
        },
    });
    let mut fisikal = json!({
        "baseUrl": config.fisikal.base_url,
        "tokenEndpoint": format!("{app}/broker/fisikal/token"),
    });
    if config.sandbox {
        let account =
            |username: &str, password: &str| json!({ "username": username, "password": password });
        perfectgym["sandboxAccount"] = account(perfectgym::USERNAME, perfectgym::PASSWORD);
        perfectgym["facebookToken"] = json!(perfectgym::FACEBOOK_TOKEN);
        openfit["sandboxAccount"] = account(openfit::USERNAME, openfit::PASSWORD);
        fisikal["sandboxAccount"] = account(fisikal::USERNAME, fisikal::PASSWORD);
    }
    let mut demo = json!({
        "fitrankings": {
            "baseUrl": config.fitrankings.base_url,
            "clientId": config.fitrankings.client_id,
            "callbackUri": format!("{app}/callback.html"),
        },
        "fitbark": {
            "baseUrl": config.fitbark.base_url,
            "clientId": config.fitbark.client_id,
            "redirectUri": format!("{app}/"),
            "tokenEndpoint": format!("{app}/broker/fitbark/token"),
        },
        "perfectgym": perfectgym,
        "openfit": openfit,
        "fisikal": fisikal,
        "sandbox": config.sandbox,
    });
    // Without the sandbox, a provider whose broker part nobody configured has no routes: the demo
    // shows no card for it. (OpenFIT has no broker part.)
    if !config.sandbox {
        let configured = &config.configured;
        for (provider, is_configured) in [
            ("fitrankings", configured.fitrankings),
            ("fitbark", configured.fitbark),
            ("perfectgym", configured.perfectgym),
            ("fisikal", configured.fisikal),
        ] {
            if !is_configured {
                if let Some(providers) = demo.as_object_mut() {
                    providers.remove(provider);
                }
            }
        }
    }
    demo
}

/// The demo pages' Content-Security-Policy: scripts and styles from the app origin only;
/// `'wasm-unsafe-eval'` because the SDK compiles its `.wasm`; connections to the app origin
/// (the package, the config, the broker) and to the providers the demo config names; images
/// from the origin and `data:` (the page's empty icon, `data:,`); no plugins, frames, `<base>`
/// or foreign form targets. The connect button puts its stylesheet in
/// a `<style>` element in its shadow root, so `<style>` elements may be inline; `style`
/// attributes may not.
pub fn content_security_policy(demo_config: &Value) -> String {
    let mut connect = vec!["'self'".to_string()];
    let urls = [
        &demo_config["fitrankings"]["baseUrl"],
        &demo_config["fitbark"]["baseUrl"],
        &demo_config["perfectgym"]["baseUrl"],
        &demo_config["openfit"]["environment"]["identityUrl"],
        &demo_config["openfit"]["environment"]["apiUrl"],
        &demo_config["fisikal"]["baseUrl"],
    ];
    for origin in urls.iter().filter_map(|u| u.as_str()).filter_map(origin_of) {
        if !connect.contains(&origin) {
            connect.push(origin);
        }
    }
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src-elem 'self' \
         'unsafe-inline'; style-src-attr 'none'; img-src 'self' data:; connect-src {}; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        connect.join(" ")
    )
}

/// `scheme://host[:port]` of an absolute `http(s)` URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    // Characters that would end the CSP source or the directive.
    if authority.is_empty() || authority.contains([';', ',', ' ', '\'', '"']) {
        return None;
    }
    Some(format!("{scheme}://{authority}"))
}

/// `root/www` at `/`, `root/pkg` at `/pkg/`, plus the demo config and the broker.
pub fn app(root: &Path, demo_config: Value, broker: Arc<Broker>) -> Router {
    let csp = HeaderValue::from_str(&content_security_policy(&demo_config))
        .unwrap_or(HeaderValue::from_static("default-src 'none'"));
    Router::new()
        .route(
            "/demo-config.json",
            get(move || {
                let config = demo_config.clone();
                async move { Json(config) }
            }),
        )
        .merge(broker::router(broker))
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .fallback_service(ServeDir::new(root.join("www")))
        .layer(map_response(move |response| {
            let csp = csp.clone();
            async move { app_headers(response, csp) }
        }))
}

/// Headers on every answer of the app origin. `no-store`: a rebuilt package must be picked up
/// on the next reload. `Referrer-Policy: no-referrer`: the callback page's address holds a
/// token until it has read it, and its own script and wasm requests must not carry it in
/// `Referer`. `nosniff`: a file is only ever what its `Content-Type` says. HTML pages get the
/// Content-Security-Policy.
fn app_headers(mut response: Response, csp: HeaderValue) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if is_html {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}
