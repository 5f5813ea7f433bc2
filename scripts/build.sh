#!/usr/bin/env bash
# Builds the browser package into pkg/ (wasm-pack, --target web, release, wasm-opt -Oz) and the
# server binary. Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, faster to build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
[ "${1:-}" = "--dev" ] && profile=--dev

wasm-pack --quiet build . --target web "$profile" --out-dir pkg --out-name fitconnect 2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)

# wasm-bindgen cannot re-export a class defined in JavaScript, so the package's entry module
# re-exports FitConnectError from its snippet (the .d.ts already declares it).
glue=$(cd pkg && ls snippets/*/js/glue.js)
printf "export { FitConnectError } from './%s';\n" "$glue" >> pkg/fitconnect.js

cargo build --quiet -p fitconnect-server
