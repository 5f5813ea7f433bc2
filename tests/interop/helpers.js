// Fixtures and steps shared by the interop tests.
import { test as base, expect } from '@playwright/test';

import shared from '../playwright-shared.js';
import { APP, FITBARK, OPENFIT_IDENTITY } from './ports.mjs';

export { expect };

/** Where the page's FitBark client keeps its pending sign-in (keys are per client configuration). */
export function fitbarkTxKey(page) {
  return page.evaluate(() => window.interop.fitbark._storageKeys.transaction);
}

// Every test starts with default provider settings and zero counters; an uncaught page error
// fails the test.
export const test = base.extend({
  op: [
    async ({ request }, use) => {
      for (const origin of [FITBARK, OPENFIT_IDENTITY]) {
        const res = await request.post(`${origin}/__interop/reset`);
        expect(res.ok(), `reset ${origin}`).toBeTruthy();
      }
      await use({
        async counters(origin) {
          const res = await request.get(`${origin}/__interop/counters`);
          expect(res.ok(), `counters ${origin}`).toBeTruthy();
          return res.json();
        },
        async expireAccessTokens(origin) {
          const res = await request.post(`${origin}/__interop/expire-access-tokens`);
          expect(res.ok(), `expire-access-tokens ${origin}`).toBeTruthy();
        },
        async settings(origin, values) {
          const res = await request.post(`${origin}/__interop/settings`, { data: values });
          expect(res.ok(), `settings ${origin}`).toBeTruthy();
          return res.json();
        },
      });
    },
    { auto: true },
  ],
  page: shared.pageFailingOnErrors(expect),
});

/** Opens an interop page on the app origin and waits until the SDK is loaded. */
export async function open(page, path) {
  await page.goto(`${APP}${path}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

/** The session as the SDK's public `session` getter answers it. */
export function session(page, client) {
  return page.evaluate((name) => window.interop[name].session, client);
}

/**
 * Connect FitBark up to the way back: the SDK's authorize(), oidc-provider's authorize endpoint
 * and consent page (`button` is clicked), then the redirect to the app page. Answers the
 * redirect URL, before anything completes it.
 */
export async function authorizeFitBark(page, button = 'Authorize') {
  await open(page, '/fitbark.html');
  await page.getByRole('button', { name: 'Connect FitBark' }).click();
  await page.waitForURL((url) => url.origin === FITBARK && url.pathname.startsWith('/interaction/'));
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL((url) => url.origin === APP && url.pathname === '/fitbark.html');
  const redirect = new URL(page.url());
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  return redirect;
}

/** completeAuthorization() on the page: `{ ok, value | error }` (see www/interop.js). */
export function completeFitBark(page) {
  return page.evaluate(() => window.interop.attempt(() => window.interop.fitbark.completeAuthorization()));
}

/** `client.fetch(path)` on the page: `{ ok, value: { status, body } | error }`. */
export function apiFetch(page, client, path) {
  return page.evaluate(([name, p]) => window.interop.attempt(async () => {
    const response = await window.interop[name].fetch(p);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }), [client, path]);
}
