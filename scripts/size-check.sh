#!/usr/bin/env bash
# Fails when what an app ships grows past the budget in bench/size-budget.json. For each entry of the
# npm package (pkg-npm/: `fitconnect`, every provider; pkg-npm/<id>/: `fitconnect/<id>`, one
# provider): gzip -9 of its wasm plus its entry, glue and snippets bundled and minified by esbuild,
# as an app's bundler would, each file compressed on its own as a server sends it. `fitconnect` is
# checked against gzipTotalBytes, each provider alone against oneProviderGzipTotalBytes; and for
# each provider alone, a minimal app (its entry's init() and its class, bundled, tree-shaken and
# minified, as bench/run.mjs measures it) against minimalAppGzipTotalBytes, issue 16's target.
# Prints each part. (pkg/, the demo's copy, has the test members too and is not what users install.)
# Run after scripts/build.sh (release). Raising the budget is a deliberate change: say why.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_file=bench/size-budget.json
[ -f pkg-npm/fitconnect_bg.wasm ] && [ -f pkg-npm/fitconnect.js ] || { echo "size: pkg-npm/ is not built (run scripts/build.sh)"; exit 1; }

export PATH="$PWD/node_modules/.bin:$PATH"
budget_of() {
  node -e 'let b; try { b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]] } catch {}
    if (!Number.isInteger(b) || b <= 0) process.exit(1); console.log(b)' "$budget_file" "$1" \
    || { echo "size: $budget_file has no positive integer $1" >&2; exit 1; }
}
budget=$(budget_of gzipTotalBytes)
one_budget=$(budget_of oneProviderGzipTotalBytes)
app_budget=$(budget_of minimalAppGzipTotalBytes)

# -n: no file name or time in the header, so the count depends on the content only.
gz() { gzip -9 -n -c "$1" | wc -c; }

over=0
# check NAME DIR BUDGET-NAME BUDGET [APP]: the entry in DIR bundled (or the app APP, a module that
# imports it), plus its wasm.
check() {
  local name=$1 dir=$2 budget_name=$3 budget=$4 app=${5:-$2/fitconnect.js} wasm_gz js_gz total
  local out="target/size/${name//[\/ ]/-}.js"
  esbuild "$app" --bundle --format=esm --platform=browser --minify --legal-comments=none \
    --log-level=warning --outfile="$out"
  wasm_gz=$(gz "$dir/fitconnect_bg.wasm")
  js_gz=$(gz "$out")
  total=$((wasm_gz + js_gz))
  echo "size: $name: wasm $wasm_gz B gzip, js $js_gz B gzip (bundled, minified), total $total B gzip (budget $budget)"
  if [ "$total" -gt "$budget" ]; then
    echo "size: $name over budget by $((total - budget)) B: make it smaller, or raise $budget_name in $budget_file with the reason in the commit message"
    over=1
  fi
}

mkdir -p target/size
check fitconnect pkg-npm gzipTotalBytes "$budget"
ones=0
for dir in pkg-npm/*/; do
  dir=${dir%/}
  [ -f "$dir/fitconnect_bg.wasm" ] || continue
  ones=$((ones + 1))
  check "fitconnect/$(basename "$dir")" "$dir" oneProviderGzipTotalBytes "$one_budget"
  # The minimal app bench/run.mjs measures (bench/minimal-app.mjs: init() and the entry's class).
  app="target/size/minimal-$(basename "$dir").js"
  node bench/minimal-app.mjs "$dir/fitconnect.js" "../../$dir/fitconnect.js" > "$app"
  check "minimal app with fitconnect/$(basename "$dir")" "$dir" minimalAppGzipTotalBytes "$app_budget" "$app"
done
[ "$ones" -gt 0 ] || { echo "size: pkg-npm/ has no provider directory (run scripts/build.sh)"; exit 1; }
exit "$over"
