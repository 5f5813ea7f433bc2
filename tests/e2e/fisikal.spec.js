// Fisikal: the password grant needs the client secret, so the login goes through the app's broker.
const { test, expect, APP, FISIKAL, card, gotoDemo, storedSession, sandboxAccount, signInWithPassword } = require('./helpers');

function parseBody(req) {
  const body = req.postData() ?? '';
  const type = req.headers()['content-type'] ?? '';
  return type.includes('json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
}

test('signs in through the broker (no secret in the browser) and shows locations and the schedule', async ({
  page,
  request,
  sandbox,
}) => {
  const sent = [];
  page.on('request', (req) => sent.push(req));
  await gotoDemo(page);
  const account = await sandboxAccount(page, 'fisikal');
  const fk = await signInWithPassword(page, 'fisikal');
  await expect(fk.getByTestId('status')).toHaveText('Connected to Fisikal');

  // The login went to the app's own origin, with the credentials and no client secret.
  const tokenCalls = sent.filter((r) => /\/oauth\/token|\/broker\/fisikal\/token/.test(new URL(r.url()).pathname));
  expect(tokenCalls.map((r) => r.url())).toEqual([`${APP}/broker/fisikal/token`]);
  expect(tokenCalls[0].method()).toBe('POST');
  const body = parseBody(tokenCalls[0]);
  expect(body).toMatchObject({ grant_type: 'password', username: account.username, password: account.password });
  expect(body).not.toHaveProperty('client_secret');
  expect(tokenCalls[0].postData()).not.toMatch(/secret/i);
  expect(sent.filter((r) => new URL(r.url()).origin === FISIKAL && new URL(r.url()).pathname === '/oauth/token')).toEqual([]);
  expect((await sandbox.counters(FISIKAL)).password).toBe(1);

  const session = await storedSession(page, 'fisikal');
  expect(session).toMatchObject({ provider: 'fisikal' });
  expect(typeof session.refreshToken).toBe('string');

  // The locations and schedule shown are the instance's, fetched with the Bearer token.
  const auth = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const { locations } = await (await request.get(`${FISIKAL}/api/unified/clubs/locations`, auth)).json();
  expect(locations.length).toBeGreaterThan(0);
  const items = fk.getByTestId('location');
  await expect(items).toHaveCount(locations.length);
  await expect(items.first()).toContainText(locations[0].name);
  await expect(fk.getByTestId('schedule').locator('tbody tr').first()).toBeVisible();
  const dataCalls = sent.filter((r) => new URL(r.url()).origin === FISIKAL && r.method() === 'GET');
  expect(dataCalls.map((r) => new URL(r.url()).pathname)).toEqual(
    expect.arrayContaining(['/api/unified/clubs/locations', '/api/web/schedule/occurrences']),
  );
  for (const r of dataCalls) expect(r.headers().authorization).toBe(`Bearer ${session.accessToken}`);
});

test('a wrong password through the broker comes back as the provider’s invalid_grant', async ({ page, sandbox }) => {
  await gotoDemo(page);
  const account = await sandboxAccount(page, 'fisikal');
  const fk = card(page, 'fisikal');
  await fk.getByLabel(/user name/i).fill(account.username);
  await fk.getByLabel('Password', { exact: true }).fill('wrong-pass');
  await fk.getByLabel('Password', { exact: true }).press('Enter');
  await expect(fk.getByTestId('error-code')).toHaveText('oauth_error');
  await expect(fk.getByTestId('oauth-error')).toHaveText('invalid_grant');
  await expect(fk.getByTestId('error')).toContainText('Wrong user name or password.');
  await expect(fk.getByLabel('Password', { exact: true })).toHaveValue('');
  expect(await storedSession(page, 'fisikal')).toBeNull();
  expect((await sandbox.counters(FISIKAL)).password).toBe(1);
});
