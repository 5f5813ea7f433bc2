// Hardening: tabs that share a session, a second connect() while one is pending, a replayed callback.
const { test, expect, APP, FITBARK, card, gotoDemo, waitReady, sessionKey, storedSession, connectFitBark, openFitRankingsPopup } = require('./helpers');

test('two tabs with the same session spend the refresh token once; the other adopts the rotation', async ({
  page,
  context,
  sandbox,
}) => {
  await gotoDemo(page);
  await connectFitBark(page);
  const original = await storedSession(page, 'fitbark');
  const key = await sessionKey(page, 'fitbark');

  // A duplicated tab starts with a copy of the first tab's sessionStorage.
  const second = await context.newPage();
  await second.addInitScript(({ key, session }) => {
    sessionStorage.setItem(key, JSON.stringify(session));
  }, { key, session: original });
  await gotoDemo(second);

  await sandbox.expireTokens(FITBARK); // both tabs' next call gets a 401 at once
  const call = (p) =>
    p.evaluate(async () => (await window.fitconnectDemo.fitbark.fetch('/api/v2/user')).status);
  const statuses = await Promise.all([call(page), call(second), call(page), call(second)]);
  expect(statuses).toEqual([200, 200, 200, 200]);

  const counters = await sandbox.counters(FITBARK);
  expect(counters.refresh_token, 'one refresh for both tabs').toBe(1);
  const a = await storedSession(page, 'fitbark');
  const b = await storedSession(second, 'fitbark');
  expect(a.refreshToken).not.toBe(original.refreshToken);
  expect(b.refreshToken, 'the second tab adopted the rotated tokens').toBe(a.refreshToken);
  expect(b.accessToken).toBe(a.accessToken);
  await second.close();
});

test('a second connect() while the popup is open focuses it and rejects with interaction_in_progress', async ({
  page,
}) => {
  await gotoDemo(page);
  // Both calls inside one click, as a double-click handler would make them. window.open is counted
  // in the page: Playwright's popup event can arrive after the click and the second rejection.
  await page.evaluate(() => {
    const open = window.open;
    window.opens = 0;
    window.open = function (...args) {
      window.opens += 1;
      return open.apply(this, args);
    };
    const button = document.createElement('button');
    button.id = 'twice';
    button.textContent = 'twice';
    button.addEventListener('click', () => {
      const fr = window.fitconnectDemo.fitrankings;
      window.first = fr.connect().then(() => 'connected', (e) => e.code);
      window.second = fr.connect().then(() => 'connected', (e) => e.code);
    });
    document.body.append(button);
  });
  const popupEvent = page.waitForEvent('popup');
  await page.click('#twice');
  const popup = await popupEvent;
  expect(await page.evaluate(() => window.second)).toBe('interaction_in_progress');
  expect(await page.evaluate(() => window.opens), 'only one popup').toBe(1);
  await popup.getByRole('button', { name: 'Allow' }).click();
  expect(await page.evaluate(() => window.first)).toBe('connected');
  await expect(card(page, 'fitrankings')).toHaveAttribute('data-state', 'connected');
});

test('a replayed FitBark callback is rejected and exchanges nothing', async ({ page, sandbox }) => {
  await gotoDemo(page);
  let callbackUrl = null;
  page.on('framenavigated', (frame) => {
    const url = new URL(frame.url());
    if (frame === page.mainFrame() && url.origin === APP && url.searchParams.has('code')) callbackUrl = frame.url();
  });
  await connectFitBark(page);
  expect(callbackUrl).not.toBeNull();
  const before = await sandbox.counters(FITBARK);
  await page.goto(callbackUrl);
  await expect(card(page, 'fitbark').getByText('state_mismatch')).toBeVisible();
  const after = await sandbox.counters(FITBARK);
  expect(after.authorization_code).toBe(before.authorization_code);
});

test('the popup opens synchronously inside the click, on the first click after load', async ({ page }) => {
  await page.goto('/');
  const button = card(page, 'fitrankings').getByRole('button', { name: 'Connect FitRankings' });
  // The demo enables the button only once init() has finished: the first click already works.
  await expect(button).toBeEnabled();
  await page.evaluate(async () => {
    // `dispatching` is true from the first to the last listener of a click: a call made after an
    // await inside a handler happens when it is false again.
    window.dispatching = false;
    window.addEventListener('click', () => { window.dispatching = true; }, true);
    window.addEventListener('click', () => { window.dispatching = false; });
    const { FitRankings } = await import('/pkg/fitconnect.js');
    const connect = FitRankings.prototype.connect;
    FitRankings.prototype.connect = function () {
      window.connectCalled = window.dispatching ? 'during the click' : 'after the click';
      window.inConnect = true;
      try { return connect.call(this); } finally { window.inConnect = false; }
    };
    const open = window.open;
    window.open = function (...args) {
      window.openCalled = window.inConnect && window.dispatching ? 'inside connect(), during the click' : 'later';
      return open.apply(this, args);
    };
  });
  const popupEvent = page.waitForEvent('popup');
  await button.click();
  const popup = await popupEvent;
  expect(await page.evaluate(() => window.connectCalled)).toBe('during the click');
  expect(await page.evaluate(() => window.openCalled)).toBe('inside connect(), during the click');
  await popup.close();
});

test('completeAuthorization() called twice (React StrictMode) exchanges the code once', async ({ page, sandbox }) => {
  await gotoDemo(page);
  await connectFitBark(page); // the demo completed the redirect on load
  const [first, second] = await page.evaluate(async () => {
    const fb = window.fitconnectDemo.fitbark;
    const [a, b] = await Promise.all([fb.completeAuthorization(), fb.completeAuthorization()]);
    return [a.accessToken, b.accessToken];
  });
  expect(second).toBe(first);
  expect((await storedSession(page, 'fitbark')).accessToken).toBe(first);
  expect((await sandbox.counters(FITBARK)).authorization_code).toBe(1);
});

test('a reload while the popup is open leaves nothing stale: the next connect() reuses the window and completes', async ({
  page,
  context,
}) => {
  await gotoDemo(page);
  const first = await openFitRankingsPopup(page);
  await page.reload();
  await waitReady(page);
  // The same named window is navigated again rather than a second one opened.
  const again = page.waitForEvent('popup', { timeout: 2000 }).catch(() => null);
  await card(page, 'fitrankings').getByRole('button', { name: 'Connect FitRankings' }).click();
  const second = await again;
  const popup = second || first;
  await popup.getByRole('button', { name: 'Allow' }).click();
  await expect(card(page, 'fitrankings')).toHaveAttribute('data-state', 'connected');
  const open = context.pages().filter((p) => p !== page && !p.isClosed());
  expect(open.length, 'no sign-in window left open').toBe(0);
});
