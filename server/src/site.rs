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

/// What the demo page needs to know to talk to the providers (no secrets).
pub fn demo_config(config: &Config) -> Value {
    let app = config.app_origin();
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
