#!/usr/bin/env bash
# Builds the SDK (one wasm-pack build, two packagings) and the server binary:
#   pkg/          the build a page loads without a bundler, served to the demo page at /pkg/: one ES
#                 module (fitconnect.js: the JavaScript layer, the core's loader and the button) whose
#                 init() fetches the wasm next to it.
#   pkg-bundler/  the npm package: what a Vite or webpack app installs; its module imports the wasm
#                 for the bundler to instantiate. Node (server-side rendering) resolves its `node`
#                 export, which imports without wasm.
# The wasm is built without the `std` feature: no_std, a small allocator and no panic messages.
# Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, JavaScript not minified)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
dev=
[ "${1:-}" = "--dev" ] && { profile=--dev; dev=--dev; }

wasm-pack --quiet build . --target bundler "$profile" --out-dir target/wasm-bundler --out-name fitconnect \
  -- --no-default-features \
  2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)

rm -rf pkg pkg-bundler
node scripts/bundle.mjs web target/wasm-bundler pkg $dev
node scripts/bundle.mjs bundler target/wasm-bundler pkg-bundler $dev
for dir in pkg pkg-bundler; do
  cp js/fitconnect.d.ts js/button.d.ts "$dir/"
done

# The npm package: its Node entry (with the error class it exports), README and package.json.
cp npm/node.js js/error.js npm/README.md pkg-bundler/
cp target/wasm-bundler/package.json pkg-bundler/package.json
node npm/package.mjs pkg-bundler

cargo build --quiet -p fitconnect-server
