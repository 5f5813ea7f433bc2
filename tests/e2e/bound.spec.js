// Tokens and passwords go only where the app configured: a connect button's attributes (HTML that
// could be injected) do not override the app's URL settings, and a Bearer call whose answer
// redirects to another origin does not carry the token there.
const http = require('node:http');
const { test, expect, APP, FISIKAL } = require('./helpers');

// Any document of the app's origin (see sdk.spec.js).
const PAGE = `${APP}/style.css`;

test('button attributes do not override the URLs the app set, and resolve against the address, not <base>', async ({ page }) => {
  const elsewhere = [];
  page.on('request', (req) => {
    if (new URL(req.url()).hostname.endsWith('.example')) elsewhere.push(req.url());
  });
  await page.goto(PAGE);
  const out = await page.evaluate(async (FISIKAL) => {
    const sdk = await import('/pkg/fitconnect.js');
    await sdk.default();
    sdk.defineConnectButtons({ providers: { fisikal: { baseUrl: FISIKAL, tokenEndpoint: '/broker/fisikal/token' } } });
    // What injected HTML could add: a <base> element and buttons whose attributes name other
    // servers. (Built with createElement: this plain-text page does not upgrade parsed elements.)
    const base = document.createElement('base');
    base.href = 'https://evil.example/';
    document.head.append(base);
    const button = (id, attributes) => {
      const element = document.createElement('fitconnect-button');
      element.id = id;
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      document.body.append(element);
    };
    button('fk', { provider: 'fisikal', 'token-endpoint': 'https://elsewhere.example/token', 'base-url': 'https://elsewhere.example' });
    button('fb', { provider: 'fitbark', 'client-id': 'c', 'redirect-uri': '/back', 'token-endpoint': '/broker/fitbark/token' });
    if (document.baseURI !== 'https://evil.example/') throw new Error('the <base> element did not apply');
    const fk = document.getElementById('fk').client._config;
    const fb = document.getElementById('fb').client._config;
    return { fk: { baseUrl: fk.baseUrl, tokenUrl: fk.tokenUrl }, fb: { redirectUri: fb.redirectUri, tokenUrl: fb.tokenUrl } };
  }, FISIKAL);
  expect(out.fk).toEqual({ baseUrl: FISIKAL, tokenUrl: `${APP}/broker/fisikal/token` });
  // Attributes the app left to the page still work, resolved against the page's own address.
  expect(out.fb).toEqual({ redirectUri: `${APP}/back`, tokenUrl: `${APP}/broker/fitbark/token` });
  expect(elsewhere).toEqual([]);
});

// Two loopback servers: `api` plays the provider's API and answers /moved with a redirect to
// `other`, which records the Authorization header of every request it gets.
async function servers() {
  const seen = [];
  const cors = (res, origin) => {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Headers', 'authorization');
  };
  const other = http.createServer((req, res) => {
    seen.push({ method: req.method, authorization: req.headers.authorization ?? null });
    cors(res, req.headers.origin ?? '*');
    res.end('{}');
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherOrigin = `http://127.0.0.1:${other.address().port}`;
  const api = http.createServer((req, res) => {
    cors(res, APP);
    if (req.method === 'OPTIONS') return res.end();
    res.statusCode = 302;
    res.setHeader('Location', `${otherOrigin}/landing`);
    res.end();
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  const close = () => Promise.all([api, other].map((s) => new Promise((resolve) => s.close(resolve))));
  return { apiOrigin: `http://127.0.0.1:${api.address().port}`, seen, close };
}

test('a Bearer call answered with a redirect to another origin does not carry the token there', async ({ page }) => {
  const { apiOrigin, seen, close } = await servers();
  try {
    await page.goto(PAGE);
    const outcome = await page.evaluate(async (apiOrigin) => {
      const sdk = await import('/pkg/fitconnect.js');
      await sdk.default();
      const gym = new sdk.PerfectGym({ baseUrl: apiOrigin });
      sessionStorage.setItem(gym._storageKeys.session, JSON.stringify({ provider: 'perfectgym', accessToken: 'club-token', tokenType: 'bearer' }));
      return gym.fetch('/moved').then((r) => ({ status: r.status }), (e) => ({ code: e.code }));
    }, apiOrigin);
    // Whether the browser then lets the page read the other origin's answer is CORS's business;
    // what matters is what the other origin received.
    expect(outcome).toBeTruthy();
    expect(seen.length, 'the redirect was followed').toBeGreaterThan(0);
    expect(seen.map((r) => r.authorization)).not.toContain('Bearer club-token');
  } finally {
    await close();
  }
});
