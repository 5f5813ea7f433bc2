// Completes the package.json wasm-pack wrote into the npm package directory (name, version,
// description, license, repository and keywords come from Cargo.toml) with what wasm-pack
// does not know: the entries (browser, Node, inline), exports and the files it adds.
// Usage: node npm/package.mjs <package-dir> [provider id...]   (each id: a directory of the package
// with that provider alone, exported as `fitconnect/<id>`)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...providers] = process.argv.slice(2);
// What the root offers, in a provider's directory: the same entries for that provider alone.
const entries = (home) => ({
  types: `./${home}fitconnect.d.ts`,
  // Bundlers resolve "browser" (or "default"); Node (server-side rendering, jsdom tests) gets an
  // entry that imports without loading WebAssembly and works once a DOM exists.
  browser: `./${home}fitconnect.js`,
  node: `./${home}node.js`,
  default: `./${home}fitconnect.js`,
});
const file = join(dir, 'package.json');
const generated = JSON.parse(readFileSync(file, 'utf8'));

const pkg = {
  name: generated.name,
  version: generated.version,
  description: generated.description,
  license: generated.license,
  repository: generated.repository,
  keywords: [...new Set([...(generated.keywords ?? []), 'webassembly', 'custom-element', 'web-component', 'sdk'])],
  type: 'module',
  main: './fitconnect.js',
  module: './fitconnect.js',
  types: './fitconnect.d.ts',
  exports: {
    '.': entries(''),
    // One provider alone: what an app that signs in with one provider needs, and less to ship.
    ...Object.fromEntries(providers.map((id) => [`./${id}`, entries(`${id}/`)])),
    // The same API with the wasm inlined (base64): for toolchains that do not copy the .wasm file.
    './inline': {
      types: './inline.d.ts',
      default: './inline.js',
    },
    './package.json': './package.json',
  },
  // Nothing registers a global until defineConnectButtons() is called, so a bundler may drop
  // whatever an app does not import; but text-codec.js, imported for its effect (where there is
  // no TextDecoder, Node's), must stay.
  sideEffects: ['./text-codec.js', ...providers.map((id) => `./${id}/text-codec.js`)],
  files: [
    'fitconnect.js',
    'fitconnect.d.ts',
    'glue.js',
    'glue.d.ts',
    'fitconnect_bg.wasm',
    // wasm-bindgen's copies of the JS snippets the Rust imports (js/button.js, js/error.js).
    'snippets/',
    'inline.js',
    'inline.d.ts',
    'inline-wasm.js',
    'node.js',
    'text-codec.js',
    ...providers.map((id) => `${id}/`),
  ],
  engines: { node: '>=18' },
};

writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
