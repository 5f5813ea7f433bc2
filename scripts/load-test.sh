#!/usr/bin/env bash
# Load test of the broker's token endpoint against the FitBark sandbox, on 127.0.0.1 only; stops
# by itself (request count and time limit). Prints one summary line, writes target/load-test.json.
# Usage: scripts/load-test.sh [--requests N] [--concurrency C] [--seconds S] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --quiet --release -p fitconnect-server --example load -- "$@"
