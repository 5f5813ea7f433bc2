// The WebAssembly core, called without generated glue: the call (the function's name, then its
// arguments) is written into wasm memory in the core's wire format (src/core/wire.rs), `call`
// runs it, and its answer is read back as text. See src/wasm.rs for the three exports.
//
// `./load.js` is the loader for pages without a bundler: a function that fetches and instantiates
// `fitconnect_bg.wasm`. The npm package replaces it (scripts/bundle.mjs) with the wasm module's
// exports, which the app's bundler instantiates when the package is imported.
import source from './load.js';
import { pack } from './wire.js';

export { pack };

let wasm = typeof source === 'function' ? null : source;
let loading = null;

/** Whether the core is loaded. */
export const loaded = () => !!wasm;

/** Loads the core once and resolves with its exports; `input` is what the web loader takes. */
export function load(input) {
  loading ||= source(input).then(
    (exports) => (wasm = exports),
    (e) => { loading = null; throw e; },
  );
  return loading;
}

const decoder = new TextDecoder();

/** Runs `call`, a core function's name (src/core/api.rs) then its arguments, and answers its text. */
export function run(...call) {
  const parts = pack(call);
  const length = parts.reduce((n, p) => n + p.length, 0);
  let at = wasm.alloc(length);
  // Read after alloc: growing the memory replaces its buffer.
  const memory = new Uint8Array(wasm.memory.buffer);
  for (const p of parts) {
    memory.set(p, at);
    at += p.length;
  }
  const answer = wasm.call(at - length, length);
  const view = new DataView(wasm.memory.buffer);
  const text = decoder.decode(new Uint8Array(wasm.memory.buffer, answer + 4, view.getUint32(answer, true)));
  wasm.free(answer);
  return text;
}
