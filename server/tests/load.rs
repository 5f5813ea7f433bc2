//! A small run of the broker load test (the full one is `scripts/load-test.sh`): every request
//! must succeed, and the sandbox must have seen exactly one refresh grant per request.

use std::time::Duration;

use fitconnect_server::load_test::{run, LoadOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_token_endpoint_under_concurrent_load_has_no_errors() {
    let report = run(LoadOptions {
        requests: 500,
        concurrency: 32,
        time_limit: Duration::from_secs(20),
    })
    .await
    .expect("the load test starts");
    println!("{}", report.summary());
    assert_eq!(report.errors, 0, "first error: {:?}", report.first_error);
    assert!(!report.stopped_by_time_limit, "{}", report.summary());
    assert_eq!(report.requests, 500);
    assert_eq!(report.ok, 500);
    assert_eq!(report.upstream_refresh_grants, 500);
    assert!(report.p50_ms <= report.p99_ms && report.p99_ms <= report.max_ms);
}
