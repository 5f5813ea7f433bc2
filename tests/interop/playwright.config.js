// The interop suite: the built SDK (pkg/) in Debian's Chromium against oidc-provider, with
// fitconnect-server's broker in between for FitBark. scripts/interop.sh starts the servers
// (tests/interop/servers.mjs and fitconnect-server --no-sandbox) and runs this config.
import { defineConfig } from '@playwright/test';

import shared from '../playwright-shared.js';
import { APP } from './ports.mjs';

const { settings } = shared;

export default defineConfig({
  ...settings,
  testDir: '.',
  testMatch: /\.spec\.js$/,
  // Not test-results/: the end-to-end run clears that folder when it starts.
  outputDir: '../../target/interop-results',
  // Bounded: the whole suite takes seconds; one test never needs more than 20.
  timeout: 20_000,
  globalTimeout: 120_000,
  reporter: [['list'], ['../e2e/summary-reporter.js', { label: 'interop' }]],
  use: { ...settings.use, baseURL: APP },
});
