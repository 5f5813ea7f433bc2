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
/// running it also shows the sandbox accounts, so the demo's login forms can offer them.
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
    json!({
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
    })
}

/// `root/www` at `/`, `root/pkg` at `/pkg/`, plus the demo config and the broker.
pub fn app(root: &Path, demo_config: Value, broker: Arc<Broker>) -> Router {
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
        .layer(map_response(no_store))
}

/// A rebuilt package must be picked up on the next reload, so nothing here is cached.
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
