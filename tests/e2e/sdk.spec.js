// The SDK's classes on a bare page of the app's origin (no demo code): sessions and their events,
// stored values, Bearer fetch and its origin check, option checks, FitBark's state and PKCE, the
// password grant, expiry, and the storage fallback.
const { test, expect, APP, FITRANKINGS, FITBARK, PERFECTGYM } = require('./helpers');

// Any document of the app's origin, served from loopback (a page made up by page.route counts as
// a public address, and Chromium then blocks its requests to the loopback sandbox).
const PAGE = `${APP}/style.css`;

test.beforeEach(async ({ page }) => {
  await page.goto(PAGE);
  await page.evaluate(async ({ FITRANKINGS, PERFECTGYM }) => {
    sessionStorage.clear();
    const sdk = await import('/pkg/fitconnect.js');
    await sdk.default();
    window.sdk = sdk;
    window.fitrankings = () => new sdk.FitRankings({ clientId: 'fitconnect-demo', callbackUri: `${location.origin}/callback.html`, baseUrl: FITRANKINGS });
    window.perfectgym = () => new sdk.PerfectGym({ baseUrl: PERFECTGYM });
    window.storeFitRankings = (accessToken, userId) => sessionStorage.setItem(fitrankings()._storageKeys.session,
      JSON.stringify({ provider: 'fitrankings', accessToken, tokenType: 'bearer', userId }));
    window.failure = (promise) => promise.then(() => null, (e) => ({
      isError: e instanceof Error, isSdkError: e instanceof sdk.FitConnectError, name: e.name, code: e.code,
      message: e.message, provider: e.provider, status: e.status, oauthError: e.oauthError, description: e.description,
    }));
  }, { FITRANKINGS, PERFECTGYM });
});

test("the demo's pages preload the SDK: one download of the wasm, which init() uses", async ({ page }) => {
  for (const path of ['/', '/callback.html']) {
    const wasm = [];
    page.on('request', (req) => { if (req.url().endsWith('/fitconnect_bg.wasm')) wasm.push(req.url()); });
    const preloaded = [];
    page.on('console', (m) => { if (/preload/i.test(m.text())) preloaded.push(m.text()); });
    await page.goto(`${APP}${path}`);
    // The demo has loaded the SDK (the callback page, without an opener, has handled its address).
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/fitconnect_bg.wasm') && e.responseEnd > 0));
    await page.waitForLoadState('networkidle');
    expect(wasm, `${path} fetches the wasm once`).toHaveLength(1);
    expect(preloaded, `${path}: no unused preload`).toEqual([]);
    page.removeAllListeners('request');
    page.removeAllListeners('console');
  }
});

test('session round trip and change events, shared by every instance', async ({ page }) => {
  const out = await page.evaluate(() => {
    const fr = fitrankings();
    const before = fr.session;
    storeFitRankings('tok-123', '42');
    const session = fr.session;
    // The getter hands out copies: changing one changes nothing stored.
    session.accessToken = 'changed';
    const seen = [];
    const unsubscribe = fr.onSessionChange((s) => seen.push(s));
    fitrankings().disconnect();
    const afterDisconnect = { seen: seen.length, first: seen[0], stored: sessionStorage.getItem(fr._storageKeys.session), session: fr.session };
    unsubscribe();
    storeFitRankings('tok-456', '42');
    fr.disconnect();
    return { before, session, afterDisconnect, seenAfterUnsubscribe: seen.length };
  });
  expect(out.before).toBeNull();
  expect(out.session).toMatchObject({ provider: 'fitrankings', userId: '42', tokenType: 'bearer' });
  expect(out.afterDisconnect).toEqual({ seen: 1, first: null, stored: null, session: null });
  expect(out.seenAfterUnsubscribe).toBe(1);
  expect(await page.evaluate(() => { storeFitRankings('tok-123', '42'); return fitrankings().session.accessToken; })).toBe('tok-123');
});

test('corrupt or foreign stored values read as no session and are removed', async ({ page }) => {
  const out = await page.evaluate(() => ['not json', '{}',
    '{"provider":"fitbark","accessToken":"x","tokenType":"bearer"}',
    '{"provider":"fitrankings","accessToken":7,"tokenType":"bearer"}',
  ].map((bad) => {
    const key = fitrankings()._storageKeys.session;
    sessionStorage.setItem(key, bad);
    return [fitrankings().session, sessionStorage.getItem(key)];
  }));
  for (const [session, stored] of out) {
    expect(session).toBeNull();
    expect(stored).toBeNull();
  }
});

test('Bearer fetch reaches the sandbox; a wrong token comes back as its 401', async ({ page, request }) => {
  const issued = await (await request.post(`${FITRANKINGS}/__sandbox/issue-token`)).json();
  const out = await page.evaluate(async ({ token, userId }) => {
    storeFitRankings(token, userId);
    const ok = await fitrankings().fetch('/iq/users/');
    const users = await ok.json();
    storeFitRankings('not-a-token', '1');
    const wrong = await fitrankings().fetch('/iq/users/');
    return { status: ok.status, users, wrongStatus: wrong.status };
  }, { token: issued.token, userId: issued.user_id });
  expect(out.status).toBe(200);
  // A user token sees only its own user.
  expect(out.users).toHaveLength(1);
  expect(String(out.users[0].id)).toBe(issued.user_id);
  expect(out.wrongStatus).toBe(401);
});

test('the token is never sent to another origin', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => { if (r.headers().authorization) requests.push(r.url()); });
  const https = FITRANKINGS.replace('http://', 'https://');
  const out = await page.evaluate(async (urls) => {
    storeFitRankings('secret-token', '1');
    const fr = fitrankings();
    const results = [];
    for (const url of urls) results.push(await failure(fr.fetch(url)));
    results.push(await failure(fr.fetch(1)));
    return results;
  }, [`${FITBARK}/api/v2/user`, '//evil.example/iq/users/', 'https://evil.example/iq/users/', `${https}/iq/users/`, 'javascript:alert(1)']);
  for (const e of out) {
    expect(e).toMatchObject({ isError: true, isSdkError: true, name: 'FitConnectError', code: 'invalid_config' });
    expect(e.message).not.toContain('secret-token');
  }
  expect(requests).toEqual([]);
});

test('fetch without a session is not_connected', async ({ page }) => {
  const e = await page.evaluate(() => failure(fitrankings().fetch('/iq/users/')));
  expect(e).toMatchObject({ isSdkError: true, code: 'not_connected', provider: 'fitrankings' });
});

test('constructors refuse bad options and secrets, with the secret in no message', async ({ page }) => {
  const out = await page.evaluate((FITBARK) => {
    const attempt = (f) => { try { f(); return null; } catch (e) { return { isSdkError: e instanceof sdk.FitConnectError, code: e.code, message: e.message }; } };
    return [
      attempt(() => new sdk.FitRankings({ clientId: 'a' })),
      attempt(() => new sdk.FitRankings({ clientId: 'a', callbackUri: 'https://app/cb', clientSecret: 's3cret' })),
      attempt(() => new sdk.FitBark({ clientId: 'a', redirectUri: 'https://app/', tokenEndpoint: 'https://app/token', baseUrl: 'ftp://fitbark' })),
      attempt(() => new sdk.FitRankings('nope')),
      attempt(() => new sdk.FitRankings()),
      attempt(() => new sdk.OpenFit({ clientId: 'a', environment: { identityUrl: FITBARK, apiUrl: FITBARK, secret: 'x' } })),
      attempt(() => new sdk.FitRankings({ clientId: 7, callbackUri: 'https://app/cb' })),
    ];
  }, FITBARK);
  for (const e of out) expect(e).toMatchObject({ isSdkError: true, code: 'invalid_config' });
  expect(out[1].message).not.toContain('s3cret');
});

test('FitBark authorize URL carries 256-bit state and a PKCE S256 challenge, fresh each time', async ({ page }) => {
  const out = await page.evaluate((FITBARK) => {
    const fb = new sdk.FitBark({ clientId: 'fitconnect-demo', redirectUri: `${location.origin}/`, tokenEndpoint: '/broker/fitbark/token', baseUrl: FITBARK });
    const first = new URL(fb.authorizeUrl());
    const tx = sessionStorage.getItem(fb._storageKeys.transaction);
    const second = new URL(fb.authorizeUrl());
    return { first: Object.fromEntries(first.searchParams), tx, second: Object.fromEntries(second.searchParams), origin: first.origin };
  }, FITBARK);
  expect(out.origin).toBe(FITBARK);
  expect(out.first).toMatchObject({ response_type: 'code', client_id: 'fitconnect-demo', code_challenge_method: 'S256' });
  expect(out.first.code_challenge).toHaveLength(43);
  expect(out.first.state).toHaveLength(43);
  expect(out.tx).toContain(out.first.state);
  expect(out.second.state).not.toBe(out.first.state);
  expect(out.second.code_challenge).not.toBe(out.first.code_challenge);
});

test('PerfectGym password login stores a session without the password, and fetch works', async ({ page }) => {
  const out = await page.evaluate(async () => {
    const gym = perfectgym();
    const session = await gym.login({ username: 'member@perfectgym.test', password: 'gym-member-pass' });
    const stored = sessionStorage.getItem(gym._storageKeys.session);
    const response = await gym.fetch('/Api/Classes/Classes');
    const body = await response.json();
    return { session, stored, now: Date.now(), status: response.status, elements: Array.isArray(body.elements) };
  });
  expect(out.session.provider).toBe('perfectgym');
  expect(out.session.refreshToken).toBeUndefined();
  expect(Math.abs(out.session.expiresAt - out.now - 7_775_999_000)).toBeLessThan(60_000);
  expect(out.stored).not.toContain('gym-member-pass');
  expect(out).toMatchObject({ status: 200, elements: true });
});

test('a wrong password is a readable oauth_error without the password; missing fields are refused', async ({ page }) => {
  const out = await page.evaluate(async () => ({
    wrong: await failure(perfectgym().login({ username: 'member@perfectgym.test', password: 'wrong-Pa55' })),
    session: perfectgym().session,
    empty: await failure(perfectgym().login({ username: 'member@perfectgym.test', password: '' })),
    none: await failure(perfectgym().login()),
    facebook: await failure(perfectgym().loginWithFacebook('')),
  }));
  expect(out.wrong).toMatchObject({ isSdkError: true, code: 'oauth_error', oauthError: 'invalid_grant', status: 400, provider: 'perfectgym' });
  expect(out.wrong.description).toBeTruthy();
  expect(out.wrong.message).not.toContain('wrong-Pa55');
  expect(out.session).toBeNull();
  for (const e of [out.empty, out.none, out.facebook]) expect(e).toMatchObject({ isSdkError: true, code: 'invalid_config' });
});

test('an expired session without a refresh token is cleared', async ({ page }) => {
  const out = await page.evaluate(async () => {
    sessionStorage.setItem(perfectgym()._storageKeys.session,
      '{"provider":"perfectgym","accessToken":"old","tokenType":"bearer","expiresAt":1000}');
    const gym = perfectgym();
    return { error: await failure(gym.fetch('/Api/Classes/Classes')), session: gym.session };
  });
  expect(out.error).toMatchObject({ code: 'not_connected' });
  expect(out.session).toBeNull();
});

test('a throwing sessionStorage keeps the session in memory and says so once', async ({ page }) => {
  const out = await page.evaluate(async () => {
    let fallbacks = 0;
    addEventListener('fitconnect:storagefallback', () => { fallbacks += 1; });
    storeFitRankings('kept', '1');
    Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };
    const gym = perfectgym();
    const session = await gym.login({ username: 'member@perfectgym.test', password: 'gym-member-pass' });
    const result = {
      // The session written during the failure is kept (in memory), not lost.
      kept: gym.session?.accessToken === session.accessToken,
      inStorage: sessionStorage.getItem(gym._storageKeys.session),
      // Values stored before the failure are still read.
      before: fitrankings().session?.accessToken,
    };
    gym.disconnect();
    result.afterDisconnect = gym.session;
    Storage.prototype.getItem = function () { throw new DOMException('blocked', 'SecurityError'); };
    result.afterBlockedRead = gym.session;
    result.fallbacks = fallbacks;
    return result;
  });
  expect(out).toEqual({ kept: true, inStorage: null, before: 'kept', afterDisconnect: null, afterBlockedRead: null, fallbacks: 1 });
});

test('a client created before init() throws a FitConnectError that says to await init(); after init() it works', async ({ page }) => {
  await page.goto(`${PAGE}?fresh`);
  const out = await page.evaluate(async () => {
    const sdk = await import('/pkg/fitconnect.js?before-init');
    const attempt = (f) => { try { f(); return null; } catch (e) { return { isFitConnectError: e instanceof sdk.FitConnectError, code: e.code, message: e.message }; } };
    const early = attempt(() => new sdk.FitRankings({ clientId: 'a', callbackUri: 'https://app/cb' }));
    const define = attempt(() => sdk.defineConnectButtons());
    const callback = await sdk.handleCallback().then(() => null, (e) => e.code);
    await Promise.all([sdk.default(), sdk.default()]);
    const late = new sdk.FitRankings({ clientId: 'a', callbackUri: 'https://app/cb' }).session;
    return { early, define, callback, late };
  });
  // The package entry guards the generated classes: not wasm-bindgen's TypeError.
  expect(out.early).toEqual({
    isFitConnectError: true,
    code: 'invalid_config',
    message: "new FitRankings() was called before init() resolved: `await init()` (import init from 'fitconnect') first",
  });
  expect(out.define?.code).toBe('invalid_config');
  expect(out.callback).toBe('invalid_config');
  expect(out.late).toBeNull();
});

test('init() loads the wasm from a URL, a Response, bytes or a compiled module, bare or as { module_or_path }; a failed load can be retried', async ({ page }) => {
  const results = {};
  for (const name of ['string', 'url', 'request', 'response', 'bytes', 'module', 'wrapped', 'promise']) {
    // A new document per input: the generated glue loads the wasm once per page.
    await page.goto(`${PAGE}?fresh-${name}`);
    results[name] = await page.evaluate(async (name) => {
      const wasm = new URL('/pkg/fitconnect_bg.wasm', location.href);
      const bytes = await (await fetch(wasm)).arrayBuffer();
      const inputs = {
        string: () => wasm.href,
        url: () => wasm,
        request: () => new Request(wasm),
        response: () => fetch(wasm),
        bytes: () => bytes,
        module: () => WebAssembly.compile(bytes),
        wrapped: async () => ({ module_or_path: await WebAssembly.compile(bytes) }),
        promise: () => fetch(wasm),
      };
      const sdk = await import('/pkg/fitconnect.js');
      // (A promise of a Response is passed as it is, not awaited here.)
      await sdk.default(name === 'promise' ? inputs[name]() : await inputs[name]());
      return new sdk.FitRankings({ clientId: 'a', callbackUri: 'https://app/cb' }).session === null;
    }, name);
  }
  await page.goto(`${PAGE}?fresh-retry`);
  const retry = await page.evaluate(async () => {
    const sdk = await import('/pkg/fitconnect.js');
    const missing = await sdk.default('/pkg/no-such.wasm').then(() => null, (e) => ({ rejected: e instanceof Error }));
    await sdk.default();
    return { missing, retried: new sdk.FitRankings({ clientId: 'a', callbackUri: 'https://app/cb' }).session === null };
  });
  expect(results).toEqual({ string: true, url: true, request: true, response: true, bytes: true, module: true, wrapped: true, promise: true });
  expect(retry).toEqual({ missing: { rejected: true }, retried: true });
});

// Smoke test: each rule and its message is asserted natively (src/core/options.rs, src/core/url.rs,
// src/providers/*.rs, tests/option_rules.rs); what crosses from JavaScript is in tests/options.rs.
test('a bad option is invalid_config naming the provider, for every class', async ({ page }) => {
  const cases = [
    ['FitRankings', { callbackUri: 'u' }],
    ['FitBark', { clientId: 'c', redirectUri: 'r' }],
    ['OpenFit', { clientId: 'c', environment: 'staging' }],
    ['PerfectGym', {}],
    ['Fisikal', { baseUrl: 'https://g' }],
  ];
  const out = await page.evaluate((cases) => cases.map(([name, options]) => {
    try {
      new sdk[name](options);
      return null;
    } catch (e) {
      return { isSdkError: e instanceof sdk.FitConnectError, code: e.code, provider: e.provider, hasMessage: typeof e.message === 'string' && e.message.length > 0 };
    }
  }), cases);
  const ids = { FitRankings: 'fitrankings', FitBark: 'fitbark', PerfectGym: 'perfectgym', OpenFit: 'openfit', Fisikal: 'fisikal' };
  cases.forEach(([name, options], i) => {
    expect(out[i], `${name} ${JSON.stringify(options)}`).toEqual({ isSdkError: true, code: 'invalid_config', provider: ids[name], hasMessage: true });
  });
});

test('valid options become the client configuration the core works with', async ({ page }) => {
  const out = await page.evaluate(() => {
    const openfit = new sdk.OpenFit({ clientId: 'of', environment: 'test', refreshSkewSeconds: 60 });
    const custom = new sdk.OpenFit({ clientId: 'of', environment: { identityUrl: 'https://ids.example/', apiUrl: 'https://api.example' } });
    const fitbark = new sdk.FitBark({ clientId: 'c', redirectUri: 'https://app.example/', tokenEndpoint: '/broker/fitbark/token', scope: '', pkce: null });
    const gym = new sdk.PerfectGym({ baseUrl: 'https://club.example/' });
    const fr = new sdk.FitRankings({ clientId: 'my app', callbackUri: 'https://app.example/cb.html', timeoutMs: null });
    return [openfit, custom, fitbark, gym, fr].map((c) => c._config);
  });
  expect(out[0]).toMatchObject({ baseUrl: 'https://of-api-internal.azurewebsites.net', tokenUrl: 'https://of-identity-internal.azurewebsites.net/connect/token', skewMs: 60_000, tokenStyle: 'form' });
  expect(out[1]).toMatchObject({ baseUrl: 'https://api.example', tokenUrl: 'https://ids.example/connect/token', skewMs: 300_000 });
  expect(out[2]).toMatchObject({ baseUrl: 'https://app.fitbark.com', tokenUrl: `${APP}/broker/fitbark/token`, tokenStyle: 'json', pkce: true });
  expect(out[2].scope).toBeUndefined();
  expect(out[3]).toMatchObject({ baseUrl: 'https://club.example', tokenUrl: 'https://club.example/Api/oauth/authorize', clientId: '' });
  expect(out[4]).toMatchObject({
    baseUrl: 'https://api.fitrankings.com',
    popupUrl: 'https://api.fitrankings.com/iq/oauth2/?client_id=my%20app&callback_uri=https%3A%2F%2Fapp.example%2Fcb.html',
    timeoutMs: 300_000,
  });
});

test('a token response too large to be one is invalid_response, and nothing is stored', async ({ page }) => {
  await page.route(`${PERFECTGYM}/Api/oauth/authorize`, (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    headers: { 'Access-Control-Allow-Origin': APP },
    body: JSON.stringify({ access_token: 'a'.repeat(300_000), token_type: 'bearer' }),
  }));
  const out = await page.evaluate(async () => ({
    error: await failure(perfectgym().login({ username: 'member@perfectgym.test', password: 'gym-member-pass' })),
    session: perfectgym().session,
  }));
  expect(out.error).toMatchObject({ isSdkError: true, code: 'invalid_response', provider: 'perfectgym' });
  expect(out.session).toBeNull();
});

test('token request bodies: forms to the providers, JSON to the app server, for sign-in and refresh', async ({ page }) => {
  const seen = [];
  const answer = (route) => {
    const request = route.request();
    seen.push([request.headers()['content-type'], request.postData()]);
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': APP },
      body: JSON.stringify({ access_token: `at${seen.length}`, token_type: 'bearer', refresh_token: `rt${seen.length}`, expires_in: 60 }),
    });
  };
  await page.route('https://club.example/**', answer);
  await page.route('https://ids.example/**', answer);
  await page.route(`${APP}/capture/**`, answer);
  await page.evaluate(async () => {
    const gym = new sdk.PerfectGym({ baseUrl: 'https://club.example' });
    await gym.login({ username: 'zoë@example.com', password: 'p@ss wörd&=+' });
    await gym.loginWithFacebook('fb tok');
    const openfit = new sdk.OpenFit({ clientId: 'of-web', environment: { identityUrl: 'https://ids.example', apiUrl: 'https://api.example' } });
    await openfit.login({ username: 'alice', password: 'pw' });
    await openfit._refresh();
    const fisikal = new sdk.Fisikal({ baseUrl: 'https://gym.example', tokenEndpoint: '/capture/fisikal' });
    await fisikal.login({ username: 'bob', password: 'p"w' });
    await fisikal._refresh();
  });
  const form = 'application/x-www-form-urlencoded';
  expect(seen).toEqual([
    [form, 'grant_type=password&username=zo%C3%AB%40example.com&password=p%40ss+w%C3%B6rd%26%3D%2B'],
    [form, 'grant_type=password&facebookToken=fb+tok'],
    [form, 'grant_type=password&scope=OpenFitApi+offline_access&client_id=of-web&username=alice&password=pw'],
    [form, 'grant_type=refresh_token&refresh_token=rt3&client_id=of-web'],
    ['application/json', '{"grant_type":"password","username":"bob","password":"p\\"w"}'],
    ['application/json', '{"grant_type":"refresh_token","refresh_token":"rt5","client_id":""}'],
  ]);
});

test('a client that cannot refresh opens no channel at start; the first that can opens the one rotation channel', async ({ page }) => {
  // A fresh page: the module, and its once-per-page listener, not yet loaded.
  await page.goto(PAGE);
  const out = await page.evaluate(async (FITRANKINGS) => {
    const opened = [];
    const Native = window.BroadcastChannel;
    window.BroadcastChannel = class extends Native {
      constructor(name) {
        super(name);
        opened.push(name);
      }
    };
    const sdk = await import(`/pkg/fitconnect.js?fresh=${Date.now()}`);
    await sdk.default();
    new sdk.FitRankings({ clientId: 'fitconnect-demo', callbackUri: `${location.origin}/callback.html`, baseUrl: FITRANKINGS });
    const afterFitRankings = [...opened];
    new sdk.OpenFit({ clientId: 'fitconnect-demo' });
    new sdk.OpenFit({ clientId: 'fitconnect-demo' });
    return { afterFitRankings, afterOpenFit: [...opened] };
  }, FITRANKINGS);
  expect(out.afterFitRankings).toEqual([]);
  expect(out.afterOpenFit).toEqual(['fitconnect:rotation']);
});
