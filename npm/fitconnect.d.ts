// The package entry's types: everything the generated glue declares (the classes, the options,
// FitConnectError, the button's element), and the entry's init().
import type { InitInput } from './glue.js';

export * from './glue.js';

/**
 * Loads the WebAssembly module; every class and function can be used once it resolves. Without
 * an argument it fetches `fitconnect_bg.wasm` next to the package's entry (where the app's bundler
 * put it); under Node (jsdom tests) it reads that file. It also takes the module's URL, a
 * `Response` (or a promise of one), its bytes, a compiled `WebAssembly.Module`, or any of these as
 * `{ module_or_path }`. Calling it again returns the same load; a failed load can be retried.
 *
 * Rejects with a `FitConnectError` (code `invalid_config`) when the page's Content-Security-Policy
 * lacks `'wasm-unsafe-eval'`.
 * @example
 * import init, { FitRankings } from 'fitconnect';
 * await init();
 * const fitrankings = new FitRankings({ clientId: 'id', callbackUri: `${location.origin}/callback.html` });
 */
export default function init(
  input?: InitInput | Promise<InitInput> | { module_or_path: InitInput | Promise<InitInput> },
): Promise<void>;
