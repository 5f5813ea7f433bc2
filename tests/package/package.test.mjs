// The npm package (pkg-bundler/, built by scripts/build.sh): its package.json, its files, its
// public types, and importing it in Node as server-side rendering would; and the web build (pkg/)
// evaluated in Node with its wasm.
// Run: node --test tests/package/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
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
  // The entry hands the wasm to the glue when evaluated: a bundler must keep it.
  assert.deepEqual(pkg.sideEffects, ['./fitconnect.js', './snippets/*']);
});

// Every file under a package directory, as a relative POSIX path.
const walk = (base) => readdirSync(base, { recursive: true }).map((f) => f.split('\\').join('/'));
// Relative imports and re-exports of a module's source.
const imports = (source) => [...source.matchAll(/(?:from|import)\s*["'](\.\.?\/[^"']+)["']/g)].map((m) => m[1]);

test('every file the package declares is there, and nothing it needs is left out', () => {
  for (const file of pkg.files) assert.ok(exists(file), `${file} exists`);
  for (const target of Object.values(pkg.exports['.'])) assert.ok(exists(target), `${target} exists`);
  const covered = (file) => pkg.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f));
  for (const file of ['fitconnect.js', 'fitconnect_bg.js', 'fitconnect_bg.wasm', 'error.js', 'node.js', 'README.md']) {
    assert.ok(exists(file), `${file} exists`);
    assert.ok(file === 'README.md' || covered(file), `${file} is in files`);
  }
  // wasm-bindgen's snippets: the button and the error class, and nothing else.
  const snippets = walk(dir).filter((f) => f.startsWith('snippets/') && f.endsWith('.js'));
  assert.deepEqual(snippets.map((f) => f.replace(/^snippets\/fitconnect-[^/]+\//, '')).sort(), ['js/button.js', 'js/error.js']);
  // Every relative import of every shipped module resolves to a shipped file.
  const modules = walk(dir).filter((f) => f.endsWith('.js') && covered(f));
  assert.ok(modules.length >= 6, modules.join(', '));
  for (const file of modules) {
    for (const target of imports(readFileSync(join(dir, file), 'utf8'))) {
      const resolved = posix.normalize(posix.join(posix.dirname(file), target));
      assert.ok(covered(resolved) && exists(resolved), `${file} imports ${target}, which is shipped`);
    }
  }
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const word of ['npm install fitconnect', 'defineConnectButtons', 'FitRankings', 'PerfectGym', 'vite-plugin-wasm']) {
    assert.ok(readme.includes(word), `README mentions ${word}`);
  }
});

const PUBLIC = ['Fisikal', 'FitBark', 'FitConnectError', 'FitRankings', 'OpenFit', 'PerfectGym', 'default', 'defineConnectButtons', 'handleCallback'];

// The names an ES module exports, read from its source (wasm-bindgen's output: `export class X`,
// `export function f`, `export { a, b as c } from './m.js'`, `export * from './m.js'`, which is
// followed). Names starting with `__wbg` are the glue's imports for the wasm, not API.
function exportedNames(file) {
  const source = readFileSync(file, 'utf8');
  const names = new Set();
  for (const [, name] of source.matchAll(/^export\s+(?:async\s+)?(?:class|function\*?|const|let|var)\s+([\w$]+)/gm)) names.add(name);
  if (/^export\s+default\b/m.test(source)) names.add('default');
  for (const [, list] of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const item of list.split(',').map((e) => e.trim()).filter(Boolean)) names.add(item.split(/\s+as\s+/).pop());
  }
  for (const [, target] of source.matchAll(/^export\s*\*\s*from\s*["']([^"']+)["']/gm)) {
    for (const name of exportedNames(join(dirname(file), target))) if (name !== 'default') names.add(name);
  }
  return [...names].filter((n) => !n.startsWith('__wbg')).sort();
}

test('the entry exports the public API and imports the wasm for the bundler', () => {
  assert.deepEqual(exportedNames(join(dir, 'fitconnect.js')), PUBLIC);
  const entry = readFileSync(join(dir, 'fitconnect.js'), 'utf8');
  assert.match(entry, /import\s*\*\s*as\s*\w+\s*from\s*["']\.\/fitconnect_bg\.wasm["']/);
  // FitConnectError is the snippet's class, the one the glue throws.
  assert.match(entry, /export \{ FitConnectError \} from '\.\/snippets\/fitconnect-[^/]+\/js\/error\.js';/);
  const types = readFileSync(join(dir, 'fitconnect.d.ts'), 'utf8');
  assert.match(types, /export default function init\(\): Promise<void>;/);
  assert.match(types, /export declare class FitConnectError extends Error/);
  for (const name of ['FitRankingsOptions', 'Session', 'ConnectButtonsOptions', 'FitConnectButtonElement']) {
    assert.match(types, new RegExp(`export (?:interface|type) ${name}\\b`), `${name} is declared`);
  }
  assert.match(types, /"fitconnect-button": FitConnectButtonElement;/);
});

test('the default init() of the bundler entry resolves at once', async () => {
  // The entry itself needs a bundler (it imports the .wasm); its appended init() is plain JS.
  const entry = readFileSync(join(dir, 'fitconnect.js'), 'utf8');
  const init = entry.slice(entry.lastIndexOf('export default function init'));
  const { default: run } = await import(`data:text/javascript,${encodeURIComponent(init)}`);
  assert.equal(await run(), undefined);
});

test('no `any` in the public types', () => {
  const lines = readFileSync(join(dir, 'fitconnect.d.ts'), 'utf8').split('\n');
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
  const types = readFileSync(join(dir, 'fitconnect.d.ts'), 'utf8');
  const declared = new Set([...types.matchAll(/^export (?:declare )?(?:class|function) (\w+)/gm)].map((m) => m[1]));
  if (/^export default function/m.test(types)) declared.add('default');
  const nodeNames = node(`import * as fc from 'fitconnect'; console.log(Object.keys(fc).sort().join(','));`).trim();
  assert.equal(nodeNames, [...declared].sort().join(','));
});

test('the web build (pkg/) exports the public API; its button refuses to register in Node', () => {
  // The real glue, wasm and button snippet, evaluated in Node with init() given the wasm's bytes.
  const entry = pathToFileURL(join(root, 'pkg', 'fitconnect.js')).href;
  const wasm = join(root, 'pkg', 'fitconnect_bg.wasm');
  const out = JSON.parse(
    node(`
      import { readFileSync } from 'node:fs';
      const fc = await import(${JSON.stringify(entry)});
      await fc.default({ module_or_path: readFileSync(${JSON.stringify(wasm)}) });
      let error = null;
      try { fc.defineConnectButtons(); } catch (e) { error = { ok: e instanceof fc.FitConnectError, code: e.code, message: e.message }; }
      console.log(JSON.stringify({ exports: Object.keys(fc).sort(), error }));
    `),
  );
  // initSync: wasm-bindgen's synchronous init of the web build.
  assert.deepEqual(out.exports, [...PUBLIC, 'initSync'].sort());
  assert.equal(out.error?.ok, true, JSON.stringify(out.error));
  assert.equal(out.error.code, 'invalid_config');
  assert.match(out.error.message, /^defineConnectButtons\(\) needs a browser/);
});
