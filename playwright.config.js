// End-to-end tests: the demo in www/ against fitconnect-server (sandbox + broker) in Debian's Chromium.
// Build first: `cargo build -p fitconnect-server` and `wasm-pack build --target web`.
const { defineConfig } = require('@playwright/test');

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
  reporter: [['list'], ['./tests/e2e/summary-reporter.js']],
  use: {
    baseURL: `http://127.0.0.1:${PORT_BASE}`,
    headless: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download is not used.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
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
