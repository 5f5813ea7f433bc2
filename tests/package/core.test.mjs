// The shipped WebAssembly core (the no_std release build in pkg/, built by scripts/build.sh) run
// in Node through the SDK's own loader and call code (js/core.js): its exports, its JSON answers,
// that the secrets it handles do not stay in its memory after a call, and that its memory does
// not grow with use.
// Run: node --test tests/package/core.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, pack, run as call } from '../../js/core.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasm = await load({ module_or_path: readFileSync(join(root, 'pkg', 'fitconnect_bg.wasm')) });

// The heap starts at the end of the memory as it is before the first call (src/bump.rs).
const heapBase = wasm.memory.buffer.byteLength;

const inMemory = (text) => Buffer.from(wasm.memory.buffer).includes(Buffer.from(text));
const NOW = 1_700_000_000_000;

// Client configurations as js/sdk.js builds them: the options plus what `endpoints` answers.
const perfectgym = {
  provider: 'perfectgym', clientId: '', ...JSON.parse(call('endpoints', 'perfectgym', 'https://club.example')), tokenStyle: 'form',
};
const fitbark = {
  provider: 'fitbark', clientId: 'cid', ...JSON.parse(call('endpoints', 'fitbark', '')),
  tokenUrl: '/broker/fitbark/token', tokenStyle: 'json', redirectUri: 'https://app.example/', pkce: true,
};

test('the wasm exports its memory and three functions; answers are JSON; errors carry a stable code', () => {
  const ours = Object.keys(wasm).filter((name) => !name.startsWith('__'));
  assert.deepEqual(ours.sort(), ['alloc', 'call', 'free', 'memory']);
  assert.equal(perfectgym.tokenUrl, 'https://club.example/Api/oauth/authorize');
  const e = JSON.parse(call('endpoints', 'fitrankings', 'javascript:alert(1)'));
  assert.equal(e.error, 'invalid_config');
  assert.equal(e.provider, 'fitrankings');
  // What the SDK passes for a stored value that was not JSON.
  assert.equal(JSON.parse(call('loadSession', 'fitrankings', null)), null);
  assert.equal(JSON.parse(call('nothing')).error, 'invalid_config');
});

test('the call format: tags, little-endian lengths, UTF-8, members two levels deep', () => {
  const bytes = Buffer.concat(pack(['é', 7, true, null, { a: 'b', c: [1] }]));
  const hex = (text) => Buffer.from(text.replace(/\s/g, ''), 'hex');
  assert.deepEqual(bytes, Buffer.concat([
    hex('61 05000000'), // an array of five items
    hex('73 02000000 c3a9'), // "é", two UTF-8 bytes
    hex('6e 01000000 37'), // 7, as its text
    hex('62 04000000'), Buffer.from('true'),
    hex('7a 00000000'), // null
    hex('6f 04000000'), hex('73 01000000 61'), hex('73 01000000 62'), // an object: "a", then "b", ...
    hex('73 01000000 63'), hex('61 00000000'), // ... "c", then [1], which is too deep and arrives empty
  ]));
});

test('a PKCE verifier, a code and tokens do not stay in the wasm memory', () => {
  const random = new Uint8Array(64).map((_, i) => i * 7);
  const { tx } = JSON.parse(call('begin', fitbark, Array.from(random), NOW));
  const verifier = JSON.parse(tx).verifier;
  assert.equal(verifier.length, 43);
  const state = JSON.parse(tx).state;
  const search = `?code=the-code-123&state=${state}`;
  const exchange = JSON.parse(call('complete', fitbark, search, JSON.parse(tx), NOW + 1000));
  assert.ok(exchange.body.includes(verifier));
  assert.ok(!inMemory(verifier), 'the verifier is wiped');
  assert.ok(!inMemory('the-code-123'), 'the code is wiped');

  const response = { access_token: 'access-Token-9f8e7d', token_type: 'bearer', refresh_token: 'refresh-Token-1a2b3c', expires_in: 3600 };
  const session = JSON.parse(call('tokenResponse', 'fitbark', 200, response, NOW, null));
  assert.equal(session.accessToken, 'access-Token-9f8e7d');
  assert.equal(session.expiresAt, NOW + 3_600_000);
  assert.ok(!inMemory('access-Token-9f8e7d') && !inMemory('refresh-Token-1a2b3c'), 'the tokens are wiped');
});

test('after a call, every byte of the heap is zero again', () => {
  const random = new Uint8Array(64).map((_, i) => 255 - i);
  const { tx } = JSON.parse(call('begin', fitbark, Array.from(random), NOW));
  call('complete', fitbark, `?code=c0de&state=${JSON.parse(tx).state}`, JSON.parse(tx), NOW);
  call('popupCallback', 'fitrankings', `?token=${'tøken '.repeat(500)}&user_id=1`, '');
  call('tokenResponse', 'fitbark', 200, { access_token: 't'.repeat(5000), token_type: 'Bearer' }, NOW, null);
  const heap = new Uint8Array(wasm.memory.buffer, heapBase);
  assert.ok(heap.length > 0, 'the heap has grown');
  assert.equal(heap.findIndex((b) => b !== 0), -1, 'a non-zero byte is left in the heap');
});

test('the memory does not grow with use', () => {
  const stored = { provider: 'fitbark', accessToken: 'a'.repeat(2000), tokenType: 'bearer', refreshToken: 'r' };
  for (let i = 0; i < 100; i++) call('loadSession', 'fitbark', stored);
  const before = wasm.memory.buffer.byteLength;
  for (let i = 0; i < 20_000; i++) {
    call('loadSession', 'fitbark', stored);
    call('fingerprint', `refresh-${i}`);
    call('challenge', 401, 'Bearer error="invalid_token"');
  }
  assert.equal(wasm.memory.buffer.byteLength, before);
});
