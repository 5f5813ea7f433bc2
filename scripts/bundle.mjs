// Bundles the JavaScript layer (js/sdk.js with the button and helpers) with wasm-bindgen's glue
// into one minified ES module, `fitconnect.js`, next to the wasm.
//
//   node scripts/bundle.mjs web <glue-dir> <out-dir> [--dev]
//     the --target web build: the glue is bundled in; out-dir gets fitconnect.js and fitconnect_bg.wasm.
//   node scripts/bundle.mjs bundler <glue-dir> <out-dir> [--dev]
//     the --target bundler build (the npm package): the glue stays its own module, core.js, because
//     the bundler instantiates the wasm with imports from fitconnect_bg.js; out-dir gets
//     fitconnect.js, core.js, fitconnect_bg.js and fitconnect_bg.wasm.
// --dev: not minified.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, transform } from 'esbuild';

const [mode, glueDir, outDir, flag] = process.argv.slice(2);
if (!['web', 'bundler'].includes(mode) || !glueDir || !outDir) {
  console.error('usage: node scripts/bundle.mjs web|bundler <glue-dir> <out-dir> [--dev]');
  process.exit(2);
}
const glue = resolve(glueDir, 'fitconnect.js');
mkdirSync(outDir, { recursive: true });

const core = {
  name: 'core',
  setup(b) {
    b.onResolve({ filter: /^\.\/core\.js$/ }, () => (mode === 'web' ? { path: glue } : { path: './core.js', external: true }));
    if (mode === 'bundler') {
      b.onResolve({ filter: /^\.\/load\.js$/ }, () => ({ path: 'load', namespace: 'core' }));
      b.onLoad({ filter: /^load$/, namespace: 'core' }, () => ({ contents: 'export default null;', loader: 'js' }));
    }
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

copyFileSync(join(glueDir, 'fitconnect_bg.wasm'), join(outDir, 'fitconnect_bg.wasm'));
if (mode === 'bundler') {
  copyFileSync(glue, join(outDir, 'core.js'));
  copyFileSync(join(glueDir, 'fitconnect_bg.js'), join(outDir, 'fitconnect_bg.js'));
}
