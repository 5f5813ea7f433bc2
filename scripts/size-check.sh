#!/usr/bin/env bash
# Fails when what an app ships (pkg/, the build for pages without a bundler) grows past the budget in
# bench/size-budget.json: gzip -9 of pkg/fitconnect_bg.wasm plus every JavaScript file in pkg/ (one
# module, fitconnect.js: the entry, text-codec.js, the generated glue and the snippets it imports,
# the button and the error class, bundled), each file compressed on its own as a server sends it.
# Prints each part. Then the same for each provider alone (pkg-npm/<id>/, the `fitconnect/<id>`
# entries): its wasm plus its entry, glue and snippets bundled and minified by esbuild, as an app's
# bundler would, against oneProviderGzipTotalBytes.
# Run after scripts/build.sh (release). Raising the budget is a deliberate change: say why.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_file=bench/size-budget.json
wasm=pkg/fitconnect_bg.wasm
[ -f "$wasm" ] && [ -f pkg/fitconnect.js ] || { echo "size: pkg/ is not built (run scripts/build.sh)"; exit 1; }

export PATH="$PWD/node_modules/.bin:$PATH"
budget_of() {
  node -e 'let b; try { b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]] } catch {}
    if (!Number.isInteger(b) || b <= 0) process.exit(1); console.log(b)' "$budget_file" "$1" \
    || { echo "size: $budget_file has no positive integer $1" >&2; exit 1; }
}
budget=$(budget_of gzipTotalBytes)
one_budget=$(budget_of oneProviderGzipTotalBytes)

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
over=0
if [ "$total" -gt "$budget" ]; then
  echo "size: over budget by $((total - budget)) B: make it smaller, or raise gzipTotalBytes in $budget_file with the reason in the commit message"
  over=1
fi

mkdir -p target/size
ones=0
for dir in pkg-npm/*/; do
  id=$(basename "$dir")
  [ -f "$dir/fitconnect_bg.wasm" ] || continue
  ones=$((ones + 1))
  esbuild "$dir/fitconnect.js" --bundle --format=esm --platform=browser --minify --legal-comments=none \
    --log-level=warning --outfile="target/size/$id.js"
  one_wasm=$(gz "$dir/fitconnect_bg.wasm")
  one_js=$(gz "target/size/$id.js")
  one=$((one_wasm + one_js))
  echo "size: fitconnect/$id alone: wasm $one_wasm B gzip, js $one_js B gzip (bundled, minified), total $one B gzip (budget $one_budget)"
  if [ "$one" -gt "$one_budget" ]; then
    echo "size: fitconnect/$id over budget by $((one - one_budget)) B: make it smaller, or raise oneProviderGzipTotalBytes in $budget_file with the reason in the commit message"
    over=1
  fi
done
[ "$ones" -gt 0 ] || { echo "size: pkg-npm/ has no provider directory (run scripts/build.sh)"; exit 1; }
exit "$over"
