// Server-side rendering imports the package in Node: the import works, nothing loads WebAssembly,
// and browser-only calls say they need a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { FitBark, FitConnectError, defineConnectButtons } from 'fitconnect';

test('importing fitconnect in Node is safe; browser-only calls throw FitConnectError', async () => {
  assert.throws(() => new FitBark({ clientId: 'x' }), (e) => e instanceof FitConnectError && e.code === 'invalid_config' && /needs a browser/.test(e.message));
  assert.throws(() => defineConnectButtons(), (e) => e instanceof FitConnectError && e.code === 'invalid_config');
  await assert.rejects(init(), (e) => e instanceof FitConnectError && e.code === 'invalid_config');
});

test('fitconnect/inline imports in Node too', async () => {
  const inline = await import('fitconnect/inline');
  assert.equal(typeof inline.default, 'function');
  assert.equal(inline.FitConnectError, FitConnectError);
});
