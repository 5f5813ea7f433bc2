//! Offline stand-ins for the providers' services, one origin (port) each.
//!
//! Each provider is one module exposing `app(state) -> Router`; [`origins`] lists them with
//! their port offsets, so adding a provider means adding its module and one entry there.
//!
//! What the providers share, by concern: [`control`] (the state every sandbox keeps, the
//! `/__sandbox/` endpoints and the router set-up around each provider's routes), [`tokens`], [`auth`] (the bearer token of a data request),
//! [`oauth`] (token endpoints and their errors), [`cors`], [`pages`] (HTML, redirects) and
//! [`dates`].

pub mod auth;
pub mod control;
pub mod cors;
pub mod dates;
pub mod fisikal;
pub mod fitbark;
pub mod fitbark_data;
pub mod fitrankings;
pub mod oauth;
pub mod odata;
pub mod openfit;
pub mod pages;
pub mod perfectgym;
pub mod sample_data;
pub mod tokens;

use std::sync::Arc;

use axum::Router;

pub use control::BODY_LIMIT;

/// What the sandboxes need to know about the deployment.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// The demo app's origin, e.g. `http://127.0.0.1:8080` (no trailing slash); its root is a
    /// registered FitBark redirect URI and it is OpenFIT's registered CORS origin.
    pub app_origin: String,
    /// Default lifetime of FitBark user access tokens, in seconds.
    pub user_token_ttl: u64,
}

/// One provider origin to serve.
pub struct Origin {
    pub name: &'static str,
    /// Port relative to the base port (the app origin is offset 0).
    pub port_offset: u16,
    pub router: Router,
}

pub const FITRANKINGS_PORT_OFFSET: u16 = 1;
pub const FITBARK_PORT_OFFSET: u16 = 2;
pub const PERFECTGYM_PORT_OFFSET: u16 = 3;
pub const OPENFIT_IDENTITY_PORT_OFFSET: u16 = 4;
pub const OPENFIT_API_PORT_OFFSET: u16 = 5;
pub const FISIKAL_PORT_OFFSET: u16 = 6;

pub fn origins(config: &SandboxConfig) -> Vec<Origin> {
    // The identity server and the API are two origins of one service: they share tokens.
    let openfit = Arc::new(openfit::OpenFit::new(&config.app_origin));
    vec![
        Origin {
            name: "FitRankings",
            port_offset: FITRANKINGS_PORT_OFFSET,
            router: fitrankings::app(Arc::new(fitrankings::FitRankings::new())),
        },
        Origin {
            name: "FitBark",
            port_offset: FITBARK_PORT_OFFSET,
            router: fitbark::app(Arc::new(fitbark::FitBark::new(
                vec![
                    fitbark::OOB_REDIRECT_URI.to_string(),
                    format!("{}/", config.app_origin),
                ],
                config.user_token_ttl,
            ))),
        },
        Origin {
            name: "PerfectGym",
            port_offset: PERFECTGYM_PORT_OFFSET,
            router: perfectgym::app(Arc::new(perfectgym::PerfectGym::new())),
        },
        Origin {
            name: "OpenFIT identity",
            port_offset: OPENFIT_IDENTITY_PORT_OFFSET,
            router: openfit::identity_app(openfit.clone()),
        },
        Origin {
            name: "OpenFIT API",
            port_offset: OPENFIT_API_PORT_OFFSET,
            router: openfit::api_app(openfit),
        },
        Origin {
            name: "Fisikal",
            port_offset: FISIKAL_PORT_OFFSET,
            router: fisikal::app(Arc::new(fisikal::Fisikal::new())),
        },
    ]
}
