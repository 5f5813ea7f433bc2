// Screenshots of every <fitconnect-button> state in the Vite example, for people to look at:
// target/screenshots/buttons/*.png (outside test-results/, which each Playwright run empties). Also checks each state is what its picture claims.
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { answerConsent, closeAfterProviderPage } = require('./helpers');

const APP = 'http://127.0.0.1:24090';
const shot = (name) => path.join(__dirname, '..', '..', 'target', 'screenshots', 'buttons', `${name}.png`);

test('every button state, pictured', async ({ page, request }) => {
  await request.post('http://127.0.0.1:24081/__sandbox/reset');
  await request.post('http://127.0.0.1:24083/__sandbox/reset');
  await page.goto(`${APP}/`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const card = page.locator('li[data-provider="fitrankings"]');
  const button = card.locator('fitconnect-button');

  await expect(button).toHaveAttribute('state', 'idle');
  await card.screenshot({ path: shot('idle') });
  await button.getByRole('button').focus();
  await card.screenshot({ path: shot('idle-focus') });

  const popupEvent = page.waitForEvent('popup');
  await button.getByRole('button').click();
  const popup = await popupEvent;
  await expect(button).toHaveAttribute('state', 'connecting');
  await card.screenshot({ path: shot('connecting'), animations: 'disabled' });

  await popup.waitForLoadState('domcontentloaded');
  await answerConsent(popup);
  await expect(button).toHaveAttribute('state', 'connected');
  await card.screenshot({ path: shot('connected') });
  await page.locator('header').screenshot({ path: shot('shared-session-header') });

  await button.getByRole('button').click();
  const popup2Event = page.waitForEvent('popup');
  await button.getByRole('button').click();
  await closeAfterProviderPage(await popup2Event);
  await expect(button).toHaveAttribute('state', 'error');
  await card.screenshot({ path: shot('error') });

  await page.locator('li[data-provider="perfectgym"] fitconnect-button').getByRole('button').click();
  const dialog = page.getByRole('dialog', { name: 'Sign in to PerfectGym' });
  await dialog.getByLabel('Email or username').fill('member@perfectgym.test');
  await page.screenshot({ path: shot('dialog-open') });
  await dialog.getByLabel('Password').fill('nope');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await expect(dialog.getByRole('alert')).not.toBeEmpty();
  await dialog.screenshot({ path: shot('dialog-error') });
  await page.keyboard.press('Escape');

  // Styled from outside: custom properties and ::part.
  await page.addStyleTag({
    content: `fitconnect-button { --fitconnect-button-bg: #111827; --fitconnect-button-color: #fff; --fitconnect-button-hover-bg: #1f2937;
      --fitconnect-button-radius: 999px; --fitconnect-button-border: none; --fitconnect-button-font: Georgia, serif; }
      fitconnect-button::part(button) { letter-spacing: 0.02em; }`,
  });
  await card.screenshot({ path: shot('styled-error') });
  await page.locator('li[data-provider="openfit"]').screenshot({ path: shot('styled-idle') });
});
