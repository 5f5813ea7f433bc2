// FitRankings: sign-in in a pop-up, token returned to callback.html, data fetched with the user token.
const {
  test,
  expect,
  APP,
  FITRANKINGS,
  card,
  screenshotPath,
  gotoDemo,
  storedSession,
  openFitRankingsPopup,
  answerConsent,
} = require('./helpers');

test('Allow in the 400x600 pop-up stores the session and fetches data with the Bearer token', async ({
  page,
  request,
}) => {
  const providerRequests = [];
  page.on('request', (req) => {
    if (new URL(req.url()).origin === FITRANKINGS) providerRequests.push(req);
  });
  await gotoDemo(page);
  const fr = card(page, 'fitrankings');
  await expect(fr.getByTestId('status')).toHaveText('Not connected');

  const popup = await openFitRankingsPopup(page);

  const url = new URL(popup.url());
  expect(url.origin).toBe(FITRANKINGS);
  expect(url.pathname).toBe('/iq/oauth2/');
  expect(url.searchParams.get('client_id')).toBe('fitconnect-demo');
  expect(url.searchParams.get('callback_uri')).toBe(`${APP}/callback.html`);

  // Playwright sizes a pop-up from its window.open features (without them it would get the context's
  // 1280x720), and headless Chromium then reports inner = outer = 400x600.
  expect(popup.viewportSize()).toEqual({ width: 400, height: 600 });
  const size = await popup.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
  expect(Math.abs(size.w - 400)).toBeLessThanOrEqual(16);
  expect(Math.abs(size.h - 600)).toBeLessThanOrEqual(40);

  await expect(fr.getByTestId('status')).toContainText('FitRankings window');
  await answerConsent(popup);

  await expect(fr).toHaveAttribute('data-state', 'connected');
  await expect(fr.getByTestId('status')).toHaveText('Connected to FitRankings');
  const session = await storedSession(page, 'fitrankings');
  expect(session).toMatchObject({ provider: 'fitrankings' });
  expect(typeof session.accessToken).toBe('string');
  expect(session.accessToken.length).toBeGreaterThan(6);
  expect(String(session.userId || '')).not.toBe('');
  await expect(fr.getByTestId('session-token')).toHaveText(`${session.accessToken.slice(0, 6)}…`);
  await expect(fr.getByTestId('session-user')).toHaveText(String(session.userId));
  // What the card shows is what the provider holds for this token.
  const auth = { headers: { authorization: `Bearer ${session.accessToken}` } };
  const users = await (await request.get(`${FITRANKINGS}/iq/users/`, auth)).json();
  const activities = await (await request.get(`${FITRANKINGS}/iq/activities/?page=1&page_size=20`, auth)).json();
  expect(activities.length).toBeGreaterThan(0);
  await expect(fr.getByTestId('profile')).toContainText(users[0].email);
  const rows = fr.getByTestId('activities').locator('tbody tr');
  await expect(rows).toHaveCount(activities.length);
  await expect(rows.first()).toContainText(activities[0].title);
  const i = activities.findIndex((a) => Number(a.distance) > 0);
  expect(i, 'an activity with a distance').toBeGreaterThanOrEqual(0);
  const km = (Number(activities[i].distance) / 1000).toLocaleString('en', { maximumFractionDigits: 2 });
  await expect(rows.nth(i)).toContainText(`${km} km`);
  await expect(rows.nth(i)).toContainText(`${Math.round(Number(activities[i].duration) / 60)} min`);

  const dataCalls = providerRequests.filter((req) => req.method() === 'GET' && new URL(req.url()).pathname !== '/iq/oauth2/');
  const paths = dataCalls.map((req) => new URL(req.url()).pathname);
  expect(paths).toEqual(expect.arrayContaining(['/iq/users/', '/iq/activities/']));
  for (const req of dataCalls) {
    const headers = await req.allHeaders();
    expect(headers.authorization, req.url()).toBe(`Bearer ${session.accessToken}`);
  }

  // Disconnect forgets the session and the data.
  await fr.getByRole('button', { name: 'Disconnect' }).click();
  await expect(fr.getByTestId('status')).toHaveText('Not connected');
  await expect(fr.getByTestId('activities')).toHaveCount(0);
  expect(await storedSession(page, 'fitrankings')).toBeNull();
});

test('Deny closes the pop-up (popup_closed); with deny=redirect it reports access_denied', async ({ page, sandbox }) => {
  await gotoDemo(page);
  const fr = card(page, 'fitrankings');

  let popup = await openFitRankingsPopup(page);
  const closed = popup.waitForEvent('close');
  // As a person would, after reading the page: a popup that closes before its page was ever seen
  // may have been cut off by Cross-Origin-Opener-Policy, which is not reported as popup_closed.
  await popup.getByRole('button', { name: 'Deny' }).waitFor();
  await page.waitForTimeout(400);
  await popup.getByRole('button', { name: 'Deny' }).click();
  await closed;
  await expect(fr.getByTestId('error-code')).toHaveText('popup_closed');
  await expect(fr.getByTestId('error')).toContainText('The sign-in window was closed before finishing.');
  await expect(fr.getByTestId('status')).toHaveText('Not connected');

  await sandbox.settings(FITRANKINGS, { deny: 'redirect' });
  popup = await openFitRankingsPopup(page);
  await expect(fr.getByTestId('error')).toBeHidden(); // a new attempt clears the old message
  await answerConsent(popup, 'Deny');
  await expect(fr.getByTestId('error-code')).toHaveText('access_denied');
  await expect(fr.getByTestId('error')).toContainText('You declined access.');
  await page.screenshot({ path: screenshotPath('demo-error.png'), fullPage: true });
  expect(await storedSession(page, 'fitrankings')).toBeNull();
});

test('closing the pop-up reports popup_closed and allows a new attempt', async ({ page, sandbox }) => {
  await gotoDemo(page);
  const fr = card(page, 'fitrankings');

  const popup = await openFitRankingsPopup(page);
  // As a person would: the consent page is on screen for a moment before they close it. (A popup
  // that looks closed before the provider's page was ever seen may have been cut off by
  // Cross-Origin-Opener-Policy; see coop.spec.js.)
  await popup.getByRole('button', { name: 'Allow' }).waitFor();
  await page.waitForTimeout(400);
  await popup.close();
  await expect(fr.getByTestId('error-code')).toHaveText('popup_closed');
  await expect(fr.getByTestId('status')).toHaveText('Not connected');
  await expect(fr.getByRole('button', { name: 'Connect FitRankings' })).toBeEnabled();
  expect(await storedSession(page, 'fitrankings')).toBeNull();
  expect((await sandbox.counters(FITRANKINGS)).user_token).toBe(0);
});
