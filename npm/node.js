// The package's entry under Node (server-side rendering, tests): importing it is safe, and using the
// browser-only API throws a FitConnectError that says so. The real entry needs WebAssembly ESM
// integration from a bundler, which Node does not do, so it cannot be imported here.
import { FitConnectError } from './error.js';

export { FitConnectError };

function browserOnly(what) {
  return new FitConnectError('invalid_config', `${what} needs a browser: call it in client-side code, not during server-side rendering`);
}

function unavailable(name) {
  // A named class, so stack traces and `instanceof` checks read naturally.
  return {
    [name]: class {
      constructor() {
        throw browserOnly(`new ${name}()`);
      }
    },
  }[name];
}

export const FitRankings = unavailable('FitRankings');
export const FitBark = unavailable('FitBark');
export const PerfectGym = unavailable('PerfectGym');
export const OpenFit = unavailable('OpenFit');
export const Fisikal = unavailable('Fisikal');

export function handleCallback() {
  return Promise.reject(browserOnly('handleCallback()'));
}

export function defineConnectButtons() {
  throw browserOnly('defineConnectButtons()');
}

export default function init() {
  return Promise.reject(browserOnly('init()'));
}
