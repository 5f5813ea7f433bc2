// The npm package's one-provider entries (pkg-npm/<id>/, `fitconnect/<id>`) in the browser, loaded
// as a page without a bundler loads them (the entry, its glue and snippets as modules, its own wasm)
// and used against the sandbox: a password sign-in and a Bearer call with PerfectGym alone, the
// pop-up sign-in and a Bearer call with FitRankings alone (a build without the token endpoint's
// code), and FitBark alone up to the sandbox's consent page.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect, APP, FITRANKINGS, PERFECTGYM, answerConsent, gotoDemo, sandboxAccount } = require('./helpers');

const PKG_NPM = path.join(__dirname, '..', '..', 'pkg-npm');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

// Serves pkg-npm/ (or `dir` in it) at `at` on the demo's origin, from the files the build wrote, to
// the page and the pop-ups it opens.
async function servePackage(page, at = '/one/', dir = PKG_NPM) {
  await page.context().route(`${APP}${at}**`, async (route) => {
    const file = path.join(dir, decodeURIComponent(new URL(route.request().url()).pathname.slice(at.length)));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
    await route.fulfill({ body: fs.readFileSync(file), contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' });
  });
}

test('fitconnect/perfectgym alone: its own wasm, one class, a password sign-in and a Bearer call', async ({ page }) => {
  const wasm = [];
  page.on('request', (req) => req.url().endsWith('.wasm') && wasm.push(new URL(req.url()).pathname));
  await servePackage(page);
  await gotoDemo(page);
  const account = await sandboxAccount(page, 'perfectgym');
  wasm.length = 0;
  const out = await page.evaluate(
    async ({ account, baseUrl }) => {
      const fc = await import('/one/perfectgym/fitconnect.js');
      await fc.default();
      const gym = new fc.PerfectGym({ baseUrl });
      const session = await gym.login(account);
      const res = await gym.fetch('/Api/Classes/Classes?page=1');
      return {
        exports: Object.keys(fc).sort(),
        provider: session.provider,
        status: res.status,
        hasElements: Array.isArray((await res.json()).elements),
      };
    },
    { account, baseUrl: PERFECTGYM },
  );
  expect(out.exports).toEqual(['FitConnectError', 'PerfectGym', 'default', 'defineConnectButtons', 'initSync']);
  expect(out).toMatchObject({ provider: 'perfectgym', status: 200, hasElements: true });
  expect(wasm).toEqual(['/one/perfectgym/fitconnect_bg.wasm']);
});

test('fitconnect/fitrankings alone: the pop-up sign-in, handleCallback() on the callback page, a Bearer call', async ({ page }) => {
  await servePackage(page);
  await gotoDemo(page);
  // From now on, the pop-up's callback page loads the FitRankings entry where the demo has /pkg/.
  await servePackage(page, '/pkg/', path.join(PKG_NPM, 'fitrankings'));
  const exports = await page.evaluate(async () => {
    const fc = await import('/one/fitrankings/fitconnect.js');
    await fc.default();
    const fr = new fc.FitRankings(window.fitconnectDemo.config.fitrankings);
    fr.disconnect();
    const button = document.createElement('button');
    button.id = 'one-fitrankings';
    button.textContent = 'Connect';
    button.addEventListener('click', () => {
      window.outcome = fr.connect().then(
        async (session) => ({ provider: session.provider, status: (await fr.fetch('/iq/users/')).status }),
        (e) => e.code,
      );
    });
    document.body.append(button);
    return Object.keys(fc).sort();
  });
  expect(exports).toEqual(['FitConnectError', 'FitRankings', 'default', 'defineConnectButtons', 'handleCallback', 'initSync']);
  const popupEvent = page.waitForEvent('popup');
  await page.click('#one-fitrankings');
  const popup = await popupEvent;
  const callbackFiles = [];
  popup.on('request', (req) => req.url().startsWith(`${APP}/pkg/`) && callbackFiles.push(new URL(req.url()).pathname));
  expect(new URL(popup.url()).origin).toBe(FITRANKINGS);
  await answerConsent(popup);
  expect(await page.evaluate(() => window.outcome)).toEqual({ provider: 'fitrankings', status: 200 });
  // The callback page ran the entry's handleCallback(): the module graph of pkg-npm/fitrankings/.
  expect(callbackFiles).toEqual(expect.arrayContaining(['/pkg/fitconnect.js', '/pkg/glue.js', '/pkg/fitconnect_bg.wasm']));
});

test('fitconnect/fitbark alone: its authorise URL carries state and PKCE S256, and the sandbox offers consent on it', async ({ page }) => {
  await servePackage(page);
  await gotoDemo(page);
  const options = await page.evaluate(() => {
    const c = window.fitconnectDemo.config.fitbark;
    return { clientId: c.clientId, redirectUri: c.redirectUri, tokenEndpoint: c.tokenEndpoint, baseUrl: c.baseUrl };
  });
  const url = await page.evaluate(async (options) => {
    const fc = await import('/one/fitbark/fitconnect.js');
    await fc.default();
    return new fc.FitBark(options).authorizeUrl();
  }, options);
  const authorize = new URL(url);
  expect(authorize.origin).toBe(new URL(options.baseUrl).origin);
  expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Authorization required' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Authorize' })).toBeVisible();
});
