// End-to-end tests: the demo in www/ against fitconnect-server (sandbox + broker) in Debian's Chromium.
// Build first: `scripts/build.sh` (pkg/ and the server binary).
const { defineConfig } = require('@playwright/test');
const { settings } = require('./tests/playwright-shared.js');

// FITCONNECT_E2E_PORT_BASE moves every origin (app N, sandboxes N+1..N+6), so that two checkouts can
// run the suite at once; tests/e2e/helpers.js reads the same variable.
const PORT_BASE = Number(process.env.FITCONNECT_E2E_PORT_BASE || 18080);
const serverBin = process.env.FITCONNECT_SERVER_BIN || 'target/debug/fitconnect-server';

module.exports = defineConfig({
  ...settings,
  testDir: 'tests/e2e',
  // The Vite example's tests run with playwright.example.config.js (its own servers and ports).
  testIgnore: /example.*\.spec\.js$/,
  outputDir: 'test-results',
  timeout: 30_000,
  reporter: [['list'], ['./tests/e2e/summary-reporter.js', { label: 'e2e' }]],
  use: { ...settings.use, baseURL: `http://127.0.0.1:${PORT_BASE}` },
  webServer: {
    command: `${serverBin} --port-base ${PORT_BASE} --root .`,
    url: `http://127.0.0.1:${PORT_BASE}/demo-config.json`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
