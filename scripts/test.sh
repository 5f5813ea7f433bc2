#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (host and wasm32), native tests (core, providers,
# server), browser tests (wasm-bindgen-test in headless Chromium: the web modules and the classes),
# the package tests (Node: the npm package and its types), end-to-end tests (Playwright driving the
# SDK and the demo against the sandbox), the Vite example, the consumer matrix (the packed package in
# each toolchain's app: scripts/consumers.sh), and the interop suite (the SDK against oidc-provider).
# Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "format and lint"
cargo fmt --all --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
cargo clippy --quiet -p fitconnect --target wasm32-unknown-unknown --all-targets -- -D warnings

step "native tests (core and server)"
cargo test --quiet --workspace 2>&1 | tee target/native-tests.log
native=$(awk '/^test result:/ {p+=$4; f+=$6} END {print p+0, f+0}' target/native-tests.log)

step "build (release package and server)"
scripts/build.sh

step "size budget (bench/size-budget.json)"
scripts/size-check.sh

step "npm package, Node import, TypeScript types (node --test) and the Vite example's build"
scripts/example.sh 24080 | tee target/example-build.log
node --test tests/package/package.test.mjs tests/types/types.test.mjs 2>&1 | tee target/package-tests.log
package=$(awk '/^# pass / {p=$3} /^# fail / {f=$3} END {print p+0, f+0}' target/package-tests.log)

step "no secret handling in the browser package"
# The broker adds client secrets; the wasm and its JS must not even know the parameter names.
if grep -r -a -i -l -E --include='*.js' --include='*.wasm' 'client_secret|x-client-secret|master-token' pkg pkg-npm; then
  echo "secret-handling strings found in the browser package"; exit 1
fi
echo "ok: no client_secret, X-Client-Secret or master-token in pkg/ or pkg-npm/"

step "browser tests (wasm-bindgen-test, headless Chromium: one test binary per file in tests/, each on a fresh page)"
port_base=28080
server_log=target/browser-test-server.log
target/debug/fitconnect-server --port-base "$port_base" --root . > "$server_log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q '^fitconnect demo:' "$server_log" && break; sleep 0.1; done
grep -q '^fitconnect demo:' "$server_log" || { cat "$server_log"; echo "server did not start"; exit 1; }
# Every file in tests/ is its own test binary, run on a fresh page; `--test '*'` leaves out the
# library's unit tests (native). tests/fuzz.rs is native only: empty on wasm32 ("no tests to
# run!"). The runner wrapper stops the Chromium that wasm-bindgen-test-runner leaves behind.
FITCONNECT_TEST_FITRANKINGS="http://127.0.0.1:$((port_base + 1))" \
FITCONNECT_TEST_FITBARK="http://127.0.0.1:$((port_base + 2))" \
FITCONNECT_TEST_PERFECTGYM="http://127.0.0.1:$((port_base + 3))" \
CHROMEDRIVER=/usr/bin/chromedriver \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/scripts/browser-test-runner.sh" \
  cargo test -p fitconnect --target wasm32-unknown-unknown --test '*' --no-fail-fast 2>&1 \
  | tee target/browser-tests.log
kill "$server_pid" 2>/dev/null || true
browser=$(awk '/^test result:/ {p+=$4; f+=$6} END {print p+0, f+0}' target/browser-tests.log)

step "end-to-end tests (Playwright, headless Chromium)"
node_modules/.bin/playwright test 2>&1 | tee target/e2e-tests.log
e2e=$(awk '/^e2e: [0-9]+ passed/ {gsub(",", ""); print $2, $4}' target/e2e-tests.log)

step "Vite example end-to-end (Playwright: the built app on 24090, sandbox on 24080)"
node_modules/.bin/playwright test -c playwright.example.config.js 2>&1 | tee target/example-tests.log
example=$(awk '/^e2e: [0-9]+ passed/ {gsub(",", ""); print $2, $4}' target/example-tests.log)

step "consumer matrix (the packed package in each toolchain's app; publint, attw)"
scripts/consumers.sh 2>&1 | tee target/consumers-tests.log
consumers=$(awk '/^consumers: [0-9]+ passed/ {gsub(",", ""); print $2, $4}' target/consumers-tests.log)

step "interop (the SDK against oidc-provider: FitBark through the broker, OpenFIT direct; headless Chromium)"
scripts/interop.sh 2>&1 | tee target/interop-tests.log
interop=$(awk '/^interop: [0-9]+ passed/ {gsub(",", ""); print $2, $4}' target/interop-tests.log)

read -r np nf <<< "$native"; read -r bp bf <<< "$browser"; read -r ep ef <<< "${e2e:-0 0}"
read -r pp pf <<< "${package:-0 0}"; read -r xp xf <<< "${example:-0 0}"; read -r ip if_ <<< "${interop:-0 0}"
read -r cp cf <<< "${consumers:-0 0}"
grep '^fitconnect installed:' target/example-build.log || true
printf '\nnative %s passed, browser %s passed, end-to-end %s passed, package and types %s passed, example %s passed, consumers %s passed, interop %s passed\n' \
  "$np" "$bp" "$ep" "$pp" "$xp" "$cp" "$ip"
echo "$((np + bp + ep + pp + xp + cp + ip)) passed, $((nf + bf + ef + pf + xf + cf + if_)) failed"
