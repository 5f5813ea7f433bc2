// Shared fixtures and steps for the end-to-end tests.
const path = require('node:path');
const base = require('@playwright/test');
const { pageFailingOnErrors } = require('../playwright-shared.js');

const { expect } = base;

// The origins playwright.config.js starts (FITCONNECT_E2E_PORT_BASE, default 18080).
const PORT_BASE = Number(process.env.FITCONNECT_E2E_PORT_BASE || 18080);
const origin = (offset) => `http://127.0.0.1:${PORT_BASE + offset}`;
const APP = origin(0);
const FITRANKINGS = origin(1);
const FITBARK = origin(2);
const PERFECTGYM = origin(3);
const OPENFIT_IDENTITY = origin(4);
const OPENFIT_API = origin(5);
const FISIKAL = origin(6);
const SANDBOX_ORIGINS = [FITRANKINGS, FITBARK, PERFECTGYM, OPENFIT_IDENTITY, OPENFIT_API, FISIKAL];

// Every test starts from default sandbox settings and zero counters; uncaught page errors fail the test.
const test = base.test.extend({
  sandbox: [
    async ({ request }, use) => {
      for (const origin of SANDBOX_ORIGINS) {
        const res = await request.post(`${origin}/__sandbox/reset`);
        expect(res.ok(), `reset ${origin}`).toBeTruthy();
      }
      await use({
        async settings(origin, values) {
          const res = await request.post(`${origin}/__sandbox/settings`, { data: values });
          expect(res.ok(), `settings ${origin}`).toBeTruthy();
          return res.json();
        },
        async counters(origin) {
          const res = await request.get(`${origin}/__sandbox/counters`);
          expect(res.ok(), `counters ${origin}`).toBeTruthy();
          return res.json();
        },
        async expireTokens(origin) {
          const res = await request.post(`${origin}/__sandbox/expire-tokens`);
          expect(res.ok(), `expire-tokens ${origin}`).toBeTruthy();
        },
      });
    },
    { auto: true },
  ],
  page: pageFailingOnErrors(expect),
});

// Screenshots for people to look at, next to Playwright's own output.
function screenshotPath(name) {
  return path.join(__dirname, '..', '..', 'test-results', name);
}

function card(page, provider) {
  return page.locator(`[data-provider="${provider}"]`);
}

async function gotoDemo(page, path = '/') {
  await page.goto(`${APP}${path}`);
  await waitReady(page);
}

async function waitReady(page) {
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

// Sessions are stored under `fitconnect:session:<provider>:<binding>`; the demo has one client
// configuration per provider, so one key per provider.
const SESSION_PREFIX = (provider) => `fitconnect:session:${provider}:`;

// The provider's session key in the page, or null when none is stored.
async function sessionKey(page, provider) {
  return page.evaluate((prefix) => Object.keys(sessionStorage).find((k) => k.startsWith(prefix)) ?? null, SESSION_PREFIX(provider));
}

async function storedSession(page, provider) {
  const key = await sessionKey(page, provider);
  const raw = key && (await page.evaluate((key) => sessionStorage.getItem(key), key));
  return raw == null ? null : JSON.parse(raw);
}

// Clicks Connect FitRankings and returns the pop-up once its consent page has loaded.
async function openFitRankingsPopup(page) {
  const popupEvent = page.waitForEvent('popup');
  await card(page, 'fitrankings').getByRole('button', { name: 'Connect FitRankings' }).click();
  const popup = await popupEvent;
  await popup.waitForLoadState('domcontentloaded');
  return popup;
}

// Clicks `button` (Allow or Deny) on the FitRankings consent page and waits for the pop-up to close.
async function answerConsent(popup, button = 'Allow') {
  const closed = popup.waitForEvent('close');
  await popup.getByRole('button', { name: button }).click();
  await closed;
}

// What a user does: the pop-up shows the provider's page, then they close it. The SDK reports
// popup_closed only for a pop-up it saw on the provider's page (its poll runs every 100 ms); one
// that closes before that is treated as cut off by COOP and waited for.
async function closeAfterProviderPage(popup) {
  await popup.waitForLoadState('load');
  await popup.waitForTimeout(300);
  await popup.close();
}

// Opens the demo, clicks Connect FitRankings and returns the pop-up once its consent page shows Allow.
async function openFitRankingsConsent(page) {
  await gotoDemo(page);
  const popup = await openFitRankingsPopup(page);
  await popup.getByRole('button', { name: 'Allow' }).waitFor();
  return popup;
}

async function connectFitRankings(page) {
  await answerConsent(await openFitRankingsPopup(page));
  await expect(card(page, 'fitrankings')).toHaveAttribute('data-state', 'connected');
}

// Clicks Connect FitBark and waits on the provider's authorise page.
async function openFitBarkAuthorize(page) {
  await card(page, 'fitbark').getByRole('button', { name: 'Connect FitBark' }).click();
  await page.waitForURL((url) => url.origin === FITBARK && url.pathname === '/oauth/authorize');
}

// The URLs of the requests the page sends to the app's broker (token exchanges and refreshes) from
// now on; the array fills as they are sent.
function recordBrokerCalls(page) {
  const calls = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/broker/')) calls.push(req.url());
  });
  return calls;
}

async function connectFitBark(page) {
  await openFitBarkAuthorize(page);
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL((url) => url.origin === APP);
  await waitReady(page);
  await expect(card(page, 'fitbark')).toHaveAttribute('data-state', 'connected');
  await expect(card(page, 'fitbark').getByTestId('dog').first()).toBeVisible();
}

// The sandbox account the demo shows for a password provider (from /demo-config.json).
async function sandboxAccount(page, provider) {
  const account = await page.evaluate((id) => window.fitconnectDemo.config[id]?.sandboxAccount ?? null, provider);
  expect(account, `sandbox account of ${provider} in /demo-config.json`).toBeTruthy();
  return account;
}

// Types the credentials into the provider's sign-in form and submits it; answers the card.
async function submitPasswordForm(page, provider, { username, password }) {
  const c = card(page, provider);
  const form = c.locator('form.signin');
  await form.getByLabel(/user name/i).fill(username);
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: /^Sign in to / }).click();
  return c;
}

// Signs in with the sandbox account through the form and waits for the card's data.
async function signInWithPassword(page, provider) {
  const c = await submitPasswordForm(page, provider, await sandboxAccount(page, provider));
  await expect(c).toHaveAttribute('data-state', 'connected');
  await expect(c.locator('.data-section').first()).toBeVisible();
  await expect(c).not.toHaveAttribute('aria-busy', 'true');
  return c;
}

// Serves /demo-config.json with some provider settings changed (before the page loads).
async function patchDemoConfig(page, patch) {
  await page.route('**/demo-config.json', async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    for (const [provider, values] of Object.entries(patch)) Object.assign(config[provider], values);
    await route.fulfill({ response, json: config });
  });
}

// Resolves once the stored FitBark access token is past its expiry time, by the page's own clock.
async function waitUntilExpired(page) {
  await page.waitForFunction(
    (prefix) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith(prefix));
      const s = JSON.parse((key && sessionStorage.getItem(key)) || 'null');
      return s && typeof s.expiresAt === 'number' && Date.now() > s.expiresAt + 200;
    },
    SESSION_PREFIX('fitbark'),
    { timeout: 5_000, polling: 100 },
  );
}

module.exports = {
  test,
  expect,
  APP,
  FITRANKINGS,
  FITBARK,
  PERFECTGYM,
  OPENFIT_IDENTITY,
  OPENFIT_API,
  FISIKAL,
  sessionKey,
  card,
  screenshotPath,
  gotoDemo,
  waitReady,
  storedSession,
  openFitRankingsPopup,
  openFitRankingsConsent,
  answerConsent,
  closeAfterProviderPage,
  connectFitRankings,
  openFitBarkAuthorize,
  recordBrokerCalls,
  connectFitBark,
  waitUntilExpired,
  sandboxAccount,
  submitPasswordForm,
  signInWithPassword,
  patchDemoConfig,
};
