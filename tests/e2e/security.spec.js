// The user token must only ever travel to the provider's own API origin.
const { test, expect, APP, FITRANKINGS, FITBARK, gotoDemo, connectFitRankings } = require('./helpers');

test('fetch refuses to send the FitRankings token to any other origin (invalid_config)', async ({ page }) => {
  await gotoDemo(page);
  await connectFitRankings(page);

  const outgoing = [];
  page.on('request', (req) => outgoing.push(req.url()));

  const targets = [
    `${FITBARK}/api/v2/user`, // another provider on the same host
    '//evil.example/x', // protocol-relative
    FITRANKINGS.replace('http:', 'https:') + '/iq/users/', // same host and port, other scheme
  ];
  const results = await page.evaluate(async (list) => {
    const { FitConnectError } = await import('/pkg/fitconnect.js');
    const out = [];
    for (const target of list) {
      try {
        const res = await window.fitconnectDemo.fitrankings.fetch(target);
        out.push({ target, resolved: res.status });
      } catch (err) {
        out.push({
          target,
          isError: err instanceof Error,
          isFitConnectError: err instanceof FitConnectError,
          name: err.name,
          code: err.code,
        });
      }
    }
    return out;
  }, targets);

  for (const result of results) {
    expect(result, result.target).toEqual({
      target: result.target,
      isError: true,
      isFitConnectError: true,
      name: 'FitConnectError',
      code: 'invalid_config',
    });
  }
  const leaked = outgoing.filter((u) => !u.startsWith(`${FITRANKINGS}/`) && !u.startsWith(`${APP}/`));
  expect(leaked).toEqual([]);
});
