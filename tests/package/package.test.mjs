// The npm package (pkg-npm/, built by scripts/build.sh): its package.json, its files, its public
// types, its entry's init() and guards evaluated in Node with the wasm, importing it in Node as
// server-side rendering would; and the demo's copy (pkg/, one minified module) evaluated in Node with its wasm.
// Run: node --test tests/package/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'pkg-npm');
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
  assert.deepEqual(pkg.exports['.'], { types: './fitconnect.d.ts', browser: './fitconnect.js', node: './node.js', default: './fitconnect.js' });
  assert.deepEqual(pkg.exports['./inline'], { types: './inline.d.ts', default: './inline.js' });
  // Each provider alone, in a directory named by its id.
  for (const { id } of LINES) {
    assert.deepEqual(pkg.exports[`./${id}`], {
      types: `./${id}/fitconnect.d.ts`, browser: `./${id}/fitconnect.js`, node: `./${id}/node.js`, default: `./${id}/fitconnect.js`,
    });
    assert.ok(pkg.files.includes(`${id}/`), `${id}/ is in files`);
  }
  // Importing the package registers nothing (a bundler may drop what an app does not use), except
  // text-codec.js, which only fills in a missing TextDecoder.
  assert.deepEqual(pkg.sideEffects, ['./text-codec.js', ...LINES.map(({ id }) => `./${id}/text-codec.js`)]);
});

// Every file under a package directory, as a relative POSIX path.
const walk = (base) => readdirSync(base, { recursive: true }).map((f) => f.split('\\').join('/'));
// Relative imports and re-exports of a module's source.
const imports = (source) => [...source.matchAll(/(?:from|import)\s*["'](\.\.?\/[^"']+)["']/g)].map((m) => m[1]);

test('every file the package declares is there, and nothing it needs is left out', () => {
  for (const file of pkg.files) assert.ok(exists(file), `${file} exists`);
  for (const target of Object.values(pkg.exports['.'])) assert.ok(exists(target), `${target} exists`);
  const covered = (file) => pkg.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f));
  for (const target of Object.values(pkg.exports['./inline'])) assert.ok(exists(target), `${target} exists`);
  for (const file of ['fitconnect.js', 'fitconnect.d.ts', 'glue.js', 'glue.d.ts', 'fitconnect_bg.wasm', 'inline.js', 'inline.d.ts', 'inline-wasm.js', 'node.js', 'README.md']) {
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
  for (const word of ['npm install fitconnect', 'await init()', 'defineConnectButtons', 'FitRankings', 'PerfectGym', 'fitconnect/inline', 'wasm-unsafe-eval']) {
    assert.ok(readme.includes(word), `README mentions ${word}`);
  }
});

// The provider classes, as the registry in src/providers/mod.rs lists them (`Class, module, flow, …`).
const registry = readFileSync(join(root, 'src', 'providers', 'mod.rs'), 'utf8');
const LINES = [...registry.matchAll(/^ +#\[cfg\(feature = "([a-z]\w*)"\)\] ([A-Z]\w*), ([a-z]\w*), (popup|redirect|password), "(\w+)"/gm)]
  .map(([, feature, name, id, flow, options]) => ({ feature, name, id, flow, options }));
const CLASSES = LINES.map((l) => l.name);
const SHARED = ['FitConnectError', 'default', 'defineConnectButtons', 'handleCallback', 'initSync'];
const PUBLIC = [...CLASSES, ...SHARED].sort();
// The members only the project's tests read (the `test-hooks` feature): in pkg/, not in the package.
const TEST_MEMBERS = /\b_(config|storageKeys|refresh)\b/;

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

test("the entries' class list follows the provider registry: the glue exports one class per registered provider, and the build wrote an export for each into the entries", () => {
  assert.ok(CLASSES.length >= 5, `the registry lists the providers: ${CLASSES}`);
  // The glue: the classes, handleCallback, init and what the entry's defineConnectButtons() takes.
  const glue = [...CLASSES, '_buttonProviders', '_createClient', 'default', 'handleCallback', 'initSync'].sort();
  assert.deepEqual(exportedNames(join(dir, 'glue.js')), glue);
  assert.deepEqual(exportedNames(join(dir, 'node.js')), PUBLIC);
});

test('the entry exports the public API; it wraps the generated glue, which fetches the wasm next to it', () => {
  assert.deepEqual(exportedNames(join(dir, 'fitconnect.js')), PUBLIC);
  assert.deepEqual(exportedNames(join(dir, 'inline.js')), PUBLIC);
  const entry = readFileSync(join(dir, 'fitconnect.js'), 'utf8');
  assert.match(entry, /^import '\.\/text-codec\.js';\nimport initGlue, \* as glue from '\.\/glue\.js';$/m);
  // FitConnectError is the snippet's class, the one the glue throws.
  assert.match(entry, /^import \{ FitConnectError \} from '\.\/snippets\/fitconnect-[^/]+\/js\/error\.js';$/m);
  // The URL bundlers recognise, in the glue as wasm-bindgen wrote it.
  const glue = readFileSync(join(dir, 'glue.js'), 'utf8');
  assert.match(glue, /new URL\('fitconnect_bg\.wasm', import\.meta\.url\)/);
  // The members only the project's tests read (the `test-hooks` feature) are not in what users
  // install; the demo's copy (pkg/) has them.
  assert.doesNotMatch(glue, TEST_MEMBERS);
  assert.match(readFileSync(join(root, 'pkg', 'fitconnect.js'), 'utf8'), /\b_storageKeys\b/);
  const types = readFileSync(join(dir, 'fitconnect.d.ts'), 'utf8');
  assert.match(types, /^export \* from '\.\/glue\.js';$/m);
  assert.match(types, /^export default function init\(\n\s+input\?: InitInput \| Promise<InitInput> \| \{ module_or_path: InitInput \| Promise<InitInput> \},\n\): Promise<void>;$/m);
  const glueTypes = readFileSync(join(dir, 'glue.d.ts'), 'utf8');
  assert.match(glueTypes, /export declare class FitConnectError extends Error/);
  for (const name of ['FitRankingsOptions', 'Session', 'ConnectButtonsOptions', 'FitConnectButtonElement']) {
    assert.match(glueTypes, new RegExp(`export (?:interface|type) ${name}\\b`), `${name} is declared`);
  }
  assert.match(glueTypes, /"fitconnect-button": FitConnectButtonElement;/);
  // The inlined wasm is the wasm file, base64.
  const inline = readFileSync(join(dir, 'inline-wasm.js'), 'utf8').match(/^export default "([A-Za-z0-9+/=]+)";$/m)[1];
  assert.ok(Buffer.from(inline, 'base64').equals(readFileSync(join(dir, 'fitconnect_bg.wasm'))));
});

// A fresh Node process per case: the glue is one module instance per process.
const ENTRY = JSON.stringify(pathToFileURL(join(dir, 'fitconnect.js')).href);
const WASM = JSON.stringify(join(dir, 'fitconnect_bg.wasm'));
const attempt = `const attempt = (f) => { try { f(); return 'no error'; } catch (e) { return { ok: e instanceof fc.FitConnectError, code: e.code, message: e.message }; } };`;

test("the entry's init(): one load however often it is called, FitConnectError before it resolves", () => {
  const out = JSON.parse(
    node(`
      const fc = await import(${ENTRY});
      ${attempt}
      const early = attempt(() => new fc.FitBark({ clientId: 'x' }));
      const define = attempt(() => fc.defineConnectButtons());
      const callback = await fc.handleCallback().then(() => 'resolved', (e) => e.code);
      // Under Node, init() with no argument reads the wasm file next to the entry.
      const results = await Promise.all([fc.default(), fc.default()]);
      await fc.default();
      // After init() the class runs (and says it needs a browser window: Node has none).
      const late = attempt(() => new fc.FitBark({ clientId: 'x' }));
      console.log(JSON.stringify({ early, define, callback, results, late }));
    `),
  );
  assert.equal(out.early.ok, true, JSON.stringify(out.early));
  assert.equal(out.early.code, 'invalid_config');
  assert.equal(out.early.message, "new FitBark() was called before init() resolved: `await init()` (import init from 'fitconnect') first");
  assert.equal(out.define.code, 'invalid_config');
  assert.equal(out.callback, 'invalid_config');
  assert.deepEqual(out.results, [null, null]);
  assert.equal(out.late.code, 'invalid_config');
  assert.match(out.late.message, /needs a browser window/);
});

test("the entry's init() takes bytes, { module_or_path }, a compiled module or a promise; a failed load can be retried", () => {
  const inputs = {
    bytes: 'bytes',
    wrapped: '({ module_or_path: bytes })',
    module: 'await WebAssembly.compile(bytes)',
    promise: 'Promise.resolve(bytes)',
  };
  for (const [name, input] of Object.entries(inputs)) {
    const out = node(`
      import { readFileSync } from 'node:fs';
      const fc = await import(${ENTRY});
      const bytes = readFileSync(${WASM});
      await fc.default(${input});
      ${attempt}
      console.log(attempt(() => new fc.FitBark({ clientId: 'x' })).message);
    `);
    assert.match(out, /needs a browser window/, name);
  }
  const out = JSON.parse(
    node(`
      const fc = await import(${ENTRY});
      const rejected = await fc.default(new Uint8Array([0, 97, 115, 109])).then(() => 'resolved', (e) => e instanceof Error);
      const retried = await fc.default().then(() => true, (e) => String(e));
      console.log(JSON.stringify({ rejected, retried }));
    `),
  );
  assert.deepEqual(out, { rejected: true, retried: true });
});

test('fitconnect/inline loads its inlined wasm', () => {
  const out = node(`
    const fc = await import(${JSON.stringify(pathToFileURL(join(dir, 'inline.js')).href)});
    await fc.default();
    try { new fc.FitBark({ clientId: 'x' }); } catch (e) { console.log(e.message); }
  `);
  assert.match(out, /needs a browser window/);
});

test('fitconnect/<id>: each provider alone, with its own smaller wasm, class, types and Node entry', () => {
  const full = readFileSync(join(dir, 'fitconnect_bg.wasm')).length;
  for (const { name, id, flow, options } of LINES) {
    const home = join(dir, id);
    for (const file of ['fitconnect.js', 'fitconnect.d.ts', 'glue.js', 'glue.d.ts', 'fitconnect_bg.wasm', 'node.js', 'text-codec.js']) {
      assert.ok(existsSync(join(home, file)), `${id}/${file} exists`);
    }
    // Part of the root's package: no package.json of its own (which would change how Node reads it).
    assert.ok(!existsSync(join(home, 'package.json')), `${id}/ has no package.json`);
    // handleCallback() is for the popup's callback page: only a popup provider's entry has it.
    const own = [name, ...SHARED.filter((f) => f !== 'handleCallback' || flow === 'popup')].sort();
    assert.deepEqual(exportedNames(join(home, 'fitconnect.js')), own, id);
    assert.deepEqual(exportedNames(join(home, 'node.js')), own, id);
    // Vite's dev server pre-bundles the entry away from its wasm: the entry knows its directory.
    assert.match(readFileSync(join(home, 'fitconnect.js'), 'utf8'), new RegExp(`^const HOME = '${id}/';$`, 'm'));
    // Its types name it alone: ProviderId is keyof ProviderOptions.
    const types = readFileSync(join(home, 'glue.d.ts'), 'utf8');
    const ids = [...types.matchAll(/^export interface ProviderOptions \{\n +(\w+): (\w+);$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(ids, [[id, options]], `${id}'s ProviderOptions`);
    assert.match(types, /^export type ProviderId = keyof ProviderOptions;$/m);
    assert.match(types, new RegExp(`^export class ${name} \\{$`, 'm'));
    // The members for the project's tests (the `test-hooks` feature) are not in it.
    const glue = readFileSync(join(home, 'glue.js'), 'utf8');
    assert.doesNotMatch(glue, TEST_MEMBERS, id);
    // Refresh across tabs holds Web Locks: only a flow with a token endpoint (`token-endpoint`)
    // builds it in; the popup flow (FitRankings: no token endpoint, nothing to refresh) does not.
    assert.equal(/__wbg_locks_/.test(glue), flow !== 'popup', `${id}: Web Locks in its glue`);
    const size = readFileSync(join(home, 'fitconnect_bg.wasm')).length;
    assert.ok(size < full * 0.95, `${id}'s wasm (${size} B) is smaller than every provider's (${full} B)`);
  }
  // Under Node: the package's `node` condition for fitconnect/<id>, then the browser entry, whose
  // init() reads that directory's wasm (another wasm would not link with its glue).
  const { id, name } = LINES.find((l) => l.flow !== 'popup');
  const out = JSON.parse(
    node(`
      const fc = await import('fitconnect/${id}');
      const entry = await import(${JSON.stringify(pathToFileURL(join(dir, id, 'fitconnect.js')).href)});
      await entry.default();
      let late = null;
      try { new entry.${name}({}); } catch (e) { late = { ok: e instanceof entry.FitConnectError, code: e.code, message: e.message }; }
      console.log(JSON.stringify({ exports: Object.keys(fc).sort(), late }));
    `),
  );
  assert.deepEqual(out.exports, [name, ...SHARED.filter((f) => f !== 'handleCallback')].sort());
  assert.equal(out.late?.ok, true, JSON.stringify(out.late));
  assert.match(out.late.message, /needs a browser window/);
});

test("an app that defines no buttons ships none of the button's code; one that does gets it", async () => {
  const { build } = await import(pathToFileURL(join(root, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
  const { id, name, options } = LINES.find((l) => l.flow === 'password');
  const bundle = async (code) => {
    const out = await build({
      stdin: { contents: code, resolveDir: join(dir, id), loader: 'js' },
      bundle: true, format: 'esm', platform: 'browser', minify: true, write: false, logLevel: 'silent',
    });
    return out.outputFiles[0].text;
  };
  const bare = await bundle(`import init, { ${name} } from './fitconnect.js'; await init(); export const c = new ${name}({});`);
  const buttons = await bundle(`import init, { defineConnectButtons } from './fitconnect.js'; await init(); defineConnectButtons();`);
  // The element's tag and its stylesheet's custom properties live only in js/button.js.
  for (const mark of ['fitconnect-button', '--fitconnect-button-bg']) {
    assert.ok(!bare.includes(mark), `${options}: no ${mark} in an app without buttons`);
    assert.ok(buttons.includes(mark), `${mark} in an app with buttons`);
  }
  assert.ok(bare.length < buttons.length - 10_000, `${bare.length} B without buttons, ${buttons.length} B with`);
});

test('no `any` in the public types', () => {
  // (wasm-bindgen's InitOutput, the wasm's raw exports, is no API: the entry's init() returns nothing.)
  const text = ['fitconnect.d.ts', 'glue.d.ts', 'inline.d.ts'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const lines = text.replace(/^export interface InitOutput \{[^}]*\}$/m, '').split('\n');
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
  const types = readFileSync(join(dir, 'glue.d.ts'), 'utf8');
  const declared = new Set([...types.matchAll(/^export (?:declare )?(?:class|function) (\w+)/gm)].map((m) => m[1]));
  if (/^export default function/m.test(types)) declared.add('default');
  const nodeNames = node(`import * as fc from 'fitconnect'; console.log(Object.keys(fc).sort().join(','));`).trim();
  assert.equal(nodeNames, [...declared].sort().join(','));
});

test("the demo's copy (pkg/) exports the public API; its button refuses to register in Node", () => {
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
  // One module: no request for another module stands between the page's import and init().
  assert.doesNotMatch(readFileSync(join(root, 'pkg', 'fitconnect.js'), 'utf8'), /(?:\bfrom|\bimport)\s*\(?\s*["']\.\.?\//);
  // initSync: wasm-bindgen's synchronous init of the web build.
  assert.deepEqual(out.exports, PUBLIC);
  assert.equal(out.error?.ok, true, JSON.stringify(out.error));
  assert.equal(out.error.code, 'invalid_config');
  assert.match(out.error.message, /^defineConnectButtons\(\) needs a browser/);
});
