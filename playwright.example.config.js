// End-to-end tests of examples/vite-app: its `vite build` output, served by `vite preview`, against
// fitconnect-server's sandbox in Debian's Chromium. Own ports (24080.., app 24090), so it can run
// beside the demo's tests; all below the kernel's ephemeral range (32768..), where a client socket
// lingering in TIME-WAIT could hold a port the servers need. Build first: scripts/build.sh, then `vite build` in the example.
const { defineConfig } = require('@playwright/test');
const base = require('./playwright.config.js');

const PORT_BASE = 24080;
const APP_PORT = 24090;
const serverBin = process.env.FITCONNECT_SERVER_BIN || 'target/debug/fitconnect-server';

module.exports = defineConfig({
  ...base,
  testMatch: /example.*\.spec\.js$/,
  testIgnore: [],
  // Not under test-results/, which the demo's run empties when it starts.
  outputDir: 'target/playwright-example',
  use: { ...base.use, baseURL: `http://127.0.0.1:${APP_PORT}` },
  webServer: [
    {
      command: `${serverBin} --port-base ${PORT_BASE} --root .`,
      // The app's pages are on APP_PORT: the broker takes browser requests from that origin.
      env: { FITCONNECT_BROKER_ORIGINS: `http://127.0.0.1:${APP_PORT}` },
      url: `http://127.0.0.1:${PORT_BASE}/demo-config.json`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The built app, with /broker forwarded to fitconnect-server (vite.config.js).
      command: `node_modules/.bin/vite preview --port ${APP_PORT} --strictPort`,
      cwd: 'examples/vite-app',
      env: { VITE_FITCONNECT_PORT_BASE: String(PORT_BASE) },
      url: `http://127.0.0.1:${APP_PORT}/`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
