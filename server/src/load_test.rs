//! A bounded load test of the broker's token endpoint, loopback only.
//!
//! It serves the FitBark sandbox and the broker on ephemeral 127.0.0.1 ports in this process
//! (through [`crate::serve`], the way the binary serves them) and sends refresh_token grants to
//! `POST /broker/fitbark/token`. Refresh tokens rotate, so every worker first obtains one through
//! the authorization_code flow (not timed) and then follows its own chain: each answer carries
//! the refresh token of the next request. Every measured request therefore makes the broker do
//! its whole job: check that the request is the app's own (`Origin`, `Sec-Fetch-Site`,
//! `Content-Type`, as a browser sends them), parse, add the client secret, call FitBark, check
//! and relay the answer.
//!
//! The run stops by itself after `requests` requests or `time_limit`, whichever comes first.
//! Client, broker and sandbox share the machine's cores, so the figures are a floor for the
//! broker alone.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::broker::{self, Broker, BrokerPolicy, Upstreams};
use crate::config::{Secret, Upstream};
use crate::sandbox::control::HasCore;
use crate::sandbox::fitbark::{self, FitBark};
use crate::serve::{spawn_local, Limits};

const REDIRECT_URI: &str = "http://127.0.0.1/load-test/";
/// The app origin the load test's requests claim, as the SDK's same-origin `fetch` would.
const APP_ORIGIN: &str = "http://127.0.0.1:8080";
/// Per-request bound on the client side: a stuck request becomes an error, not a hang.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub requests: usize,
    pub concurrency: usize,
    pub time_limit: Duration,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            requests: 5_000,
            concurrency: 32,
            time_limit: Duration::from_secs(30),
        }
    }
}

#[derive(Clone, Debug)]
pub struct LoadReport {
    pub requests: usize,
    pub concurrency: usize,
    /// Requests answered 200 with a new token pair.
    pub ok: usize,
    /// Failed requests (and failed attempts to start a new refresh chain after one).
    pub errors: usize,
    /// The first error seen, for diagnosis.
    pub first_error: Option<String>,
    pub elapsed: Duration,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The time limit ended the run before every request was sent.
    pub stopped_by_time_limit: bool,
    /// Refresh grants the sandbox's token endpoint received, as a cross-check.
    pub upstream_refresh_grants: u64,
}

impl LoadReport {
    pub fn summary(&self) -> String {
        format!(
            "broker token endpoint: {} requests, {} concurrent, {:.0} req/s, p50 {:.2} ms, \
             p99 {:.2} ms, {} errors{}",
            self.requests,
            self.concurrency,
            self.requests_per_second,
            self.p50_ms,
            self.p99_ms,
            self.errors,
            if self.stopped_by_time_limit {
                " (stopped by the time limit)"
            } else {
                ""
            }
        )
    }

    pub fn to_json(&self) -> Value {
        json!({
            "endpoint": "POST /broker/fitbark/token (refresh_token grant, FitBark sandbox upstream)",
            "requests": self.requests,
            "concurrency": self.concurrency,
            "ok": self.ok,
            "errors": self.errors,
            "firstError": self.first_error,
            "elapsedSeconds": self.elapsed.as_secs_f64(),
            "requestsPerSecond": self.requests_per_second,
            "p50Ms": self.p50_ms,
            "p99Ms": self.p99_ms,
            "maxMs": self.max_ms,
            "stoppedByTimeLimit": self.stopped_by_time_limit,
            "upstreamRefreshGrants": self.upstream_refresh_grants,
            "summary": self.summary(),
        })
    }
}

/// Nearest-rank percentile of sorted samples, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

struct Target {
    client: reqwest::Client,
    fitbark_url: String,
    token_url: String,
}

impl Target {
    /// A fresh refresh token through the authorise page and the broker's code exchange.
    async fn seed(&self) -> Result<String, String> {
        let answer = self
            .client
            .post(format!("{}/oauth/authorize", self.fitbark_url))
            .form(&[
                ("response_type", "code"),
                ("client_id", fitbark::CLIENT_ID),
                ("redirect_uri", REDIRECT_URI),
                ("decision", "authorize"),
            ])
            .send()
            .await
            .map_err(|e| format!("authorise: {e}"))?;
        let location = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| format!("authorise: HTTP {} without a redirect", answer.status()))?;
        let query = location.split_once('?').map_or("", |(_, q)| q);
        let code = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .ok_or("authorise: no code in the redirect")?;
        self.token(&json!({
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
        }))
        .await
    }

    /// One broker token request; the new refresh token on success.
    async fn token(&self, body: &Value) -> Result<String, String> {
        let answer = self
            .client
            .post(&self.token_url)
            .header("origin", APP_ORIGIN)
            .header("sec-fetch-site", "same-origin")
            .json(body)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = answer.status();
        let body: Value = answer
            .json()
            .await
            .map_err(|e| format!("HTTP {status}, body unreadable: {e}"))?;
        match body.get("refresh_token").and_then(Value::as_str) {
            Some(token) if status.is_success() && body["access_token"].is_string() => {
                Ok(token.to_string())
            }
            _ => Err(format!("HTTP {status}: {body}")),
        }
    }
}

#[derive(Default)]
struct WorkerResult {
    latencies: Vec<Duration>,
    ok: usize,
    errors: usize,
    first_error: Option<String>,
}

impl WorkerResult {
    fn error(&mut self, message: String) {
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }
}

/// Runs the load test; `Err` only when the servers cannot be started or seeded.
pub async fn run(options: LoadOptions) -> Result<LoadReport, String> {
    let requests = options.requests.max(1);
    let concurrency = options.concurrency.clamp(1, requests);
    let limits = Limits::for_upstream_timeout(broker::DEFAULT_UPSTREAM_TIMEOUT);

    let sandbox = Arc::new(FitBark::new(
        vec![REDIRECT_URI.to_string()],
        fitbark::DEFAULT_USER_TOKEN_TTL,
    ));
    let fitbark_url = spawn_local(fitbark::app(sandbox.clone()), limits)
        .await
        .map_err(|e| format!("cannot serve the FitBark sandbox: {e}"))?;
    let upstream = Upstream {
        base_url: fitbark_url.clone(),
        client_id: fitbark::CLIENT_ID.to_string(),
        client_secret: Secret::new(fitbark::CLIENT_SECRET),
    };
    let upstreams = Upstreams::all_at(upstream);
    let broker = Broker::new(
        upstreams,
        broker::DEFAULT_UPSTREAM_TIMEOUT,
        BrokerPolicy::closed(APP_ORIGIN),
    )?;
    let broker_url = spawn_local(broker::router(Arc::new(broker)), limits)
        .await
        .map_err(|e| format!("cannot serve the broker: {e}"))?;

    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
    let target = Arc::new(Target {
        client,
        fitbark_url,
        token_url: format!("{broker_url}/broker/fitbark/token"),
    });

    let mut seeds = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        seeds.push(target.seed().await?);
    }
    let before = sandbox.core().counters.get("refresh_token");

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + options.time_limit;
    let workers: Vec<_> = seeds
        .into_iter()
        .map(|seed| {
            let target = target.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let mut result = WorkerResult::default();
                let mut refresh_token = seed;
                while Instant::now() < deadline && next.fetch_add(1, Ordering::Relaxed) < requests {
                    let body =
                        json!({ "grant_type": "refresh_token", "refresh_token": refresh_token });
                    let sent = Instant::now();
                    let answer = target.token(&body).await;
                    result.latencies.push(sent.elapsed());
                    match answer {
                        Ok(token) => {
                            result.ok += 1;
                            refresh_token = token;
                        }
                        Err(message) => {
                            result.error(message);
                            // The chain is broken; continue with a new one (not timed).
                            match target.seed().await {
                                Ok(token) => refresh_token = token,
                                Err(message) => {
                                    result.error(message);
                                    break;
                                }
                            }
                        }
                    }
                }
                result
            })
        })
        .collect();

    let mut latencies = Vec::with_capacity(requests);
    let mut ok = 0;
    let mut errors = 0;
    let mut first_error = None;
    for worker in workers {
        let result = worker
            .await
            .map_err(|e| format!("a load worker failed: {e}"))?;
        latencies.extend(result.latencies);
        ok += result.ok;
        errors += result.errors;
        if first_error.is_none() {
            first_error = result.first_error;
        }
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let sent = latencies.len();
    let upstream_refresh_grants = sandbox.core().counters.get("refresh_token") - before;
    Ok(LoadReport {
        requests: sent,
        concurrency,
        ok,
        errors,
        first_error,
        elapsed,
        requests_per_second: sent as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_ms: percentile_ms(&latencies, 50.0),
        p99_ms: percentile_ms(&latencies, 99.0),
        max_ms: percentile_ms(&latencies, 100.0),
        stopped_by_time_limit: sent < requests,
        upstream_refresh_grants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&samples, 50.0), 50.0);
        assert_eq!(percentile_ms(&samples, 99.0), 99.0);
        assert_eq!(percentile_ms(&samples, 100.0), 100.0);
        assert_eq!(percentile_ms(&samples[..1], 99.0), 1.0);
        assert_eq!(percentile_ms(&[], 99.0), 0.0);
    }
}
