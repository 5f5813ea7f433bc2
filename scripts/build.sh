#!/usr/bin/env bash
# Builds the SDK for both wasm-bindgen targets and the server binary:
#   pkg/          the --target web build with init(), served to the demo page at /pkg/: one ES module
#                 (fitconnect.js: the JavaScript layer, wasm-bindgen's glue and the button) and the wasm.
#   pkg-bundler/  the npm package (--target bundler): what a Vite or webpack app installs; Node
#                 (server-side rendering) resolves its `node` export, which imports without wasm.
# The wasm is built without the `std` feature: no_std, a small allocator and no panic messages.
# Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, JavaScript not minified)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
dev=
[ "${1:-}" = "--dev" ] && { profile=--dev; dev=--dev; }

wasm_pack() {
  wasm-pack --quiet build . --target "$1" "$profile" --out-dir "target/wasm-$1" --out-name fitconnect \
    -- --no-default-features \
    2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)
}

for target in web bundler; do
  wasm_pack "$target"
done

rm -rf pkg pkg-bundler
node scripts/bundle.mjs web target/wasm-web pkg $dev
node scripts/bundle.mjs bundler target/wasm-bundler pkg-bundler $dev
for dir in pkg pkg-bundler; do
  cp js/fitconnect.d.ts js/button.d.ts "$dir/"
done

# The npm package: its Node entry (with the error class it exports), README and package.json.
cp npm/node.js js/error.js npm/README.md pkg-bundler/
cp target/wasm-bundler/package.json pkg-bundler/package.json
node npm/package.mjs pkg-bundler

cargo build --quiet -p fitconnect-server
