// <fitconnect-button> in the demo: the row of embeddable buttons and the OAuth cards' buttons, against
// the sandbox. Keyboard use, the password dialog, shared sessions, events across shadow roots, styling
// from outside, and a picture of every state (target/screenshots/demo-button-*.png).
const path = require('node:path');
const { test, expect, APP, FITBARK, card, gotoDemo, waitReady, storedSession, answerConsent, closeAfterProviderPage } = require('./helpers');

const row = (page) => page.locator('#connect-buttons');
const rowButton = (page, provider) => row(page).locator(`fitconnect-button[provider="${provider}"]`);
const shot = (name) => path.join(__dirname, '..', '..', 'target', 'screenshots', `demo-button-${name}.png`);

// Every fitconnect:* event that reaches the document, with where it was retargeted to.
async function recordEvents(page) {
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['fitconnect:connected', 'fitconnect:disconnected', 'fitconnect:error']) {
      document.addEventListener(type, (e) => {
        const d = e.detail || {};
        window.__events.push({ type, provider: d.provider, code: d.code, target: e.target.localName });
      });
    }
  });
}
const events = (page) => page.evaluate(() => window.__events);

test('keyboard: Enter opens the FitRankings popup; Allow connects the row button and the card together', async ({ page }) => {
  await recordEvents(page);
  await gotoDemo(page);
  const button = rowButton(page, 'fitrankings');
  await expect(button).toHaveAttribute('state', 'idle');
  await page.screenshot({ path: shot('page-idle'), fullPage: false });

  await button.getByRole('button', { name: 'Connect FitRankings' }).focus();
  const popupEvent = page.waitForEvent('popup');
  await page.keyboard.press('Enter');
  const popup = await popupEvent;
  await expect(button.getByRole('button')).toHaveAttribute('aria-busy', 'true');
  await expect(button.getByRole('button')).toHaveText('Connecting…');
  await row(page).screenshot({ path: shot('connecting'), animations: 'disabled' });

  await popup.waitForLoadState('domcontentloaded');
  await answerConsent(popup);

  await expect(button).toHaveAttribute('state', 'connected');
  await expect(button.getByRole('button', { name: 'Disconnect FitRankings' })).toBeFocused();
  await expect(button.getByRole('status')).toHaveText('Connected to FitRankings');
  // The card's own button and its status follow the shared session.
  const fr = card(page, 'fitrankings');
  await expect(fr).toHaveAttribute('data-state', 'connected');
  await expect(fr.getByRole('button', { name: 'Disconnect FitRankings' })).toBeVisible();
  await row(page).screenshot({ path: shot('connected') });
  expect(await events(page)).toEqual([{ type: 'fitconnect:connected', provider: 'fitrankings', code: undefined, target: 'fitconnect-button' }]);

  // Disconnect in the card: the row's button goes back to idle too.
  await fr.getByRole('button', { name: 'Disconnect FitRankings' }).click();
  await expect(button.getByRole('button', { name: 'Connect FitRankings' })).toBeVisible();
  await expect(fr.getByTestId('status')).toHaveText('Not connected');
  expect(await storedSession(page, 'fitrankings')).toBeNull();
  expect((await events(page)).map((e) => e.type)).toEqual(['fitconnect:connected', 'fitconnect:disconnected']);
});

test('a closed popup: error state with a visible message and Try again; the card explains it too', async ({ page }) => {
  await recordEvents(page);
  await gotoDemo(page);
  const fr = card(page, 'fitrankings');
  const popupEvent = page.waitForEvent('popup');
  await fr.getByRole('button', { name: 'Connect FitRankings' }).click();
  await expect(fr.getByTestId('status')).toContainText('FitRankings window');
  await closeAfterProviderPage(await popupEvent);

  const button = fr.locator('fitconnect-button');
  await expect(button).toHaveAttribute('state', 'error');
  await expect(button.getByRole('button', { name: 'Try again to connect FitRankings' })).toBeVisible();
  await expect(fr.getByTestId('error-code')).toHaveText('popup_closed');
  await expect(fr.getByTestId('error')).toHaveText('The sign-in window was closed before finishing.Error code: popup_closed');
  expect(await events(page)).toEqual([{ type: 'fitconnect:error', provider: 'fitrankings', code: 'popup_closed', target: 'fitconnect-button' }]);
  await fr.screenshot({ path: shot('card-error') });

  // The row's button, unstyled, shows the message itself.
  const popup2 = page.waitForEvent('popup');
  await rowButton(page, 'fitrankings').getByRole('button').click();
  await closeAfterProviderPage(await popup2);
  await expect(rowButton(page, 'fitrankings').getByRole('status')).toHaveText('The sign-in window was closed before it finished.');
  await row(page).screenshot({ path: shot('error') });

  // Try again works.
  const popup3 = page.waitForEvent('popup');
  await rowButton(page, 'fitrankings').getByRole('button', { name: /^Try again/ }).click();
  const popup = await popup3;
  await popup.waitForLoadState('domcontentloaded');
  await answerConsent(popup);
  await expect(rowButton(page, 'fitrankings')).toHaveAttribute('state', 'connected');
});

test('password dialog: labelled, focus managed, Escape closes, the password is cleared and never logged', async ({ page }) => {
  await recordEvents(page);
  const consoleText = [];
  page.on('console', (m) => consoleText.push(m.text()));
  await gotoDemo(page);
  const button = rowButton(page, 'perfectgym');
  const connect = button.getByRole('button', { name: 'Connect PerfectGym' });
  const dialog = page.getByRole('dialog', { name: 'Sign in to PerfectGym' });

  await connect.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute('aria-describedby', 'note');
  const username = dialog.getByLabel('Email or username');
  const password = dialog.getByLabel('Password');
  await expect(username).toBeFocused();
  await expect(username).toHaveAttribute('autocomplete', 'username');
  await expect(password).toHaveAttribute('autocomplete', 'current-password');
  await page.keyboard.press('Tab');
  await expect(password).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Sign in' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(connect).toBeFocused();

  // Empty fields are refused without a request.
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Enter your username and password.');
  await expect(username).toBeFocused();

  await username.fill('member@perfectgym.test');
  await page.screenshot({ path: shot('dialog-open') });
  await password.fill('not-the-password-123');
  await password.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('The username or password is incorrect.');
  await expect(password).toHaveValue('');
  await expect(password).toBeFocused();
  await expect(button).toHaveAttribute('state', 'error');
  await dialog.screenshot({ path: shot('dialog-error') });

  await password.fill('gym-member-pass');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(button).toHaveAttribute('state', 'idle');
  await page.keyboard.press('Enter');
  await expect(password, 'the field is empty when the dialog opens again').toHaveValue('');
  await password.fill('gym-member-pass');
  await username.fill('member@perfectgym.test');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog).toBeHidden();
  await expect(button).toHaveAttribute('state', 'connected');
  await expect(button.getByRole('button', { name: 'Disconnect PerfectGym' })).toBeFocused();
  // The card follows the session signed in from the row.
  await expect(card(page, 'perfectgym')).toHaveAttribute('data-state', 'connected');

  expect((await events(page)).map((e) => `${e.type} ${e.code ?? ''}`.trim())).toEqual([
    'fitconnect:error oauth_error',
    'fitconnect:connected',
  ]);
  for (const secret of ['gym-member-pass', 'not-the-password-123']) {
    expect(consoleText.join('\n')).not.toContain(secret);
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage }))).not.toContain(secret);
  }
});

test('events cross shadow roots; styling from outside reaches the inner button', async ({ page }) => {
  await recordEvents(page);
  await gotoDemo(page);
  // A button inside another component's shadow root.
  await page.evaluate(() => {
    const host = document.createElement('my-widget');
    host.id = 'widget';
    host.attachShadow({ mode: 'open' }).innerHTML = '<fitconnect-button provider="openfit"></fitconnect-button>';
    document.querySelector('main').prepend(host);
  });
  const nested = page.locator('#widget fitconnect-button');
  await nested.getByRole('button', { name: 'Connect OpenFIT' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign in to OpenFIT' });
  await dialog.getByLabel('Email or username').fill('clinician@openfit.test');
  await dialog.getByLabel('Password').fill('openfit-pass');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(nested).toHaveAttribute('state', 'connected');
  // Composed: the document hears it, retargeted to the outer host.
  expect(await events(page)).toEqual([{ type: 'fitconnect:connected', provider: 'openfit', code: undefined, target: 'my-widget' }]);
  await expect(rowButton(page, 'openfit')).toHaveAttribute('state', 'connected');

  await page.addStyleTag({
    content: `#connect-buttons fitconnect-button[provider="fisikal"] { --fitconnect-button-bg: rgb(17, 24, 39); --fitconnect-button-color: rgb(255, 255, 255);
      --fitconnect-button-radius: 999px; --fitconnect-button-font: Georgia, serif; }
      #connect-buttons fitconnect-button[provider="fisikal"]::part(button) { letter-spacing: 2px; }`,
  });
  // Polled: the button's colours have a short transition.
  const style = () =>
    rowButton(page, 'fisikal').evaluate((el) => {
      const s = getComputedStyle(el.shadowRoot.querySelector('[part="button"]'));
      return { bg: s.backgroundColor, color: s.color, radius: s.borderTopLeftRadius, font: s.fontFamily, spacing: s.letterSpacing };
    });
  await expect.poll(style).toEqual({ bg: 'rgb(17, 24, 39)', color: 'rgb(255, 255, 255)', radius: '999px', font: 'Georgia, serif', spacing: '2px' });
  await row(page).screenshot({ path: shot('styled') });
});

test('defineConnectButtons is idempotent; a bad configuration shows an error state and event', async ({ page }) => {
  await recordEvents(page);
  await gotoDemo(page);
  const result = await page.evaluate(async () => {
    const { defineConnectButtons } = await import('/pkg/fitconnect.js');
    const again = defineConnectButtons();
    const el = document.createElement('fitconnect-button');
    el.setAttribute('provider', 'strava');
    document.querySelector('main').append(el);
    const unknown = el.getAttribute('state');
    el.setAttribute('provider', 'fitrankings');
    el.setAttribute('callback-uri', '/callback.html');
    const fixed = el.getAttribute('state');
    return { same: again === customElements.get('fitconnect-button'), unknown, fixed };
  });
  expect(result).toEqual({ same: true, unknown: 'error', fixed: 'idle' });
  expect(await events(page)).toEqual([{ type: 'fitconnect:error', provider: undefined, code: 'invalid_config', target: 'fitconnect-button' }]);
});

test('FitBark from the row: redirect and back; the row button and the card show the session', async ({ page }) => {
  await gotoDemo(page);
  await rowButton(page, 'fitbark').getByRole('button', { name: 'Connect FitBark' }).click();
  await page.waitForURL((url) => url.origin === FITBARK && url.pathname === '/oauth/authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL((url) => url.origin === APP);
  await waitReady(page);
  await expect(rowButton(page, 'fitbark')).toHaveAttribute('state', 'connected');
  await expect(card(page, 'fitbark')).toHaveAttribute('data-state', 'connected');
  await expect(card(page, 'fitbark').getByRole('button', { name: 'Disconnect FitBark' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
});
