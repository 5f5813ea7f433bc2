// Both providers connected in one tab; the screenshot is for people to look at.
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
