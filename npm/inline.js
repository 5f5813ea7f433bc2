// `fitconnect/inline`: the same API as the package's entry, with the WebAssembly module inlined
// (base64 in inline-wasm.js, written by scripts/build.sh). For toolchains that do not copy the
// .wasm file the entry fetches (esbuild, Rollup without a plugin): nothing to copy or serve, at
// the cost of about a third more bytes for the wasm, and no streaming compilation.
import initEntry from './fitconnect.js';
import base64 from './inline-wasm.js';

export * from './fitconnect.js';

let bytes;
function wasmBytes() {
  if (!bytes) {
    const text = atob(base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  }
  return bytes;
}

/** Loads the inlined WebAssembly module (or the one given, as the package entry's init() does). */
export default function init(input) {
  return initEntry(input === undefined ? wasmBytes() : input);
}
