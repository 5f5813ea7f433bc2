// Completes the package.json wasm-pack wrote into the npm package directory (name, version,
// description, license, repository and keywords come from Cargo.toml) with what wasm-pack
// does not know: the Node entry, exports and the files it adds.
// Usage: node npm/package.mjs <package-dir>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
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
    '.': {
      types: './fitconnect.d.ts',
      // Bundlers (Vite, webpack) resolve "browser"; Node gets an entry that imports without WebAssembly.
      browser: './fitconnect.js',
      node: './node.js',
      default: './fitconnect.js',
    },
    './package.json': './package.json',
  },
  // The entry hands the wasm module to the glue (fitconnect_bg.js) when it is evaluated: a bundler
  // must never skip it, even for an app that imports only names re-exported from the glue. The
  // snippets (the button, the error class) register nothing until defineConnectButtons() is called,
  // but are listed as wasm-pack lists them.
  sideEffects: ['./fitconnect.js', './snippets/*'],
  files: [
    'fitconnect.js',
    'fitconnect_bg.js',
    'fitconnect_bg.wasm',
    'fitconnect.d.ts',
    // wasm-bindgen's copies of the JS snippets the Rust imports (js/button.js, js/error.js).
    'snippets/',
    'error.js',
    'node.js',
  ],
  engines: { node: '>=18' },
};

writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
