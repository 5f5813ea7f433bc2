// The loader of the WebAssembly core: wasm-bindgen's init for the --target web build. The
// --target bundler build replaces this module with `export default null` (scripts/bundle.mjs):
// there the bundler instantiates the wasm when the glue is imported.
export { default } from './core.js';
