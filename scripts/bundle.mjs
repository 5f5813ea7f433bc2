// Bundles the JavaScript layer (js/sdk.js with the core's loader, the button and helpers) into
// one minified ES module, `fitconnect.js`, next to the wasm.
//
//   node scripts/bundle.mjs web <wasm-dir> <out-dir> [--dev]
//     the build a page loads without a bundler: `init()` fetches the wasm (js/load.js); out-dir
//     gets fitconnect.js and fitconnect_bg.wasm.
//   node scripts/bundle.mjs bundler <wasm-dir> <out-dir> [--dev]
//     the npm package: the module imports the wasm (`import * as wasm from './fitconnect_bg.wasm'`)
//     and the app's bundler instantiates it; out-dir also gets fitconnect_bg.js, the module the
//     wasm imports (from wasm-bindgen).
// <wasm-dir> is wasm-pack's --target bundler output. --dev: not minified.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, transform } from 'esbuild';

const [mode, wasmDir, outDir, flag] = process.argv.slice(2);
if (!['web', 'bundler'].includes(mode) || !wasmDir || !outDir) {
  console.error('usage: node scripts/bundle.mjs web|bundler <wasm-dir> <out-dir> [--dev]');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

// The npm package's loader is the wasm module itself, imported for the app's bundler to instantiate.
const core = {
  name: 'core',
  setup(b) {
    if (mode !== 'bundler') return;
    b.onResolve({ filter: /^\.\/load\.js$/ }, () => ({ path: 'load', namespace: 'core' }));
    b.onResolve({ filter: /\.wasm$/ }, ({ path }) => ({ path, external: true }));
    b.onLoad({ filter: /^load$/, namespace: 'core' }, () => ({
      contents: "import * as wasm from './fitconnect_bg.wasm'; export default wasm;",
      loader: 'js',
    }));
  },
};

// The button's stylesheet as a string, minified unless --dev.
const css = {
  name: 'css',
  setup(b) {
    b.onLoad({ filter: /\.css$/ }, async ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const { code } = flag === '--dev' ? { code: source } : await transform(source, { loader: 'css', minify: true });
      return { contents: `export default ${JSON.stringify(code.trim())};`, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [resolve('js/sdk.js')],
  outfile: join(outDir, 'fitconnect.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: flag !== '--dev',
  legalComments: 'none',
  plugins: [core, css],
  logLevel: 'warning',
});

copyFileSync(join(wasmDir, 'fitconnect_bg.wasm'), join(outDir, 'fitconnect_bg.wasm'));
if (mode === 'bundler') copyFileSync(join(wasmDir, 'fitconnect_bg.js'), join(outDir, 'fitconnect_bg.js'));
