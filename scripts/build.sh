#!/usr/bin/env bash
# Builds the SDK (one wasm-pack build, --target web) and the server binary:
#   pkg-npm/  the npm package. wasm-bindgen's glue (renamed glue.js / glue.d.ts: its default
#             export init() fetches fitconnect_bg.wasm next to it, the `new URL(…, import.meta.url)`
#             pattern bundlers copy), the wasm, snippets/fitconnect-<hash>/js/ (the button and the
#             error class), and the hand-written modules of npm/: fitconnect.js (the entry: it
#             re-exports the glue, wraps init() and guards the classes until init() resolves; this
#             script fills in the snippet directory's name and one export per class of the glue),
#             text-codec.js (which the entry imports first), inline.js (`fitconnect/inline`: the same API with the wasm inlined, from
#             inline-wasm.js, written here), node.js (the `node` condition: import-safe for
#             server-side rendering; its class exports filled in likewise), their .d.ts files, the package's README and package.json
#             (npm/package.mjs).
#   pkg/      for a page without a bundler, served to the demo at /pkg/: the same entry, glue and
#             snippets bundled into one module by esbuild (minified unless --dev; the npm package
#             stays readable: the app's bundler minifies it), and the wasm beside it.
# Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, JavaScript not minified)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
[ "${1:-}" = "--dev" ] && profile=--dev

rm -rf pkg pkg-npm pkg-bundler
wasm-pack --quiet build . --target web "$profile" --out-dir pkg-npm --out-name fitconnect \
  2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)
# The generated glue keeps its contents and takes another name: fitconnect.js is the entry.
mv pkg-npm/fitconnect.js pkg-npm/glue.js
mv pkg-npm/fitconnect.d.ts pkg-npm/glue.d.ts
rm -f pkg-npm/fitconnect_bg.wasm.d.ts pkg-npm/.gitignore

# The one snippet directory wasm-bindgen made for this crate (js/button.js, js/error.js).
dirs=(pkg-npm/snippets/fitconnect-*)
[ "${#dirs[@]}" -eq 1 ] && [ -f "${dirs[0]}/js/error.js" ] \
  || { echo "build: expected one pkg-npm/snippets/fitconnect-*/js/error.js, found: ${dirs[*]}" >&2; exit 1; }
snippets=${dirs[0]#pkg-npm/snippets/}
# The provider classes the glue declares: one per line of the provider registry (src/providers/mod.rs).
classes=$(sed -n 's/^export class \([A-Za-z0-9_$]*\) .*/\1/p' pkg-npm/glue.js | tr '\n' ' ')
[ -n "$classes" ] || { echo "build: the glue declares no class" >&2; exit 1; }
# An entry's `//@classes <wrapper> <namespace>` line becomes one export per class, wrapped (with the
# class's name, which a minifier may take from the class itself); and the
# snippet directory's name goes into its imports.
entry() {
  awk -v classes="$classes" '
    $1 == "//@classes" {
      n = split(classes, c, " ")
      for (i = 1; i <= n; i++) printf "export const %s = /* @__PURE__ */ %s(%s.%s, \"%s\");\n", c[i], $2, $3, c[i], c[i]
      next
    }
    { print }' "npm/$1" | sed "s#/snippets/SNIPPETS/#/snippets/$snippets/#" > "pkg-npm/$1"
  grep -q '^export const' "pkg-npm/$1" || { echo "build: no class exports in $1" >&2; exit 1; }
}
entry fitconnect.js
entry node.js
grep -q "/snippets/$snippets/js/error.js" pkg-npm/fitconnect.js || { echo "build: the entry does not import the error class" >&2; exit 1; }
cp npm/fitconnect.d.ts npm/inline.js npm/inline.d.ts npm/text-codec.js npm/README.md pkg-npm/
printf '// The wasm of fitconnect_bg.wasm, base64 (written by scripts/build.sh for inline.js).\nexport default "%s";\n' \
  "$(base64 -w0 pkg-npm/fitconnect_bg.wasm)" > pkg-npm/inline-wasm.js
node npm/package.mjs pkg-npm

# What a page without a bundler loads at /pkg/: the package's entry, glue and snippets bundled into
# one module (as an app's bundler would: one request instead of a chain of them before init()
# can fetch the wasm), the wasm beside it, and the types.
mkdir pkg
minify=(--minify --legal-comments=none)
[ "$profile" = --release ] || minify=()
esbuild pkg-npm/fitconnect.js --bundle --format=esm --platform=browser "${minify[@]}" --log-level=warning \
  --outfile=pkg/fitconnect.js
cp pkg-npm/fitconnect_bg.wasm pkg-npm/fitconnect.d.ts pkg-npm/glue.d.ts pkg/

cargo build --quiet -p fitconnect-server
