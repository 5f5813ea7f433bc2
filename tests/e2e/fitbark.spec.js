// FitBark: authorisation-code redirect with state and PKCE, code exchange and refresh through the broker.
const {
  test,
  expect,
  APP,
  FITBARK,
  card,
  gotoDemo,
  waitReady,
  storedSession,
  openFitBarkAuthorize,
  recordBrokerCalls,
  connectFitBark,
  waitUntilExpired,
} = require('./helpers');

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function expectCleanAddressBar(page) {
  const url = new URL(page.url());
  for (const name of ['code', 'state', 'error', 'error_description']) {
    expect(url.searchParams.has(name), `address bar still has ${name}: ${page.url()}`).toBe(false);
  }
  expect(`${url.origin}${url.pathname}`).toBe(`${APP}/`);
}

// Runs fetches inside the page through the demo's FitBark client; answers the HTTP statuses.
function fetchStatuses(page, paths) {
  return page.evaluate(
    (list) => Promise.all(list.map(async (p) => (await window.fitconnectDemo.fitbark.fetch(p)).status)),
    paths,
  );
}

for (const pkce of ['ignore', 'enforce']) {
  test(`redirect round trip stores tokens, cleans the address bar and shows the dogs (pkce=${pkce})`, async ({
    page,
    request,
    sandbox,
  }) => {
    await sandbox.settings(FITBARK, { pkce });
    const browserToProvider = [];
    const brokerBodies = [];
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.origin === FITBARK && url.pathname === '/oauth/token') browserToProvider.push(req.url());
      if (url.origin === APP && url.pathname === '/broker/fitbark/token') brokerBodies.push(req.postData() || '');
    });

    await gotoDemo(page);
    await openFitBarkAuthorize(page);

    const url = new URL(page.url());
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('fitconnect-demo');
    expect(url.searchParams.get('redirect_uri')).toBe(`${APP}/`);
    const state = url.searchParams.get('state') || '';
    expect(state).toMatch(BASE64URL);
    expect(state.length).toBeGreaterThanOrEqual(22); // 128 bits
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/); // base64url SHA-256
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL((u) => u.origin === APP);
    await waitReady(page);

    const fb = card(page, 'fitbark');
    await expect(fb).toHaveAttribute('data-state', 'connected');
    await expect(fb.getByTestId('dog').first()).toBeVisible();
    await expect(fb.getByTestId('profile')).toBeVisible();
    await expect(fb.getByTestId('error')).toBeHidden();
    expectCleanAddressBar(page);

    const session = await storedSession(page, 'fitbark');
    expect(session).toMatchObject({ provider: 'fitbark' });
    expect(typeof session.accessToken).toBe('string');
    expect(session.accessToken).not.toBe('');
    expect(typeof session.refreshToken).toBe('string');
    expect(session.refreshToken).not.toBe('');
    expect(typeof session.expiresAt).toBe('number');
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    await expect(fb.getByTestId('session-token')).toHaveText(`${session.accessToken.slice(0, 6)}…`);
    await expect(fb.getByTestId('session-expiry')).toHaveText(/^Expires in /);

    // The dogs shown are the ones the provider holds for this token.
    const auth = { headers: { authorization: `Bearer ${session.accessToken}` } };
    const { dog_relations: relations } = await (await request.get(`${FITBARK}/api/v2/dog_relations`, auth)).json();
    expect(relations.length).toBeGreaterThan(0);
    const dogs = fb.getByTestId('dog');
    await expect(dogs).toHaveCount(relations.length);
    await expect(dogs.first()).toContainText(relations[0].dog.name);
    await expect(dogs.first()).toContainText(relations[0].status, { ignoreCase: true });
    const { user } = await (await request.get(`${FITBARK}/api/v2/user`, auth)).json();
    await expect(fb.getByTestId('profile')).toContainText(user.username);

    expect((await sandbox.counters(FITBARK)).authorization_code).toBe(1);
    // The code goes to the app's broker with the verifier; the browser never calls the provider's token endpoint.
    expect(browserToProvider).toEqual([]);
    expect(brokerBodies).toHaveLength(1);
    expect(brokerBodies[0]).toContain('code_verifier');
  });
}

test('Deny comes back as access_denied with a clean address bar', async ({ page, sandbox }) => {
  await gotoDemo(page);
  await openFitBarkAuthorize(page);
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.waitForURL((u) => u.origin === APP);
  await waitReady(page);

  const fb = card(page, 'fitbark');
  await expect(fb.getByTestId('error-code')).toHaveText('access_denied');
  await expect(fb.getByTestId('error')).toContainText('You declined access.');
  await expect(fb.getByTestId('status')).toHaveText('Not connected');
  expectCleanAddressBar(page);
  expect(await storedSession(page, 'fitbark')).toBeNull();
  expect((await sandbox.counters(FITBARK)).authorization_code).toBe(0);
});

test('an expired access token is refreshed once, with rotation, before the call', async ({ page, sandbox }) => {
  await sandbox.settings(FITBARK, { accessTokenTtlSeconds: 1 });
  await gotoDemo(page);
  await connectFitBark(page);
  const before = await storedSession(page, 'fitbark');
  // The 1-second token is still fresh while the demo loads its data: nothing to refresh yet.
  expect((await sandbox.counters(FITBARK)).refresh_token, 'refreshes before the token expired').toBe(0);

  await waitUntilExpired(page);
  expect(await fetchStatuses(page, ['/api/v2/user'])).toEqual([200]);

  const counters = await sandbox.counters(FITBARK);
  expect(counters.refresh_token).toBe(1);
  expect(counters.authorization_code).toBe(1);
  const after = await storedSession(page, 'fitbark');
  expect(after.refreshToken).toBeTruthy();
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(after.accessToken).not.toBe(before.accessToken);
});

test('a 401 from the API triggers one refresh and one retry', async ({ page, sandbox }) => {
  await gotoDemo(page);
  await connectFitBark(page);
  const before = await storedSession(page, 'fitbark');

  await sandbox.expireTokens(FITBARK);
  expect(await fetchStatuses(page, ['/api/v2/user'])).toEqual([200]);

  expect((await sandbox.counters(FITBARK)).refresh_token).toBe(1);
  const after = await storedSession(page, 'fitbark');
  expect(after.accessToken).not.toBe(before.accessToken);
  expect(after.refreshToken).not.toBe(before.refreshToken);
});

test('20 concurrent calls on an expired token share one refresh', async ({ page, sandbox }) => {
  await sandbox.settings(FITBARK, { accessTokenTtlSeconds: 1 });
  await gotoDemo(page);
  await connectFitBark(page);
  // The 1-second token is still fresh while the demo loads its data: nothing to refresh yet.
  expect((await sandbox.counters(FITBARK)).refresh_token, 'refreshes before the token expired').toBe(0);

  await waitUntilExpired(page);
  const paths = Array.from({ length: 20 }, (_, i) => (i % 2 ? '/api/v2/user' : '/api/v2/dog_relations'));
  expect(await fetchStatuses(page, paths)).toEqual(Array(20).fill(200));
  expect((await sandbox.counters(FITBARK)).refresh_token).toBe(1);
});

test('a tampered state is rejected as state_mismatch and no code is exchanged', async ({ page, sandbox }) => {
  const brokerCalls = recordBrokerCalls(page);
  await gotoDemo(page);
  await openFitBarkAuthorize(page);

  await page.goto(`${APP}/?code=x&state=wrong`);
  await waitReady(page);

  const fb = card(page, 'fitbark');
  await expect(fb.getByTestId('error-code')).toHaveText('state_mismatch');
  await expect(fb.getByTestId('status')).toHaveText('Not connected');
  expect(await storedSession(page, 'fitbark')).toBeNull();
  expect(brokerCalls).toEqual([]);
  expect((await sandbox.counters(FITBARK)).authorization_code).toBe(0);
});
