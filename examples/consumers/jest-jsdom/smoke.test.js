// The package in Jest's jsdom environment, as an app's component tests use it.

import { EXPECTED_URL_PREFIX, smoke } from './src/smoke.js';

test('import, init(), every class, authorizeUrl(), the connect button', async () => {
  const out = await smoke();
  expect(out.beforeInit).toBe('invalid_config');
  expect(out.url.startsWith(EXPECTED_URL_PREFIX)).toBe(true);
  expect(out.classes).toEqual(['FitRankings', 'FitBark', 'PerfectGym', 'OpenFit', 'Fisikal']);
  expect(out.button).toBeTruthy();
});
