#!/usr/bin/env bash
# Builds examples/vite-app from the npm package in pkg-npm/ (run scripts/build.sh first):
# installs its npm dependencies when missing, reinstalls fitconnect from the fresh build, runs
# `vite build`, and prints the package's installed size and what the app ships of it.
# Usage: scripts/example.sh [PORT_BASE]   (the fitconnect-server port base the app talks to, default 8080)
set -euo pipefail
cd "$(dirname "$0")/../examples/vite-app"

if [ ! -x node_modules/.bin/vite ] || [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Same version as before, so npm would keep the old copy: install the new build afresh.
rm -rf node_modules/fitconnect
npm install --no-audit --no-fund --loglevel=error

VITE_FITCONNECT_PORT_BASE="${1:-8080}" node_modules/.bin/vite build --logLevel warn

installed=$(du -sk --apparent-size node_modules/fitconnect | cut -f1)
raw=$(cat dist/assets/fitconnect-*.js dist/assets/fitconnect_bg-*.wasm | wc -c)
gz=$(for f in dist/assets/fitconnect-*.js dist/assets/fitconnect_bg-*.wasm; do gzip -9 -c "$f"; done | wc -c)
echo "fitconnect installed: ${installed} KiB in node_modules/fitconnect; shipped by the app: $((raw / 1024)) KiB, $((gz / 1024)) KiB with gzip -9 (JS chunk + wasm)"
