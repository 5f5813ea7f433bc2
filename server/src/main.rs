//! Run with `cargo run -p fitconnect-server -- --root .` from the repository root, then open
//! the printed address (default http://127.0.0.1:8080/).
//!
//! Serves the demo (app origin, port N) and the provider sandboxes (N+1 to N+6: FitRankings,
//! FitBark, PerfectGym, OpenFIT identity, OpenFIT API, Fisikal), all on 127.0.0.1 only.
//! See `--help` for options and environment variables.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use fitconnect_server::broker::{Broker, BrokerPolicy, Upstreams};
use fitconnect_server::config::{local_origin, Config, ConfigError, USAGE};
use fitconnect_server::sandbox::{self, SandboxConfig};
use fitconnect_server::serve::{serve, Limits};
use fitconnect_server::site;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long open connections may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    let config = match Config::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(ConfigError::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(ConfigError::Invalid(message)) => {
            eprintln!("fitconnect-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fitconnect-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let www = config.root.join("www");
    if !www.join("index.html").is_file() {
        eprintln!(
            "fitconnect-server: warning: {} not found; pass --root with the repository directory",
            www.join("index.html").display()
        );
    }

    // Bind every listener before announcing anything, so the ready line means all are up.
    let mut servers: Vec<(String, TcpListener, Router)> = Vec::new();
    if config.sandbox {
        let sandbox_config = SandboxConfig {
            app_origin: config.app_origin(),
            user_token_ttl: config.sandbox_token_ttl,
        };
        for origin in sandbox::origins(&sandbox_config) {
            let port = config.port_base + origin.port_offset;
            let listener = bind(port).await?;
            servers.push((format!("{} sandbox", origin.name), listener, origin.router));
        }
    }
    let policy = BrokerPolicy::from_config(&config)?;
    let broker = Broker::new(
        Upstreams::from_config(&config),
        config.broker_timeout,
        policy.clone(),
    )?;
    let limits = Limits::for_upstream_timeout(config.broker_timeout);
    let app = site::app(&config.root, site::demo_config(&config), Arc::new(broker));
    let app_listener = bind(config.port_base).await?;

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    // The sandboxes first: a `user-token` proxy's start-up check may ask them.
    for (name, listener, router) in servers {
        if let Ok(addr) = listener.local_addr() {
            println!("{name}: {}/", local_origin(addr.port()));
        }
        tasks.push(start(listener, router, limits, shutdown_rx.clone()));
    }
    // The app (and so the broker) serves only once its hooks have passed their checks.
    if let Err(message) = policy.startup_check().await {
        let _ = shutdown_tx.send(true);
        for task in tasks {
            let _ = task.await;
        }
        return Err(message);
    }
    tasks.push(start(app_listener, app, limits, shutdown_rx));
    println!("fitconnect demo: {}/", config.app_origin());

    shutdown_signal().await;
    eprintln!("fitconnect-server: shutting down");
    let _ = shutdown_tx.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        for task in tasks {
            let _ = task.await;
        }
    })
    .await;
    if drained.is_err() {
        eprintln!("fitconnect-server: connections still open after {SHUTDOWN_GRACE:?}; exiting");
    }
    Ok(())
}

/// Serves `router` on `listener` until `shutdown` changes.
fn start(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        serve(listener, router, limits, async move {
            let _ = shutdown.changed().await;
        })
        .await;
    })
}

async fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}

/// Ctrl-C, or SIGTERM from a test runner or service manager.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
