// OpenFIT's password and rotating refresh grants against oidc-provider: the SDK posts straight to
// the identity server's /connect/token (a `password` grant registered with registerGrantType,
// oidc-provider's own refresh_token grant) and calls the API with the Bearer token.
import { OPENFIT_CLIENT_ID, OPENFIT_IDENTITY, OPENFIT_USER } from './ports.mjs';
import { test, expect, apiFetch, open, session } from './helpers.js';

const CREDENTIALS = { username: OPENFIT_USER.username, password: OPENFIT_USER.password };

/** Signs in on the OpenFIT page with `credentials`: `{ ok, value | error }`. */
async function login(page, credentials = CREDENTIALS) {
  await open(page, '/openfit.html');
  return page.evaluate((c) => window.interop.attempt(() => window.interop.openfit.login(c)), credentials);
}

/** A refresh token sent to the token endpoint outside the SDK, as a replay would be. */
async function refreshDirectly(request, refreshToken) {
  const res = await request.post(`${OPENFIT_IDENTITY}/connect/token`, {
    form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: OPENFIT_CLIENT_ID },
  });
  return { status: res.status(), body: await res.json() };
}

test('OpenFIT: password grant: a session with a refresh token, no refresh while more than 5 minutes remain', async ({ page, op }) => {
  const before = Date.now();
  const signedIn = await login(page);
  expect(signedIn.ok, JSON.stringify(signedIn.error)).toBe(true);
  const s = signedIn.value;
  expect(s).toMatchObject({ provider: 'openfit', scope: 'OpenFitApi offline_access' });
  expect(s.tokenType.toLowerCase()).toBe('bearer');
  expect(typeof s.refreshToken).toBe('string');
  expect(s.expiresAt).toBeGreaterThanOrEqual(before + 3_590_000);

  const clients = await apiFetch(page, 'openfit', '/api/clients');
  expect(clients.ok, JSON.stringify(clients.error)).toBe(true);
  expect(clients.value).toEqual({ status: 200, body: OPENFIT_USER.clients });
  const counters = await op.counters(OPENFIT_IDENTITY);
  expect(counters.grants).toEqual({ password: 1 });
  expect(counters.api.tokens).toEqual([s.accessToken]);
  expect(await session(page, 'openfit')).toEqual(s);
});

test('OpenFIT: an access token with under 5 minutes left is refreshed before the call; the refresh token rotates', async ({ page, op, request }) => {
  await op.settings(OPENFIT_IDENTITY, { accessTokenTtl: 240 });
  const signedIn = await login(page);
  expect(signedIn.ok, JSON.stringify(signedIn.error)).toBe(true);
  const first = signedIn.value;
  expect(first.expiresAt - Date.now()).toBeLessThan(300_000);

  const clients = await apiFetch(page, 'openfit', '/api/clients');
  expect(clients.ok, JSON.stringify(clients.error)).toBe(true);
  expect(clients.value.status).toBe(200);

  const second = await session(page, 'openfit');
  expect(second.accessToken).not.toBe(first.accessToken);
  expect(second.refreshToken).not.toBe(first.refreshToken);
  const counters = await op.counters(OPENFIT_IDENTITY);
  expect(counters.grants).toEqual({ password: 1, refresh_token: 1 });
  // Proactive: the old token never reached the API, so no 401 was needed.
  expect(counters.api.unauthorized).toBe(0);
  expect(counters.api.tokens).toEqual([second.accessToken]);

  // Single use: the spent refresh token is refused by oidc-provider.
  const replay = await refreshDirectly(request, first.refreshToken);
  expect(replay.status).toBe(400);
  expect(replay.body.error).toBe('invalid_grant');
});

test('OpenFIT: concurrent calls share one refresh', async ({ page, op }) => {
  await op.settings(OPENFIT_IDENTITY, { accessTokenTtl: 240 });
  const signedIn = await login(page);
  expect(signedIn.ok, JSON.stringify(signedIn.error)).toBe(true);
  const first = signedIn.value;

  const results = await page.evaluate(() => window.interop.attempt(() => Promise.all(
    Array.from({ length: 5 }, () => window.interop.openfit.fetch('/api/clients').then((r) => r.status)),
  )));
  expect(results).toEqual({ ok: true, value: [200, 200, 200, 200, 200] });

  const second = await session(page, 'openfit');
  expect(second.refreshToken).not.toBe(first.refreshToken);
  const counters = await op.counters(OPENFIT_IDENTITY);
  expect(counters.grants).toEqual({ password: 1, refresh_token: 1 });
  expect(counters.errors).toEqual([]);
  expect(counters.api.tokens).toEqual(Array(5).fill(second.accessToken));
});

test('OpenFIT: a refresh token the server revoked ends the session with oauth_error invalid_grant', async ({ page, op, request }) => {
  await op.settings(OPENFIT_IDENTITY, { accessTokenTtl: 240 });
  const signedIn = await login(page);
  expect(signedIn.ok, JSON.stringify(signedIn.error)).toBe(true);
  const res = await request.post(`${OPENFIT_IDENTITY}/connect/revocation`, {
    form: { token: signedIn.value.refreshToken, token_type_hint: 'refresh_token', client_id: OPENFIT_CLIENT_ID },
  });
  expect(res.status()).toBe(200);

  const clients = await apiFetch(page, 'openfit', '/api/clients');
  expect(clients.ok).toBe(false);
  expect(clients.error).toMatchObject({ fitConnectError: true, code: 'oauth_error', oauthError: 'invalid_grant', provider: 'openfit', status: 400 });
  expect(await session(page, 'openfit')).toBeNull();
  const counters = await op.counters(OPENFIT_IDENTITY);
  expect(counters.api.tokens).toEqual([]);
  expect(counters.errors).toEqual([expect.objectContaining({ grantType: 'refresh_token', error: 'invalid_grant' })]);
});

test('OpenFIT: a wrong password is refused by oidc-provider as invalid_grant and never shown', async ({ page, op }) => {
  const wrong = 'not-the-interop-pass';
  const signedIn = await login(page, { username: OPENFIT_USER.username, password: wrong });
  expect(signedIn.ok).toBe(false);
  expect(signedIn.error).toMatchObject({ fitConnectError: true, code: 'oauth_error', oauthError: 'invalid_grant', provider: 'openfit', status: 400 });
  expect(signedIn.error.message).not.toContain(wrong);
  expect(await session(page, 'openfit')).toBeNull();
  const counters = await op.counters(OPENFIT_IDENTITY);
  expect(counters.grants).toEqual({});
  expect(counters.errors).toEqual([{ grantType: 'password', error: 'invalid_grant', detail: 'invalid username or password' }]);
});
