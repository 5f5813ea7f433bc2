// Providers connected in one tab; the screenshots are for people to look at.
const { test, expect, card, screenshotPath, gotoDemo, connectFitRankings, connectFitBark } = require('./helpers');

test('both providers connected (screenshot: test-results/demo-connected.png)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await gotoDemo(page);
  await connectFitRankings(page);
  await connectFitBark(page);

  // The FitRankings session survived the FitBark round trip and is shown again on load.
  const fr = card(page, 'fitrankings');
  await expect(fr).toHaveAttribute('data-state', 'connected');
  await expect(fr.getByTestId('activities').locator('tbody tr').first()).toBeVisible();

  await page.screenshot({ path: screenshotPath('demo-connected.png'), fullPage: true });
});

test('all five providers connected (screenshot: test-results/demo-all-connected.png)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await gotoDemo(page);
  // The redirect first: the other sessions then only have to survive nothing.
  await connectFitBark(page);
  await connectFitRankings(page);
  for (const provider of ['perfectgym', 'openfit', 'fisikal']) {
    // The sandbox account's "Fill in" button, then the form's own submit button.
    const c = card(page, provider);
    await c.getByRole('button', { name: 'Fill in' }).click();
    await c.locator('form.signin').getByRole('button', { name: /^Sign in to / }).click();
    await expect(c).toHaveAttribute('data-state', 'connected');
  }
  for (const provider of ['fitrankings', 'fitbark', 'perfectgym', 'openfit', 'fisikal']) {
    const c = card(page, provider);
    await expect(c, provider).toHaveAttribute('data-state', 'connected');
    await expect(c.locator('.data-section').first(), provider).toBeVisible();
    await expect(c, provider).not.toHaveAttribute('aria-busy', 'true');
    await expect(c.getByTestId('error'), provider).toBeHidden();
  }
  await page.screenshot({ path: screenshotPath('demo-all-connected.png'), fullPage: true });
});
