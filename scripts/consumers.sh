#!/usr/bin/env bash
# The consumer matrix: the npm package (pkg-npm/, built by scripts/build.sh) packed with `npm pack`
# and installed from the tarball, as a user installs it, into each app of examples/consumers/
# (pinned toolchain versions). Each app builds with its toolchain's defaults (plus the one line the
# app's package.json names as `consumer.line`, if any) and passes the smoke test
# (examples/consumers/shared/smoke.js: init(), every class the app's entry exports, FitBark's
# authorizeUrl(), a <fitconnect-button>) in headless Chromium (tests/consumers/browser.mjs), in Vitest's jsdom, or
# in Node (server-side rendering). publint and @arethetypeswrong/cli check the tarball first.
# A browser app's page is examples/consumers/shared/index.html, loading the script its
# package.json names as `consumer.page`.
#
# Apps are copied out of the repository, to ~/.cache/fitconnect-consumers/<checkout>/ (so that
# nothing resolves from the repository's own node_modules, and installs outlive a fresh clone), and
# their dependencies installed once (again only when the app's package.json changes), from the one
# npm cache (~/.npm, --prefer-offline); fitconnect is reinstalled from the new tarball every run.
# Every step is bounded by `timeout`. Servers bind 127.0.0.1 on ports 25000-25099.
# Prints one line per app and a last line `consumers: N passed, M failed`; exits 1 on failure.
# Usage: scripts/consumers.sh [APP...]   (default: every app)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$PATH"
work=${XDG_CACHE_HOME:-$HOME/.cache}/fitconnect-consumers/$(printf '%s' "$root" | sha1sum | cut -c1-12)
mkdir -p "$work/apps" target
log=$root/target/consumers.log
export NEXT_TELEMETRY_DISABLED=1
: > "$log"

[ -f pkg-npm/package.json ] || { echo "consumers: pkg-npm/ is missing: run scripts/build.sh first"; exit 1; }
rm -f "$work"/fitconnect-*.tgz
tarball=$work/$(cd pkg-npm && npm pack --silent --pack-destination "$work" 2>>"$log" | tail -1)
[ -f "$tarball" ] || { echo "consumers: npm pack failed (see $log)"; exit 1; }

passed=0 failed=0 port=25000
report() { # name, status (0 = passed), note; an ok note ends with the install's and the run's seconds
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); printf '%-22s ok    %s\n' "$1" "${3% (*s)} (install ${installed:-0}s, build and check $((SECONDS - start))s)"
  else failed=$((failed + 1)); printf '%-22s FAIL  %s\n' "$1" "$3"; fi
}
field() { node -e 'const c = require(process.argv[1]).consumer ?? {}; const v = c[process.argv[2]]; process.stdout.write(v === undefined ? "" : String(v))' "$1/package.json" "$2"; }

# Copies the app, installs its dependencies (once) and the packed fitconnect (every time).
prepare() {
  local name=$1 src; src=$(app_dir "$1"); local dir=$work/apps/$1
  mkdir -p "$dir"
  (cd "$src" && tar cf - --exclude=node_modules --exclude=dist --exclude=.parcel-cache --exclude=.next .) | (cd "$dir" && tar xf -)
  # An example's own `file:` dependency on the package: the tarball replaces it.
  node -e 'const f = process.argv[1], p = require(f); if (p.dependencies) delete p.dependencies.fitconnect;
    require("fs").writeFileSync(f, JSON.stringify(p, null, 2))' "$dir/package.json"
  # The page of a browser app: one shared index.html, loading the script the app names.
  local page; page=$(field "$src" page)
  if [ -n "$page" ]; then
    sed "s#PAGE_SCRIPT#$page#" "$root/examples/consumers/shared/index.html" > "$dir/index.html"
  fi
  # The shared smoke test, in src/ (which git does not keep when the app has nothing else there).
  if [ -z "$(field "$src" check)" ]; then
    mkdir -p "$dir/src"
    local entry; entry=$(field "$src" entry)
    sed "s#from 'fitconnect';#from '${entry:-fitconnect}';#" "$root/examples/consumers/shared/smoke.js" > "$dir/src/smoke.js"
  fi
  local stamp; stamp=$(cat "$src/package.json" "$src/package-lock.json" 2>/dev/null | sha1sum)
  if [ "$(cat "$dir/.installed" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$dir/node_modules"
    # The matrix apps' lock files pin every version (without fitconnect: the tarball is added below).
    local install=install; [ -f "$src/package-lock.json" ] && install=ci
    (cd "$dir" && timeout 900 npm "$install" --no-audit --no-fund --prefer-offline --loglevel=error) >>"$log" 2>&1 || return 1
    echo "$stamp" > "$dir/.installed"
  fi
  rm -rf "$dir/node_modules/fitconnect" "$dir/dist" "$dir/node_modules/.vite"
  (cd "$dir" && timeout 300 npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error "$tarball") >>"$log" 2>&1
}

# Runs a command in the app's directory with a time limit; the last line of its output is the note.
step() { # dir seconds command...
  local dir=$1 secs=$2; shift 2
  local out; out=$(cd "$dir" && timeout "$secs" "$@" 2>&1); local status=$?
  printf '%s\n' "$out" >>"$log"
  note=$(printf '%s\n' "$out" | grep -v '^\s*$' | tail -1 | cut -c1-160)
  [ "$status" -eq 124 ] && note="timed out after ${secs}s"
  return "$status"
}

# examples/consumers/NAME, or an example of its own: examples/NAME.
app_dir() { if [ -d "$root/examples/consumers/$1" ]; then echo "$root/examples/consumers/$1"; else echo "$root/examples/$1"; fi; }

run_app() {
  local name=$1 src; src=$(app_dir "$1"); local dir=$work/apps/$1 start=$SECONDS note=""
  echo "== $name" >>"$log"
  if ! prepare "$name"; then report "$name" 1 "npm install failed (see $log)"; return; fi
  local installed=$((SECONDS - start)); start=$SECONDS
  local line; line=$(field "$src" line)
  local how="no configuration"; [ -n "$line" ] && how="one line: $line"
  if [ -n "$(field "$src" checks)" ]; then
    # publint lints the installed copy (it packs it again); attw reads the tarball. The package is
    # ES modules only (no `require` condition): attw's esm-only profile leaves out CommonJS resolution.
    local ok=0 out=""
    step "$dir" 120 node_modules/.bin/publint run node_modules/fitconnect --strict || ok=1; out="publint --strict: $note"
    if step "$dir" 120 node_modules/.bin/attw "$tarball" --profile esm-only --no-color --format ascii; then
      out="$out; attw --profile esm-only: no problems"
    else ok=1; out="$out; attw: problems (see $log)"; fi
    report "$name" "$ok" "$out ($((SECONDS - start))s)"
  elif [ -n "$(field "$src" test)" ]; then
    if step "$dir" 300 npm test --silent; then report "$name" 0 "$how ($((SECONDS - start))s)"
    else report "$name" 1 "$note"; fi
  else
    local builds; builds=$(field "$src" builds); builds=${builds:-build}
    local extra=(); [ -n "$(field "$src" csp)" ] && extra=(--csp)
    [ -n "$(field "$src" check)" ] && extra=(--check "$(field "$src" check)")
    [ -n "$(field "$src" classes)" ] && extra+=(--classes "$(field "$src" classes)")
    for build in ${builds//,/ }; do
      local label=$name; [ "$build" != build ] && label="$name ${build#build:}"
      start=$SECONDS
      if ! step "$dir" 600 npm run "$build" --silent; then report "$label" 1 "build: $note"; continue; fi
      if [ -n "$(field "$src" start)" ]; then
        drive "$label" "$dir" "$(field "$src" start)" "$how" "$(field "$src" check)"
      elif step "$dir" 120 node "$root/tests/consumers/browser.mjs" --serve "$dir/$(field "$src" serve)" --port "$((port += 1))" "${extra[@]}"; then
        report "$label" 0 "$how$([ -n "$(field "$src" csp)" ] && echo "; CSP without 'wasm-unsafe-eval' rejects with FitConnectError") ($((SECONDS - start))s)"
      else report "$label" 1 "$note"; fi
    done
    if [ -n "$(field "$src" dev)" ]; then
      start=$SECONDS
      drive "$name dev" "$dir" "$(field "$src" dev)" "$how" "$(field "$src" check)"
    fi
  fi
}

# Starts the app's own server (a command with $PORT), drives the page, stops the server.
drive() { # label dir command how [check]
  port=$((port + 1))
  (cd "$2" && PORT=$port exec bash -c "exec node_modules/.bin/$3") >>"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
  local check=(); [ -n "$5" ] && check=(--check "$5")
  [ -n "$(field "$src" classes)" ] && check+=(--classes "$(field "$src" classes)")
  if step "$2" 120 node "$root/tests/consumers/browser.mjs" --url "http://127.0.0.1:$port/" "${check[@]}"; then
    report "$1" 0 "$4 ($((SECONDS - start))s)"
  else report "$1" 1 "$note"; fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}

apps=("$@")
[ ${#apps[@]} -eq 0 ] && apps=(checks vite vite-fitbark webpack-5.108 webpack-latest esbuild esbuild-inline rollup rollup-inline parcel plain-html html next next-app react-app vitest-jsdom jest-jsdom node-ssr)
begin=$SECONDS
for app in "${apps[@]}"; do run_app "$app"; done
echo "(details in ${log#"$root"/}; apps in $work; $((SECONDS - begin))s)"
echo "consumers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
