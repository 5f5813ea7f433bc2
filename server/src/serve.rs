//! Serves a router on a listener with bounds on slow clients.
//!
//! `axum::serve` gives HTTP/1 connections no timer, so a client that sends its request head one
//! byte at a time (or never finishes it) would hold a connection and its task forever. Here
//! every connection has a deadline for its request head, and every request a deadline for its
//! response head (reading the body included), so nothing a client does keeps the server busy
//! without bound.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn, Next};
use axum::response::Response;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::TcpListener;

use crate::http_util::{json_response, no_store};

/// Hyper's own default: ample for any real client, also on a slow network.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long a client may take to send a request head. It also closes keep-alive
    /// connections that stay idle that long (browsers reconnect transparently).
    pub header_read_timeout: Duration,
    /// How long a request may take from its head to the head of its response, reading the
    /// body included. Must exceed the broker's upstream timeout, so that the broker's own 504
    /// comes first.
    pub request_timeout: Duration,
}

impl Limits {
    /// The limits for a server whose slowest legitimate work is an upstream call of at most
    /// `upstream_timeout`.
    pub fn for_upstream_timeout(upstream_timeout: Duration) -> Self {
        Limits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            request_timeout: upstream_timeout + Duration::from_secs(5),
        }
    }
}

/// Answers 408 with an OAuth-style JSON error when `router` has not produced a response head
/// within `timeout` (a body that trickles in or stops, typically).
pub fn with_request_timeout(router: Router, timeout: Duration) -> Router {
    router.layer(from_fn(move |request: Request, next: Next| async move {
        match tokio::time::timeout(timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => request_timed_out(timeout),
        }
    }))
}

fn request_timed_out(timeout: Duration) -> Response {
    let mut response = no_store(json_response(
        StatusCode::REQUEST_TIMEOUT,
        json!({
            "error": "invalid_request",
            "error_description": format!(
                "The request was not completed within {} seconds.",
                timeout.as_secs_f32()
            ),
        }),
    ));
    // Part of the body may still be unread: the connection cannot carry another request.
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Serves `router` over HTTP/1.1 on `listener` until `shutdown` completes, then waits for the
/// open connections to finish their current request (idle ones are closed at once).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let router = with_request_timeout(router, limits.request_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors, typically: wait for some to be released rather
                    // than spin.
                    eprintln!("fitconnect-server: accept failed: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small request/response exchanges: do not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout);
        let connection = builder.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors here are the client's (reset, timed out, malformed); nothing to report.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Errors about one failed connection, after which accepting the next is fine.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// Serves `router` on an ephemeral 127.0.0.1 port until the runtime stops; returns its origin.
/// For tests and the load test.
pub async fn spawn_local(router: Router, limits: Limits) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    tokio::spawn(serve(listener, router, limits, std::future::pending()));
    Ok(origin)
}
