// examples/vite-app, built by `vite build` from the installed package, against the sandbox on port
// base 24080 (playwright.example.config.js serves it on 24090). Drives <fitconnect-button> the way a
// user does and checks the events the app receives.
const base = require('@playwright/test');
const { answerConsent, closeAfterProviderPage, storedSession } = require('./helpers');

const { expect } = base;

const APP = 'http://127.0.0.1:24090';
const SANDBOX = 'http://127.0.0.1:24080';
const FITRANKINGS = 'http://127.0.0.1:24081';
const FITBARK = 'http://127.0.0.1:24082';
const PERFECTGYM = 'http://127.0.0.1:24083';
const OPENFIT_IDENTITY = 'http://127.0.0.1:24084';
const OPENFIT_API = 'http://127.0.0.1:24085';
const FISIKAL = 'http://127.0.0.1:24086';
const PROVIDER_ORIGINS = [FITRANKINGS, FITBARK, PERFECTGYM, OPENFIT_IDENTITY, OPENFIT_API, FISIKAL];

const test = base.test.extend({
  // Default sandbox settings; OpenFIT answers CORS only for registered origins, so this app's is added.
  sandbox: [
    async ({ request }, use) => {
      for (const origin of PROVIDER_ORIGINS) expect((await request.post(`${origin}/__sandbox/reset`)).ok()).toBeTruthy();
      for (const origin of [OPENFIT_IDENTITY, OPENFIT_API]) {
        const res = await request.post(`${origin}/__sandbox/settings`, { data: { corsOrigins: [APP] } });
        expect(res.ok(), `corsOrigins on ${origin}`).toBeTruthy();
      }
      await use({});
    },
    { auto: true },
  ],
  // Every fitconnect:* event that reaches the document, and no uncaught page errors.
  page: async ({ page }, use) => {
    const errors = [];
    page.on('pageerror', (err) => errors.push(err));
    await page.addInitScript(() => {
      window.__events = [];
      for (const type of ['fitconnect:connected', 'fitconnect:disconnected', 'fitconnect:error']) {
        document.addEventListener(type, (e) => {
          const d = e.detail || {};
          window.__events.push({ type, provider: d.provider, code: d.code, hasToken: typeof d.accessToken === 'string' });
        });
      }
    });
    await use(page);
    expect(errors.map(String), 'uncaught errors in the page').toEqual([]);
  },
});

const events = (page) => page.evaluate(() => window.__events);
const card = (page, provider) => page.locator(`li[data-provider="${provider}"]`);

async function open(page) {
  await page.goto(`${APP}/`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

test('the built app loads the package: classes construct and every button renders', async ({ page }) => {
  await open(page);
  for (const [provider, name] of [
    ['fitrankings', 'FitRankings'],
    ['fitbark', 'FitBark'],
    ['perfectgym', 'PerfectGym'],
    ['openfit', 'OpenFIT'],
    ['fisikal', 'Fisikal'],
  ]) {
    await expect(card(page, provider).getByRole('button', { name: `Connect ${name}` })).toBeVisible();
    await expect(card(page, provider).locator('fitconnect-button')).toHaveAttribute('state', 'idle');
  }
  // The wasm came from the package's own file, through Vite's asset pipeline.
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name).filter((n) => n.endsWith('.wasm')));
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/\/assets\/fitconnect_bg-[\w-]+\.wasm$/);
});

test('FitRankings: the button opens the popup, Allow connects, both buttons share the session', async ({ page, context }) => {
  const referers = [];
  context.on('request', (req) => referers.push(req.headers().referer ?? ''));
  await open(page);
  const listed = card(page, 'fitrankings').locator('fitconnect-button');
  const header = page.locator('#header-fitrankings');

  const popupEvent = page.waitForEvent('popup');
  await listed.getByRole('button', { name: 'Connect FitRankings' }).click();
  const popup = await popupEvent;
  await expect(listed).toHaveAttribute('state', 'connecting');
  await expect(listed.getByRole('button')).toHaveAttribute('aria-busy', 'true');
  await expect(listed.getByRole('button')).toHaveText('Connecting…');
  await popup.waitForLoadState('domcontentloaded');
  expect(new URL(popup.url()).origin).toBe(FITRANKINGS);
  expect(new URL(popup.url()).searchParams.get('callback_uri')).toBe(`${APP}/callback.html`);

  await answerConsent(popup);

  await expect(listed).toHaveAttribute('state', 'connected');
  await expect(listed.getByRole('button', { name: 'Disconnect FitRankings' })).toBeVisible();
  await expect(listed.getByRole('status')).toHaveText('Connected to FitRankings');
  await expect(header.getByRole('button', { name: 'Disconnect FitRankings' })).toBeVisible();
  expect(await events(page)).toEqual([{ type: 'fitconnect:connected', provider: 'fitrankings', code: undefined, hasToken: true }]);
  // The app then called the API with its own FitRankings instance.
  await expect(card(page, 'fitrankings').locator('output')).toHaveText(/^\d+ items? from \/iq\/activities\//);
  // The callback page (its script, the wasm) sent no request with the token in a Referer.
  const { accessToken: token } = await storedSession(page, 'fitrankings');
  expect(referers.filter((r) => r.includes(token))).toEqual([]);

  // Disconnect from the other button: both return to idle, one event from the one clicked.
  await header.getByRole('button', { name: 'Disconnect FitRankings' }).click();
  await expect(listed.getByRole('button', { name: 'Connect FitRankings' })).toBeVisible();
  await expect(header).toHaveAttribute('state', 'idle');
  expect((await events(page)).slice(1)).toEqual([{ type: 'fitconnect:disconnected', provider: 'fitrankings', code: undefined, hasToken: false }]);
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('fitconnect:session:fitrankings:')))).toEqual([]);
});

test('FitRankings: closing the popup shows the error state and dispatches fitconnect:error', async ({ page }) => {
  await open(page);
  const button = card(page, 'fitrankings').locator('fitconnect-button');
  const popupEvent = page.waitForEvent('popup');
  await button.getByRole('button', { name: 'Connect FitRankings' }).click();
  await closeAfterProviderPage(await popupEvent);
  await expect(button).toHaveAttribute('state', 'error');
  await expect(button.getByRole('status')).toHaveText('The sign-in window was closed before it finished.');
  await expect(button.getByRole('button', { name: 'Try again to connect FitRankings' })).toBeVisible();
  expect(await events(page)).toEqual([{ type: 'fitconnect:error', provider: 'fitrankings', code: 'popup_closed', hasToken: false }]);
});

test('PerfectGym: the dialog signs in; a wrong password is reported and never kept in the form', async ({ page }) => {
  await open(page);
  const button = card(page, 'perfectgym').locator('fitconnect-button');
  const connect = button.getByRole('button', { name: 'Connect PerfectGym' });

  // Escape closes the dialog and gives the focus back to the button.
  await connect.click();
  const dialog = page.getByRole('dialog', { name: 'Sign in to PerfectGym' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Email or username')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(connect).toBeFocused();

  await connect.click();
  await dialog.getByLabel('Email or username').fill('member@perfectgym.test');
  await dialog.getByLabel('Password').fill('wrong-password');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The username or password is incorrect.');
  await expect(dialog.getByLabel('Password')).toHaveValue('');
  await expect(dialog.getByLabel('Password')).toBeFocused();
  expect(await events(page)).toEqual([{ type: 'fitconnect:error', provider: 'perfectgym', code: 'oauth_error', hasToken: false }]);

  await dialog.getByLabel('Password').fill('gym-member-pass');
  await dialog.getByLabel('Password').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(button).toHaveAttribute('state', 'connected');
  await expect(button.getByRole('button', { name: 'Disconnect PerfectGym' })).toBeFocused();
  expect((await events(page)).slice(1)).toEqual([{ type: 'fitconnect:connected', provider: 'perfectgym', code: undefined, hasToken: true }]);
  await expect(card(page, 'perfectgym').locator('output')).toHaveText(/^\d+ items? from \/Api\/Classes\/Classes/);
  // The password is nowhere in the page's storage.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  expect(stored).not.toContain('gym-member-pass');
});

test('OpenFIT and Fisikal: password sign-in through the dialog', async ({ page }) => {
  await open(page);
  for (const [provider, name, username, password, output] of [
    ['openfit', 'OpenFIT', 'clinician@openfit.test', 'openfit-pass', /^\d+ items? from \/api\/clients/],
    ['fisikal', 'Fisikal', 'manager@fisikal.test', 'fisikal-pass', /^\d+ items? from \/api\/unified\/clubs\/locations/],
  ]) {
    const button = card(page, provider).locator('fitconnect-button');
    await button.getByRole('button', { name: `Connect ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Sign in to ${name}` });
    await dialog.getByLabel('Email or username').fill(username);
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await expect(button).toHaveAttribute('state', 'connected');
    await expect(card(page, provider).locator('output')).toHaveText(output);
  }
  expect((await events(page)).map((e) => `${e.type} ${e.provider}`)).toEqual([
    'fitconnect:connected openfit',
    'fitconnect:connected fisikal',
  ]);
});

test('FitBark: the button redirects, and the page it returns to completes the sign-in', async ({ page, request }) => {
  // Register this app's redirect URI the way an app owner does: with an app (client_credentials) token.
  const token = await request.post(`${FITBARK}/oauth/token`, {
    form: { grant_type: 'client_credentials', client_id: 'fitconnect-demo', client_secret: 'fitbark-demo-secret' },
  });
  expect(token.ok()).toBeTruthy();
  const { access_token: appToken } = await token.json();
  const registered = await request.post(`${FITBARK}/api/v2/redirect_urls`, {
    headers: { authorization: `Bearer ${appToken}` },
    data: { redirect_uri: `${SANDBOX}/\r${APP}/` },
  });
  expect(registered.ok()).toBeTruthy();

  await open(page);
  await card(page, 'fitbark').getByRole('button', { name: 'Connect FitBark' }).click();
  await page.waitForURL((url) => url.origin === FITBARK && url.pathname === '/oauth/authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL((url) => url.origin === APP);

  const button = card(page, 'fitbark').locator('fitconnect-button');
  await expect(button).toHaveAttribute('state', 'connected');
  await expect(button.getByRole('button', { name: 'Disconnect FitBark' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  expect(await events(page)).toEqual([{ type: 'fitconnect:connected', provider: 'fitbark', code: undefined, hasToken: true }]);
  await expect(card(page, 'fitbark').locator('output')).toHaveText(/^\d+ items? from \/api\/v2\/dog_relations/);
});
