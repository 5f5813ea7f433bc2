// Vite 7 with no plugin for fitconnect: its entry fetches fitconnect_bg.wasm through
// `new URL(…, import.meta.url)`, which `vite build` copies into dist/assets/ and the dev server serves.
import { defineConfig } from 'vite';

// The fitconnect-server whose sandbox and broker this app talks to (scripts/demo.sh: 8080).
const portBase = Number(process.env.VITE_FITCONNECT_PORT_BASE || 8080);
// The app's own server forwards /broker to fitconnect-server: the token broker holds the client
// secrets, and the browser reaches it on the app's origin.
const proxy = { '/broker': `http://127.0.0.1:${portBase}` };

export default defineConfig({
  build: {
    // Top-level await (main.ts awaits init()).
    target: 'es2022',
    rollupOptions: {
      input: { main: 'index.html', callback: 'callback.html' },
      // The SDK in a chunk of its own: cached across app releases, and measurable.
      output: { manualChunks: (id) => (id.includes('/node_modules/fitconnect/') ? 'fitconnect' : undefined) },
    },
  },
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
});
