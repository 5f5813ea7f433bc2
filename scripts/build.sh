#!/usr/bin/env bash
# Builds the SDK (two wasm-pack builds: wasm-bindgen's generated glue, two packagings) and the
# server binary:
#   pkg/          --target web: what a page loads without a bundler, served to the demo at /pkg/.
#                 fitconnect.js (the glue; its default export init() fetches fitconnect_bg.wasm next
#                 to it) and snippets/fitconnect-<hash>/js/ (the button and the error class).
#                 Minified in place unless --dev.
#   pkg-bundler/  --target bundler: the npm package. fitconnect.js imports the wasm for the app's
#                 bundler to instantiate, fitconnect_bg.js holds the glue. Node (server-side
#                 rendering) resolves its `node` export (node.js), which imports without wasm.
# wasm-bindgen does not re-export items of JS snippets, and a bundler build has no init(): the
# lines appended below add `FitConnectError` to both entries and a default init() that resolves at
# once to the bundler one, so `import init, { FitConnectError } from 'fitconnect'` works with both.
# Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, JavaScript not minified)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
[ "${1:-}" = "--dev" ] && profile=--dev

rm -rf pkg pkg-bundler
for target in web bundler; do
  out=pkg; [ "$target" = bundler ] && out=pkg-bundler
  wasm-pack --quiet build . --target "$target" "$profile" --out-dir "$out" --out-name fitconnect \
    2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)
done

# The one snippet directory wasm-bindgen made for this crate (js/button.js, js/error.js).
snippets() {
  local dirs=("$1"/snippets/fitconnect-*)
  [ "${#dirs[@]}" -eq 1 ] && [ -f "${dirs[0]}/js/error.js" ] \
    || { echo "build: expected one $1/snippets/fitconnect-*/js/error.js, found: ${dirs[*]}" >&2; exit 1; }
  echo "${dirs[0]#"$1"/}"
}
for out in pkg pkg-bundler; do
  dir=$(snippets "$out")
  printf "export { FitConnectError } from './%s/js/error.js';\n" "$dir" >> "$out/fitconnect.js"
done
cat >> pkg-bundler/fitconnect.js <<'EOF'
// The bundler instantiated the wasm when this module was imported: nothing is left to wait for.
export default function init() { return Promise.resolve(); }
EOF
cat >> pkg-bundler/fitconnect.d.ts <<'EOF'
/**
 * With a bundler the WebAssembly module is ready once the import resolves: `init()` resolves at once.
 * It is here so that code written for the web build (`await init()`) runs unchanged.
 */
export default function init(): Promise<void>;
EOF

# What a page without a bundler loads, minified file by file (no bundling: the glue imports the
# snippets by path). The npm package stays readable: the app's bundler minifies it.
if [ "$profile" = --release ]; then
  while IFS= read -r -d '' file; do
    esbuild "$file" --minify --legal-comments=none --log-level=warning --allow-overwrite --outfile="$file"
  done < <(find pkg -name '*.js' -print0)
fi

# The npm package: its Node entry (with its own copy of the error class: Node loads no snippet),
# its README (instead of the crate's) and package.json.
cp npm/node.js npm/README.md js/error.js pkg-bundler/
node npm/package.mjs pkg-bundler

cargo build --quiet -p fitconnect-server
