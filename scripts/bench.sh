#!/usr/bin/env bash
# Performance benchmark: builds the release package, then measures what an app pays for the SDK
# next to an oidc-client-ts app: bytes shipped (raw, gzip -9, brotli), ready time, Bearer fetch
# overhead and click to popup, in headless Chromium. Prints a table and writes it as JSON to
# bench/results/<UTC time>.json and bench/results/latest.json.
# Usage: scripts/bench.sh [--no-build]   (--no-build: measure pkg-npm/ and pkg/ as they are)
# Ports: fitconnect-server on 26080-26086, the bench pages on 26090; all on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

port_base=26080
static_port=26090

scripts/setup.sh
if [ "${1:-}" != "--no-build" ]; then
  scripts/build.sh
fi

# The comparison library and its bundler live in bench/ only, never in the SDK's dependencies.
if [ ! -d bench/node_modules/oidc-client-ts ] || [ ! -d bench/node_modules/esbuild ] \
  || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  echo "[bench] installing bench/ npm packages"
  npm ci --prefix bench --no-audit --no-fund --loglevel=error
fi

mkdir -p target
server_log=target/bench-server.log
target/debug/fitconnect-server --port-base "$port_base" --root . > "$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
. scripts/lib/server.sh
wait_for "$server_pid" "$server_log" '^fitconnect demo:' "fitconnect-server on $port_base" || exit 1

# Where the wasm's bytes go: twiggy (crates.io) on wasm-bindgen's output of the release build
# before wasm-opt, which keeps the function names that wasm-opt drops.
if ! command -v twiggy > /dev/null; then
  echo "[bench] installing twiggy"
  cargo install -q twiggy --version 0.8.0
fi
rm -rf target/bench-names
# The npm package's build with every provider (its features: the registry's provider ids, no test
# members; scripts/build.sh builds others after it, so the last wasm cargo linked may be another):
# unchanged code makes this a re-link.
. scripts/lib/providers.sh
cargo build --quiet --release --target wasm32-unknown-unknown --lib --no-default-features --features "$(package_features)"
wasm-bindgen --target web --out-dir target/bench-names target/wasm32-unknown-unknown/release/fitconnect.wasm
twiggy top -n 100000 -f csv target/bench-names/fitconnect_bg.wasm > target/bench-twiggy.csv

# Bounded: the run takes about a minute on 2 cores; five minutes means something hangs.
timeout 300 node bench/run.mjs --port-base "$port_base" --static-port "$static_port" --categories target/bench-twiggy.csv
