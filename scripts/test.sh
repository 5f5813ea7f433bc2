#!/usr/bin/env bash
# The test command: every check and test, stage by stage, or only the stages named. Installs what
# is missing first (scripts/setup.sh).
#
#   lint       cargo fmt --check; clippy -D warnings, host and wasm32
#   native     cargo test: the core, the providers, the server (sandbox and broker), fuzz
#   build      scripts/build.sh: the npm package (pkg-npm/), pkg/ and the server binary
#   size       the size budget (bench/size-budget.json)
#   secrets    no client-secret handling in the browser package
#   docs       the API reference from the package's .d.ts (TypeDoc; a warning fails it)
#   package    the npm package in Node and its TypeScript types (node --test), through the Vite
#              example's install of it
#   browser    wasm-bindgen-test in headless Chromium, one test binary per file in tests/
#   e2e        Playwright: the SDK and the demo against the sandbox
#   example    the Vite example, built and driven end to end
#   consumers  the packed package in each toolchain's app, publint, attw (scripts/consumers.sh)
#   interop    the SDK against oidc-provider (scripts/interop.sh)
#
# Usage: scripts/test.sh [STAGE...]   e.g. `scripts/test.sh lint native`, `scripts/test.sh e2e`
# (stages that need the built package get `build` first). Each stage's totals come from its
# runner's own report; a failing stage is reported and the others still run. The last line is
# `N passed, M failed` (a failed check without a test count, such as lint, counts as one failed);
# the exit status is 1 if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/providers.sh
scripts/setup.sh || exit 1
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
mkdir -p target

ALL=(lint native build size secrets docs package browser e2e example consumers interop)
NEEDS_BUILD=" size secrets docs package e2e example consumers interop "

# The totals of a runner's log: cargo's `test result:` lines, node --test's `# pass`/`# fail`, or
# the `<label>: N passed, M failed` line the Playwright reporter and the scripts print.
cargo_totals() { awk '/^test result:/ {p+=$4; f+=$6} END {print p+0, f+0}' "$1"; }
node_totals() { awk '/^# pass / {p=$3} /^# fail / {f=$3} END {print p+0, f+0}' "$1"; }
label_totals() { awk -v l="^$2: [0-9]+ passed" '$0 ~ l {gsub(",", ""); p=$2; f=$4} END {print p+0, f+0}' "$1"; }

stage_lint() {
  cargo fmt --all --check &&
    cargo clippy --quiet --workspace --all-targets -- -D warnings &&
    cargo clippy --quiet -p fitconnect --target wasm32-unknown-unknown --all-targets -- -D warnings &&
    # The npm package's builds, as scripts/build.sh makes them: every provider without the test
    # members (the `fitconnect` entry), and each provider alone (the `fitconnect/<id>` entries).
    for features in "$(package_features)" $(provider_ids); do
      cargo clippy --quiet -p fitconnect --target wasm32-unknown-unknown --lib --no-default-features --features "$features" -- -D warnings || return 1
    done
}

stage_native() {
  cargo test --quiet --workspace --no-fail-fast 2>&1 | tee target/native-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(cargo_totals target/native-tests.log)
  return "$status"
}

stage_build() { scripts/build.sh; }

stage_size() { scripts/size-check.sh; }

stage_secrets() {
  # The broker adds client secrets; the wasm and its JS must not even know the parameter names.
  if grep -r -a -i -l -E --include='*.js' --include='*.wasm' 'client_secret|x-client-secret|master-token' pkg pkg-npm; then
    echo "secret-handling strings found in the browser package"
    return 1
  fi
  echo "ok: no client_secret, X-Client-Secret or master-token in pkg/ or pkg-npm/"
}

# The Vite example installed from the fresh package and built (its sandbox on 24080): the package
# and types tests use its install, the example stage its build. Once per run.
example_app() {
  [ -n "${EXAMPLE_BUILT:-}" ] && return 0
  scripts/example.sh 24080 | tee target/example-build.log
  [ "${PIPESTATUS[0]}" -eq 0 ] && EXAMPLE_BUILT=yes
}

stage_docs() { scripts/docs.sh; }

stage_package() {
  example_app || return 1
  node --test tests/package/package.test.mjs tests/types/types.test.mjs 2>&1 | tee target/package-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(node_totals target/package-tests.log)
  return "$status"
}

stage_browser() {
  # Every file in tests/ is its own test binary, run on a fresh page; `--test '*'` leaves out the
  # library's unit tests (native). tests/fuzz.rs is native only: empty on wasm32. The runner
  # wrapper stops the Chromium that wasm-bindgen-test-runner leaves behind. No server: the tests'
  # fakes answer every request.
  CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/scripts/browser-test-runner.sh" \
    cargo test -p fitconnect --target wasm32-unknown-unknown --test '*' --no-fail-fast 2>&1 \
    | tee target/browser-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(cargo_totals target/browser-tests.log)
  return "$status"
}

stage_e2e() {
  node_modules/.bin/playwright test 2>&1 | tee target/e2e-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(label_totals target/e2e-tests.log e2e)
  return "$status"
}

stage_example() {
  # The app's build, then Playwright against the built app on 24090.
  example_app || return 1
  node_modules/.bin/playwright test -c playwright.example.config.js 2>&1 | tee target/example-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(label_totals target/example-tests.log e2e)
  return "$status"
}

stage_consumers() {
  scripts/consumers.sh 2>&1 | tee target/consumers-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(label_totals target/consumers-tests.log consumers)
  return "$status"
}

stage_interop() {
  scripts/interop.sh 2>&1 | tee target/interop-tests.log
  local status=${PIPESTATUS[0]}
  totals=$(label_totals target/interop-tests.log interop)
  return "$status"
}

# The stages to run, in their order, with `build` before the stages that need it.
requested=("$@")
[ ${#requested[@]} -gt 0 ] || requested=("${ALL[@]}")
for name in "${requested[@]}"; do
  [[ " ${ALL[*]} " == *" $name "* ]] || { echo "unknown stage '$name'; stages: ${ALL[*]}"; exit 2; }
  [[ "$NEEDS_BUILD" == *" $name "* ]] && requested+=(build)
done
run=()
for name in "${ALL[@]}"; do
  [[ " ${requested[*]} " == *" $name "* ]] && run+=("$name")
done

passed=0
failed=0
summary=()
built=yes
for name in "${run[@]}"; do
  printf '\n== %s\n' "$name"
  totals=""
  if [[ "$NEEDS_BUILD" == *" $name "* && $built != yes ]]; then
    echo "skipped: the build failed"
    status=1
  else
    "stage_$name"
    status=$?
  fi
  [ "$name" = build ] && [ "$status" -ne 0 ] && built=no
  read -r p f <<< "${totals:-0 0}"
  # A stage that failed without its runner counting a failure (lint, build, a crash) counts as one.
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
  if [ -n "$totals" ]; then
    summary+=("$name $p passed, $f failed")
  elif [ "$status" -eq 0 ]; then
    summary+=("$name ok")
  else
    summary+=("$name FAILED")
  fi
done

grep '^fitconnect installed:' target/example-build.log 2>/dev/null || true
printf '\n'
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
