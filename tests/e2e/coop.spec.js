// A provider page with Cross-Origin-Opener-Policy: same-origin cuts the popup off from the app:
// `popup.closed` reads true at once and the callback page has no opener. connect() must still
// complete, and a popup cut off like that is not reported as closed by the user.
const { test, expect, FITRANKINGS, card, gotoDemo, storedSession, openFitRankingsConsent } = require('./helpers');

test('with COOP on the consent page, Allow still connects (the callback reports over the channel)', async ({
  page,
  sandbox,
}) => {
  await sandbox.settings(FITRANKINGS, { coop: true });
  const popup = await openFitRankingsConsent(page);
  // The opener now sees the popup as closed while the user is still on the consent page.
  await page.waitForTimeout(1200);
  await expect(card(page, 'fitrankings')).not.toHaveAttribute('data-state', 'error');
  await popup.getByRole('button', { name: 'Allow' }).click();
  await expect(card(page, 'fitrankings')).toHaveAttribute('data-state', 'connected');
  const session = await storedSession(page, 'fitrankings');
  expect(session.accessToken).toBeTruthy();
  expect(session.userId).toBeTruthy();
});

test('with COOP, a popup that looks closed is not called popup_closed; without COOP it is', async ({
  page,
  sandbox,
}) => {
  await gotoDemo(page);
  // A client of our own with a short timeout, started by a real click so the popup may open.
  await page.evaluate(async () => {
    // The page's own module instance, already initialised by the demo.
    const { FitRankings } = await import('/pkg/fitconnect.js');
    const cfg = window.fitconnectDemo.config.fitrankings;
    const button = document.createElement('button');
    button.id = 'short';
    button.textContent = 'short';
    button.addEventListener('click', () => {
      const fr = new FitRankings({ ...cfg, timeoutMs: 4000 });
      window.outcome = fr.connect().then(() => 'connected', (e) => e.code);
    });
    document.body.append(button);
  });

  for (const [coop, expected] of [
    [true, 'timeout'],
    [false, 'popup_closed'],
  ]) {
    await sandbox.settings(FITRANKINGS, { coop });
    const popupEvent = page.waitForEvent('popup');
    await page.click('#short');
    const popup = await popupEvent;
    await popup.getByRole('button', { name: 'Allow' }).waitFor();
    await page.waitForTimeout(600); // several polls of popup.closed
    await popup.close();
    expect(await page.evaluate(() => window.outcome), `coop=${coop}`).toBe(expected);
  }
});
