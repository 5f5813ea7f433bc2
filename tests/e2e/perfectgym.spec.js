// PerfectGym: legacy password grant (and Facebook token) straight to the club's host; v2 data through the broker.
const {
  test,
  expect,
  APP,
  PERFECTGYM,
  card,
  screenshotPath,
  gotoDemo,
  storedSession,
  sandboxAccount,
  submitPasswordForm,
  signInWithPassword,
} = require('./helpers');

const DAY_MS = 86_400_000;

// Everything the page sent: URL, method, headers and body, in order.
function recordRequests(page) {
  const sent = [];
  page.on('request', (req) =>
    sent.push({ url: req.url(), method: req.method(), headers: req.headers(), body: req.postData() ?? '' }),
  );
  return sent;
}

async function storageDump(page) {
  return page.evaluate(() =>
    [sessionStorage, localStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`)).join('\n'),
  );
}

test('the sandbox account signs in through the form; the password travels in one form-encoded body only', async ({
  page,
  request,
  sandbox,
}) => {
  const sent = recordRequests(page);
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(msg.text()));

  await gotoDemo(page);
  const account = await sandboxAccount(page, 'perfectgym');
  const pg = card(page, 'perfectgym');
  await expect(pg.getByTestId('sandbox-account')).toContainText(account.username);
  await expect(pg.getByTestId('sandbox-account')).toContainText(account.password);
  await expect(pg.getByText('legacy password grant')).toBeVisible();
  await expect(pg.getByLabel('Password', { exact: true })).toHaveAttribute('autocomplete', 'current-password');
  await expect(pg.getByLabel(/user name/i)).toHaveAttribute('autocomplete', 'username');

  await submitPasswordForm(page, 'perfectgym', account);
  await expect(pg.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(pg).toHaveAttribute('data-state', 'connected');
  await expect(pg.getByTestId('status')).toHaveText('Connected to PerfectGym');
  const rows = pg.getByTestId('classes').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await expect(pg.locator('form.signin')).toBeHidden();

  const session = await storedSession(page, 'perfectgym');
  expect(session).toMatchObject({ provider: 'perfectgym' });
  expect(typeof session.accessToken).toBe('string');
  expect(session.refreshToken ?? null).toBeNull(); // PerfectGym issues none
  expect(session.expiresAt).toBeGreaterThan(Date.now() + 89 * DAY_MS); // expires_in 7775999 s

  // The classes shown are upcoming ones from the timetable pages the card read with this token.
  const auth = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const pages = sent.filter((r) => r.url.startsWith(`${PERFECTGYM}/Api/Classes/Classes?page=`)).map((r) => r.url);
  expect(pages.length).toBeGreaterThan(0);
  const upcoming = new Map();
  for (const url of pages) {
    const { elements } = await (await request.get(url, auth)).json();
    for (const c of elements) if (Date.parse(c.startDate) >= Date.now() - 60_000) upcoming.set(c.id, c);
  }
  const names = new Set([...upcoming.values()].map((c) => c.classType.name));
  await expect(rows).toHaveCount(6);
  for (const cell of await rows.locator('th .cell-main').allTextContents()) {
    expect(names, cell).toContain(cell.replace(/ Booked$/, ''));
  }

  // One login request: form-encoded, password grant, to the club's own host.
  const logins = sent.filter((r) => r.url === `${PERFECTGYM}/Api/oauth/authorize`);
  expect(logins.map((r) => r.method)).toEqual(['POST']);
  expect(logins[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  const form = new URLSearchParams(logins[0].body);
  expect(form.get('grant_type')).toBe('password');
  expect(form.get('username')).toBe(account.username);
  expect(form.get('password')).toBe(account.password);
  expect((await sandbox.counters(PERFECTGYM)).password).toBe(1);

  // The password is nowhere else: no other request, no storage, no console line.
  const needles = [account.password, encodeURIComponent(account.password)];
  for (const r of sent.filter((x) => x !== logins[0])) {
    for (const needle of needles) {
      expect(r.url, 'password in a URL').not.toContain(needle);
      expect(r.body, `password in the body of ${r.url}`).not.toContain(needle);
    }
  }
  expect(await storageDump(page)).not.toContain(account.password);
  expect(consoleLines.filter((line) => line.includes(account.password))).toEqual([]);
  // Data calls carry the token, never the password.
  const dataCalls = sent.filter((r) => r.url.startsWith(`${PERFECTGYM}/Api/Classes/`));
  expect(dataCalls.length).toBeGreaterThan(0);
  for (const r of dataCalls) expect(r.headers.authorization).toBe(`Bearer ${session.accessToken}`);
});

test('a wrong password reads "Wrong user name or password."; the Facebook token then signs in', async ({
  page,
  sandbox,
}) => {
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(msg.text()));
  await page.setViewportSize({ width: 1280, height: 900 });
  await gotoDemo(page);
  const account = await sandboxAccount(page, 'perfectgym');
  const pg = card(page, 'perfectgym');
  const wrong = 'not-the-password-42';

  await submitPasswordForm(page, 'perfectgym', { username: account.username, password: wrong });
  await expect(pg.getByTestId('error-code')).toHaveText('oauth_error');
  await expect(pg.getByTestId('oauth-error')).toHaveText('invalid_grant');
  await expect(pg.getByTestId('error')).toContainText('Wrong user name or password.');
  await expect(pg.getByTestId('error-description')).toContainText('The user name or password is incorrect.');
  await expect(pg.getByTestId('status')).toHaveText('Not connected');
  // The field is emptied after a failure too; the user name stays for the next try.
  await expect(pg.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(pg.getByLabel(/user name/i)).toHaveValue(account.username);
  await expect(pg.getByRole('button', { name: 'Sign in to PerfectGym' })).toBeEnabled();
  expect(await storedSession(page, 'perfectgym')).toBeNull();
  expect(consoleLines.filter((line) => line.includes(wrong))).toEqual([]);
  expect(await storageDump(page)).not.toContain(wrong);
  await pg.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('demo-password-error.png'), fullPage: true });

  await pg.getByRole('button', { name: 'Sign in with Facebook (sandbox token)' }).click();
  await expect(pg).toHaveAttribute('data-state', 'connected');
  await expect(pg.getByTestId('error')).toBeHidden();
  await expect(pg.getByTestId('classes').locator('tbody tr').first()).toBeVisible();
  expect(await storedSession(page, 'perfectgym')).toMatchObject({ provider: 'perfectgym' });
  expect(await sandbox.counters(PERFECTGYM)).toMatchObject({ password: 1, facebook: 1 });

  // Disconnect brings the form back.
  await pg.getByRole('button', { name: 'Disconnect' }).click();
  await expect(pg.getByTestId('status')).toHaveText('Not connected');
  await expect(pg.getByRole('button', { name: 'Sign in to PerfectGym' })).toBeVisible();
  expect(await storedSession(page, 'perfectgym')).toBeNull();
});

test('the v2 timetable comes through the app’s server, which keeps the member directory shut; the browser never holds the client secret', async ({
  page,
  request,
}) => {
  const sent = recordRequests(page);
  await gotoDemo(page);
  const config = await page.evaluate(() => window.fitconnectDemo.config);
  expect(JSON.stringify(config)).not.toMatch(/secret/i);

  const pg = await signInWithPassword(page, 'perfectgym');
  const timetable = pg.getByTestId('timetable');
  await expect(timetable).toContainText('via your server');
  await expect(timetable.locator('tbody tr').first()).toBeVisible();
  // No member directory on the page.
  await expect(pg.getByTestId('members')).toHaveCount(0);

  // What the card shows is what the broker answers for the same query, asked with the member's
  // own token (the broker's v2 proxy answers only a signed-in member).
  const v2 = sent.filter((r) => r.url.includes('/broker/perfectgym/v2/'));
  expect(v2).toHaveLength(1);
  expect(new URL(v2[0].url).origin).toBe(APP);
  expect(new URL(v2[0].url).pathname).toBe('/broker/perfectgym/v2/odata/Classes');
  const { accessToken } = await storedSession(page, 'perfectgym');
  const auth = { authorization: `Bearer ${accessToken}` };
  const answer = await (await request.get(v2[0].url, { headers: auth })).json();
  expect(answer.value.length).toBeGreaterThan(0);
  await expect(timetable).toContainText(`${answer.value.length} classes in the next 7 days`);
  await expect(timetable).toContainText(answer.value[0].classType.name);
  // Without the member's token the broker answers nobody.
  expect((await request.get(v2[0].url)).status()).toBe(401);
  // With it, the member directory is still off the demo's allow-list: refused, PerfectGym not asked.
  const directory = await request.get(`${APP}/broker/perfectgym/v2/odata/Members?$top=5`, { headers: auth });
  expect(directory.status()).toBe(403);
  expect(await directory.text()).not.toContain('@');

  // The page asked its own origin; only the broker talks to PerfectGym's v2 API.
  expect(sent.filter((r) => r.url.startsWith(`${PERFECTGYM}/Api/v2.2/`))).toEqual([]);
  for (const r of sent) {
    const headerNames = Object.keys(r.headers).map((n) => n.toLowerCase());
    expect(headerNames, r.url).not.toContain('x-client-secret');
    expect(headerNames, r.url).not.toContain('x-client-id');
    expect(`${r.url}\n${r.body}`).not.toMatch(/secret/i);
  }
});
