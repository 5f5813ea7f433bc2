// Defences added with the Rust SDK, each with a test that fails without it: a forged callback
// cannot complete connect(); a refresh that fails for a server or network reason keeps the session;
// RFC 9207's `iss` must name the provider; completeAuthorization() without a response leaves a
// pending sign-in alone; the callback page's token reaches no other request.
const {
  test,
  expect,
  APP,
  FITRANKINGS,
  FITBARK,
  card,
  gotoDemo,
  waitReady,
  storedSession,
  openFitRankingsConsent,
  connectFitRankings,
  openFitBarkAuthorize,
  recordBrokerCalls,
  connectFitBark,
} = require('./helpers');

test('a callback the SDK did not ask for does not complete connect(), by channel or by message', async ({
  page,
  context,
  sandbox,
}) => {
  // COOP on the consent page: the real callback reports over the BroadcastChannel, the path a
  // forger would use.
  await sandbox.settings(FITRANKINGS, { coop: true });
  const popup = await openFitRankingsConsent(page);

  // A same-origin page opened without an opener (as a foreign site's noopener link would) runs the
  // app's own callback page with an attacker's token: it broadcasts, with no nonce.
  const forged = await context.newPage();
  await forged.goto(`${APP}/callback.html?token=attacker-token&user_id=666`);
  // And a page that posts a well-formed message to the app window directly (it is not the popup).
  const poster = await context.newPage();
  await poster.goto(`${APP}/style.css`);
  await poster.evaluate(() => {
    const channel = new BroadcastChannel('fitconnect');
    channel.postMessage({ type: 'fitconnect:callback', search: '?token=attacker-2&user_id=667', hash: '', nonce: 'guess' });
    channel.close();
  });
  await page.evaluate(() => window.postMessage({ type: 'fitconnect:callback', search: '?token=attacker-3&user_id=668', hash: '' }, location.origin));
  await page.waitForTimeout(700);
  expect(await storedSession(page, 'fitrankings')).toBeNull();
  await expect(card(page, 'fitrankings')).not.toHaveAttribute('data-state', 'connected');

  // The real popup still completes it, with the provider's token.
  await popup.getByRole('button', { name: 'Allow' }).click();
  await expect(card(page, 'fitrankings')).toHaveAttribute('data-state', 'connected');
  const session = await storedSession(page, 'fitrankings');
  expect(session.accessToken).not.toMatch(/^attacker/);
  expect(session.userId).not.toBe('666');
});

test('a refresh that fails with a 5xx or no answer keeps the session; invalid_grant ends it', async ({ page, sandbox }) => {
  await gotoDemo(page);
  await connectFitBark(page);
  const before = await storedSession(page, 'fitbark');
  const answers = [
    { status: 504, contentType: 'application/json', body: JSON.stringify({ error: 'temporarily_unavailable' }) },
    { status: 502, contentType: 'text/html', body: '<h1>Bad Gateway</h1>' },
    'abort',
    { status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'invalid_grant' }) },
  ];
  let next = 0;
  await page.route(`${APP}/broker/fitbark/token`, (route) => {
    const answer = answers[next++];
    return answer === 'abort' ? route.abort('connectionreset') : route.fulfill(answer);
  });
  const outcomes = [];
  for (let i = 0; i < answers.length; i++) {
    outcomes.push(await page.evaluate(async () => {
      try {
        await window.fitconnectDemo.fitbark._refresh();
        return 'refreshed';
      } catch (e) {
        return { code: e.code, status: e.status, oauthError: e.oauthError, kept: Object.keys(sessionStorage).some((k) => k.startsWith('fitconnect:session:fitbark:')) };
      }
    }));
  }
  expect(outcomes).toEqual([
    { code: 'http_error', status: 504, oauthError: 'temporarily_unavailable', kept: true },
    { code: 'http_error', status: 502, kept: true },
    { code: 'network_error', kept: true },
    { code: 'oauth_error', status: 400, oauthError: 'invalid_grant', kept: false },
  ]);
  expect(before.refreshToken).toBeTruthy();
  expect((await sandbox.counters(FITBARK)).refresh_token).toBe(0);
});

test('an authorization response whose iss names another server stops before any exchange', async ({ page, sandbox }) => {
  const brokerCalls = recordBrokerCalls(page);
  await gotoDemo(page);
  await openFitBarkAuthorize(page);
  const state = new URL(page.url()).searchParams.get('state');
  // A code from the real authorise page, delivered with another issuer's name (a mix-up attack).
  await page.goto(`${APP}/?code=stolen&state=${encodeURIComponent(state)}&iss=${encodeURIComponent('https://evil.example')}`);
  await waitReady(page);
  await expect(card(page, 'fitbark').getByTestId('error-code')).toHaveText('invalid_callback');
  expect(brokerCalls).toEqual([]);
  expect((await sandbox.counters(FITBARK)).authorization_code).toBe(0);
  expect(await storedSession(page, 'fitbark')).toBeNull();
});

test('completeAuthorization() on a page without a response rejects and leaves the pending sign-in alone', async ({ page }) => {
  await page.goto(`${APP}/style.css`);
  const out = await page.evaluate(async (FITBARK) => {
    const sdk = await import('/pkg/fitconnect.js');
    await sdk.default();
    const fb = new sdk.FitBark({ clientId: 'c', redirectUri: `${location.origin}/`, tokenEndpoint: '/broker/fitbark/token', baseUrl: FITBARK });
    fb.authorizeUrl();
    const pending = sessionStorage.getItem(fb._storageKeys.transaction);
    const error = await fb.completeAuthorization().then(() => null, (e) => ({ code: e.code, provider: e.provider }));
    return { error, kept: sessionStorage.getItem(fb._storageKeys.transaction) === pending && pending !== null };
  }, FITBARK);
  expect(out).toEqual({ error: { code: 'invalid_callback', provider: 'fitbark' }, kept: true });
});

test("the callback page's token reaches no other request, and leaves the address bar first", async ({ page, context }) => {
  const seen = [];
  context.on('request', (req) => seen.push({ url: req.url(), referer: req.headers().referer ?? '' }));
  await gotoDemo(page);
  await connectFitRankings(page);
  const { accessToken } = await storedSession(page, 'fitrankings');
  const callbackLoads = seen.filter((r) => r.url.startsWith(`${APP}/callback.html`));
  expect(callbackLoads).toHaveLength(1);
  const after = seen.slice(seen.indexOf(callbackLoads[0]) + 1);
  // What the callback page loaded: the SDK (its module, its snippets and the wasm) and its own script.
  const fromCallback = after.filter((r) => r.url.startsWith(APP) && !r.url.includes('/broker/') && !r.url.includes('/demo-config'));
  for (const r of seen) {
    expect(r.referer, `${r.url} carries the token in Referer`).not.toContain(accessToken);
    if (r !== callbackLoads[0]) expect(r.url, 'a request URL carries the token').not.toContain(accessToken);
  }
  expect(fromCallback.length).toBeGreaterThan(0);
});
