// The interop suite: the built SDK (pkg/) in Debian's Chromium against oidc-provider, with
// fitconnect-server's broker in between for FitBark. scripts/interop.sh starts the servers
// (tests/interop/servers.mjs and fitconnect-server --no-sandbox) and runs this config.
import { defineConfig } from '@playwright/test';

import chromium from '../chromium.js';
import { APP } from './ports.mjs';

export default defineConfig({
  testDir: '.',
  testMatch: /\.spec\.js$/,
  // Not test-results/: the end-to-end run clears that folder when it starts.
  outputDir: '../../target/interop-results',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  // Bounded: the whole suite takes seconds; one test never needs more than 20.
  timeout: 20_000,
  globalTimeout: 120_000,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['../e2e/summary-reporter.js', { label: 'interop' }]],
  use: {
    baseURL: APP,
    headless: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
    launchOptions: chromium,
  },
  projects: [{ name: 'chromium' }],
});
