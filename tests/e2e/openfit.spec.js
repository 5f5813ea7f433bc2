// OpenFIT: password grant at the identity server, proactive refresh with single-use rotating refresh tokens.
const {
  test,
  expect,
  OPENFIT_IDENTITY,
  OPENFIT_API,
  sessionKey,
  card,
  gotoDemo,
  storedSession,
  sandboxAccount,
  signInWithPassword,
  patchDemoConfig,
} = require('./helpers');

// Short tokens for the refresh tests. The demo's own client refreshes only in the last 2 s, so it leaves
// them alone while loading its data; a second client with a long skew then finds a refresh due.
const SHORT_TTL_SECONDS = 8;
const DEMO_SKEW_SECONDS = 2;
const DUE_SKEW_SECONDS = 60;

async function shortLivedSignIn(page, sandbox) {
  await sandbox.settings(OPENFIT_IDENTITY, { accessTokenTtlSeconds: SHORT_TTL_SECONDS });
  await patchDemoConfig(page, { openfit: { refreshSkewSeconds: DEMO_SKEW_SECONDS } });
  await gotoDemo(page);
  const c = await signInWithPassword(page, 'openfit');
  expect(await sandbox.counters(OPENFIT_IDENTITY)).toMatchObject({ password: 1, refresh_token: 0 });
  const session = await storedSession(page, 'openfit');
  expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(SHORT_TTL_SECONDS * 1000 + 500);
  return { card: c, session };
}

// Fetches in the page through a new OpenFit client that sees a refresh as due; answers the statuses.
function fetchWithDueRefresh(page, paths, skewSeconds = DUE_SKEW_SECONDS) {
  return page.evaluate(
    async ({ list, skew }) => {
      const { OpenFit } = await import('/pkg/fitconnect.js');
      const { clientId, environment } = window.fitconnectDemo.config.openfit;
      const client = new OpenFit({ clientId, environment, refreshSkewSeconds: skew });
      return Promise.all(list.map(async (p) => (await client.fetch(p)).status));
    },
    { list: paths, skew: skewSeconds },
  );
}

test('signs in with the password grant and refreshes proactively, rotating the refresh token', async ({
  page,
  request,
  sandbox,
}) => {
  const logins = [];
  page.on('request', (req) => {
    if (req.url() === `${OPENFIT_IDENTITY}/connect/token`) logins.push(req);
  });
  const { card: of, session: before } = await shortLivedSignIn(page, sandbox);
  const account = await sandboxAccount(page, 'openfit');

  // The login body: form-encoded, password grant, the API scope plus offline_access, the public client id.
  expect(logins).toHaveLength(1);
  expect(logins[0].headers()['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  const form = new URLSearchParams(logins[0].postData());
  expect(Object.fromEntries(form)).toEqual({
    grant_type: 'password',
    scope: 'OpenFitApi offline_access',
    client_id: 'openfit-demo',
    username: account.username,
    password: account.password,
  });
  expect(typeof before.refreshToken).toBe('string');

  // Clients and the first client's sessions, as the API holds them.
  const auth = { headers: { authorization: `Bearer ${before.accessToken}` } };
  const clients = await (await request.get(`${OPENFIT_API}/api/clients`, auth)).json();
  expect(clients.length).toBeGreaterThan(0);
  await expect(of.getByTestId('clients').locator('tbody tr').first()).toContainText(clients[0].firstName);
  await expect(of.getByTestId('sessions')).toBeVisible();

  expect(await fetchWithDueRefresh(page, ['/api/clients'])).toEqual([200]);
  expect(await sandbox.counters(OPENFIT_IDENTITY)).toMatchObject({ password: 1, refresh_token: 1 });
  const after = await storedSession(page, 'openfit');
  expect(after.refreshToken).toBeTruthy();
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(after.accessToken).not.toBe(before.accessToken);
  expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
  const refresh = new URLSearchParams(logins[1].postData());
  expect(refresh.get('grant_type')).toBe('refresh_token');
  expect(refresh.get('client_id')).toBe('openfit-demo');
  expect(refresh.has('password')).toBe(false);
});

test('50 concurrent fetches on a nearly expired token share exactly one refresh', async ({ page, request, sandbox }) => {
  const { session } = await shortLivedSignIn(page, sandbox);
  const auth = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const [first] = await (await request.get(`${OPENFIT_API}/api/clients`, auth)).json();
  const paths = Array.from({ length: 50 }, (_, i) => (i % 2 ? '/api/clients' : `/api/clients/${first.id}/sessions`));
  const statuses = await fetchWithDueRefresh(page, paths);
  expect(statuses).toEqual(Array(50).fill(200));
  expect(await sandbox.counters(OPENFIT_IDENTITY)).toMatchObject({ password: 1, refresh_token: 1 });
});

test('a refresh token the provider refuses ends the session: it is cleared and the fetch rejects with oauth_error', async ({
  page,
  sandbox,
}) => {
  await gotoDemo(page);
  const of = await signInWithPassword(page, 'openfit');
  const key = await sessionKey(page, 'openfit');
  const oldRaw = await page.evaluate((key) => sessionStorage.getItem(key), key);
  const old = JSON.parse(oldRaw);

  // One refresh rotates the refresh token (the old one is now spent).
  expect(await fetchWithDueRefresh(page, ['/api/clients'], 1e6)).toEqual([200]);
  expect((await sandbox.counters(OPENFIT_IDENTITY)).refresh_token).toBe(1);
  expect((await storedSession(page, 'openfit')).refreshToken).not.toBe(old.refreshToken);

  // A session whose refresh token the provider no longer knows (revoked on its side; a copy of a
  // session this tab rotated would take its successor instead), then make its access token fail.
  const revoked = JSON.stringify({ ...old, refreshToken: 'revoked-at-the-provider' });
  await page.evaluate(
    ({ key, raw }) => {
      sessionStorage.setItem(key, raw);
      window.sessionChanges = [];
      window.fitconnectDemo.openfit.onSessionChange((s) => window.sessionChanges.push(s));
    },
    { key, raw: revoked },
  );
  await sandbox.expireTokens(OPENFIT_IDENTITY);
  await sandbox.expireTokens(OPENFIT_API);

  const outcome = await page.evaluate(async () => {
    const { FitConnectError } = await import('/pkg/fitconnect.js');
    try {
      const res = await window.fitconnectDemo.openfit.fetch('/api/clients');
      return { resolved: res.status };
    } catch (err) {
      return {
        isFitConnectError: err instanceof FitConnectError,
        code: err.code,
        provider: err.provider,
        oauthError: err.oauthError,
        message: String(err.message),
      };
    }
  });
  expect(outcome).toMatchObject({ isFitConnectError: true, code: 'oauth_error', provider: 'openfit', oauthError: 'invalid_grant' });
  expect(outcome.message).not.toContain('revoked-at-the-provider');
  expect(await sandbox.counters(OPENFIT_IDENTITY)).toMatchObject({ password: 1, refresh_token: 2 });
  expect(await storedSession(page, 'openfit')).toBeNull();
  expect(await page.evaluate(() => window.sessionChanges)).toEqual([null]);
  // The card follows the SDK: signed out, with the form back.
  await expect(of.getByTestId('status')).toHaveText('Not connected');
  await expect(of.getByRole('button', { name: 'Sign in to OpenFIT' })).toBeVisible();
  await expect(card(page, 'openfit').getByTestId('clients')).toHaveCount(0);
});
