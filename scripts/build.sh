#!/usr/bin/env bash
# Builds the SDK twice from one compile and the server binary:
#   pkg-bundler/  the npm package (wasm-pack --target bundler): what a Vite or webpack app installs;
#                 Node (server-side rendering) resolves its `node` export, which imports without wasm.
#   pkg/          the --target web build with init(), served to the demo page at /pkg/.
# Both carry the <fitconnect-button> module. Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
[ "${1:-}" = "--dev" ] && profile=--dev

wasm_pack() {
  wasm-pack --quiet build . --target "$1" "$profile" --out-dir "$2" --out-name fitconnect \
    2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)
}

# Adds what wasm-bindgen cannot generate to a built package: it cannot re-export a class defined in
# JavaScript (FitConnectError) nor include a plain ES module (the button), so the entry module and
# its .d.ts re-export them. The button module imports the classes back from the entry; the cycle is
# harmless because neither uses the other while being evaluated.
finish() {
  local dir=$1 glue
  glue=$(cd "$dir" && ls snippets/*/js/glue.js)
  cp js/button.js js/button.d.ts "$dir/"
  printf "export { FitConnectError } from './%s';\nexport { defineConnectButtons } from './button.js';\n" "$glue" >> "$dir/fitconnect.js"
  printf "\nexport * from './button.js';\n" >> "$dir/fitconnect.d.ts"
  # The generated classes declare [Symbol.dispose]: name its lib, so apps that type-check
  # libraries (skipLibCheck off) need no lib setting of their own for it.
  sed -i '1i /// <reference lib="esnext.disposable" />' "$dir/fitconnect.d.ts"
}

wasm_pack web pkg
finish pkg

wasm_pack bundler pkg-bundler
finish pkg-bundler
# The bundler instantiates the module on import; a no-op init() lets code written for the web
# build (`await init()`) run unchanged.
cat >> pkg-bundler/fitconnect.js <<'EOF'
export default function init() { return Promise.resolve(); }
EOF
cat >> pkg-bundler/fitconnect.d.ts <<'EOF'

/**
 * Resolves at once: with a bundler the WebAssembly module is ready when the import resolves.
 * It exists so that code written for the `--target web` build (`await init()`) runs unchanged.
 *
 * @example
 * ```ts
 * import init, { FitRankings } from 'fitconnect';
 * await init();
 * ```
 */
export default function init(): Promise<void>;
EOF
glue=$(cd pkg-bundler && ls snippets/*/js/glue.js)
sed "s#__GLUE__#$glue#" npm/node.js > pkg-bundler/node.js
cp npm/README.md pkg-bundler/README.md
rm -f pkg-bundler/.gitignore pkg-bundler/fitconnect_bg.wasm.d.ts
node npm/package.mjs pkg-bundler

cargo build --quiet -p fitconnect-server
