// The package's entry under Node (the `node` export condition): server-side rendering, and tests
// that emulate a DOM (Vitest or Jest with jsdom). Importing it never loads WebAssembly.
//   - No `document` (server-side rendering): init(), the classes and the functions throw or reject
//     with a FitConnectError (code invalid_config) that says they need a browser.
//   - A `document` (jsdom): everything is the browser entry's, whose init() reads the wasm file.
// The check runs at each call, so a DOM installed after the import is seen.
import initBrowser, * as browser from './fitconnect.js';

const { FitConnectError } = browser;
export { FitConnectError };

const hasDom = () => typeof globalThis.document !== 'undefined';

function browserOnly(what) {
  return new FitConnectError('invalid_config', `${what} needs a browser: call it in client-side code, not during server-side rendering`);
}

// The browser entry's class, refusing construction where there is no DOM.
function browserClass(Class, name) {
  return new Proxy(Class, {
    construct(target, args, newTarget) {
      if (!hasDom()) throw browserOnly(`new ${name}()`);
      return Reflect.construct(target, args, newTarget);
    },
  });
}

// The provider classes. scripts/build.sh replaces the next line with one export per class of the
// browser entry, wrapped by browserClass().
//@classes browserClass browser

//@if handleCallback
export function handleCallback(...args) {
  return hasDom() ? browser.handleCallback(...args) : Promise.reject(browserOnly('handleCallback()'));
}
//@end

export function defineConnectButtons(options) {
  if (!hasDom()) throw browserOnly('defineConnectButtons()');
  return browser.defineConnectButtons(options);
}

export function initSync(module) {
  if (!hasDom()) throw browserOnly('initSync()');
  return browser.initSync(module);
}

export default function init(input) {
  return hasDom() ? initBrowser(input) : Promise.reject(browserOnly('init()'));
}
