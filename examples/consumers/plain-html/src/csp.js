// init() under a Content-Security-Policy that blocks WebAssembly compilation.
import init, { FitConnectError } from '../node_modules/fitconnect/fitconnect.js';

init().then(
  () => { window.__smoke = { csp: 'init() resolved' }; },
  (e) => { window.__smoke = { csp: { isFitConnectError: e instanceof FitConnectError, code: e?.code, message: e?.message } }; },
);
