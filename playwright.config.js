// End-to-end tests: the demo in www/ against fitconnect-server (sandbox + broker) in Debian's Chromium.
// Build first: `scripts/build.sh` (pkg/ and the server binary).
const { defineConfig } = require('@playwright/test');
const chromium = require('./tests/chromium.js');

// FITCONNECT_E2E_PORT_BASE moves every origin (app N, sandboxes N+1..N+6), so that two checkouts can
// run the suite at once; tests/e2e/helpers.js reads the same variable.
const PORT_BASE = Number(process.env.FITCONNECT_E2E_PORT_BASE || 18080);
const serverBin = process.env.FITCONNECT_SERVER_BIN || 'target/debug/fitconnect-server';

module.exports = defineConfig({
  testDir: 'tests/e2e',
  // The Vite example's tests run with playwright.example.config.js (its own servers and ports).
  testIgnore: /example.*\.spec\.js$/,
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['./tests/e2e/summary-reporter.js', { label: 'e2e' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT_BASE}`,
    headless: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `${serverBin} --port-base ${PORT_BASE} --root .`,
    url: `http://127.0.0.1:${PORT_BASE}/demo-config.json`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
