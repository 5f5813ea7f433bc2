// Completes the package.json wasm-pack wrote into the npm package directory (name, version,
// description, license, repository and keywords come from Cargo.toml) with what wasm-pack
// does not know: the Node entry, exports and sideEffects.
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
  // The entry imports the wasm module, which the bundler instantiates; it registers nothing until
  // defineConnectButtons() is called.
  sideEffects: ['./fitconnect_bg.wasm'],
  files: [
    'fitconnect.js',
    'fitconnect_bg.js',
    'fitconnect_bg.wasm',
    'fitconnect.d.ts',
    'button.d.ts',
    'error.js',
    'node.js',
  ],
  engines: { node: '>=18' },
};

writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
