// The user token must only ever travel to the provider's own API origin.
const { test, expect, APP, FITRANKINGS, FITBARK, gotoDemo, waitReady, connectFitRankings, signInWithPassword } = require('./helpers');

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

test('the demo and its callback page run under their Content-Security-Policy without a violation', async ({ page }) => {
  const violations = [];
  // The context's console covers the sign-in popup (callback.html) too.
  page.context().on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  const response = await page.goto(`${APP}/`);
  const headers = response.headers();
  expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-content-type-options']).toBe('nosniff');
  await waitReady(page);
  await connectFitRankings(page);
  await signInWithPassword(page, 'perfectgym');
  expect(violations).toEqual([]);
});

test('a page of another origin cannot post a form to the broker', async ({ page, sandbox }) => {
  await page.goto(`${FITBARK}/__sandbox/counters`);
  const action = `${APP}/broker/fitbark/token`;
  const [response] = await Promise.all([
    page.waitForResponse(action),
    page.evaluate((target) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = target;
      for (const [name, value] of [['grant_type', 'refresh_token'], ['refresh_token', 'stolen']]) {
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }, action),
  ]);
  expect(response.status()).toBe(403);
  expect((await sandbox.counters(FITBARK)).refresh_token).toBe(0);
});
