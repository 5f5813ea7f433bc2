//! Load test of the broker's token endpoint, loopback only; stops by itself.
//!
//! `cargo run --release -p fitconnect-server --example load -- [--requests N] [--concurrency C]
//! [--seconds S] [--out FILE]` (defaults 5000, 32, 30 s, target/load-test.json). Prints one
//! summary line and writes the report as JSON; exits 1 when any request failed or the time
//! limit cut the run short.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use fitconnect_server::load_test::{run, LoadOptions};

fn default_out() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("load-test.json")
}

fn parse() -> Result<(LoadOptions, PathBuf), String> {
    let mut options = LoadOptions::default();
    let mut out = default_out();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |text: String| {
            text.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{arg}: not a positive number: {text}"))
        };
        match arg.as_str() {
            "--requests" => options.requests = number(value()?)?,
            "--concurrency" => options.concurrency = number(value()?)?,
            "--seconds" => options.time_limit = Duration::from_secs(number(value()?)? as u64),
            "--out" => out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((options, out))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (options, out) = match parse() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("load: {message}");
            return ExitCode::from(2);
        }
    };
    let report = match run(options).await {
        Ok(report) => report,
        Err(message) => {
            eprintln!("load: {message}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", report.summary());
    if let Some(error) = &report.first_error {
        eprintln!("load: first error: {error}");
    }
    let json = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
    if let Err(e) = std::fs::write(&out, json + "\n") {
        eprintln!("load: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    if report.errors > 0 || report.stopped_by_time_limit {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
