#!/usr/bin/env bash
# Interop suite: the built SDK (pkg/) in headless Chromium against oidc-provider from npm, a
# certified OpenID Provider, standing in for FitBark's and OpenFIT's authorization servers:
#   FitBark: redirect with state and PKCE S256, code exchange and refresh through fitconnect-server's
#            broker (--no-sandbox, FITCONNECT_FITBARK_* pointing at oidc-provider), Bearer calls,
#            refresh on 401 with rotation, a wrong code_verifier and a replayed code refused.
#   OpenFIT: password grant (registerGrantType) and rotating refresh grants straight from the
#            browser, proactive refresh under 5 minutes, concurrent callers sharing one refresh.
# Needs scripts/build.sh to have run (pkg/ and target/debug/fitconnect-server). Installs
# tests/interop's npm packages (its own package-lock.json) when missing.
# Ports: 127.0.0.1:27080 (app and broker), 27087 (FitBark OP), 27088 (OpenFIT OP), 27089 (OpenFIT API).
# Ends with `interop: N passed, M failed`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

server_bin=${FITCONNECT_SERVER_BIN:-target/debug/fitconnect-server}
interop=tests/interop

[ -f pkg/fitconnect.js ] || { echo "interop: pkg/fitconnect.js is missing: run scripts/build.sh first"; exit 1; }
[ -x "$server_bin" ] || { echo "interop: $server_bin is missing: run scripts/build.sh first"; exit 1; }

if [ ! -d "$interop/node_modules/oidc-provider" ] || [ ! -d "$interop/node_modules/@playwright/test" ] \
  || [ "$interop/package-lock.json" -nt "$interop/node_modules/.package-lock.json" ]; then
  echo "[interop] installing $interop npm packages"
  npm ci --prefix "$interop" --no-audit --no-fund --loglevel=error
fi

mkdir -p target
root=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
# A signal ends the script through `exit`, so the EXIT trap still stops the servers.
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for PID LOG PATTERN WHAT; on failure the suite is one red line.
. scripts/lib/server.sh
started() { wait_for "$@" || { echo "interop: 0 passed, 1 failed"; exit 1; }; }

node "$interop/make-root.mjs" "$root"
# Origins and client ids from the file the servers and the tests read too.
read -r app fitbark fitbark_id fitbark_secret openfit_identity openfit_api openfit_id < <(node --input-type=module -e "
  import * as p from './$interop/ports.mjs';
  console.log(p.APP, p.FITBARK, p.FITBARK_CLIENT_ID, p.FITBARK_CLIENT_SECRET, p.OPENFIT_IDENTITY, p.OPENFIT_API, p.OPENFIT_CLIENT_ID);")
port_base=${app##*:}

op_log=target/interop-op.log
node "$interop/servers.mjs" > "$op_log" 2>&1 &
pids+=($!)
started "${pids[-1]}" "$op_log" '^interop servers ready' 'interop: oidc-provider'

# The broker talks to oidc-provider as it would to FitBark. The OpenFIT settings only put its
# origins into the app's Content-Security-Policy (connect-src): the page calls them directly.
# The suite uses no other provider: theirs point at a closed loopback port, each with its own
# secret, so the configuration is complete.
server_log=target/interop-server.log
closed="http://127.0.0.1:$((port_base + 1))"
FITCONNECT_FITBARK_URL=$fitbark \
FITCONNECT_FITBARK_CLIENT_ID=$fitbark_id \
FITCONNECT_FITBARK_CLIENT_SECRET=$fitbark_secret \
FITCONNECT_FITRANKINGS_URL=$closed FITCONNECT_FITRANKINGS_CLIENT_ID=unused FITCONNECT_FITRANKINGS_CLIENT_SECRET=unused-fitrankings \
FITCONNECT_PERFECTGYM_URL=$closed FITCONNECT_PERFECTGYM_CLIENT_ID=unused FITCONNECT_PERFECTGYM_CLIENT_SECRET=unused-perfectgym \
FITCONNECT_FISIKAL_URL=$closed FITCONNECT_FISIKAL_CLIENT_ID=unused FITCONNECT_FISIKAL_CLIENT_SECRET=unused-fisikal \
FITCONNECT_OPENFIT_IDENTITY_URL=$openfit_identity \
FITCONNECT_OPENFIT_API_URL=$openfit_api \
FITCONNECT_OPENFIT_CLIENT_ID=$openfit_id \
FITCONNECT_BROKER_TIMEOUT_MS=5000 \
  "$server_bin" --port-base "$port_base" --root "$root" --no-sandbox > "$server_log" 2>&1 &
pids+=($!)
started "${pids[-1]}" "$server_log" '^fitconnect demo:' 'interop: fitconnect-server'

# Bounded: the suite takes well under a minute; the config's globalTimeout stops it at two.
# In the background, so that a signal stops it at once (see the traps above).
# Its own file: test.sh tees this script's output into target/interop-tests.log, and following that
# file here would feed every line back into it.
log=target/interop-playwright.log
: > "$log"
timeout 180 "$interop/node_modules/.bin/playwright" test -c "$interop/playwright.config.js" "$@" > "$log" 2>&1 &
pids+=($!)
playwright=$!
tail -s 0.2 -n +1 -f --pid="$playwright" "$log" &
pids+=($!)
status=0
wait "$playwright" || status=$?
wait "${pids[-1]}" || true
if ! grep -q '^interop: [0-9]* passed, [0-9]* failed' "$log"; then
  # Stopped before its reporter could speak (timeout, crash): still one line, and red.
  echo "interop: 0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
