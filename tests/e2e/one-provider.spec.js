// The npm package's one-provider entries (pkg-npm/<id>/, `fitconnect/<id>`) in the browser, loaded
// as a page without a bundler loads them (the entry, its glue and snippets as modules, its own wasm)
// and used against the sandbox: a password sign-in and a Bearer call with PerfectGym alone, and
// FitBark alone up to the sandbox's consent page.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect, APP, PERFECTGYM, gotoDemo, sandboxAccount } = require('./helpers');

const PKG_NPM = path.join(__dirname, '..', '..', 'pkg-npm');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

// Serves pkg-npm/ at /one/ on the demo's origin, from the files the build wrote.
async function servePackage(page) {
  await page.route(`${APP}/one/**`, async (route) => {
    const file = path.join(PKG_NPM, decodeURIComponent(new URL(route.request().url()).pathname.slice('/one/'.length)));
    if (!file.startsWith(PKG_NPM + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
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
