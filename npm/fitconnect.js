// The package's browser entry, written by hand: it re-exports wasm-bindgen's generated glue
// (glue.js, `wasm-pack --target web`) and wraps its init(). scripts/build.sh copies it next to the
// glue, puts the one snippet directory's name (snippets/fitconnect-<hash>/) in the import below and
// writes the class exports (see `//@classes`).
//
// The glue finds the wasm with `new URL('fitconnect_bg.wasm', import.meta.url)`, the pattern Vite,
// webpack 5, Parcel and Next.js recognise: they copy the file and rewrite the URL. This module adds:
//   - init() takes the glue's `{ module_or_path }` or the same value bare (a URL or string, a
//     Request, a Response or a promise of one, bytes, a compiled WebAssembly.Module), may be
//     called any number of times (one load), and a failed load can be retried;
//   - a class constructed, or a function called, before init() has resolved throws a
//     FitConnectError (code invalid_config) that says so, instead of the glue's TypeError;
//   - in Vite's dev server, whose dependency pre-bundling moves this module to
//     node_modules/.vite/deps/ (away from the wasm), init() fetches node_modules/fitconnect/'s wasm
//     (node_modules/fitconnect/<id>/'s for a `fitconnect/<id>` entry);
//   - under Node (a DOM emulated by jsdom in Vitest or Jest), where fetch() cannot read a file:
//     URL, init() reads the wasm file next to this module;
//   - a Content-Security-Policy without 'wasm-unsafe-eval' makes init() reject with a
//     FitConnectError that names the missing source;
//   - text-codec.js gives Jest's jsdom environment Node's TextDecoder and TextEncoder.
// Before the glue: Jest's jsdom environment lacks the TextDecoder the glue creates when evaluated.
import './text-codec.js';
import initGlue, * as glue from './glue.js';
import { FitConnectError } from './snippets/SNIPPETS/js/error.js';
// The connect button: imported here rather than by the glue, so that a bundler drops it from an
// app that never calls defineConnectButtons() (scripts/build.sh puts it beside the error class).
import { define } from './snippets/SNIPPETS/js/button.js';

export { FitConnectError };

let loaded = false;
let loading = null;

function notInitialized(what) {
  return new FitConnectError(
    'invalid_config',
    `${what} was called before init() resolved: \`await init()\` (import init from 'fitconnect') first`,
  );
}

// A class whose construction before init() throws a FitConnectError naming it (by `name`, since a
// minifier may rename the class itself). A Proxy, so that the class, its statics and `instanceof`
// stay the glue's own.
function guardClass(Class, name) {
  return new Proxy(Class, {
    construct(target, args, newTarget) {
      if (!loaded) throw notInitialized(`new ${name}()`);
      return Reflect.construct(target, args, newTarget);
    },
  });
}

// The provider classes, guarded. scripts/build.sh replaces the next line with one export per class
// the glue declares (one per line of the provider registry, src/providers/mod.rs), each the glue's
// class wrapped by guardClass() (and marked pure, so that a bundler drops the classes an app does
// not use).
//@classes guardClass glue

// Registers <fitconnect-button> with the providers' table and the client factory from Rust.
export function defineConnectButtons(options) {
  if (!loaded) throw notInitialized('defineConnectButtons()');
  return define(options, glue._createClient, glue._buttonProviders());
}

// Only where the glue has it (builds with a popup provider): scripts/build.sh keeps the lines
// between `//@if <name>` and `//@end` when the glue exports the function <name>.
//@if handleCallback
export function handleCallback(...args) {
  if (!loaded) return Promise.reject(notInitialized('handleCallback()'));
  return glue.handleCallback(...args);
}
//@end

/** wasm-bindgen's synchronous init: compiles and instantiates the given module or bytes at once. */
export function initSync(module) {
  const output = glue.initSync(module);
  loaded = true;
  return output;
}

const WASM = 'fitconnect_bg.wasm';
// This entry's directory in the package: '' for every provider, '<id>/' for `fitconnect/<id>`
// (filled in by scripts/build.sh).
const HOME = '';

// Where the wasm is when the glue's own URL is not usable, or undefined to let the glue decide.
async function defaultInput() {
  const here = import.meta.url;
  // Node (Vitest, Jest): this module is a file; read the wasm next to it.
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (typeof here === 'string' && here.startsWith('file:') && fs) {
    return fs.readFileSync(new globalThis.URL(WASM, here));
  }
  // Vite's dev server: the pre-bundled copy of this module lives in node_modules/.vite/deps/.
  const vite = typeof here === 'string' ? here.match(/^(.*\/node_modules)\/\.vite\/deps(?:_temp_[^/]*)?\//) : null;
  if (vite) return `${vite[1]}/fitconnect/${HOME}${WASM}`;
  return undefined;
}

function isCspBlock(error) {
  const name = error?.name;
  return (
    (name === 'CompileError' || name === 'EvalError' || name === 'LinkError') &&
    /Content[ -]Security[ -]Policy|unsafe-eval|\bCSP\b/i.test(String(error.message))
  );
}

function explain(error) {
  if (error instanceof FitConnectError) return error;
  if (isCspBlock(error)) {
    const e = new FitConnectError(
      'invalid_config',
      "The page's Content-Security-Policy does not allow WebAssembly: add 'wasm-unsafe-eval' to its script-src",
    );
    e.cause = error;
    return e;
  }
  return error;
}

/**
 * Loads the WebAssembly module. Without an argument it fetches `fitconnect_bg.wasm` next to this
 * module (the URL the app's bundler gave it). Resolves once every class can be used.
 */
export default function init(input) {
  if (loaded) return Promise.resolve();
  if (!loading) {
    loading = (async () => {
      let arg = input;
      if (arg === undefined) arg = await defaultInput();
      if (arg !== undefined && !(arg !== null && Object.getPrototypeOf(arg) === Object.prototype && 'module_or_path' in arg)) {
        arg = { module_or_path: arg };
      }
      await initGlue(arg);
      loaded = true;
    })().then(
      () => undefined,
      (error) => {
        loading = null;
        throw explain(error);
      },
    );
  }
  return loading;
}
