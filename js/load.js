// The loader for pages without a bundler (pkg/): fetches and instantiates `fitconnect_bg.wasm` (or what
// `input` names) and answers its exports. The npm package replaces this module with the wasm's
// exports (scripts/bundle.mjs).

import { FitConnectError } from './error.js';

// The one import wasm-bindgen's build leaves in the module; the table it fills is never used.
const imports = { './fitconnect_bg.js': { __wbindgen_init_externref_table() {} } };

/**
 * `input`: a URL, a string, a Request, a Response, a BufferSource or a WebAssembly.Module, or
 * `{ module_or_path }` holding one; the default is the wasm next to this module.
 */
export default async function load(input) {
  let source = Object.getPrototypeOf(input ?? 0) === Object.prototype ? input.module_or_path : input;
  source ??= new URL('fitconnect_bg.wasm', import.meta.url);
  if (typeof source === 'string' || source instanceof URL || source instanceof Request) source = fetch(source);
  source = await source;
  if (source instanceof Response) {
    if (!source.ok) throw new FitConnectError('network_error', `The WebAssembly core could not be loaded (HTTP ${source.status})`);
    // Compiled while it downloads when the server labels it application/wasm.
    source = /^application\/wasm\b/.test(source.headers.get('Content-Type'))
      ? WebAssembly.instantiateStreaming(source, imports)
      : WebAssembly.instantiate(await source.arrayBuffer(), imports);
  } else {
    source = WebAssembly.instantiate(source, imports);
  }
  const result = await source;
  return (result.instance ?? result).exports;
}
