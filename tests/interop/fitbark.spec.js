// FitBark's redirect flow against oidc-provider: the SDK in the browser, fitconnect-server's
// broker adding the client secret, oidc-provider standing where app.fitbark.com would.
import { APP, FITBARK, FITBARK_REDIRECT_URI } from './ports.mjs';
import { test, expect, fitbarkTxKey, apiFetch, authorizeFitBark, completeFitBark, open, session } from './helpers.js';

const BASE64URL_256 = /^[A-Za-z0-9_-]{43}$/;

/** A Bearer call made outside the browser, to see what the server thinks of a token. */
async function userStatus(request, token) {
  return (await request.get(`${FITBARK}/api/v2/user`, { headers: { Authorization: `Bearer ${token}` } })).status();
}

/** Connects all the way: authorise, consent, complete. Answers the session. */
async function connect(page) {
  await authorizeFitBark(page);
  const done = await completeFitBark(page);
  expect(done.ok, JSON.stringify(done.error)).toBe(true);
  return done.value;
}

test('FitBark: redirect with state and PKCE S256, code exchanged through the broker, Bearer call accepted', async ({ page, op }) => {
  const before = Date.now();
  const redirect = await authorizeFitBark(page);

  // What oidc-provider received from the SDK's authorize URL.
  const { authorizations } = await op.counters(FITBARK);
  expect(authorizations).toHaveLength(1);
  const [sent] = authorizations;
  expect(sent).toMatchObject({ responseType: 'code', codeChallengeMethod: 'S256', redirectUri: FITBARK_REDIRECT_URI });
  expect(sent.codeChallenge).toMatch(BASE64URL_256);
  expect(sent.state.length).toBeGreaterThanOrEqual(43);

  // The way back: the state echoed, a code, and the issuer (RFC 9207) equal to FitBark's base URL.
  expect(redirect.searchParams.get('state')).toBe(sent.state);
  expect(redirect.searchParams.get('code')).toBeTruthy();
  expect(redirect.searchParams.get('iss')).toBe(FITBARK);
  expect(await page.evaluate(() => window.interop.fitbark.hasAuthorizationResponse())).toBe(true);

  const done = await completeFitBark(page);
  expect(done.ok, JSON.stringify(done.error)).toBe(true);
  const s = done.value;
  expect(s).toMatchObject({ provider: 'fitbark' });
  expect(s.tokenType.toLowerCase()).toBe('bearer');
  expect(typeof s.accessToken).toBe('string');
  expect(typeof s.refreshToken).toBe('string');
  // oidc-provider's access tokens here live an hour.
  expect(s.expiresAt).toBeGreaterThanOrEqual(before + 3_590_000);
  expect(s.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);

  // The address bar no longer shows the response, and nothing is left to complete.
  const url = new URL(page.url());
  for (const name of ['code', 'state', 'iss']) expect(url.searchParams.has(name), name).toBe(false);
  expect(await page.evaluate((key) => sessionStorage.getItem(key), await fitbarkTxKey(page))).toBeNull();

  const after = await op.counters(FITBARK);
  expect(after.grants).toEqual({ authorization_code: 1 });
  expect(after.errors).toEqual([]);

  const user = await apiFetch(page, 'fitbark', '/api/v2/user');
  expect(user.ok, JSON.stringify(user.error)).toBe(true);
  expect(user.value).toEqual({ status: 200, body: { user: expect.objectContaining({ slug: 'interop-user' }) } });
  expect((await op.counters(FITBARK)).api.tokens).toEqual([s.accessToken]);
});

test('FitBark: a 401 from the API refreshes once through the broker; the refresh token rotates and the spent one is refused', async ({ page, op, request }) => {
  const first = await connect(page);

  // The server stops accepting the access token while the SDK still thinks it valid.
  await op.expireAccessTokens(FITBARK);
  expect(await userStatus(request, first.accessToken)).toBe(401);

  const dogs = await apiFetch(page, 'fitbark', '/api/v2/dog_relations');
  expect(dogs.ok, JSON.stringify(dogs.error)).toBe(true);
  expect(dogs.value.status).toBe(200);
  expect(dogs.value.body.dog_relations[0].dog.slug).toBe('rex-interop');

  const second = await session(page, 'fitbark');
  expect(second.accessToken).not.toBe(first.accessToken);
  expect(second.refreshToken).not.toBe(first.refreshToken);
  const counters = await op.counters(FITBARK);
  expect(counters.grants).toEqual({ authorization_code: 1, refresh_token: 1 });
  // The 401 (its Bearer challenge), then the retry with the new token.
  expect(counters.api.unauthorized).toBe(2); // one from userStatus above, one from the SDK's call
  expect(counters.api.tokens).toEqual([second.accessToken]);

  // The spent refresh token, replayed through the broker, is refused by oidc-provider...
  const replay = await page.evaluate(async (refreshToken) => {
    const res = await fetch('/broker/fitbark/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return { status: res.status, body: await res.json() };
  }, first.refreshToken);
  expect(replay.status).toBe(400);
  expect(replay.body.error).toBe('invalid_grant');

  // ...which treats the reuse as a theft and revokes the whole grant (RFC 9700 §4.14.2): the
  // SDK's next call gets a 401, its refresh is refused, and the session ends with a typed error.
  const after = await apiFetch(page, 'fitbark', '/api/v2/user');
  expect(after.ok).toBe(false);
  expect(after.error).toMatchObject({ fitConnectError: true, code: 'oauth_error', oauthError: 'invalid_grant', provider: 'fitbark' });
  expect(await session(page, 'fitbark')).toBeNull();
});

test('FitBark: a wrong code_verifier is refused by oidc-provider and surfaces as oauth_error invalid_grant', async ({ page, op }) => {
  await authorizeFitBark(page);
  // Someone changed the stored verifier: the exchange goes ahead with a well-formed, wrong one.
  const { stored, wrong } = await page.evaluate((key) => {
    const tx = JSON.parse(sessionStorage.getItem(key));
    const original = tx?.verifier;
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    tx.verifier = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    sessionStorage.setItem(key, JSON.stringify(tx));
    return { stored: original, wrong: tx.verifier };
  }, await fitbarkTxKey(page));
  expect(stored, 'the stored transaction keeps its PKCE verifier under `verifier`').toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
  expect(wrong).toMatch(BASE64URL_256);
  expect(wrong).not.toBe(stored);

  const done = await completeFitBark(page);
  expect(done.ok).toBe(false);
  expect(done.error).toMatchObject({
    fitConnectError: true, isError: true, code: 'oauth_error', oauthError: 'invalid_grant', provider: 'fitbark', status: 400,
  });
  expect(done.error.message).not.toContain(wrong);
  expect(await session(page, 'fitbark')).toBeNull();

  const counters = await op.counters(FITBARK);
  expect(counters.grants).toEqual({});
  expect(counters.errors).toEqual([
    { grantType: 'authorization_code', error: 'invalid_grant', detail: 'code_verifier does not match code_challenge' },
  ]);
});

test('FitBark: a replayed code is refused by oidc-provider, surfaces as oauth_error invalid_grant and revokes its tokens', async ({ page, op, request }) => {
  const redirect = await authorizeFitBark(page);
  const tx = await page.evaluate((key) => sessionStorage.getItem(key), await fitbarkTxKey(page));
  const done = await completeFitBark(page);
  expect(done.ok, JSON.stringify(done.error)).toBe(true);
  const first = done.value;
  expect(await userStatus(request, first.accessToken)).toBe(200);

  // The same redirect again, without its transaction (it was consumed): stopped in the browser,
  // nothing is sent.
  await open(page, `${redirect.pathname}${redirect.search}`);
  const stopped = await completeFitBark(page);
  expect(stopped.ok).toBe(false);
  expect(stopped.error).toMatchObject({ fitConnectError: true, code: 'state_mismatch', provider: 'fitbark' });
  expect((await op.counters(FITBARK)).errors).toEqual([]);

  // The same redirect with a copy of the transaction: the code reaches oidc-provider a second time.
  await page.evaluate(([key, value]) => sessionStorage.setItem(key, value), [await fitbarkTxKey(page), tx]);
  await open(page, `${redirect.pathname}${redirect.search}`);
  const replayed = await completeFitBark(page);
  expect(replayed.ok).toBe(false);
  expect(replayed.error).toMatchObject({
    fitConnectError: true, code: 'oauth_error', oauthError: 'invalid_grant', provider: 'fitbark', status: 400,
  });
  const counters = await op.counters(FITBARK);
  expect(counters.grants).toEqual({ authorization_code: 1 });
  expect(counters.errors).toEqual([
    { grantType: 'authorization_code', error: 'invalid_grant', detail: expect.stringMatching(/already (used|consumed)/) },
  ]);
  // RFC 6749 §4.1.2: the tokens issued for a code used twice are revoked.
  expect(await userStatus(request, first.accessToken)).toBe(401);
});

test('FitBark: Deny on the consent page surfaces as access_denied, with nothing exchanged', async ({ page, op }) => {
  const redirect = await authorizeFitBark(page, 'Deny');
  expect(redirect.searchParams.get('error')).toBe('access_denied');
  expect(redirect.searchParams.get('iss')).toBe(FITBARK);
  const done = await completeFitBark(page);
  expect(done.ok).toBe(false);
  expect(done.error).toMatchObject({ fitConnectError: true, code: 'access_denied', provider: 'fitbark' });
  expect(await session(page, 'fitbark')).toBeNull();
  expect((await op.counters(FITBARK)).grants).toEqual({});
  expect(new URL(page.url()).origin).toBe(APP);
});
