#!/usr/bin/env bash
# Installs what is missing, builds the package and the server, and serves the demo with the
# provider sandboxes and the token broker on 127.0.0.1. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec target/debug/fitconnect-server --port-base "${FITCONNECT_PORT_BASE:-8080}" --root .
