// The npm package (pkg-bundler/, built by scripts/build.sh): its package.json, its files, its
// public types, and importing it in Node as server-side rendering would.
// Run: node --test tests/package/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'pkg-bundler');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const cargoVersion = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const exists = (file) => existsSync(join(dir, file));

test('package.json has the fields a registry and a bundler need', () => {
  assert.equal(pkg.name, 'fitconnect');
  assert.equal(pkg.version, cargoVersion);
  for (const field of ['description', 'license']) assert.ok(pkg[field], `${field} is set`);
  assert.match(pkg.repository?.url ?? '', /^https:\/\//);
  assert.ok(pkg.keywords.length >= 3);
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.types, './fitconnect.d.ts');
  assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'browser', 'node', 'default']);
  // Importing the wasm module instantiates it; nothing else has side effects (the button
  // registers only when defineConnectButtons() is called).
  assert.deepEqual(pkg.sideEffects, ['./fitconnect_bg.wasm']);
});

test('every file the package declares is there, and nothing it needs is left out', () => {
  for (const file of pkg.files) assert.ok(exists(file), `${file} exists`);
  for (const target of Object.values(pkg.exports['.'])) assert.ok(exists(target), `${target} exists`);
  const covered = (file) => pkg.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f));
  for (const file of ['fitconnect.js', 'fitconnect_bg.js', 'fitconnect_bg.wasm', 'error.js', 'node.js', 'README.md']) {
    assert.ok(exists(file), `${file} exists`);
    assert.ok(file === 'README.md' || covered(file), `${file} is in files`);
  }
  // Every relative import of the shipped modules resolves to a shipped file.
  for (const file of pkg.files.filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, target] of source.matchAll(/(?:from|import)\s*["'](\.\/[^"']+)["']/g)) {
      assert.ok(covered(target.slice(2)) && exists(target.slice(2)), `${file} imports ${target}, which is shipped`);
    }
  }
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const word of ['npm install fitconnect', 'defineConnectButtons', 'FitRankings', 'PerfectGym', 'vite-plugin-wasm']) {
    assert.ok(readme.includes(word), `README mentions ${word}`);
  }
});

const PUBLIC = ['Fisikal', 'FitBark', 'FitConnectError', 'FitRankings', 'OpenFit', 'PerfectGym', 'default', 'defineConnectButtons', 'handleCallback'];

test('the entry is one module exporting the public API, importing the wasm for the bundler', () => {
  const entry = readFileSync(join(dir, 'fitconnect.js'), 'utf8');
  const list = entry.match(/export\s*\{([^}]*)\}/)[1];
  const names = list.split(',').map((e) => e.trim().split(/\s+as\s+/).pop()).sort();
  assert.deepEqual(names, PUBLIC);
  assert.match(entry, /import\s*\*\s*as\s*\w+\s*from\s*["']\.\/fitconnect_bg\.wasm["']/);
  const types = readFileSync(join(dir, 'fitconnect.d.ts'), 'utf8');
  assert.match(types, /export \* from '\.\/button\.js'/);
  assert.match(types, /export default function init\(/);
});

test('no `any` in the public types', () => {
  const lines = ['fitconnect.d.ts', 'button.d.ts'].flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'));
  const code = lines.filter((line) => !/^\s*(\/\*\*|\*|\/\/)/.test(line));
  assert.deepEqual(code.filter((line) => /\bany\b/.test(line)), []);
});

// Node resolves the package's "node" export; the example app has it installed like any app would.
function node(script) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(root, 'examples', 'vite-app'),
    encoding: 'utf8',
  });
}

test('importing the package in Node does not crash, and using it says it needs a browser', () => {
  const out = JSON.parse(
    node(`
      import * as fc from 'fitconnect';
      const attempt = (f) => { try { f(); return null; } catch (e) {
        return { isFitConnectError: e instanceof fc.FitConnectError, name: e.name, code: e.code, message: e.message }; } };
      const rejected = await fc.handleCallback().then(() => null, (e) => e.code);
      console.log(JSON.stringify({
        exports: Object.keys(fc).sort(),
        define: attempt(() => fc.defineConnectButtons()),
        construct: attempt(() => new fc.FitRankings({ clientId: 'x', callbackUri: 'https://app.example/cb' })),
        rejected,
      }));
    `),
  );
  assert.deepEqual(out.exports, PUBLIC);
  assert.deepEqual(
    { ...out.define, message: undefined },
    { isFitConnectError: true, name: 'FitConnectError', code: 'invalid_config', message: undefined },
  );
  assert.match(out.define.message, /^defineConnectButtons\(\) needs a browser/);
  assert.equal(out.construct.code, 'invalid_config');
  assert.match(out.construct.message, /needs a browser/);
  assert.equal(out.rejected, 'invalid_config');
});

test('the Node entry exports the same names as the public types', () => {
  const types = ['fitconnect.d.ts', 'button.d.ts'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const declared = new Set([...types.matchAll(/^export (?:declare )?(?:class|function) (\w+)/gm)].map((m) => m[1]));
  if (/^export default function/m.test(types)) declared.add('default');
  const nodeNames = node(`import * as fc from 'fitconnect'; console.log(Object.keys(fc).sort().join(','));`).trim();
  assert.equal(nodeNames, [...declared].sort().join(','));
});

test('the web build carries the button, whose module evaluates in Node and refuses to register there', () => {
  // The web build's entry has the button bundled in, so this evaluates the real button module.
  const entry = pathToFileURL(join(root, 'pkg', 'fitconnect.js')).href;
  const out = JSON.parse(
    node(`
      const fc = await import(${JSON.stringify(entry)});
      let error = null;
      try { fc.defineConnectButtons(); } catch (e) { error = { ok: e instanceof fc.FitConnectError, code: e.code, message: e.message }; }
      console.log(JSON.stringify(error));
    `),
  );
  assert.equal(out.ok, true);
  assert.equal(out.code, 'invalid_config');
  assert.match(out.message, /^defineConnectButtons\(\) needs a browser/);
});
