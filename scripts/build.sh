#!/usr/bin/env bash
# Builds the SDK (wasm-pack, --target web: every provider, each provider alone, then the demo's
# copy) and the server binary:
#   pkg-npm/  the npm package, without the members only the project's tests read (the `test-hooks`
#             feature). wasm-bindgen's glue (renamed glue.js / glue.d.ts: its default
#             export init() fetches fitconnect_bg.wasm next to it, the `new URL(…, import.meta.url)`
#             pattern bundlers copy), the wasm, snippets/fitconnect-<hash>/js/ (the error class,
#             wasm-bindgen's snippet, and the button, copied beside it), and the hand-written modules
#             of npm/: fitconnect.js (the entry: it re-exports the glue, wraps init(), guards the
#             classes until init() resolves and defines the buttons; this script fills in the
#             snippet directory's name and one export per class of the glue),
#             text-codec.js (which the entry imports first), inline.js (`fitconnect/inline`: the same API with the wasm inlined, from
#             inline-wasm.js, written here), node.js (the `node` condition: import-safe for
#             server-side rendering; its class exports filled in likewise), their .d.ts files, the package's README and package.json
#             (npm/package.mjs).
#   pkg/      the demo's and the project's tests' copy, served to the demo at /pkg/: a build with the
#             default features (every provider and the test members), its entry, glue and snippets
#             bundled into one module by esbuild (minified unless --dev; the npm package stays
#             readable: the app's bundler minifies it), and the wasm beside it.
# Usage: scripts/build.sh [--dev]   (--dev: unoptimised wasm, JavaScript not minified)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

profile=--release
[ "${1:-}" = "--dev" ] && profile=--dev

rm -rf pkg pkg-npm pkg-bundler target/pkg-demo

# One package layout (entry, glue, wasm, snippets, Node entry, types) in directory $1, for the
# Cargo features after it (none: the default, every provider and the test members).
layout() {
  local out=$1 home=
  case $out in pkg-npm/*) home=${out#pkg-npm/} ;; esac
  shift
  wasm-pack --quiet build . --target web "$profile" --out-dir "$out" --out-name fitconnect -- "$@" \
    2> >(grep -v -e 'failed to get wasm-pack version' -e 'License key is set' >&2)
  # The generated glue keeps its contents and takes another name: fitconnect.js is the entry.
  mv "$out/fitconnect.js" "$out/glue.js"
  mv "$out/fitconnect.d.ts" "$out/glue.d.ts"
  rm -f "$out/fitconnect_bg.wasm.d.ts" "$out/.gitignore"
  # A provider's directory is part of the root's package: no package.json (or README) of its own.
  [ -z "$home" ] || rm -f "$out/package.json" "$out/README.md" "$out"/LICENSE*

  # The one snippet directory wasm-bindgen made for this crate (js/button.js, js/error.js).
  local dirs=("$out"/snippets/fitconnect-*)
  [ "${#dirs[@]}" -eq 1 ] && [ -f "${dirs[0]}/js/error.js" ] \
    || { echo "build: expected one $out/snippets/fitconnect-*/js/error.js, found: ${dirs[*]}" >&2; exit 1; }
  local snippets=${dirs[0]#"$out"/snippets/}
  # The connect button, beside the error class it imports: the entry imports it (the Rust does not),
  # so that a bundler can leave it out of an app that defines no buttons.
  cp js/button.js "${dirs[0]}/js/button.js"
  # The provider classes the glue declares: one per line of the provider registry
  # (src/providers/mod.rs) this build's features include.
  local classes functions
  classes=$(sed -n 's/^export class \([A-Za-z0-9_$]*\) .*/\1/p' "$out/glue.js" | tr '\n' ' ')
  [ -n "$classes" ] || { echo "build: the glue in $out declares no class" >&2; exit 1; }
  # ...and the functions it exports (handleCallback only with a popup provider).
  functions=$(sed -n 's/^export function \([A-Za-z0-9_$]*\)(.*/\1/p' "$out/glue.js" | tr '\n' ' ')
  # An entry's `//@classes <wrapper> <namespace>` line becomes one export per class, wrapped (with
  # the class's name, which a minifier may take from the class itself); its lines between
  # `//@if <function>` and `//@end` stay only where the glue exports that function; the snippet
  # directory's name goes into its imports, and the entry's directory in the package into its HOME.
  local file
  for file in fitconnect.js node.js; do
    awk -v classes="$classes" -v functions=" $functions " '
      $1 == "//@classes" {
        n = split(classes, c, " ")
        for (i = 1; i <= n; i++) printf "export const %s = /* @__PURE__ */ %s(%s.%s, \"%s\");\n", c[i], $2, $3, c[i], c[i]
        next
      }
      $1 == "//@if" { skip = index(functions, " " $2 " ") == 0; next }
      $1 == "//@end" { skip = 0; next }
      !skip { print }' "npm/$file" \
      | sed -e "s#/snippets/SNIPPETS/#/snippets/$snippets/#" -e "s#^const HOME = '';#const HOME = '${home:+$home/}';#" \
      > "$out/$file"
    grep -q '^export const' "$out/$file" || { echo "build: no class exports in $out/$file" >&2; exit 1; }
  done
  grep -q "/snippets/$snippets/js/error.js" "$out/fitconnect.js" || { echo "build: the entry does not import the error class" >&2; exit 1; }
  grep -q "/snippets/$snippets/js/button.js" "$out/fitconnect.js" || { echo "build: the entry does not import the button" >&2; exit 1; }
  cp npm/fitconnect.d.ts npm/text-codec.js "$out/"
}

# The package: every provider at its root; each provider alone in a directory named by its id
# (the `fitconnect/<id>` entries), as the registry's lines name their Cargo features. Neither has
# the `test-hooks` feature: the members the project's tests read are not in what users install.
. scripts/lib/providers.sh
providers=$(provider_ids | tr '\n' ' ')
[ -n "$providers" ] || { echo "build: the registry in src/providers/mod.rs lists no provider" >&2; exit 1; }
layout pkg-npm --no-default-features --features "$(package_features)"
for id in $providers; do
  layout "pkg-npm/$id" --no-default-features --features "$id"
done

cp npm/inline.js npm/inline.d.ts npm/README.md pkg-npm/
printf '// The wasm of fitconnect_bg.wasm, base64 (written by scripts/build.sh for inline.js).\nexport default "%s";\n' \
  "$(base64 -w0 pkg-npm/fitconnect_bg.wasm)" > pkg-npm/inline-wasm.js
# shellcheck disable=SC2086 # one argument per provider id
node npm/package.mjs pkg-npm $providers

# The demo's and the project's tests' copy at /pkg/: the default features (every provider and the
# test members, `_config`, `_storageKeys`, `_refresh`), the entry, glue and snippets bundled into
# one module (as an app's bundler would: one request instead of a chain of them before init()
# can fetch the wasm), the wasm beside it, and the types.
layout target/pkg-demo
# wasm-pack's package.json there marks only the snippets as having side effects, which made
# esbuild drop (and warn about) the entry's bare import of text-codec.js: not a package, so gone.
rm target/pkg-demo/package.json
mkdir pkg
minify=(--minify --legal-comments=none)
[ "$profile" = --release ] || minify=()
esbuild target/pkg-demo/fitconnect.js --bundle --format=esm --platform=browser "${minify[@]}" --log-level=warning \
  --outfile=pkg/fitconnect.js
cp target/pkg-demo/fitconnect_bg.wasm target/pkg-demo/fitconnect.d.ts target/pkg-demo/glue.d.ts pkg/

cargo build --quiet -p fitconnect-server
