// What every Playwright suite here shares (end-to-end, Vite example, interop): the run's settings
// (one worker in Debian's Chromium, no retries, the same time limits) and the `page` fixture that
// fails a test on an uncaught error in the page. Nothing here loads @playwright/test: the interop
// suite has its own copy (tests/interop/node_modules), so each suite passes in its own `expect`.
const launchOptions = require('./chromium.js');

// Spread into each suite's defineConfig(), which adds its folder, time limit, reporter and servers.
const settings = {
  workers: 1,
  retries: 0,
  fullyParallel: false,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  use: {
    headless: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [{ name: 'chromium' }],
};

// The `page` fixture: the page as Playwright gives it, and after the test, a failure for every
// uncaught error it threw (checked with the suite's `expect`).
function pageFailingOnErrors(expect) {
  return async ({ page }, use) => {
    const errors = [];
    page.on('pageerror', (err) => errors.push(err));
    await use(page);
    expect(errors.map(String), 'uncaught errors in the page').toEqual([]);
  };
}

module.exports = { settings, pageFailingOnErrors };
