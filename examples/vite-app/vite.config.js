// Vite 7 with vite-plugin-wasm: fitconnect is the `--target bundler` build, whose entry imports
// the .wasm file as an ES module.
import { defineConfig } from 'vite';
import wasm from 'vite-plugin-wasm';

// The fitconnect-server whose sandbox and broker this app talks to (scripts/demo.sh: 8080).
const portBase = Number(process.env.VITE_FITCONNECT_PORT_BASE || 8080);
// The app's own server forwards /broker to fitconnect-server: the token broker holds the client
// secrets, and the browser reaches it on the app's origin.
const proxy = { '/broker': `http://127.0.0.1:${portBase}` };

export default defineConfig({
  plugins: [wasm()],
  build: {
    // Top-level await (the wasm module is instantiated while the import resolves).
    target: 'es2022',
    rollupOptions: {
      input: { main: 'index.html', callback: 'callback.html' },
      // The SDK in a chunk of its own: cached across app releases, and measurable.
      output: { manualChunks: (id) => (id.includes('/node_modules/fitconnect/') ? 'fitconnect' : undefined) },
    },
  },
  // The dev server's dependency pre-bundling does not handle a wasm package.
  optimizeDeps: { exclude: ['fitconnect'] },
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
});
