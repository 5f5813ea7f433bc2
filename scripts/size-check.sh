#!/usr/bin/env bash
# Fails when what an app ships (pkg/, the build for pages without a bundler) grows past the budget in
# bench/size-budget.json: gzip -9 of pkg/fitconnect_bg.wasm plus every JavaScript file in pkg/ (one
# module, fitconnect.js: the entry, text-codec.js, the generated glue and the snippets it imports,
# the button and the error class, bundled), each file compressed on its own as a server sends it.
# Prints each part.
# Run after scripts/build.sh (release). Raising the budget is a deliberate change: say why.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_file=bench/size-budget.json
wasm=pkg/fitconnect_bg.wasm
[ -f "$wasm" ] && [ -f pkg/fitconnect.js ] || { echo "size: pkg/ is not built (run scripts/build.sh)"; exit 1; }

budget=$(node -e 'let b; try { b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).gzipTotalBytes } catch {}
  if (!Number.isInteger(b) || b <= 0) process.exit(1); console.log(b)' "$budget_file") \
  || { echo "size: $budget_file has no positive integer gzipTotalBytes"; exit 1; }

# -n: no file name or time in the header, so the count depends on the content only.
gz() { gzip -9 -n -c "$1" | wc -c; }

mapfile -t js < <(find pkg -name '*.js' | LC_ALL=C sort)
wasm_gz=$(gz "$wasm")
echo "size: $wasm $(wc -c < "$wasm") B raw, $wasm_gz B gzip"
js_gz=0
for f in "${js[@]}"; do
  n=$(gz "$f")
  js_gz=$((js_gz + n))
  echo "size: $f $(wc -c < "$f") B raw, $n B gzip"
done
total=$((wasm_gz + js_gz))

echo "size: wasm $wasm_gz B gzip, js $js_gz B gzip (${#js[@]} files), total $total B gzip (budget $budget)"
if [ "$total" -gt "$budget" ]; then
  echo "size: over budget by $((total - budget)) B: make it smaller, or raise gzipTotalBytes in $budget_file with the reason in the commit message"
  exit 1
fi
